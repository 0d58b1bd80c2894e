"""The data-quality report states what the tables hold, figure by figure.

Users read these figures (the report's data-quality section, data_quality.json) to trust
an import: each is checked here against a small export whose answer is known by hand.
Written after `make mutation` found `summarise_data_quality` mutants that no test noticed
(counts by type, expenses without a category, the ambiguous-date warning).
"""

from __future__ import annotations

import logging

import pandas as pd
import pytest

from tests.parameters import parameters
from titans_finance.datasets.raw_export_dataset import parse_export_text, read_export_files
from titans_finance.pipelines.ingestion.nodes import (
    deduplicate_transactions,
    mark_transfers,
    normalise_transactions,
    summarise_data_quality,
)

PARAMS = parameters("ingestion", reference_date="2025-06-30")

# Two accounts, a transfer between them, two expenses without a category, three rows that
# cannot be read (four reasons: the last one has neither a date nor an amount), and dates
# whose day/month order the values cannot tell (01/02 .. 01/08 read either way).
TWO_ACCOUNTS = """Date,Description,Amount,Account,Category
01/02/2024,Salary,2500.00,current,salary
01/03/2024,Rent,-900.00,current,rent
01/04/2024,Coffee,-3.50,current,
01/05/2024,To savings,-100.00,current,
01/06/2024,From current,100.00,savings,
01/07/2024,Interest,1.25,savings,
13/13/2024,Bad date,-1.00,current,
01/08/2024,Bad amount,1.2.3x,current,
,,,current,
"""


def _ingest(text: str, name: str = "two.csv"):
    raw, info = parse_export_text(text, name)
    raw.attrs["source"] = info
    candidates, quarantine, fixes = normalise_transactions(raw, PARAMS)
    clean, duplicates = deduplicate_transactions(candidates, PARAMS)
    return raw, mark_transfers(clean, PARAMS), quarantine, duplicates, fixes


def test_every_figure_of_the_report_matches_the_tables(caplog):
    raw, clean, quarantine, duplicates, fixes = _ingest(TWO_ACCOUNTS)
    with caplog.at_level(logging.WARNING, logger="titans_finance.pipelines.ingestion.nodes"):
        report = summarise_data_quality(raw, clean, quarantine, duplicates, fixes)
    assert {k: report[k] for k in ("rows_read", "rows_clean", "rows_quarantined",
                                   "rows_duplicate")} == {
        "rows_read": 9, "rows_clean": 6, "rows_quarantined": 3, "rows_duplicate": 0}
    # one row may have several reasons: each reason is counted once per row
    assert report["quarantine_reasons"] == {"invalid_amount": 1, "invalid_date": 1,
                                            "missing_amount": 1, "missing_date": 1}
    assert report["clean_date_range"] == ["2024-01-02", "2024-01-07"]
    assert report["clean_by_type"] == {"expense": 3, "income": 3}
    # Coffee and the transfer out: expenses without a category (the income row is not one)
    assert report["expenses_without_category"] == 2
    assert report["accounts"] == {"current": 4, "savings": 2}
    assert report["transfers_marked"] == 2
    assert report["date_order_ambiguous_files"] == ["two.csv"]
    # the per-file decisions (one file: the source itself, not a list of files)
    assert report["source"]["file"] == "two.csv"
    assert report["source"]["day_first"] is False
    assert report["source"]["date_order_ambiguous"] is True
    # the file-level decisions are not repeated among the fixes
    assert "files" not in report["fixes"] and report["fixes"]["description_missing"] == 1
    warnings = [r.getMessage() for r in caplog.records]
    assert warnings == [
        "two.csv: day/month order cannot be told from the dates; read as month-first "
        "(declare day_first for this file to be sure)",
        "3 of 9 rows quarantined: {'invalid_amount': 1, 'invalid_date': 1, "
        "'missing_amount': 1, 'missing_date': 1}",
    ]


