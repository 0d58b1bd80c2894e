"""The personal-model benchmark compares on a time-aware hold-out: every training row is
dated before every hold-out row (no future row teaches a model), a day never straddles the
cut, and every model answers the same hold-out rows. Its exports' loaders read what the files
say (a ledger's elided amount, a diary date without its year)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmarks.evaluation.personal_holdout import (
    PEER_GRIDS,
    public_sets,
    time_holdout,
    tuned_peer,
    versus,
)
from benchmarks.evaluation.public_exports import EXPORTS, _diary_dates, load_ledger


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_no_training_row_is_dated_on_or_after_a_holdout_row(seed):
    rng = np.random.default_rng(seed)
    dates = pd.Series(pd.Timestamp("2024-01-01")
                      + pd.to_timedelta(rng.integers(0, 90, 500), unit="D"))
    dates = dates.sample(frac=1.0, random_state=seed)  # shuffled: order must not matter
    train, test = time_holdout(dates, 0.2)
    assert len(train) and len(test) and len(train) + len(test) == len(dates)
    values = dates.to_numpy()
    assert values[train].max() < values[test].min()
    assert 0.15 < len(test) / len(dates) < 0.3


def test_a_day_of_rows_is_on_one_side_of_the_cut():
    dates = pd.Series(pd.to_datetime(["2024-01-01"] * 4 + ["2024-01-02"] * 5 + ["2024-01-03"]))
    train, test = time_holdout(dates, 0.2)
    assert set(dates.iloc[test].dt.day) in ({2, 3}, {3})
    assert not set(dates.iloc[train]) & set(dates.iloc[test])


def test_every_export_is_in_one_set_only():
    sets = public_sets()
    assert set(sets.values()) == {"dev", "test"}
    assert set(sets) <= {key for key, _ in EXPORTS.values()}


def test_a_ledger_reads_payee_account_and_the_elided_amount(tmp_path):
    path = tmp_path / "books.ledger"
    path.write_text("2015/01/24 Lyft\n    Expenses:Operating:Transportation:Ground    $33.92\n"
                    "    Liabilities:Reimbursement:Jo\n    ; Receipt: a.png\n\n"
                    "2015/02/01 Donor\n    Assets:Bank    $1,000.00\n    Income:Website Donations\n\n"
                    "2015/02/02 Split lunch\n    Expenses:Operating:Food    $2.00\n"
                    "    Expenses:Operating:Other    $5.00\n    Assets:Bank\n")
    tx = load_ledger(path)
    assert tx["description"].tolist() == ["Lyft", "Donor", "Split lunch"]
    assert tx["category"].tolist() == ["Expenses:Operating:Transportation:Ground",
                                       "Income:Website Donations", "Expenses:Operating:Other"]
    assert tx["amount"].tolist() == [-33.92, 1000.0, -7.0]


def test_a_diary_date_without_a_year_takes_the_year_before_and_rolls_over_in_january():
    assert _diary_dates(["11.11.2018.", "17.11.", "03.12.", "03.11.", "27.12.", "06.01.",
                         "bad", "06.01.2019."]) == [
        "11.11.2018", "17.11.2018", "03.12.2018", "03.11.2018", "27.12.2018", "06.01.2019",
        None, "06.01.2019"]


@pytest.mark.parametrize("later, year", [("10.06.", 2018), ("10.05.", 2019)])
def test_a_month_exactly_six_before_stays_in_its_year_seven_before_is_the_next(later, year):
    assert _diary_dates(["15.12.2018.", later])[1] == f"{later}{year}"


@pytest.mark.parametrize("disagreements, decidable", [(5, False), (6, True)])
def test_mcnemar_needs_six_rows_where_only_one_model_is_right(disagreements, decidable):
    personal = np.array([True] * disagreements + [True] * 10)
    peer = np.array([False] * disagreements + [True] * 10)
    result = versus(personal, peer)
    assert (result["only_personal_right"], result["only_peer_right"]) == (disagreements, 0)
    assert result["decidable"] is decidable
    assert (result["mcnemar_p"] < 0.05) is decidable  # 2 × 0.5^5 = 0.0625, 2 × 0.5^6 = 0.031


def test_mcnemar_of_a_balanced_split_is_one_and_ties_do_not_count():
    personal = np.array([True, False, True, True, False])
    peer = np.array([False, True, True, True, False])
    result = versus(personal, peer)
    assert (result["only_personal_right"], result["only_peer_right"]) == (1, 1)
    assert result["mcnemar_p"] == pytest.approx(1.0)
    assert result["verdict"] == "level with"


def test_a_peer_chooses_its_regularisation_on_the_end_of_its_training_rows_only():
    """The peer's C comes from its grid, chosen on the last part of the rows it is given (the
    training period), and the peer is refitted on all of them."""
    dates = pd.Series(pd.date_range("2024-01-01", periods=60, freq="D"))
    text = np.array([f"{'shop' if i % 2 else 'fuel'} {i % 7}" for i in range(60)])
    y = np.where(np.char.startswith(text, "shop"), "shopping", "fuel")
    fitted, chosen = tuned_peer("char_tfidf_lr", text, y, dates,
                                {"validation_fraction": 0.2, "selection_max_rows": 1000})
    assert chosen in PEER_GRIDS["char_tfidf_lr"][1]
    assert set(fitted.classes_) == {"fuel", "shopping"}
    assert (fitted.predict(np.array(["shop 3", "fuel 2"])) == ["shopping", "fuel"]).all()
