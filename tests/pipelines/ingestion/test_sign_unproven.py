"""Which readings of a file's signs no balance proves, format by format: each is either proven
(a balance, a direction column, money in/out columns, a declared sign, the format's own rule
for a bank statement), or said (`sign_unproven` in the file's report, data_quality.json and
the import page) — never read as money in without a word (core/movements.py, the readers'
``format_sign`` and ``type_disagrees`` hints)."""

from __future__ import annotations

import pytest

from tests.parameters import parameters
from titans_finance.core.movements import BANK_STATEMENT, CARD_STATEMENT, SIGNED_BY_FORMAT
from titans_finance.core.readers.ofx import type_contradicts_sign
from titans_finance.datasets.raw_export_dataset import read_export_files
from titans_finance.pipelines.ingestion.nodes import (
    deduplicate_transactions,
    normalise_transactions,
    summarise_data_quality,
)

PARAMS = parameters("ingestion", reference_date="2025-06-30")


def _read(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    raw = read_export_files(str(path), [])
    candidates, quarantine, fixes = normalise_transactions(raw, PARAMS)
    clean, duplicates = deduplicate_transactions(candidates, PARAMS)
    report = summarise_data_quality(raw, clean, quarantine, duplicates, fixes)
    return sorted(clean["amount"]), fixes["files"][name], report, raw.attrs["source"]


# ---------------------------------------------------------------------------- CSV

# A card export of three charges written positive (paisa's ICICI layout): no balance, no
# direction, no minus anywhere. Under five lines it used to be read as money in silently.
def test_three_unsigned_charges_are_said_to_be_unproven(tmp_path):
    amounts, decided, report, _ = _read(tmp_path, "card.csv", (
        "Date,Transaction Details,Amount(in Rs)\n03/01/2023,WWW AMAZON IN,165.72\n"
        "03/01/2023,WWW AMAZON IN,755.65\n03/01/2023,SWIGGY Bengaluru,449.00\n"))
    assert amounts == [165.72, 449.0, 755.65]  # read as written, and said so
    assert decided["sign_unproven"]["lines_unsigned"] == 3
    assert "sign: negate" in decided["sign_unproven"]["message"]
    assert report["sign_unproven_files"] == ["card.csv"]


def test_one_unsigned_line_is_unproven_and_one_minus_makes_the_column_signed(tmp_path):
    _, decided, _, _ = _read(tmp_path, "one.csv", "Date,Merchant Name,Amount\n"
                                                   "01/10/2019,Mobil,36.33\n")
    assert decided["sign_unproven"]["lines_unsigned"] == 1
    # a minus on one line: the column is signed, the rest money in; 1 of 2 in says nothing
    _, decided, _, _ = _read(tmp_path, "two.csv", "Date,Merchant Name,Amount\n"
                                                   "01/10/2019,Mobil,36.33\n02/10/2019,Rent,-900\n")
    assert "sign_unproven" not in decided


def test_a_header_naming_the_side_or_a_declared_sign_proves_unsigned_amounts(tmp_path):
    amounts, decided, _, _ = _read(tmp_path, "debit.csv", "Date,Description,Withdrawals\n"
                                                          "2024-01-02,SHOP,12.00\n")
    assert amounts == [-12.0] and "sign_unproven" not in decided
    path = tmp_path / "declared.csv"
    path.write_text("Date,Merchant Name,Amount\n01/10/2019,Mobil,36.33\n", encoding="utf-8")
    mappings = tmp_path / "m.yml"
    mappings.write_text("mappings:\n  - match: declared.csv\n    sign: negate\n", encoding="utf-8")
    from titans_finance.datasets.raw_export_dataset import load_mappings
    raw = read_export_files(str(path), load_mappings([str(mappings)]))
    candidates, _, fixes = normalise_transactions(raw, PARAMS)
    assert candidates["amount"].tolist() == [-36.33]
    assert "sign_unproven" not in fixes["files"]["declared.csv"]


def test_a_running_balance_proves_unsigned_amounts(tmp_path):
    _, decided, _, _ = _read(tmp_path, "saved.csv", (
        "Date,Description,Amount,Balance\n2024-01-02,Interest,1.00,101.00\n"
        "2024-01-03,Deposit,9.00,110.00\n"))
    assert decided["reconciliation"]["status"] == "proven" and "sign_unproven" not in decided


# A card export in the issuer's view with two payments in five lines (too many for
# `card_payments` to call it a card account) and 3 of 5 lines in (no mostly-in): the payments
# read as money out against charges read as money in is said, never flipped — unless a
# payment is in its payee's words (thanked, received): that proves the view.
_ISSUERS_VIEW = ("Trans. Date,Description,Amount\n01/03/2025,BOOKSHOP 12,21.50\n"
                 "01/05/2025,AUTOPAY PAYMENT,-300.00\n01/09/2025,GROCER 7,40.25\n"
                 "01/12/2025,ONLINE PAYMENT,-61.75\n01/14/2025,CINEMA,12.00\n")


def test_card_payments_read_out_against_charges_read_in_are_said(tmp_path):
    amounts, decided, report, _ = _read(tmp_path, "card.csv", _ISSUERS_VIEW)
    assert amounts == [-300.0, -61.75, 12.0, 21.5, 40.25]  # read as written
    found = decided["sign_unproven"]
    assert (found["lines_payment_worded_out"], found["lines_against_money_in"],
            found["against"]) == (2, 3, "lines of the file")
    assert "sign: negate" in found["message"] and report["sign_unproven_files"] == ["card.csv"]
    # zh: the repayment (还款) out against the purchase (消费) in
    _, decided, _, _ = _read(tmp_path, "zh.csv", (
        "交易日期,交易摘要,交易金额\n2025/01/05,（消费）商户甲,15.90\n"
        "2025/01/04,（退款）商户乙,-9.20\n2025/01/02,（还款）转账,-80.00\n"))
    assert decided["sign_unproven"]["against"] == "purchase-worded lines"


def test_a_card_payment_thanked_written_negative_reads_the_issuers_view(tmp_path):
    amounts, decided, _, _ = _read(tmp_path, "card.csv", _ISSUERS_VIEW.replace(
        "AUTOPAY PAYMENT,", "AUTOPAY PAYMENT - THANK YOU,"))
    assert amounts == [-40.25, -21.5, -12.0, 61.75, 300.0]  # every amount negated
    assert "sign_unproven" not in decided
    assert decided["card_payments"]["accounts_written_in_the_issuers_view"] == 1


@pytest.mark.parametrize("name, text", [
    # a bank account: the card payment out with the purchases, the salary in
    ("bank.csv", "Date,Description,Amount\n2025-01-02,SALARY ACME,2500.00\n"
                 "2025-01-03,POS PURCHASE GROCER,-42.10\n"
                 "2025-01-05,CARD PAYMENT - THANK YOU,-600.00\n2025-01-07,RENT,-900.00\n"),
    ("bank-zh.csv", "交易日期,交易摘要,交易金额\n2025/01/02,工资,5000.00\n"
                    "2025/01/03,自动还款,-1200.00\n2025/01/04,（消费）超市,-35.00\n"),
    # a card export in the holder's view: the charges out, the payment in
    ("holder.csv", "Date,Description,Amount\n2025-01-02,GROCER,-42.10\n"
                   "2025-01-05,PAYMENT THANK YOU - WEB,600.00\n2025-01-07,BOOKSHOP,-21.00\n"),
])
def test_bank_and_holder_view_card_exports_with_payment_words_are_not_flagged(tmp_path, name,
                                                                                 text):
    _, decided, _, _ = _read(tmp_path, name, text)
    assert "sign_unproven" not in decided


def test_a_running_balance_that_proves_the_issuers_view_leaves_nothing_to_say(tmp_path):
    # the issuer's view with a running balance: the balance checks the signs, nothing to say
    _, decided, _, _ = _read(tmp_path, "proven.csv", (
        "Date,Description,Amount,Balance\n2025-01-02,GROCER,42.10,142.10\n"
        "2025-01-05,ONLINE PAYMENT,-100.00,42.10\n2025-01-07,BOOKSHOP,21.00,63.10\n"))
    assert decided["reconciliation"]["status"] == "proven" and "sign_unproven" not in decided


# ---------------------------------------------------------------------------- OFX

def _ofx(aggregate: str, lines: list[tuple[str, str]]) -> str:
    transactions = "".join(
        f"<STMTTRN><TRNTYPE>{kind}<DTPOSTED>2024010{i + 1}<TRNAMT>{amount}<FITID>{i}"
        f"<NAME>LINE {i}</STMTTRN>" for i, (kind, amount) in enumerate(lines))
    account = "<CCACCTFROM><ACCTID>4111</CCACCTFROM>" if aggregate == "CCSTMTRS" else (
        "<BANKACCTFROM><BANKID>1<ACCTID>99<ACCTTYPE>CHECKING</BANKACCTFROM>")
    wrapper = "CREDITCARDMSGSRSV1><CCSTMTTRNRS" if aggregate == "CCSTMTRS" else (
        "BANKMSGSRSV1><STMTTRNRS")
    opening, closing = wrapper.split("><")
    return (f"OFXHEADER:100\nDATA:OFXSGML\n\n<OFX><{opening}><{closing}><{aggregate}>"
            f"<CURDEF>USD{account}<BANKTRANLIST>{transactions}</BANKTRANLIST>"
            f"</{aggregate}></{closing}></{opening}></OFX>\n")


@pytest.mark.parametrize(("kind", "amount", "contradicts"), [
    ("DEBIT", "12.00", True), ("DEBIT", "-12.00", False), ("debit", " 0.01", True),
    ("CREDIT", "-1,00", True), ("CREDIT", "1.00", False), ("DEBIT", "0.00", False),
    ("DEBIT", "-0.00", False), ("POS", "12.00", False), ("ATM", "-12.00", False)])
def test_trntype_contradicts_the_sign_only_when_it_names_the_other_side(kind, amount,
                                                                        contradicts):
    assert type_contradicts_sign(kind, amount) is contradicts


def test_an_ofx_bank_statement_mostly_money_in_is_proven_by_the_spec(tmp_path):
    # deposits into a savings or business account: the spec's sign is the holder's
    lines = [("CREDIT", "100.00")] * 5 + [("DEBIT", "-1.00")]
    amounts, decided, _, source = _read(tmp_path, "bank.ofx", _ofx("STMTRS", lines))
    assert amounts[0] == -1.0 and "sign_unproven" not in decided
    assert source["hints"]["format_sign"] == BANK_STATEMENT


def test_an_ofx_card_statement_with_its_charges_positive_is_unproven(tmp_path):
    # an issuer writing charges positive beside TRNTYPE PAYMENT/POS (no DEBIT to contradict)
    lines = [("POS", "20.00"), ("POS", "35.10"), ("PAYMENT", "-50.00")]
    _, decided, report, source = _read(tmp_path, "card.ofx", _ofx("CCSTMTRS", lines))
    assert source["hints"]["format_sign"] == CARD_STATEMENT
    assert "sign_unproven" not in decided  # 2 of 3 in: two thirds, not more
    lines.append(("POS", "4.20"))  # 3 of 4 in: more than two thirds
    _, decided, report, _ = _read(tmp_path, "card2.ofx", _ofx("CCSTMTRS", lines))
    assert "3 of 4 lines of this card statement" in decided["sign_unproven"]["message"]
    assert report["sign_unproven_files"] == ["card2.ofx"]
    # charges written negative, as the spec says: nothing to say
    spec = [("DEBIT", "-20.00"), ("DEBIT", "-35.10"), ("CREDIT", "50.00")]
    _, decided, _, _ = _read(tmp_path, "card3.ofx", _ofx("CCSTMTRS", spec))
    assert "sign_unproven" not in decided


def test_an_ofx_line_whose_trntype_contradicts_its_sign_makes_the_file_unproven(tmp_path):
    lines = [("DEBIT", "-10.00"), ("DEBIT", "-20.00"), ("CREDIT", "5.00")]
    _, decided, _, source = _read(tmp_path, "agree.ofx", _ofx("STMTRS", lines))
    assert source["hints"]["type_disagrees"] == 0 and "sign_unproven" not in decided
    lines.append(("DEBIT", "7.00"))  # one DEBIT written positive
    _, decided, _, source = _read(tmp_path, "one.ofx", _ofx("STMTRS", lines))
    assert source["hints"]["type_disagrees"] == 1
    assert decided["sign_unproven"]["lines_type_disagrees"] == 1


# ---------------------------------------------------------------------------- QIF

QIF_CARD = "!Type:CCard\nD01/02/2024\nT{0}\nPSHOP\n^\nD01/03/2024\nT{1}\nPFUEL\n^\n"


def test_a_qif_card_account_with_charges_positive_is_unproven(tmp_path):
    _, decided, _, source = _read(tmp_path, "card.qif", QIF_CARD.format("12.40", "30.00"))
    assert source["hints"]["format_sign"] == CARD_STATEMENT
    assert "2 of 2 lines of this card statement" in decided["sign_unproven"]["message"]
    _, decided, _, _ = _read(tmp_path, "card2.qif", QIF_CARD.format("-12.40", "-30.00"))
    assert "sign_unproven" not in decided


def test_a_qif_bank_account_reads_a_number_without_a_minus_as_money_in(tmp_path):
    text = QIF_CARD.replace("CCard", "Bank")
    _, decided, _, source = _read(tmp_path, "bank.qif", text.format("-12.40", "30.00"))
    assert source["hints"]["format_sign"] == SIGNED_BY_FORMAT
    assert "sign_unproven" not in decided  # 1 of 2 in; QIF defines a plain number's side
    _, decided, _, _ = _read(tmp_path, "bank2.qif", text.format("12.40", "30.00"))
    assert decided["sign_unproven"]["lines"] == 2


# A card export whose charges are written positive beside "Debit" and its refund negative
# beside "Credit" (Swisscard's layout): the words prove the issuer's view; one line agreeing
# with its sign leaves the file as written, said to be unproven.
@pytest.mark.parametrize("last, amounts, unproven", [
    ("56.50", [-189.0, -56.5, 40.0], None),
    ("-56.50", [-56.5, -40.0, 189.0], 2),  # the last line agrees: two contradict, said
])
def test_debit_credit_words_against_every_sign_prove_a_card_written_positive(
        tmp_path, last, amounts, unproven):
    got, decided, _, _ = _read(tmp_path, "card.csv", (
        "Transaction date,Description,Amount,Debit/Credit\n"
        "13.11.2024,MUSTER SHOP,189.00,Debit\n"
        "16.11.2024,REFUND MUSTER SHOP,-40.00,Credit\n"
        f"18.11.2024,RESTAURANT,{last},Debit\n"))
    assert got == sorted(amounts)
    assert (decided.get("sign_unproven") or {}).get("lines_type_disagrees") == unproven