def test_a_day_first_file_is_said_to_be_read_day_first(caplog):
    text = "Date,Description,Amount\n01/02/2024,A,-1\n02/02/2024,B,-2\n03/02/2024,C,-3\n"
    raw, clean, quarantine, duplicates, fixes = _ingest(text, "eu.csv")
    with caplog.at_level(logging.WARNING, logger="titans_finance.pipelines.ingestion.nodes"):
        report = summarise_data_quality(raw, clean, quarantine, duplicates, fixes)
    # consecutive lines a day apart read day-first, a month apart month-first: day-first wins
    assert clean["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-02-01", "2024-02-02",
                                                              "2024-02-03"]
    assert report["date_order_ambiguous_files"] == ["eu.csv"]
    assert [r.getMessage() for r in caplog.records] == [
        "eu.csv: day/month order cannot be told from the dates; read as day-first "
        "(declare day_first for this file to be sure)"]


def test_a_clean_export_warns_of_nothing_and_an_empty_one_has_no_date_range(caplog):
    text = "Date,Description,Amount\n2024-01-02,A,-1.50\n2024-01-09,B,2\n"
    raw, clean, quarantine, duplicates, fixes = _ingest(text, "plain.csv")
    with caplog.at_level(logging.WARNING, logger="titans_finance.pipelines.ingestion.nodes"):
        report = summarise_data_quality(raw, clean, quarantine, duplicates, fixes)
    assert caplog.records == []
    assert report["quarantine_reasons"] == {} and report["date_order_ambiguous_files"] == []
    assert report["clean_by_type"] == {"expense": 1, "income": 1}
    # no Category column at all: the expense has no category
    assert report["expenses_without_category"] == 1
    # no Account column: the account is the file's name
    assert report["accounts"] == {"plain": 2} and report["transfers_marked"] == 0

    raw, clean, quarantine, duplicates, fixes = _ingest("Date,Description,Amount\nx,y,z\n")
    report = summarise_data_quality(raw, clean, quarantine, duplicates, fixes)
    assert report["clean_date_range"] is None and report["clean_by_type"] == {}
    assert report["rows_quarantined"] == 1


def test_tables_without_the_optional_columns_report_no_accounts_and_no_transfers():
    raw, clean, quarantine, duplicates, fixes = _ingest(TWO_ACCOUNTS)
    bare = clean.drop(columns=["account", "is_transfer"])
    report = summarise_data_quality(raw, bare, quarantine, duplicates, fixes)
    assert report["accounts"] == {} and report["transfers_marked"] == 0


@pytest.mark.parametrize("cut", ["clean", "quarantine"])
def test_one_row_missing_from_either_table_is_named(cut):
    raw, clean, quarantine, duplicates, fixes = _ingest(TWO_ACCOUNTS)
    lost = int((clean if cut == "clean" else quarantine)["source_row"].iloc[0])
    if cut == "clean":
        clean = clean.iloc[1:]
    else:
        quarantine = quarantine.iloc[1:]
    with pytest.raises(Exception, match=rf"^rows_read=9 but clean\+quarantined\+duplicate=8; "
                                        rf"source rows counted twice: \[\], lost: \[{lost}\], "
                                        rf"never read: \[\]$"):
        summarise_data_quality(raw, clean, quarantine, duplicates, fixes)


def _ingest_folder(folder, params=PARAMS):
    raw = read_export_files(str(folder), [])
    candidates, quarantine, fixes = normalise_transactions(raw, params)
    clean, duplicates = deduplicate_transactions(candidates, params)
    return raw, clean, quarantine, duplicates, fixes


