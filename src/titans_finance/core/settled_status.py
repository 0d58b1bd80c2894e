"""Statuses that say a payment never went through, so the line moved no money.

An app or card export lists declined, rejected and cancelled attempts beside the payments
that settled (Satispay's ``NOT APPROVED``, a card's ``Declined``, a bank's ``Storniert``).
Counted as money they change every total without a word; the ingestion sets such a line
aside with the reason ``no_money_moved`` (kept in quarantine, never dropped). Words are
compared in Latin letters (`transliterate.latin`) without case, accents or punctuation,
decided once per distinct value.
"""

from __future__ import annotations

import re

import pandas as pd

from titans_finance.core.column_values import by_distinct_value, clean_strings
from titans_finance.core.transliterate import latin

# Status words of an attempt that moved no money, by language (accents and case removed,
# words joined by "_"). "pending" is not one: a pending line is money on its way.
UNSETTLED_STATUSES = frozenset({
    # en
    "cancelled", "canceled", "void", "voided", "declined", "rejected", "failed", "refused",
    "unsuccessful", "not_approved", "not_completed", "not_executed", "not_authorized",
    "not_authorised",
    # de, nl, fr, es, pt, it, pl
    "abgelehnt", "storniert", "fehlgeschlagen", "geweigerd", "mislukt", "geannuleerd",
    "annule", "refuse", "echoue", "rejete", "rechazado", "rechazada", "cancelado",
    "cancelada", "fallido", "fallida", "recusado", "recusada", "falhou", "rifiutato",
    "annullato", "non_approvato", "fallito", "odrzucona", "odrzucony", "anulowana",
    "anulowany",
})


@by_distinct_value
def _status_words(values: pd.Series) -> pd.Series:
    return values.map(lambda text: re.sub(r"[^a-z0-9]+", "_", latin(text)).strip("_"),
                      na_action="ignore")


def no_money_moved(status: pd.Series) -> pd.Series:
    """True where the written status says the payment never went through."""
    return _status_words(clean_strings(status)).isin(UNSETTLED_STATUSES).fillna(False).astype(bool)
