"""Lines that name a user's category (`name_match`): the share of the name's words a line
holds, each word by its rarity in the user's lines (a word on every line counts 0), one
weight fitted by the held-out likelihood between 0 and the bound (0 at a bound of 0, or when
the names say nothing), applied as ``exp(weight × share)``."""

from __future__ import annotations

import numpy as np
import pytest

from titans_finance.models.category.name_match import NameMatch, words_of

CLASSES = np.array(["Education", "House Maintenance/equipment", "Bank Charges and Fees"])
LINES = np.array(["lunch", "coffee", "bus ticket"], dtype=object)  # no name word: all as rare


def test_words_are_three_letters_or_more_lowercased_without_a_final_s():
    assert words_of("Fees: SMS fee, 2x Restaurants & Bar") == {"fee", "sms", "restaurant",
                                                                "bar"}
    assert words_of("gas bus") == {"gas", "bus"}  # three letters: a final s kept
    assert words_of("of to 42") == set()


def test_a_share_is_the_part_of_the_name_a_line_holds():
    shares = NameMatch(CLASSES, 5.0, LINES).shares(np.array(
        ["Education Dataquest", "home maintenance", "Monthly fee charges", "Groceries",
         "Education Dataquest"], dtype=object))
    np.testing.assert_allclose(shares, [[1, 0, 0], [0, 1 / 3, 0], [0, 0, 2 / 4],
                                        [0, 0, 0], [1, 0, 0]])


def test_a_name_word_counts_by_its_rarity_in_the_user_s_lines():
    lines = np.array(["POS Purchase cafe", "POS Purchase shop", "POS Purchase bar",
                      "general store"], dtype=object)
    names = NameMatch(np.array(["General Purchases", "Purchases"]), 5.0, lines)
    shares = names.shares(np.array(["POS Purchase deli", "general shop"], dtype=object))
    rare, common = np.log(5 / 2), np.log(5 / 4)  # "general" on 1 row of 4, "purchase" on 3
    np.testing.assert_allclose(shares, [[common / (rare + common), 1.0],
                                        [rare / (rare + common), 0.0]])
    everywhere = NameMatch(np.array(["Purchases"]), 5.0, lines[:3])  # on every line: 0
    assert not everywhere.shares(np.array(["POS Purchase deli"], dtype=object)).any()


def _held_out(named_right: bool):
    """Held-out answers unsure between the three, the truth the named category (or not)."""
    text = np.array(["Education course", "house maintenance equipment", "bank fees"] * 10,
                    dtype=object)
    proba = np.full((30, 3), 1 / 3)
    truth = np.tile([0, 1, 2], 10) if named_right else np.tile([1, 2, 0], 10)
    return proba, text, truth


def test_the_weight_grows_where_names_tell_the_truth_and_stays_0_where_they_do_not():
    proba, text, truth = _held_out(named_right=True)
    assert NameMatch(CLASSES, 5.0, LINES).fit(proba, text, truth).weight > 4.0  # near the bound
    proba, text, truth = _held_out(named_right=False)
    assert NameMatch(CLASSES, 5.0, LINES).fit(proba, text, truth).weight == 0.0


def test_a_bound_of_0_turns_it_off_and_a_negative_one_is_refused():
    proba, text, truth = _held_out(named_right=True)
    names = NameMatch(CLASSES, 0.0, LINES).fit(proba, text, truth)
    assert names.weight == 0.0
    assert names.apply(proba, text) is proba
    with pytest.raises(ValueError, match="name_match_max_weight"):
        NameMatch(CLASSES, -1.0, LINES)


def test_apply_multiplies_by_exp_weight_share_and_renormalises():
    names = NameMatch(CLASSES, 5.0, LINES)
    names.weight = np.log(4.0)
    proba = np.array([[0.5, 0.25, 0.25], [0.2, 0.4, 0.4]])
    out = names.apply(proba, np.array(["education", "nothing named"], dtype=object))
    np.testing.assert_allclose(out[0], np.array([2.0, 0.25, 0.25]) / 2.5)
    np.testing.assert_allclose(out[1], proba[1])


