"""Day/month order of a date column (core/dates.py): the boundaries `test_normalise.py`
does not reach (its date tests read whole columns through `parse_dates`)."""

from __future__ import annotations

import pandas as pd
import pytest

from titans_finance.core.dates import _assemble, infer_day_first, read_dates


@pytest.mark.parametrize("values", [["01/02/2024", "03/04/2024"], ["2024-01-02"], []])
def test_with_no_value_that_tells_the_order_is_month_first_unless_hinted(values):
    assert infer_day_first(pd.Series(values, dtype="object")) is False
    assert infer_day_first(pd.Series(values, dtype="object"), hint=True) is True


@pytest.mark.parametrize("suffix", [" 10:30", "T10:30:00", " 9:05 PM", ", 10:30"])
def test_a_time_after_the_date_does_not_hide_its_order(suffix):
    assert infer_day_first(pd.Series([f"13/01/2024{suffix}", f"02/01/2024{suffix}"]))
    assert not infer_day_first(pd.Series([f"01/13/2024{suffix}", f"01/02/2024{suffix}"]),
                               hint=True)


def test_a_tie_between_the_orders_leaves_the_hint_to_decide():
    tie = pd.Series(["13/01/2024", "01/13/2024"])
    assert infer_day_first(tie) is False and infer_day_first(tie, hint=True) is True
    # one more value on either side decides, whatever the hint
    assert infer_day_first(pd.concat([tie, pd.Series(["14/01/2024"])]), hint=False) is True
    assert infer_day_first(pd.concat([tie, pd.Series(["01/14/2024"])]), hint=True) is False


@pytest.mark.parametrize("text, expected", [
    ("2019.04.19.", "2019-04-19"), ("19.04.2019.", "2019-04-19"), ("2019.04.19", "2019-04-19"),
    ("19.04.", None), ("2019.04.19..", None), ("2019.04.19.x", None),
])
def test_a_dot_closing_a_numeric_date_ends_it(text, expected):
    for dtype in ("str", "object"):
        parsed = read_dates(pd.Series([text], dtype=dtype), day_first=True).values.iloc[0]
        assert (None if pd.isna(parsed) else parsed.strftime("%Y-%m-%d")) == expected


@pytest.mark.parametrize("text", [
    "٢٠٢٤-01-02", "2024-٠١-02", "2024-01-٠٢",  # Arabic-Indic digits in the year, month, day
    "０２/01/2024", "02/０１/2024", "02/01/２０２４",  # full-width digits, numeric order
    "13/3/３",  # a two-digit year first, read only when no day/month order reads the column
])
def test_a_date_written_in_other_digits_is_invalid_and_the_column_still_read(text):
    # `\d` matches every script's digits, pandas' number parser only ASCII ones: such a
    # date is quarantined as invalid, never a crash that loses the file's other rows
    parsed = read_dates(pd.Series([text, "2024-01-03"], dtype="object"))
    assert parsed.invalid.tolist() == [True, False]
    assert parsed.values.iloc[1] == pd.Timestamp("2024-01-03")


@pytest.mark.parametrize("text, valid", [
    ("1677-01-01", False), ("1678-01-01", True), ("01/01/1678", True),
    ("2261-12-31", True), ("12/31/2261", True), ("2262-12-31", False), ("12/31/2262", False)])
def test_the_whole_years_a_timestamp_holds_are_read_one_year_either_side_invalid(text, valid):
    # 1678-2261: the first and last whole years of datetime64[ns]; a year beyond is an
    # invalid date of its row, never an overflow that stops the file
    parsed = read_dates(pd.Series([text, "2024-01-03"], dtype="object"))
    assert parsed.invalid.tolist() == [not valid, False]
    assert (parsed.values.iloc[0] == pd.Timestamp(text)) if valid else pd.isna(
        parsed.values.iloc[0])


def test_a_declared_format_reads_every_value_with_it_and_keeps_the_row_labels():
    # `%d.%m.%y` declared: 05.01.24 is the 5th of January (read by the columns' own rule it
    # would be the 1st of May); a value the format cannot read is invalid, a missing one not
    values = pd.Series(["05.01.24", "31.12.99", "2024-01-05", None, "05.01.24"],
                       index=[10, 11, 12, 13, 14], dtype="object")
    parsed = read_dates(values, date_format="%d.%m.%y")
    assert parsed.values.index.tolist() == parsed.invalid.index.tolist() == [10, 11, 12, 13, 14]
    assert parsed.values.dtype == "datetime64[ns]"
    assert parsed.values.tolist()[:2] == [pd.Timestamp("2024-01-05"), pd.Timestamp("1999-12-31")]
    assert parsed.values.iloc[4] == pd.Timestamp("2024-01-05")
    assert parsed.values.iloc[2:4].isna().all()
    assert parsed.invalid.tolist() == [False, False, True, False, False]


