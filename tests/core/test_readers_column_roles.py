"""Column roles read from the values: headerless files, direction columns in any language,
flags that are no money, the balance deciding what the values alone cannot, and a stop
with the mapping lines to declare when nothing decides."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from titans_finance.core.readers import ExportReadError, parse_mappings, read_export
from titans_finance.core.readers.column_evidence import PARSE_RATE, column_evidence, token_sign
from titans_finance.core.readers.csv_rows import locate_table
from titans_finance.core.readers.column_roles import BALANCE_RATE, UnsureReading, infer_roles
from tests.parameters import parameters
from titans_finance.pipelines.ingestion.nodes import normalise_transactions

HEADERLESS = ("02.01.2024;BILLA DANKT 1234 WIEN;-12,40;EUR\n03.01.2024;GEHALT ACME GMBH;2.100,00;EUR\n"
              "05.01.2024;WIENER LINIEN;-2,40;EUR\n")
DUTCH_DC = ("Datum;Omschrijving;Bedrag;CreditDebet\n02-01-2024;Albert Heijn 1234;12,40;D\n"
            "03-01-2024;Salaris ACME BV;2100,00;C\n05-01-2024;NS Reizigers;2,40;D\n")
PARAMS = parameters("ingestion", reference_date="2025-06-30", max_future_days=31)


def amounts_of(text: str, name: str = "export.csv", mapping=None) -> tuple[list[float], dict]:
    export = read_export(text.encode("utf-8"), name, mapping)
    raw = export.frame.assign(**{"Source File": name})
    raw.attrs["source"] = {**export.info, "name": name}
    candidates, quarantine, fixes = normalise_transactions(raw, PARAMS)
    assert quarantine.empty, quarantine.to_dict("records")
    return candidates.sort_values("source_row")["amount"].round(2).tolist(), {
        **export.info, **fixes["files"][name]}


def test_a_file_without_a_header_is_read_by_its_values():
    amounts, info = amounts_of(HEADERLESS)
    assert amounts == [-12.4, 2100.0, -2.4] and sum(amounts) == pytest.approx(2085.20)
    assert info["headerless"] is True and info["header_line"] is None
    assert info["columns"] == {"Date": ["column 1"], "Amount": ["column 3"],
                               "Currency": ["column 4"], "Description": ["column 2"]}
    columns = info["reading"]["columns"]
    assert columns["column 1"]["date_rate"] == 1.0 and columns["column 3"]["decimal_mark"] == ","
    assert info["reading"]["sign_convention"] == "signed amounts as written"


@pytest.mark.parametrize("preamble", [0, 1, 2])
def test_a_file_without_a_header_after_a_preamble_reports_no_header_line(preamble):
    # the line before the rows is the preamble's last, not a header
    lines = ["Saskaita;LT12 1000 0111 0100 1000", "Laikotarpis;2024-01-01 2024-01-31"][:preamble]
    text = "\n".join([*lines, "2024-01-02;Maxima;-12,40;EUR", "2024-01-03;Alga;2100,00;EUR"])
    export = read_export((text + "\n").encode(), "export.csv")
    assert export.info["headerless"] is True and export.info["header_line"] is None
    assert export.info["preamble_lines"] == preamble and len(export.frame) == 2


@pytest.mark.parametrize("skip", [0, 1, 2])
def test_a_declared_headerless_file_reports_no_header_line(skip):
    lines = ["Konto;DE89370400440532013000", "Zeitraum;01.01.2024 - 31.01.2024"][:skip]
    text = "\n".join([*lines, "02.01.2024;Shop;-12,40", "03.01.2024;Pay;2100,00"]) + "\n"
    mapping = parse_mappings({"mappings": [{
        "match": "x.csv", "header": False, "skip_lines": skip,
        "column_names": ["when", "text", "value"],
        "columns": {"date": "when", "description": "text", "amount": "value"}}]}, "t")[0]
    export = read_export(text.encode(), "x.csv", mapping)
    assert export.info["header_line"] is None and export.info["preamble_lines"] == skip


def test_a_header_in_unknown_words_is_a_header():
    text = "Data;Paaiskinimas;Suma;Valiuta\n2024-01-02;Maxima;-12,40;EUR\n2024-01-03;Alga;2100,00;EUR\n"
    amounts, info = amounts_of(text)
    assert amounts == [-12.4, 2100.0] and info["header_line"] == 1
    assert info["columns"]["Date"] == ["Data"] and info["columns"]["Description"] == [
        "Paaiskinimas"]


def test_locate_table_finds_rows_after_a_preamble_and_refuses_text():
    lines = ["Account;LT12 1000 0111 0100 1000", "", "2024-01-02;Maxima;-12,40",
             "2024-01-03;Alga;2100,00"]
    start = locate_table(lines)
    assert (start.delimiter, start.first_row, start.header) == (";", 2, None)
    assert locate_table(["just;some;words", "and;more;words"]) is None
    assert locate_table(["2024-01-02,only a date,no amount"]) is None


@pytest.mark.parametrize("debit, credit", [
    ("D", "C"), ("DR", "CR"), ("Af", "Bij"), ("S", "H"), ("Debit", "Credit"), ("-", "+"),
    ("Soll", "Haben"), ("Débit", "Crédit"), ("Debet", "Kredit"), ("Cargo", "Abono"),
    ("DBIT", "CRDT"),
])
def test_an_unnamed_direction_column_is_read_in_any_language(debit, credit):
    text = (f"Datum;Omschrijving;Bedrag;Kolom\n02-01-2024;Albert Heijn;12,40;{debit}\n"
            f"03-01-2024;Salaris;2100,00;{credit}\n05-01-2024;NS;2,40;{debit}\n")
    amounts, info = amounts_of(text)
    assert amounts == [-12.4, 2100.0, -2.4]
    assert info["reading"]["direction"]["decided_by"] == "known debit/credit words"
    assert token_sign(debit) == -1.0 and token_sign(credit) == 1.0


def test_the_dutch_debit_credit_file_is_signed_by_its_indicator():
    amounts, info = amounts_of(DUTCH_DC)
    assert sum(amounts) == pytest.approx(2085.20)
    assert info["hints"]["direction_values"] == {"D": -1.0, "C": 1.0}
    assert info["reading"]["columns"]["CreditDebet"]["role"] == "Debit/Credit"
    assert "D = money out, C = money in" in info["reading"]["sign_convention"]


def test_unknown_tokens_are_decided_by_the_balance_in_either_row_order():
    oldest = ("Datum;Omschrijving;Bedrag;Richting;Saldo\n02-01-2024;AH;12,40;X;987,60\n"
              "03-01-2024;Salaris;2100,00;Y;3087,60\n05-01-2024;NS;2,40;X;3085,20\n")
    amounts, info = amounts_of(oldest)
    assert amounts == [-12.4, 2100.0, -2.4]
    assert info["reading"]["direction"]["decided_by"].startswith("running balance (2 of 2")
    assert info["reconciliation"]["status"] == "proven"
    lines = oldest.strip().split("\n")
    newest = "\n".join([lines[0], *reversed(lines[1:])]) + "\n"
    amounts, info = amounts_of(newest)
    assert amounts == [-2.4, 2100.0, -12.4]
    assert info["reconciliation"]["row_order"] == "newest first"


def test_the_balance_overrules_a_known_word_that_it_contradicts():
    # a bank whose "C" column marks charges: the balance shows C takes money out
    text = ("Date;Text;Amount;DC;Balance\n02.01.2024;Shop;12,40;C;987,60\n"
            "03.01.2024;Pay;2100,00;D;3087,60\n05.01.2024;Bus;2,40;C;3085,20\n")
    amounts, info = amounts_of(text)
    assert amounts == [-12.4, 2100.0, -2.4]
    assert "overrules" in info["reading"]["notes"][0]


def test_unknown_tokens_without_a_balance_stop_with_the_mapping_that_settles_them():
    text = ("Datum;Omschrijving;Bedrag;Richting\n02-01-2024;AH;12,40;X\n03-01-2024;Salaris;2100,00;Y\n"
            "05-01-2024;NS;2,40;X\n")
    with pytest.raises(ExportReadError) as error:
        read_export(text.encode(), "bank-2024.csv")
    message = str(error.value)
    assert "bank-2024.csv" in message and "'Richting'" in message and "'X' / 'Y'" in message
    assert "conf/base/export_mappings.yml" in message
    # the lines in the message, pasted as they are, settle it
    declared = yaml.safe_load(message[message.index("mappings:"):])
    declared["mappings"][0]["debit_credit_values"] = {"debit": "X", "credit": "Y"}
    mapping = parse_mappings(declared, "test")[0]
    amounts, info = amounts_of(text, "bank-2024.csv", mapping)
    assert amounts == [-12.4, 2100.0, -2.4]
    assert info["reading"]["direction"]["decided_by"] == "declared mapping"
    with pytest.raises(ExportReadError, match="both `debit:` and `credit:`"):
        parse_mappings({"mappings": [{"match": "x", "debit_credit_values": {"debit": "X"}}]}, "t")


def test_a_signed_amount_needs_no_direction_column():
    text = ("Date,Description,Amount,Code\n2024-01-02,A,-12.40,Q\n2024-01-03,B,2100.00,P\n"
            "2024-01-05,C,-2.40,Q\n")
    amounts, info = amounts_of(text)
    assert amounts == [-12.4, 2100.0, -2.4] and "direction" not in info["reading"]


def test_a_zero_one_expense_flag_is_no_money_out_column():
    text = ("Date,Description,Amount,Expense\n01/02/2024,Coffee,4.50,1\n01/03/2024,Refund,20.00,0\n"
            "01/05/2024,Gas,30.00,1\n")
    amounts, info = amounts_of(text)
    assert amounts == [-4.5, 20.0, -30.0]
    assert "Money Out" not in info["columns"] and info["columns"]["Debit/Credit"] == ["Expense"]
    assert "flags (0 / 1), not money" in info["reading"]["notes"][0]
    # signed amounts: the flag is only reported
    signed = text.replace(",4.50,", ",-4.50,").replace(",30.00,", ",-30.00,")
    amounts, info = amounts_of(signed)
    assert amounts == [-4.5, 20.0, -30.0] and "Debit/Credit" not in info["columns"]


def test_two_amount_columns_are_told_apart_by_the_balance_or_stop():
    text = ("02.01.2024;Shop;-12,40;987,60\n03.01.2024;Pay;2100,00;3087,60\n"
            "05.01.2024;Bus;-2,40;3085,20\n")
    amounts, info = amounts_of(text)
    assert amounts == [-12.4, 2100.0, -2.4] and info["columns"]["Balance"] == ["column 4"]
    unrelated = text.replace("987,60", "5,00").replace("3087,60", "7,00").replace("3085,20", "1,00")
    with pytest.raises(ExportReadError, match="'column 3', 'column 4' all hold amounts") as error:
        read_export(unrelated.encode(), "x.csv")
    # the mapping of the message names the generated columns of a headerless file
    message = str(error.value)
    mapping = parse_mappings(yaml.safe_load(message[message.index("mappings:"):]), "t")[0]
    amounts, info = amounts_of(unrelated, "x.csv", mapping)
    assert amounts == [-12.4, 2100.0, -2.4] and info["columns"]["Balance"] == ["column 4"]


def test_a_headerless_file_with_ibans_unsigned_amounts_and_a_balance():
    text = ("NL91ABNA0417164300;05-01-2024;NS Reizigers;NL20INGB0001234567;2,40;Af;3085,20\n"
            "NL91ABNA0417164300;03-01-2024;Salaris ACME;NL44RABO0123456789;2100,00;Bij;3087,60\n"
            "NL91ABNA0417164300;02-01-2024;Albert Heijn;NL55RABO0987654321;12,40;Af;987,60\n")
    amounts, info = amounts_of(text)
    assert amounts == [-2.4, 2100.0, -12.4]
    assert info["columns"]["Account"] == ["column 1"] and info["columns"]["Balance"] == [
        "column 7"]
    assert "counterparty" in info["reading"]["columns"]["column 4"]["decided_by"]
    assert info["reconciliation"] == {"status": "proven", "source": "running balance",
                                      "steps_checked": 2, "steps_reconciled": 2,
                                      "row_order": "newest first"}


def test_the_balance_decides_the_date_order_when_no_date_can():
    # 02/01 then 01/02 with a balance running oldest first: only day-first runs forward
    text = "Date,Description,Amount,Balance\n02/01/2024,A,-10.00,90.00\n01/02/2024,B,-5.00,85.00\n"
    export = read_export(text.encode(), "x.csv")
    assert export.info["reading"]["date_order"]["day_first"] is True
    assert export.info["hints"]["date_order_decided_by"] == "balance"
    _, info = amounts_of(text)
    assert info["date_order_evidence"]["decided_by"] == "balance"
    assert info["date_order_ambiguous"] is False


def _frame(**columns) -> pd.DataFrame:
    return pd.DataFrame({k: pd.Series(v, dtype="str") for k, v in columns.items()})


@pytest.mark.parametrize("bad, is_date", [(1, True), (2, False)])
def test_parse_rate_threshold_for_a_date_column(bad, is_date):
    dates = [f"2024-01-{d:02d}" for d in range(1, 11 - bad)] + ["soon"] * bad
    assert column_evidence(pd.Series(dates, dtype="str"))["date_rate"] == (10 - bad) / 10
    frame = _frame(when=dates, what=[f"shop {i}" for i in range(10)],
                   much=[f"-{i}.50" for i in range(10)])
    reading = infer_roles(frame, {}, name="x.csv")
    assert ("Date" in reading.roles) is is_date
    assert PARSE_RATE == 0.9


@pytest.mark.parametrize("reconciling, is_balance", [(2, True), (1, False)])
def test_balance_rate_threshold(reconciling, is_balance):
    # 4 pairs of lines; `reconciling` of them carry the balance
    amounts = [-1.0, -1.0, -1.0, -1.0, -1.0]
    balances = [100.0, 99.0, 98.0, 50.0, 20.0] if reconciling == 2 else [100.0, 99.0, 70.0,
                                                                          50.0, 20.0]
    frame = _frame(date=[f"2024-01-0{i}" for i in range(1, 6)], amount=[f"{a:.2f}" for a in amounts],
                   other=[f"{b:.2f}" for b in balances])
    reading = infer_roles(frame, {"Date": ["date"], "Amount": ["amount"]}, name="x.csv")
    assert ("Balance" in reading.roles) is is_balance
    assert BALANCE_RATE == 0.5


def test_what_is_not_a_token_column():
    # three payees on three lines are text; a lone value proves nothing
    assert "tokens" not in column_evidence(pd.Series(["AH", "NS", "Jumbo"], dtype="str"))
    assert "tokens" not in column_evidence(pd.Series(["Money in", "Money in", "x y"], dtype="str"))
    assert column_evidence(pd.Series(["D", "C", "D"], dtype="str"))["tokens"] == {"D": 2, "C": 1}
    # two lines: known direction words need not repeat, unknown words must
    assert column_evidence(pd.Series(["Af", "Bij"], dtype="str"))["tokens"] == {"Af": 1, "Bij": 1}
    assert "tokens" not in column_evidence(pd.Series(["AH", "NS"], dtype="str"))
    assert "flag" not in column_evidence(pd.Series(["0", "0", "0"], dtype="str"))
    assert column_evidence(pd.Series(["0", "1", "0"], dtype="str"))["flag"] is True
    ids = column_evidence(pd.Series(["1234567", "1234568", "1234569"], dtype="str"))
    assert ids["identifier_like"] is True
    with pytest.raises(UnsureReading):
        infer_roles(_frame(d=["2024-01-01", "2024-01-02", "2024-01-03"], a=["1.00", "2.00", "3.00"],
                           k=["P", "Q", "P"]), {}, name="x.csv")


def test_headerless_split_columns_are_told_apart_by_the_balance_or_stop():
    text = ("02.01.2024;Shop;;12,40;987,60\n03.01.2024;Pay;2100,00;;3087,60\n"
            "05.01.2024;Bus;;2,40;3085,20\n")
    amounts, info = amounts_of(text)
    assert amounts == [-12.4, 2100.0, -2.4]
    assert (info["columns"]["Money In"], info["columns"]["Money Out"],
            info["columns"]["Balance"]) == (["column 3"], ["column 4"], ["column 5"])
    no_balance = "\n".join(line.rsplit(";", 1)[0] for line in text.strip().split("\n")) + "\n"
    with pytest.raises(ExportReadError, match="money in and money out, but which") as error:
        read_export(no_balance.encode(), "x.csv")
    assert 'money_in: "column 3"' in str(error.value)


def test_an_unnamed_balance_signs_unsigned_amounts_by_their_direction_column():
    frame = _frame(date=["2024-01-02", "2024-01-03", "2024-01-05"], amount=["12.40", "2100.00", "2.40"],
                   kind=["P", "Q", "P"], other=["987.60", "3087.60", "3085.20"])
    reading = infer_roles(frame, {"Date": ["date"], "Amount": ["amount"]}, name="x.csv")
    assert reading.roles["Balance"] == ["other"] and reading.roles["Debit/Credit"] == ["kind"]
    assert reading.direction["values"] == {"P": -1.0, "Q": 1.0}
    # no header role but the date: the amount is the column whose values carry the other
    credits = _frame(date=["2024-01-02", "2024-01-03", "2024-01-05"], amount=["1.00", "2.00", "3.00"],
                     other=["11.00", "13.00", "16.00"])
    reading = infer_roles(credits, {"Date": ["date"]}, name="x.csv")
    assert reading.roles["Amount"] == ["amount"] and reading.roles["Balance"] == ["other"]


UNSIGNED_HEADERLESS = "27 Feb 2018,UMC-, 7.80, ,MCDONALD'S SI NG 22FEB\n28 Feb 2018,UMC-, 3.10, ,BUS\n"


def test_unsigned_amounts_without_a_header_stop_with_the_mapping_that_settles_them():
    with pytest.raises(ExportReadError, match="no header and its amounts") as error:
        read_export(UNSIGNED_HEADERLESS.encode(), "card.csv")
    message = str(error.value)
    mapping = parse_mappings(yaml.safe_load(message[message.index("mappings:"):]), "t")[0]
    assert mapping.sign == "negate"
    amounts, _ = amounts_of(UNSIGNED_HEADERLESS, "card.csv", mapping)
    assert amounts == [-7.8, -3.1]


def test_one_signed_value_or_a_header_lets_unsigned_amounts_stand():
    # boundary: a single minus anywhere in the column means the sign is written
    signed = UNSIGNED_HEADERLESS.replace(" 3.10", "-3.10")
    assert amounts_of(signed, "card.csv")[0] == [7.8, -3.1]
    # the same values under a header are read as written (the header is the file's word)
    with_header = "Date,Code,Amount,Other,Description\n" + UNSIGNED_HEADERLESS
    assert amounts_of(with_header, "card.csv")[0] == [7.8, 3.1]


GROSS_NET = "Date,Text,gross,fee,net\n2024-01-02,Sale,12.00,0.35,{net}\n2024-01-03,Refund,-5.00,0.00,-5.00\n"


def test_gross_and_net_apart_by_the_fee_are_one_movement():
    amounts, info = amounts_of(GROSS_NET.format(net="11.65"))
    assert amounts == [11.65, -5.0] and info["columns"]["Amount"] == ["gross"]
    # boundary: a cent off on one line is no longer the same money: stop and ask
    with pytest.raises(ExportReadError, match="'gross', 'net' all hold amounts"):
        read_export(GROSS_NET.format(net="11.64").encode(), "s.csv")


def test_two_columns_of_the_same_money_are_read_once():
    text = "Date,Text,Orig,Booked\n2024-01-02,Shop,-5.00,-5.00\n2024-01-03,Pay,20.00,{last}\n"
    amounts, info = amounts_of(text.format(last="20.00"))
    assert amounts == [-5.0, 20.0] and info["columns"]["Amount"] == ["Orig"]
    # the note is said of the column set aside, naming the one read
    assert ("column 'Booked': left aside, 'Orig' is the amount: the same money as 'Booked' on "
            "every line") in info["reading"]["notes"]
    with pytest.raises(ExportReadError, match="'Orig', 'Booked' all hold amounts"):
        read_export(text.format(last="20.01").encode(), "s.csv")
    # written on different lines (money in / money out) they are no copy of each other: a
    # minus on every value of one side says it is money out (amount_words.split_by_signs)
    split = text.format(last="20.00").replace("-5.00,-5.00", "-5.00,").replace("Pay,20.00", "Pay,")
    amounts, info = amounts_of(split)
    assert amounts == [-5.0, 20.0]
    assert info["columns"]["Money Out"] == ["Orig"] and info["columns"]["Money In"] == ["Booked"]
    # unsigned on both sides, nothing says which is which
    with pytest.raises(ExportReadError, match="which is which"):
        read_export(split.replace("-5.00", "5.00").encode(), "s.csv")


WALLET = ("Date,Description,Currency,Gross,Net,Balance\n"
          "9/1/2018,Withdrawal,EUR,-1058.09,-1058.09,-1057.34\n"
          "9/2/2018,Conversion,EUR,1058.09,1058.09,0.75\n"
          "9/3/2018,Deposit,USD,10.00,10.00,10.89\n"
          "9/4/2018,Payment,USD,1309.80,1261.04,1271.93\n"
          "9/5/2018,Conversion,USD,-1261.00,-1261.00,{last}\n")


def test_a_wallet_balance_runs_per_currency_and_tells_the_amount_column():
    amounts, info = amounts_of(WALLET.format(last="10.93"))
    assert amounts == [-1058.09, 1058.09, 10.0, 1261.04, -1261.0]
    assert info["columns"]["Amount"] == ["Net"] and info["columns"]["Balance"] == ["Balance"]
    assert info["reconciliation"]["status"] == "proven"
    # a dollar off on the last USD line: the balance no longer proves every step
    _, info = amounts_of(WALLET.format(last="11.93"))
    assert info["reconciliation"]["status"] == "contradicted"


def test_one_currency_keeps_one_chain():
    # the same lines in one currency are one chain: the USD opening step breaks it
    _, info = amounts_of(WALLET.format(last="10.93").replace(",USD,", ",EUR,"))
    assert info["reconciliation"]["status"] == "contradicted"


# header words no vocabulary knows (the rule is for unnamed columns: Hungarian ``Összeg``
# is a known word now)
SIGNED_BESIDE_WORDS = ("Datum;Partner;Oszlop3;Irany;Oszlop5\n"
                       "2019.04.19.;Shop;-350;{out};2345,56\n"
                       "2019.04.17.;Pay;1290;{in_};1055,56\n")


@pytest.mark.parametrize("out, in_", [("outflow", "inflow"), ("D", "C"), ("Debit", "Credit")])
def test_the_amount_is_the_column_whose_sign_its_direction_words_say(out, in_):
    # no balance chain (2345,56 - 350 is no 1055,56): the direction words tell the amount
    amounts, info = amounts_of(SIGNED_BESIDE_WORDS.format(out=out, in_=in_))
    assert sorted(amounts) == [-350.0, 1290.0]
    assert info["columns"]["Amount"] == ["Oszlop3"]


# a wallet's many number columns (PayPal DE: gross, shipping, quantity, VAT, then the balance)
# under words no vocabulary knows: the balance is looked for in every column of amounts
WIDE = ("Datum;Partner;Oszlop3;{names}\n"
        "2024.01.02.;Shop;-10,00;{first}\n2024.01.03.;Pay;100,00;{second}\n"
        "2024.01.04.;Cafe;-4,50;{third}\n")


@pytest.mark.parametrize("others", [
    ["2,50;0,40", "0,00;0,00", "1,00;0,20"],  # the balance the 4th column of amounts
    ["2,50;1;0,40", "0,00;2;0,00", "1,00;3;0,20"],  # the 5th, past the first four
    ["2,50;1;0,40;7,00", "0,00;2;0,00;8,00", "1,00;3;0,20;9,00"],  # the 6th
])
def test_the_running_balance_is_found_in_any_column_of_amounts(others):
    count = len(others[0].split(";"))
    names = ";".join(f"Oszlop{4 + i}" for i in range(count + 1))
    rows = {key: f"{values};{balance}" for key, values, balance in zip(
        ("first", "second", "third"), others, ("90,00", "190,00", "185,50"))}
    amounts, info = amounts_of(WIDE.format(names=names, **rows))
    assert amounts == [-10.0, 100.0, -4.5]
    assert info["columns"]["Amount"] == ["Oszlop3"]
    assert info["columns"]["Balance"] == [f"Oszlop{4 + count}"]
    assert info["reconciliation"]["status"] == "proven"


@pytest.mark.parametrize("out, in_", [("inflow", "outflow"), ("C", "D"), ("Credit", "Debit")])
def test_an_amount_signed_against_its_direction_words_on_every_line_is_the_other_view(out, in_):
    # the words say the other side than the sign on every line, both sides present (a card
    # issuer's view): that column is the amount, the words prove its view and every amount
    # is negated (`movements.words_against_signs`)
    amounts, info = amounts_of(SIGNED_BESIDE_WORDS.format(out=out, in_=in_))
    assert amounts == [350.0, -1290.0]
    assert info["columns"]["Amount"] == ["Oszlop3"]
    assert info["columns"]["Debit/Credit"] == ["Irany"]


def test_signs_against_the_words_on_one_line_only_single_out_no_amount():
    # one line against its word, one with it: neither every line one way nor the other
    text = SIGNED_BESIDE_WORDS.format(out="outflow", in_="inflow") + (
        "2019.04.16.;Shop;-20;inflow;9,99\n")
    with pytest.raises(ExportReadError, match="all hold amounts"):
        read_export(text.encode(), "signed.csv")


@pytest.mark.parametrize("text", [
    SIGNED_BESIDE_WORDS.format(out="outflow", in_="outflow"),  # one side only: nothing told
    SIGNED_BESIDE_WORDS.format(out="outflow", in_="inflow").replace("2345,56", "-2345,56"),
])
def test_direction_words_that_do_not_single_out_one_signed_column_stop_the_file(text):
    # the last: the balance's signs agree too (-, +): two columns agree, which is the amount?
    with pytest.raises(ExportReadError, match="all hold amounts"):
        read_export(text.encode(), "signed.csv")


# -- a header shifted against its rows (TMB's sample: the amount, marked Dr/Cr, under CREDIT;
# the currency code under DEBIT): a money column holding no amount is no money column

SHIFTED = ("Transaction Date,Description,Currency,CREDIT,DEBIT,Currency,Balance\n"
           "31 Jan 2020,TVA COLLECTEE,USD,0.80Dr,USD,51343.09,\n"
           "31 Jan 2020,FRAIS,USD,5.00Dr,{debit},51343.89,\n"
           "02 Feb 2020,VIREMENT,USD,{third},USD,51343.89,\n")


def test_a_side_holding_no_amount_leaves_the_side_that_signs_every_value_as_the_amount():
    amounts, info = amounts_of(SHIFTED.format(debit="USD", third="15.00Cr"))
    assert amounts == [-0.80, -5.00, 15.00]
    assert info["columns"]["Amount"] == ["CREDIT"] and "Money Out" not in info["columns"]
    assert any("'DEBIT'" in note and "none of its values" in note
               for note in info["reading"]["notes"])


@pytest.mark.parametrize("debit, third", [
    ("USD", "15.00"),  # one value without its mark: a side read as money in could be out
    ("1.00", "15.00Cr"),  # one amount under DEBIT: it is a money column after all
])
def test_the_sides_stay_as_the_header_names_them_unless_both_conditions_hold(debit, third):
    export = read_export(SHIFTED.format(debit=debit, third=third).encode(), "shifted.csv")
    assert export.info["columns"]["Money In"] == ["CREDIT"]
    assert export.info["columns"]["Money Out"] == ["DEBIT"]
    assert "Amount" not in export.info["columns"]


def test_a_header_named_amount_holding_no_amount_is_left_to_the_values():
    text = ("Date,Text,Amount,Value\n02.01.2024,SHOP,EUR,-12.40\n03.01.2024,SALARY,EUR,2100.00\n"
            "05.01.2024,BUS,EUR,-2.40\n")
    amounts, info = amounts_of(text)
    assert amounts == [-12.40, 2100.00, -2.40]
    assert info["columns"]["Amount"] == ["Value"]


def test_a_header_named_amount_holding_no_amount_comes_back_when_no_column_is_one():
    text = "Date,Text,Amount\n02.01.2024,SHOP,EUR\n03.01.2024,SALARY,EUR\n"
    export = read_export(text.encode(), "no_money.csv")
    assert export.info["columns"]["Amount"] == ["Amount"]  # lines quarantined, not refused


def test_unsigned_amounts_that_are_all_zero_need_no_direction():
    # (found by the conservation property test: three 0.00 lines beside a two-valued column
    # would stop the file as an undecided debit/credit column)
    text = ("Date,Description,Amount,Kind\n2024-03-01,COFFEE,0.00,XA\n"
            "2024-03-01,COFFEE,0.00,XB\n2024-03-02,TEA,0.00,XA\n")
    export = read_export(text.encode(), "zero.csv")
    assert export.info["columns"]["Amount"] == ["Amount"]
    assert "Debit/Credit" not in export.info["columns"]
    # one line with money: the two-valued column must be settled again
    with pytest.raises(ExportReadError, match="may say money in or out"):
        read_export(text.replace("TEA,0.00", "TEA,2.50").encode(), "zero.csv")


@pytest.mark.parametrize("closing, reading", [
    ("601", [110.0, -110.0]),   # the named balance proves in/out: 711 - 110 = 601
    ("821", [-110.0, 110.0]),   # the same lines the other way round: 711 + 110 = 821
])
def test_a_named_balance_proves_which_unnamed_column_is_money_in(closing, reading):
    # two columns never filled on one line, header words unknown, one balance named by its
    # header: the in/out split is tried against it, not only each column alone (one of them,
    # blank on the other's line, would reconcile its one line and leave the other unread)
    text = ("Fecha;Texto;Xa;Xb;Saldo\n2023-06-22;Fee;;110;711\n"
            f"2023-06-22;Fee;110;;{closing}\n")
    amounts, info = amounts_of(text)
    assert amounts == reading
    assert set(info["columns"]) >= {"Money In", "Money Out", "Balance"}


def test_a_named_balance_one_cent_off_proves_no_split():
    # 711 - 110 = 601, not 601.01: neither way round reconciles; nothing else tells the sides
    text = "Fecha;Texto;Xa;Xb;Saldo\n2023-06-22;Fee;;110;711\n2023-06-22;Fee;110;;601.01\n"
    with pytest.raises(ExportReadError, match="never filled on the same line"):
        read_export(text.encode(), "export.csv")


def test_an_unsure_amount_shows_what_each_column_holds_and_never_suggests_an_id_as_money():
    # a card's credit limit written on every line (reckon's 51 sample): said, never the amount
    text = ("01/09/2015,05354 SUBWAY,8.19,,1000.00\n02/18/2015,WENDY'S #6338,8.55,,1000.00\n"
            "02/25/2015,WENDY'S #6338,8.55,,1000.00\n")
    with pytest.raises(ExportReadError) as error:
        amounts_of(text)
    message = str(error.value)
    assert "'column 3', 'column 5' all hold amounts" in message
    assert "'column 3': 8.19, 8.55, 8.55; 'column 5': 1000.00, 1000.00, 1000.00" in message
    assert "'column 5' holds one and the same value on every line" in message
    assert 'amount: "column 3"' in message and "balance:" not in message


@pytest.mark.parametrize(("second", "example"), [
    (["1000.00", "1000.00"], {"amount": "b"}),            # one value on every line
    (["2226", "2101"], {"amount": "b"}),                   # whole numbers: no cents anywhere
    (["26550,33", "26054,54"], {"amount": "a", "balance": "b"}),  # both money: as written
    (["7.00"], {"amount": "a", "balance": "b"}),           # one line: nothing is "every line"
])
def test_the_example_of_an_unsure_amount_puts_money_first(second, example):
    import pandas as pd
    from titans_finance.core.readers.mapping import mapping_lines, unsure_amount_message
    values = {"a": pd.Series(second), "b": pd.Series(["30.00", "4.60"][:len(second)])}
    message = unsure_amount_message("x.csv", values, None, None)
    assert message.endswith(mapping_lines("x.csv", example))


def _two_blocks(title: str) -> bytes:
    header = "Chas;Stan;Opys;Spysano;Zarakhovano"  # words that name no role
    return "\n".join([
        "Statement;;;;", header, "09.01.2000 00:58;done;Fee;-150,00;",
        "25.01.2000 12:12;done;Income;;10000,13", title, header,
        "24.01.2000 11:49;done;Phone;-140,00;", "15.01.2000 09:02;done;Shop;-270,00;",
        "05.01.2000 16:43;done;ATM;-1585,82;", "05.01.2000 15:55;done;Transfer;;1600,00",
    ]).encode()


def test_lines_without_a_date_or_a_number_say_nothing_of_what_the_columns_hold():
    # a block's title and its repeated header: 6 dates of 8 values, read as 6 of 6
    export = read_export(_two_blocks("Card 4111xxxx1111;;;;"), "x.csv")
    assert export.frame["Date"].tolist()[:2] == ["09.01.2000 00:58", "25.01.2000 12:12"]
    assert export.frame["Date"].str.match(r"\d").sum() == 6


@pytest.mark.parametrize("number, date_column", [("", ["a"]), ("5", None)])
def test_a_line_with_a_number_still_counts_among_the_values(number, date_column):
    # 6 dates among 8 lines: a title and a repeated header without any number are no lines
    # of the table (6 of 6, a date column); with a number in the title it is one (6 of 7 with
    # the header left out, under the parse rate: no column of dates by the values)
    rows = [["09.01.2000", "Fee", "-150,00"], ["25.01.2000", "Income", "10000,13"],
            ["Card block", "", number], ["Chas", "Opys", "Suma"],
            ["24.01.2000", "Phone", "-140,00"], ["15.01.2000", "Shop", "-270,00"],
            ["05.01.2000", "ATM", "-1585,82"], ["06.01.2000", "Transfer", "1600,00"]]
    reading = infer_roles(pd.DataFrame(rows, columns=["a", "b", "c"]), {}, name="x.csv",
                          decimal_hint=",")
    assert reading.roles.get("Date") == date_column


@pytest.mark.parametrize("values, tokens", [
    (["贷 Cr", "借 Dr", "贷 Cr", "借 Dr"], {"贷 Cr": 2, "借 Dr": 2}),
    (["Shop A", "Shop B", "Shop A", "Shop B"], None),  # spaces in words of no side: text
])
def test_direction_words_in_two_languages_are_the_tokens_of_a_direction_column(values, tokens):
    assert column_evidence(pd.Series(values)).get("tokens") == tokens


def _icbc(booked_in: str) -> bytes:
    return ("交易日期,摘要,交易金额(收入),交易金额(支出),记账金额(收入),记账金额(支出)\n"
            f"2023-05-02,消费,-,-,,13.40\n2023-04-22,他行汇入,-,-,{booked_in},\n"
            "2023-04-20,消费,-,-,,24.00\n").encode()


@pytest.mark.parametrize("booked_in, money_in", [
    ("1234.56", "记账金额(收入)"),  # the namesake holds the amounts: it takes the side
    ("-", "交易金额(收入)"),         # no column of amounts named so: as before
])
def test_a_side_named_over_dashes_moves_to_its_namesake_over_amounts(booked_in, money_in):
    export = read_export(_icbc(booked_in), "x.csv")
    assert export.info["columns"]["Money In"] == [money_in]
    assert export.info["columns"]["Money Out"] == ["记账金额(支出)"]


@pytest.mark.parametrize("values, rate", [
    (["（消费）示例商户A", "（退款）示例商户B"], 1.0),     # Chinese: letters of their script
    (["Відсотки за березень", "Google"], 1.0),           # Cyrillic
    (["AB", "ЖЯ"], 0.0),                                   # two letters are no text
])
def test_text_of_every_script_is_text(values, rate):
    assert column_evidence(pd.Series(values))["text_rate"] == rate


# a headerless card account's export: a date, other columns of numbers (a reference, the
# card's last digits, an exchange rate), money in, money out, the running balance; most lines
# money out (measured in session 22, splitproof: before, two others first read one side alone
# "proven" on one step and quarantined the other side's lines)
SPLIT_ROWS = [("03/03/2024", "2450.00", "", "3970.40"), ("03/03/2024", "", "12.40", "3958.00"),
              ("04/03/2024", "", "58.99", "3899.01"), ("06/03/2024", "", "7.50", "3891.51"),
              ("06/03/2024", "35.00", "", "3926.51"), ("07/03/2024", "", "120.00", "3806.51")]
SPLIT_OTHERS = [("40211", "4821", "1.0000"), ("40218", "4821", "1.0842"),
                ("40225", "9310", "1.0000"), ("40232", "4821", "0.8571"),
                ("40239", "9310", "1.0000"), ("40246", "4821", "1.0842")]


def _split_export(others: int) -> str:
    return "".join(",".join([date, *numbers[:others], paid_in, paid_out, balance]) + "\n"
                   for (date, paid_in, paid_out, balance), numbers in zip(SPLIT_ROWS,
                                                                          SPLIT_OTHERS))


@pytest.mark.parametrize("others", [0, 1, 2])
def test_a_split_with_its_balance_past_the_first_four_columns_is_read_whole(others):
    amounts, info = amounts_of(_split_export(others), "card.csv")
    assert amounts == [2450.0, -12.4, -58.99, -7.5, 35.0, -120.0]
    assert info["columns"]["Money In"] == [f"column {2 + others}"]
    assert info["columns"]["Money Out"] == [f"column {3 + others}"]
    assert info["reconciliation"]["status"] == "proven"


def test_a_split_whose_second_side_is_past_the_first_four_stops_the_file_with_its_mapping():
    # money out the fifth column of amounts: one side alone is no proof (balance_proof)
    with pytest.raises(ExportReadError) as stop:
        read_export(_split_export(3).encode("utf-8"), "card.csv", None)
    message = str(stop.value)
    assert message.startswith("card.csv: ") and "money in and money out" in message
    assert 'money_in: "column 5"' in message and 'money_out: "column 6"' in message
