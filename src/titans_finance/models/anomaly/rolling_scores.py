"""Scoring as the service scores: in date order, each transaction against its account's
rolling history (`titans_finance.core.rolling`). Its own module because it is the one place
the anomaly model meets the service's history code. No Kedro import."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from titans_finance.models.anomaly.model import AnomalyModel


def score_with_rolling_history(model: AnomalyModel, transactions: pd.DataFrame, state,
                               feature_params=None, limits=None
                               ) -> tuple[pd.DataFrame, Any]:
    """Score transactions as the service scores them, with the service's own code: sent in
    date order (as a bank feed sends them), each against its account's rolling history —
    ``state`` (the training `HistoryState`, or a `RollingHistory` to continue) followed by
    every transaction scored before it (`titans_finance.core.rolling`, with the service's
    default limits unless ``limits`` is given) — so a duplicate of a transaction seen after
    training is still caught. Returns the scores (input order) and the `RollingHistory`."""
    from titans_finance.core.rolling import RollingHistory

    history = (state if isinstance(state, RollingHistory)
               else RollingHistory(state, limits, feature_params))
    order = np.lexsort((np.arange(len(transactions)),
                        pd.to_datetime(transactions["date"]).to_numpy()))
    ordered = transactions.iloc[order]
    scored = model.score(ordered, history.features(ordered))
    inverse = np.empty(len(order), dtype="int64")
    inverse[order] = np.arange(len(order))
    scored = scored.iloc[inverse]
    scored.index = transactions.index
    return scored, history
