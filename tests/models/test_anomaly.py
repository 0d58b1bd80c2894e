import numpy as np
import pandas as pd
import pytest

from titans_finance.core.features import build_features
from titans_finance.models.anomaly import AnomalyModel

PARAMS = {"contamination": None, "score_threshold": 0.5, "seed": 0,
          "weights": {"isolation": 0.5, "amount": 1.0, "duplicate": 0.9, "novelty": 0.8},
          "isolation_forest": {"n_estimators": 50}}


def _history(n=300, seed=0):
    rng = np.random.default_rng(seed)
    merchants = {"Shell": 60.0, "Starbucks": 12.0, "Staples": 55.0}
    names = rng.choice(list(merchants), n)
    days = np.sort(rng.integers(0, 200, n))
    frame = pd.DataFrame({
        "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(days, "D"),
        "description": [f"Card purchase {m}" for m in names], "reference": names,
        "amount": -np.round([merchants[m] * np.exp(rng.normal(0, 0.15)) for m in names], 2),
        "category": ["fuel" if m == "Shell" else "meals_entertainment" if m == "Starbucks"
                     else "office_supplies" for m in names],
        "type": "expense", "payment_method": "credit_card"})
    return frame


def _with(frame, extra_rows):
    extra = pd.DataFrame(extra_rows)
    out = pd.concat([frame, extra], ignore_index=True)
    out["source_row"] = np.arange(1, len(out) + 1)
    out["transaction_id"] = [f"t{i}" for i in range(len(out))]
    out["receipt_url"] = None
    return out


@pytest.fixture(scope="module")
def scored():
    history = _history()
    last = history["date"].max()
    rows = _with(history, [
        {"date": last + pd.Timedelta(days=5), "description": "Fuel", "reference": "Shell",
         "amount": -900.0, "category": "fuel", "type": "expense", "payment_method": "credit_card"},
        {"date": last + pd.Timedelta(days=6), "description": "Coffee", "reference": "Starbucks",
         "amount": -11.11, "category": "meals_entertainment", "type": "expense",
         "payment_method": "credit_card"},
        {"date": last + pd.Timedelta(days=7), "description": "Coffee", "reference": "Starbucks",
         "amount": -11.11, "category": "meals_entertainment", "type": "expense",
         "payment_method": "credit_card"},
        {"date": pd.Timestamp("2024-07-27"), "description": "ZX TRADING 123", "reference": "ZX TRADING",
         "amount": -1500.0, "category": "office_supplies", "type": "expense",
         "payment_method": "credit_card"},
        {"date": last + pd.Timedelta(days=9), "description": "Fuel", "reference": "Shell",
         "amount": -61.0, "category": "fuel", "type": "expense", "payment_method": "credit_card"},
    ])
    features = build_features(rows)
    train = np.arange(len(rows)) < 300
    model = AnomalyModel(PARAMS).fit(rows[train], features[train])
    return model, model.score(rows[~train].reset_index(drop=True),
                              features[~train].reset_index(drop=True))


def test_scores_are_in_unit_interval_and_flags_have_reasons(scored):
    _, result = scored
    assert result["score"].between(0, 1).all()
    flagged = result[result["is_anomaly"]]
    assert len(flagged) >= 3 and (flagged["reasons"] != "").all()


def test_each_kind_is_explained(scored):
    _, result = scored
    assert result.loc[0, "is_anomaly"] and "× the merchant's median" in result.loc[0, "reasons"]
    duplicate_date = "possible duplicate of the "
    assert result.loc[2, "is_anomaly"] and duplicate_date in result.loc[2, "reasons"]
    assert "first transaction at this merchant (weekend/holiday)" in result.loc[3, "reasons"]
    assert not result.loc[4, "is_anomaly"]  # an ordinary fill-up


def test_duplicate_reason_names_the_earlier_date(scored):
    _, result = scored
    first = _history()["date"].max() + pd.Timedelta(days=6)
    assert f"duplicate of the {first.date()} charge" in result.loc[2, "reasons"]


def test_contamination_sets_the_threshold_from_training_scores():
    history = _with(_history(), [])
    features = build_features(history)
    model = AnomalyModel({**PARAMS, "contamination": 0.05}).fit(history, features)
    flagged = model.score(history, features)["is_anomaly"].mean()
    assert 0.02 <= flagged <= 0.08
    assert AnomalyModel({**PARAMS, "score_threshold": 0.99}).fit(history, features).threshold == 0.99


def test_too_little_data_is_a_clear_error():
    history = _with(_history(5), [])
    with pytest.raises(ValueError, match="at least 10"):
        AnomalyModel(PARAMS).fit(history, build_features(history))
