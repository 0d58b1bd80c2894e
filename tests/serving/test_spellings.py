"""A request's amount and date spellings are each read as the ingestion's parsers read a single
value, whatever else is in the same call (serving/spellings.py)."""

import datetime as dt

import pandas as pd

from tests.serving.test_schemas import AMOUNTS
from titans_finance.core.normalise import parse_amounts
from titans_finance.serving.spellings import (
    Unreadable,
    iso_day,
    parse_amount_spellings,
    parse_date_spellings_with_pandas,
)


def test_a_batch_of_new_spellings_reads_each_amount_by_itself():
    """Found by `make mutation` (its clean run ordered the tests differently): with a cold
    spelling cache, a batch's amounts were read as one column, so `-34,12` beside `£34.12`
    was refused. Each spelling must read as it does alone, whatever else is in the batch."""
    spellings = [*AMOUNTS, "1,200", "1.200", "-1.234.567", "12,50 EUR", "$-12", "1'234.50",
                 "lots", "1,2,3"]
    batch = parse_amount_spellings(spellings)
    for spelling, value in zip(spellings, batch, strict=True):
        alone, invalid = parse_amounts(pd.Series([spelling]))
        if invalid.iloc[0]:
            assert not isinstance(value, float), spelling
        else:
            assert value == alone.iloc[0], spelling


def test_plain_iso_dates_are_read_as_the_date_parser_reads_them():
    """The ISO fast path of the date spellings (no pandas) gives what `parse_dates` gives:
    on every day of a leap year and a common one, the calendar's edges (29 February, day
    and month 0 and 31/32, month 13) and the years a datetime64[ns] holds (1678-2261) and
    just outside; what it does not read is left to the parser."""
    days = [dt.date(2023, 1, 1) + dt.timedelta(days=k) for k in range(731)]
    spellings = [d.isoformat() for d in days] + [
        "2023-02-29", "2024-02-29", "2100-02-29", "2000-02-29", "2024-00-10", "2024-01-00",
        "2024-01-31", "2024-01-32", "2024-04-31", "2024-13-01", "1677-12-31", "1678-01-01",
        "2261-12-31", "2262-01-01", "1600-01-01", "0999-01-01", "2024-1-05", "20240105",
        "2024-01-05T10:00", "2024/01/05", " 2024-01-05", "２０２４-01-05"]
    expected = parse_date_spellings_with_pandas(spellings)
    read = 0
    for spelling, parsed in zip(spellings, expected, strict=True):
        fast = iso_day(spelling)
        if fast is not None:
            read += 1
            assert fast == parsed, spelling
        elif not isinstance(parsed, Unreadable):  # left to the parser: not plain ISO
            assert not (len(spelling) == 10 and spelling[4] == "-" and spelling[:4].isascii()
                        and 1678 <= int(spelling[:4]) <= 2261), spelling
    # every calendar day, again 2024-02-29 and 2024-01-31, 2000-02-29 and the two edge years
    assert read == 731 + 5
