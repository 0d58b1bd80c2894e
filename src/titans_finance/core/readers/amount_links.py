"""How the amount-like columns of a file relate to each other, read from their values.

Card and app exports write more than one column of numbers per line besides a running
balance: a gross and a net amount (the fee between them), the same amount twice (in the
original and the account's currency, when they are the same), or an original amount, an
exchange rate and the booked amount (``Originalbetrag × Umrechnungskurs = Buchungsbetrag``).
None of these is a running balance, and what links them is in the values:

- `exchange_rate_columns`: a column of positive numbers that multiplies one amount column
  into another on every line, within the rounding of the values as written, is an
  exchange rate — never a balance, never money;
- `same_money`: two amount columns that say the same money on every line (equal, or one
  the other less the fee) are one movement;
- `balance_before`, `balance_before_column`: a column that is the balance *before* each
  line (ASN's "saldo voor mutatie"): in time order (the dates say which way the file
  runs), the next line's value is this one's plus this line's amount, on every line;
  `before_and_after`: both balances on each line, linked to the cent within each line and
  from line to line, which tells the order as well.

Plain module (no Kedro); the caller (`column_roles`) passes the columns as numbers.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd

from titans_finance.core.readers.reconcile import CENT_TOLERANCE

# the last value of a cent: amounts written to the cent are rounded to half of it
_HALF_CENT = CENT_TOLERANCE
_DECIMALS = re.compile(r"[.,](\d+)\s*$")


def _half_unit(text: pd.Series) -> pd.Series:
    """Half of the last written decimal place of each value (``1,0834`` -> 0.00005)."""
    places = text.fillna("").astype("str").str.extract(_DECIMALS)[0].str.len().fillna(0)
    return 0.5 * 10.0 ** (-places.astype("float64"))


def exchange_rate_columns(numbers: dict[str, pd.Series], texts: dict[str, pd.Series]
                          ) -> dict[str, tuple[str, str]]:
    """Columns that are an exchange rate: ``{rate: (from_amount, to_amount)}``.

    ``rate`` is positive on every line and ``from × rate`` equals ``to`` on every line
    where the three are written (at least one; neither amount zero), within the rounding of the values as
    written: the cent of ``to`` plus ``|from|`` times half the last decimal of the rate.
    A column that could be the rate of two different pairs decides nothing."""
    found: dict[str, list[tuple[str, str]]] = {}
    for rate in numbers:
        r = numbers[rate]
        written_rate = r.notna()
        if not written_rate.any() or (r[written_rate] <= 0).any():
            continue
        ulp = _half_unit(texts[rate])
        for source, target in itertools.permutations([c for c in numbers if c != rate], 2):
            a, b = numbers[source], numbers[target]
            lines = written_rate & a.notna() & b.notna()
            if not lines.any() or not (lines == (written_rate | a.notna())).all():
                continue
            if ((a == 0) | (b == 0))[lines].any():  # any rate turns nothing into nothing
                continue
            error = (a * r - b).abs()[lines]
            if (error <= _HALF_CENT + a.abs()[lines] * ulp[lines] + 1e-9).all():
                found.setdefault(rate, []).append((source, target))
    rates = {rate: pairs[0] for rate, pairs in found.items()
             if len({frozenset(p) for p in pairs}) == 1}
    return _one_rate_per_product(rates, texts)


# money is written to the cent (or whole): a value with more decimal places is no money
_MONEY_PLACES = 2


def _finer_than_money(text: pd.Series) -> bool:
    """Whether some value is written with more than `_MONEY_PLACES` decimal places."""
    places = text.fillna("").astype("str").str.extract(_DECIMALS)[0].str.len()
    return bool(places.gt(_MONEY_PLACES).any())


def _one_rate_per_product(rates: dict[str, tuple[str, str]], texts: dict[str, pd.Series]
                          ) -> dict[str, tuple[str, str]]:
    """``from × rate = to`` reads the same with ``from`` and ``rate`` swapped, and a rate
    written to four places may miss ``to`` by more than its rounding while the amount, to
    the cent, times the rate does not (Wise: ``131.26 × 38.0925 = 5000.02`` for ``5000.0``):
    a "rate" written to the cent on every line whose ``from`` is written finer on some line
    is the amount, and ``from`` the rate. When both columns of one product are each a rate,
    the one written finer than money is; when that does not tell, neither is."""
    kept: dict[str, tuple[str, str]] = {}
    for rate, (source, target) in rates.items():
        if not _finer_than_money(texts[rate]) and _finer_than_money(texts[source]):
            rate, source = source, rate
        kept.setdefault(rate, (source, target))
    for rate, other in itertools.combinations(list(kept), 2):
        if {rate, *kept.get(rate, ())} != {other, *kept.get(other, ())}:
            continue
        finer = {c: _finer_than_money(texts[c]) for c in (rate, other)}
        for column in (rate, other):
            if not finer[column] or all(finer.values()):
                kept.pop(column, None)
    return kept


def same_money(candidates: list[str], numbers: dict[str, pd.Series], fee: pd.Series | None
               ) -> tuple[str, str, str] | None:
    """Two amount columns that say the same money on every line: ``(amount, other, why)``.

    One is the other less the fee column (Stripe's gross and net, PayPal's Bruto and
    Neto: the gross is the amount, the fee its fee), or, with no fee column, the two are
    equal (an amount and the same amount in the account's currency). Either reading
    moves the same money, so nothing is guessed; the other candidates must be none."""
    if len(candidates) != 2:
        return None
    first, second = (numbers[c] for c in candidates)
    fees = fee.abs().fillna(0.0) if fee is not None else pd.Series(0.0, index=first.index)
    if not (first.notna() == second.notna()).all() or not first.notna().any():
        return None
    written = first.notna()
    for gross, net, g, n in ((candidates[0], candidates[1], first, second),
                             (candidates[1], candidates[0], second, first)):
        if ((g - fees - n)[written].abs() < _HALF_CENT).all():
            why = (f"its values less the fee are {net!r} on every line (gross and net)"
                   if fee is not None and (fees[written] != 0).any() else
                   f"the same money as {net!r} on every line")
            return gross, net, why
    return None


def dates_run(dates: pd.Series | None) -> str | None:
    """``forward`` when the dates never go back and some day follows another, ``backward``
    the other way round (a file newest first), None when they say neither."""
    if dates is None:
        return None
    steps = dates.dropna().diff().dt.days.dropna()
    if not len(steps):
        return None
    if (steps >= 0).all() and (steps > 0).any():
        return "forward"
    if (steps <= 0).all() and (steps < 0).any():
        return "backward"
    return None


def _before_pairs(amount: np.ndarray, balance: np.ndarray, run: str,
                  group: np.ndarray | None = None) -> tuple[int, int]:
    """(pairs of consecutive lines with both balances and the amount, pairs that carry it
    to the cent) when ``balance`` is written before each line: in time order, the next
    line's balance is this one's plus this one's amount. Forward, time order is file
    order; backward (newest first) it is the reverse: each line's balance is the next
    line's plus the next line's amount."""
    moved = balance[1:] - balance[:-1] if run == "forward" else balance[:-1] - balance[1:]
    carried = amount[:-1] if run == "forward" else amount[1:]
    usable = ~(np.isnan(moved) | np.isnan(carried))
    if group is not None:
        usable &= group[:-1] == group[1:]
    return int(usable.sum()), int((usable & (np.abs(moved - carried) < _HALF_CENT)).sum())


def balance_before(candidates: list[str], numbers: dict[str, pd.Series],
                   dates: pd.Series | None) -> tuple[str, str, str] | None:
    """``(amount, balance, why)`` when exactly one pair of ``candidates`` is an amount and
    the balance written before it (ASN's "saldo voor mutatie"), to the cent on every pair of
    lines (at least two), in the time order the ``dates`` show (forward or newest first).
    Without dates that run one way it is never read: a balance before each line in one
    order is a running balance after each line in the other with every amount's sign
    turned, which nothing but the dates tells apart."""
    run = dates_run(dates)
    if run is None:
        return before_and_after(candidates, numbers)
    found = []
    for amount, balance in itertools.permutations(candidates, 2):
        pairs, carried = _before_pairs(numbers[amount].to_numpy(dtype="float64"),
                                       numbers[balance].to_numpy(dtype="float64"), run)
        if pairs >= 2 and carried == pairs:
            found.append((amount, balance, pairs))
    if len(found) != 1:
        return None
    amount, balance, pairs = found[0]
    return amount, balance, _before_why(balance, amount, pairs, run)


def before_and_after(candidates: list[str], numbers: dict[str, pd.Series]
                     ) -> tuple[str, str, str] | None:
    """``(amount, balance before, why)`` when a file writes both balances on each line (a
    Dutch bank's "saldo voor" and "saldo na"): on every line (at least two, no amount zero)
    the after column is the before column plus the amount, to the cent, and each line's
    before is the previous line's after — in file order or its reverse, which is the order
    it proves. The dates are not needed: the two balances link the lines themselves."""
    found = []
    for amount, before, after in itertools.permutations(candidates, 3):
        a, b, c = (numbers[x].to_numpy(dtype="float64") for x in (amount, before, after))
        if len(a) < 2 or np.isnan(a).any() or (a == 0).any():
            continue
        if not (np.abs(b + a - c) < _HALF_CENT).all():
            continue
        forward = (np.abs(b[1:] - c[:-1]) < _HALF_CENT).all()
        backward = (np.abs(b[:-1] - c[1:]) < _HALF_CENT).all()
        if forward != backward:
            found.append((amount, before, after, "file order" if forward else "newest first"))
    if len(found) != 1:
        return None
    amount, before, after, order = found[0]
    return amount, before, (f"{before!r} and {after!r} are the balance before and after each "
                            f"line: after = before + {amount!r} on all {len(numbers[amount])} "
                            f"lines, each line's before the previous one's after ({order})")


def balance_before_column(amount: pd.Series, numbers: dict[str, pd.Series],
                          dates: pd.Series | None, group: np.ndarray | None = None
                          ) -> tuple[str, str] | None:
    """``(balance, why)``: the one column of ``numbers`` that is the balance before each line
    of the (already read, signed) ``amount``, to the cent on every pair of lines (at least
    one), in the time order the ``dates`` show. The amount is decided already, so one pair
    proves the column a balance (a coincidence to the cent is one in thousands); a second
    column that fits as well decides nothing."""
    run = dates_run(dates)
    if run is None:
        return None
    values = amount.to_numpy(dtype="float64")
    found = []
    for column, balance in numbers.items():
        pairs, carried = _before_pairs(values, balance.to_numpy(dtype="float64"), run, group)
        if pairs >= 1 and carried == pairs:
            found.append((column, pairs))
    if len(found) != 1:
        return None
    column, pairs = found[0]
    return column, _before_why(column, str(amount.name or "the amount"), pairs, run)


def _before_why(balance: str, amount: str, pairs: int, run: str) -> str:
    order = "dates forward" if run == "forward" else "dates backward: newest first"
    return (f"{balance!r} is the balance before each line: the next line's in time is it "
            f"plus {amount!r} ({pairs} of {pairs} lines, {order})")
