"""Daily cash-flow forecaster of one export: calendar streams + an sktime forecaster for the rest.

What real current accounts look like (judged on 638 real accounts, see
docs/evaluation.md): most days have no transaction at all; the big flows are
*streams* that come back on a calendar date — a salary on the 11th (larger in
two bonus months a year), a household bill on the 6th, interest and fees on the
last day of the month, an insurance premium once a year — with amounts that
vary (bonus months, variable bills). Around them sit intermittent one-off flows
(cash withdrawals, transfers) on no fixed date.

The forecaster follows that shape:

1. **Streams** (`detect_streams`): per counterparty key and sign, the transactions
   that come back once per month (or week, or year) on the same calendar anchor —
   a day of the month, a number of days before the month's end (interest on the
   30th/31st/28th is one stream), a weekday, a day of the year. A stream needs
   ``min_occurrences`` periods and must have been present in ``min_period_share``
   of the periods since it started (one missed month is tolerated); its amount is
   the *median* of its recent amounts (tolerant: a bonus month neither blocks the
   detection nor inflates the forecast). A stream is projected on its anchor date in
   each future period it has not occurred in yet (on the next business day when the
   account never posts at weekends).
   *Young* schedules (candidates ``exact_young`` / ``all_young``): a payment on the same
   day of month in 2 of the last 3 months whose counterparty is no stream yet (a new
   salary, a new loan) is projected on that day with its latest amount, as a budgeting
   app's user would type it in (also on the month's last day; not for a counterparty
   seen so often that it lands on one day twice by chance, nor when its months' amounts
   differ by more than ``young_schedule_max_amount_ratio``; from the last month alone for
   a counterparty seen on no other day when its payments are bank transfers — a standing
   order, a new salary — or it is a small booking on the month's last day — the bank's
   interest and fee); a stream whose last two amounts agree with each other and not with
   the median follows them (a new rent). A stream whose dates follow a fixed cycle (every
   30 days) is projected on that cycle by the daily forecast only when its recent amounts
   agree within ``cycle_max_amount_ratio`` (cash withdrawals of 100 to 10,700 are a habit,
   not a standing order).
2. **The rest** (every non-stream flow) is forecast by one of the candidates:
   zero (intermittent flows: on a mostly-zero day the absolute-error-optimal
   forecast is zero, not a little flow every day) or an sktime ``NaiveForecaster``
   mean (recent or per weekday) for accounts with daily activity.
3. **Model choice is nested**: the candidates (which streams are projected × how
   the rest is forecast) are compared on backtest folds *before* the folds that
   are reported (see `nested_backtest`).
4. **Intervals** (split-conformal on the chosen candidate's errors on the folds before,
   never on the fold they are scored on): daily (the net flow of each day) separately
   for quiet days and flow days (`interval_quantiles`; on a mostly-zero account a quiet
   day's interval is [0, 0] and covers at least the share of days without flow, more
   than nominal when that share is); for the balance path, the *shape* of how far the
   non-stream flows strayed from their mean over every window of the same length in
   the history, *scaled* so that the earlier folds' cumulative error paths fall inside
   it at the nominal rate (`band_scale`).
5. **Balance and "as of"**: the forecast starts the day after the export's last day
   (``as_of``); the opening balance is the export's own running balance when it has
   one (`closing_balance_from_export`), else a declared one, else none: the forecast is
   then the running change from ``as_of`` and no balance is shown (`CashflowModel.predict`). The
   daily *point* is the most likely day (zero on a quiet day: what absolute error
   rewards); the *balance* follows the *expected* net — the streams plus the other
   flows' mean daily net over the last 90 days — because withdrawals that surely come
   on *some* day of the month must lower the projected balance even if no single day
   is likely to see one.

Every baseline the forecaster is compared with (`baseline_forecasts`) is computed
on the same folds: naive (last value), seasonal naive (7 days), same day last month
(calendar-aware), mean of the last 28 / 90 days, and zero.

One job per module: `flows` (daily series), `baselines` (the simple forecasts and the MASE
scale), `streams` (recurring streams), `forecasters` (the rest's sktime forecasters),
`intervals` (conformal daily intervals and the running total's band), `parts` (one fit at
one cutoff), `balance` (the export's closing balance), `backtest` (folds, nested choice,
scores), `horizon` (the horizon's net change every view gives), `model` (the served
`CashflowModel`), `accounts` (per-account forecasts), `schedules` (payments on their day of
month in 2 of the last 3 months), `peers` (the scorecard's peers: scheduled payments,
`statistical` ETS and Theta), `shortfall` (the chance of running short). Everything is importable from
``titans_finance.models.cashflow`` (older pickles name the classes there).
"""

from __future__ import annotations

import importlib
from typing import Any

# Each name and the module that defines it, imported on first use (PEP 562): a process
# that only unpickles the served `CashflowModel` (the service's worker) never imports
# the forecasters' sktime (~9 MiB of its memory, a second of its start).
_DEFINED_IN = {
    "ACCOUNT_FORECAST_COLUMNS": "accounts", "ACCOUNT_SUMMARY_COLUMNS": "accounts",
    "forecast_accounts": "accounts",
    "backtest_parts": "backtest", "choose_candidate": "backtest",
    "evaluate_cashflow": "backtest", "fold_cutoffs": "backtest", "nested_backtest": "backtest",
    "summarise_backtest": "backtest", "versus_baseline": "backtest",
    "closing_balance_from_export": "balance",
    "BASELINE_MEANING": "baselines", "BASELINES": "baselines",
    "baseline_forecasts": "baselines", "mase_scale": "baselines", "_month_end": "baselines",
    "same_day_last_month_reference": "baselines",
    "daily_flows": "flows",
    "REST_FORECASTERS": "forecasters", "DayTypeMedianForecaster": "forecasters",
    "SeasonalMedianForecaster": "forecasters", "_rest_forecast": "forecasters",
    "NetChange": "horizon", "horizon_net_change": "horizon", "with_change_columns": "horizon",
    "BAND_FLOOR": "intervals", "MIN_CLASS_ERRORS": "intervals",
    "balance_interval": "intervals", "band_floor": "intervals", "band_scale": "intervals",
    "band_with_floor": "intervals", "conformal_bounds": "intervals",
    "daily_interval": "intervals", "interval_quantiles": "intervals",
    "monotone_band": "intervals", "rolling_total_quantiles": "intervals",
    "FORECAST_COLUMNS": "model", "KNOWN_BALANCE_SOURCES": "model", "MAX_HORIZON": "model",
    "CashflowModel": "model", "fit_from_backtest": "model",
    "STREAM_SETS": "parts", "ForecastParts": "parts", "candidate_names": "parts",
    "forecast_parts": "parts", "_posts_on_weekends": "parts", "_rest_level": "parts",
    "_PERIOD_DAYS": "streams", "RecurringStream": "streams", "_best_stream": "streams",
    "_coordinates": "streams", "detect_recurring": "streams", "detect_streams": "streams",
    "_frame_for_streams": "streams", "_period_labels": "streams", "_stream": "streams",
    "_streams_of_frame": "streams",
}


def __getattr__(name: str) -> Any:
    module = _DEFINED_IN.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_DEFINED_IN})


# the public names (`_DEFINED_IN`'s private ones are there for older pickles and tests)
__all__ = [name for name in _DEFINED_IN if not name.startswith("_")]
