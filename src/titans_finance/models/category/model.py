"""Transaction categories: user rules, a personal model, the default model, abstention.

What a category answer is made of, in order (`CategoryModel.predict`):

1. the user's rules and the rules learnt from corrections (a merchant corrected once
   is fixed for all its transactions), before any model;
2. transfers between the user's own accounts (ingestion's optional ``is_transfer``);
3. the personal model, trained on the export's own labels when there are enough: character
   and word n-grams of ``description | merchant``, the amount and its sign (each with its own
   weight: ``block_weights.numeric``, ``block_weights.sign``; recent rows may weigh more,
   ``recency_half_life_days``), and the default model's probabilities as a prior, also
   carried into the user's categories (``block_weights.translated``); calibrated by
   temperature scaling on out-of-fold predictions, with one weight for the categories a line
   names (``name_match``, fitted with the temperature); rare categories weigh more in its fit
   (``class_weight_power``); a word or a line the user always (or lately) filed one way
   brings its label (``word_memory_min_rows``, ``word_memory_latest_rows``,
   ``memory_min_repeats``); it only answers in a direction (money
   in or out) its training saw, a category seen only in the other direction keeping
   ``unseen_direction_weight`` of its probability (a refund, a reversed cashback), and
   abstains on a description unlike its training data;
4. the default model (`default.py`, learnt from the lexicon and open brand and product
   knowledge), for everything the personal model leaves, its taxonomy category
   translated into the user's categories where the labels show a consistent mapping;
5. ``uncertain`` below the confidence threshold of the model that answered.

Inputs are only what a real export and a real request both have: description,
merchant (optional), amount, date. No receipt, payment method or status: the
service never receives them (the feature-audit test keeps it so).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar
from sklearn.model_selection import KFold, StratifiedKFold

from titans_finance.core.distinct_rows import DistinctRows, distinct_rows
from titans_finance.core.schema import UNCERTAIN_CATEGORY
from titans_finance.models import check_hyper_parameters
from titans_finance.models.category.memory import RepeatMemory, WordMemory, fitted_memories
from titans_finance.models.category.name_match import NameMatch
from titans_finance.models.category.personal import (  # noqa: F401 (part of this module's API)
    NUMERIC_INPUTS,
    CategoryDesign,
    PersonalClassifier,
    candidate_names,
    make_classifier,
    sparse_dot_ready,
)
from titans_finance.models.category.rules import (  # noqa: F401 (part of this module's API)
    RULE_FIELDS,
    CategoryRule,
    RuleError,
    apply_rules,
    parse_rules,
    rules_from_corrections,
)
from titans_finance.models.category.row_memo import forget_rows, remembered
from titans_finance.models.category.taxonomy import category_text, content_words

# The shipped hyper-parameters (conf/base/parameters_category.yml) a fit reads.
# how many of a call's rows must repeat an earlier row's inputs for `predict` (and its
# default model's answer) to answer each distinct row once: taking the rows apart and the
# answers back costs ~0.6-0.8 ms whatever the rows, a row saved ~5-10 µs (a 1,000-row batch
# of the default data repeats ~40 rows, the ~65 left to the default model ~20)
GROUPED_MIN_REPEATED_ROWS = 100
HYPER_PARAMETERS = ("confidence_threshold", "min_known_word_share", "top_k", "personal_min_labels",
                    "calibration_folds", "calibration_max_rows", "mapping_min_share", "seed",
                    "n_jobs", "block_weights", "max_text_features", "min_text_df",
                    "char_ngram_range", "logistic_regression", "lightgbm", "memory_min_repeats",
                    "class_weight_power", "unseen_direction_weight", "recency_half_life_days",
                    "prior_name_rows", "name_match_max_weight", "word_memory_min_rows",
                    "word_memory_latest_rows")
def design_text(transactions: pd.DataFrame, features: pd.DataFrame) -> np.ndarray:
    """``description | merchant`` as the category models read it (one function everywhere)."""
    return category_text(transactions["description"].to_numpy(dtype=object),
                         features["merchant_key"].to_numpy(dtype=object))


def amount_signs(features: pd.DataFrame) -> np.ndarray:
    """-1 for money out, +1 for money in (0 counts as out: a zero-amount line is a charge)."""
    return np.where(features["amount_sign"].to_numpy(dtype="float64") > 0, 1, -1)


def model_inputs(transactions: pd.DataFrame, features: pd.DataFrame
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(text, numeric matrix, sign) of each row: everything the category models read."""
    # the numeric columns one by one (a frame of them first cost ~0.15 ms a call)
    return (design_text(transactions, features),
            np.column_stack([features[name].to_numpy(dtype="float64")
                             for name in NUMERIC_INPUTS]), amount_signs(features))


