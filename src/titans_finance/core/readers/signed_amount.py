"""The last word on several columns of amounts before a CSV export is refused: the signs.

A transaction amount written with its sign is negative on some lines and positive on
others. When exactly one column of a file's amounts does that (or several do and write the
same money on every line: T-Bank's ``Сумма операции`` beside ``Сумма платежа``) and every
other column of numbers is never negative, those others are no signed money of the line:
bank codes and payment symbols (Fio's ``Kód banky``, ``KS``, ``VS``), merchant category
codes, bonus points, an amount rounded up to its absolute value. The signed column is then
the transaction amount. A column negative on every line (money out written negative) is
no such proof, nor is a second signed column writing other money (a balance, a fee).

Also the refusal's message when even the signs do not decide (`mapping.unsure_amount_message`).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd

from titans_finance.core.column_values import clean_strings
from titans_finance.core.readers.mapping import unsure_amount_message

# Two columns write the same money when their amounts differ by less than half a cent
SAME_MONEY_TOLERANCE = 0.005


def _both_signs(values: pd.Series) -> bool:
    return bool((values < 0).any() and (values > 0).any())


def _same_money(a: pd.Series, b: pd.Series) -> bool:
    """Equal on every line (both empty counts as equal, one empty as different)."""
    written = a.notna() | b.notna()
    if not written.any() or (a.isna() != b.isna())[written].any():
        return False
    both = a.notna() & b.notna()
    return bool((np.abs(a[both] - b[both]) < SAME_MONEY_TOLERANCE).all())


def amount_by_sign(candidates: list[str], numbers: dict[str, pd.Series]
                   ) -> tuple[str, str] | None:
    """``(column, why)`` of the transaction amount when the signs decide (module
    docstring), else None. ``numbers``: each candidate's sampled values as numbers."""
    signed = [c for c in candidates if _both_signs(numbers[c])]
    if not signed or len(signed) == len(candidates):
        return None
    if any((numbers[c] < 0).any() for c in candidates if c not in signed):
        return None
    if not all(_same_money(numbers[signed[0]], numbers[c]) for c in signed[1:]):
        return None
    others = [c for c in candidates if c not in signed]
    twice = f" (the same money as {', '.join(map(repr, signed[1:]))})" if signed[1:] else ""
    return signed[0], (f"the only column of amounts with both signs{twice}; "
                       f"{', '.join(map(repr, others))} never negative: codes or counts")


def unsure_amounts(name: str, sample: pd.DataFrame, candidates: list[str],
                   readings: dict[str, Any], rates: dict[str, Any] | None) -> str:
    """The message refusing a file whose money columns nothing decides: two columns never
    filled on one line (money in and out, but which is which?) or an exchange rate linking
    two of them are named in it."""
    split = next((k.split("|")[1:3] for k in readings if k.startswith("split|")), None)
    if split is None:
        split = next(([a, b] for a, b in itertools.combinations(candidates, 2)
                      if not (clean_strings(sample[a]).notna()
                              & clean_strings(sample[b]).notna()).any()), None)
    converted = next(((r, pair) for r, pair in (rates or {}).items()), None)
    return unsure_amount_message(
        name, {c: clean_strings(sample[c]).dropna() for c in candidates}, split, converted)
