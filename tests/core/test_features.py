import numpy as np
import pandas as pd
import pytest

from tests.parameters import parameters
from titans_finance.core.feature_params import FeatureParams, NO_HISTORY_DAYS
from titans_finance.core.feature_text import clean_text, normalise_merchant
from titans_finance.core.features import (
    FEATURE_GROUPS,
    OWN_FEATURES,
    TEXT_RAW,
    build_features,
    feature_columns,
    own_features,
)
from titans_finance.core.history_state import HistoryState

NUMERIC = [c for c in feature_columns() if c not in TEXT_RAW]


def _tx(rows):
    frame = pd.DataFrame(rows, columns=["date", "description", "amount", "reference", "category",
                                        "type", "payment_method"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["transaction_id"] = [f"t{i}" for i in range(len(frame))]
    frame["source_row"] = np.arange(1, len(frame) + 1)
    frame["receipt_url"] = None
    frame["status"] = "paid"
    return frame


@pytest.fixture(scope="module")
def clean(generated_data):
    from titans_finance.datasets.raw_export_dataset import parse_export_text
    from titans_finance.pipelines.ingestion.nodes import (
        deduplicate_transactions,
        normalise_transactions,
    )

    export, _ = generated_data
    raw, _ = parse_export_text(export.to_csv(index=False), "generated.csv")
    candidates, _, _ = normalise_transactions(raw, parameters("ingestion"))
    table, _ = deduplicate_transactions(candidates, parameters("ingestion"))
    return table.iloc[:1500].reset_index(drop=True)


@pytest.fixture(scope="module")
def features(clean):
    return build_features(clean)


def test_at_least_fifty_features_in_named_groups(features):
    assert set(FEATURE_GROUPS) >= {"time", "amount", "categorical", "text", "text_raw", "history",
                                   "category_history"}
    assert len(NUMERIC) >= 50
    assert list(features.columns) == ["transaction_id", "date", *feature_columns()]


def test_numeric_features_are_finite(features):
    assert np.isfinite(features[NUMERIC].to_numpy(dtype="float64")).all()


def test_no_leakage_later_rows_do_not_change_earlier_features(clean, features):
    cut = 900
    truncated = build_features(clean.iloc[:cut])
    pd.testing.assert_frame_equal(truncated[NUMERIC], features.iloc[:cut][NUMERIC],
                                  check_dtype=False)
    changed = clean.copy()
    changed.loc[cut:, "amount"] = changed.loc[cut:, "amount"] * 50  # rewrite the future
    pd.testing.assert_frame_equal(build_features(changed).iloc[:cut][NUMERIC],
                                  features.iloc[:cut][NUMERIC], check_dtype=False)


def test_a_row_does_not_see_itself(clean, features):
    first = features.groupby("merchant_key").head(1)
    assert (first["merchant_prior_count"] == 0).all()
    assert (first["days_since_merchant"] == NO_HISTORY_DAYS).all()
    assert (first["merchant_count_90d"] == 0).all()


@pytest.mark.parametrize("seed", [0, 1])
def test_serving_one_row_with_state_equals_training_features(clean, features, seed):
    rng = np.random.default_rng(seed)
    for i in rng.integers(100, len(clean), 15):
        state = HistoryState.from_frame(clean.iloc[:i])
        one = build_features(clean.iloc[[i]], state)
        np.testing.assert_allclose(one[NUMERIC].to_numpy(dtype="float64")[0],
                                   features.iloc[i][NUMERIC].to_numpy(dtype="float64"),
                                   # spreads come from running sums of squares: summing
                                   # in another order moves them by ~1e-8
                                   rtol=1e-7, atol=1e-6, err_msg=f"row {i}")
        assert one.iloc[0]["merchant_key"] == features.iloc[i]["merchant_key"]


def test_independent_batch_rows_equal_single_rows(clean):
    """A batch scored with ``independent=True`` gives each row its single-request features,
    whatever else is in the batch (same merchant twice, same day, out of order, earlier
    than the history's end)."""
    state = HistoryState.from_frame(clean.iloc[:1000])
    # 70 new rows (each checked against its own single request: the cost of this test),
    # the first ten of them again, and five the history already holds
    batch = pd.concat([clean.iloc[1000:1070], clean.iloc[1000:1010], clean.iloc[990:995]])
    batch = batch.sample(frac=1.0, random_state=5).reset_index(drop=True)
    together = build_features(batch, state, independent=True)
    for i in range(len(batch)):
        alone = build_features(batch.iloc[[i]], state)
        np.testing.assert_allclose(together.iloc[i][NUMERIC].to_numpy(dtype="float64"),
                                   alone.iloc[0][NUMERIC].to_numpy(dtype="float64"),
                                   rtol=1e-9, atol=1e-9, err_msg=f"batch row {i}")
    sequential = build_features(batch, state)
    assert not np.allclose(sequential[NUMERIC].to_numpy(dtype="float64"),
                           together[NUMERIC].to_numpy(dtype="float64"))


def test_state_update_equals_state_of_the_whole(clean):
    whole = HistoryState.from_frame(clean)
    stepwise = HistoryState.from_frame(clean.iloc[:700]).update(clean.iloc[700:])
    pd.testing.assert_frame_equal(whole.merchant.sort_index(), stepwise.merchant.sort_index())
    pd.testing.assert_frame_equal(whole.tail, stepwise.tail)
    assert whole.global_count == stepwise.global_count == len(clean)


def test_output_keeps_input_order_and_index(clean):
    shuffled = clean.sample(frac=1.0, random_state=3)
    features = build_features(shuffled)
    assert (features.index == shuffled.index).all()
    assert (features["transaction_id"].to_numpy() == shuffled["transaction_id"].to_numpy()).all()


def test_rolling_windows_and_recurring_flag():
    rows = [(f"2024-{m:02d}-01", "Office Rent", -1200.0, "Property Management", "rent", "expense",
             "bank_transfer") for m in range(1, 8)]
    rows += [("2024-07-01", "Coffee", -4.5, "Starbucks", "meals_entertainment", "expense",
              "credit_card"), ("2024-07-03", "Coffee", -5.5, "Starbucks", "meals_entertainment",
                               "expense", "credit_card")]
    features = build_features(_tx(rows))
    rent = features.iloc[:7]
    assert rent["merchant_prior_count"].tolist() == list(range(7))
    # Feb 1 is 31 days after Jan 1 (outside 30 days), Mar 1 29 days after Feb 1 (inside)
    assert rent["merchant_count_30d"].tolist()[1:3] == [0.0, 1.0]
    assert rent["merchant_count_90d"].iloc[3] == 2.0
    assert not rent["is_recurring"].iloc[2] and rent["is_recurring"].iloc[6]
    assert features["days_since_same_amount"].tolist()[:2] == [91.0, 31.0]  # 91: none in 90 days
    coffee = features.iloc[8]
    assert coffee["days_since_merchant"] == 2 and coffee["merchant_sum_7d"] == 4.5


def test_duplicate_hint_and_amount_z():
    rows = [(f"2024-01-{d:02d}", "Fuel", -60.0 - d, "Shell", "fuel", "expense", "credit_card")
            for d in range(1, 11)]
    rows += [("2024-01-11", "Fuel", -61.0, "Shell", "fuel", "expense", "credit_card"),
             ("2024-01-12", "Fuel", -900.0, "Shell", "fuel", "expense", "credit_card")]
    features = build_features(_tx(rows))
    assert features["days_since_same_amount"].iloc[10] == 10  # same as 2024-01-01's -61.00
    assert features["merchant_amount_z"].iloc[11] > 5
    assert features["merchant_amount_ratio"].iloc[11] > 10


def test_time_features():
    rows = [("2024-07-04", "x", -1.0, "A", None, "expense", None),
            ("2024-08-31", "x", -1.0, "A", None, "expense", None)]
    features = build_features(_tx(rows))
    assert features["is_holiday"].tolist() == [1.0, 0.0]
    assert features["is_business_day"].tolist() == [0.0, 0.0]  # holiday, Saturday
    assert features["is_month_end"].tolist() == [0.0, 1.0]
    assert features["days_to_month_end"].tolist() == [27.0, 0.0]


def test_calendar_features_follow_pandas_conventions_on_every_day():
    """The calendar is computed on day numbers (numpy); pandas' own accessors are the reference:
    ISO weeks across year ends, leap years, days before 1970, month lengths."""
    days = pd.date_range("1968-12-25", "2032-01-10", freq="D")
    rows = [(str(d.date()), "x", -1.0, "A", None, "expense", None) for d in days]
    features = build_features(_tx(rows))
    dt = pd.Series(days).dt
    expected = {"year": dt.year, "month": dt.month, "day_of_month": dt.day,
                "day_of_week": dt.dayofweek, "day_of_year": dt.dayofyear,
                "week_of_year": dt.isocalendar().week, "quarter": dt.quarter,
                "days_to_month_end": dt.days_in_month - dt.day}
    for name, values in expected.items():
        assert features[name].to_numpy().tolist() == values.astype("float64").tolist(), name


def test_unicode_whitespace_and_digits_count_as_such():
    rows = [("2024-01-02", "PAYPAL\u00a0*SPOTIFY ٣٤٥", -9.99, None, None, "expense", None)]
    features = build_features(_tx(rows))
    assert features["description_tokens"].iloc[0] == 3
    assert features["description_has_digits"].iloc[0] == 1


def test_own_features_are_build_features_columns(clean, features):
    """`own_features` (the service's category path) gives `build_features`' values of its
    columns to the bit, each row scored as if alone after the history: on the generated
    table (with the history's payees, and without a history), and on amounts missing,
    unreadable, zero, whole, ending in 5 or 0 cents, negative and positive, with and
    without a reference."""
    state = HistoryState.empty().update(clean)
    pd.testing.assert_frame_equal(own_features(clean, state), build_features(
        clean, state, independent=True)[OWN_FEATURES], check_exact=True)
    pd.testing.assert_frame_equal(own_features(clean), build_features(
        clean, independent=True)[OWN_FEATURES], check_exact=True)
    rows = [("2024-01-02", "SQ *BLUE BOTTLE 0412", amount, reference, None, "expense", None)
            for amount in (None, "abc", 0.0, -100.0, 5.0, -4.95, 10.10, 0.005, 1e9, -0.01)
            for reference in (None, "  Whole Foods ")]
    edges = _tx(rows)
    pd.testing.assert_frame_equal(own_features(edges), build_features(edges, independent=True)[OWN_FEATURES],
                                  check_exact=True)


def test_unknown_payment_method_and_missing_fields():
    rows = [("2024-01-02", "SQ *BLUE BOTTLE 0412", -4.0, None, None, None, "barter")]
    features = build_features(_tx(rows))
    assert features["payment_method_code"].iloc[0] == -1
    assert features["merchant_key"].iloc[0] == "blue bottle"
    assert features["reference_missing"].iloc[0] == 1 and features["category_missing"].iloc[0] == 1
    assert np.isfinite(features[NUMERIC].to_numpy(dtype="float64")).all()


@pytest.mark.parametrize("description, reference, key", [
    ("AMZN Mktp US*2K4TR", None, "amzn mktp"),
    ("SHELL OIL 57444 HOUSTON TX", None, "shell oil"),
    ("PAYPAL *ADOBE", None, "adobe"),
    ("anything", "  Whole Foods ", "whole foods"),
    ("12345", None, "__none__"),
])
def test_normalise_merchant(description, reference, key):
    assert normalise_merchant(pd.Series([description]), pd.Series([reference])).iloc[0] == key


def test_clean_text():
    assert clean_text(pd.Series(["SQ *BLUE BOTTLE 0412", None])).tolist() == ["sq blue bottle", ""]


def test_bad_parameters_are_named():
    with pytest.raises(ValueError, match="unknown feature parameter"):
        FeatureParams.from_any({"windowz": [7]})
    with pytest.raises(ValueError, match="features.windows"):
        FeatureParams.from_any({"windows": [0, 7]})


def test_the_services_keyword_memo_gives_the_flags_the_searches_give(clean, monkeypatch):
    """With the memo the service keeps (`bound_keyword_memo`), each text's keyword flags
    are those its searches give, read again from the memo: the same features."""
    from titans_finance.core import feature_text

    monkeypatch.setattr(feature_text, "_KEYWORD_MEMO", None)
    searched = build_features(clean)
    feature_text.bound_keyword_memo(1 << 20)
    remembered = build_features(clean)
    again = build_features(clean)  # every text from the memo now
    assert len(feature_text._KEYWORD_MEMO) > 0
    pd.testing.assert_frame_equal(remembered, searched, check_exact=True)
    pd.testing.assert_frame_equal(again, searched, check_exact=True)


def test_the_services_description_text_memo_gives_the_features_the_text_gives(clean,
                                                                             monkeypatch):
    """With the memo the service keeps of a description's cleaned text and text features
    (`bound_description_text_memo`), the features are those computed from the text, read
    again from the memo: the same to the bit."""
    from titans_finance.core import feature_text

    monkeypatch.setattr(feature_text, "_DESCRIPTION_TEXT_MEMO", None)
    computed = build_features(clean)
    feature_text.bound_description_text_memo(1 << 20)
    remembered = build_features(clean)
    again = build_features(clean)  # every description from the memo now
    distinct = set(clean["description"]) | {""}  # (a missing description reads as "")
    assert len(feature_text._DESCRIPTION_TEXT_MEMO) == 2 * len(distinct)  # cleaned, features
    pd.testing.assert_frame_equal(remembered, computed, check_exact=True)
    pd.testing.assert_frame_equal(again, computed, check_exact=True)
    feature_text.bound_description_text_memo(600)  # a smaller cap: the memo shrinks to it
    assert 0 < feature_text._DESCRIPTION_TEXT_MEMO.nbytes <= 600
