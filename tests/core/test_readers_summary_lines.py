"""A line of the table whose text is only a balance or total label is no transaction
(quarantined as ``summary_line``), dated or not; an opening and a closing balance line
prove the lines between. A merchant text that merely contains such a word stays a
transaction."""

from __future__ import annotations

import pytest

from titans_finance.core.readers import read_export
from titans_finance.core.readers.summary_lines import label_kind
from titans_finance.pipelines.ingestion.nodes import normalise_transactions
from tests.core.test_readers_column_roles import PARAMS


@pytest.mark.parametrize("text, kind", [
    ("SALDO FINALE", "closing"), ("|SALDO FINALE", "closing"), ("SALDO INIZIALE", "opening"),
    ("Opening balance", "opening"), ("Closing balance 31/01/2018", "closing"),
    ("Solde au 31.01.2018 EUR", "total"), ("Nouveau solde", "closing"),
    ("Anfangssaldo", "opening"), ("Endsaldo per 31.01.", "closing"),
    ("Saldo disponibile", "total"), ("Total des opérations", "total"), ("TOTAL", "total"),
    ("Balance brought forward", "opening"), ("Kontostand am 31.01.2018", "total"),
])
def test_a_text_that_is_only_a_balance_or_total_label_is_a_summary(text, kind):
    assert label_kind(text) == kind


@pytest.mark.parametrize("text", [
    "SALDO SPORTS SRL", "Pagamento saldo fattura 118 ROSSI", "Total Wine & More",
    "Balance transfer to savings", "BONIFICO SALDO LAVORI", "TOTALENERGIES 1234",
    "Final Fantasy store", "IMPOSTA DI BOLLO", "",
])
def test_a_text_with_any_word_outside_the_labels_is_a_transaction(text):
    assert label_kind(text) is None


ITALIAN = ("Data;Valuta;Addebiti;Accrediti;Descrizione operazioni\n"
           "31/12/17;;;26.851,95;SALDO INIZIALE\n"
           "03/01/18;03/01/18;2,90;;IMPOSTA DI BOLLO\n"
           "13/01/18;13/01/18;250,00;;SALDO SPORTS SRL\n"
           "23/01/18;23/01/18;;1.250,00;BONIFICO A VOSTRO FAVORE\n"
           "31/01/18;;;{closing};SALDO FINALE\n")


def _normalised(text: str, name: str = "conto.csv"):
    export = read_export(text.encode("utf-8"), name)
    raw = export.frame.assign(**{"Source File": name})
    raw.attrs["source"] = {**export.info, "name": name}
    candidates, quarantine, fixes = normalise_transactions(raw, PARAMS)
    return candidates.sort_values("source_row"), quarantine, fixes["files"][name]


def test_dated_balance_lines_are_quarantined_and_prove_the_lines_between():
    clean, quarantine, decided = _normalised(ITALIAN.format(closing="27.849,05"))
    assert clean["amount"].round(2).tolist() == [-2.90, -250.00, 1250.00]
    assert quarantine["reasons"].tolist() == ["summary_line", "summary_line"]
    assert decided["reconciliation"]["status"] == "proven"


def test_a_closing_balance_line_one_cent_off_contradicts_the_reading():
    clean, quarantine, decided = _normalised(ITALIAN.format(closing="27.849,06"))
    assert len(clean) == 3 and len(quarantine) == 2
    assert decided["reconciliation"]["status"] == "contradicted"
    assert decided["reconciliation"]["first_break"]["difference"] == pytest.approx(-0.01)


def test_a_statement_newest_first_is_proven_by_its_balance_lines_too():
    lines = ITALIAN.format(closing="27.849,05").splitlines()
    text = "\n".join([lines[0], *reversed(lines[1:])]) + "\n"
    _, quarantine, decided = _normalised(text)
    assert len(quarantine) == 2 and decided["reconciliation"]["status"] == "proven"


def test_without_an_opening_line_the_closing_line_is_still_no_deposit():
    lines = ITALIAN.format(closing="27.849,05").splitlines()
    clean, quarantine, decided = _normalised("\n".join([lines[0], *lines[2:]]) + "\n")
    assert clean["amount"].round(2).tolist() == [-2.90, -250.00, 1250.00]
    assert quarantine["reasons"].tolist() == ["summary_line"]
    assert decided["reconciliation"]["status"] == "not possible"