@pytest.mark.parametrize("day_first", [True, False, None])
def test_a_declared_format_reports_its_day_order_as_declared_and_nothing_guessed(day_first):
    # (the data-quality report shows these: a declared format leaves nothing ambiguous and
    # no evidence counted, and the day order is the one declared beside it, else month first)
    parsed = read_dates(pd.Series(["05.01.2024", "06.01.2024"]), day_first=day_first,
                        date_format="%d.%m.%Y")
    assert parsed.day_first is bool(day_first)
    assert parsed.ambiguous is False and parsed.evidence == {}


@pytest.mark.parametrize("values", [
    ["2024-01-05", "2024-01-06"],  # ISO: no day/month order to tell
    ["05/05/2024", "06/06/2024"],  # day and month equal: read alike either way
])
def test_a_column_no_value_of_which_reads_two_ways_is_not_ambiguous(values):
    parsed = read_dates(pd.Series(values))
    assert parsed.ambiguous is False and parsed.evidence["decided_by"] == "values"
    assert parsed.evidence["either_way_values"] == 0 and not parsed.invalid.any()


@pytest.mark.parametrize("values, day_first, ambiguous", [
    # one value proves the minority order: contradicting values, ambiguous; none: not
    (["13/01/2024", "01/13/2024", "01/14/2024", "02/03/2024"], False, True),
    (["13/01/2024", "14/01/2024", "01/13/2024", "02/03/2024"], True, True),
    (["01/13/2024", "01/14/2024", "02/03/2024"], False, False),
])
def test_values_proving_both_orders_leave_the_column_ambiguous(values, day_first, ambiguous):
    parsed = read_dates(pd.Series(values))
    assert (parsed.day_first, parsed.ambiguous) == (day_first, ambiguous)


def test_a_line_without_a_date_between_two_does_not_hide_their_spacing():
    # no value tells the order: the two dated lines a day apart (not a month) decide it,
    # across the blank line between them
    for blank in ("", None):  # (a written blank, or a missing value as the service sends)
        parsed = read_dates(pd.Series(["03/04/2024", blank, "04/04/2024"]))
        assert parsed.day_first is True and parsed.evidence["decided_by"] == "row_spacing"
        assert parsed.values.tolist()[::2] == [pd.Timestamp("2024-04-03"),
                                               pd.Timestamp("2024-04-04")]


@pytest.mark.parametrize("hint", [True, False])
@pytest.mark.parametrize("values", [["13/01/2024", "01/13/2024", "02/03/2024"],
                                    ["01/13/2024", "13/01/2024", "02/03/2024"]])
def test_a_tie_of_contradicting_values_that_leaves_one_order_unmeasured_takes_the_hint(
        values, hint):
    # each order reads two of the three lines with the unreadable one between them: its
    # spacing cannot be measured, so neither order's spacing decides
    parsed = read_dates(pd.Series(values), day_first_hint=hint)
    assert parsed.day_first is hint and parsed.ambiguous
    assert parsed.evidence["decided_by"] == "hint"


def test_a_two_digit_year_written_first_reads_the_column_and_keeps_its_rows():
    # (some QIF writers): no day/month order reads 13/3/3, the year first reads every value;
    # the blank line stays missing, not invalid, and every row keeps its label
    values = pd.Series(["13/3/3", "", "13/08/12", None], index=[10, 11, 12, 13], dtype="object")
    parsed = read_dates(values)
    assert parsed.evidence["decided_by"] == "year_first"
    assert parsed.values.index.tolist() == [10, 11, 12, 13]
    assert parsed.values.tolist()[::2] == [pd.Timestamp("2013-03-03"), pd.Timestamp("2013-08-12")]
    assert parsed.values.iloc[[1, 3]].isna().all() and not parsed.invalid.any()


# ------------------------------------------------ the lines' date order proves the reading

