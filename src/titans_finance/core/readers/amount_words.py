"""Which of several amount columns is the transaction's, when no running balance decides:
what the values' own signs and the words of the headers say.

Asked only after the balance, the same-money links and a direction column have left
the reading undecided (`column_roles._RoleInference.fill_amounts`), in this order:

- `split_by_signs`: two columns never both filled with money on one line (a ``0`` is no
  money: ``Приход 0;Расход 50``) are money in and money out; when every value of one is
  written with a minus and no value of the other is, the minus side is money out
  (SpareBank 1's ``Ut`` of ``-2490,00`` beside ``Inn`` of ``3150,00``);
- `split_by_words`: the same pair, when a word of one header names money in and a word of
  the other money out, in any language the header vocabulary knows (``Ut (NOK)``);
- `amount_by_words`: exactly one column whose header has a word naming an amount
  (``Сумма в валюте счета``), or, of several, the only one whose currency column beside
  it holds one currency on every line: the account's currency, in which the money was
  booked (the others are the operation's amount in the currency it was paid in) — unless
  a column whose words name a side repeats its money on every line (`_sided_twin`): then
  the side is unsure and the file stops.

Each returns None when its evidence does not single out one reading: the caller then
stops and asks (money is never guessed). Plain module (no Kedro).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pandas as pd

from titans_finance.core.column_values import clean_strings
from titans_finance.core.header_names import unqualified, word_roles
from titans_finance.core.readers.column_evidence import PARSE_RATE, is_amount_column

# header words that make an amount column one side, a balance or a fee
_SIDE_WORDS = frozenset({"Money In", "Money Out", "Balance", "Fee"})


def money_written(text: pd.Series, numbers: pd.Series) -> pd.Series:
    """Lines where a column holds money: a value written that is not zero (a ``0`` or
    ``0,00`` beside an amount in the other column says nothing moved on that side)."""
    return clean_strings(text).notna() & numbers.ne(0)


def split_pairs(candidates: list[str], texts: dict[str, pd.Series],
                numbers: dict[str, pd.Series]) -> list[tuple[str, str]]:
    """Pairs of columns never both holding money on one line, and each on some line."""
    filled = {c: money_written(texts[c], numbers[c]) for c in candidates}
    return [(a, b) for a, b in itertools.combinations(candidates, 2)
            if filled[a].any() and filled[b].any() and not (filled[a] & filled[b]).any()]


def split_by_signs(pairs: list[tuple[str, str]], texts: dict[str, pd.Series],
                   numbers: dict[str, pd.Series]) -> tuple[str, str, str] | None:
    """``(money_in, money_out, why)`` when exactly one pair has one side written all
    negative and the other never negative."""
    found = []
    for a, b in pairs:
        side = {c: numbers[c][money_written(texts[c], numbers[c])] for c in (a, b)}
        for money_in, out in ((a, b), (b, a)):
            if (side[out] < 0).all() and (side[money_in] > 0).all():
                found.append((money_in, out, f"{out!r} writes every value with a minus, "
                              f"{money_in!r} none: money out and money in"))
    return found[0] if len(found) == 1 else None


def split_by_words(pairs: list[tuple[str, str]]) -> tuple[str, str, str] | None:
    """``(money_in, money_out, why)`` when exactly one pair's header words name money in
    for one column and money out for the other (and not both for either)."""
    found = []
    for a, b in pairs:
        words = {c: word_roles(c) & {"Money In", "Money Out"} for c in (a, b)}
        for money_in, out in ((a, b), (b, a)):
            if words[money_in] == {"Money In"} and words[out] == {"Money Out"}:
                found.append((money_in, out, f"header words: {money_in!r} names money in, "
                              f"{out!r} money out; never both on one line"))
    return found[0] if len(found) == 1 else None


def amount_by_words(candidates: list[str], columns: list[str],
                    currency_rate: Callable[[str], float],
                    distinct: Callable[[str], int]) -> tuple[str, str, str | None] | None:
    """``(amount, why, its currency column or None)``: the only candidate with a header word
    naming an amount; of several, the only one whose neighbouring currency column (the next
    column, else the one before) holds one currency while every other's holds several.
    ``columns`` is the file's order."""
    # (a side named only in a qualifier, ``Zielbetrag (nach Gebühren)``, says what the
    # amount is net of, not that the column is that side)
    named = [c for c in candidates if "Amount" in word_roles(c)
             and not word_roles(unqualified(c)) & _SIDE_WORDS]
    if len(named) == 1:
        return (named[0], "the only column of amounts whose header has a word naming an amount",
                None)
    if len(named) < 2:
        return None

    def currency_beside(column: str) -> str | None:
        at = columns.index(column)
        for other in (columns[at + 1: at + 2] + columns[max(at - 1, 0): at]):
            if currency_rate(other) >= PARSE_RATE:
                return other
        return None

    beside = {c: currency_beside(c) for c in named}
    if any(v is None for v in beside.values()):
        return None
    single = [c for c in named if distinct(beside[c]) == 1]
    if len(single) == 1 and all(distinct(beside[c]) > 1 for c in named if c != single[0]):
        amount = single[0]
        why = (f"header words name amounts in {len(named)} columns; {amount!r} is the one in a "
               f"single currency on every line ({beside[amount]!r}): the account's, the others "
               "the currency each payment was made in")
        return amount, why, beside[amount]
    return None