def _softmax_log(log_proba: np.ndarray, temperature: float) -> np.ndarray:
    z = log_proba / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def apply_temperature(proba: np.ndarray, temperature: float) -> np.ndarray:
    """Probabilities sharpened (T < 1) or flattened (T > 1) by temperature scaling."""
    return _softmax_log(np.log(np.clip(proba, 1e-12, 1.0)), temperature)


def fit_temperature(proba: np.ndarray, y_index: np.ndarray) -> float:
    """Temperature minimising the negative log-likelihood of held-out probabilities."""
    log_proba = np.log(np.clip(proba, 1e-12, 1.0))

    def nll(t: float) -> float:
        p = _softmax_log(log_proba, t)
        return -float(np.mean(np.log(np.clip(p[np.arange(len(y_index)), y_index], 1e-12, 1.0))))

    return float(minimize_scalar(nll, bounds=(0.05, 20.0), method="bounded").x)


def kfold_for(y: pd.Series, n_splits: int, seed: int):
    """Stratified folds when every class has ``n_splits`` examples, else plain shuffled folds."""
    if pd.Series(y).value_counts().min() >= n_splits:
        return StratifiedKFold(n_splits, shuffle=True, random_state=seed)
    return KFold(n_splits, shuffle=True, random_state=seed)


