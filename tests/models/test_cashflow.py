import numpy as np
import pandas as pd
import pytest

from tests.parameters import parameters
from titans_finance.models.cashflow import (
    CashflowModel,
    baseline_forecasts,
    closing_balance_from_export,
    daily_flows,
    detect_streams,
    evaluate_cashflow,
    same_day_last_month_reference,
    summarise_backtest,
)

PARAMS = parameters("cashflow")


def _account(months=14, seed=0, start="2023-01-01"):
    """A household account: salary on the 11th (bonus in June and December), rent on the 2nd,
    month-end interest and fee, an annual insurance premium, and intermittent cash
    withdrawals on no fixed date."""
    rng = np.random.default_rng(seed)
    rows = []
    first = pd.Timestamp(start)
    for m in range(months):
        month = first + pd.DateOffset(months=m)
        end = month + pd.offsets.MonthEnd(0)
        salary = 22349.0 if month.month not in (6, 12) else 33524.0
        rows += [(month + pd.Timedelta(days=10), "Salary", "ACME PAYROLL", salary),
                 (month + pd.Timedelta(days=1), "Rent", "LANDLORD", -8228.0),
                 (end, "Interest credited", "interest", float(np.round(rng.uniform(150, 260), 1))),
                 (end, "Statement fee", "statement fee", -14.6)]
        if month.month == 3:
            rows.append((month + pd.Timedelta(days=19), "Insurance", "INSURER", -5600.0))
    for day in pd.date_range(first, periods=months * 30, freq="D"):
        if rng.random() < 0.08:
            rows.append((day, "Cash withdrawal", "cash withdrawal",
                         -float(np.round(rng.uniform(500, 6000), -2))))
    frame = pd.DataFrame(rows, columns=["date", "description", "reference", "amount"])
    frame["type"] = np.where(frame["amount"] > 0, "income", "expense")
    return frame.sort_values("date", kind="stable").reset_index(drop=True)


def test_daily_flows_fill_every_calendar_day():
    daily = daily_flows(_account(2))
    assert len(daily) == (daily.index[-1] - daily.index[0]).days + 1
    np.testing.assert_allclose(daily["net"], daily["inflow"] - daily["outflow"])


