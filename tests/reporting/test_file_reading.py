"""The report's sentences on how each file was read say what the import page's tables say."""

from titans_finance.reporting.file_reading import how_it_was_read, reading_sentences

PROVEN = {"status": "proven", "source": "running balance", "steps_checked": 11}


def _file(name: str, **more) -> dict:
    return {"file": name, "format": "csv", "rows": 12, "encoding": "utf-8", "delimiter": ";",
            "decimal_mark": ",", "day_first": True, "columns": {"date": ["Buchungstag"],
                                                               "amount": ["Betrag"]}, **more}


def test_one_file_is_said_in_one_sentence_with_its_balance_check_and_columns():
    quality = {"source": _file("giro.csv", reconciliation=PROVEN)}
    (sentence,) = reading_sentences(quality)
    assert sentence.startswith("How giro.csv was read (12 lines): format: csv;")
    assert "balance check: proven: the amounts carry the running balance (11 lines checked)" \
        in sentence
    assert "columns: date ← Buchungstag, amount ← Betrag" in sentence
    # the byte-level settings stay on the import page
    assert "encoding" not in sentence and "delimiter" not in sentence


def test_every_setting_the_import_page_shows_a_person_is_in_the_sentence():
    info = _file("giro.csv", reconciliation=PROVEN, lines_without_booking_date=2,
                 sign_unproven={"message": "no payment proves the sign"})
    settings, _ = how_it_was_read(info)
    (sentence,) = reading_sentences({"source": info})
    for name in ("date order", "decimal mark", "sign", "balance check", "sign unproven",
                 "lines without a booking date", "columns not used"):
        assert f"{name}: {settings.loc[name].iloc[0]}" in sentence, name


def test_a_folder_says_each_file_and_each_files_notes():
    contradicted = {"status": "contradicted", "source": "running balance",
                    "first_break_row": 7, "explanation": "a line is missing"}
    quality = {"source": {"files": [
        _file("giro.csv", reconciliation=PROVEN),
        _file("card.csv", reconciliation=contradicted,
              reading={"columns": {}, "sign_convention": "charges positive",
                       "notes": ["charges are positive: read as money out"]})]}}
    sentences = reading_sentences(quality)
    assert [s.split(" was read")[0] for s in sentences[:2]] == ["How giro.csv", "How card.csv"]
    assert "CONTRADICTED" in sentences[1] and "first at row 7" in sentences[1]
    assert sentences[2] == "card.csv: charges are positive: read as money out"
    assert len(sentences) == 3


def test_a_report_without_a_source_says_nothing_of_reading():
    assert reading_sentences({}) == []
    assert reading_sentences({"source": {}}) == []