def test_overlapping_statements_keep_each_transaction_once_and_point_at_what_they_repeat(
        tmp_path):
    """January-February and February-March of one account: February's two coffees (two
    transactions, written twice in each file) once each; the second file's copies are
    duplicates of the first file's lines; a third coffee in March is new."""
    header = "Date,Description,Amount,Account\n"
    feb = "2024-02-10,COFFEE,-3.20,DE001\n2024-02-10,COFFEE,-3.20,DE001\n"
    (tmp_path / "a-jan-feb.csv").write_text(header + "2024-01-15,RENT,-900.00,DE001\n" + feb)
    (tmp_path / "b-feb-mar.csv").write_text(header + feb + "2024-03-01,COFFEE,-3.20,DE001\n")
    raw, clean, quarantine, duplicates, fixes = _ingest_folder(tmp_path)
    # raw rows: 1 rent, 2 feb coffee (file a), 4, 5 feb coffee (file b), 6 march coffee
    assert clean["source_row"].tolist() == [1, 2, 3, 6]  # sorted by date, then source row
    assert duplicates["source_row"].tolist() == [4, 5]
    assert duplicates["duplicate_of_source_row"].tolist() == [2, 3]
    assert duplicates["source_file"].tolist() == ["b-feb-mar.csv"] * 2
    assert clean["amount"].sum() == pytest.approx(-900.0 - 3 * 3.2)
    assert clean["transaction_id"].is_unique
    # the same transaction keeps its id whichever file it was read from
    assert set(duplicates["transaction_id"]) == set(clean.loc[clean["source_row"].isin([2, 3]),
                                                              "transaction_id"])
    report = summarise_data_quality(raw, clean, quarantine, duplicates, fixes)
    assert (report["rows_read"], report["rows_clean"], report["rows_duplicate"]) == (6, 4, 2)
    assert [f["file"] for f in report["source"]["files"]] == ["a-jan-feb.csv", "b-feb-mar.csv"]

    # declared exporter repeats: identical lines inside one file are one transaction too
    ids = clean.set_index("source_row")["transaction_id"]
    raw, clean, quarantine, duplicates, fixes = _ingest_folder(
        tmp_path, {**PARAMS, "identical_lines_in_one_file": "duplicate"})
    assert clean["source_row"].tolist() == [1, 2, 6]
    # a line written once keeps its id whether or not the exporter is said to repeat lines
    # (the review queue and the app refer to transactions by id)
    assert clean.set_index("source_row")["transaction_id"].to_dict() == ids[[1, 2, 6]].to_dict()
    assert duplicates["source_row"].tolist() == [3, 4, 5]
    assert duplicates["duplicate_of_source_row"].tolist() == [2, 2, 2]


def test_lines_that_differ_in_any_key_field_are_not_duplicates(tmp_path):
    header = "Date,Description,Amount,Account,Balance\n"
    line = "2024-02-10,COFFEE,-3.20,DE001,100.00\n"
    (tmp_path / "a.csv").write_text(header + line)
    (tmp_path / "b.csv").write_text(
        header + line  # the same line: a duplicate
        + "2024-02-11,COFFEE,-3.20,DE001,100.00\n"  # another day
        + "2024-02-10,COFFEE,-3.21,DE001,100.00\n"  # another amount
        + "2024-02-10,TEA,-3.20,DE001,100.00\n"  # another description
        + "2024-02-10,COFFEE,-3.20,DE002,100.00\n"  # another account
        + "2024-02-10,COFFEE,-3.20,DE001,96.80\n")  # another running balance
    # case and spacing of the description do not make another transaction; but inside one
    # file an identical line is another transaction (two coffees), so it is in a third file
    (tmp_path / "c.csv").write_text(header + "2024-02-10,coffee  ,-3.20,DE001,100.00\n")
    raw, clean, quarantine, duplicates, fixes = _ingest_folder(tmp_path)
    assert duplicates["source_row"].tolist() == [2, 8]
    assert duplicates["duplicate_of_source_row"].tolist() == [1, 1]
    assert sorted(clean["source_row"]) == [1, 3, 4, 5, 6, 7]


def test_the_error_names_the_first_ten_rows_of_each_kind():
    text = "Date,Description,Amount\n" + "".join(f"2024-01-{d:02d},R{d},-{d}\n"
                                                 for d in range(1, 25))
    raw, info = parse_export_text(text, "many.csv")
    raw.attrs["source"] = info
    candidates, quarantine, fixes = normalise_transactions(raw, PARAMS)
    clean, duplicates = deduplicate_transactions(candidates, PARAMS)
    # rows 1-12 counted twice, rows 13-24 lost, 12 rows never read (101-112)
    tampered = pd.concat([clean.iloc[:12], clean.iloc[:12],
                          clean.iloc[:12].assign(source_row=range(101, 113))], ignore_index=True)
    with pytest.raises(Exception) as raised:
        summarise_data_quality(raw, tampered, quarantine, duplicates, fixes)
    assert str(raised.value) == (
        "rows_read=24 but clean+quarantined+duplicate=36; "
        f"source rows counted twice: {list(range(1, 11))}, lost: {list(range(13, 23))}, "
        f"never read: {list(range(101, 111))}")