def test_the_only_order_that_puts_the_lines_in_date_order_is_proven():
    from titans_finance.core.dates import ROW_ORDER_STEPS
    assert ROW_ORDER_STEPS == 3
    # day first: 1 Feb, 3 Feb, 10 Feb, 2 Mar (forward); month first: 2 Jan, 2 Mar, 2 Oct, 3 Feb
    dates = read_dates(pd.Series(["01/02/2024", "03/02/2024", "10/02/2024", "02/03/2024"]))
    assert (dates.day_first, dates.ambiguous, dates.evidence["decided_by"]) == (
        True, False, "row_order")
    # newest first works alike, month first (Spanish, Mint)
    dates = read_dates(pd.Series(["10/02/2024", "03/02/2024", "02/10/2024", "01/02/2024"]))
    assert (dates.day_first, dates.ambiguous) == (False, False)


def test_two_steps_or_both_orders_in_date_order_prove_nothing():
    two_steps = read_dates(pd.Series(["01/02/2024", "03/02/2024", "02/03/2024"]))
    assert two_steps.ambiguous and two_steps.evidence["decided_by"] != "row_order"
    # 2 Jan, 3 Jan, 4 Jan, 5 Jan / 1 Feb, 1 Mar, 1 Apr, 1 May: both forward
    both = read_dates(pd.Series(["02/01/2024", "03/01/2024", "04/01/2024", "05/01/2024"]))
    assert both.ambiguous and both.evidence["decided_by"] != "row_order"


def test_a_declared_or_a_told_order_is_never_overruled_by_the_lines():
    values = pd.Series(["01/02/2024", "03/02/2024", "10/02/2024", "02/03/2024"])
    assert read_dates(values, day_first=False).day_first is False
    told = read_dates(pd.Series(["13/02/2024", "01/03/2024", "02/01/2024", "03/01/2024"]))
    assert told.day_first is True and told.evidence["decided_by"] == "values"


# ------------------------------------------------ the other date column tells the order

def test_a_value_date_that_tells_the_order_decides_an_ambiguous_booking_date():
    from titans_finance.core.dates import order_from_sibling
    booking = pd.Series(["01/02/2024", "05/02/2024"])
    dates = read_dates(booking)
    assert dates.ambiguous
    # value dates 13 February: day first, so the booking dates are 1 and 5 February
    told = order_from_sibling(dates, booking, pd.Series(["13/02/2024", "06/02/2024"]))
    assert (told.day_first, told.ambiguous, told.evidence["decided_by"]) == (
        True, False, "value_date_column")
    assert told.values.dt.strftime("%Y-%m-%d").tolist() == ["2024-02-01", "2024-02-05"]
    # month first told the same way (02/13)
    told = order_from_sibling(dates, booking, pd.Series(["02/13/2024", "02/06/2024"]))
    assert told.day_first is False and told.values.iloc[0] == pd.Timestamp("2024-01-02")


@pytest.mark.parametrize("sibling", [
    ["", ""],                          # no value dates
    ["02/03/2024", "06/02/2024"],      # ambiguous too
    ["13.02.2024", "06.02.2024"],      # written another way
    ["13/02/2024", "02/13/2024"],      # contradicting itself
])
def test_a_value_date_that_tells_nothing_leaves_the_booking_date_ambiguous(sibling):
    from titans_finance.core.dates import order_from_sibling
    booking = pd.Series(["01/02/2024", "05/02/2024"])
    dates = read_dates(booking)
    assert order_from_sibling(dates, booking, pd.Series(sibling)) is dates


@pytest.mark.parametrize("written, expected", [
    ("01 Mrt 2016", "2016-03-01"),        # Afrikaans / Dutch abbreviation
    ("25 Maart 2016", "2016-03-25"),
    ("1. März 2016", "2016-03-01"),       # German, with the day's dot
    ("15 janv. 2024", "2024-01-15"),      # French abbreviation with its dot
    ("3 août 2023", "2023-08-03"),
    ("3 dic 2023", "2023-12-03"),         # Spanish / Italian
    ("07 okt 2013", "2013-10-07"),        # Dutch / Nordic / German
    ("07 Nov 2013", "2013-11-07"),        # English as before
])
def test_a_month_named_in_another_language_is_read(written, expected):
    from titans_finance.core.dates import read_dates
    values = read_dates(pd.Series([written])).values
    assert values.dt.strftime("%Y-%m-%d").tolist() == [expected]


