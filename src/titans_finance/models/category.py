"""Transaction category classifier: user rules first, then a calibrated text + numeric model.

Inputs per transaction: the description and merchant as text (character and
word n-grams), the payment method, the amount and the keyword flags of the
shared feature module. Candidates: multinomial logistic regression and LightGBM
on the same design matrix. Probabilities are calibrated by temperature scaling
fitted on out-of-fold predictions — unlike per-class Platt/isotonic calibration
it needs no minimum number of examples per class, so a category seen once is
handled. Below ``threshold`` confidence the model abstains (``uncertain``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import minimize_scalar
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from titans_finance.core.features import KEYWORDS
from titans_finance.core.schema import UNCERTAIN_CATEGORY

NUMERIC_INPUTS = ["log_abs_amount", "receipt_missing", "is_round_1", *KEYWORDS]
RULE_FIELDS = ("description", "merchant", "any")


class RuleError(ValueError):
    """A user category rule is malformed."""


@dataclass(frozen=True)
class CategoryRule:
    """``pattern`` (regular expression, case-insensitive) searched in ``field`` → ``category``."""

    pattern: str
    category: str
    field: str = "any"

    def compiled(self) -> re.Pattern:
        return re.compile(self.pattern, re.IGNORECASE)


def parse_rules(raw: Any) -> list[CategoryRule]:
    """Rules from the YAML structure ``{"rules": [{"pattern":..., "category":..., "field":...}]}``."""
    if raw is None:
        return []
    items = raw.get("rules", []) if isinstance(raw, dict) else raw
    if items is None:
        return []
    if not isinstance(items, list):
        raise RuleError("category rules: 'rules' must be a list of {pattern, category, field}")
    rules = []
    for number, item in enumerate(items, start=1):
        where = f"category rule #{number}"
        if not isinstance(item, dict):
            raise RuleError(f"{where}: expected a mapping with pattern and category, got {item!r}")
        unknown = set(item) - {"pattern", "category", "field"}
        if unknown:
            raise RuleError(f"{where}: unknown key(s) {sorted(unknown)}")
        pattern, category = item.get("pattern"), item.get("category")
        if not isinstance(pattern, str) or not pattern.strip():
            raise RuleError(f"{where}: 'pattern' must be a non-empty string")
        if not isinstance(category, str) or not re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", category):
            raise RuleError(f"{where}: 'category' must be snake_case, got {category!r}")
        field = item.get("field", "any")
        if field not in RULE_FIELDS:
            raise RuleError(f"{where}: 'field' must be one of {RULE_FIELDS}, got {field!r}")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise RuleError(f"{where}: invalid regular expression {pattern!r}: {exc}") from None
        rules.append(CategoryRule(pattern, category, field))
    return rules


def rules_from_corrections(merchant: pd.Series, category: pd.Series, corrected: pd.Series,
                           min_count: int) -> list[CategoryRule]:
    """A rule per merchant corrected at least ``min_count`` times, always to the same category.

    This is what users of rule-based tools expect: after correcting a merchant a
    few times, its transactions get that category without waiting for the model
    to learn it. A merchant corrected to different categories gets no rule.
    """
    if min_count < 1:
        raise RuleError(f"corrections.rule_min_count must be at least 1, got {min_count}")
    frame = pd.DataFrame({"merchant": merchant.astype("str").to_numpy(),
                          "category": category.astype("str").to_numpy(),
                          "corrected": corrected.to_numpy(dtype="bool")})
    frame = frame[frame["corrected"]]
    if frame.empty:
        return []
    grouped = frame.groupby("merchant")["category"].agg(["nunique", "size", "first"])
    chosen = grouped[(grouped["nunique"] == 1) & (grouped["size"] >= min_count)]
    return [CategoryRule(f"^{re.escape(name)}$", str(row["first"]), "merchant")
            for name, row in chosen.sort_index().iterrows()]


def apply_rules(rules: list[CategoryRule], description: pd.Series,
                merchant: pd.Series) -> pd.Series:
    """Category from the first matching rule per row (missing where none matches)."""
    result = pd.Series([None] * len(description), index=description.index, dtype="object")
    description = description.fillna("").astype("str")
    merchant = merchant.fillna("").astype("str")
    for rule in reversed(rules):  # later rules first, so earlier rules overwrite: first wins
        pattern = rule.compiled()
        if rule.field == "description":
            hit = description.str.contains(pattern, regex=True)
        elif rule.field == "merchant":
            hit = merchant.str.contains(pattern, regex=True)
        else:
            hit = description.str.contains(pattern, regex=True) | merchant.str.contains(
                pattern, regex=True)
        result[hit.to_numpy()] = rule.category
    return result


def _design_text(transactions: pd.DataFrame, features: pd.DataFrame) -> np.ndarray:
    """``description | merchant``, lowercased (one function for fitting and predicting)."""
    description = transactions["description"].to_numpy(dtype=object)
    merchant = features["merchant_key"].to_numpy(dtype=object)
    return np.array([f"{'' if pd.isna(d) else str(d).lower()} | {m}"
                     for d, m in zip(description, merchant, strict=True)], dtype=object)


def _design_payment(transactions: pd.DataFrame) -> np.ndarray:
    method = transactions["payment_method"].to_numpy(dtype=object)
    return np.where(pd.isna(method), "none", method).astype(object)


def design_frame(transactions: pd.DataFrame, features: pd.DataFrame) -> pd.DataFrame:
    """The model's inputs: text, payment method and numeric features, aligned by position."""
    numeric = features[NUMERIC_INPUTS].to_numpy(dtype="float64")
    return pd.DataFrame({"text": _design_text(transactions, features),
                         "payment_method": _design_payment(transactions),
                         **{c: numeric[:, j] for j, c in enumerate(NUMERIC_INPUTS)}})


