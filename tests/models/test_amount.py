import numpy as np
import pandas as pd
import pytest

from titans_finance.core.features import build_features
from titans_finance.models.amount import NUMERIC_INPUTS, OWN_AMOUNT, AmountModel


def _data(n=400, seed=0):
    rng = np.random.default_rng(seed)
    merchants = {"Shell": ("fuel", 60), "Starbucks": ("meals_entertainment", 12),
                 "Dell": ("computer_equipment", 400), "Acme": (None, 2500)}
    names = rng.choice(list(merchants), n)
    rows = pd.DataFrame({
        "date": pd.Timestamp("2023-01-01") + pd.to_timedelta(np.sort(rng.integers(0, 500, n)), "D"),
        "description": [f"Purchase at {m}" for m in names], "reference": names,
        "category": [merchants[m][0] for m in names],
        "type": ["income" if m == "Acme" else "expense" for m in names],
        "payment_method": "credit_card"})
    median = np.array([merchants[m][1] for m in names], dtype=float)
    magnitude = np.round(median * np.exp(rng.normal(0, 0.25, n)), 2)
    rows["amount"] = np.where(rows["type"] == "income", magnitude, -magnitude)
    rows["source_row"] = np.arange(1, n + 1)
    rows["transaction_id"] = [f"t{i}" for i in range(n)]
    rows["receipt_url"] = None
    return rows, build_features(rows)


def test_inputs_exclude_everything_computed_from_the_own_amount():
    assert not set(NUMERIC_INPUTS) & OWN_AMOUNT
    assert "abs_amount" not in NUMERIC_INPUTS and "merchant_prior_mean_log" in NUMERIC_INPUTS


@pytest.mark.parametrize("name", ["ridge", "lightgbm"])
def test_intervals_contain_the_point_and_cover_about_the_target(name):
    tx, features = _data()
    train, test = slice(0, 300), slice(300, 400)
    model = AmountModel(name, {"interval_coverage": 0.8, "lightgbm": {"n_estimators": 50}})
    model.fit(tx.iloc[train].reset_index(drop=True), features.iloc[train].reset_index(drop=True))
    predicted = model.predict(tx.iloc[test], features.iloc[test])
    assert (predicted["lower"] <= predicted["predicted_amount"]).all()
    assert (predicted["predicted_amount"] <= predicted["upper"]).all()
    actual = tx["amount"].iloc[test]
    coverage = ((actual >= predicted["lower"]) & (actual <= predicted["upper"])).mean()
    assert 0.6 <= coverage <= 0.99  # 100 test rows: wide tolerance around 0.8
    signs = np.sign(predicted["predicted_amount"]).to_numpy()
    assert (signs == np.where(tx["type"].iloc[test] == "income", 1, -1)).all()
    # learns the per-merchant level: typical error well below the spread between merchants
    assert (predicted["predicted_amount"] - actual).abs().median() < 0.3 * actual.abs().median()


def test_too_little_data_is_a_clear_error():
    tx, features = _data(n=6)
    with pytest.raises(ValueError, match="too few rows"):
        AmountModel("ridge", {}).fit(tx, features)