def out_of_fold_proba(name: str, params: dict[str, Any], inputs: tuple, y: np.ndarray,
                      classes: np.ndarray, n_splits: int, seed: int, default_model: Any = None,
                      dates: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold probabilities over ``classes`` and a mask of rows whose class the fold saw.

    A row whose category is missing from its fold's training part (a category with one
    or two examples) says nothing about calibration — any model gives it probability
    zero — so it is left out of the temperature fit.
    """
    text, numeric, sign = inputs
    proba = np.zeros((len(y), len(classes)))
    seen = np.zeros(len(y), dtype=bool)
    position = {c: i for i, c in enumerate(classes)}
    for train, test in kfold_for(pd.Series(y), n_splits, seed).split(text, y):
        model = PersonalClassifier(name, params, default_model).fit(
            text[train], numeric[train], sign[train], y[train],
            None if dates is None else dates[train])
        columns = [position[c] for c in model.classes_]
        proba[np.ix_(test, columns)] = model.predict_proba(text[test], numeric[test], sign[test])
        seen[test] = np.isin(y[test], model.classes_)
    return proba, seen


@dataclass
class _Answer:
    category: np.ndarray
    confidence: np.ndarray
    top_k: list
    source: np.ndarray


def _top_k(proba: np.ndarray, classes: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, list]:
    k = min(k, proba.shape[1])
    top = np.argsort(-proba, axis=1)[:, :k]
    top_p = np.take_along_axis(proba, top, axis=1)
    # plain lists, built rank by rank (one comprehension of a column each, k in all, not
    # one per row: ~4x faster for 1,000 rows), then zipped into rows; a row with a
    # probability not above 0 among its k loses those items
    names = np.array([str(c) for c in classes], dtype=object)[top]
    ranks = [[{"category": c, "probability": p}
              for c, p in zip(names[:, j].tolist(), top_p[:, j].tolist(), strict=True)]
             for j in range(k)]
    items = [list(row) for row in zip(*ranks, strict=True)] if k else [[] for _ in top]
    for i in np.flatnonzero(~(top_p > 0).all(axis=1)).tolist():
        items[i] = [item for item in items[i] if item["probability"] > 0]
    return classes[top[:, 0]], top_p[:, 0], items


class CategoryModel:
    """Rules, transfers, the personal model, the default model; `predict` gives category,
    confidence, top-k and source (``rule``, ``transfer``, ``model``, ``default``).
    ``params``: the hyper-parameters of conf/base/parameters_category.yml
    (`HYPER_PARAMETERS`), stored as given and checked by `fit`."""

    def __init__(self, estimator_name: str, params: dict[str, Any],
                 rules: list[CategoryRule] | None = None, default_model: Any = None):
        self.estimator_name = estimator_name
        self.params = dict(params)
        self.rules = list(rules or [])
        self.default_model = default_model
        # set by fit from params (confidence_threshold, min_known_word_share, top_k)
        self.threshold: float | None = None
        self.min_known_share: float | None = None
        self.top_k: int | None = None
        self.temperature = 1.0
        self.personal: PersonalClassifier | None = None
        self.memory, self.words = RepeatMemory(0), WordMemory(0, 0)
        self.names: NameMatch | None = None
        self.classes_: np.ndarray = np.array([])
        self.direction_classes: dict[int, np.ndarray] = {}
        self.vocabulary: frozenset[str] = frozenset()
        self.merchants: frozenset[str] = frozenset()
        self.default_to_user: dict[str, str] = {}
        self.metadata: dict[str, Any] = {}

    # ------------------------------------------------------------------ fitting
    def fit(self, transactions: pd.DataFrame, features: pd.DataFrame, calibrate: bool = True
            ) -> CategoryModel:
        """The personal model on the labelled rows given (when there are enough of them)."""
        check_hyper_parameters(self.params, HYPER_PARAMETERS, "CategoryModel",
                               "conf/base/parameters_category.yml")
        self.threshold = float(self.params["confidence_threshold"])
        self.min_known_share = float(self.params["min_known_word_share"])
        self.top_k = int(self.params["top_k"])
        y = transactions["category"].astype("str").to_numpy()
        min_rows = int(self.params["personal_min_labels"])
        dates = pd.to_datetime(transactions["date"])
        self.metadata = {"trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                         "n_train": int(len(y)), "estimator": self.estimator_name,
                         "data_start": str(dates.min().date()) if len(dates) else None,
                         "data_end": str(dates.max().date()) if len(dates) else None}
        if len(y) < min_rows or len(set(y)) < 2:
            self.personal = None
            self.metadata.update(personal_model=False, reason=(
                f"{len(y)} labelled transactions in {len(set(y))} categories; the personal model "
                f"needs at least {min_rows} in 2 categories: the default model answers"))
            return self
        inputs = model_inputs(transactions, features)
        text, numeric, sign = inputs
        self.personal = PersonalClassifier(self.estimator_name, self.params,
                                           self.default_model).fit(text, numeric, sign, y,
                                                                   dates.to_numpy())
        self.classes_ = self.personal.classes_
        self.names = NameMatch(self.classes_, float(self.params["name_match_max_weight"]), text)
        self.memory, self.words = fitted_memories(self.params, text, y, dates.to_numpy())
        self.direction_classes = {d: np.array(sorted(set(y[sign == d]))) for d in (-1, 1)}
        noise = self.default_model.noise if self.default_model is not None else frozenset()
        self.vocabulary = frozenset(w for t in pd.unique(text) for w in content_words(t, noise))
        forget_rows(self)  # the shares of lines judged against an earlier fit's vocabulary
        self.merchants = frozenset(features["merchant_key"].astype("str"))
        self.default_to_user = self._default_mapping(text, sign, y)
        n_splits = int(self.params["calibration_folds"])
        if n_splits != 0 and n_splits < 2:
            raise ValueError(f"category.calibration_folds must be 0 (no calibration) or at least "
                             f"2, got {n_splits}")
        if calibrate and n_splits and len(y) >= 2 * n_splits:
            recent = slice(-int(self.params["calibration_max_rows"]), None)
            cal = tuple(a[recent] for a in inputs)
            oof, seen = out_of_fold_proba(self.estimator_name, self.params, cal, y[recent],
                                          self.classes_, n_splits,
                                          int(self.params["seed"]), self.default_model,
                                          dates.to_numpy()[recent])
            if seen.sum() >= 20:
                index = np.searchsorted(self.classes_, y[recent][seen])
                self.temperature = fit_temperature(oof[seen], index)
                self.names.fit(apply_temperature(oof[seen], self.temperature), cal[0][seen],
                               index)
        self.metadata.update(personal_model=True, n_classes=int(len(self.classes_)),
                             temperature=self.temperature, remembered_lines=len(self.memory),
                             name_match_weight=self.names.weight)
        return self

    def _default_mapping(self, text: np.ndarray, sign: np.ndarray, y: np.ndarray
                         ) -> dict[str, str]:
        """Taxonomy category → the user's category, where the labels agree on one.

        The default model's answer on the labelled rows, cross-tabulated with the labels:
        a taxonomy category seen at least twice whose rows carry one user category at least
        ``mapping_min_share`` of the time is translated to it.
        """
        if self.default_model is None:
            return {}
        predicted = self.default_model.predict_raw(text, sign)["category"]
        table = pd.crosstab(pd.Series(predicted, name="default"), pd.Series(y, name="user"))
        share = float(self.params["mapping_min_share"])
        mapping = {}
        for default, row in table.iterrows():
            if row.sum() >= 2 and row.max() / row.sum() >= share:
                mapping[str(default)] = str(row.idxmax())
        return mapping

    # ------------------------------------------------------------------ predicting
    def predict_proba(self, transactions: pd.DataFrame, features: pd.DataFrame) -> np.ndarray:
        """The personal model's calibrated probabilities over `classes_` (with the repeat
        memory blended in, as `predict` answers)."""
        if self.personal is None:
            raise RuntimeError("CategoryModel has no personal model (not fitted, or too few "
                               "labels)")
        prob = apply_temperature(self.personal.predict_proba(*model_inputs(transactions, features)),
                                 self.temperature)
        return self._remembered(design_text(transactions, features), prob)

    def _remembered(self, text: np.ndarray, proba: np.ndarray) -> np.ndarray:
        """``proba`` with the categories the line names (name_match.py), then the labels of
        the words and the lines the user always filed one way (memory.py) blended in."""
        names = getattr(self, "names", None)  # a model pickled before any existed: none
        proba = proba if names is None else names.apply(proba, text)
        for memory in (getattr(self, "words", None), getattr(self, "memory", None)):
            proba = proba if memory is None else memory.blend(text, proba, self.classes_)
        return proba

    def familiar(self, text: np.ndarray, features: pd.DataFrame) -> np.ndarray:
        """Rows like the personal model's training data: a known merchant, or most words known."""
        noise = self.default_model.noise if self.default_model is not None else frozenset()
        merchants = self.merchants  # a set lookup per row (isin converted the whole set)
        known_merchant = np.fromiter((key in merchants for key in features["merchant_key"]
                                      .astype("str").tolist()), dtype=bool, count=len(features))
        codes, lines = pd.factorize(np.asarray(text, dtype=object),  # each line judged once
                                    use_na_sentinel=False)
        # a line judged in an earlier call: its share then (`row_memo`; it reads the line
        # and the fitted vocabulary only)
        lines = lines.tolist()
        share = np.array(remembered(self, lines, lambda rows: [
            _known_share(lines[i], self.vocabulary, noise) for i in rows.tolist()]),
            dtype="float64")
        return known_merchant | (share[codes] >= self.min_known_share)

    def _personal_answer(self, transactions, features, threshold: float,
                         inputs: tuple | None = None, prior: np.ndarray | None = None
                         ) -> _Answer:
        n = len(transactions)
        text, numeric, sign = inputs if inputs is not None else model_inputs(transactions,
                                                                               features)
        proba = apply_temperature(self.personal.predict_proba(text, numeric, sign, prior),
                                  self.temperature)
        proba = self._remembered(text, proba)
        proba = proba * self._direction_factor(sign)
        total = proba.sum(axis=1, keepdims=True)
        proba = np.divide(proba, total, out=np.zeros_like(proba), where=total > 0)
        category, confidence, top_k = _top_k(proba, self.classes_, self.top_k)
        answers = (total[:, 0] > 0) & (confidence >= threshold)
        if threshold > 0:
            answers &= self.familiar(text, features)
        return _Answer(np.where(answers, category, UNCERTAIN_CATEGORY).astype(object),
                       confidence, top_k, np.full(n, "model", dtype=object))

    def _direction_factor(self, sign: np.ndarray) -> np.ndarray:
        """Rows × classes: 1 where training saw the class in the row's direction (money in or
        out), else ``unseen_direction_weight``; 0 for every class in a direction training
        never saw at all (no income labelled: the personal model does not answer income)."""
        # a model pickled before the parameter existed keeps the hard rule it was fitted with
        unseen = float(self.params.get("unseen_direction_weight", 0.0))
        factor = np.zeros((len(sign), len(self.classes_)))
        for direction, classes in self.direction_classes.items():
            if len(classes):
                factor[sign == direction] = np.where(np.isin(self.classes_, classes), 1.0,
                                                     unseen)
        return factor

    def predict(self, transactions: pd.DataFrame, features: pd.DataFrame,
                threshold: float | None = None) -> pd.DataFrame:
        """Category, confidence, top-k, source, level and reason of each row (see the module
        docstring). ``level``: ``category``, ``group`` (the default model is sure of the
        taxonomy group only: category holds the group) or ``uncertain``; ``reason`` says why
        a row is not a category (empty otherwise).

        ``threshold`` (default: the model's ``confidence_threshold``) applies to the personal
        model; 0 makes it answer every row in a direction it knows.

        A row's answer depends on its `ROW_INPUTS` alone (every step is row by row), so
        rows of the same inputs (a subscription, a repeated fee) are answered once and the
        answer taken back to each of them: the same answer to the bit (their ``top_k``
        lists are one object, never changed in place) — when at least
        `GROUPED_MIN_REPEATED_ROWS` rows are repeats: taking the rows' frames and the
        answer apart and back costs more than a few rows save.
        """
        distinct = distinct_rows(*row_inputs(transactions, features))
        if distinct is None or not worth_grouping(distinct):
            return self._predict(transactions, features, threshold)
        answer = self._predict(distinct.take(transactions), distinct.take(features), threshold)
        answer = answer.take(distinct.inverse)
        answer.index = transactions.index
        return answer

    def _predict(self, transactions: pd.DataFrame, features: pd.DataFrame,
                 threshold: float | None) -> pd.DataFrame:
        threshold = self.threshold if threshold is None else threshold
        n = len(transactions)
        category = np.full(n, UNCERTAIN_CATEGORY, dtype=object)
        confidence = np.zeros(n)
        top_k: list = [[] for _ in range(n)]
        source = np.full(n, "model", dtype=object)
        # the level answered (category, group, uncertain) and why a row is not a category
        level = np.full(n, "category", dtype=object)
        reason = np.full(n, "", dtype=object)
        todo = np.ones(n, dtype=bool)
        if self.rules:
            ruled = apply_rules(self.rules, transactions["description"].reset_index(drop=True),
                                features["merchant_key"].reset_index(drop=True)).to_numpy()
            hit = pd.notna(ruled)
            category[hit], confidence[hit], source[hit] = ruled[hit], 1.0, "rule"
            todo &= ~hit
        if "is_transfer" in transactions:
            transfer = transactions["is_transfer"].fillna(False).to_numpy(dtype=bool) & todo
            category[transfer], confidence[transfer], source[transfer] = "transfer", 1.0, "transfer"
            todo &= ~transfer
        # the text and the default model's probabilities of the rows left, computed once:
        # the personal design reads them, and the default model answers where it abstains
        scored = np.flatnonzero(todo)
        inputs = prior = None
        if len(scored) and (self.personal is not None or self.default_model is not None):
            inputs = model_inputs(_taken(transactions, scored), _taken(features, scored))
            design = self.personal.design if self.personal is not None else None
            if self.default_model is not None and (
                    design is None or (design.default_model is self.default_model
                                       and design.weights["default"] > 0)):
                prior = self.default_model.knowledge_probabilities(inputs[0], inputs[2])
        if self.personal is not None and todo.any():
            rows = np.flatnonzero(todo)
            answer = self._personal_answer(_taken(transactions, rows), _taken(features, rows),
                                           threshold, inputs, prior)
            category[rows], confidence[rows], source[rows] = (answer.category, answer.confidence,
                                                              answer.source)
            if len(rows) == n:  # every row (no rule, no transfer): the lists as they are
                top_k = list(answer.top_k)
            else:
                for i, items in zip(rows.tolist(), answer.top_k, strict=True):
                    top_k[i] = items
            todo[rows] = answer.category == UNCERTAIN_CATEGORY
            level[rows[todo[rows]]] = "uncertain"
            reason[rows[todo[rows]]] = [
                f"the personal model does not answer (confidence {c:.2f})"
                for c in confidence[rows[todo[rows]]]]
        if self.default_model is not None and todo.any():
            rows = np.flatnonzero(todo)
            at = np.searchsorted(scored, rows)  # the rows left are rows scored above
            shown = transactions["description"].to_numpy(dtype=object)[rows]
            answer = self._default_answer(inputs[0][at], inputs[2][at],
                                          None if prior is None else prior[at], shown)
            mapped = np.array([self.default_to_user.get(c, c) for c in answer["category"]],
                              dtype=object)
            confident = answer["answers"].to_numpy()
            keep_personal = (self.personal is not None) & (confidence[rows] > answer[
                "confidence"].to_numpy()) & ~confident
            use = ~keep_personal
            chosen = rows[use]
            category[chosen] = np.where(confident[use], mapped[use], UNCERTAIN_CATEGORY)
            confidence[chosen] = answer["confidence"].to_numpy()[use]
            source[chosen] = "default"
            level[rows] = np.where(use, answer["level"].to_numpy(), "uncertain")
            reason[rows] = answer["reason"].to_numpy()
            for i, items in zip(chosen, answer["top_k"].to_numpy()[use], strict=True):
                top_k[i] = [{**item, "category": self.default_to_user.get(item["category"],
                                                                           item["category"])}
                            for item in items]
        unanswered = (category == UNCERTAIN_CATEGORY) & (level == "category")
        level[unanswered], reason[unanswered] = "uncertain", "no model answers"
        return pd.DataFrame({"category": category, "confidence": confidence, "top_k": top_k,
                             "source": source, "level": level, "reason": reason},
                            index=transactions.index)

    def _default_answer(self, text: np.ndarray, sign: np.ndarray, prior: np.ndarray | None,
                        shown: np.ndarray) -> pd.DataFrame:
        """The default model's `predict_raw` of the rows the personal model left: once per
        distinct (text, sign, description shown) — its answer reads nothing else (``prior``:
        the rows' `probabilities`, a function of text and sign) — taken back to the rows
        (when enough rows repeat: `worth_grouping`)."""
        distinct = distinct_rows(text, sign, shown)
        if distinct is None or not worth_grouping(distinct):
            return self.default_model.predict_raw(text, sign, proba=prior, shown=shown)
        answer = self.default_model.predict_raw(
            distinct.take(text), distinct.take(sign),
            proba=None if prior is None else distinct.take(prior), shown=distinct.take(shown))
        return answer.take(distinct.inverse).reset_index(drop=True)