def design_matrix(design: ColumnTransformer, transactions: pd.DataFrame,
                  features: pd.DataFrame) -> sparse.csr_matrix:
    """What the fitted ``design`` gives for `design_frame` (the same values: tested), block by
    block without building the frame. Scoring a few transactions is dominated by fixed costs
    (the frame, per-transformer checks): this is ~4× cheaper, and each distinct text is
    vectorised once (exports repeat descriptions)."""
    weights = design.transformer_weights or {}
    text_codes, texts = pd.factorize(_design_text(transactions, features))
    blocks = []
    for name, transformer, columns in design.transformers_:
        if isinstance(transformer, str):  # "drop" (the remainder): contributes no column
            continue
        if isinstance(transformer, TfidfVectorizer):
            block = transformer.transform(texts)[text_codes]
        elif isinstance(transformer, OneHotEncoder):
            categories = transformer.categories_[0]
            position = pd.Index(categories, dtype=object).get_indexer(
                _design_payment(transactions))
            known = position >= 0
            block = sparse.csr_matrix(
                (np.ones(int(known.sum())), (np.flatnonzero(known), position[known])),
                shape=(len(position), len(categories)))
        elif isinstance(transformer, StandardScaler):
            values = features[list(columns)].to_numpy(dtype="float64")
            block = sparse.csr_matrix((values - transformer.mean_) / transformer.scale_)
        else:
            raise TypeError(f"design block {name!r}: unexpected transformer {transformer!r}")
        blocks.append(block * weights.get(name, 1.0))
    return sparse.hstack(blocks, format="csr")


