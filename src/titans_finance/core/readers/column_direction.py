"""The direction of unsigned amounts, read from the values: which column says money in
or out, and what each of its values means.

A column of two or three short tokens (``D/C``, ``DR/CR``, ``Af/Bij``, ``S/H``, ``D/K``,
``+/-``, a 0/1 flag under a Money In/Out header) is a direction candidate. The running
balance decides first (every meaning of every candidate is tried against it); then known
debit/credit words in any language (`direction_words`); then the other value of a
two-valued column of short marks whose one value is known; then one known word down a
whole column. What none of these decides stops the file with the mapping lines that
settle it. Amounts written with ``+`` on some values and no sign (never a minus) on the
others are signed by that: the unsigned ones are money out.

`DirectionReading` is a part of `column_roles._RoleInference` (it works on its sample,
roles and evidence).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from titans_finance.core.amounts import read_amounts
from titans_finance.core.column_values import clean_strings
from titans_finance.core.direction_words import key as direction_key
from titans_finance.core.readers.column_evidence import FLAG_TRUE, MAX_TOKENS, token_sign
from titans_finance.core.readers.mapping import UnsureReading, mapping_lines

# The marks of a two-valued direction column whose one known value decides the other are
# short codes (D/K, Dt/Kt, Af/Xy); longer words are text and stay undecided.
COMPLEMENT_MARK_LENGTH = 3


def _signed_readings(amount: pd.Series, tokens_of: dict[str, pd.Series],
                     balance: pd.Series) -> dict[str, tuple[np.ndarray, np.ndarray, dict]]:
    """Every reading of unsigned amounts by a direction column: (amounts, balance, meaning)."""
    readings = {}
    magnitude = amount.abs().to_numpy()
    for column, tokens in tokens_of.items():
        distinct = [t for t in tokens.dropna().unique()]
        if not 1 <= len(distinct) <= MAX_TOKENS:
            continue
        for signs in itertools.product((-1.0, 1.0), repeat=len(distinct)):
            if len(distinct) > 1 and len(set(signs)) == 1:
                continue
            meaning = dict(zip(distinct, signs))
            signed = magnitude * tokens.map(meaning).to_numpy(dtype="float64", na_value=np.nan)
            readings[f"{column}: " + ", ".join(f"{t}={'+' if s > 0 else '-'}"
                                               for t, s in meaning.items())] = (
                signed, balance.to_numpy(), {"column": column, "values": meaning})
    return readings



class DirectionReading:
    """The direction steps of a column-role inference (mixed into `_RoleInference`)."""

    def direction_candidates(self) -> dict[str, pd.Series]:
        found = {}
        named = self.roles.get("Debit/Credit", [])
        # a Type column of words we do not know (PRIJEM / VYDAJ) may be the direction too:
        # only the balance can say (known words are read by the normaliser as they are)
        unknown_types = [c for c in self.roles.get("Type", []) if "tokens" in self.evidence[c]
                         and not self.alias_meaning(c, clean_strings(self.sample[c]))]
        for column in [*named, *self.free(), *self.flag_sides, *unknown_types]:
            if column in found:
                continue
            e = self.evidence[column]
            if "tokens" not in e and not e.get("flag"):
                continue
            found[column] = clean_strings(self.sample[column])
        return found


    def fill_direction(self) -> None:
        if ("Amount" not in self.roles or "Money In" in self.roles or "Money Out" in self.roles
                or self.direction):
            return
        amount_column = self.roles["Amount"][0]
        if self.evidence[amount_column].get("signed_rate", 0) > 0:
            self.plus_marks_credits(amount_column)
            return  # the sign is written: it wins (a direction column is only cross-checked)
        if not self.numbers(amount_column).fillna(0.0).ne(0).any():
            return  # no line moves money: no direction to decide (nor to refuse the file for)
        candidates = self.direction_candidates()
        if self.declared_direction is not None:
            column = (self.roles.get("Debit/Credit") or list(candidates) or [None])[0]
            if column is None:
                raise UnsureReading(f"{self.name}: debit_credit_values are declared but no "
                                    "debit/credit column is declared or found")
            self.use_direction(column, dict(self.declared_direction), "declared mapping")
            return
        meanings = {c: self.alias_meaning(c, tokens) for c, tokens in candidates.items()}
        if "Balance" in self.roles:
            decided = self._decide(self._readings(amount_column, self.roles["Balance"][0]),
                                   "running balance")
            direction = decided and self._readings(amount_column,
                                                   self.roles["Balance"][0])[decided[0]][2]
            if direction:
                column = direction["column"]
                if meanings.get(column) and meanings[column] != direction["values"]:
                    self.notes.append(f"column {column!r}: the balance overrules the usual "
                                      f"meaning of {', '.join(direction['values'])}")
                self.use_direction(column, direction["values"], decided[1])
                return
        resolved = [c for c, m in meanings.items() if m]
        named = [c for c in resolved if c in self.roles.get("Debit/Credit", [])]
        if named or len(resolved) == 1:
            column = (named or resolved)[0]
            decided_by = (f"the header {column!r} and its 0/1 values (1 = money "
                          f"{'out' if self.flag_sides[column] < 0 else 'in'})"
                          if column in self.flag_sides else "known debit/credit words")
            self.use_direction(column, meanings[column], decided_by)
            return
        if len(resolved) > 1:
            raise UnsureReading(
                f"{self.name}: the amounts carry no sign and columns "
                f"{', '.join(repr(c) for c in resolved)} could each give their direction; "
                "declare which in conf/base/export_mappings.yml (or conf/local/), e.g.:\n"
                + mapping_lines(self.name, {"debit_credit": resolved[0]}))
        for column in self.roles.get("Type", []):
            tokens = self.evidence[column].get("tokens")
            meaning = self.alias_meaning(column, clean_strings(self.sample[column])) if (
                tokens) else None
            if meaning:  # a Type column of debit/credit words: the normaliser reads it
                self.direction = {"column": column, "values": meaning,
                                  "decided_by": "known debit/credit words (type column)"}
                return
        self.single_direction_word(candidates)
        if self.direction:
            return
        unresolved = [c for c in candidates if not self.evidence[c].get("flag") and (
            c in self.roles.get("Debit/Credit", []) or len(self.evidence[c]["tokens"]) >= 2)]
        if unresolved:
            column = unresolved[0]
            tokens = list(self.evidence[column]["tokens"])
            raise UnsureReading(
                f"{self.name}: the amounts carry no sign and column {column!r} holds "
                f"{' / '.join(repr(t) for t in tokens)}, which may say money in or out; no "
                "known debit/credit word and no running balance tells which. Settle it in "
                "conf/base/export_mappings.yml (or conf/local/):\n"
                + mapping_lines(self.name, {"debit_credit": column},
                                {"debit": tokens[0], "credit": tokens[1] if len(tokens) > 1
                                 else "<value meaning money in>"}))
        self.unsigned_without_header(amount_column)

    def unsigned_without_header(self, column: str) -> None:
        """A file without a header whose amounts carry no sign, with no direction column
        and no running balance to prove them: nothing says whether ``7.80`` left the account
        or reached it (a card's charges are written so), so the reading stops and asks."""
        if not self.headerless or "Balance" in self.roles:
            return
        raise UnsureReading(
            f"{self.name}: the file has no header and its amounts (column {column!r}) carry "
            "no sign; no direction column and no running balance tells money in from money "
            "out. Declare it in conf/base/export_mappings.yml (or conf/local/), e.g.:\n"
            + mapping_lines(self.name, {"amount": column})
            + "    sign: negate  # the amounts are money out (as_written if they are money in)\n")

    def plus_marks_credits(self, column: str) -> None:
        """A column that writes ``+`` on some values, no sign on the others and never a minus
        marks its credits: the values without a sign are money out (a card statement's
        charges beside ``+ 1,234.56`` for a payment)."""
        parsed = read_amounts(self.sample[column], decimal_hint=self.decimal_hint)
        written = parsed.values.notna() & (parsed.values != 0)
        signed, unsigned = written & parsed.explicit_sign, written & ~parsed.explicit_sign
        if signed.any() and unsigned.any() and not (parsed.values[signed] < 0).any():
            self.unsigned_sign = -1.0
            self.notes.append(f"column {column!r}: {int(signed.sum())} value(s) written with '+' "
                              f"and {int(unsigned.sum())} without a sign, never a minus: the "
                              "unsigned values are money out")

    def single_direction_word(self, candidates: dict[str, pd.Series]) -> None:
        """Unsigned amounts beside a column holding one direction word on every line
        (``D`` down a whole export of purchases): that word signs them. Two such columns
        (``D`` in one, ``K`` in the other) leave it undecided: stop and ask."""
        amounts = self.numbers(self.roles["Amount"][0]).notna()
        single = {}
        for column, tokens in candidates.items():
            distinct = tokens.dropna().unique()
            if (len(distinct) == 1 and column not in self.flag_sides
                    and token_sign(str(distinct[0])) is not None and tokens[amounts].notna().all()):
                single[column] = {str(distinct[0]): token_sign(str(distinct[0]))}
        if len(single) == 1:
            (column, meaning), = single.items()
            self.use_direction(column, meaning, "a known debit/credit word, the only value "
                               "of its column")
        elif len(single) > 1:
            names = list(single)
            raise UnsureReading(
                f"{self.name}: the amounts carry no sign and columns "
                + ", ".join(f"{c!r} ({next(iter(single[c]))})" for c in names)
                + " each hold one debit/credit word on every line; declare which gives the "
                "direction in conf/base/export_mappings.yml (or conf/local/), e.g.:\n"
                + mapping_lines(self.name, {"debit_credit": names[0]},
                                {"debit": next(iter(single[names[0]])),
                                 "credit": "<value meaning money in>"}))

    def signed_as_directed(self, candidates: list[str]) -> tuple[str, str, str | None] | None:
        """Among columns of amounts that no balance tells apart, the one whose written sign
        is, on every line, the side a direction column's known debit/credit words say
        (``-350`` beside ``outflow``, ``1290`` beside ``inflow``; both sides present) — or,
        on every line, the other side (a card issuer's view: ``30.00`` beside ``DEBIT``,
        ``-500.00`` beside ``CREDIT``): ``(the transaction amount, why, the direction column
        when it says the other side)``. None unless exactly one column agrees either way (a
        balance never in the red agrees with no money-out line)."""
        agreeing = []
        for column, tokens in self.direction_candidates().items():
            meaning = {t: token_sign(str(t)) for t in tokens.dropna().unique()}
            if None in meaning.values() or len(set(meaning.values())) < 2:
                continue
            side = tokens.map(meaning).astype("float64")
            for amount in candidates:
                numbers = self.numbers(amount)
                usable = numbers.notna() & side.notna() & (numbers != 0)
                if side[usable].nunique() < 2:
                    continue
                signs = np.sign(numbers[usable])
                if (signs == side[usable]).all():
                    agreeing.append((amount, f"its sign is the side {column!r} says", None))
                elif (signs == -side[usable]).all():
                    agreeing.append((amount, f"its sign is, on every line, the other side "
                                             f"than {column!r} says", column))
        return agreeing[0] if len({amount for amount, *_ in agreeing}) == 1 else None

    def take_signed_as_directed(self, candidates: list[str]) -> bool:
        """The amount `signed_as_directed` finds, if any; a direction column that says the
        other side on every line is the file's debit/credit column too: its words prove the
        other party's view and the normaliser negates every amount (`words_against_signs`)."""
        directed = self.signed_as_directed(candidates)
        if directed is None:
            return False
        amount, why, opposite = directed
        self.assign("Amount", amount, why)
        if opposite is not None and "Debit/Credit" not in self.roles:
            self.assign("Debit/Credit", opposite, f"its words say the other side than the "
                        f"signs of {amount!r} on every line: the other party's view")
        return True

    def alias_meaning(self, column: str, tokens: pd.Series) -> dict[str, float] | None:
        sides = self.flag_sides
        distinct = [str(t) for t in tokens.dropna().unique()]
        if column in sides:  # a 0/1 flag whose header names one side (Expense: 1 = out)
            side = sides[column]
            return {t: (side if t.strip().lower() in FLAG_TRUE else -side) for t in distinct}
        meaning = {t: token_sign(t) for t in distinct}
        known = {t: s for t, s in meaning.items() if s is not None}
        named = column in self.roles.get("Debit/Credit", []) or column in self.roles.get(
            "Type", [])
        if len(set(known.values())) == 2 or (named and known and len(known) == len(meaning)):
            return known
        if len(meaning) == 2 and len(known) == 1 and all(
                len(direction_key(t)) <= COMPLEMENT_MARK_LENGTH for t in distinct):
            # two short marks, one a known direction: the other is the other side (a bank's
            # own letter for credit, Lithuanian K beside D); the balance, where there is one,
            # has already been asked first
            (word, sign), = known.items()
            other = next(t for t in distinct if t != word)
            note = (f"column {column!r}: {other!r} read as money {'in' if sign < 0 else 'out'}, "
                    f"the other value of a two-valued column whose {word!r} is money "
                    f"{'out' if sign < 0 else 'in'}")
            if note not in self.notes:
                self.notes.append(note)
            return {word: sign, other: -sign}
        return None

    def use_direction(self, column: str, values: dict[str, float], decided_by: str) -> None:
        for role in list(self.roles):
            if column in self.roles[role]:
                self.roles[role].remove(column)
                if not self.roles[role]:
                    del self.roles[role]
        self.roles["Debit/Credit"] = [column]
        self.why[column] = f"direction of the amounts, decided by {decided_by}"
        self.direction = {"column": column, "values": {str(k): float(v) for k, v in values.items()},
                          "decided_by": decided_by}

