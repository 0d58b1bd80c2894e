"""The default category model: categories for an export nobody has labelled.

Trained on bank lines written from the lexicon (merchants of several countries in
their banks' statement styles, keywords, card-scheme wording; `category_taxonomy.
lexicon_examples`), from open brand knowledge (OpenStreetMap's name-suggestion-index:
brands of many countries with what they sell; `category_taxonomy.brand_examples`) and from
the everyday spending words of open classifications (COICOP 2018, ISO 18245 merchant
categories, OpenStreetMap's place presets in seven languages; `category_taxonomy.
word_examples`). No synthetic data: what it knows is open knowledge, rebuilt by ``make
knowledge``. A multinomial logistic regression on character and word n-grams of
``description | merchant`` (no legal forms: `company_words`) plus the money's direction.

Honest confidence: the temperature is fitted on lexicon entries held out whole
(a merchant never seen), so a confidence says how often an answer is right on a
merchant the model does not know by name, and it alone decides whether the model
answers (a line of unknown words gets a low confidence by itself; a familiar-word gate
that overruled a calibrated 0.88 without saying why was removed). A direction rule keeps
income, refunds and transfers apart from spending (`category_taxonomy.KIND_DIRECTIONS`).

Answers at the level it is sure of: a taxonomy group's probability is the sum of its
leaves', calibrated by a temperature of its own fitted on the same held-out merchants. A
leaf at least at the threshold is the answer (``level`` ``category``); else its group, when
the group is at least at the threshold (``group``: "food" when it cannot tell groceries from
restaurants); else ``uncertain``. Every group or uncertain answer says why (``reason``).
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.model_selection import GroupShuffleSplit

from titans_finance.core.schema import UNCERTAIN_CATEGORY
from titans_finance.models import check_hyper_parameters
from titans_finance.models.category import (
    _top_k,
    apply_temperature,
    fit_temperature,
    sparse_dot_ready,
)
from titans_finance.models.category.taxonomy import (
    Lexicon,
    Taxonomy,
    brand_examples,
    card_examples,
    content_words,
    label_examples,
    lexicon_examples,
    word_examples,
)
from titans_finance.models.category.company_words import CompanyWords, company_words
from titans_finance.models.category.default_design import (
    SCORING_DTYPE, TrainingLines, design, fit_classifier,
)
from titans_finance.models.category.personal import class_weights
from titans_finance.models.category.proof import proven_confidence
from titans_finance.models.category.earned_ceiling import answer_ceilings, fitted_ceilings
from titans_finance.models.category.row_memo import forget_rows, remembered_rows
from titans_finance.models.category.export_prior import fitted_shares
from titans_finance.models.category.prior_scope import under_scoped_prior

logger = logging.getLogger(__name__)


# The hyper-parameters (category.default_model and the block's seed) a fit reads.
HYPER_PARAMETERS = ("seed", "alpha", "max_iter", "max_text_features", "class_weight_power",
                    "calibration_share", "confidence_threshold", "top_k", "corroborating_words",
                    "uncorroborated_max_confidence", "uncorroborated_proof", "proof_z",
                    "corroborating_word_confidence", "dissenting_word_confidence",
                    "shared_code_max_confidence", "corroborated_proof")


class DefaultCategoryModel:
    """Taxonomy categories from the text and direction of a bank line (see module docstring).
    ``params``: ``category.default_model`` of conf/base/parameters_category.yml and the
    block's seed (`HYPER_PARAMETERS`), stored as given and checked by `fit`."""

    def __init__(self, taxonomy: Taxonomy, lexicon: Lexicon, params: dict[str, Any],
                 company_words: CompanyWords):
        self.taxonomy = taxonomy
        self.company_words = company_words  # read as no evidence (`lines_read`)
        self.noise = lexicon.noise
        self.params = dict(params)
        # set by fit from params (confidence_threshold, top_k)
        self.threshold: float | None = None
        self.top_k: int | None = None
        self.ceiling: float | None = None
        self.proven_ceiling: float | None = None
        self.corroborating_words: int | None = None
        self.word_confidence: float | None = None
        self.temperature = 1.0
        self.group_temperature = 1.0
        self.metadata: dict[str, Any] = {}

    # ------------------------------------------------------------------ fitting
    def _fit_once(self, lines: TrainingLines, rows: np.ndarray | None, y: np.ndarray,
                  weight: np.ndarray) -> tuple:
        """The vectorisers and classifier fitted on ``rows`` of ``lines`` (all when None),
        ``y`` and ``weight`` being those rows'."""
        fitted = lines.fitted(rows)
        classifier = fit_classifier(lines.design(fitted, rows, dtype=SCORING_DTYPE), y,
                                    weight, float(self.params["alpha"]),
                                    int(self.params["max_iter"]), int(self.params["seed"]))
        return (*fitted, classifier)

    @staticmethod
    def _matrix(vectorisers: tuple, text: np.ndarray, sign: np.ndarray,
                dtype: Any = np.float64) -> sparse.csr_matrix:
        """The design (`default_design.design`) in ``dtype``."""
        return design(vectorisers, text, sign, dtype)

    @classmethod
    def _scores(cls, vectorisers: tuple, classifier: Any, text: np.ndarray,
                sign: np.ndarray) -> np.ndarray:
        """The classifier's probabilities, its design in the coefficients' own type."""
        classifier = sparse_dot_ready(classifier)
        return classifier.predict_proba(cls._matrix(vectorisers, text, sign,
                                                    dtype=classifier.coef_.dtype))

    def fit(self, examples: pd.DataFrame) -> DefaultCategoryModel:
        """``examples``: description (already `category_text`), sign, category, group, and
        optionally weight (a line's weight in the fit; 1 when absent)."""
        check_hyper_parameters(self.params, HYPER_PARAMETERS, "DefaultCategoryModel",
                               "category.default_model in conf/base/parameters_category.yml")
        self.threshold = float(self.params["confidence_threshold"])
        self.top_k = int(self.params["top_k"])
        self.ceiling = float(self.params["uncorroborated_max_confidence"])
        self.corroborating_words = int(self.params["corroborating_words"])
        self.word_confidence = float(self.params["corroborating_word_confidence"])
        self.dissent_confidence = float(self.params["dissenting_word_confidence"])
        if self.dissent_confidence > self.word_confidence:
            raise ValueError(
                "category.default_model: dissenting_word_confidence "
                f"({self.dissent_confidence}) is above corroborating_word_confidence "
                f"({self.word_confidence}) in conf/base/parameters_category.yml: a word sure "
                "enough to corroborate must also be sure enough to dissent")
        self.shared_code_ceiling = float(self.params["shared_code_max_confidence"])
        # a corroborated answer rises above the ceiling only as far as such answers were
        # proven right on labelled exports (`proof.proven_confidence`)
        proof = self.params["corroborated_proof"]
        self.proven_ceiling = max(self.ceiling, proven_confidence(
            int(proof["right"]), int(proof["lines"]), float(self.params["proof_z"])))
        # and an uncorroborated one only as far as its answer's own proof (`earned_ceiling`)
        self.answer_ceilings_, self.unproven_ceiling_ = fitted_ceilings(self.params, self.taxonomy)
        text = self.lines_read(written := examples["description"].to_numpy(dtype=object))
        kept = self.company_words.kept(written, text)
        examples, text = examples[kept], text[kept]  # not a line of legal forms only
        sign = examples["sign"].to_numpy(dtype="int64")
        y = examples["category"].astype("str").to_numpy()
        weight = (examples["weight"].fillna(1.0).to_numpy(dtype="float64")
                  if "weight" in examples else np.ones(len(y)))
        # the knowledge's volume per category (~9,700 restaurant brand names, 14 of parking)
        # is how many chains and words exist, not how often a household pays for each, and
        # it was the fit's prior ("capital gains" paid out answered health): rebalanced
        balance = class_weights(y, float(self.params["class_weight_power"]), weight)
        weight = weight if balance is None else weight * balance
        seed = int(self.params["seed"])
        # temperature on whole lexicon entries held out: confidence on unseen merchants
        split = GroupShuffleSplit(n_splits=1, test_size=float(self.params["calibration_share"]),
                                  random_state=seed)
        train, held = next(split.split(text, y, examples["group"].to_numpy()))
        # the lines read once for both fits (`default_design.TrainingLines`)
        lines = TrainingLines(text, sign, int(self.params["max_text_features"]))
        chars, words, classifier = self._fit_once(lines, train, y[train], weight[train])
        classifier = sparse_dot_ready(classifier)
        proba = self._masked(classifier.predict_proba(lines.design(
            (chars, words), held, dtype=classifier.coef_.dtype)),
            np.asarray(classifier.classes_), sign[held])
        seen = np.isin(y[held], classifier.classes_)
        index = np.searchsorted(classifier.classes_, y[held][seen])
        self.temperature = fit_temperature(proba[seen], index)
        # the groups' own temperature, on the same merchants: a group's probability is the
        # sum of its leaves' calibrated ones, which sharpen or flatten otherwise than a leaf's
        self.groups_ = np.array(sorted(set(self.taxonomy.categories["group"])), dtype=object)
        held_groups = self._group_sums(apply_temperature(proba[seen], self.temperature),
                                       np.asarray(classifier.classes_))
        self.group_temperature = fit_temperature(held_groups, np.searchsorted(
            self.groups_, self.taxonomy.categories["group"].reindex(y[held][seen]).to_numpy()))
        self.chars, self.words, self.classifier = self._fit_once(lines, None, y, weight)
        forget_rows(self)  # a model fitted again: no row of its earlier fit is kept
        self.classes_ = np.asarray(self.classifier.classes_)
        # the fit's prior, which an export's own replaces (`export_prior.with_export_prior`)
        self.fitted_prior_, self.prior_weights = fitted_shares(y, weight, self.classes_), None
        self.known_words = frozenset(w for w in self.words.vocabulary_ if " " not in w)
        self.group_of_leaf_ = self.taxonomy.categories["group"].to_dict()
        self.shared_code_answers_ = shared_code_answers(self.taxonomy)
        self.word_answers_ = self._word_answers(sorted(self.known_words))
        self.dissenting_answers_ = self._word_answers(sorted(self.known_words),
                                                      self.dissent_confidence,
                                                      self.word_confidence)
        self.metadata = {"n_train": int(len(y)), "n_classes": int(len(self.classes_)),
                         "temperature": self.temperature,
                         "group_temperature": self.group_temperature,
                         "n_calibration": int(seen.sum())}
        logger.info("default category model: %d lines, %d categories, temperature %.2f "
                    "(groups %.2f)", len(y), len(self.classes_), self.temperature,
                    self.group_temperature)
        return self

    def _word_answers(self, words: list[str], bar: float | None = None,
                      below: float | None = None) -> dict[int, dict[str, str]]:
        """Each known word's own best leaf, alone on money out (-1) and in (+1), for the
        words whose answer alone is at least ``bar`` (default `word_confidence`: the evidence
        `_corroborated` counts) and, given ``below``, under it (`dissenting_answers_`: the
        words fairly sure of something, at least `dissent_confidence`, that are not already
        evidence). A word of several senses or an unsure one (e.g. "company", "movie" alone
        at 0.55 and 0.75 on the development fit) names nothing there. Computed once at fit,
        looked up when predicting."""
        bar = self.word_confidence if bar is None else bar
        text = np.array(words, dtype=object)
        # one plain str per category, shared by every word naming it (pickled once: ~30k
        # numpy strings were 2.5 MiB of the service's memory and slow to unpickle)
        leaves = self.classes_.tolist()
        answers = {}
        for direction in (-1, 1):
            proba = self.probabilities(text, np.full(len(text), direction))
            sure = proba.max(axis=1) >= bar
            if below is not None:
                sure &= proba.max(axis=1) < below
            answers[direction] = dict(zip(text[sure].tolist(),
                                          [leaves[i] for i in proba[sure].argmax(axis=1)],
                                          strict=True))
        return answers

    def _corroborated(self, line: str, direction: int, answer: str, level: str) -> bool:
        """Whether at least `corroborating_words` distinct known words of ``line`` each name
        ``answer`` alone at least at `word_confidence` (its leaf, or a leaf of its group for a
        group answer), and no word of it names anything else alone at least at
        `dissent_confidence` (words pulling several ways leave the answer to the model's
        weighing, not to agreeing evidence: "office chair repair", two words of furniture
        and one of repairs, is not sure to be furniture)."""
        side = 1 if direction > 0 else -1
        own = self.word_answers_[side]
        # a model pickled before `dissenting_answers_`: only the sure words dissent
        fair = getattr(self, "dissenting_answers_", {}).get(side, {})
        group_of = self.group_of_leaf_
        agreeing = 0
        for word in set(content_words(line, self.noise)):
            leaf = own.get(word) or fair.get(word)
            if leaf is None:
                continue
            if (leaf if level == "category" else group_of[leaf]) != answer:
                return False
            agreeing += word in own
        return agreeing >= self.corroborating_words

    def _grouping(self, classes: np.ndarray) -> tuple:
        """The group of each of ``classes``, and the column order, run starts and groups
        that sum them by group; computed once per set of classes."""
        cache = self.__dict__.setdefault("_group_matrix_of_classes", {})
        key = tuple(classes.tolist())
        if key not in cache:
            group = self.taxonomy.categories["group"].reindex(classes).to_numpy()
            index = np.searchsorted(self.groups_, group)
            order = np.argsort(index, kind="stable")
            starts = np.flatnonzero(np.r_[True, np.diff(index[order]) != 0])
            cache[key] = (group, order, starts, index[order][starts])
        return cache[key]

    def _group_sums(self, proba: np.ndarray, classes: np.ndarray) -> np.ndarray:
        """Rows' probabilities summed by taxonomy group (columns: `groups_`). Summed by
        sorted column runs, not a matrix product: a BLAS call on a loaded machine cost
        ~12 ms per 1,000 rows where this costs ~0.1 ms."""
        _, order, starts, present = self._grouping(classes)
        sums = np.zeros((len(proba), len(self.groups_)))
        if len(proba):
            sums[:, present] = np.add.reduceat(proba[:, order], starts, axis=1)
        return sums

    def _masked(self, proba: np.ndarray, classes: np.ndarray, sign: np.ndarray) -> np.ndarray:
        """Zero the categories a row's direction excludes (income never gets an expense
        category, spending never an income one), renormalised."""
        allowed = self._allowed(classes)
        mask = np.where((sign > 0)[:, None], allowed[1][None, :], allowed[0][None, :])
        proba = np.where(mask, proba, 0.0)
        total = proba.sum(axis=1, keepdims=True)
        return np.divide(proba, total, out=np.zeros_like(proba), where=total > 0)

    def _allowed(self, classes: np.ndarray) -> np.ndarray:
        """Which of ``classes`` each direction (-1, +1) allows, from the taxonomy: computed
        once per set of classes (a taxonomy look-up per class cost ~2 ms a request)."""
        cache = self.__dict__.setdefault("_allowed_by_classes", {})
        key = tuple(classes.tolist())
        if key not in cache:
            cache[key] = np.array([[d in self.taxonomy.directions(c) for c in classes]
                                   for d in (-1, 1)])
        return cache[key]

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()
                if k not in ("_allowed_by_classes", "_group_matrix_of_classes")}

    # ------------------------------------------------------------------ predicting
    def probabilities(self, text: np.ndarray, sign: np.ndarray) -> np.ndarray:
        """`knowledge_probabilities` under the user's export's prior when the model carries
        one (`export_prior.with_export_prior`): what the default model answers by."""
        return self.under_export_prior(self.knowledge_probabilities(text, sign))

    def under_export_prior(self, proba: np.ndarray) -> np.ndarray:
        """Rows of `knowledge_probabilities` under the export's prior where it applies."""
        return under_scoped_prior(self, proba)

    def knowledge_probabilities(self, text: np.ndarray, sign: np.ndarray) -> np.ndarray:
        """Calibrated probabilities over `classes_`, direction rules applied, at the fit's
        prior: the knowledge's evidence (the personal model's block: it learns the prior).

        Computed once per distinct line and direction, then spread to the rows: a row's
        probabilities depend on its own text and direction only (each step works row by
        row), so a repeated line gets the same numbers to the bit, and a batch of 1,000
        bank lines (~300 distinct) costs a third. The lines are read as `lines_read`."""
        text, sign = self.lines_read(text), np.asarray(sign)
        codes = pd.factorize(text)[0].astype(np.int64)
        # all the model reads of the sign: below, above or at zero
        direction = (sign > 0).astype(np.int64) - (sign < 0).astype(np.int64)
        _, first, spread = np.unique(codes * 3 + direction + 1, return_index=True,
                                     return_inverse=True)
        text, sign = text[first], sign[first]
        # a line seen in an earlier call: its row then (`row_memo`), the same to the bit
        keys = [f"{d:+d}{t}" if type(t) is str else None
                for d, t in zip(direction[first].tolist(), text.tolist(), strict=True)]
        proba = remembered_rows(self, keys, lambda rows: self._masked(apply_temperature(
            self._scores((self.chars, self.words), self.classifier, text[rows], sign[rows]),
            self.temperature), self.classes_, sign[rows]))
        return proba[spread.reshape(-1)]

    def lines_read(self, text: np.ndarray) -> np.ndarray:
        """The lines as the model reads them (training and serving): without the user's
        statement wording when it carries one (`statement_wording.with_statement_wording`;
        the knowledge model alone reads every word) and without legal forms and trade words
        (`company_words`)."""
        text = np.asarray(text, dtype=object)
        wording = getattr(self, "statement_wording", None)
        text = text if wording is None else wording.read(text)
        words = getattr(self, "company_words", None)  # None: a model pickled before them
        return text if words is None else words.drop(text)

    def group_probabilities(self, proba: np.ndarray) -> np.ndarray:
        """Calibrated probabilities over `groups_` from the rows' `probabilities`."""
        return apply_temperature(self._group_sums(proba, self.classes_), self.group_temperature)

    def predict_raw(self, text: np.ndarray, sign: np.ndarray,
                    threshold: float | None = None, proba: np.ndarray | None = None,
                    shown: np.ndarray | None = None) -> pd.DataFrame:
        """category, confidence, top_k (leaves), answers, level and reason of each row.

        ``level`` ``category``: the best leaf's calibrated confidence is at least the
        threshold; ``group``: it is not, but its group's is (category and confidence are the
        group's); ``uncertain``: neither (category is still the best leaf, as a guess, and
        answers is false). ``reason`` (empty for a leaf answer) says why a row is only a group
        or uncertain. ``proba``: the rows' `knowledge_probabilities`, when the caller has
        them (the export's prior is applied here); ``shown``: the text a reason quotes (default: the description part of ``text``)."""
        threshold = self.threshold if threshold is None else threshold
        text = self.lines_read(text)  # the words the answer and its reasons read
        proba = (self.probabilities(text, sign) if proba is None
                 else self.under_export_prior(proba))
        category, confidence, top_k = _top_k(proba, self.classes_, self.top_k)
        groups = self.group_probabilities(proba)
        best_group = groups.argmax(axis=1)
        group_confidence = groups[np.arange(len(groups)), best_group]
        leaf = confidence >= threshold
        group = ~leaf & (group_confidence >= threshold)
        level = np.where(leaf, "category", np.where(group, "group", "uncertain")).astype(object)
        category = np.where(group, self.groups_[best_group], category).astype(object)
        confidence = np.where(group, group_confidence, confidence)
        confidence = self._ceiled(text, sign, category, confidence, level)
        reason = self._reasons(text, proba, level, best_group, shown)
        return pd.DataFrame({"category": category, "confidence": confidence,
                             "top_k": top_k, "answers": leaf | group, "level": level,
                             "reason": reason})

    def _ceiled(self, text: np.ndarray, sign: np.ndarray, category: np.ndarray,
                confidence: np.ndarray, level: np.ndarray) -> np.ndarray:
        """Confidence above its answer's earned ceiling (`earned_ceiling`: at most `ceiling`)
        only for an answer several words corroborate: owners file one word more variously
        than the knowledge the temperature is fitted on ("parking" as travel). Above it needs
        `corroborating_words` distinct words each naming the answer alone, and no word fairly
        sure of another, and rises only to `proven_ceiling`, what such answers proved on
        labelled exports. `shared_code_answers` are held at `shared_code_ceiling`."""
        # owners file across a boundary the standards leave open (`shared_code_answers`)
        shared = np.isin(category, list(getattr(self, "shared_code_answers_", ())))
        limit = getattr(self, "shared_code_ceiling", 1.0)
        if (confidence[shared] > limit).any():
            confidence = np.where(shared, np.minimum(confidence, limit), confidence)
        # a model pickled before the earned ceilings: the one ceiling for every answer
        ceiling = answer_ceilings(category, getattr(self, "answer_ceilings_", {}),
                                  getattr(self, "unproven_ceiling_", self.ceiling))
        over = np.flatnonzero(confidence > ceiling)
        if not len(over):
            return confidence
        # each distinct (line, direction, answer, level) judged once: a batch repeats lines
        # (numbered by a dict: a MultiIndex's factorize cost ~1.5 ms of pandas a batch)
        numbers: dict[tuple, int] = {}
        codes = np.fromiter((numbers.setdefault(key, len(numbers)) for key in zip(
            text[over].tolist(), (sign[over] > 0).tolist(), category[over].tolist(),
            level[over].tolist())), dtype=np.int64, count=len(over))
        corroborated = np.array([self._corroborated(str(line), 1 if money_in else -1,
                                                    str(answer), str(answer_level))
                                 for line, money_in, answer, answer_level in numbers],
                                dtype=bool)
        confidence = confidence.copy()
        confidence[over[~corroborated[codes]]] = ceiling[over[~corroborated[codes]]]
        # corroborated: as far as answers of that kind were proven right (1: a model pickled
        # before the proof)
        lifted = over[corroborated[codes]]
        proven = getattr(self, "proven_ceiling", 1.0)
        confidence[lifted] = np.minimum(confidence[lifted], proven)
        return confidence

    def _reasons(self, text: np.ndarray, proba: np.ndarray, level: np.ndarray,
                 best_group: np.ndarray, shown: np.ndarray | None
                 ) -> np.ndarray:
        """Why a row is only a group ("between groceries and restaurants") or uncertain
        ("no known word in 'XQZ 4411 KT'", or the two leaves it hesitates between)."""
        reason = np.full(len(level), "", dtype=object)
        rows = np.flatnonzero(level != "category")
        if not len(rows):
            return reason
        of_class = self._grouping(self.classes_)[0]
        sub = proba[rows]
        # the two best leaves overall, and the two best inside the row's best group
        overall = np.argsort(-sub, axis=1, kind="stable")[:, :2]
        inside = of_class[None, :] == self.groups_[best_group[rows]][:, None]
        in_group = np.argsort(-np.where(inside, sub, -1.0), axis=1, kind="stable")[:, :2]
        known: dict[str, bool] = {}
        for k, i in enumerate(rows):
            if level[i] == "group":
                two = [c for c in in_group[k] if inside[k, c]]
                reason[i] = ("between " + " and ".join(self.classes_[two]) if len(two) > 1
                             else f"{self.classes_[two[0]]} not sure enough")
                continue
            line = str(text[i])
            if line not in known:
                known[line] = any(w in self.known_words for w in content_words(line, self.noise))
            if not known[line]:
                quoted = (str(shown[i]) if shown is not None else line.split("|", 1)[0]).strip()
                reason[i] = f"no known word in '{quoted}'"
            else:
                pair = " and ".join(self.classes_[overall[k]])
                reason[i] = f"between {pair}, neither sure enough"
        return reason

    def predict(self, text: np.ndarray, sign: np.ndarray,
                threshold: float | None = None) -> pd.DataFrame:
        """Like `predict_raw`, ``uncertain`` where it does not answer."""
        out = self.predict_raw(text, sign, threshold)
        out["category"] = np.where(out["answers"], out["category"], UNCERTAIN_CATEGORY)
        return out.drop(columns="answers")


