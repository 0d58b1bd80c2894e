"""Proof of a reading by its balances: do the amounts read carry the balance?

A running balance column (CSV) must move, from one line to the next, by exactly the
amount of the line; a statement (OFX, CAMT, MT940) must close at its opening balance
plus the sum of its amounts. A reading whose amounts do this is *proven*; one whose
amounts do not is *contradicted* (reported, never published as fine); a file without
balances cannot be checked (*not possible*). Where several readings of a file are
possible (which value of a debit/credit column is money out, which column is the
balance), the balance decides: `best_reading` ranks them.

All checks are vectorised over the rows (numpy): a million-row file costs a few
array passes. Plain module (no Kedro).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

# A difference below half a cent is rounding of the written values (a balance written
# with two decimals after amounts with four); a difference of one cent or more is money
# that the reading does not account for. A rule, not a tunable: money is in cents.
CENT_TOLERANCE = 0.005

PROVEN, CONTRADICTED, NOT_POSSIBLE = "proven", "contradicted", "not possible"


@dataclass(frozen=True)
class ChainFit:
    """How well amounts carry a running balance, in the better of the two row orders."""

    order: str  # "oldest first" (each line's balance = previous + its amount) or "newest first"
    steps: int  # consecutive line pairs with an amount and both balances
    reconciled: int  # of them, the pairs the amount carries within `CENT_TOLERANCE`
    # position (0-based, in the rows given) of the first pair that fails: its failing line is
    # the next one (oldest first) or this one (newest first)
    first_break: int | None

    @property
    def status(self) -> str:
        if self.steps == 0:
            return NOT_POSSIBLE
        return PROVEN if self.reconciled == self.steps else CONTRADICTED


def _fit(amount: np.ndarray, balance: np.ndarray, group: np.ndarray | None,
         newest_first: bool) -> tuple[int, int, int | None]:
    if len(amount) < 2:
        return 0, 0, None
    prev_bal, next_bal = balance[:-1], balance[1:]
    # oldest first: next = prev + amount(next); newest first: prev = next + amount(prev)
    moved = (prev_bal - next_bal) if newest_first else (next_bal - prev_bal)
    carried = amount[:-1] if newest_first else amount[1:]
    usable = ~(np.isnan(prev_bal) | np.isnan(next_bal) | np.isnan(carried))
    if group is not None:
        usable &= group[:-1] == group[1:]
    ok = usable & (np.abs(moved - carried) < CENT_TOLERANCE)
    broken = np.flatnonzero(usable & ~ok)
    return int(usable.sum()), int(ok.sum()), (int(broken[0]) if len(broken) else None)


def chain_fit(amount: pd.Series | np.ndarray, balance: pd.Series | np.ndarray,
              group: pd.Series | np.ndarray | None = None) -> ChainFit:
    """Check a running balance in file order, both ways (exports are oldest-first or
    newest-first); ``group`` (e.g. the account) keeps pairs within one account. The order
    that reconciles more pairs is the file's order (oldest first on a tie)."""
    a = np.asarray(amount, dtype="float64")
    b = np.asarray(balance, dtype="float64")
    g, position = None, None
    if group is not None:  # each account's lines in file order, one account after another
        g = pd.factorize(pd.Series(np.asarray(group)))[0]
        position = np.argsort(g, kind="stable")
        a, b, g = a[position], b[position], g[position]
    fits = {order: _fit(a, b, g, order == "newest first")
            for order in ("oldest first", "newest first")}
    order = max(fits, key=lambda o: (fits[o][1], o == "oldest first"))
    steps, reconciled, first_break = fits[order]
    if position is not None and first_break is not None:
        # back to file positions: the pair's line that fails, then one before it
        failing = position[first_break + (1 if order == "oldest first" else 0)]
        first_break = int(failing) - (1 if order == "oldest first" else 0)
    return ChainFit(order, steps, reconciled, first_break)


def _keys(block: np.ndarray, cents: np.ndarray) -> np.ndarray:
    return pd.util.hash_pandas_object(pd.DataFrame({"block": block, "cents": cents}),
                                      index=False).to_numpy()