@pytest.mark.parametrize("written", ["01 Foo 2016", "01 Mrtx 2016", "01 Mrt"])
def test_an_unknown_month_word_or_a_missing_year_is_no_date(written):
    # no year: the month and day alone are no date (the file must say the year)
    from titans_finance.core.dates import read_dates
    assert read_dates(pd.Series([written])).values.isna().all()


# -- dates written without a year: the statement period's year that puts them within it

@pytest.mark.parametrize("written, expected", [
    ("'01 Mrt'", "2016-03-01"),   # quoted, Afrikaans month, in the period
    ("04 Apr", "2016-04-04"),     # the last day (03-28) + 7: still the period's
    ("05 Apr", None),             # + 8 days: no year puts it within the period
    ("21 Feb", "2016-02-21"),     # the first day (02-28) - 7
    ("20 Feb", None),             # - 8 days
])
def test_a_date_without_a_year_takes_the_period_s_year_within_seven_days(written, expected):
    from titans_finance.core.dates import PERIOD_SLACK_DAYS, read_dates
    assert PERIOD_SLACK_DAYS == 7
    parsed = read_dates(pd.Series([written]), period=("2016-02-28", "2016-03-28"))
    got = parsed.values.dt.strftime("%Y-%m-%d").tolist()[0]
    assert (None if pd.isna(parsed.values.iloc[0]) else got) == expected
    assert bool(parsed.invalid.iloc[0]) is (expected is None)


def test_a_period_over_the_new_year_dates_each_side_by_its_own_year():
    from titans_finance.core.dates import read_dates
    parsed = read_dates(pd.Series(["20.12.", "05.01."]), day_first=True,
                        period=("2015-12-15", "2016-01-15"))
    assert parsed.values.dt.strftime("%Y-%m-%d").tolist() == ["2015-12-20", "2016-01-05"]


def test_a_period_of_several_years_dates_nothing_that_two_years_fit():
    from titans_finance.core.dates import read_dates
    parsed = read_dates(pd.Series(["01 Mar"]), period=("2014-01-01", "2016-12-31"))
    assert parsed.invalid.all()
    # without a period a year-less date stays no date
    assert read_dates(pd.Series(["01 Mar"])).invalid.all()


# -- East Asian dates: with a year ISO, without one a day and a month the period's year completes

@pytest.mark.parametrize("written, expected", [
    ("2024年4月30日", "2024-04-30"), ("2024年4月30", "2024-04-30"), ("2024년 4월 30일", "2024-04-30"),
    ("4月30日 2024", "2024-04-30"), ("12月1日 2024", "2024-12-01"),
    ("13月1日 2024", None), ("0月1日 2024", None),  # no 13th or 0th month
    ("4月30日", None),  # no year: no date without a period
])
def test_an_east_asian_date_reads_as_its_year_month_and_day(written, expected):
    from titans_finance.core.dates import read_dates
    parsed = read_dates(pd.Series([written]))
    got = None if pd.isna(parsed.values.iloc[0]) else parsed.values.iloc[0].strftime("%Y-%m-%d")
    assert got == expected


def test_an_east_asian_date_without_a_year_takes_the_period_s():
    from titans_finance.core.dates import read_dates
    parsed = read_dates(pd.Series(["4月30日", "5月1日", "3月1日"]), period=("2024-04-01", "2024-04-30"))
    assert parsed.values.dt.strftime("%Y-%m-%d").tolist()[:2] == ["2024-04-30", "2024-05-01"]
    assert parsed.invalid.tolist() == [False, False, True]  # 1 March: 31 days before the period


@pytest.mark.parametrize(("period", "written", "expected"), [
    # the slack after a period ending in late December reaches into January of the next year
    (("2015-12-01", "2015-12-28"), "03.01.", "2016-01-03"),
    (("2015-12-01", "2015-12-28"), "05.01.", None),           # 8 days after: no year fits
    # and before one starting early in January, into December of the year before
    (("2016-01-03", "2016-01-31"), "27.12.", "2015-12-27"),
    (("2016-01-03", "2016-01-31"), "26.12.", None),
])
def test_the_period_s_slack_dates_a_line_across_the_new_year(period, written, expected):
    from titans_finance.core.dates import read_dates
    parsed = read_dates(pd.Series([written]), day_first=True, period=period)
    got = None if pd.isna(parsed.values.iloc[0]) else parsed.values.iloc[0].strftime("%Y-%m-%d")
    assert got == expected