def test_the_report_names_the_export_it_read_and_stamps_the_clean_table(tmp_path):
    from titans_finance.core.fingerprint import data_hash

    report = summarise_data_quality(*_ingest(TWO_ACCOUNTS))
    _, clean, *_ = _ingest(TWO_ACCOUNTS)
    assert report["source"]["file"] == "two.csv"
    assert report["computed_from"]["data_hash"] == data_hash(clean)
    # the report and the app hash the table read back from its parquet file: same stamp
    clean.to_parquet(tmp_path / "clean.parquet")
    assert data_hash(pd.read_parquet(tmp_path / "clean.parquet")) == data_hash(clean)
    assert report["computed_from"]["rows"] == 6
    # and no time: DVC rebuilds the ingestion outputs byte for byte on a fresh clone
    assert set(report["computed_from"]) == {"data_hash", "rows"}
    # the export's fingerprint is that of its rows as read: the same file gives the same
    # one, a single changed cent gives another
    again = summarise_data_quality(*_ingest(TWO_ACCOUNTS, "renamed.csv"))
    assert again["export_fingerprint"] == report["export_fingerprint"]
    changed = summarise_data_quality(*_ingest(TWO_ACCOUNTS.replace("-3.50", "-3.51")))
    assert changed["export_fingerprint"] != report["export_fingerprint"]
    assert changed["computed_from"]["data_hash"] != report["computed_from"]["data_hash"]


def test_the_reading_report_says_how_each_file_was_read_and_whether_its_balance_proves_it(
        caplog):
    proven = ("Datum;Omschrijving;Bedrag;CreditDebet;Saldo\n02-01-2024;AH;12,40;D;987,60\n"
              "03-01-2024;Salaris;2100,00;C;3087,60\n")
    raw, clean, quarantine, duplicates, fixes = _ingest(proven, "nl.csv")
    report = summarise_data_quality(raw, clean, quarantine, duplicates, fixes)
    assert report["reconciliation"] == {"nl.csv": "proven"}
    assert report["reconciliation_contradicted_files"] == []
    source = report["source"]
    assert source["reading"]["columns"]["CreditDebet"]["role"] == "Debit/Credit"
    assert source["reading"]["columns"]["Saldo"]["amount_rate"] == 1.0
    assert "D = money out, C = money in" in source["reading"]["sign_convention"]
    assert source["reconciliation"]["status"] == "proven"
    # one line missing between the two: read, but contradicted, listed and warned of
    broken = proven.replace("3087,60", "3000,00")
    raw, clean, quarantine, duplicates, fixes = _ingest(broken, "nl.csv")
    with caplog.at_level(logging.WARNING, logger="titans_finance.pipelines.ingestion.nodes"):
        report = summarise_data_quality(raw, clean, quarantine, duplicates, fixes)
    assert report["reconciliation_contradicted_files"] == ["nl.csv"]
    assert report["source"]["reconciliation"]["first_break_row"] == 2
    # the warning names the file, what was checked (not the status again) and the explanation
    explanation = report["source"]["reconciliation"]["explanation"]
    assert [r.getMessage() for r in caplog.records if "balances" in r.getMessage()] == [
        "nl.csv: the amounts read do not carry the file's balances ({'source': 'running "
        "balance', 'steps_checked': 1, 'steps_reconciled': 0, 'row_order': 'oldest first', "
        f"'first_break_row': 2, 'negated_amounts_reconcile': 0}}); {explanation}"]
    assert explanation.startswith("lines are missing between the breaks")
    # no balance at all: not possible, said so
    raw, clean, quarantine, duplicates, fixes = _ingest(TWO_ACCOUNTS)
    report = summarise_data_quality(raw, clean, quarantine, duplicates, fixes)
    assert report["reconciliation"] == {"two.csv": "not possible"}


WALLET = ("Date,Description,Amount,Currency,Balance\n"
          "2024-01-02,Top-up,100.00,EUR,100.00\n2024-01-03,Coffee,-3.50,USD,46.50\n"
          "2024-01-04,Lunch,-12.00,EUR,88.00\n2024-01-05,Book,-10.00,USD,36.50\n"
          "2024-01-06,Refund,5.00,EUR,93.00\n")


