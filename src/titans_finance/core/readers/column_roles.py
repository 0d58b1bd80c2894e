"""Column roles read from the values: what each column of a CSV export *holds*.

Header words are one piece of evidence (they name a role in some language) and never
the gate: every column is also read for what its values are, on a sample of rows —
its parse rate as a date (and in which day/month order), as an amount (decimal mark,
whether a sign is written), whether it holds two or three short tokens (a direction
indicator: ``D/C``, ``DR/CR``, ``Af/Bij``, ``S/H``, ``+/-``, or a 0/1 flag), an IBAN,
an ISO currency code, or free text. From that evidence:

- a header role the values contradict is dropped (a 0/1 ``Expense`` flag is no
  "Money Out" amount: when the amounts carry no sign it is their direction);
- roles the header did not name are filled from the values (a file without a header
  is read by the values alone: `csv_rows.locate_table` finds where its rows start);
- the balance decides what the values alone cannot (which column is the running
  balance, which token of a debit/credit column is money out): see `reconcile`, and
  `column_direction` for the direction of unsigned amounts;
- what nothing decides stops the file with a message saying what was unsure and the
  mapping lines that settle it: money is never guessed.

Everything is measured on the first `SAMPLE_ROWS` rows and vectorised per column.
"""

from __future__ import annotations

import itertools
from pathlib import PurePath
from typing import Any

import numpy as np
import pandas as pd

from titans_finance.core.amounts import read_amounts
from titans_finance.core.column_values import clean_strings
from titans_finance.core.dates import read_dates
from titans_finance.core.readers.amount_links import (
    balance_before,
    balance_before_column,
    same_money,
)
from titans_finance.core.readers.amount_words import (
    _sided_twin,
    decide_by_signs_and_words,
    money_written,
)
from titans_finance.core.readers.balance_proof import moves_without_amount
from titans_finance.core.readers.base import PARSE_ERROR_COLUMN
from titans_finance.core.readers.column_reading import Reading
from titans_finance.core.readers.csv_rows import value_kinds
from titans_finance.core.readers.column_direction import (  # noqa: F401 (named here too)
    COMPLEMENT_MARK_LENGTH,
    DirectionReading,
    _signed_readings,
)
from titans_finance.core.readers.column_evidence import (
    PARSE_RATE,
    column_evidence,
    direction_signs,
    is_amount_column,
    is_date_column,
)
from titans_finance.core.readers.mapping import (  # noqa: F401 (the reader's errors)
    UnsureReading,
    mapping_lines,
    unsure_amount_message,
)
from titans_finance.core.readers.fee_columns import FeeColumns
from titans_finance.core.readers.moneyless_columns import MoneylessColumns
from titans_finance.core.readers.reconcile import best_reading, chain_fit, reading_every_line
from titans_finance.core.readers.role_values import RoleValues
from titans_finance.core.readers.shifted_header import ShiftedHeader
from titans_finance.core.readers.signed_amount import amount_by_sign, unsure_amounts

SAMPLE_ROWS = 2000
# A running balance: at least this share of consecutive line pairs reconcile (a partial
# export breaks the chain where lines are missing; a column that is no balance reconciles
# none).
BALANCE_RATE = 0.5
AMOUNT_ROLES = ("Amount", "Money In", "Money Out", "Balance")


# --------------------------------------------------------------------------- roles

