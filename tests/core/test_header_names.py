"""Header words in any script (core/header_names.py): keys keep the letters of every
alphabet, single words of a longer header are weaker evidence of their own."""

from __future__ import annotations

import pytest

from titans_finance.core.header_names import (
    compound_role,
    header_key,
    header_role,
    header_words,
    map_headers,
    names_purchase_day,
    unqualified,
    word_roles,
)


def test_keys_keep_letters_of_every_script_and_drop_accents_and_marks():
    assert header_key("Сумма в валюте счета") == "суммаввалютесчета"
    assert header_key("Débit (€)") == "debit"
    assert header_key("Beløp") == "beløp" and header_key("Wpływy") == "wpływy"
    assert header_key("Kwota_operacji") == "kwotaoperacji"  # the underscore is no letter


def test_whole_headers_in_several_languages_name_their_role():
    assert header_role("Приход") == ("Money In", None)
    assert header_role("Расход") == ("Money Out", None)
    assert header_role("Inn") == ("Money In", None) and header_role("Ut") == ("Money Out", None)
    assert header_role("Beløp") == ("Amount", None) and header_role("Belopp") == ("Amount", None)
    assert header_role("Kwota") == ("Amount", None) and header_role("Dato") == ("Date", None)
    assert header_role("Тип операции") == ("Type", None)
    # a long header no vocabulary holds names nothing as a whole
    assert header_role("Сумма в валюте счета") == (None, None)


def test_single_words_name_roles_only_as_words():
    assert header_words("Сумма в валюте счета") == ["сумма", "в", "валюте", "счета"]
    assert word_roles("Сумма в валюте счета") == {"Amount"}
    assert word_roles("Поступления на счет") == {"Money In"}
    assert word_roles("Ut (NOK)") == {"Money Out"}
    assert word_roles("Номер карты") == set()


def test_hungarian_headers_name_their_roles():
    assert header_role("Összeg") == ("Amount", None)
    assert header_role("Könyvelés dátuma") == ("Date", None)
    assert header_role("Deviza") == ("Currency", None)
    # Egyenleg (balance) is left to the values: Erste writes it *before* each line, which
    # only the values tell (core/readers/amount_links.py), not a header word
    assert header_role("Egyenleg") == (None, None)


def test_known_words_inside_a_run_of_chinese_or_japanese_are_its_words():
    # no spaces between the words: the known ones are found inside the run
    assert word_roles("出金金額(円)") == {"Money Out", "Amount"}
    assert word_roles("入金金額(円)") == {"Money In", "Amount"}
    assert word_roles("取引後残高(円)") == {"Balance"}
    assert header_role("残高") == ("Balance", None) and header_role("日付") == ("Date", None)


def test_the_longest_known_word_from_the_left_wins():
    # 入出金 (in and out: a signed amount) is one word; 出金 (money out) inside it is not read
    assert header_words("入出金(円)") == ["入出金", "円"]
    assert word_roles("入出金(円)") == {"Amount"}
    assert word_roles("利用者") == set()  # no known word inside: no role
    assert word_roles("利用店名・商品名") == {"Description"}  # 商品 (goods) inside


def test_latin_words_are_never_searched_inside_a_longer_word():
    # only runs of scripts written without spaces are searched: "outcome" holds no "out"
    # (a compound's last part is read only for amount and fee words of six letters or more)
    assert word_roles("Outcome") == set() and word_roles("Income tax") == {"Money In"}


def test_a_wechat_header_names_its_columns():
    names = ["交易时间", "交易类型", "交易对方", "商品", "收/支", "金额(元)", "支付方式",
             "当前状态", "交易单号", "商户单号", "备注"]
    mapping, unknown = map_headers(names)
    assert mapping == {"交易时间": "Date", "交易类型": "Type", "交易对方": "Reference",
                       "商品": "Description", "收/支": "Debit/Credit", "金额(元)": "Amount",
                       "支付方式": "Payment Method", "当前状态": "Status",
                       "交易单号": "Bank Transaction ID"}
    assert unknown == ["商户单号", "备注"]  # the second description word is a duplicate


@pytest.mark.parametrize("name, role", [
    ("记账金额(收入)", "Money In"), ("记账金额(支出)", "Money Out"),  # booked amount (side)
    ("交易说明(收入)", None),      # a name whose words name no amount: the side says nothing
    ("记账金额(余额)", None),      # a qualifier naming no side
    ("Amount (in)", "Money In"),  # a known name, as before
])
def test_an_amount_named_by_its_words_with_a_side_in_parentheses_is_that_side(name, role):
    assert header_role(name)[0] == role


@pytest.mark.parametrize("name", ["交易日", "记账日", "入账日", "交易日期"])
def test_chinese_day_headers_name_a_date(name):
    # zh 交易日 (trade day), 记账日 / 入账日 (booking day), as card statements head them
    assert header_role(name)[0] == "Date"


@pytest.mark.parametrize("word, role", [
    ("ausgangsbetrag", "Amount"),   # Wise (German): outgoing amount
    ("zielbetrag", "Amount"),
    ("ausgangsgebuhr", "Fee"),      # outgoing fee
    ("transactiebedrag", "Amount"),
    ("abcbetrag", "Amount"),        # three letters before the part: a compound
    ("abbetrag", None),             # two: not read as one
    ("totalsumma", None),           # a five-letter part ("summa") is never searched for
    ("betrag", None),               # the known word itself is no compound
    ("betragsart", None),           # the part must end the word
])
def test_a_compound_word_ending_in_an_amount_or_fee_word_names_it(word, role):
    assert compound_role(word) == role


def test_the_words_of_a_wise_header_name_an_amount_and_a_fee():
    assert word_roles("Betrag der Ausgangsgebühr") == {"Amount", "Fee"}
    assert word_roles("Ausgangsbetrag (nach Gebühren)") == {"Amount", "Fee"}
    assert word_roles(unqualified("Ausgangsbetrag (nach Gebühren)")) == {"Amount"}


def test_a_date_name_with_its_qualifier_after_the_word_names_a_date():
    # the known name read the other way round: `Completed Date`, `Created Date`
    assert header_role("Date Completed") == ("Date", None)
    assert header_role("Date Created") == ("Date", None)
    assert header_role("date_started") == ("Date", None)
    # the other way round is no known name (`Run Date`): nothing named
    assert header_role("Date Run") == (None, None)
    # the word alone and a known name keep their role; a value date stays one
    assert header_role("Date") == ("Date", None)
    assert header_role("Date Valeur") == ("Value Date", None)
    assert header_role("Date Amount") == (None, None)


@pytest.mark.parametrize("name", ["Belegdatum", "Purchase date", "Date of purchase",
                                  "Data di acquisto", "Date d'achat", "Fecha de compra",
                                  "Köpdatum", "Kjøpsdato", "ご利用日", "消费日期"])
def test_a_header_naming_the_day_of_a_purchase_or_voucher_says_so(name):
    assert names_purchase_day(name)


@pytest.mark.parametrize("name", [
    # the account's own day for the line in a bank statement, or no date at all
    "Buchungsdatum", "Transaction Date", "Trans. Date", "Date de transaction",
    "Fecha de operación", "Wertstellung", "Date", "Purchase amount", "Receipt"])
def test_a_booking_transaction_or_value_date_is_no_purchase_day(name):
    assert not names_purchase_day(name)


def test_monto_is_the_amount_in_latin_american_spanish():
    assert header_role("Monto") == ("Amount", None)
