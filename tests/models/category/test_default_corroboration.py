"""Confidence above the ceiling only for an answer several words corroborate: the ceiling
and the number of corroborating words each tested at the boundary and one step on each
side (a line resting on one word stays at the ceiling at most)."""

from __future__ import annotations

import numpy as np
import pytest

from titans_finance.models.category.taxonomy import category_text, content_words

SIGN = np.array([-1])


def _text(line: str) -> np.ndarray:
    return category_text(np.array([line], dtype=object), np.array([line], dtype=object))


def _answer(model, text, ceiling=None, words=None, proven=1.0):
    """The answer under this ceiling and number of corroborating words; ``proven``: the
    proof's cap on a corroborated answer (1: the corroboration rule alone; None: shipped)."""
    saved = (model.ceiling, model.corroborating_words, model.proven_ceiling,
             model.answer_ceilings_, model.unproven_ceiling_)
    try:
        model.ceiling = saved[0] if ceiling is None else ceiling
        model.corroborating_words = saved[1] if words is None else words
        model.proven_ceiling = saved[2] if proven is None else proven
        if ceiling is not None:  # this one ceiling for every answer (`earned_ceiling` aside)
            model.answer_ceilings_, model.unproven_ceiling_ = {}, ceiling
        return model.predict_raw(text, SIGN).iloc[0]
    finally:
        (model.ceiling, model.corroborating_words, model.proven_ceiling,
         model.answer_ceilings_, model.unproven_ceiling_) = saved


def _agreeing(model, line: str, leaf: str) -> int:
    own = model.word_answers_[-1]
    return sum(own.get(w) == leaf for w in set(content_words(line, model.noise)))


@pytest.fixture(scope="module")
def one_word(default_category_model):
    """A one-word line ("parking | parking": one name repeated) the model is sure of."""
    for word in ("parking", "petrol", "pharmacy", "bakery", "cinema", "taxi"):
        text = _text(word)
        raw = float(default_category_model.probabilities(text, SIGN).max())
        if raw > 0.6:
            return text, raw
    pytest.fail("no one-word line above 0.6")


@pytest.fixture(scope="module")
def corroborated(default_category_model):
    """A line of two words or more that each name its answer alone, its calibrated
    confidence above the shipped ceiling."""
    for line in ("restaurant meal dinner", "pharmacy medicine drugstore", "taxi cab ride",
                 "bakery bread", "cinema movie tickets", "petrol fuel station",
                 "grocery supermarket food", "bus train tram", "hairdresser haircut barber"):
        text = _text(line)
        proba = default_category_model.probabilities(text, SIGN)
        leaf = default_category_model.classes_[int(proba.argmax())]
        count = _agreeing(default_category_model, text[0], leaf)
        if count >= 2 and float(proba.max()) > default_category_model.ceiling:
            return text, float(proba.max()), count
    pytest.fail("no corroborated line above 0.6")


def test_a_one_word_answer_is_held_at_a_ceiling_just_below_it(default_category_model, one_word):
    text, raw = one_word
    below = np.nextafter(raw, 0)
    held = _answer(default_category_model, text, ceiling=below)
    assert held["confidence"] == below and held["level"] == "category"
    # at the ceiling and one step above: nothing to hold, the calibrated confidence stands
    for ceiling in (raw, np.nextafter(raw, 1)):
        assert _answer(default_category_model, text, ceiling=ceiling)["confidence"] == \
            pytest.approx(raw)


def test_enough_corroborating_words_lift_the_ceiling_and_one_too_few_do_not(
        default_category_model, corroborated):
    text, raw, count = corroborated
    ceiling = raw / 2
    for words, expected in ((count - 1, raw), (count, raw), (count + 1, ceiling)):
        out = _answer(default_category_model, text, ceiling=ceiling, words=words)
        assert out["confidence"] == pytest.approx(expected), words