def test_a_date_without_a_year_keeps_the_file_s_day_order_and_its_separator():
    from titans_finance.core.dates import read_dates
    period = ("2016-03-01", "2016-04-30")
    for day_first, expected in ((True, "2016-03-04"), (False, "2016-04-03")):
        for written in ("4.3.", "4/3", "4-3"):
            parsed = read_dates(pd.Series([written]), day_first=day_first, period=period)
            assert parsed.values.iloc[0].strftime("%Y-%m-%d") == expected, written


@pytest.mark.parametrize("written", ["Zahlung 3 Mar 2016", "3 Mar 2016 Kasse", "Miete 3 Mrt 2016"])
def test_a_value_with_words_besides_a_month_is_no_date(written):
    # only a month's name is translated: any other word stays and the value reads as no date
    from titans_finance.core.dates import read_dates
    assert read_dates(pd.Series([written])).invalid.all()


@pytest.mark.parametrize("period, decided_by", [
    (("2026-01-01", "2026-03-31"), "period"),   # only day first puts 10 Jan-10 Mar in it
    (("2026-01-01", "2026-03-03"), "period"),   # 10 Mar is the last day + 7 (the slack)
    (("2026-01-01", "2026-03-02"), None),       # one day beyond: no order fits
    (("2026-01-01", "2026-12-31"), None),       # both orders fit: the period tells nothing
    (None, None),
])
def test_the_period_above_the_table_tells_the_day_month_order(period, decided_by):
    parsed = read_dates(pd.Series(["10.03.2026", "10.01.2026", "10.02.2026"]), period=period)
    assert (parsed.evidence["decided_by"] == "period") is (decided_by == "period")
    if decided_by == "period":
        assert parsed.day_first and not parsed.ambiguous
        assert parsed.values.dt.strftime("%m-%d").tolist() == ["03-10", "01-10", "02-10"]
    else:
        assert parsed.ambiguous


def _assembled_by_pandas(year, month, day):
    """What `_assemble` computed before it was written with numpy (session 19)."""
    frame = pd.DataFrame({"year": pd.to_numeric(year, errors="coerce"),
                          "month": pd.to_numeric(month, errors="coerce"),
                          "day": pd.to_numeric(day, errors="coerce")})
    frame["year"] = frame["year"].where(frame["year"].between(1678, 2261))
    return pd.to_datetime(frame, errors="coerce").astype("datetime64[ns]")


def test_assembled_dates_are_pandas_dates_on_every_boundary():
    # the years a datetime64[ns] holds (1678-2261) and one past each end, leap years of
    # each rule (1900 no, 2000 yes, 2024 yes, 2100 no), months 0-13, days 0-32, missing parts
    years = [1677, 1678, 1900, 1999, 2000, 2023, 2024, 2100, 2261, 2262, None]
    grid = [(y, m, d) for y in years for m in [*range(14), None] for d in [*range(33), None]]
    year = pd.Series([None if y is None else str(y) for y, _, _ in grid], dtype="str")
    month = pd.Series([None if m is None else f"{m:02d}" for _, m, _ in grid], dtype="str")
    day = pd.Series([None if d is None else str(d) for _, _, d in grid], dtype="str")
    assembled = _assemble(year, month, day)
    assert assembled.equals(_assembled_by_pandas(year, month, day))
    # 8 years held: 2000 and 2024 leap, 1678, 1900, 1999, 2023, 2100 and 2261 not
    assert assembled.notna().sum() == 6 * 365 + 2 * 366
    numeric_years = pd.to_numeric(year, errors="coerce")  # (as `_two_digit_year` gives them)
    assert _assemble(numeric_years, month, day).equals(
        _assembled_by_pandas(numeric_years, month, day))


@pytest.mark.parametrize("value, ambiguous", [
    ("6 lis 2024", True),          # a date with its month word: 'lis', October or November
    ("pon 6 lis 2024", True),      # two words and a number: still shaped like a date
    ("pon 6 lis roku", False),     # three words: a text, its words name no month
    ("Lis 6 razy w roku", False),  # a sentence (Promerica's notice under its table)
    ("lis", False),                # no number: no date
])
def test_month_words_are_read_only_in_values_shaped_like_a_date(value, ambiguous):
    found = read_dates(pd.Series(["03.11.2024", value])).evidence
    assert ("ambiguous_month_words" in found) is ambiguous
