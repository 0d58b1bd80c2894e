"""Amount columns linked by their values: an exchange rate (original × rate = booked, within
the rounding of the values as written) is never money and never a balance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from titans_finance.core.readers import ExportReadError, read_export
from titans_finance.core.readers.amount_links import exchange_rate_columns


def _columns(**texts: list[str]):
    text = {k: pd.Series(v) for k, v in texts.items()}
    numbers = {k: pd.to_numeric(v.str.replace(",", "."), errors="coerce")
               for k, v in text.items()}
    return numbers, text


def test_a_column_that_multiplies_one_amount_into_another_is_an_exchange_rate():
    numbers, texts = _columns(original=["-10.00", "-25.50", "-3.99"],
                              rate=["0.9259", "0.9259", "0.8547"],
                              booked=["-9.26", "-23.61", "-3.41"])
    assert exchange_rate_columns(numbers, texts) == {"rate": ("original", "booked")}


def test_one_cent_beyond_the_rounding_is_no_exchange_rate():
    # -25.50 × 0.9259 = -23.6105: -23.61 is within rounding, -23.62 is not
    numbers, texts = _columns(original=["-10.00", "-25.50", "-3.99"],
                              rate=["0.9259", "0.9259", "0.8547"],
                              booked=["-9.26", "-23.62", "-3.41"])
    assert exchange_rate_columns(numbers, texts) == {}


def test_a_column_with_a_negative_value_is_no_exchange_rate():
    numbers, texts = _columns(original=["-10.00", "-25.50"], rate=["1.00", "-1.00"],
                              booked=["-10.00", "25.50"])
    assert exchange_rate_columns(numbers, texts) == {}


def test_a_running_balance_is_no_exchange_rate():
    numbers, texts = _columns(amount=["-10.00", "-25.50", "100.00"],
                              balance=["990.00", "964.50", "1064.50"],
                              fee=["0.00", "0.00", "0.00"])
    assert exchange_rate_columns(numbers, texts) == {}


CARD = ("Belegdatum;Originalbetrag;Originalwährung;Umrechnungskurs;Buchungsbetrag;"
        "Buchungswährung;Beschreibung\n"
        "20.02.18;-10,00;USD;0,9259;-9,26;EUR;SHOP A\n"
        "21.02.18;-25,50;USD;0,9259;-23,61;EUR;SHOP B\n"
        "22.02.18;-3,99;GBP;1,1360;-4,53;EUR;SHOP C\n")


def test_the_refusal_names_the_exchange_rate_and_never_as_the_balance():
    # headers naming no amount: nothing but the values to go by
    unnamed = CARD.replace("Originalbetrag", "Original").replace("Buchungsbetrag", "Gebucht")
    with pytest.raises(ExportReadError) as refused:
        read_export(unnamed.encode(), "card.csv")
    message = str(refused.value)
    assert "'Umrechnungskurs' is the exchange rate between 'Original' and " \
           "'Gebucht'" in message
    assert "balance" not in message.split("e.g.:")[1]


def test_compound_headers_name_the_amount_booked_in_the_account_currency():
    # Originalbetrag and Buchungsbetrag both name an amount (compound words): the one whose
    # currency beside it is one currency on every line is the booked money
    export = read_export(CARD.encode(), "card.csv")
    assert export.info["columns"]["Amount"] == ["Buchungsbetrag"]
    assert "Balance" not in export.info["columns"]


def test_with_the_booked_amount_declared_the_rate_is_no_balance():
    from titans_finance.core.readers.mapping import DeclaredMapping
    mapping = DeclaredMapping(match=["card.csv"], columns={"Amount": ["Buchungsbetrag"]})
    export = read_export(CARD.encode(), "card.csv", mapping)
    assert export.info["columns"]["Amount"] == ["Buchungsbetrag"]
    assert "Balance" not in export.info["columns"]


def test_an_exchange_rate_of_one_between_equal_amounts_leaves_one_movement():
    text = CARD.replace("0,9259", "1,0000").replace("1,1360", "1,0000").replace(
        "-9,26", "-10,00").replace("-23,61", "-25,50").replace("-4,53", "-3,99")
    export = read_export(text.encode(), "card.csv")
    assert "Balance" not in export.info["columns"]
    assert len(export.info["columns"]["Amount"]) == 1


def test_columns_of_zeros_are_linked_by_no_rate():
    # shipping and tax columns of 0,00 beside a positive gross: gross × 0 = 0 says nothing
    numbers, texts = _columns(gross=["49.37", "28.82"], shipping=["0.00", "0.00"],
                              tax=["0.00", "0.00"])
    assert exchange_rate_columns(numbers, texts) == {}


# -- a balance written before each line (ASN): the next line's is it plus this line's amount

BEFORE = ("{d1},SHOP A,1000.00,-12.40,7\n{d2},SALARY,987.60,2100.00,8\n"
          "{d3},BUS,3087.60,-2.40,9\n{d4},SHOP B,{b4},-5.00,10\n")
FORWARD = dict(d1="01-06-2022", d2="02-06-2022", d3="02-06-2022", d4="05-06-2022")


def test_a_balance_written_before_each_line_tells_the_amount_column():
    text = BEFORE.format(**FORWARD, b4="3085.20")
    export = read_export(text.encode(), "asn.csv")
    assert export.info["columns"]["Amount"] == ["column 4"]
    # the balance column too, written before each line: the normaliser adds the amount
    assert export.info["columns"]["Balance"] == ["column 3"]
    assert export.info["hints"]["balance_before"] is True
    assert export.frame["Amount"].tolist() == ["-12.40", "2100.00", "-2.40", "-5.00"]


@pytest.mark.parametrize("change", [
    {"b4": "3085.21"},  # one cent off on one pair: no proof
    {"d4": "01-06-2022"},  # the dates run back once: newest-first arithmetic, signs turned
    {"d2": "01-06-2022", "d3": "01-06-2022", "d4": "01-06-2022"},  # one day: no direction
])
def test_a_balance_before_needs_every_pair_and_dates_that_run_forward(change):
    text = BEFORE.format(**{**FORWARD, "b4": "3085.20", **change})
    with pytest.raises(ExportReadError, match="all hold amounts"):
        read_export(text.encode(), "asn.csv")


def test_two_pairs_that_both_fit_decide_nothing():
    from titans_finance.core.readers.amount_links import balance_before

    numbers = {"a": pd.Series([1.0, 2.0, 4.0]), "b": pd.Series([1.0, 2.0, 4.0]),
               "c": pd.Series([0.0, 1.0, 3.0])}
    dates = pd.Series(pd.to_datetime(["2022-06-01", "2022-06-02", "2022-06-03"]))
    assert balance_before(["a", "c"], numbers, dates)[:2] == ("a", "c")
    assert balance_before(["a", "b", "c"], numbers, dates) is None  # a and b fit alike
    assert balance_before(["a", "c"], numbers, None) is None


def test_a_balance_before_of_unknown_amount_needs_two_pairs_of_lines():
    # with the amount column still undecided, one pair that fits is a coincidence either
    # way round (a balance before it in one order is one after it in the other)
    from titans_finance.core.readers.amount_links import balance_before

    numbers = {"a": pd.Series([1.0, 2.0, 4.0]), "c": pd.Series([0.0, 1.0, 3.0])}
    dates = pd.Series(pd.to_datetime(["2022-06-01", "2022-06-02", "2022-06-03"]))
    assert balance_before(["a", "c"], numbers, dates)[:2] == ("a", "c")  # two pairs
    two_lines = {k: v[:2] for k, v in numbers.items()}
    assert balance_before(["a", "c"], two_lines, dates[:2]) is None  # one pair: unproven


def test_newest_first_a_balance_before_each_line_runs_the_other_way():
    lines = BEFORE.format(**{**FORWARD, "d3": "03-06-2022"}, b4="3085.20").splitlines()
    text = "\n".join(reversed(lines)) + "\n"
    export = read_export(text.encode(), "asn.csv")
    assert export.info["columns"]["Amount"] == ["column 4"]
    assert export.info["columns"]["Balance"] == ["column 3"]
    assert "newest first" in export.info["reading"]["columns"]["column 4"]["decided_by"]


# -- a balance column beside an amount already read (a header names it, or its sign
# is written): the values prove it a balance written before each line, on every pair

ERSTE = ("Datum,Partner,Osszeg,Irany,Egyenleg\n"
         "2019.04.19.,SHOP,-350,outflow,{b1}\n"
         "2019.04.17.,EMPLOYER,1290,inflow,{b2}\n"
         "2019.04.15.,BAKERY,-12.40,outflow,{b3}\n")


def test_a_column_carrying_the_balance_before_every_line_proves_the_reading():
    from tests.core.test_readers_summary_lines import _normalised

    clean, _, decided = _normalised(ERSTE.format(b1="2345.56", b2="1055.56", b3="1067.96"),
                                    "erste.csv")
    assert decided["reconciliation"]["status"] == "proven"
    assert decided["reconciliation"]["steps_checked"] == 2
    assert "before" in decided["reconciliation"]["balance_written"]
    # the balance after each line: the one written before it plus its amount
    assert clean["balance"].round(2).tolist() == [1995.56, 2345.56, 1055.56]


@pytest.mark.parametrize("b3", ["1067.95", "1067.97"])
def test_one_pair_a_cent_off_is_no_balance_and_proves_nothing(b3):
    from tests.core.test_readers_summary_lines import _normalised

    _, _, decided = _normalised(ERSTE.format(b1="2345.56", b2="1055.56", b3=b3), "erste.csv")
    assert decided["reconciliation"]["status"] == "not possible"
    export = read_export(ERSTE.format(b1="2345.56", b2="1055.56", b3=b3).encode(), "erste.csv")
    assert "Balance" not in export.info["columns"]


def test_balance_before_column_needs_dates_one_way_and_a_single_fitting_column():
    from titans_finance.core.readers.amount_links import balance_before_column, dates_run

    amount = pd.Series([-350.0, 1290.0, -12.40], name="amount")
    before = pd.Series([2345.56, 1055.56, 1067.96])
    back = pd.Series(pd.to_datetime(["2019-04-19", "2019-04-17", "2019-04-15"]))
    assert dates_run(back) == "backward" and dates_run(back[::-1].reset_index(drop=True)) == (
        "forward")
    assert dates_run(pd.Series(pd.to_datetime(["2019-04-19"] * 3))) is None
    assert dates_run(pd.Series(pd.to_datetime(["2019-04-19", "2019-04-15", "2019-04-17"]))) \
        is None
    assert balance_before_column(amount, {"b": before}, back)[0] == "b"
    assert balance_before_column(amount, {"b": before}, back[::-1].reset_index(drop=True)) \
        is None  # forward in time the same values carry nothing
    assert balance_before_column(amount, {"b": before, "copy": before.copy()}, back) is None
    assert balance_before_column(amount, {"b": before}, None) is None
    # one pair is enough once the amount is read; none is not
    assert balance_before_column(amount[:2], {"b": before[:2]}, back[:2])[0] == "b"
    assert balance_before_column(amount[:1], {"b": before[:1]}, back[:1]) is None
    # lines of two accounts: pairs across them are not checked
    assert balance_before_column(amount, {"b": before.where(before.index < 2, 0.0)}, back,
                                 np.array(["x", "x", "y"]))[0] == "b"


@pytest.mark.parametrize("net, same", [
    ("9.70", True),  # gross 10.00 less the fee 0.30, to the cent
    ("9.69", False),  # one cent off: not the same money
    ("9.71", False)])
def test_gross_less_the_fee_is_the_net_to_the_cent(net, same):
    from titans_finance.core.readers.amount_links import same_money

    numbers = {"gross": pd.Series([10.00, 25.00]), "net": pd.Series([float(net), 24.10])}
    found = same_money(["gross", "net"], numbers, pd.Series([-0.30, -0.90]))
    assert (found is not None and found[:2] == ("gross", "net")) is same
    # without a fee column the two must be equal to the cent, either order
    equal = {"a": pd.Series([10.00, 25.00]), "b": pd.Series([10.00 + (0 if same else 0.01),
                                                             25.00])}
    assert (same_money(["a", "b"], equal, None) is not None) is same


def _numbers(**columns):
    return {name: pd.Series(values, dtype="float64") for name, values in columns.items()}


@pytest.mark.parametrize("lines, order", [
    ({"before": [15.0, 10.0], "after": [10.0, 0.0], "amt": [-5.0, -10.0]}, "file order"),
    ({"before": [10.0, 15.0], "after": [0.0, 10.0], "amt": [-10.0, -5.0]}, "newest first"),
])
def test_both_balances_on_each_line_tell_the_amount_and_the_order(lines, order):
    from titans_finance.core.readers.amount_links import before_and_after
    found = before_and_after(["before", "after", "amt"], _numbers(**lines))
    assert found is not None and found[:2] == ("amt", "before") and order in found[2]


@pytest.mark.parametrize("change", [
    {"after": [10.01, 0.0]},    # one line a cent off: after is no before + amount
    {"before": [15.0, 10.01]},  # the second line's before is not the first line's after
    {"amt": [-5.0, 0.0], "after": [10.0, 10.0]},  # a zero amount links nothing
])
def test_balances_that_do_not_link_every_line_to_the_cent_decide_nothing(change):
    from titans_finance.core.readers.amount_links import before_and_after
    lines = {"before": [15.0, 10.0], "after": [10.0, 0.0], "amt": [-5.0, -10.0], **change}
    assert before_and_after(["before", "after", "amt"], _numbers(**lines)) is None


def test_one_line_is_no_link_between_lines():
    from titans_finance.core.readers.amount_links import before_and_after
    lines = {"before": [15.0], "after": [10.0], "amt": [-5.0]}
    assert before_and_after(["before", "after", "amt"], _numbers(**lines)) is None


def test_a_headerless_file_with_both_balances_is_read_on_one_day():
    # one day: the dates tell no order, the two balances do
    text = ("123456789\tEUR\t20160102\t15,00\t10,00\t20160102\t-5,00\tDESCRIPTION\n"
            "123456789\tEUR\t20160102\t10,00\t0,00\t20160102\t-10,00\tDESCRIPTION\n")
    export = read_export(text.encode(), "tab.csv")
    assert export.info["columns"]["Amount"] == ["column 7"]


# Half a cent is no cent: a difference of exactly 0.005 (a float that is exactly half a cent)
# breaks a link, one just under it does not (each comparison of `before_and_after`).
@pytest.mark.parametrize(("lines", "order"), [
    # line 1: after = before + amount + 0.005 exactly: no line links, nothing read
    ({"before": [0.0, 0.005], "after": [0.005, 0.015], "amt": [0.01, 0.01]}, None),
    # file order off by exactly half a cent (0.005), newest first by 0.004999…: newest first
    ({"before": [0.01, 0.005], "after": [0.0, 0.015], "amt": [-0.01, 0.01]}, "newest first"),
    # newest first off by exactly half a cent, file order linked: file order
    ({"before": [0.0, 0.01], "after": [0.01, 0.005], "amt": [0.01, -0.005]}, "file order"),
])
def test_half_a_cent_breaks_a_link_between_the_two_balances(lines, order):
    from titans_finance.core.readers.amount_links import before_and_after
    found = before_and_after(["before", "after", "amt"], _numbers(**lines))
    assert (found is None) if order is None else found[2].endswith(f"({order})")


def test_three_lines_link_each_to_the_next_in_one_order():
    from titans_finance.core.readers.amount_links import before_and_after
    lines = {"before": [30.0, 25.0, 15.0], "after": [25.0, 15.0, 12.5],
             "amt": [-5.0, -10.0, -2.5]}
    found = before_and_after(["before", "after", "amt"], _numbers(**lines))
    assert found[:2] == ("amt", "before") and found[2].endswith("(file order)")
    newest = {k: v[::-1] for k, v in lines.items()}
    found = before_and_after(["before", "after", "amt"], _numbers(**newest))
    assert found[2].endswith("(newest first)")
    # the third line's before is not the second's after: no order links every line
    lines["before"][2] = 16.0
    lines["after"][2] = 13.5
    assert before_and_after(["before", "after", "amt"], _numbers(**lines)) is None


def test_an_amount_to_the_cent_is_no_rate_when_the_column_it_multiplies_is_finer():
    # Wise: 131.26 × 38.0925 = 5000.02, a cent beyond the rate's rounding for 5000.0, while
    # 38.0925 × 131.26 is within the amount's: the column written finer than money is the rate
    numbers, texts = _columns(rate=["1.00000000", "1.00000000", "38.0925"],
                              amount=["58.19", "36.52", "131.26"],
                              target=["58.19", "36.52", "5000.0"])
    assert exchange_rate_columns(numbers, texts) == {"rate": ("amount", "target")}


@pytest.mark.parametrize("places, swapped", [(2, False), (3, True)])
def test_a_rate_is_swapped_for_its_amount_only_when_written_finer_than_the_cent(places, swapped):
    # the "rate" column (to the cent) times the other, written to `places` decimals
    factor = f"{1.5:.{places}f}"
    numbers, texts = _columns(cents=["10.00", "20.00"], factor=[factor, factor],
                              product=["15.00", "30.00"])
    found = exchange_rate_columns(numbers, texts)
    if swapped:
        assert found == {"factor": ("cents", "product")}
    else:  # neither is written finer than money: neither is taken for the rate
        assert found == {}