def test_one_word_fairly_sure_of_another_answer_holds_the_answer(default_category_model):
    """Agreeing words with one word naming another leaf (of the answer's group or not) at
    least at `dissent_confidence`: held, however many agree; without it: lifted. A word
    below the dissent bar dissents from nothing."""
    model = default_category_model
    own, fair = model.word_answers_[-1], model.dissenting_answers_[-1]
    by_leaf: dict[str, list[str]] = {}
    for word, leaf in sorted(own.items()):
        if word not in model.noise:
            by_leaf.setdefault(leaf, []).append(word)
    answer, other = sorted(by_leaf, key=lambda leaf: -len(by_leaf[leaf]))[:2]
    agree, dissent = by_leaf[answer][:3], by_leaf[other][:1]
    fairly = [w for w, leaf in sorted(fair.items()) if leaf != answer and w not in model.noise]
    unsure = [w for w in sorted(model.known_words) if w not in own and w not in fair
              and w not in model.noise]
    assert fairly and unsure
    saved = model.corroborating_words
    try:
        model.corroborating_words = 2
        assert model._corroborated(" ".join(agree[:3]), -1, answer, "category")
        assert not model._corroborated(" ".join(agree[:3] + dissent), -1, answer, "category")
        assert not model._corroborated(" ".join(agree[:3] + fairly[:1]), -1, answer,
                                       "category")
        assert model._corroborated(" ".join(agree[:3] + unsure[:1]), -1, answer, "category")
        assert not model._corroborated(" ".join(agree[:1]), -1, answer, "category")
    finally:
        model.corroborating_words = saved


def test_the_dissent_bar_is_a_boundary_and_lies_below_the_corroborating_one(
        default_category_model):
    """A word exactly at `dissent_confidence` and below `word_confidence` is fairly sure (it
    dissents); a hair below it, not; at `word_confidence` it is evidence, not in the fairly
    sure words. A dissent bar above the corroborating one is refused at fit."""
    model = default_category_model
    word = "restaurant"
    own = float(model.probabilities(np.array([word], dtype=object), SIGN).max())
    for bar, counted in ((np.nextafter(own, 0), True), (own, True),
                         (np.nextafter(own, 1), False)):
        assert (word in model._word_answers([word], bar, 1.0)[-1]) is counted, bar
    assert word not in model._word_answers([word], np.nextafter(own, 0), own)[-1]
    assert model.dissent_confidence <= model.word_confidence
    params = {**model.params, "dissenting_word_confidence": 0.95,
              "corroborating_word_confidence": 0.9}
    with pytest.raises(ValueError, match="dissenting_word_confidence"):
        type(model)(model.taxonomy, _Lexicon(model.noise), params,
                    model.company_words).fit(_examples())


class _Lexicon:
    def __init__(self, noise):
        self.noise = noise


def _examples():
    import pandas as pd

    return pd.DataFrame({"description": ["milk", "taxi"], "sign": [-1, -1],
                         "category": ["groceries", "taxi_rideshare"],
                         "group": ["milk", "taxi"]})


def test_the_shipped_ceiling_holds_one_word_lines(default_category_model, one_word):
    text, _ = one_word
    assert _answer(default_category_model, text, proven=None)["confidence"] <= \
        default_category_model.ceiling


def test_a_word_corroborates_only_when_its_own_answer_is_sure_enough(default_category_model):
    """A word whose answer alone is exactly at `word_confidence` counts; a hair above
    its confidence as the bar, it names nothing (a word of several senses proves nothing)."""
    model = default_category_model
    word = "restaurant"
    own = float(model.probabilities(np.array([word], dtype=object), SIGN).max())
    saved = model.word_confidence
    try:
        for bar, counted in ((np.nextafter(own, 0), True), (own, True),
                             (np.nextafter(own, 1), False)):
            model.word_confidence = bar
            assert (word in model._word_answers([word])[-1]) is counted, bar
    finally:
        model.word_confidence = saved


def test_the_fitted_model_counts_exactly_its_sure_words(default_category_model):
    """At fit: the known words at or above the shipped bar name their answer, the others
    (there are some: a shipped bar that left none out would test nothing) name nothing."""
    model = default_category_model
    words = sorted(model.known_words)[::25]
    proba = model.probabilities(np.array(words, dtype=object), np.full(len(words), -1))
    sure = proba.max(axis=1) >= model.word_confidence
    own = model.word_answers_[-1]
    assert 0 < sure.sum() < len(words)
    assert [w in own for w in words] == sure.tolist()


