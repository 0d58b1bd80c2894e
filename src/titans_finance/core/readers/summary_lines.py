"""Lines inside a transaction table that only *say* a balance or a total.

Statements write their opening and closing balance, an available balance or a total as
one more line of the table, often with a date and an amount in the amount columns
(``31/01/18;;;28.359,05;SALDO FINALE``). Read as a row, such a line is a deposit of the
whole balance. It is recognised by its text being nothing but a label: every word of a
text field belongs to the open vocabulary of balance and total labels below (in the main
languages of the exports), with at least one head word (``saldo``, ``balance``, ``total``,
``turnover`` — a period's sum of debits or credits — ...) — numbers, dates, currency codes and punctuation aside. A merchant text that merely
contains such a word (``SALDO SPORTS SRL``, ``Pagamento saldo fattura 118``, ``Total Wine
& More``, ``Balance transfer``) has a word outside the vocabulary and stays a transaction.

A label that names the opening (``iniziale``, ``opening``, ``Anfangssaldo``...) or the
closing (``finale``, ``closing``, ``Endsaldo``, ``nouveau solde``...) balance is reported
by position, so that the normaliser can prove the other lines by it (opening + sum of
the lines = closing).

A *bare* label — head words alone, numbers aside (``TOTAL``, ``BALANCE``, ``Saldo``) — is
also how a merchant may be written: a fuel purchase at a TotalEnergies station reads
``TOTAL 0412``. Outside the block of transactions (above the first dated transaction, under
the last, or without a date) it is a summary by its place; inside the block its values must
say so too (`bare_labels_kept`): its amount repeats the running balance or a sum of the
lines above it (since the previous summary line or the start), or it is a transaction.

The same vocabulary names the summary lines without a date (`SUMMARY_WORDS`: a head word
anywhere in their text), so both rules speak one list. Plain module (no Kedro).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from titans_finance.core.amounts import read_amounts
from titans_finance.core.readers.column_evidence import direction_signs
from titans_finance.core.readers.reconcile import CENT_TOLERANCE

# Words that make a line a balance or total line (any language; compounds included).
_HEAD_WORDS = frozenset("""
saldo saldi saldos saldas balance balances solde soldes sold total totals totale totali
totaal totales subtotal subtotale summe sum gesamt gesamtsumme zwischensumme kontostand
anfangssaldo endsaldo schlusssaldo startsaldo beginsaldo eindsaldo zustatek zůstatek
zostatok egyenleg likutis jääk bilans saldoen übertrag uebertrag
turnover turnovers käive omsättning obroty forgalom apyvarta apgrozījums
""".split())
# Words a label may add to a head word: which balance, of what, at which time.
_OPENING_WORDS = frozenset("""
opening initial iniziale inicial iniciál start starting begin beginning previous old
ancien anterior precedente alter alt vortrag anfangs anfang brought vorheriger
pocatecni počáteční poczatkowe počiatočný nyitó pradinis begin eröffnung
""".split())
_CLOSING_WORDS = frozenset("""
closing final finale fin end ending new nouveau neuer neu nuovo nuevo actual current
attuale aktueller carried konečný konecny koncowe końcowe záverečný záró galutinis
""".split())
_OTHER_WORDS = frozenset("""
available disponibile disponible verfügbar verfuegbar ledger book booked contabile
comptable contable buchungs account conto compte cuenta konto rekening statement
estratto extrait extracto auszug period periodo période periode month mese mois mes
monat day giorno jour dia tag forward riporto reporté report a al alla allo del della
dei di da de des du la le les il lo el los las au aux à zum zur vom am per of the at
as on to for in en op van het der die das und and et e y i pro za na dne k ke ks
debit debits credit credits addebiti accrediti débit débits crédit crédits soll haben
movements movimenti mouvements movimientos umsätze umsaetze transactions operazioni
opérations operations operaciones bookings date data datum fecha
""".split())
_LABEL_WORDS = _HEAD_WORDS | _OPENING_WORDS | _CLOSING_WORDS | _OTHER_WORDS
# A line without a date whose text holds a head word as a word of its own: a total or
# balance line above or under the table (it cannot be a booked transaction without a date).
# Word edges written out: Arrow's regular expressions (RE2) know only ASCII word characters,
# so ``\b`` before ``übertrag`` or ``zůstatek``'s neighbours would never match.
SUMMARY_WORDS = re.compile(r"(?i)(?:^|[^\w])(?:" + "|".join(
    sorted((re.escape(w) for w in _HEAD_WORDS), key=len, reverse=True)) + r")(?:$|[^\w])")
# a quick vectorised filter (no look-arounds: Arrow's regular expressions run it): only
# texts holding a head word, even inside a longer word, are examined word by word
_HEAD = re.compile(r"(?i)(?:" + "|".join(
    sorted((re.escape(w) for w in _HEAD_WORDS), key=len, reverse=True)) + r")")
_WORD = re.compile(r"[^\W\d_]+")
_CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")


# A word glued to a long number by a hyphen or underscore is a reference, no label: the
# id of a line (Wise's ``BALANCE-3817426642``, ``FEE-BALANCE-3800526397``); a label sets
# its numbers apart (``TOTAL 0412``, ``Saldo 31.01.``)
_REFERENCE = re.compile(r"[^\W\d_][-_]\d{6,}")


def label_kind(text: str) -> str | None:
    """``opening``, ``closing`` or ``total`` when ``text`` is only a balance/total label,
    else None (a text with any word outside the label vocabulary is no label, nor is a
    reference code: `_REFERENCE`)."""
    if _REFERENCE.search(text):
        return None
    words = _WORD.findall(text)
    lowered = [w.lower() for w in words if not _CURRENCY_CODE.match(w)]
    if not lowered or not any(w in _HEAD_WORDS for w in lowered):
        return None
    if not all(w in _LABEL_WORDS for w in lowered):
        return None
    if any(w in _OPENING_WORDS or w.startswith(("anfangs", "beginsal", "startsal"))
           for w in lowered):
        return "opening"
    if any(w in _CLOSING_WORDS or w.startswith(("endsal", "eindsal", "schluss"))
           for w in lowered):
        return "closing"
    return "total"


def _row_kind(text: str) -> str | None:
    """`label_kind`, with ``bare`` for a total/balance label of head words alone."""
    kind = label_kind(text)
    if kind == "total" and all(w.lower() in _HEAD_WORDS for w in _WORD.findall(text)
                               if not _CURRENCY_CODE.match(w)):
        return "bare"
    return kind


def labelled_summary_rows(frame: pd.DataFrame, text_columns: list[str]) -> pd.Series:
    """For each row: the kind of label (``opening``/``closing``/``total``, or ``bare`` for
    head words alone) when one of its ``text_columns`` holds only a balance or total label,
    else None."""
    kinds = pd.Series(None, index=frame.index, dtype="object")
    for column in text_columns:
        values = frame[column].fillna("").astype("str")
        suspects = values[values.str.contains(_HEAD.pattern, regex=True) & kinds.isna()]
        if suspects.empty:
            continue
        codes, distinct = pd.factorize(suspects)  # each distinct text examined once
        found = pd.Series(pd.Series(distinct).map(_row_kind).to_numpy(dtype=object)[codes],
                          index=suspects.index, dtype="object")
        kinds.loc[found.index] = found  # suspects are rows no earlier column labelled
    return kinds


def balance_line_positions(kinds: pd.Series, transaction: pd.Series) -> dict[str, int]:
    """Positions (0-based, in the file's rows) of the opening and the closing balance line
    where the file writes them outside its block of transactions (above or below it: files
    run oldest or newest first). ``transaction``: rows that are transactions."""
    tx = np.flatnonzero(transaction.to_numpy(dtype=bool))
    if not len(tx):
        return {}
    position = np.arange(len(kinds))
    outside = (position < tx[0]) | (position > tx[-1])
    found: dict[str, int] = {}
    for kind in ("opening", "closing"):
        rows = np.flatnonzero(outside & (kinds.to_numpy(dtype=object) == kind))
        if len(rows) == 1:  # two opening lines: which one is meant cannot be told
            found[kind] = int(rows[0])
    return found


def bare_labels_kept(kinds: pd.Series, dated: np.ndarray, transaction: np.ndarray,
                     summaries: np.ndarray,
                     values: Callable[[], tuple[np.ndarray, np.ndarray | None]]) -> np.ndarray:
    """Rows labelled ``bare`` that are transactions after all: dated, inside the block of
    transactions (after the first and before the last), and whose amount repeats nothing a
    summary line would say. A summary line's amount (to the cent, either sign) is one of:

    - the running balance: the balance written on the nearest transaction above or below
      (files run oldest or newest first), or the previous summary line's amount (an
      opening or carried balance) plus the net of the transactions since;
    - a sum of the transactions since the previous summary line (or the start), of at least
      two of them (one line's "sum" is that line's own amount: a purchase of the same sum):
      their net, their money in, their money out, or their absolute amounts.

    ``kinds``: `labelled_summary_rows` (file order); ``transaction``: rows that are booked
    transactions (dated, unlabelled, no parse error); ``summaries``: rows already set aside
    as summary lines by other rules; ``values()``: the signed amounts as written (NaN where
    none) and the running balance column (None without one), called only when a bare label
    stands inside the block (`written_amounts`): no file pays for them otherwise. Then:
    prefix sums, and one step per such label."""
    kind = kinds.to_numpy(dtype=object)
    kept = np.zeros(len(kind), dtype=bool)
    tx = np.flatnonzero(transaction)
    if not len(tx):
        return kept
    position = np.arange(len(kind))
    inside = np.flatnonzero((kind == "bare") & dated & (position > tx[0]) & (position < tx[-1]))
    if not len(inside):
        return kept
    amounts, balances = values()
    # the bare lines inside count among the lines summed: one kept is a transaction, and one
    # set aside is the previous summary of every later one (never between it and them)
    counted = transaction.copy()
    counted[inside] = True
    value = np.where(counted, np.nan_to_num(amounts, nan=0.0), 0.0)
    # prefix sums over the transactions: sums[k][i] = total over rows before i
    sums = {name: np.concatenate(([0.0], np.cumsum(part))) for name, part in (
        ("net", value), ("in", np.clip(value, 0, None)), ("out", -np.clip(value, None, 0)),
        ("abs", np.abs(value)), ("count", counted.astype("float64")))}
    others = summaries | pd.notna(kind)
    others[inside] = False
    summary = np.flatnonzero(others)  # summaries by their words or place
    with_balance = (np.flatnonzero(transaction & ~np.isnan(balances)) if balances is not None
                    else np.array([], dtype=int))
    last_set_aside = -1  # the last bare line inside set aside so far
    for row in inside:  # (binary searches: a file of many such lines stays linear)
        at = np.searchsorted(summary, row)
        previous = max(int(summary[at - 1]) if at else -1, last_set_aside)
        since = {name: part[row] - part[previous + 1] for name, part in sums.items()}
        said = []
        if since["count"] >= 2:
            said += [since["net"], since["in"], since["out"], since["abs"]]
        carried = np.nan if previous < 0 else amounts[previous]
        if np.isnan(carried) and previous >= 0 and balances is not None:
            carried = balances[previous]  # a balance written without an amount
        if not np.isnan(carried):
            said.append(carried + since["net"])
        at = np.searchsorted(with_balance, row)
        said += [balances[i] for i in with_balance[max(at - 1, 0):at + 1]]  # above, below
        own = abs(amounts[row])
        kept[row] = not np.isnan(own) and not any(
            abs(own - abs(total)) < CENT_TOLERANCE for total in said)
        if not kept[row]:
            last_set_aside = int(row)
    return kept


def _numbers(values: pd.Series, decimal: str | None, decimal_hint: str) -> np.ndarray:
    """``values`` as numbers: the plain ones (``-45.10``, ``45,10`` under a decimal comma) at
    array speed, the rest (currency marks, grouping, ``12.00-``) by `read_amounts`."""
    text = values.fillna("").astype("str").str.strip()
    if decimal not in (".", ","):
        return read_amounts(values, decimal_hint=decimal_hint).values.to_numpy(dtype="float64")
    plain = text.str.fullmatch(r"[+-]?\d+(?:" + re.escape(decimal) + r"\d+)?").to_numpy(bool)
    numbers = pd.to_numeric(text.where(plain, "").str.replace(",", ".", regex=False),
                            errors="coerce").to_numpy(dtype="float64", copy=True)
    rest = ~plain & (text != "").to_numpy(bool)
    if rest.any():
        numbers[rest] = read_amounts(values[rest], decimal=decimal,
                                     decimal_hint=decimal_hint).values.to_numpy(dtype="float64")
    return numbers


def written_amounts(columns: dict[str, pd.Series], decimal: str | None, decimal_hint: str,
                    direction: dict[str, float] | None = None
                    ) -> tuple[np.ndarray, np.ndarray | None]:
    """The signed amount of each row as the file writes it (``Amount``, or ``Money In`` less
    ``Money Out``; an unsigned amount signed by its ``Debit/Credit`` column's ``direction``
    values), and its running balance (None without a ``Balance`` column). ``columns``:
    role -> the row's values (strings)."""
    def read(role: str) -> np.ndarray | None:
        return _numbers(columns[role], decimal, decimal_hint) if role in columns else None

    amount = read("Amount")
    if amount is not None and direction and "Debit/Credit" in columns:
        sign = direction_signs(columns["Debit/Credit"], direction)[0].to_numpy(dtype="float64")
        amount = np.where(np.isnan(sign), amount, np.abs(amount) * sign)
    if amount is None:
        money_in, out = read("Money In"), read("Money Out")
        parts = [p for p in (money_in, None if out is None else -np.abs(out)) if p is not None]
        amount = parts[0] if len(parts) == 1 else np.where(
            np.isnan(parts[0]) & np.isnan(parts[1]), np.nan,
            np.nan_to_num(parts[0]) + np.nan_to_num(parts[1]))
    return amount, read("Balance")


def balance_carried(amounts: np.ndarray, balances: np.ndarray | None) -> np.ndarray:
    """Rows whose written balance is the balance of the row above or below (files run
    oldest or newest first) plus the row's own amount, to the cent: money that moved the
    running balance is a transaction, whatever its words say (``Sold EUR to BTC``: Romanian
    ``sold`` is a balance). A balance or total line repeats a balance or a sum; it does not
    step the running balance by its own amount. A zero amount proves nothing."""
    n = len(amounts)
    carried = np.zeros(n, dtype=bool)
    if balances is None or n < 2:
        return carried
    step = np.abs(amounts) >= CENT_TOLERANCE
    for other in (np.r_[np.nan, balances[:-1]], np.r_[balances[1:], np.nan]):
        carried |= step & (np.abs(other + amounts - balances) < CENT_TOLERANCE)
    return carried