def test_streams_tolerate_bonus_months_month_ends_and_annual_payments():
    streams = {(s.merchant, s.period, s.anchor): s for s in detect_streams(_account(16), PARAMS)}
    salary = streams[("acme payroll", "M", "day")]
    # two bonus months a year (amount CV ~0.2) are still one monthly stream, and the
    # forecast amount is the usual salary, not a bonus-inflated mean
    assert salary.position == 11 and salary.amount == 22349.0
    assert streams[("landlord", "M", "day")].position == 2
    # interest on the 31st, 30th and 28th is one stream anchored at the month's end
    interest = streams[("interest", "M", "end")]
    assert interest.position == 0 and 150 <= interest.amount <= 260
    annual = streams[("insurer", "Y", "day")]
    assert annual.dates_between(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-31"))[0] == \
        pd.Timestamp("2025-03-20")
    # cash withdrawals on no fixed date are not a stream
    assert not any(s.merchant == "cash withdrawal" for s in streams.values())


def test_same_day_last_month_is_calendar_aware():
    future = pd.DatetimeIndex(["2024-03-15", "2024-03-30", "2024-03-31", "2024-04-15",
                               "2024-04-30"])
    reference = same_day_last_month_reference(future, pd.Timestamp("2024-02-29"),
                                              pd.Timestamp("2023-01-01"))
    expected = ["2024-02-15", "NaT", "2024-02-29", "2024-02-15", "2024-02-29"]
    assert [str(pd.Timestamp(r).date()) if not pd.isna(r) else "NaT" for r in reference] == \
        expected


def test_baselines_match_sktime_naive_forecasters():
    from sktime.forecasting.naive import NaiveForecaster

    rng = np.random.default_rng(3)
    index = pd.date_range("2024-01-01", periods=120, freq="D")
    history = pd.Series(rng.normal(0, 100, 120) * (rng.random(120) < 0.3), index=index)
    ours = baseline_forecasts(history, 30)
    series = pd.Series(history.to_numpy(), index=pd.PeriodIndex(index, freq="D"))
    for name, forecaster in {"naive": NaiveForecaster("last"),
                             "seasonal_naive_7": NaiveForecaster("last", sp=7),
                             "mean_28": NaiveForecaster("mean", window_length=28),
                             "mean_90": NaiveForecaster("mean", window_length=90)}.items():
        expected = forecaster.fit(series).predict(np.arange(1, 31)).to_numpy()
        np.testing.assert_allclose(ours[name], expected, err_msg=name)
    assert (ours["zero"] == 0).all()


def test_model_beats_its_strongest_baseline_on_folds_it_did_not_see():
    # six accounts, different seeds: the nested model must beat the best baseline on each
    # and by a margin far beyond the spread between accounts
    ratios = []
    for seed in range(6):
        _, outer, _ = evaluate_cashflow(_account(seed=seed), PARAMS)
        summary = summarise_backtest(outer)
        assert (outer.loc[outer["method"] == "model", "date"]
                > outer.loc[outer["method"] == "model", "cutoff"]).all()
        best = min(v["mase"] for k, v in summary.items() if k.startswith("baseline_"))
        ratios.append(summary["model"]["mase"] / best)
    ratios = np.array(ratios)
    assert (ratios < 1).all()
    assert 1 - ratios.mean() > 3 * ratios.std()


def _with_balance(frame, opening):
    frame = frame.copy()
    frame["balance"] = opening + frame["amount"].cumsum()
    return frame


def test_balance_arithmetic_from_the_export_balance_column():
    tx = _with_balance(_account(6), opening=1000.0)
    expected_close = 1000.0 + tx["amount"].sum()
    # rows of one day in any order: the day's closing balance is still found
    shuffled = tx.sample(frac=1.0, random_state=1)
    assert closing_balance_from_export(shuffled) == pytest.approx(expected_close, abs=1e-9)
    model = CashflowModel("exact+zero", PARAMS).fit(shuffled)
    table, summary = model.predict(30)
    as_of = tx["date"].max()
    assert summary["as_of"] == str(as_of.date()) and table["date"].iloc[0] == as_of + pd.Timedelta(
        days=1)
    assert summary["opening_balance"] == pytest.approx(expected_close)
    assert summary["balance_source"] == "export_balance_column"
    np.testing.assert_allclose(table["balance"],
                               expected_close + np.cumsum(table["expected_net"]), rtol=0, atol=1e-6)
    assert summary["closing_balance"] == pytest.approx(expected_close + table["expected_net"].sum())
    # the balance drifts by the cash withdrawals' daily mean, which the point forecast (the
    # most likely day: none) leaves out; the streams are in both
    quiet = (table["inflow"] == 0) & (table["outflow"] == 0)
    assert quiet.any() and (table.loc[quiet, "point"] == 0).all()
    assert (table.loc[quiet, "expected_net"] < 0).all()
    np.testing.assert_allclose(table["expected_net"] - table["point"],
                               table.loc[quiet, "expected_net"].iloc[0], atol=1e-9)
    assert (table["balance_lower"] <= table["balance"]).all()
    assert (table["balance"] <= table["balance_upper"]).all()


def test_declared_opening_balance_and_a_missing_one():
    tx = _account(6)
    declared = CashflowModel("exact+zero", {**PARAMS, "opening_balance": 500.0}).fit(tx)
    _, summary = declared.predict(10)
    assert summary["opening_balance"] == pytest.approx(500.0 + tx["amount"].sum())
    assert summary["balance_source"] == "declared_opening_balance"
    _, given = declared.predict(10, opening_balance=42.0)
    assert given["opening_balance"] == 42.0 and given["balance_source"] == "request"


def test_no_balance_is_invented_without_the_export_or_a_declaration():
    # no balance column, none declared: the sum of the transactions is a change, not money
    # in the account (it was served as the balance with "assumed_zero" beside it)
    tx = _account(6)
    model = CashflowModel("exact+zero", PARAMS).fit(tx)
    assert model.closing_balance is None and model.metadata["closing_balance"] is None
    table, unknown = model.predict(30, low_balance_threshold=1e9)
    assert unknown["balance_source"] == "unknown" and "not known" in unknown["balance_note"]
    assert unknown["opening_balance"] is None and unknown["closing_balance"] is None
    assert table[["balance", "balance_lower", "balance_upper"]].isna().all().all()
    # the running change from the last day is there, and no low-balance day without a balance
    np.testing.assert_allclose(table["change"], table["expected_net"].cumsum())
    assert unknown["first_low_balance_day"] is None
    assert unknown["first_day_balance_may_be_low"] is None
    # a balance given with the request is a balance again
    given, summary = model.predict(30, opening_balance=0.0)
    assert summary["balance_source"] == "request"
    np.testing.assert_allclose(given["balance"], given["change"])


def test_the_running_total_band_never_narrows_further_out():
    """One large payment a month around the 10th (± a week: no fixed day): nearly every
    30-day window of the history holds one, so the history's 30-day totals are narrower
    than its 15-day totals; the forecast
    cannot know on which side of its window's edge the payment lands, so the band of the
    running total must not narrow (it did: 8,152 wide at day 10, 5,811 at day 25)."""
    from titans_finance.models.cashflow import balance_interval, rolling_total_quantiles

    rng = np.random.default_rng(2)
    months = pd.date_range("2023-01-01", periods=18, freq="MS")
    days = pd.date_range(months[0], months[-1] + pd.offsets.MonthEnd(0), freq="D")
    net = pd.Series(0.0, index=days)
    for month in months:
        net[month + pd.Timedelta(days=int(rng.integers(2, 17)))] -= 3000.0
    residual = (net - net.mean()).to_numpy()
    # what the history's own windows say (why the envelope is needed): narrower at a month
    low, high = rolling_total_quantiles(residual, 60, 0.8)
    assert high[29] - low[29] < high[14] - low[14]
    # the served band around it: calibrated, then never narrowing, never narrower than
    # the calibrated band itself
    path = np.linspace(0, -500, 60)
    for q in ({"band_scale": 1.5, "band_floor": 0.0, "cumulative_low": 0.0,
               "cumulative_high": 0.0},
              {"band_scale": float("nan"), "cumulative_low": -10.0, "cumulative_high": 10.0}):
        lower, upper = balance_interval(path, low, high, q)
        assert (np.diff(upper - lower) >= -1e-9).all()
        scale = q["band_scale"] if np.isfinite(q["band_scale"]) else 1.0
        assert (lower <= path + scale * low + 1e-9).all()
        assert (upper >= path + scale * high - 1e-9).all()
    model = CashflowModel("exact+zero", PARAMS).fit(_account(8))
    table, _ = model.predict(90)
    assert (np.diff(table["change_upper"] - table["change_lower"]) >= -1e-9).all()


def test_a_forecast_asked_for_after_the_export_ends_says_so():
    tx = _account(6)
    model = CashflowModel("exact+zero", PARAMS).fit(tx)
    as_of = tx["date"].max()
    _, same_day = model.predict(30, today=as_of)
    assert same_day["days_after_as_of"] == 0 and same_day["note"] == ""
    table, later = model.predict(30, today=as_of + pd.Timedelta(days=12))
    assert later["days_after_as_of"] == 12 and str(as_of.date()) in later["note"]
    assert table["date"].iloc[0] == as_of + pd.Timedelta(days=1)
    # an export whose last day had no transaction: the forecast starts after the declared day
    later_as_of = CashflowModel("exact+zero", PARAMS).fit(tx, as_of=as_of + pd.Timedelta(days=3))
    assert later_as_of.predict(5)[0]["date"].iloc[0] == as_of + pd.Timedelta(days=4)
    with pytest.raises(ValueError, match="before the export's last transaction"):
        CashflowModel("exact+zero", PARAMS).fit(tx, as_of=as_of - pd.Timedelta(days=1))


def test_projected_streams_and_first_low_balance_day():
    tx = _account(6)
    model = CashflowModel("exact+zero", PARAMS).fit(tx)
    table, summary = model.predict(60, opening_balance=100.0, low_balance_threshold=0.0)
    salary_days = table.loc[table["inflow"] >= 22349.0, "date"]
    assert (salary_days.dt.day == 11).all() and len(salary_days) == 2
    expected = table.loc[table["balance"] < 0, "date"]
    assert summary["first_low_balance_day"] == (str(expected.iloc[0].date()) if len(expected)
                                                else None)
    with pytest.raises(ValueError, match="between 1 and 90"):
        model.predict(91)
    with pytest.raises(ValueError, match="unknown cash-flow candidate"):
        CashflowModel("exact+lightgbm", PARAMS)


def test_closing_balance_of_several_accounts_is_known_only_when_every_account_has_one():
    first = _with_balance(_account(6), opening=1000.0).assign(account="current")
    second = _with_balance(_account(7), opening=50.0).assign(account="savings")
    both = pd.concat([first, second], ignore_index=True)
    assert closing_balance_from_export(both) == pytest.approx(
        1050.0 + first["amount"].sum() + second["amount"].sum(), abs=1e-6)
    # an account whose file has no balance column: the total is unknown, not counted as 0
    partly = both.assign(balance=both["balance"].where(both["account"] == "current"))
    assert closing_balance_from_export(partly) is None
    model = CashflowModel("exact+zero", PARAMS).fit(partly)
    assert model.balance_source != "export_balance_column"


# ------------------------------------------------------------------ calibrated intervals

def test_conformal_bounds_cover_the_nominal_share_of_new_errors():
    from titans_finance.models.cashflow import conformal_bounds

    rng = np.random.default_rng(3)
    calibration = rng.standard_t(3, 400) * 50 + 20  # heavy-tailed and off-centre
    low, high = conformal_bounds(calibration, 0.8)
    fresh = rng.standard_t(3, 20000) * 50 + 20
    coverage = ((fresh >= low) & (fresh <= high)).mean()
    # conformal: >= 0.8 in expectation; 400 calibration errors → SD of the realised
    # coverage ≈ 0.02, so 0.8 ± 0.05 fails only on a real miscalibration
    assert 0.75 <= coverage <= 0.85
    # a mostly-zero day: its interval is [0, 0] (the day most likely has no flow)
    quiet = np.where(rng.random(300) < 0.9, 0.0, -rng.uniform(500, 6000, 300))
    assert conformal_bounds(quiet, 0.8) == (0.0, 0.0)


def test_band_scale_calibrates_a_band_of_the_wrong_size_to_the_nominal_coverage():
    from titans_finance.models.cashflow import balance_interval, band_scale

    rng = np.random.default_rng(7)
    steps, folds = 30, 60
    root = np.sqrt(np.arange(1, steps + 1))
    shape = 0.4 * 1.2816 * 100 * root  # the right shape, 0.4 times the right size
    errors = pd.DataFrame({
        "fold": np.repeat(np.arange(folds), steps), "step": np.tile(np.arange(1, steps + 1), folds),
        "expected_error": rng.normal(0, 100, folds * steps),
        "band_low": np.tile(-shape, folds), "band_high": np.tile(shape, folds), "scale": 100.0})
    scale = band_scale(errors, 0.8)
    assert 2.0 <= scale <= 3.2  # the truth is 2.5
    q = {"band_scale": scale, "band_floor": 0.0, "cumulative_low": 0.0, "cumulative_high": 0.0}
    fresh = rng.normal(0, 100, (2000, steps)).cumsum(axis=1)
    low, high = balance_interval(np.zeros(steps), -shape, shape, q)
    coverage = ((fresh >= low) & (fresh <= high)).mean()
    assert 0.72 <= coverage <= 0.88  # the scale rests on 60 correlated paths


def test_intervals_on_an_always_active_account_cover_about_nominal_on_unseen_folds():
    """Daily flows every day (no quiet days: the daily interval can be calibrated), a
    monthly salary: the reported folds' coverage is near 80 % for the day and the balance."""
    rng = np.random.default_rng(11)
    days = pd.date_range("2022-01-01", "2023-12-31", freq="D")
    spending = -np.round(np.exp(rng.normal(np.log(60), 0.8, len(days))), 2)
    frame = pd.DataFrame({"date": days, "description": "Card purchase",
                          "reference": "shop " + pd.Series(rng.integers(0, 40, len(days)))
                          .astype(str), "amount": spending})
    salary = pd.DataFrame({"date": pd.date_range("2022-01-25", "2023-12-25", freq="MS")
                           + pd.Timedelta(days=24), "description": "Salary",
                           "reference": "ACME PAYROLL", "amount": 2500.0})
    frame = pd.concat([frame, salary]).sort_values("date", kind="stable").reset_index(drop=True)
    frame["type"] = np.where(frame["amount"] > 0, "income", "expense")
    params = {**PARAMS, "backtest_folds": 8, "inner_folds": 4,
              "candidates": ["exact+daytype_median_52w", "all+weekday_median_8w"]}
    _, outer, _ = evaluate_cashflow(frame, params)
    scores = summarise_backtest(outer)["model"]
    # 240 reported days: SD of a calibrated daily coverage ≈ 0.026
    assert 0.72 <= scores["coverage"] <= 0.88
    # the balance path: 8 paths of 30 correlated days, far noisier
    assert 0.6 <= scores["balance_coverage"] <= 0.95


def test_day_type_median_learns_business_day_payments_and_is_zero_on_quiet_accounts():
    from titans_finance.models.cashflow import _rest_forecast

    rng = np.random.default_rng(5)
    days = pd.date_range("2023-01-02", periods=364, freq="D")
    business = days.dayofweek < 5
    # a client payment on ~70 % of business days, small spending every day
    net = np.where(business & (rng.random(364) < 0.7), 2400.0, 0.0) - 50.0
    forecast = _rest_forecast(pd.Series(net, index=days), "daytype_median_52w", 14)
    future = pd.date_range(days[-1] + pd.Timedelta(days=1), periods=14, freq="D")
    np.testing.assert_allclose(forecast[future.dayofweek < 5], 2350.0)
    np.testing.assert_allclose(forecast[future.dayofweek >= 5], -50.0)
    # an intermittent account (a flow on 10 % of days): zero, like the zero forecast
    quiet = np.where(rng.random(364) < 0.1, -3000.0, 0.0)
    assert not _rest_forecast(pd.Series(quiet, index=days), "daytype_median_52w", 14).any()


def test_the_served_model_forecasts_without_importing_sktime(tmp_path):
    """The service only unpickles a fitted `CashflowModel` and forecasts from its stored
    parts: its worker must not pay for sktime (imported by the forecasters, for fitting)."""
    import pickle
    import subprocess
    import sys

    model = CashflowModel("exact+weekday_median_8w", PARAMS).fit(_account(8))
    (tmp_path / "model.pkl").write_bytes(pickle.dumps(model))
    expected = model.predict(30)[0]
    expected.to_pickle(tmp_path / "expected.pkl")
    check = ("import pickle, sys; import pandas as pd\n"
             f"model = pickle.loads(open({str(tmp_path / 'model.pkl')!r}, 'rb').read())\n"
             f"pd.testing.assert_frame_equal(model.predict(30)[0], "
             f"pd.read_pickle({str(tmp_path / 'expected.pkl')!r}))\n"
             "model.shortfall(0.0)\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sktime', 'skbase')))")
    out = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
    from titans_finance.models import cashflow

    assert cashflow.SeasonalMedianForecaster.__module__.endswith(".forecasters")  # on demand