def day_fit(amount: pd.Series | np.ndarray, balance: pd.Series | np.ndarray,
            day: pd.Series | np.ndarray, group: pd.Series | np.ndarray | None = None
            ) -> ChainFit:
    """The balance check when lines of one day may be written in any order (many banks
    sort a day's lines by reference, not by booking): a line reconciles when the balance
    before it (its balance minus its amount) is, to the cent, the balance after a line of
    its account on the same day or on the account's previous day with lines. Each
    account's first line has nothing before it and is not checked. Vectorised (hashed
    keys, no join): a million lines in about a second."""
    a = np.asarray(amount, dtype="float64")
    b = np.asarray(balance, dtype="float64")
    d = pd.to_datetime(pd.Series(np.asarray(day))).to_numpy()
    g = (np.zeros(len(a), dtype="int64") if group is None
         else pd.factorize(pd.Series(np.asarray(group)))[0])
    valid = ~(np.isnan(a) | np.isnan(b) | pd.isna(d))
    position = np.flatnonzero(valid)
    if len(position) < 2:
        return ChainFit("lines of one day in any order", 0, 0, None)
    lines = pd.DataFrame({"g": g[valid], "day": d[valid]})
    block = lines.groupby(["g", "day"], sort=True).ngroup().to_numpy()  # (account, day) in order
    first_block = lines.assign(block=block).groupby("g")["block"].transform("min").to_numpy()
    previous = np.where(block > first_block, block - 1, -1)
    after = np.round(b[valid] * 100).astype("int64")
    before = np.round((b[valid] - a[valid]) * 100).astype("int64")
    targets = pd.Series(_keys(block, after))
    # (pandas' hash table: numpy's isin sorts or rehashes both sides, seconds on a million)
    ok = pd.Series(_keys(block, before)).isin(targets).to_numpy() | (
        (previous >= 0) & pd.Series(_keys(previous, before)).isin(targets).to_numpy())
    steps = len(position) - int(pd.unique(g[valid]).size)
    reconciled = min(int(ok.sum()), steps)
    broken = position[~ok & (previous >= 0)]
    if broken.size == 0 and steps > reconciled:  # more than one line of a first day unexplained
        broken = position[~ok][1:]
    first_break = int(broken.min()) if broken.size else None
    return ChainFit("lines of one day in any order", steps, reconciled, first_break)


def chain_in_any_order(amount: pd.Series | np.ndarray, balance: pd.Series | np.ndarray,
                       group: pd.Series | np.ndarray | None = None) -> ChainFit:
    """The balance check when the lines are listed in another order than the balance ran in
    (an app listing lines by completion while its balance moved as they started, across
    days): they reconcile when, in each account, they form **one chain** — each line's
    balance before it (its balance minus its amount) is, to the cent, the balance after
    exactly one other line, no balance after is written twice, and the links from the one
    line with nothing before it reach every line. Anything less proves nothing here (0
    reconciled): a balance written twice, two lines after one, two starts (a gap)."""
    a = np.asarray(amount, dtype="float64")
    b = np.asarray(balance, dtype="float64")
    g = (np.zeros(len(a), dtype="int64") if group is None
         else pd.factorize(pd.Series(np.asarray(group)))[0])
    valid = ~(np.isnan(a) | np.isnan(b))
    steps = int(valid.sum()) - int(pd.unique(g[valid]).size)
    order = "one balance chain, lines in any order"
    if steps < 1:
        return ChainFit(order, 0, 0, None)
    for account in pd.unique(g[valid]):
        lines = np.flatnonzero(valid & (g == account))
        after = pd.Index(np.round(b[lines] * 100).astype("int64"))
        if not after.is_unique:
            return ChainFit(order, steps, 0, int(lines[0]))
        before = after.get_indexer(np.round((b[lines] - a[lines]) * 100).astype("int64"))
        linked = before[before >= 0]
        if (before < 0).sum() != 1 or len(np.unique(linked)) != len(linked):
            return ChainFit(order, steps, 0, int(lines[0]))
        follows = np.full(len(lines), -1)
        follows[linked] = np.flatnonzero(before >= 0)
        at, seen = int(np.flatnonzero(before < 0)[0]), 1
        while follows[at] >= 0 and seen <= len(lines):
            at, seen = int(follows[at]), seen + 1
        if seen != len(lines):  # a loop of lines apart from the chain
            return ChainFit(order, steps, 0, int(lines[0]))
    return ChainFit(order, steps, steps, None)


def best_reading(readings: dict[str, tuple[np.ndarray, np.ndarray]],
                 group: pd.Series | np.ndarray | None = None
                 ) -> tuple[str | None, dict[str, ChainFit]]:
    """The reading (name -> (signed amounts, balances)) whose balance chain (per ``group``)
    reconciles the most pairs, and every reading's fit. None when no reading reconciles a
    pair or two readings reconcile equally many (the balance cannot decide between them)."""
    fits = {name: chain_fit(amount, balance, group)
            for name, (amount, balance) in readings.items()}
    ranked = sorted(fits, key=lambda name: fits[name].reconciled, reverse=True)
    if not ranked or fits[ranked[0]].reconciled == 0:
        return None, fits
    if len(ranked) > 1 and fits[ranked[1]].reconciled == fits[ranked[0]].reconciled:
        return None, fits
    return ranked[0], fits