class _RoleInference(DirectionReading, RoleValues, MoneylessColumns, ShiftedHeader,
                     FeeColumns):
    def __init__(self, sample: pd.DataFrame, roles: dict[str, list[str]], declared: set[str],
                 decimal_hint: str, name: str, direction_values: dict[str, float] | None,
                 headerless: bool = False):
        self.sample = sample
        self.headerless = headerless
        self.roles = {r: list(c) for r, c in roles.items()}
        self.declared = declared
        self.name = PurePath(name).name
        self.decimal_hint = decimal_hint
        self.declared_direction = direction_values
        self.evidence = {str(c): column_evidence(sample[c], decimal_hint) for c in sample.columns}
        self.notes: list[str] = []
        self.direction: dict[str, Any] | None = None
        self.unsigned_sign: float | None = None
        self.balance_before = False  # the balance column is written before each line
        # header roles whose column no sampled line fills, set aside for the values
        self.unfilled: dict[str, str] = {}
        self.why: dict[str, str] = {}
        # columns named Money In/Out whose values are 0/1 flags: the side their 1 means
        self.flag_sides: dict[str, float] = {}
        self._numbers: dict[tuple, pd.Series] = {}
        # columns of exchange rates between two amount columns: rate -> (from, to)
        self.rates: dict[str, tuple[str, str]] | None = None

    # helpers
    def assigned(self) -> set[str]:
        return {c for cols in self.roles.values() for c in cols}

    def free(self) -> list[str]:
        taken = self.assigned()
        return [c for c in self.sample.columns if c not in taken]

    def numbers(self, column: str) -> pd.Series:
        """The sampled column as numbers, under the decimal mark of the file's amount
        columns so far (the normaliser decides one mark for all of them)."""
        stacked = tuple(c for r in AMOUNT_ROLES for c in self.roles.get(r, []))
        key = (column, stacked)
        if key not in self._numbers:
            mark = None
            if stacked:
                mark = read_amounts(pd.concat([self.sample[c] for c in stacked],
                                              ignore_index=True),
                                    decimal_hint=self.decimal_hint).decimal_mark
            self._numbers[key] = read_amounts(self.sample[column], decimal=mark,
                                              decimal_hint=self.decimal_hint).values
        return self._numbers[key]

    def assign(self, role: str, column: str, why: str) -> None:
        self.roles.setdefault(role, []).append(column)
        self.why[column] = why

    # steps
    def check_header_roles(self) -> None:
        for role in ("Amount", "Balance"):
            # a header naming a column no sampled line fills (rows written shorter than the
            # header: the money stands under another name): the values decide instead
            for column in list(self.roles.get(role, [])):
                if role not in self.declared and len(self.sample) and (
                        self.evidence[column].get("values", 0) == 0
                        or role == "Amount" and self.partial_amount(column)):
                    self.roles[role].remove(column)
                    self.unfilled[role] = column
            if role in self.roles and not self.roles[role]:
                self.roles.pop(role)
        for role in AMOUNT_ROLES:
            for column in list(self.roles.get(role, [])):
                e = self.evidence[column]
                if role in self.declared:
                    continue
                shown = " / ".join(sorted(clean_strings(self.sample[column]).dropna().unique()))
                if self._no_money_column(role, column):
                    # not one value is money ("USD" on every line): the values decide (an
                    # amount comes back when no other column is one: lines quarantined)
                    self.roles[role].remove(column)
                    if role in ("Amount", "Balance"):
                        self.unfilled.setdefault(role, column)
                    self.notes.append(f"column {column!r}: the header says {role} but none "
                                      f"of its values is an amount ({shown[:60]})")
                    continue
                if not e.get("flag"):
                    continue
                self.roles[role].remove(column)
                self.notes.append(f"column {column!r}: the header says {role} but its values are "
                                  f"flags ({shown}), not money")
                if role in ("Money In", "Money Out"):
                    self.flag_sides[column] = -1.0 if role == "Money Out" else 1.0
            if not self.roles.get(role):
                self.roles.pop(role, None)

    def _no_money_column(self, role: str, column: str) -> bool:
        """A header-named money column with no amount among its values; one side of a pair
        only when the other signs every value (``0.80Dr``), which becomes the Amount (else
        the lines stay quarantined: a side read as all money in could be money out)."""
        e, side = self.evidence[column], "Money Out" if role == "Money In" else "Money In"
        if not e.get("values", 0) or e.get("amount_rate") or e.get("flag"):
            return False
        if role not in ("Money In", "Money Out") or self.move_to_namesake(role, column):
            return True
        other = self.roles.get(side, [])
        if len(other) != 1 or self.evidence[other[0]].get("signed_rate", 0) < 1.0:
            return False
        self.roles.pop(side)
        self.assign("Amount", other[0], f"the header says money in/out, but {column!r} holds "
                    "no amount and this column signs every value itself")
        return True

    def settle_unfilled(self) -> None:
        """A header role set aside because no line fills its column: another column took
        it from the values (noted), or it comes back (a file of lines without amounts is
        quarantined line by line, not refused)."""
        for role, column in self.unfilled.items():
            if role in self.roles:
                self.notes.append(f"column {column!r}: the header says {role} but " + (
                    "no line fills it with money" if self.holds_no_money(column) else
                    "a column named so too fills more lines with an amount" if self.evidence[
                        column].get("values") else "no line fills it with an amount")
                                  + f"; the values say {self.roles[role][0]!r} is")
            elif not self.side_pair_holds_the_money(role, column):
                self.roles[role] = [column]

    def fill_dates(self) -> None:
        if "Date" in self.roles:
            return
        dated = [c for c in self.free() if is_date_column(self.evidence[c])]
        if dated:
            self.assign("Date", dated[0], "values parse as dates")
            if len(dated) > 1 and "Value Date" not in self.roles:
                self.assign("Value Date", dated[1], "second column of dates")

    def _readings(self, amount: str, balance: str) -> dict[str, tuple]:
        """Readings of ``amount`` against ``balance``: as written, and when unsigned, signed
        by each possible direction column: name -> (amounts, balances, direction or None)."""
        numbers, balances = self.numbers(amount), self.numbers(balance)
        found = {f"{amount}|{balance}": (numbers.to_numpy(), balances.to_numpy(), None)}
        if self.evidence[amount].get("signed_rate", 0) == 0:
            for key, reading in _signed_readings(numbers, self.direction_candidates(),
                                                 balances).items():
                found[f"{amount}|{balance}|{key}"] = reading
        return found

    def _split_readings(self, candidates: list[str], balances: list[str]) -> dict[str, tuple]:
        """Two columns never filled on the same line are money in and money out: each way
        round, against each other of ``balances`` and the balance the header named."""
        found = {}
        named = [b for b in self.roles.get("Balance", [])[:1] if b not in balances]
        filled = {c: money_written(self.sample[c], self.numbers(c)) for c in candidates}
        for first, second in itertools.combinations(candidates, 2):
            if (filled[first] & filled[second]).any():
                continue
            for money_in, out in ((first, second), (second, first)):
                signed = (self.numbers(money_in).fillna(0.0) - self.numbers(out).abs().fillna(0.0))
                signed = signed.mask(~filled[first] & ~filled[second]).to_numpy()
                for balance in [c for c in balances if c not in (first, second)] + named:
                    found[f"split|{money_in}|{out}|{balance}"] = (
                        signed, self.numbers(balance).to_numpy(), None)
        return found

    def _decide(self, readings: dict[str, tuple], why: str) -> tuple[str, str] | None:
        """The reading the balance proves (unique and reconciling `BALANCE_RATE` of the pairs):
        (its name, what decided it); None when the balance does not decide."""
        distinct: dict[bytes, str] = {}  # readings that sign every line alike are one reading
        for name, (amounts, balances, _) in readings.items():
            key = np.nan_to_num(np.asarray(amounts, dtype="float64"), nan=np.inf).tobytes() + (
                np.nan_to_num(np.asarray(balances, dtype="float64"), nan=np.inf).tobytes())
            distinct.setdefault(key, name)
        best, fits = best_reading({name: readings[name][:2] for name in distinct.values()},
                                  self.group())
        if best is None:
            best = reading_every_line(fits, {n: readings[n][0] for n in fits})
        if best is None or fits[best].reconciled < BALANCE_RATE * fits[best].steps or (
                moves_without_amount(*readings[best][:2]) > fits[best].steps):  # no proof
            return None
        fit = fits[best]
        return best, f"{why} ({fit.reconciled} of {fit.steps} lines reconcile, {fit.order})"

    def fill_amounts(self) -> None:
        if {"Amount", "Money In", "Money Out"} & set(self.roles):
            return
        candidates = self.money_candidates()
        if not candidates:
            return
        if len(candidates) == 1:
            self.assign("Amount", candidates[0], "the only column of amounts")
            return
        # the amount (or the split) among the first four, its balance among them all
        # (PayPal's 41 columns write the balance after five other columns of numbers)
        readings = self._split_readings(candidates[:4], candidates)
        for amount, balance in itertools.product(candidates[:4], candidates):
            if amount != balance:
                readings.update(self._readings(amount, balance))
        for balance in self.roles.get("Balance", [])[:1]:  # a balance the header named
            for amount in candidates:
                readings.update(self._readings(amount, balance))
        decided = self._decide(readings, "running balance")
        if decided is not None:
            best, why = decided
            parts = best.split("|")
            if parts[0] == "split":
                self.assign("Money In", parts[1], f"money in: {why}")
                self.assign("Money Out", parts[2], f"money out: {why}")
                if parts[3] not in self.roles.get("Balance", []):
                    self.assign("Balance", parts[3], why)
                return
            self.assign("Amount", parts[0], f"its values carry the {why}")
            if parts[1] not in self.roles.get("Balance", []):
                self.assign("Balance", parts[1], why)
            if readings[best][2] is not None:
                self.use_direction(readings[best][2]["column"], readings[best][2]["values"], why)
            return
        fee = self.numbers(self.roles["Fee"][0]) if "Fee" in self.roles else None
        numbers = {c: self.numbers(c) for c in candidates}
        same = same_money(candidates, numbers, fee)
        # (unless one names a side the other's signs may not say: `amount_words._sided_twin`)
        if same is not None and not any(_sided_twin(c, candidates, numbers) for c in same[:2]):
            amount, other, why = same
            self.assign("Amount", amount, why)
            self.notes.append(f"column {other!r}: left aside, {amount!r} is the amount: {why}")
            return
        if self.take_signed_as_directed(candidates):
            return
        before = balance_before(candidates, {c: self.numbers(c) for c in candidates},
                                self.dates())
        if before is not None:  # the normaliser adds each line's amount (balance after it)
            self.assign("Amount", before[0], before[2])
            if "Balance" not in self.roles:
                self.assign("Balance", before[1], before[2])
                self.balance_before = True
            self.notes.append(f"column {before[1]!r}: {before[2]}")
            return
        if decide_by_signs_and_words(self, candidates):
            return
        signed = None if "Debit/Credit" in self.roles else amount_by_sign(self, candidates)
        if signed is not None:
            self.assign("Amount", signed[0], signed[1])
            self.notes.append(f"column {signed[0]!r}: {signed[1]}")
            return
        raise UnsureReading(unsure_amounts(self.name, self.sample, candidates, readings,
                                           self.rates))

    def fill_balance(self) -> None:
        if "Balance" in self.roles or "Amount" not in self.roles:
            return
        amount = self.roles["Amount"][0]
        for column in self.money_candidates():
            decided = self._decide(self._readings(amount, column), "running balance")
            if decided is not None:
                best, why = decided
                self.assign("Balance", column, why)
                direction = self._readings(amount, column)[best][2]
                if direction is not None and self.declared_direction is None:
                    self.use_direction(direction["column"], direction["values"], why)
                return
        before = balance_before_column(self.numbers(amount).rename(amount), {
            c: self.numbers(c) for c in self.money_candidates()}, self.dates(), self.group())
        if before is not None:  # (the normaliser adds each line's amount: the balance after)
            self.assign("Balance", before[0], before[1])
            self.balance_before = True
            self.notes.append(f"column {before[0]!r}: {before[1]}")

    def dates(self) -> pd.Series | None:  # the sampled booking dates, once a column is known
        return read_dates(self.sample[self.roles["Date"][0]]).values if "Date" in self.roles \
            else None

    def group(self) -> np.ndarray | None:
        """The account (and currency) of each sampled line when the file holds several:
        balances run per account, and per currency in a wallet of several (PayPal, Wise)."""
        keys = [self.sample[c].fillna("").astype(str).to_numpy()
                for role in ("Account", "Currency") for c in self.roles.get(role, [])[:1]
                if self.evidence[c].get("distinct", 0) > 1]
        if not keys:
            return None
        return keys[0] if len(keys) == 1 else np.char.add(np.char.add(keys[0], "|"), keys[1])

    def signed_amounts(self) -> pd.Series | None:
        """The sampled amounts as this reading signs them (None without an amount column)."""
        if "Amount" in self.roles:
            numbers = self.numbers(self.roles["Amount"][0])
            if self.direction and self.direction["column"] in self.roles.get("Debit/Credit", []):
                return numbers.abs() * direction_signs(
                    self.sample[self.direction["column"]], self.direction["values"])[0]
            return numbers
        if "Money In" in self.roles or "Money Out" in self.roles:
            zero = pd.Series(0.0, index=self.sample.index)
            money_in = self.numbers(self.roles["Money In"][0]) if "Money In" in self.roles else zero
            out = self.numbers(self.roles["Money Out"][0]) if "Money Out" in self.roles else zero
            both_empty = money_in.isna() & out.isna()
            return (money_in.fillna(0.0) - out.abs().fillna(0.0)).mask(both_empty)
        return None

    def decide_date_order(self) -> None:
        """When no date tells day from month, the balance can: it proves which way the
        file runs (oldest or newest first), and only one order of the dates runs that way."""
        self.date_order: dict[str, Any] | None = None
        if "Date" not in self.roles or "Balance" not in self.roles or "Date" in self.declared:
            return
        column = self.roles["Date"][0]
        readings = {order: read_dates(self.sample[column], day_first=order)
                    for order in (True, False)}
        evidence = read_dates(self.sample[column]).evidence
        if evidence.get("day_first_values") != evidence.get("month_first_values") or (
                readings[True].values.equals(readings[False].values)):
            return  # the values decide (or the order changes nothing)
        amounts = self.signed_amounts()
        if amounts is None:
            return
        group = self.group()
        fit = chain_fit(amounts, self.numbers(self.roles["Balance"][0]), group)
        if not fit.steps or fit.reconciled < BALANCE_RATE * fit.steps:
            return
        steps = {}
        for order, reading in readings.items():
            dates = reading.values
            if group is not None:  # dates run forward within each account, not across them
                dates = dates.groupby(pd.Series(group, index=dates.index), sort=False).diff()
            else:
                dates = dates.diff()
            steps[order] = dates.dt.days.dropna()
        against = {order: int(((d < 0) if fit.order == "oldest first" else (d > 0)).sum())
                   for order, d in steps.items()}
        if against[True] != against[False]:
            day_first = against[True] < against[False]
            self.date_order = {"day_first": day_first, "decided_by": "balance",
                               "row_order": fit.order, "dates_against_row_order": against[
                                   day_first], "other_order_against": against[not day_first]}

    def fill_rest(self) -> None:
        for column in self.free():
            e = self.evidence[column]
            if "Currency" not in self.roles and e.get("currency_rate", 0) >= PARSE_RATE:
                self.assign("Currency", column, "values are currency codes or symbols")
            elif e.get("iban_rate", 0) >= PARSE_RATE:
                if "Account" not in self.roles and e.get("distinct") == 1:
                    self.assign("Account", column, "one IBAN on every line: the account")
                else:
                    self.why[column] = "IBANs that vary: the counterparty's account"
        if "Description" not in self.roles:
            texts = [c for c in self.free() if self.evidence[c].get("text_rate", 0) >= 0.5
                     and self.evidence[c].get("currency_rate", 0) < PARSE_RATE]
            if texts:  # the most varied text (a column of a few repeated words last)
                column = max(texts, key=lambda c: ("tokens" not in self.evidence[c],
                                                   self.evidence[c].get("distinct", 0),
                                                   -self.sample.columns.get_loc(c)))
                self.assign("Description", column, "free text")
        else:
            self.fill_empty_descriptions()
        for column in self.free():
            e = self.evidence[column]
            self.why.setdefault(column, "free text" if e.get("text_rate", 0) >= 0.5 else
                                "not used")

    def fill_empty_descriptions(self) -> None:
        """A description column left empty on some lines, beside a free-text column that
        fills them (Oberbank's ``Verwendungszweck`` and ``Text``): both are the text."""
        if "Description" in self.declared:
            return
        filled = pd.concat([clean_strings(self.sample[c]).notna()
                            for c in self.roles["Description"]], axis=1).any(axis=1)
        if filled.all():
            return
        fillers = [c for c in self.free() if self.evidence[c].get("text_rate", 0) >= 0.5
                   and "tokens" not in self.evidence[c]
                   and clean_strings(self.sample[c])[~filled].notna().any()]
        if fillers:
            column = max(fillers, key=lambda c: (
                int(clean_strings(self.sample[c])[~filled].notna().sum()),
                -self.sample.columns.get_loc(c)))
            self.assign("Description", column, "free text where the description is empty")


