"""A sign mark written with the amount, glued or spaced, in any case and on either side, and
a two-valued direction column whose one known mark decides the other (Lithuanian D/K): the
general rules, each with its boundary."""

from __future__ import annotations

import pandas as pd
import pytest

from titans_finance.core.direction_words import word_sign
from titans_finance.core.normalise import read_amounts
from titans_finance.core.readers import ExportReadError, read_export
from titans_finance.core.readers.column_roles import COMPLEMENT_MARK_LENGTH
from tests.core.test_readers_column_roles import amounts_of

DEBIT_MARKS = ["DR", "dr", "Dr.", "D", "d", "S", "s", "Af", "AF", "Dt", "Db", "-"]
CREDIT_MARKS = ["CR", "cr", "Cr.", "C", "c", "H", "h", "Bij", "BIJ", "K", "k", "Kt", "+"]


@pytest.mark.parametrize("mark", DEBIT_MARKS + CREDIT_MARKS)
@pytest.mark.parametrize("pattern", ["1200.00{}", "1200.00 {}", "{}1200.00", "{} 1200.00"])
def test_a_mark_glued_or_spaced_on_either_side_signs_the_amount(mark, pattern):
    written = pattern.format(mark)
    parsed = read_amounts(pd.Series([written]), decimal=".")
    sign = -1.0 if mark in DEBIT_MARKS else 1.0
    assert parsed.values.iloc[0] == sign * 1200.0, written
    assert not parsed.invalid.iloc[0] and parsed.explicit_sign.iloc[0]


@pytest.mark.parametrize("written", ["12,50S", "12,50 S", "1.234,50DR"])
def test_a_mark_after_a_decimal_comma(written):
    parsed = read_amounts(pd.Series([written]), decimal=",")
    assert parsed.values.iloc[0] < 0 and not parsed.invalid.iloc[0]


@pytest.mark.parametrize("written", ["1200.00X", "1200.00 DRX", "X 1200.00", "1200.00Q"])
def test_a_word_that_is_no_mark_makes_the_value_invalid_not_guessed(written):
    parsed = read_amounts(pd.Series([written]), decimal=".")
    assert parsed.invalid.iloc[0] and pd.isna(parsed.values.iloc[0])


@pytest.mark.parametrize("written", ["+1200.00DR", "(5.00)CR", "CR -5.00", "D +5.00"])
def test_a_mark_that_contradicts_the_written_sign_is_invalid(written):
    parsed = read_amounts(pd.Series([written]), decimal=".")
    assert parsed.invalid.iloc[0]


def test_a_currency_beside_a_glued_mark_is_still_a_currency():
    parsed = read_amounts(pd.Series(["EUR 12.00DR", "12.00CR EUR", "12.00 EUR"]), decimal=".")
    assert parsed.values.tolist() == [-12.0, 12.0, 12.0]
    assert parsed.explicit_sign.tolist() == [True, True, False]


def test_the_lithuanian_k_and_d_are_known_marks():
    assert word_sign("K") == 1.0 and word_sign("D") == -1.0 and word_sign("Kr") is None


def test_a_headerless_file_of_glued_marks_is_located_and_signed():
    text = ("02/01/2024,TESCO STORES 2041,12.40DR\n03/01/2024,SALARY ACME LTD,2100.00CR\n"
            "05/01/2024,TFL TRAVEL,2.40DR\n")
    amounts, info = amounts_of(text)
    assert amounts == [-12.4, 2100.0, -2.4] and info["headerless"] is True


LITHUANIAN = ("Data;Paaiskinimas;Suma;D/K\n2024-01-02;Maxima;12,40;{d}\n"
              "2024-01-03;Alga;2100,00;{k}\n2024-01-05;Bolt;2,40;{d}\n")


def test_a_lithuanian_d_k_column_signs_the_amounts():
    amounts, info = amounts_of(LITHUANIAN.format(d="D", k="K"))
    assert amounts == [-12.4, 2100.0, -2.4]
    assert info["reading"]["direction"]["values"] == {"D": -1.0, "K": 1.0}


@pytest.mark.parametrize("other", ["Q", "Zq", "Zqx"])
def test_a_short_unknown_mark_beside_a_known_one_is_the_other_side(other):
    assert len(other) <= COMPLEMENT_MARK_LENGTH
    amounts, info = amounts_of(LITHUANIAN.format(d="D", k=other))
    assert amounts == [-12.4, 2100.0, -2.4]
    assert any(f"{other!r} read as money in" in note for note in info["reading"]["notes"])
    # and the other way round: a known credit mark makes the unknown one money out
    amounts, _ = amounts_of(LITHUANIAN.format(d=other, k="C"))
    assert amounts == [-12.4, 2100.0, -2.4]


def test_a_longer_unknown_word_beside_a_known_mark_is_not_guessed():
    other = "Z" * (COMPLEMENT_MARK_LENGTH + 1)
    with pytest.raises(ExportReadError, match="may say money in or out"):
        read_export(LITHUANIAN.format(d="D", k=other).encode(), "lt.csv")


def test_the_balance_decides_a_two_valued_column_before_its_words():
    # K beside D, but the balance shows K takes money out: the balance wins
    text = ("Data;Paaiskinimas;Suma;D/K;Likutis\n2024-01-02;Maxima;12,40;K;987,60\n"
            "2024-01-03;Alga;2100,00;D;3087,60\n2024-01-05;Bolt;2,40;K;3085,20\n")
    amounts, info = amounts_of(text)
    assert amounts == [-12.4, 2100.0, -2.4]
    assert info["reading"]["direction"]["decided_by"].startswith("running balance")


# ------------------------------------------- O / I: out and in, as a direction column only

IO_FLAG = ("18.09.2017;HOFER DANKT 0527;18.09.2017;33,87;O\n19.09.2017;LOHN ACME;19.09.2017;1200,00;I\n"
           "20.09.2017;SPAR DANKT 4105;20.09.2017;8,94;O\n")


def test_an_o_i_column_signs_unsigned_amounts():
    amounts, info = amounts_of(IO_FLAG, "io.csv")
    assert amounts == [-33.87, 1200.0, -8.94]
    assert info["reading"]["direction"]["values"] == {"O": -1.0, "I": 1.0}


def test_a_third_value_of_an_o_i_column_is_quarantined_not_guessed():
    from tests.core.test_readers_amount_words import PARAMS
    from titans_finance.pipelines.ingestion.nodes import normalise_transactions
    text = IO_FLAG + "21.09.2017;LIDL DANKT 0223;21.09.2017;30,01;EUR\n"
    export = read_export(text.encode(), "io.csv")
    raw = export.frame.assign(**{"Source File": "io.csv"})
    raw.attrs["source"] = {**export.info, "name": "io.csv"}
    clean, quarantine, _ = normalise_transactions(raw, PARAMS)
    assert clean["amount"].round(2).tolist() == [-33.87, 1200.0, -8.94]
    assert quarantine["reasons"].tolist() == ["invalid_debit_credit_indicator"]


@pytest.mark.parametrize("written", ["12,5O", "12,5 O", "I 12,50"])
def test_o_and_i_written_with_an_amount_are_no_sign_marks(written):
    assert word_sign("O") is None and word_sign("I") is None
    parsed = read_amounts(pd.Series([written]), decimal=",")
    assert parsed.invalid.iloc[0] or not parsed.explicit_sign.iloc[0]
