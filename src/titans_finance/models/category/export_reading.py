"""The default model as a user's export is scored by it: learnt from the export's lines.

Two things the knowledge cannot know are learnt at training from every line of the user's
export, labels not read, and kept with the model whoever scores it (pipeline, app, service):
the statement wording its bank writes on most lines (`statement_wording`), then the
export's own category prior (`export_prior`), estimated from the lines as the model reads
them without that wording, with the lines it answers (`prior_scope`). One function for the
category and retrain pipelines and the benchmarks that score an export as `kedro run` does.
Plain module: no Kedro import.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from titans_finance.models.category.export_prior import with_export_prior
from titans_finance.models.category.model import model_inputs
from titans_finance.models.category.prior_scope import with_prior_scope
from titans_finance.models.category.statement_wording import with_statement_wording


def for_export(default_model: Any, transactions: pd.DataFrame, features: pd.DataFrame,
               wording: dict[str, Any], prior: dict[str, Any]) -> Any:
    """A copy of ``default_model`` reading lines without the statement wording of
    ``transactions`` (every line of the export; its ``account`` column when it has one) and
    answering under their prior the lines its knowledge leaves unanswered, or every line
    (`prior_scope`). ``features``: the transactions' feature rows, in the same order;
    ``wording``, ``prior``: ``category.statement_wording`` and ``category.export_prior``
    of conf/base/parameters_category.yml."""
    if len(features) != len(transactions):
        raise ValueError(f"export reading: {len(features)} feature rows for "
                         f"{len(transactions)} transactions")
    worded = with_statement_wording(default_model, transactions["description"],
                                    transactions["account"] if "account" in transactions
                                    else None, wording)
    text, _, sign = model_inputs(transactions, features)
    return with_prior_scope(with_export_prior(worded, text, sign, prior), prior)
