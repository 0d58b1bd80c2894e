"""Other languages' words of WordNet's mapped senses: WordNet 3.0's offsets read as 3.1's
through the interlingual index, a word kept in its most frequent sense only (the sense
counts of its English words), English words left to English. Read from small files in the
sources' own formats."""

import pytest

from titans_finance.knowledge.omw_words import (
    english_vocabulary,
    omw_rows,
    read_ili_map,
    read_wordnet,
    sense_counts,
    word_category,
    wordnet30_to_31,
)


def _ili(tmp_path):
    """tax (3.0: 00000010-n, 3.1: 00000011-n), light (20 → 21), electricity (30 → 31),
    rent (40 → 41), income (50 → 51); 60-n has no 3.1 sense."""
    (tmp_path / "pwn30.tab").write_text("i1\t00000010-n\ni2\t00000020-n\ni3\t00000030-n\n"
                                        "i4\t00000040-n\ni5\t00000050-n\ni6\t00000060-n\n")
    (tmp_path / "pwn31.tab").write_text("i1\t00000011-n\ni2\t00000021-n\ni3\t00000031-n\n"
                                        "i4\t00000041-n\ni5\t00000051-n\n")
    return read_ili_map(tmp_path / "pwn30.tab"), read_ili_map(tmp_path / "pwn31.tab")


def _wordnet(tmp_path, language="por"):
    path = tmp_path / f"wn-data-{language}.tab"
    path.write_text(
        f"# Test wordnet\t{language}\thttps://example.org\tCC BY\n"
        "00000010-n\tlemma\timposto\n"           # tax only
        f"00000020-n\t{language}:lemma\tluz\n"   # light (frequent), electricity (rarer)
        "00000030-n\tlemma\tluz\n"
        "00000030-n\tlemma\teletricidade\n"
        "00000040-n\tlemma\trenda\n"             # rent and income, as often as each other
        "00000050-n\tlemma\trenda\n"
        "00000010-n\tlemma\tLisboa Imposto\n"    # a proper name
        "00000010-n\tlemma\ttax\n"               # an English word
        "00000010-n\tlemma\tiva 23\n"            # digits
        "00000010-n\tlemma\tim\n"                # too short
        "00000010-n\tpor:def\tum imposto\n"      # a definition, no word
        "00000010-a\tlemma\ttributário\n"        # an adjective
        "00000060-n\tlemma\tcoima\n")            # a sense 3.1 does not have
    return path


COUNTS = {"00000011-n": 44, "00000021-n": 46, "00000031-n": 5, "00000041-n": 6,
          "00000051-n": 6}
MAPPED = {"00000011-n": ("taxes", "tax.n.01"), "00000031-n": ("utilities", "electricity.n.02"),
          "00000041-n": ("rent", "rent.n.01")}


def test_the_interlingual_index_reads_wordnet_30_senses_as_31(tmp_path):
    map30, map31 = _ili(tmp_path)
    assert map30["00000010-n"] == "i1"
    to31 = wordnet30_to_31(map30, map31)
    assert to31["00000010-n"] == "00000011-n"
    assert "00000060-n" not in to31  # no 3.1 sense of that index


def test_a_malformed_index_line_is_a_clear_error(tmp_path):
    (tmp_path / "bad.tab").write_text("i1\t00000010-n\ni2 00000020-n\n")
    with pytest.raises(ValueError, match=r"bad.tab:2"):
        read_ili_map(tmp_path / "bad.tab")


def test_reading_a_wordnet_file(tmp_path):
    language, words = read_wordnet(_wordnet(tmp_path))
    assert language == "pt"
    assert words["luz"] == {"00000020-n", "00000030-n"}
    assert "tributário" not in words  # adjectives name no spending
    assert "um imposto" not in words  # a definition


@pytest.mark.parametrize("header", ["", "00000010-n\tlemma\timposto", "# Test\txyz\turl\tCC"])
def test_a_wordnet_file_without_a_known_language_is_a_clear_error(tmp_path, header):
    (tmp_path / "wn.tab").write_text(header + "\n00000010-n\tlemma\timposto\n")
    with pytest.raises(ValueError, match="first line"):
        read_wordnet(tmp_path / "wn.tab")


def test_a_word_takes_its_most_frequent_sense_only():
    assert word_category(["00000011-n"], MAPPED, COUNTS) == ("taxes", "tax.n.01")
    # light (46) before electricity (5): not electricity
    assert word_category(["00000021-n", "00000031-n"], MAPPED, COUNTS) is None
    assert word_category(["00000031-n"], MAPPED, COUNTS) == ("utilities", "electricity.n.02")
    # rent and income as frequent as each other: not only rent
    assert word_category(["00000041-n", "00000051-n"], MAPPED, COUNTS) is None
    assert word_category([], MAPPED, COUNTS) is None


def test_one_count_either_side_of_a_tie_decides():
    counts = {**COUNTS, "00000051-n": 5}  # income one below rent: rent
    assert word_category(["00000041-n", "00000051-n"], MAPPED, counts) == ("rent", "rent.n.01")
    counts = {**COUNTS, "00000051-n": 7}  # one above: income, no category
    assert word_category(["00000041-n", "00000051-n"], MAPPED, counts) is None


def test_two_senses_of_one_category_agree():
    mapped = {**MAPPED, "00000051-n": ("rent", "rent.n.02")}
    assert word_category(["00000041-n", "00000051-n"], mapped, COUNTS) == ("rent", "rent.n.01")
    mapped = {**MAPPED, "00000051-n": ("salary", "salary.n.01")}
    assert word_category(["00000041-n", "00000051-n"], mapped, COUNTS) is None


def test_rows(tmp_path):
    to31 = wordnet30_to_31(*_ili(tmp_path))
    rows = set(omw_rows([_wordnet(tmp_path)], to31, MAPPED, COUNTS,
                        frozenset({"tax", "light"})))
    assert rows == {("imposto", "taxes", "pt", "omw:tax.n.01"),
                    ("eletricidade", "utilities", "pt", "omw:electricity.n.02")}
    polish = set(omw_rows([_wordnet(tmp_path, "pol")], to31, MAPPED, COUNTS, frozenset()))
    assert ("tax", "taxes", "pl", "omw:tax.n.01") in polish  # not an English word here
    assert {language for _, _, language, _ in polish} == {"pl"}


def test_sense_counts_keep_the_most_tagged_word_of_nouns_and_verbs(tmp_path):
    (tmp_path / "index.sense").write_text(
        "tax%1:21:00:: 00000011 1 44\n"
        "taxation%1:21:00:: 00000011 2 3\n"
        "eat_out%2:34:00:: 00000100 1 2\n"
        "taxing%3:00:00:: 00000200 1 9\n")  # an adjective
    assert sense_counts(tmp_path) == {"00000011-n": 44, "00000100-v": 2}


def test_the_english_vocabulary_holds_every_part_of_speech(tmp_path):
    licence = "  1 This software and database is being provided to you\n"
    for name, word in (("noun", "credit_card"), ("verb", "eat_out"), ("adj", "cheap"),
                       ("adv", "but")):
        (tmp_path / f"index.{name}").write_text(licence + f"{word} x 1 0 1 0 00000001  \n")
    assert english_vocabulary(tmp_path) == {"credit card", "eat out", "cheap", "but"}
