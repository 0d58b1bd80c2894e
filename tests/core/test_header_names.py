"""Header words in any script (core/header_names.py): keys keep the letters of every
alphabet, single words of a longer header are weaker evidence of their own."""

from __future__ import annotations

from titans_finance.core.header_names import header_key, header_role, header_words, word_roles


def test_keys_keep_letters_of_every_script_and_drop_accents_and_marks():
    assert header_key("Сумма в валюте счета") == "суммаввалютесчета"
    assert header_key("Débit (€)") == "debit"
    assert header_key("Beløp") == "beløp" and header_key("Wpływy") == "wpływy"
    assert header_key("Kwota_operacji") == "kwotaoperacji"  # the underscore is no letter


def test_whole_headers_in_several_languages_name_their_role():
    assert header_role("Приход") == ("Money In", None)
    assert header_role("Расход") == ("Money Out", None)
    assert header_role("Inn") == ("Money In", None) and header_role("Ut") == ("Money Out", None)
    assert header_role("Beløp") == ("Amount", None) and header_role("Belopp") == ("Amount", None)
    assert header_role("Kwota") == ("Amount", None) and header_role("Dato") == ("Date", None)
    assert header_role("Тип операции") == ("Type", None)
    # a long header no vocabulary holds names nothing as a whole
    assert header_role("Сумма в валюте счета") == (None, None)


def test_single_words_name_roles_only_as_words():
    assert header_words("Сумма в валюте счета") == ["сумма", "в", "валюте", "счета"]
    assert word_roles("Сумма в валюте счета") == {"Amount"}
    assert word_roles("Поступления на счет") == {"Money In"}
    assert word_roles("Ut (NOK)") == {"Money Out"}
    assert word_roles("Номер карты") == set()