def test_the_model_fits_the_weight_with_its_temperature_and_answers_with_it():
    from tests.models.category.test_model import _data
    from tests.parameters import parameters
    from titans_finance.models.category import CategoryModel, apply_temperature, model_inputs

    tx, features = _data()
    params = {**parameters("category"), "seed": 0, "calibration_folds": 3,
              "memory_min_repeats": 0, "word_memory_min_rows": 0, "word_memory_latest_rows": 0}
    model = CategoryModel("logistic_regression", {**params, "name_match_max_weight": 5.0}
                          ).fit(tx, features)
    assert 0.0 <= model.names.weight <= 5.0
    assert model.metadata["name_match_weight"] == model.names.weight
    text, numeric, sign = model_inputs(tx, features)
    calibrated = apply_temperature(model.personal.predict_proba(text, numeric, sign),
                                   model.temperature)
    np.testing.assert_allclose(model.predict_proba(tx, features),
                               model.names.apply(calibrated, text))
    off = CategoryModel("logistic_regression", {**params, "name_match_max_weight": 0.0}
                        ).fit(tx, features)
    assert off.names.weight == 0.0


def test_the_scan_finds_exactly_the_name_words_of_words_of():
    classes = np.array(["Fees", "Restaurants & Bars", "Gas", "Glass", "Buses", "Café"])
    names = NameMatch(classes, 5.0, LINES)
    lines = np.array(["bank fees", "fee", "feesy", "restaurants&bars", "barss", "gas gass",
                      "glass", "glas", "buse", "buses 2", "x2fee", "café", "cafés", "cafe",
                      "afees", "RESTAURANT", "nothing here"], dtype=object)
    expected = np.zeros((len(lines), len(classes)))
    for row, line in enumerate(lines.tolist()):
        for word in words_of(line):
            for column, share in names.by_word.get(word, ()):
                expected[row, column] += share
    np.testing.assert_allclose(names.shares(lines), expected)


# -- the scan of all lines at once against the per-line reading it replaced ---------------

def _per_line_rarity(classes, lines) -> dict[str, float]:
    """Each name word's rarity counted line by line with `words_of` (the reading before)."""
    wanted = set().union(*(words_of(c) for c in classes.tolist()))
    rows_with = dict.fromkeys(wanted, 0)
    for line in np.asarray(lines, dtype=object).tolist():
        for word in words_of(line) & wanted:
            rows_with[word] += 1
    return {w: float(np.log((len(lines) + 1) / (n + 1))) for w, n in rows_with.items()}


def _per_line_shares(names: NameMatch, lines) -> np.ndarray:
    """Each line's shares read line by line with `words_of` (the reading before)."""
    expected = np.zeros((len(lines), names.n_classes))
    for row, line in enumerate(np.asarray(lines, dtype=object).tolist()):
        for word in words_of(line):
            for column, share in names.by_word.get(word, ()):
                expected[row, column] += share
    return expected


VARIED_CLASSES = np.array([
    "Fees", "Bank Charges and Fees", "Restaurants & Bars", "Gas", "Glass", "Buses", "Café",
    "TV", "Tax", "Business Services", "Рестораны", "Ταξίδια", "Ｓｈｏｐｓ", "食品 Groceries",
    "Kelvin", "İstanbul", "x2"])
# pieces lines are made of: each class's words as written, plural, doubled "s", glued to
# letters or to digits, in capitals; words of 2 and 3 letters; other scripts (Cyrillic,
# Greek with its final sigma, CJK, full-width, a combining mark, the Kelvin sign which
# lowers to ASCII, the dotted İ which lowers to two code points); separators a word may
# touch (digits, underscore, superscript, newline, NUL, tab, punctuation)
PIECES = ["fee", "fees", "FEES", "feess", "coffee", "fee2", "2fee", "_fee", "fee_", "fees²",
          "bank", "banks", "charge", "charges", "and", "restaurant", "restaurants", "bar",
          "bars", "barss", "gas", "gass", "GAS", "glass", "glas", "glasses", "bus", "buses",
          "buse", "café", "cafés", "cafe", "CAFÉ", "tv", "tvs", "tax", "taxs", "taxes", "ta",
          "business", "busines", "services", "service", "рестораны", "ресторан", "Ταξίδια",
          "ΤΑΞΊΔΙΑΣ", "ταξίδιας", "ｓｈｏｐｓ", "ｓｈｏｐ", "食品", "groceries", "grocerie",
          "\u212aelvin", "kelvins", "i\u0307stanbul", "İstanbul", "İSTANBUL", "x2", "x",
          "se\u0301rvices", "0", "42", "-", "&", "/", "|", "_", "²", "\n", "\t", "\x00", "·"]