def infer_roles(frame: pd.DataFrame, roles: dict[str, list[str]], *, name: str,
                declared: set[str] | None = None, decimal_hint: str = ".",
                direction_values: dict[str, float] | None = None,
                headerless: bool = False) -> Reading:
    """Complete and check the header's ``roles`` (role -> columns) from the values of the
    first `SAMPLE_ROWS` rows of ``frame`` (raw strings). Raises `UnsureReading` when the
    values leave a reading of money undecided (``headerless``: the file has no header and
    no declared mapping, so its columns' names say nothing)."""
    columns = [c for c in frame.columns if c != PARSE_ERROR_COLUMN]
    head = frame[columns].head(2 * SAMPLE_ROWS)
    # a line with no date and no number anywhere (a text run on, a block's title, a repeated
    # header) is no transaction: it says nothing of what the columns hold
    valued = np.column_stack([value_kinds(head[c]).isin(["date", "number"]) for c in columns]
                             or [np.ones(len(head), dtype=bool)]).any(axis=1)
    sample = head[valued | ~valued.any()]
    sample = sample.head(SAMPLE_ROWS).reset_index(drop=True)
    inference = _RoleInference(sample, roles, declared or set(), decimal_hint, name,
                               direction_values, headerless)
    header_named = {c for cols in roles.values() for c in cols}
    inference.follow_shifted_header()
    inference.drop_contradicted_roles()
    inference.check_header_roles()
    inference.complete_side_pair()
    inference.fill_dates()
    inference.restore_date()
    inference.fill_amounts()
    inference.fill_balance()
    inference.settle_unfilled()
    inference.refuse_moneyless_reading()
    inference.fill_direction()
    inference.decide_date_order()
    inference.fill_fee()
    inference.fill_rest()
    for column in header_named:
        inference.why.setdefault(column, "header word" + ("" if inference.values_agree(
            column) else " (values disagree)"))
    evidence = {}
    for column in columns:
        e = inference.evidence[str(column)]
        evidence[str(column)] = {"decided_by": inference.why.get(column, "not used"),
                                 **{k: v for k, v in e.items() if k != "tokens"},
                                 **({"tokens": e["tokens"]} if "tokens" in e else {})}
    taken = inference.assigned()
    unrecognised = [c for c in columns if c not in taken]
    return Reading(inference.roles, unrecognised, evidence, inference.direction,
                   inference.notes, inference.date_order, inference.unsigned_sign,
                   inference.balance_before)