def reading_every_line(fits: dict[str, ChainFit], amounts: dict[str, np.ndarray]) -> str | None:
    """Of the readings the balance proves equally well (`best_reading` saw a tie), the only
    one that gives every line an amount: a column blank on the other side's lines reconciles
    only the lines it reads (one side of an in/out pair), the pair reads them all. None when
    not exactly one does."""
    if not fits:
        return None
    top = max(fit.reconciled for fit in fits.values())
    tied = [name for name, fit in fits.items() if top and fit.reconciled == top]
    whole = [name for name in tied if not np.isnan(amounts[name]).any()]  # (float arrays)
    return whole[0] if len(tied) > 1 and len(whole) == 1 else None

def running_balance_report(amount: pd.Series, balance: pd.Series,
                           group: pd.Series | None = None,
                           rows: pd.Series | None = None,
                           day: pd.Series | None = None) -> dict[str, Any]:
    """The reconciliation of a file's running balance, for the reading report.

    ``rows`` names each line (the source row) for the first break; with ``day`` (each line's
    date), a file whose lines of one day are out of order is checked by `day_fit`. When the
    reading is
    contradicted, the same check with every amount negated says whether the balance
    moves the other way (a card account whose balance counts what is owed, or a sign
    read wrong).
    """
    fit = chain_fit(amount, balance, group)
    if day is not None and fit.status == CONTRADICTED:
        by_day = day_fit(amount, balance, day, group)
        if by_day.reconciled > fit.reconciled:
            fit = by_day
    if fit.status == CONTRADICTED:
        chained = chain_in_any_order(amount, balance, group)
        if chained.reconciled > fit.reconciled:
            fit = chained
    report: dict[str, Any] = {"status": fit.status, "source": "running balance",
                              "steps_checked": fit.steps, "steps_reconciled": fit.reconciled}
    if fit.steps:
        report["row_order"] = fit.order
    if fit.status == CONTRADICTED:
        where = fit.first_break + (1 if fit.order == "oldest first" else 0)
        if fit.order.startswith("lines of one day"):
            where = fit.first_break  # the line whose balance before is nowhere
        report["first_break_row"] = (int(rows.iloc[where]) if rows is not None
                                     else where + 1)
        negated = chain_fit(-np.asarray(amount, dtype="float64"), balance, group)
        if day is not None:
            negated = max(negated, day_fit(-np.asarray(amount, dtype="float64"), balance, day,
                                           group), key=lambda f: f.reconciled)
        report["negated_amounts_reconcile"] = negated.reconciled
        if negated.reconciled > fit.reconciled:
            report["explanation"] = (
                "the balance moves against the amounts: either the balance counts what is "
                "owed (a card account) or the sign is read wrong; declare `sign: negate` "
                "if the amounts are written from the bank's side")
        else:
            report["explanation"] = (
                "lines are missing between the breaks (a partial export) or amounts are read "
                "wrong; the report names the first line whose amount does not carry the balance")
    return report


def balance_value(written: Any, debit: bool = False) -> float | None:
    """A statement balance as a number (``-`` when ``debit``), None when not written or
    not a number (the statement then cannot be checked, it is not refused)."""
    try:
        value = float(str(written).strip().replace(",", "."))
    except ValueError:
        return None
    return -abs(value) if debit else value


def statement_report(amount: pd.Series, statements: list[dict[str, Any]]) -> dict[str, Any]:
    """Opening + sum of amounts == closing, for each statement of the file.

    ``statements`` lists, in file order, ``{"rows": n, "opening": x, "closing": y}``
    (``opening``/``closing`` None when the statement does not write them); the
    statement's lines are the next ``n`` rows of ``amount``.
    """
    values = np.asarray(amount, dtype="float64")
    checked, reconciled, first_break, start = 0, 0, None, 0
    details = []
    for number, statement in enumerate(statements, start=1):
        n = int(statement.get("rows") or 0)
        part = values[start:start + n]
        start += n
        opening, closing = statement.get("opening"), statement.get("closing")
        if opening is None or closing is None or np.isnan(part).any():
            continue
        difference = float(opening) + float(part.sum()) - float(closing)
        ok = abs(difference) < CENT_TOLERANCE
        checked += 1
        reconciled += int(ok)
        if not ok and first_break is None:
            first_break = number
            details.append({"statement": number, "opening": float(opening),
                            "closing": float(closing), "sum_of_amounts": round(float(part.sum()), 6),
                            "difference": round(difference, 6)})
    status = NOT_POSSIBLE if checked == 0 else PROVEN if reconciled == checked else CONTRADICTED
    report: dict[str, Any] = {"status": status, "source": "statement balances",
                              "statements_checked": checked, "statements_reconciled": reconciled}
    if details:
        report["first_break"] = details[0]
    if checked == 0:
        report["reason"] = ("no statement writes both an opening and a closing balance"
                            if statements else "no statement balances")
    return report
