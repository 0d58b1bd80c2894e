"""The last word on several columns of amounts before a CSV export is refused: the signs.

A transaction amount written with its sign is negative on some lines and positive on
others. When exactly one column of a file's amounts does that, and every other column of
numbers is a code or a count — whole numbers written without a decimal part, never negative
(Fio's ``Kód banky``, ``KS``, ``VS``: bank codes and payment symbols) — or the same money
without its sign (an amount rounded up to its absolute value), the signed column is the
transaction amount. Not when:

- the signed column runs as a balance over another column (its steps from line to line
  are that column's values: a balance crossing zero beside unsigned amounts, in whole
  yen or forints too, is no amount);
- another column holds money with cents (a balance, a fee, a second amount: which is
  the transaction's is then the balance's or the header's to say, or the user's);
- a debit/credit column gives the amounts their side (`column_roles` asks only without).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd

from titans_finance.core.column_values import clean_strings
from titans_finance.core.readers.mapping import unsure_amount_message
from titans_finance.core.readers.reconcile import CENT_TOLERANCE

# Two columns write the same money when their amounts differ by less than half a cent
SAME_MONEY_TOLERANCE = CENT_TOLERANCE


def _both_signs(values: pd.Series) -> bool:
    return bool((values < 0).any() and (values > 0).any())


def _same_money(a: pd.Series, b: pd.Series) -> bool:
    """Equal on every line (both empty counts as equal, one empty as different)."""
    written = a.notna() | b.notna()
    if not written.any() or (a.isna() != b.isna())[written].any():
        return False
    both = a.notna() & b.notna()
    return bool((np.abs(a[both] - b[both]) < SAME_MONEY_TOLERANCE).all())


def _runs_as_balance(balance: pd.Series, amounts: pd.Series) -> bool:
    """The balance's step between two lines is, on at least half the steps, the size of
    the amount of the later or of the earlier line (files run oldest or newest first)."""
    steps = balance.diff().abs()
    size = amounts.abs()
    counted = int(steps.notna().sum())
    if not counted:
        return False
    return any(int(((steps - near).abs() < SAME_MONEY_TOLERANCE).sum()) * 2 >= counted
               for near in (size, size.shift()))


def amount_by_sign(inference, candidates: list[str]) -> tuple[str, str] | None:
    """``(column, why)`` of the transaction amount when the signs decide (module
    docstring), else None. ``inference``: a `column_roles._RoleInference` (its sampled
    numbers and the evidence of each column)."""
    numbers = {c: inference.numbers(c) for c in candidates}
    signed = [c for c in candidates if _both_signs(numbers[c])]
    if len(signed) != 1:
        return None
    amount = signed[0]
    others = [c for c in candidates if c != amount]
    for other in others:
        twin = _same_money(numbers[amount].abs(), numbers[other])
        code = (inference.evidence[other].get("integers_only")
                and not (numbers[other] < 0).any())
        if not (twin or code) or _runs_as_balance(numbers[amount], numbers[other]):
            return None
    return amount, (f"the only column of amounts with both signs; {', '.join(map(repr, others))}"
                    " whole numbers never negative (codes, counts) or its size without sign")


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