def fuller_amount_twin(inference, amount: str) -> str | None:
    """A free column of ``inference`` (a `column_roles._RoleInference`) whose header words
    name an amount too (the same name written twice: ``Betrag`` ... ``Betrag``) and that
    holds an amount on every sampled line the header's ``amount`` column does, and on more
    lines: then ``amount`` is a partial one (a card's amount in the foreign currency,
    written only for payments abroad), not the booked money, and the values decide between
    them. None when no column is."""
    written = inference.numbers(amount).notna()
    for other in inference.free():
        words = word_roles(other)
        if ("Amount" not in words or words & _SIDE_WORDS
                or not is_amount_column(inference.evidence[other])):
            continue
        theirs = inference.numbers(other).notna()
        if theirs[written].all() and theirs[~written].any():
            return other
    return None


def amount_inside_side_pair(inference, amount: str) -> bool:
    """Whether the header's ``amount`` column of ``inference`` (a `column_roles._RoleInference`)
    is written on fewer lines than the header's money in / money out pair holds money, and
    only on lines where one of the pair does: then it is a partial amount (a card's amount in
    the foreign currency, ``Importo`` beside ``Addebito CHF`` / ``Accredito CHF``, written
    only for payments abroad), and the pair, filling every line, is the booked money."""
    sides = [c for role in ("Money In", "Money Out") for c in inference.roles.get(role, [])]
    if len(sides) != 2 or amount in sides:
        return False
    written = inference.numbers(amount).notna()
    paired = money_written(inference.sample[sides[0]], inference.numbers(sides[0])) | \
        money_written(inference.sample[sides[1]], inference.numbers(sides[1]))
    return bool(written.any() and paired[written].all() and paired.sum() > written.sum())


def _sided_twin(amount: str, candidates: list[str], numbers: dict[str, pd.Series]) -> bool:
    """Whether another column whose header words name a side (money in or out) holds the
    same money as ``amount`` on every line it fills (a card's ``利用金額`` beside
    ``支払総額``, the total paid): the header then names the side the plain amount's signs
    may not say (charges written positive), so the words do not settle the reading."""
    written = numbers[amount].notna() & numbers[amount].ne(0)
    if not written.any():
        return False
    for other in candidates:
        if other == amount or not word_roles(other) & {"Money In", "Money Out"}:
            continue
        if (numbers[other][written].abs() == numbers[amount][written].abs()).all():
            return True
    return False


def decide_by_signs_and_words(inference, candidates: list[str]) -> bool:
    """Give ``inference`` (a `column_roles._RoleInference`) its money columns from the
    values' signs or the header words (module docstring); False when they do not decide."""
    texts = {c: inference.sample[c] for c in candidates}
    numbers = {c: inference.numbers(c) for c in candidates}
    pairs = split_pairs(candidates, texts, numbers)
    split = split_by_signs(pairs, texts, numbers) or split_by_words(pairs)
    if split is not None:
        money_in, out, why = split
        inference.assign("Money In", money_in, f"money in: {why}")
        inference.assign("Money Out", out, f"money out: {why}")
        return True
    if inference.headerless:
        return False
    found = amount_by_words(candidates, [str(c) for c in inference.sample.columns],
                            lambda c: inference.evidence[c].get("currency_rate", 0),
                            lambda c: inference.evidence[c].get("distinct", 0))
    if found is None or _sided_twin(found[0], candidates, numbers):
        return False
    amount, why, currency = found
    inference.assign("Amount", amount, why)
    inference.notes.append(f"column {amount!r}: {why}")
    if currency is not None and "Currency" not in inference.roles:
        inference.assign("Currency", currency, f"the currency of {amount!r}, beside it")
    return True