def _varied_lines(seed: int, count: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    gaps = ["", " ", " ", "  ", "-", "\n"]
    lines = ["".join(PIECES[rng.integers(len(PIECES))] + gaps[rng.integers(len(gaps))]
                     for _ in range(rng.integers(0, 7))) for _ in range(count)]
    lines[:4] = ["", " ", "fee fee fees FEES", "Fees: SMS fee, 2x Restaurants & Bar"]
    return np.array(lines + [None, float("nan"), 42], dtype=object)


@pytest.mark.parametrize("seed", range(6))
def test_all_lines_at_once_give_the_per_line_shares_and_rarities(seed):
    """The scan of a call's lines (`_NameWords`) finds exactly the words `words_of` finds in
    each line: the same rarities and shares (to 1e-12: sums in another order), on lines of
    every kind — empty, repeated words, a plural s, words of 2 and 3 letters (the boundary
    of the 3-letter rule: "ta" no, "tax" yes, "tvs" yes), other scripts, non-texts."""
    training = _varied_lines(seed, 300)
    names = NameMatch(VARIED_CLASSES, 5.0, training)
    rarity = _per_line_rarity(VARIED_CLASSES, training)
    expected = {}
    for column, words in enumerate(words_of(c) for c in VARIED_CLASSES.tolist()):
        total = sum(rarity[w] for w in words)
        for word in words:
            if total > 0 and rarity[word] > 0:
                expected.setdefault(word, {})[column] = rarity[word] / total
    assert {w: dict(pairs) for w, pairs in names.by_word.items()}.keys() == expected.keys()
    for word, pairs in names.by_word.items():
        np.testing.assert_allclose([s for _, s in sorted(pairs)],
                                   [expected[word][c] for c in sorted(expected[word])],
                                   rtol=0, atol=1e-12)
        assert sorted(c for c, _ in pairs) == sorted(expected[word])
    scored = _varied_lines(seed + 100, 400)
    got = names.shares(scored)
    np.testing.assert_allclose(got, _per_line_shares(names, scored), rtol=0, atol=1e-12)
    assert got.any(), "the lines name some categories: the test compares something"


def test_the_three_letter_rule_and_the_final_s_at_their_boundaries():
    names = NameMatch(np.array(["Tax", "TV", "Gas", "Glass"]), 5.0, LINES)
    shares = names.shares(np.array(["ta", "tax", "taxs", "taxes", "tv", "tvs", "gas", "gass",
                                    "glas", "glass", "glasss", "GLASS"], dtype=object))
    assert shares[:, 1].sum() == 0  # "tv" has 2 letters: never a word, nor is "tvs" "tv"
    np.testing.assert_array_equal(shares[:, 0], [0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(shares[:, 2], [0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0])
    np.testing.assert_array_equal(shares[:, 3], [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1])


def test_a_model_pickled_before_the_scan_scores_as_one_fitted_now():
    """A model of the previous layout (its per-spelling dict, no index) gets the index on
    load and the same shares; one pickled now keeps that dict, as the code before reads
    it (a rollback serves it)."""
    import pickle

    names = NameMatch(VARIED_CLASSES, 5.0, _varied_lines(1, 200))
    assert names.spelling == {variant: word for word in names.by_word
                              for variant in (word + "s", word) if words_of(variant) == {word}}
    state = names.__getstate__()
    assert set(state) == {"max_weight", "weight", "n_classes", "by_word", "spelling"}
    old = NameMatch.__new__(NameMatch)
    old.__setstate__(state)
    lines = _varied_lines(2, 200)
    np.testing.assert_array_equal(old.shares(lines), names.shares(lines))
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(names)).shares(lines),
                                  names.shares(lines))