def test_a_batch_judges_each_line_as_it_is_judged_alone(default_category_model, one_word,
                                                        corroborated):
    """Repeated lines, in both directions, are judged once per (line, direction, answer,
    level) in a batch: each row's confidence is the one it gets alone."""
    model = default_category_model
    lines = np.concatenate([one_word[0], corroborated[0], one_word[0], corroborated[0],
                            one_word[0]])
    signs = np.array([-1, -1, -1, 1, 1])
    saved = model.proven_ceiling
    try:
        model.proven_ceiling = 1.0  # the corroboration rule alone: a lifted line above
        batch = model.predict_raw(lines, signs)["confidence"].to_numpy()
        alone = [model.predict_raw(lines[[i]], signs[[i]])["confidence"].iloc[0]
                 for i in range(len(lines))]
    finally:
        model.proven_ceiling = saved
    np.testing.assert_array_equal(batch, alone)
    assert batch[0] == batch[2] and batch[0] <= model.ceiling < batch[1]


def _proven(model, text, proven):
    saved = model.proven_ceiling
    try:
        model.proven_ceiling = proven
        return model.predict_raw(text, SIGN).iloc[0]
    finally:
        model.proven_ceiling = saved


def test_a_corroborated_answer_rises_only_as_far_as_proven(default_category_model,
                                                           corroborated):
    """Corroborated, the confidence stops at `proven_ceiling`: one step below the
    answer's own confidence it is held there; at it and above, it stands."""
    text, raw, _ = corroborated
    below = np.nextafter(raw, 0)
    assert _proven(default_category_model, text, below)["confidence"] == below
    for proven in (raw, np.nextafter(raw, 1)):
        assert _proven(default_category_model, text, proven)["confidence"] == \
            pytest.approx(raw)


def test_the_shipped_proof_lifts_no_answer_above_the_ceiling(default_category_model,
                                                             corroborated):
    """13 lines right of 13 prove 0.83, below the ceiling of 0.9: a corroborated answer
    stays at the ceiling until more owners' lines prove more."""
    text, raw, _ = corroborated
    assert raw > default_category_model.ceiling
    assert default_category_model.proven_ceiling == default_category_model.ceiling
    assert _answer(default_category_model, text, proven=None)["confidence"] == \
        default_category_model.ceiling


def _fitted_proof(lines, right, ceiling):
    import yaml

    from titans_finance.models.category.default import train_default_model
    from tests.models.conftest import ROOT
    from tests.parameters import settings

    knowledge = ROOT / "conf/base/knowledge"
    params = {**settings("category").default_model_params(), "lexicon_variants": 1,
              "corroborated_proof": {"lines": lines, "right": right},
              "uncorroborated_max_confidence": ceiling}
    empty = _empty_knowledge(knowledge)
    return train_default_model(
        yaml.safe_load((ROOT / "conf/base/category_taxonomy.yml").read_text()),
        yaml.safe_load((ROOT / "conf/base/category_lexicon.yml").read_text()),
        empty["osm_brands.csv"], empty["spending_words.csv"], empty["company_words.csv"],
        params).proven_ceiling


def _empty_knowledge(knowledge):
    """The knowledge files with no row: the lexicon alone, a fit of ~2 s."""
    import pandas as pd

    return {name: pd.read_csv(knowledge / name, dtype=str, keep_default_na=False).iloc[:0]
            for name in ("osm_brands.csv", "spending_words.csv", "company_words.csv")}


def test_the_fit_takes_the_proof_or_the_ceiling_whichever_is_higher():
    """100 of 100 lines prove 0.9736; a ceiling one step above that wins, one step below
    (and at it) the proof is what a corroborated answer may reach."""
    from titans_finance.models.category.proof import proven_confidence

    bound = proven_confidence(100, 100, 1.645)
    assert _fitted_proof(100, 100, float(np.nextafter(bound, 0))) == bound
    assert _fitted_proof(100, 100, bound) == bound
    above = float(np.nextafter(bound, 1))
    assert _fitted_proof(100, 100, above) == above
