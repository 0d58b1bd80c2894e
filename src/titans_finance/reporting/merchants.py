"""Merchant names as the export writes them, for merchant keys (which are lower-cased).

``core.feature_text.normalise_merchant`` folds ``SQ *STARBUCKS 9825`` and ``Starbucks`` to
the key ``starbucks``; a reader should see ``STARBUCKS`` or ``Starbucks`` — the
merchant's name as its most frequent line writes it — not our key.
"""

from __future__ import annotations

import re

import pandas as pd


def _as_written(key: str, text: str) -> str:
    """Each word of ``key`` with the case it has in ``text`` (the key's word when absent)."""
    words = []
    for word in key.split():
        found = re.search(re.escape(word), text, flags=re.IGNORECASE)
        words.append(found.group(0) if found else word)
    return " ".join(words)


def merchant_names(keys: pd.Series, descriptions: pd.Series,
                   references: pd.Series | None = None) -> dict[str, str]:
    """``{merchant key: name as written}``. The key comes from the reference when a row has
    one (``normalise_merchant``), so the name is looked up there first."""
    text = descriptions.astype("object").fillna("").astype("str")
    if references is not None:
        reference = references.astype("object").fillna("").astype("str").str.strip()
        text = reference.where(reference != "", text)
    frame = pd.DataFrame({"key": keys.astype("str").to_numpy(), "text": text.to_numpy()})
    counts = frame.groupby(["key", "text"], sort=False).size().reset_index(name="n")
    most_frequent = counts.sort_values("n", ascending=False, kind="stable").drop_duplicates("key")
    return {key: _as_written(key, line) if key.strip() else line
            for key, line in zip(most_frequent["key"], most_frequent["text"], strict=True)}
