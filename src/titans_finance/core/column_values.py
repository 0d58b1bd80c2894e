"""Column values as strings: cleaned once per distinct value, and spread back.

A million-row export has a few thousand distinct dates or amounts: every parser of
`amounts`, `dates` and the enums runs once per distinct value (`by_distinct_value`,
`distinct_values` / `spread_back`) and is vectorised over those.
"""

from __future__ import annotations

import functools
import html
import re

import numpy as np
import pandas as pd

from titans_finance.core.file_memo import remembered, values_key
from titans_finance.core.unicode_regex import str_call


def by_distinct_value(function):
    """Run an elementwise ``function`` of a string column once per distinct value.

    ``function(values, ...)`` must compute each row from that row's value alone; it then
    runs on the column's distinct values (a missing value is one of them) and its
    Series result (or each Series of a tuple) is spread back to every row. A
    million-row export has a handful of types, statuses and categories and a few
    hundred thousand descriptions: each is cleaned once, not once per row. Columns
    that are not strings (objects of mixed types may compare equal yet print
    differently: ``1`` and ``1.0``) are passed to ``function`` as they are.
    """

    @functools.wraps(function)
    def per_distinct(values: pd.Series, *args, **kwargs):
        if not isinstance(values.dtype, pd.StringDtype):
            return function(values, *args, **kwargs)
        codes, distinct = pd.factorize(values, use_na_sentinel=False)
        result = function(pd.Series(distinct, name=values.name), *args, **kwargs)

        def spread(part: pd.Series) -> pd.Series:
            return pd.Series(part.array.take(codes), index=values.index, name=part.name)

        return tuple(spread(part) for part in result) if isinstance(result, tuple) else (
            spread(result))

    return per_distinct


@by_distinct_value
def clean_strings(values: pd.Series) -> pd.Series:
    """Strip, collapse inner whitespace, and turn empty strings into missing values."""
    if not isinstance(values.dtype, pd.StringDtype):  # (not `by_distinct_value`'s 0..n-1)
        return _clean_strings(values)
    # one file asks for its columns cleaned again and again (`file_memo`)
    return remembered(values_key(values, "clean strings", values.name),
                      lambda: _clean_strings(values))


def _clean_strings(values: pd.Series) -> pd.Series:
    if len(values) > 1000 and pd.api.types.is_string_dtype(values) and not (
            values.str.len() > 0).any():
        # An absent optional column of a big export: nothing to clean (a pass, not ten).
        return pd.Series(np.nan, index=values.index, dtype="str")
    text = str_call(values.astype("str"), "replace", r"\s+", " ", regex=True).str.strip()
    return text.mask(values.isna() | (text == "") | (text.str.lower().isin(["nan", "none", "null"])))


# Character references exports leave in their text (``A&amp;A GAS``, ``Caf&#233;``).
HTML_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,30});")


def decode_entities(values: pd.Series) -> pd.Series:
    """HTML character references decoded (``A&amp;A GAS`` → ``A&A GAS``); other text as is.
    Only the values holding an ``&`` are looked at (once per distinct value)."""
    if not pd.api.types.is_string_dtype(values):
        return _decode_entities(values)
    ampersand = np.asarray(values.str.contains("&", regex=False, na=False), dtype=bool)
    if not ampersand.any():
        return values
    decoded = values.to_numpy(dtype=object, copy=True)
    decoded[ampersand] = _decode_entities(values[ampersand]).to_numpy(dtype=object)
    return pd.Series(decoded, index=values.index, dtype=values.dtype)


@by_distinct_value
def _decode_entities(values: pd.Series) -> pd.Series:
    text = values.astype("str")
    coded = np.asarray(text.str.contains(HTML_ENTITY, na=False), dtype=bool)
    if not coded.any():
        return values
    decoded = text.to_numpy(dtype=object, copy=True)
    decoded[coded] = [html.unescape(value) for value in decoded[coded]]
    return pd.Series(decoded, index=values.index, dtype=values.dtype).where(values.notna())


def _distinct(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(codes, distinct values): a column is parsed once per distinct value, then spread
    back with `_spread` (a million-row export has a few thousand distinct dates)."""
    if not isinstance(values.dtype, pd.StringDtype):
        values = values.astype("object")
    # (a string column is factorised as it is: the same codes and values, without first
    # making a million Python strings)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, pd.Series(np.asarray(uniques, dtype=object), dtype="object")


def _spread(values: pd.Series, codes: np.ndarray, missing, index: pd.Index) -> pd.Series:
    array = values.to_numpy()
    if array.dtype.kind == "M":
        missing = np.datetime64("NaT", "ns")
    array = np.append(array, np.array([missing], dtype=array.dtype))
    return pd.Series(array[codes], index=index)  # code -1 (missing) takes the last element
