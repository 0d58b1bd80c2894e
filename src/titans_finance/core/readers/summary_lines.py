"""Lines inside a transaction table that only *say* a balance or a total.

Statements write their opening and closing balance, an available balance or a total as
one more line of the table, often with a date and an amount in the amount columns
(``31/01/18;;;28.359,05;SALDO FINALE``). Read as a row, such a line is a deposit of the
whole balance. It is recognised by its text being nothing but a label: every word of a
text field belongs to the open vocabulary of balance and total labels below (in the main
languages of the exports), with at least one head word (``saldo``, ``balance``, ``total``
...) — numbers, dates, currency codes and punctuation aside. A merchant text that merely
contains such a word (``SALDO SPORTS SRL``, ``Pagamento saldo fattura 118``, ``Total Wine
& More``, ``Balance transfer``) has a word outside the vocabulary and stays a transaction.

A label that names the opening (``iniziale``, ``opening``, ``Anfangssaldo``...) or the
closing (``finale``, ``closing``, ``Endsaldo``, ``nouveau solde``...) balance is reported
by position, so that the normaliser can prove the other lines by it (opening + sum of
the lines = closing). Plain module (no Kedro).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# Words that make a line a balance or total line (any language; compounds included).
_HEAD_WORDS = frozenset("""
saldo saldi saldos saldas balance balances solde soldes sold total totals totale totali
totaal totales subtotal subtotale summe sum gesamt gesamtsumme zwischensumme kontostand
anfangssaldo endsaldo schlusssaldo startsaldo beginsaldo eindsaldo zustatek zůstatek
zostatok egyenleg likutis jääk bilans saldoen übertrag uebertrag
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
# a quick vectorised filter (no look-arounds: Arrow's regular expressions run it): only
# texts holding a head word, even inside a longer word, are examined word by word
_HEAD = re.compile(r"(?i)(?:" + "|".join(
    sorted((re.escape(w) for w in _HEAD_WORDS), key=len, reverse=True)) + r")")
_WORD = re.compile(r"[^\W\d_]+")
_CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")


def label_kind(text: str) -> str | None:
    """``opening``, ``closing`` or ``total`` when ``text`` is only a balance/total label,
    else None (a text with any word outside the label vocabulary is no label)."""
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


def labelled_summary_rows(frame: pd.DataFrame, text_columns: list[str]) -> pd.Series:
    """For each row: the kind of label (``opening``/``closing``/``total``) when one of its
    ``text_columns`` holds only a balance or total label, else None."""
    kinds = pd.Series(None, index=frame.index, dtype="object")
    for column in text_columns:
        values = frame[column].fillna("").astype("str")
        suspects = values[values.str.contains(_HEAD.pattern, regex=True) & kinds.isna()]
        if suspects.empty:
            continue
        codes, distinct = pd.factorize(suspects)  # each distinct text examined once
        found = pd.Series(pd.Series(distinct).map(label_kind).to_numpy(dtype=object)[codes],
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