def _preprocessor(params: dict[str, Any]) -> ColumnTransformer:
    weights = params.get("block_weights", {})
    return ColumnTransformer(
        [("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(params.get(
            "char_ngram_range", (2, 5))), sublinear_tf=True, min_df=1,
            max_features=params.get("max_text_features")), "text"),
         ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True,
                                   max_features=params.get("max_text_features")), "text"),
         ("payment", OneHotEncoder(handle_unknown="ignore"), ["payment_method"]),
         ("numeric", StandardScaler(), NUMERIC_INPUTS)],
        transformer_weights={"chars": weights.get("chars", 1.0), "words": weights.get("words", 1.0),
                             "payment": weights.get("payment", 0.5),
                             "numeric": weights.get("numeric", 0.5)},
        sparse_threshold=1.0,
    )


def make_estimator(name: str, params: dict[str, Any]) -> Pipeline:
    if name == "logistic_regression":
        lr = params.get("logistic_regression", {})
        classifier = LogisticRegression(C=float(lr.get("C", 30.0)), max_iter=int(lr.get(
            "max_iter", 3000)))
    elif name == "lightgbm":
        from lightgbm import LGBMClassifier

        lgbm = params.get("lightgbm", {})
        classifier = LGBMClassifier(
            n_estimators=int(lgbm.get("n_estimators", 150)),
            learning_rate=float(lgbm.get("learning_rate", 0.1)),
            num_leaves=int(lgbm.get("num_leaves", 31)),
            min_child_samples=int(lgbm.get("min_child_samples", 5)),
            colsample_bytree=float(lgbm.get("colsample_bytree", 0.5)),
            n_jobs=int(params.get("n_jobs", 2)), random_state=int(params.get("seed", 42)),
            verbose=-1)
    else:
        raise ValueError(f"unknown category candidate {name!r}; use logistic_regression or lightgbm")
    return Pipeline([("design", _preprocessor(params)), ("classifier", classifier)])


def _softmax_log(log_proba: np.ndarray, temperature: float) -> np.ndarray:
    z = log_proba / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(proba: np.ndarray, y_index: np.ndarray) -> float:
    """Temperature minimising the negative log-likelihood of out-of-fold probabilities."""
    log_proba = np.log(np.clip(proba, 1e-12, 1.0))

    def nll(t: float) -> float:
        p = _softmax_log(log_proba, t)
        return -float(np.mean(np.log(np.clip(p[np.arange(len(y_index)), y_index], 1e-12, 1.0))))

    return float(minimize_scalar(nll, bounds=(0.05, 20.0), method="bounded").x)


def kfold_for(y: pd.Series, n_splits: int, seed: int):
    """Stratified folds when every class has ``n_splits`` examples, else plain shuffled folds."""
    if y.value_counts().min() >= n_splits:
        return StratifiedKFold(n_splits, shuffle=True, random_state=seed)
    return KFold(n_splits, shuffle=True, random_state=seed)


