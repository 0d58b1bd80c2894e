"""The rolling history's parts (core/rolling_parts.py): a remembered row's values as the
walk keeps them, compared with what the faster conversion replaced."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from titans_finance.core.rolling_parts import _untracked


@pytest.mark.parametrize("dates", [
    ["2024-03-01", "2024-03-01 23:59:59.999999999", "1969-12-31 23:59:59.999999999",
     "1900-01-01 10:00:00.123456789", "2262-01-01", "1677-09-22 00:00:01"],
    ["2024-03-01"] * 3,
    ["2024-03-01", None],  # NaT: pandas' conversion, as before
])
@pytest.mark.filterwarnings("ignore:Discarding nonzero nanoseconds")
def test_remembered_dates_are_the_datetimes_pandas_gave(dates):
    column = pd.Series(pd.to_datetime(dates, format="ISO8601"))
    fast, slow = _untracked(column), list(column.dt.to_pydatetime())
    assert [type(v) for v in fast] == [type(v) for v in slow]
    assert [v if v == v else None for v in fast] == [v if v == v else None for v in slow]


def test_other_columns_are_their_values_and_time_zones_keep_pandas_conversion():
    zoned = pd.Series(pd.to_datetime(["2024-03-01 23:30"]).tz_localize("Europe/Prague"))
    assert _untracked(zoned) == list(zoned.dt.to_pydatetime())
    text = pd.Series(["a", None, "b"], dtype="str")
    assert _untracked(text)[0::2] == ["a", "b"] and np.isnan(_untracked(text)[1])
