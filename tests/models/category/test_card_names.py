"""A brand's name as a card statement writes it (models/category/card_names.py)."""

import pytest

from titans_finance.models.category.card_names import (
    JOINED_MAX_LETTERS,
    MIN_CUT_LETTERS,
    card_name,
    cut_down,
)


class _Draws:
    """A generator whose draws are the given ones in order, then ``rest``; numbers 42.
    A draw under 0.5 says yes (a space for punctuation, run together, a number)."""

    def __init__(self, draws: list[float] = (), rest: float = 0.99):
        self.draws, self.rest = list(draws), rest

    def random(self) -> float:
        return self.draws.pop(0) if self.draws else self.rest

    def integers(self, low: int, high: int) -> int:
        return 42


def yes() -> _Draws:
    return _Draws(rest=0.0)


def no() -> _Draws:
    return _Draws(rest=0.99)


def test_two_words_run_together_up_to_the_maximum_letters():
    two = "ab"
    fits = "c" * (JOINED_MAX_LETTERS - len(two))  # exactly the maximum together
    over = "c" * (JOINED_MAX_LETTERS - len(two) + 1)
    assert card_name(f"{two} {fits}", 60, yes()) == f"{two}{fits} #42".upper()
    assert card_name(f"{two} {over}", 60, yes()) == f"{two} {over} #42".upper()
    assert card_name(f"{two} {fits}", 60, no()) == f"{two} {fits}".upper()
    assert card_name("whole foods market", 60, yes()) == "WHOLEFOODS MARKET #42"


def test_the_field_length_holds_the_name_and_its_store_number():
    name = "sprouts farmers market"
    assert card_name(name, 19, no()) == "SPROUTS FARMERS MAR"
    assert card_name(name, len(name), no()) == name.upper()  # exactly the field
    assert card_name(name, len(name) - 1, no()) == name[:-1].upper()
    # " #42" takes 4 of the 22 characters: "ma" of "market" is left, too short to keep
    assert card_name(name, 22, _Draws([0.99, 0.0])) == "SPROUTS FARMERS #42"
    with pytest.raises(ValueError, match="field_length"):
        card_name(name, 0, no())


def test_a_cut_never_leaves_a_piece_shorter_than_a_code():
    """A piece under `MIN_CUT_LETTERS` letters looks like a statement's codes ("XQZ 4411
    KT"): it goes; a piece of the minimum stays; a whole short word is no piece."""
    assert MIN_CUT_LETTERS == 3
    name = "california pizza kitchen"
    for left, kept in ((1, "CALIFORNIA PIZZA"), (2, "CALIFORNIA PIZZA"),
                       (3, "CALIFORNIA PIZZA KIT"), (4, "CALIFORNIA PIZZA KITC")):
        assert card_name(name, len("california pizza ") + left, no()) == kept, left
    assert card_name("shop at me now", len("shop at me"), no()) == "SHOP AT ME"
    assert card_name("californiapizzakitchen", 5, no()) == "CALIF"  # one word: cut, kept


def test_punctuation_accents_and_other_scripts():
    assert card_name("trader joe's", 22, _Draws([0.0])) == "TRADER JOE S"
    assert card_name("trader joe's", 22, no()) == "TRADER JOES"
    assert card_name("café amazon", 22, no()) == "CAFE AMAZON"
    assert card_name("惠康 wellcome", 22, no()) == "WELLCOME"
    assert card_name("惠康", 22, no()) == ""


def test_a_card_form_cuts_the_name_down_only_when_its_words_change():
    assert cut_down("whole foods", "WHOLEFOODS #42")
    assert cut_down("sprouts farmers market", "SPROUTS FARMERS MAR")
    assert not cut_down("whole foods", "WHOLE FOODS #42")  # a number only
    assert not cut_down("trader joe's", "TRADER JOE S")  # punctuation only
    assert not cut_down("trader joe's", "TRADER JOES")
    assert not cut_down("café amazon", "CAFE AMAZON")  # accents only
    assert not cut_down("惠康 wellcome", "WELLCOME")  # another script only
    assert not cut_down("惠康", "")  # nothing written
