"""The word memory of the personal model: a word (3+ letters) on at least
``word_memory_min_rows`` training rows, all filed one way, multiplies that label's odds on a
line holding it by its rows + 1 (at exactly that many rows, not one fewer); a word filed two
ways, or words naming different labels, leave the line to the model. A line with no such word
reads the words whose latest ``word_memory_latest_rows`` rows in a row carry one label (odds ×
(run + 1)); words always filed one way come first."""

from __future__ import annotations

import numpy as np
import pytest

from tests.models.category.test_memory import PARAMS
from tests.models.category.test_model import _data
from tests.models.category.test_name_match import _varied_lines
from titans_finance.models.category import CategoryModel
from titans_finance.models.category.memory import WordMemory
from titans_finance.models.category.model import design_text
from titans_finance.models.category.name_match import words_of

CLASSES = np.array(["bar", "restaurants"])


@pytest.mark.parametrize("rows, remembered", [(2, False), (3, True), (4, True)])
def test_a_word_is_remembered_from_min_rows_on(rows, remembered):
    memory = WordMemory(3, 0).fit(np.array(["buffalo pub"] * rows), np.array(["bar"] * rows))
    assert ("pub" in memory.label) is remembered
    proba = memory.blend(np.array(["connollys pub"]), np.array([[0.25, 0.75]]), CLASSES)
    # odds of bar × (rows + 1): 0.25 × 4 = 1 against 0.75 → 1 / 1.75
    expected = [[rows + 1, 3.0]] if remembered else [[1.0, 3.0]]
    np.testing.assert_allclose(proba, np.array(expected) / np.sum(expected))


def test_the_rows_of_a_line_s_most_frequent_word_count():
    memory = WordMemory(3, 0).fit(np.array(["buffalo pub"] * 3 + ["pub"] * 2),
                               np.array(["bar"] * 5))
    assert memory.label == {"buffalo": ("bar", 3), "pub": ("bar", 5)}
    assert memory.labels(np.array(["buffalo pub", "the pub", "cafe"])) == [
        ("bar", 5), ("bar", 5), None]


def test_a_word_filed_two_ways_or_words_naming_two_labels_name_nothing():
    lines = np.array(["pos purchase pub"] * 3 + ["pos purchase grill"] * 3)
    memory = WordMemory(3, 0).fit(lines, np.array(["bar"] * 3 + ["restaurants"] * 3))
    assert "purchase" not in memory.label and "pos" not in memory.label  # 2 letters: no word
    assert memory.labels(np.array(["pos purchase pub grill", "pos purchase"])) == [None, None]
    proba = np.array([[0.5, 0.5], [0.4, 0.6]])
    np.testing.assert_array_equal(
        memory.blend(np.array(["pub grill", "purchase"]), proba, CLASSES), proba)


def test_a_label_the_model_does_not_answer_is_left_and_no_memory_at_zero():
    memory = WordMemory(1, 0).fit(np.array(["gym"]), np.array(["sports"]))
    proba = np.array([[0.5, 0.5]])
    np.testing.assert_array_equal(memory.blend(np.array(["gym"]), proba, CLASSES), proba)
    assert len(WordMemory(0, 0).fit(np.array(["pub"] * 5), np.array(["bar"] * 5))) == 0
    with pytest.raises(ValueError, match="word_memory_min_rows"):
        WordMemory(-1, 0)