def shared_code_answers(taxonomy: Taxonomy) -> frozenset[str]:
    """The leaves that one of the taxonomy's standard codes (COICOP, Schedule C line) files
    together with a leaf of another group, and those leaves' groups: Schedule C line 24a
    puts public transport, taxis and travel on one line, COICOP 08 telecom and shipping,
    COICOP 09.4 fitness, subscriptions and gambling. Where the standards leave the boundary
    open, owners file one line by occasion (a train ticket of a holiday as travel, the
    same ticket to work as transport), and no word of the line can tell which: an answer
    there is held at `shared_code_max_confidence`. Read from the taxonomy, not learnt."""
    table = taxonomy.categories
    leaves: set[str] = set()
    for column in ("coicop", "schedule_c"):
        coded = table[table[column].notna()]
        for _, same in coded.groupby(coded[column].astype(str)):
            if same["group"].nunique() > 1:
                leaves |= set(same.index)
    return frozenset(leaves | set(table.loc[sorted(leaves), "group"]))


def train_default_model(taxonomy_raw: Any, lexicon_raw: Any, brands: pd.DataFrame,
                        words: pd.DataFrame, company_words_table: pd.DataFrame,
                        params: dict[str, Any]) -> DefaultCategoryModel:
    """The default model from the taxonomy and lexicon files and open knowledge: ``brands``
    (conf/base/knowledge/osm_brands.csv, built by `knowledge.build_brands`) and ``words``
    (conf/base/knowledge/spending_words.csv, built by `knowledge.build_words`), without the
    words of ``company_words_table`` (company_words.csv). Same files, same model everywhere."""
    taxonomy = Taxonomy.from_dict(taxonomy_raw)
    lexicon = Lexicon.from_dict(lexicon_raw, taxonomy)
    check_hyper_parameters(params, ("seed", "lexicon_variants", "refund_share", "brand_variants",
                                    "card_name_length", "brand_weight", "word_variants",
                                    "word_weight", "label_weight"),
                           "train_default_model",
                           "category.default_model in conf/base/parameters_category.yml")
    seed = int(params["seed"])
    parts = [lexicon_examples(lexicon, taxonomy, int(params["lexicon_variants"]),
                              float(params["refund_share"]), seed),
             brand_examples(brands, lexicon, taxonomy, int(params["brand_variants"]), seed)
             .assign(weight=float(params["brand_weight"])),
             card_examples(brands, lexicon, taxonomy, int(params["card_name_length"]), seed)
             .assign(weight=float(params["brand_weight"])),
             word_examples(words, lexicon, taxonomy, int(params["word_variants"]), seed)
             .assign(weight=float(params["word_weight"])),
             label_examples(taxonomy, lexicon, int(params["word_variants"]), seed)
             .assign(weight=float(params["label_weight"]))]
    model = DefaultCategoryModel(taxonomy, lexicon, params, company_words(company_words_table))
    return model.fit(pd.concat(parts, ignore_index=True))