@pytest.mark.parametrize("account", [None, "Wallet 7"])
def test_a_wallet_s_balance_of_each_currency_reconciles_on_its_own(account):
    # one balance per currency, lines of both interleaved: each currency's lines carry its
    # own balance (proven), with or without an account column
    lines = WALLET.splitlines()
    text = WALLET if account is None else "".join(
        [lines[0] + ",Account\n"] + [f"{line},{account}\n" for line in lines[1:]])
    raw, clean, quarantine, duplicates, fixes = _ingest(text, "wallet.csv")
    report = summarise_data_quality(raw, clean, quarantine, duplicates, fixes)
    assert report["reconciliation"] == {"wallet.csv": "proven"}
    assert report["source"]["reconciliation"]["steps_reconciled"] == 3
    # a balance written wrong in one currency's chain breaks it (the chains are checked)
    raw, clean, quarantine, duplicates, fixes = _ingest(text.replace("36.50", "36.00"),
                                                         "wallet.csv")
    report = summarise_data_quality(raw, clean, quarantine, duplicates, fixes)
    assert report["reconciliation"] == {"wallet.csv": "contradicted"}


def test_a_line_without_its_currency_in_a_file_of_one_currency_is_on_its_balance():
    # one currency only: the line that leaves it blank (a fee) is a step of the same
    # running balance, not a chain of its own
    text = ("Date,Description,Amount,Currency,Balance\n2024-01-02,Top-up,100.00,EUR,100.00\n"
            "2024-01-03,Fee,-1.50,,98.50\n2024-01-04,Lunch,-12.00,EUR,86.50\n")
    raw, clean, quarantine, duplicates, fixes = _ingest(text, "one.csv")
    report = summarise_data_quality(raw, clean, quarantine, duplicates, fixes)
    assert report["reconciliation"] == {"one.csv": "proven"}
    assert report["source"]["reconciliation"]["steps_reconciled"] == 2


def test_only_expenses_count_as_expenses_without_a_category():
    # two expenses and one income, none with a category: the income is no such expense
    text = "Date,Description,Amount\n2024-01-02,A,-1.50\n2024-01-03,C,-4\n2024-01-09,B,2\n"
    report = summarise_data_quality(*_ingest(text, "plain.csv"))
    assert report["clean_by_type"] == {"expense": 2, "income": 1}
    assert report["expenses_without_category"] == 2


def test_a_file_without_a_line_to_check_has_no_balance_proof(tmp_path):
    # a header-only export beside a real one: read, no row, its balance check not possible
    (tmp_path / "a.csv").write_text("Date,Description,Amount\n2024-01-02,Fuel,-12.34\n")
    (tmp_path / "b.csv").write_text("Date,Description,Amount\n")
    report = summarise_data_quality(*_ingest_folder(tmp_path))
    assert report["reconciliation"] == {"a.csv": "not possible", "b.csv": "not possible"}
    assert report["rows_read"] == report["rows_clean"] == 1


STATEMENT = """:20:STARTUMSE
:25:10020030/1234567
:28C:00000/001
:60F:C240101EUR1000,00
:61:240102D7,00NTRFREF1
:86:Fee
:61:240103C9,00NTRFREF2
:86:Interest
:62F:C240103EUR1002,00
-
"""


@pytest.mark.parametrize("closing, status", [("1002,00", "proven"), ("1001,99", "contradicted"),
                                             ("1002,01", "contradicted")])
def test_a_statement_a_cent_off_its_closing_balance_is_contradicted_and_warned_of(
        caplog, closing, status):
    text = STATEMENT.replace("EUR1002,00", f"EUR{closing}")
    with caplog.at_level(logging.WARNING, logger="titans_finance.pipelines.ingestion.nodes"):
        report = summarise_data_quality(*_ingest(text, "statement.sta"))
    assert report["reconciliation"] == {"statement.sta": status}
    warnings = [r.getMessage() for r in caplog.records if "balances" in r.getMessage()]
    if status == "proven":
        assert warnings == []
        return
    # the statement check has no explanation to add: none is invented
    found = report["source"]["reconciliation"]
    assert "explanation" not in found
    assert warnings == [
        "statement.sta: the amounts read do not carry the file's balances ({'source': "
        "'statement balances', 'statements_checked': 1, 'statements_reconciled': 0, "
        f"'first_break': {found['first_break']}}}); "]
    assert found["first_break"]["closing"] == float(closing.replace(",", "."))