def test_the_model_reads_word_memory_min_rows():
    tx, features = _data()
    alone = {**PARAMS, "memory_min_repeats": 0, "word_memory_latest_rows": 0}
    on = CategoryModel("logistic_regression", {**alone, "word_memory_min_rows": 3}
                       ).fit(tx, features)
    off = CategoryModel("logistic_regression", {**alone, "word_memory_min_rows": 0}
                        ).fit(tx, features)
    assert len(on.words) > 0 and len(off.words) == 0
    scored, scored_f = tx.copy(), features.copy()
    new = slice(len(tx) // 2, None)  # half the rows a line never seen
    scored.iloc[new, scored.columns.get_loc("description")] = "Qwxz Plork"
    scored_f.iloc[new, scored_f.columns.get_loc("merchant_key")] = "qwxz plork"
    proba_on = on.predict_proba(scored, scored_f)
    proba_off = off.predict_proba(scored, scored_f)
    named = on.words.labels(design_text(scored, scored_f))
    hit = np.array([item is not None for item in named])
    assert hit.any() and (~hit).any()
    # the same personal model: a line naming no remembered word answers as without the memory
    np.testing.assert_allclose(proba_on[~hit], proba_off[~hit])
    for row in np.flatnonzero(hit):  # a named label's odds × (rows + 1), the row renormalised
        label, count = named[row]
        column = list(on.classes_).index(label)
        expected = proba_off[row].copy()
        expected[column] *= count + 1
        np.testing.assert_allclose(proba_on[row], expected / expected.sum())


def test_a_line_read_before_answers_the_same_and_a_refit_reads_it_again():
    memory = WordMemory(3, 0).fit(np.array(["pub"] * 3), np.array(["bar"] * 3))
    lines = np.array(["the pub", "cafe", "the pub"], dtype=object)
    assert memory.labels(lines) == memory.labels(lines) == [("bar", 3), None, ("bar", 3)]
    memory.fit(np.array(["pub"] * 4), np.array(["restaurants"] * 4))
    assert memory.labels(lines) == [("restaurants", 4), None, ("restaurants", 4)]


# a payee's gifts filed to one relative, then lately to another (oldest first)
DRIFT = np.array(["gift for chat"] * 4 + ["for chat"] * 5)


@pytest.mark.parametrize("latest, remembered", [(2, False), (3, True), (4, True)])
def test_a_word_lately_filed_one_way_is_remembered_from_latest_rows_on(latest, remembered):
    labels = np.array(["to mom"] * (9 - latest) + ["to bhabhi"] * latest)
    memory = WordMemory(0, 3).fit(DRIFT, labels)
    assert memory.label == {}  # "chat" filed two ways: never always one way
    assert ("chat" in memory.lately) is remembered
    classes = np.array(["to bhabhi", "to mom"])
    proba = memory.blend(np.array(["for chat and panipuri"]), np.array([[0.25, 0.75]]), classes)
    # odds of to bhabhi × (run + 1): "chat" and "for" both lately to bhabhi, run `latest`
    expected = [[latest + 1, 3.0]] if remembered else [[1.0, 3.0]]
    np.testing.assert_allclose(proba, np.array(expected) / np.sum(expected))


def test_the_run_counts_the_latest_rows_only_and_order_matters():
    labels = np.array(["to bhabhi"] * 3 + ["to mom"] * 4 + ["to bhabhi"] * 2)
    memory = WordMemory(0, 3).fit(DRIFT, labels)
    assert memory.lately == {}  # the latest two rows interrupt the run of four
    memory = WordMemory(0, 3).fit(DRIFT[::-1], labels[::-1])  # read the other way round
    assert memory.lately == {word: ("to bhabhi", 3) for word in ("gift", "for", "chat")}


def test_words_always_filed_one_way_come_first():
    lines = np.array(["buffalo pub"] * 3 + ["college gym"] * 2 + ["college cafe"] * 3
                     + ["college grill"] * 3)
    labels = np.array(["bar"] * 3 + ["sports"] * 2 + ["restaurants"] * 6)
    memory = WordMemory(3, 3).fit(lines, labels)
    assert memory.label["pub"] == ("bar", 3) and "college" not in memory.label
    assert memory.lately["college"] == ("restaurants", 6)
    # the pub's line keeps its always-one-way word; a line without one reads the latest runs
    assert memory.labels(np.array(["college pub", "college deli", "deli"])) == [
        ("bar", 3), ("restaurants", 6), None]
    assert len(memory) == len(memory.label.keys() | memory.lately.keys())


def test_words_always_filed_one_way_that_disagree_still_leave_the_latest_runs_unread():
    lines = np.array(["pub", "grill", "college gym"] + ["college cafe"] * 3)
    labels = np.array(["bar", "restaurants", "sports"] + ["restaurants"] * 3)
    memory = WordMemory(1, 3).fit(lines, labels)
    assert memory.lately["college"] == ("restaurants", 3) and "college" not in memory.label
    assert "pub" not in memory.lately  # one row: always one way, no run of 3
    # pub and grill always filed one way each, two labels: the line is left to the model,
    # its lately-filed "college" not read; without such words it is
    assert memory.labels(np.array(["college pub grill", "college deli"])) == [
        None, ("restaurants", 3)]


def test_no_latest_memory_at_zero_and_a_negative_run_refused():
    assert WordMemory(0, 0).fit(DRIFT, np.array(["to mom"] * 9)).lately == {}
    with pytest.raises(ValueError, match="word_memory_latest_rows"):
        WordMemory(0, -1)


def test_the_model_reads_word_memory_latest_rows_in_time_order():
    tx, features = _data()
    alone = {**PARAMS, "memory_min_repeats": 0, "word_memory_min_rows": 0}
    on = CategoryModel("logistic_regression", {**alone, "word_memory_latest_rows": 3}
                       ).fit(tx, features)
    off = CategoryModel("logistic_regression", {**alone, "word_memory_latest_rows": 0}
                        ).fit(tx, features)
    assert len(on.words.lately) > 0 and len(off.words) == 0
    # rows given newest first are read oldest first: the same memory
    backwards = CategoryModel("logistic_regression", {**alone, "word_memory_latest_rows": 3}
                              ).fit(tx.iloc[::-1], features.iloc[::-1])
    assert backwards.words.lately == on.words.lately
    lines = design_text(tx, features)
    named = on.words.labels(lines)
    hit = np.array([item is not None for item in named])
    assert hit.any()
    proba_on, proba_off = on.predict_proba(tx, features), off.predict_proba(tx, features)
    for row in np.flatnonzero(hit):  # a named label's odds × (run + 1), the row renormalised
        label, run = named[row]
        expected = proba_off[row].copy()
        expected[list(on.classes_).index(label)] *= run + 1
        np.testing.assert_allclose(proba_on[row], expected / expected.sum())


# -- all lines at once against the per-line reading it replaced ----------------------------

def _per_line_labels(memory: WordMemory, lines) -> list:
    """Each line read alone with `words_of`, as the code before the index read it."""
    out = []
    for line in np.asarray(lines, dtype=object).tolist():
        words = words_of(line)
        named = [memory.label[w] for w in words if w in memory.label]
        if not named:
            named = [memory.lately[w] for w in words if w in memory.lately]
        one = named and len({label for label, _ in named}) == 1
        out.append((named[0][0], max(rows for _, rows in named)) if one else None)
    return out


def _per_line_blend(memory: WordMemory, lines, proba, classes) -> np.ndarray:
    """The blend of the code before, row by row from `_per_line_labels`."""
    column = {label: i for i, label in enumerate(classes.tolist())}
    named = [(row, column[item[0]], item[1] + 1.0)
             for row, item in enumerate(_per_line_labels(memory, lines))
             if item is not None and item[0] in column]
    if not named:
        return proba
    rows, columns, factors = (np.array(part) for part in zip(*named, strict=True))
    out = proba.copy()
    out[rows, columns] *= factors
    total = out[rows].sum(axis=1, keepdims=True)
    out[rows] = np.divide(out[rows], total, out=np.zeros_like(out[rows]), where=total > 0)
    return out


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("min_rows, latest_rows", [(1, 1), (2, 2), (0, 1), (1, 0), (1, 2)])
def test_all_lines_at_once_give_the_per_line_labels_and_the_same_numbers(seed, min_rows,
                                                                          latest_rows):
    """The index (`_WordIndex`) names each line exactly as reading it alone with `words_of`
    did, and the blend gives the same probabilities to the bit, on lines of every kind
    (`test_name_match._varied_lines`: empty, plural s, 2- and 3-letter words, other
    scripts), repeated lines, a number, a label the model does not answer."""
    rng = np.random.default_rng(seed)
    training = _varied_lines(seed, 300)
    labels = np.array(["a", "b", "c", "d"])[rng.integers(0, 4, len(training))]
    memory = WordMemory(min_rows, latest_rows).fit(training, labels)
    scored = _varied_lines(seed + 100, 400)[:-3]  # texts, as the models read (`design_text`)
    scored = np.concatenate([scored, scored[:60], [42]])  # lines repeated; a number
    expected = _per_line_labels(memory, scored)
    assert memory.labels(scored) == expected
    named = {item[0] for item in expected if item is not None}
    assert len(named) > 1 and None in expected, "lines of several labels and of none"
    classes = np.array(["a", "b", "c"])  # "d" not answered: its rows are left
    proba = rng.dirichlet(np.ones(len(classes)), len(scored))
    proba[::7] = 0.0  # rows of zeros (every category excluded), named or not: they stay
    np.testing.assert_array_equal(memory.blend(scored, proba, classes),
                                  _per_line_blend(memory, scored, proba, classes))


def test_a_memory_fitted_again_reads_its_new_words():
    memory = WordMemory(1, 0).fit(np.array(["pub"]), np.array(["bar"]))
    assert memory.labels(np.array(["the pub", "gym"])) == [("bar", 1), None]
    memory.fit(np.array(["gym", "gym"]), np.array(["sports", "sports"]))
    assert memory.labels(np.array(["the pub", "gym"])) == [None, ("sports", 2)]
