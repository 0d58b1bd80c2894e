"""What the category models read: digit runs as one ``0``, set apart from a word they are
glued to (a store number glued to a name must not hide the name's word)."""

import numpy as np

from titans_finance.models.category.taxonomy import category_text


def _text(description, merchant="__none__"):
    return category_text(np.array([description], dtype=object),
                         np.array([merchant], dtype=object))[0]


def test_a_digit_run_glued_to_a_word_stands_apart_on_each_side():
    assert _text("Zapper1*Yoyo") == "zapper 0 *yoyo |"
    assert _text("PNP0451 Elgin") == "pnp 0 elgin |"
    assert _text("7Eleven") == "0 eleven |"


def test_digits_already_apart_or_between_punctuation_are_left_as_they_were():
    assert _text("WHOLEFDS SOM 10151") == "wholefds som 0 |"
    assert _text("7-Eleven 123", "7-eleven") == "0-eleven 0 | 0-eleven"
    assert _text("CARD 4411/12") == "card 0/0 |"


def test_each_pair_is_written_once_and_remembered_the_same_as_row_by_row():
    """Pairs of texts go through the memo (one line per distinct pair); a column with a
    missing value goes row by row; both give every row the same line. Two pairs whose
    texts join alike ("ab" + "c", "a" + "bc") are two lines."""
    from titans_finance.models.category import row_memo, taxonomy

    descriptions = ["ab", "a", "ab", "Shell 0412", "Shell 0412", "PNP0451"]
    merchants = ["c", "bc", "c", "__none__", "Shell", "__none__"]
    row_memo.forget_rows(taxonomy._LINES)
    remembered = taxonomy.category_text(descriptions, merchants)
    assert remembered.tolist() == ["ab | c", "a | bc", "ab | c", "shell 0 |", "shell 0 | shell",
                                   "pnp 0 |"]
    assert row_memo.remembered_count(taxonomy._LINES) == 5  # one line per distinct pair
    again = taxonomy.category_text(descriptions[::-1], merchants[::-1])
    assert again.tolist() == remembered.tolist()[::-1]
    # a missing merchant: the rows are written one by one, the same lines
    with_missing = taxonomy.category_text(descriptions + ["ab"], merchants + [None])
    assert with_missing.tolist() == remembered.tolist() + ["ab |"]


def _line_as_before(description: str, merchant: str) -> str:
    """`taxonomy._line` as it was written before (three regular expressions and a strip)."""
    import re

    merchant_part = "" if merchant == "__none__" else merchant
    text = re.sub(r"\d+", "0", f"{description} | {merchant_part}".lower())
    text = re.sub(r"(?<=[^\W\d_])0|0(?=[^\W\d_])", " 0 ", text)
    return re.sub(r"\s+", " ", text).strip()


def test_whitespace_is_the_same_set_for_the_regex_and_split():
    """Every code point: ``\\s`` matches it exactly when ``str.split`` splits on it."""
    import re
    import sys

    space = re.compile(r"\s")
    assert [c for c in range(sys.maxunicode + 1) if bool(space.match(chr(c)))] == [
        c for c in range(sys.maxunicode + 1) if chr(c).isspace()]


def test_each_line_is_written_as_before_on_the_default_data_and_odd_text():
    """The generated default data's descriptions and merchants, the same lines with a
    reference appended (never seen), and odd text: other scripts' digits and letters, a
    0 at either end or between underscores, every kind of space, nothing at all."""
    from tests.models.conftest import clean_frame
    from titans_finance.core.features import build_features
    from titans_finance.models.category.taxonomy import _line
    from titans_finance.synthetic.generator import generate_transactions

    export, _ = generate_transactions(1000, seed=3, dirty_rate=0.0)
    frame = clean_frame(export)
    merchants = build_features(frame)["merchant_key"].astype(str).tolist()
    descriptions = frame["description"].astype(str).tolist()
    pairs = list(zip(descriptions, merchants, strict=True))
    pairs += [(f"{d} REF 7-{i}-{i * 37}", m) for i, (d, m) in enumerate(pairs)]
    odd = ["0", "a0", "0a", "_0_", "é0ß", "ق٣٤ب", "٣abc", "x\u00a0\u20001\t\n\x1c\x1fy",
           "  lead and trail  ", "", " ", "Ⅻ0Ⅻ", "a\u03000b", "ABC123DEF456", "0_0a0 0",
           "߀߁x", "日本0円", "\u2028line\u2029"]
    pairs += [(d, m) for d in odd for m in ("__none__", "", "shell 0", d)]
    assert len(pairs) >= 2000
    for description, merchant in pairs:
        assert _line(description, merchant) == _line_as_before(description, merchant), (
            description, merchant)