# A card export that writes its charges positive (Swiss Viseca's layout) and one in German:
# no balance, no payment line, most lines read as money in. The report says the signs are
# unproven and which mapping line settles them; a declared `sign: negate` proves them.
CARD_CHARGES_POSITIVE = {
    "card.csv": ("TransactionId,CardId,Date,Amount,Currency,MerchantName\n"
                 "T1,000000XXXXXXXXXX,2025-03-01 15:12:22,29.000,CHF,Gastro AG\n"
                 "T2,000000XXXXXXXXXX,2025-04-29 12:51:51,10.000,CHF,Apple\n"
                 "T3,000000XXXXXXXXXX,2025-05-05 10:16:57,12.900,CHF,Windsurf\n"
                 "T4,000000XXXXXXXXXX,2025-04-26 16:46:26,58.450,CHF,Decathlon\n"
                 "T5,000000XXXXXXXXXX,2024-12-19 23:34:55,-105.700,CHF,Levis Online Shop\n"
                 "T6,000000XXXXXXXXXX,2024-10-27 04:29:31,3.000,CHF,Apple\n"),
    "karte.csv": ("Buchungsdatum;Händler;Betrag\n02.01.2024;REWE;12,40\n03.01.2024;DM;8,15\n"
                  "04.01.2024;ARAL;61,02\n05.01.2024;Gutschrift;-20,00\n06.01.2024;EDEKA;33,10\n"
                  "07.01.2024;Bäckerei;4,20\n"),
}


@pytest.mark.parametrize("name", sorted(CARD_CHARGES_POSITIVE))
def test_mostly_money_in_without_a_balance_is_reported_as_unproven(name):
    raw, clean, quarantine, duplicates, fixes = _ingest(CARD_CHARGES_POSITIVE[name], name)
    report = summarise_data_quality(raw, clean, quarantine, duplicates, fixes)
    assert report["sign_unproven_files"] == [name]
    unproven = fixes["files"][name]["sign_unproven"]
    assert (unproven["lines_money_in"], unproven["lines"]) == (5, 6)
    assert "sign: negate" in unproven["message"]


def test_the_same_lines_mostly_money_out_say_nothing():
    text = CARD_CHARGES_POSITIVE["karte.csv"].replace(";12,40", ";-12,40").replace(
        ";8,15", ";-8,15")  # 3 of 6 in: not more than two thirds
    raw, clean, quarantine, duplicates, fixes = _ingest(text, "karte.csv")
    assert summarise_data_quality(raw, clean, quarantine, duplicates, fixes)[
        "sign_unproven_files"] == []


# A CAMT.053 statement of two entries, one quarantined for its date (month 13): the bank's
# balances still cover both, so the check sums every entry the statement lists.
CAMT_ONE_QUARANTINED = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>M</MsgId><CreDtTm>2014-01-06T16:20:26</CreDtTm></GrpHdr>
<Stmt><Id>1</Id><CreDtTm>2014-01-06T16:20:26</CreDtTm>
<Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">100.00</Amt>
<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2014-01-01</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{closing}</Amt>
<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2014-01-06</Dt></Dt></Bal>
<Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2014-01-04</Dt></BookgDt><AddtlNtryInf>Shop</AddtlNtryInf></Ntry>
<Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2014-13-45</Dt></BookgDt><AddtlNtryInf>Fee</AddtlNtryInf></Ntry>
</Stmt></BkToCstmrStmt></Document>"""


@pytest.mark.parametrize("closing, status", [("80.00", "proven"), ("79.99", "contradicted"),
                                             ("80.01", "contradicted"),
                                             ("90.00", "contradicted")])  # the good line only
def test_a_statement_entry_quarantined_for_its_date_still_counts_toward_its_balances(
        closing, status):
    raw, clean, quarantine, duplicates, fixes = _ingest(
        CAMT_ONE_QUARANTINED.format(closing=closing), "statement.xml")
    assert (len(clean), quarantine["reasons"].str.contains("invalid_date").tolist()) == (1, [True])
    report = summarise_data_quality(raw, clean, quarantine, duplicates, fixes)
    assert report["reconciliation"] == {"statement.xml": status}