# What a row's category answer reads (`CategoryModel.predict`): its description (the rules,
# the text, the reasons quoted), its merchant key, the amount's numeric inputs and, when the
# frame has it, ingestion's ``is_transfer``.
ROW_INPUTS = ("description", "merchant_key", *NUMERIC_INPUTS, "is_transfer")


def worth_grouping(distinct: DistinctRows) -> bool:
    """Whether at least `GROUPED_MIN_REPEATED_ROWS` rows (and one) repeat an earlier row's
    inputs."""
    repeats = len(distinct.inverse) - len(distinct)
    return repeats > 0 and repeats >= GROUPED_MIN_REPEATED_ROWS


def row_inputs(transactions: pd.DataFrame, features: pd.DataFrame) -> list[np.ndarray]:
    """The columns of `ROW_INPUTS` the rows have (``is_transfer`` only where present)."""
    columns = [transactions["description"].to_numpy(dtype=object),
               features["merchant_key"].to_numpy(dtype=object)]
    columns += [features[name].to_numpy(dtype="float64") for name in NUMERIC_INPUTS]
    if "is_transfer" in transactions:  # as `CategoryModel._predict` reads it
        columns.append(transactions["is_transfer"].fillna(False).to_numpy(dtype=bool))
    return columns


def _taken(frame: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """``frame.iloc[rows]`` (``rows`` ascending, distinct); the frame itself when they are
    all its rows (the common case: a copy of every column for nothing)."""
    return frame if len(rows) == len(frame) else frame.iloc[rows]


def _known_share(text: str, vocabulary: frozenset[str], noise: frozenset[str]) -> float:
    words = content_words(text, noise)
    if not words:
        return 0.0
    return sum(w in vocabulary for w in words) / len(words)

