"""Regular expressions over text columns with Python's (Unicode) meaning of ``\\w``,
``\\W``, ``\\b``, ``\\B``, ``\\s`` and ``\\S``, whatever the column's string dtype.

pandas runs most `Series.str` regexes of its arrow-backed string dtype (``str``, the
default of pandas 3) on RE2, whose classes are ASCII only: ``\\w`` matches no ``é``, ``ж``,
``α``, ``中`` or ``か``, ``\\b`` never stands before them and ``\\s`` misses no-break and
ideographic spaces, so ``Déc. 12, 2023`` is no month-first date and ``Кафе`` holds no word
``\\bкафе\\b`` — silently. (Patterns with look-arounds, compiled patterns given to
``replace`` and the ``extract`` / ``findall`` / ``split`` methods run on Python's engine
already, and agree.)

On text that is all ASCII both engines agree: those rows keep RE2's vectorised pass, and
only the distinct values holding other characters go through Python's engine, so an
export in English costs one more ``string_is_ascii`` pass, no more.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# A class escape RE2 reads as ASCII only (not one escaped itself: ``\\\\w`` is a
# backslash and a w).
_ASCII_ONLY_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\[wWbBsS]")


def _reads_ascii_only(pattern: str | re.Pattern) -> bool:
    text = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    return isinstance(text, str) and bool(_ASCII_ONLY_ESCAPE.search(text))


def _other_characters(text: pd.Series) -> np.ndarray | None:
    """Rows (bool array) holding a character outside ASCII when RE2 would read ``text``;
    None when pandas runs Python's engine on it anyway."""
    if not (isinstance(text.dtype, pd.StringDtype) and text.dtype.storage == "pyarrow"):
        return None
    chunks = pa.chunked_array(text.array._pa_array)
    ascii_only = pc.fill_null(pc.string_is_ascii(chunks), True)
    return ~ascii_only.to_numpy(zero_copy_only=False)


def str_call(text: pd.Series, method: str, pattern: str | re.Pattern,
             *args: Any, **kwargs: Any) -> pd.Series:
    """``text.str.<method>(pattern, *args, **kwargs)`` (``contains``, ``match``,
    ``fullmatch``, ``count``, ``replace``) as Python's ``re`` reads ``pattern`` on every
    row, also on an arrow-backed column whose rows hold other scripts than ASCII."""
    result = getattr(text.str, method)(pattern, *args, **kwargs)
    if not _reads_ascii_only(pattern):
        return result
    other = _other_characters(text)
    if other is None or not other.any():
        return result
    # (once per distinct value: descriptions repeat)
    codes, distinct = pd.factorize(text[other])
    python = getattr(pd.Series(distinct, dtype=object).str, method)(pattern, *args, **kwargs)
    result = result.copy()
    result[other] = python.to_numpy()[codes]
    return result
