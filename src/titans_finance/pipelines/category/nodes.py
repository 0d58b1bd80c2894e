"""Category pipeline: labelled rows, the default model, honest evaluation, final fit,
predictions and the review queue. Thin nodes: the work is in `titans_finance.models`."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from titans_finance.core.fingerprint import computed_from
from titans_finance.core.scale import run_scoring
from titans_finance.models.category import CategoryModel
from titans_finance.models.category.default import DefaultCategoryModel, train_default_model
from titans_finance.models.category.evaluation import (
    category_rules_for,
    evaluate_category_model,
    predictions_table,
    review_queue,
)
from titans_finance.models.category.labels import select_labelled_transactions as labelled_rows
from titans_finance.models.category.export_reading import for_export
from titans_finance.parameters import CategorySettings, scale_of

logger = logging.getLogger(__name__)


def select_labelled_transactions(clean_transactions: pd.DataFrame, feature_table: pd.DataFrame,
                                 category_corrections: pd.DataFrame,
                                 params: dict[str, Any] | CategorySettings
                                 ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """The labelled rows after users' corrections, their features and what the
    corrections did (`models.category.labels.select_labelled_transactions`)."""
    return labelled_rows(clean_transactions, feature_table, category_corrections, params)


def fit_default_category_model(category_taxonomy: Any, category_lexicon: Any,
                               category_brands: pd.DataFrame, category_words: pd.DataFrame,
                               category_company_words: pd.DataFrame,
                               params: dict[str, Any] | CategorySettings) -> DefaultCategoryModel:
    """The default model (lexicon + open brand and spending-word knowledge), the same on
    every machine."""
    return train_default_model(category_taxonomy, category_lexicon, category_brands,
                               category_words, category_company_words,
                               CategorySettings.of(params).default_model_params())


def default_model_with_wording(default_category_model: DefaultCategoryModel,
                               clean_transactions: pd.DataFrame, feature_table: pd.DataFrame,
                               params: dict[str, Any] | CategorySettings) -> DefaultCategoryModel:
    """The default model reading the user's lines without their statement wording, learnt
    from every line of the export (labels not read), account by account, and answering
    under the export's own category prior (`models.category.export_reading`)."""
    settings = CategorySettings.of(params)
    return for_export(default_category_model, clean_transactions, feature_table,
                      settings.statement_wording.model_dump(), settings.export_prior.model_dump())


def evaluate_category(transactions: pd.DataFrame, features: pd.DataFrame, category_rules: Any,
                      default_category_model: DefaultCategoryModel,
                      params: dict[str, Any] | CategorySettings,
                      clean_transactions: pd.DataFrame
                      ) -> tuple[dict[str, Any], pd.DataFrame]:
    """``clean_transactions``: the whole clean table the labelled rows were selected from
    (its stamp goes with the metrics)."""
    metrics, holdout = evaluate_category_model(transactions, features, category_rules,
                                               CategorySettings.of(params).model_dump(),
                                               default_category_model)
    metrics["default_model"] = default_category_model.metadata
    metrics["computed_from"] = computed_from(clean_transactions)
    return metrics, holdout


def fit_category_model(transactions: pd.DataFrame, features: pd.DataFrame, category_rules: Any,
                       default_category_model: DefaultCategoryModel, metrics: dict[str, Any],
                       params: dict[str, Any] | CategorySettings) -> CategoryModel:
    """The evaluated recipe refitted on every labelled transaction, for serving.

    The calibration temperature is the one fitted (out of fold) for the evaluated model:
    the same recipe on a little more data, and it saves the out-of-fold refits.
    """
    params = CategorySettings.of(params).model_dump()
    model = CategoryModel(metrics.get("selected_model", "logistic_regression"), params,
                          category_rules_for(category_rules, transactions, features, params),
                          default_category_model)
    model.fit(transactions, features, calibrate=False)
    model.temperature = float(metrics.get("temperature", 1.0))
    model.metadata["temperature"] = model.temperature
    model.metadata["metrics"] = {k: v for k, v in metrics.items()
                                 if isinstance(v, int | float | str)}
    return model


def predict_categories(model: CategoryModel, clean_transactions: pd.DataFrame,
                       feature_table: pd.DataFrame, holdout_predictions: pd.DataFrame,
                       scale: dict[str, Any] | None = None) -> pd.DataFrame:
    """Categories for every unlabelled transaction (income included; final model) plus the
    hold-out predictions; with ``scale.engine: dask`` on partitions of whole accounts (the
    same ``predict``)."""
    unlabelled = clean_transactions["category"].isna().to_numpy()
    tx = clean_transactions[unlabelled].reset_index(drop=True)
    if not len(tx):
        return holdout_predictions
    predicted = run_scoring(model.predict, tx, feature_table[unlabelled].reset_index(drop=True),
                            scale=scale_of(scale))
    return pd.concat([holdout_predictions, predictions_table(tx, predicted, "unlabelled")],
                     ignore_index=True)


def category_review_queue(model: CategoryModel, clean_transactions: pd.DataFrame,
                          feature_table: pd.DataFrame, params: dict[str, Any] | CategorySettings
                          ) -> pd.DataFrame:
    """The transactions to correct first (see `review_queue`), among the unlabelled ones."""
    unlabelled = clean_transactions["category"].isna().to_numpy()
    tx = clean_transactions[unlabelled].reset_index(drop=True)
    features = feature_table[unlabelled].reset_index(drop=True)
    return review_queue(tx, features["merchant_key"], model.predict(tx, features),
                        CategorySettings.of(params).review_queue_size)
