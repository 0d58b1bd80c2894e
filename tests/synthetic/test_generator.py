import numpy as np
import pandas as pd
import pytest

from titans_finance.core.normalise import parse_dates
from titans_finance.core.schema import KNOWN_CATEGORIES, RAW_COLUMNS
from titans_finance.synthetic.generator import ANOMALY_TYPES, generate_transactions, write_export


@pytest.fixture(scope="module")
def sample():
    return generate_transactions(rows=4000, seed=3)


def test_same_seed_same_bytes_different_seed_differs(tmp_path):
    a, ta = generate_transactions(500, seed=1)
    b, tb = generate_transactions(500, seed=1)
    c, _ = generate_transactions(500, seed=2)
    write_export(a, ta, tmp_path / "a.csv")
    write_export(b, tb, tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (tmp_path / "a_anomalies.csv").read_bytes() == (tmp_path / "b_anomalies.csv").read_bytes()
    assert not a.equals(c)


def test_format_matches_the_reference_export(sample):
    export, _ = sample
    assert tuple(export.columns) == RAW_COLUMNS and len(export) == 4000
    clean = export[export["Amount"].str.fullmatch(r"-?\d+\.\d{2}")
                   & export["Type"].isin(["Expense", "Income"])]
    expenses = clean[clean["Type"] == "Expense"]
    income = clean[clean["Type"] == "Income"]
    # a few expenses are written positive on purpose (dirty rows); ingestion flips them
    assert (expenses["Amount"].astype(float) < 0).mean() > 0.99
    assert (income["Amount"].astype(float) > 0).all()
    assert (income["Category"] == "").all()
    assert set(expenses["Category"]) - {""} <= set(KNOWN_CATEGORIES)
    assert expenses["Category"].nunique() >= 15
    # several merchants per category and bank-style descriptors
    per_category = expenses.groupby("Category")["Reference"].nunique()
    assert (per_category[["fuel", "meals_entertainment", "software", "travel"]] >= 3).all()
    assert export["Description"].str.contains(r"SQ \*|AMZN Mktp US\*|SHELL OIL").mean() > 0.05


def test_truth_points_at_matching_export_rows(sample):
    export, truth = sample
    assert set(truth["anomaly_type"]) == set(ANOMALY_TYPES)
    assert truth["anomaly_type"].value_counts().min() >= 5
    assert 0.007 < len(truth) / len(export) < 0.013
    rows = export.iloc[truth["row_number"] - 1]
    for column in ("Date", "Description", "Amount"):
        assert (rows[column].to_numpy() == truth[column].to_numpy()).all()


def test_duplicate_charges_repeat_a_charge_of_the_same_or_previous_day(sample):
    # (an identical line is a real possibility: ingestion keeps identical lines of one file
    # as separate transactions, tests/pipelines/ingestion)
    export, truth = sample
    dates, _ = parse_dates(export["Date"])
    for _, row in truth[truth["anomaly_type"] == "duplicate_charge"].iterrows():
        position = row["row_number"] - 1
        same = ((export["Description"].str.strip() == row["Description"].strip())
                & (export["Amount"] == row["Amount"]) & (export.index != position)
                & (dates - dates.iloc[position]).dt.days.between(-1, 0))
        assert same.any(), row.to_dict()


def test_spikes_are_far_above_the_payees_usual_amount(sample):
    export, truth = sample
    amounts = pd.to_numeric(export["Amount"], errors="coerce").abs()
    usual = amounts.groupby(export["Reference"]).median()
    spikes = truth[truth["anomaly_type"] == "spike_known_payee"]
    ratio = spikes["Amount"].astype(float).abs().to_numpy() / usual[spikes["Reference"]].to_numpy()
    assert np.median(ratio) > 2.5


def test_injections_look_like_real_fraud_not_like_the_detector(sample):
    export, truth = sample
    testing = truth[truth["anomaly_type"] == "card_testing"]
    # card testing: bursts of several small charges at one shop on one day
    bursts = testing.groupby(testing["Description"].str.strip()).agg(n=("Date", "size"),
                                                                     days=("Date", "nunique"))
    assert (bursts["n"] >= 2).all() and (bursts["days"] == 1).all()
    assert testing["Amount"].astype(float).abs().max() <= 5.0
    transfers = truth[truth["anomaly_type"] == "large_transfer_new_payee"]
    assert (~transfers["Reference"].isin(export.drop(transfers["row_number"] - 1)["Reference"])).all()
    # not moved to weekends: new payees arrive on any day of the week
    assert (pd.to_datetime(transfers["Date"]).dt.dayofweek < 5).any()


def test_rent_is_paid_on_the_first_of_every_month(sample):
    export, _ = sample
    rent = export[export["Description"].str.strip() == "Office Rent"]
    dates, _ = parse_dates(rent["Date"])  # some dates are written in other formats on purpose
    dates = dates.dropna()
    assert (dates.dt.day == 1).all()
    assert dates.dt.to_period("M").nunique() == 48  # 2022-01 .. 2025-12


def test_dirty_rows_present_at_about_the_rate(sample):
    export, _ = sample
    typos = export["Payment Method"].isin(["credit_car", "paypall", "bank transfer", "Credit Card"])
    odd_dates = ~export["Date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    odd_amounts = ~export["Amount"].str.fullmatch(r"-?\d+\.\d{2}")
    duplicated = export.duplicated(keep="first")
    assert typos.sum() > 0 and odd_dates.sum() > 0 and odd_amounts.sum() > 0 and duplicated.sum() > 0
    dirty = typos | odd_dates | odd_amounts | duplicated
    assert 0.005 < dirty.mean() < 0.03


@pytest.mark.parametrize("rows", [1, 2, 13, 50])
def test_small_exports_work(rows):
    export, truth = generate_transactions(rows, seed=0)
    assert len(export) == rows


@pytest.mark.parametrize("kwargs, message", [({"rows": 0}, "rows"), ({"anomaly_rate": 0.9}, "anomaly_rate"),
                                             ({"start": "2025-01-01", "end": "2024-01-01"}, "before")])
def test_bad_arguments_are_reported(kwargs, message):
    with pytest.raises(ValueError, match=message):
        generate_transactions(**{"rows": 10, "seed": 0, **kwargs})