def out_of_fold_proba(name: str, params: dict[str, Any], X: pd.DataFrame, y: pd.Series,
                      classes: np.ndarray, n_splits: int, seed: int
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold probabilities over ``classes`` and a mask of rows whose class the fold saw.

    A row whose category is missing from its fold's training part (a category
    with one or two examples) says nothing about calibration — any model gives
    it probability zero — so it is left out of the temperature fit.
    """
    proba = np.zeros((len(X), len(classes)))
    seen = np.zeros(len(X), dtype=bool)
    position = {c: i for i, c in enumerate(classes)}
    for train, test in kfold_for(y, n_splits, seed).split(X, y):
        estimator = make_estimator(name, params).fit(X.iloc[train], y.iloc[train])
        columns = [position[c] for c in estimator.classes_]
        proba[np.ix_(test, columns)] = estimator.predict_proba(X.iloc[test])
        seen[test] = y.iloc[test].isin(estimator.classes_).to_numpy()
    return proba, seen


class CategoryModel:
    """Rules + calibrated classifier; `predict` gives category, confidence, top-k, source."""

    def __init__(self, estimator_name: str, params: dict[str, Any],
                 rules: list[CategoryRule] | None = None):
        self.estimator_name = estimator_name
        self.params = dict(params)
        self.rules = list(rules or [])
        self.threshold = float(params.get("confidence_threshold", 0.5))
        self.top_k = int(params.get("top_k", 3))
        self.temperature = 1.0
        self.estimator: Pipeline | None = None
        self.classes_: np.ndarray = np.array([])
        self.metadata: dict[str, Any] = {}

    def fit(self, transactions: pd.DataFrame, features: pd.DataFrame, calibrate: bool = True
            ) -> CategoryModel:
        X = design_frame(transactions, features)
        y = pd.Series(transactions["category"].to_numpy(), dtype="str")
        if y.nunique() < 2:
            raise ValueError(f"the category model needs at least two categories, got {y.unique()}")
        self.estimator = make_estimator(self.estimator_name, self.params).fit(X, y)
        self.classes_ = self.estimator.classes_
        n_splits = int(self.params.get("calibration_folds", 3))
        if n_splits != 0 and n_splits < 2:
            raise ValueError(f"category.calibration_folds must be 0 (no calibration) or at least "
                             f"2, got {n_splits}")
        if calibrate and n_splits and len(y) >= 2 * n_splits:
            seed = int(self.params.get("seed", 42))
            # one temperature needs no huge sample: the most recent rows suffice
            recent = slice(-int(self.params.get("calibration_max_rows", 20_000)), None)
            X_cal, y_cal = X.iloc[recent].reset_index(drop=True), y.iloc[recent].reset_index(
                drop=True)
            oof, seen = out_of_fold_proba(self.estimator_name, self.params, X_cal, y_cal,
                                          self.classes_, n_splits, seed)
            if seen.sum() >= 2 * len(self.classes_) or seen.sum() >= 20:
                index = np.searchsorted(self.classes_, y_cal.to_numpy()[seen])
                self.temperature = fit_temperature(oof[seen], index)
        dates = pd.to_datetime(transactions["date"])
        self.metadata = {"trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                         "n_train": int(len(y)), "n_classes": int(len(self.classes_)),
                         "estimator": self.estimator_name, "temperature": self.temperature,
                         "data_start": str(dates.min().date()), "data_end": str(dates.max().date())}
        return self

    def predict_proba(self, transactions: pd.DataFrame, features: pd.DataFrame) -> np.ndarray:
        if self.estimator is None:
            raise RuntimeError("CategoryModel is not fitted")
        design, classifier = (self.estimator.named_steps[s] for s in ("design", "classifier"))
        raw = classifier.predict_proba(design_matrix(design, transactions, features))
        return _softmax_log(np.log(np.clip(raw, 1e-12, 1.0)), self.temperature)

    def predict(self, transactions: pd.DataFrame, features: pd.DataFrame,
                threshold: float | None = None) -> pd.DataFrame:
        threshold = self.threshold if threshold is None else threshold
        proba = self.predict_proba(transactions, features)
        k = min(self.top_k, proba.shape[1])
        top = np.argsort(-proba, axis=1)[:, :k]
        top_p = np.take_along_axis(proba, top, axis=1)
        confidence = top_p[:, 0]
        category = np.where(confidence >= threshold, self.classes_[top[:, 0]], UNCERTAIN_CATEGORY)
        top_k = [[{"category": str(self.classes_[c]), "probability": float(p)}
                  for c, p in zip(row_c, row_p, strict=True)] for row_c, row_p in zip(top, top_p,
                                                                                         strict=True)]
        source = np.full(len(category), "model", dtype=object)
        if self.rules:
            ruled = apply_rules(self.rules, transactions["description"].reset_index(drop=True),
                                features["merchant_key"].reset_index(drop=True)).to_numpy()
            hit = pd.notna(ruled)
            category = np.where(hit, ruled, category)
            confidence = np.where(hit, 1.0, confidence)
            source[hit] = "rule"
        return pd.DataFrame({"category": category.astype(object), "confidence": confidence,
                             "top_k": top_k, "source": source}, index=transactions.index)
