"""Feature definitions shared by training (Kedro `features` pipeline) and serving.

One code path: `build_features(transactions, state)` computes every feature of
every input row from the row itself, the *strictly earlier* input rows, and a
`HistoryState` summarising the transactions before the input. Training calls
it on the whole clean table with an empty state; the service calls it on the
incoming transactions with the state saved after training. Because the state
holds exactly what the history features need (running sums per merchant and
per category, plus the last ``max_window_days`` of transactions for rolling
windows), both give identical features — a test checks it row by row.

"Earlier" means earlier in ``(date, source_row)`` order; a row never sees
itself or a later row (no leakage). With ``independent=True`` no input row sees
another input row either: each gets exactly the features it would get alone
after the state (the service scores a batch this way, so a batch answers what
single requests answer). Rolling windows are computed with group-
offset integer keys, `np.searchsorted` and cumulative sums: O(n log n), no
Python loop over rows or groups.

Every history feature is *per account* (the clean table's ``account`` column; a row
without one belongs to the state's default account, see `HistoryState.default_account`):
merchant and category histories are keyed by (account, merchant) and (account,
category), the "global" counts and windows are the account's own. A row's features
depend on its own account's rows only, so a table split by account (Dask partitions,
`titans_finance.core.scale`) gives exactly the features of the whole table; a
single-account export gets the features it always had.
"""

from __future__ import annotations

import functools
import itertools
from typing import Any

import numpy as np
import pandas as pd
from pandas.tseries.holiday import USFederalHolidayCalendar

from titans_finance.core.feature_params import (
    MISSING_KEY,
    NO_HISTORY_DAYS,
    FeatureParams,
    _chronological_order,
)
from titans_finance.core.feature_rows import (
    _amount_features,
    _base_arrays,
    _column,
    _missing,
    _positions_in,
    _signed_amounts,
    row_accounts,
)
from titans_finance.core.feature_text import (
    KEYWORDS,
    _cleaned,
    _Coded,
    _description_features,
    _keyword_flags,
    _merchant_keys,
    _payee_keys,
)
from titans_finance.core.history_lookup import (
    _DAY_OFFSET,
    _GROUP_STRIDE,
    HistoryLookups,
    _pair_keys,
)
# the state's class is named here too: history states pickled before the split (the
# models of earlier runs) name it `titans_finance.core.features.HistoryState`
from titans_finance.core.history_state import HistoryState
from titans_finance.core.schema import PAYMENT_METHODS, TRANSACTION_TYPES

# --------------------------------------------------------------------------- feature groups

TIME = ["year", "month", "day_of_month", "day_of_week", "day_of_year", "week_of_year", "quarter",
        "is_weekend", "is_month_start", "is_month_end", "days_to_month_end", "is_business_day",
        "is_holiday", "dow_sin", "dow_cos", "dom_sin", "dom_cos", "month_sin", "month_cos"]
AMOUNT = ["abs_amount", "log_abs_amount", "amount_sign", "is_round_1", "is_round_5", "is_round_10",
          "is_round_100", "cents", "amount_magnitude", "merchant_amount_z", "merchant_amount_ratio"]
CATEGORICAL = ["type_code", "payment_method_code", "reference_missing", "receipt_missing",
               "category_missing", "merchant_frequency", "description_length",
               "description_tokens", "description_has_digits", "is_bank_descriptor"]
TEXT = list(KEYWORDS)
TEXT_RAW = ["merchant_key", "description_clean"]
HISTORY = ["merchant_prior_count", "merchant_prior_mean_abs", "merchant_prior_mean_log",
           "merchant_prior_std_log",
           "days_since_merchant", "days_since_same_amount", "merchant_gap_mean", "merchant_gap_std",
           "merchant_gap_deviation", "is_recurring", "global_prior_count", "global_count_7d"]
CATEGORY_HISTORY = ["category_prior_count", "category_prior_mean_log", "category_prior_std_log",
                    "category_amount_z", "days_since_category"]


def _window_columns(params: FeatureParams) -> tuple[list[str], list[str]]:
    merchant = [f"merchant_{kind}_{w}d" for w in params.windows for kind in ("count", "sum")]
    category = [f"category_count_{w}d" for w in params.windows]
    return merchant, category


def feature_groups(params: FeatureParams | dict | None = None) -> dict[str, list[str]]:
    params = FeatureParams.from_any(params)
    merchant_windows, category_windows = _window_columns(params)
    return {"time": TIME, "amount": AMOUNT, "categorical": CATEGORICAL, "text": TEXT,
            "text_raw": TEXT_RAW, "history": HISTORY + merchant_windows,
            "category_history": CATEGORY_HISTORY + category_windows}


FEATURE_GROUPS = feature_groups()


def feature_columns(group: str | list[str] | None = None,
                    params: FeatureParams | dict | None = None) -> list[str]:
    """Feature column names of one group, several groups, or all (numeric and text)."""
    groups = feature_groups(params)
    if group is None:
        names = list(groups)
    elif isinstance(group, str):
        names = [group]
    else:
        names = list(group)
    unknown = [g for g in names if g not in groups]
    if unknown:
        raise KeyError(f"unknown feature group(s) {unknown}; known: {list(groups)}")
    return [column for g in names for column in groups[g]]


# --------------------------------------------------------------------------- computation
#
# Plain numpy arrays throughout: the service calls `build_features` on one to a few
# dozen rows, where each pandas operation's fixed cost (~50-100 µs) used to outweigh the
# arithmetic; training calls it once on the whole table, where both are vectorised.

# what `own_features` gives: the row's merchant key and its own amount's features
OWN_FEATURES = ["merchant_key", "abs_amount", "log_abs_amount", "amount_sign", "is_round_1",
                "is_round_5", "is_round_10", "is_round_100", "cents", "amount_magnitude"]


def own_features(transactions: pd.DataFrame, state: HistoryState | None = None
                 ) -> pd.DataFrame:
    """`OWN_FEATURES` of each row, the values `build_features(transactions, state,
    independent=True)` gives them, without the history, calendar and text flags it also
    computes (~4 ms for one row): what a model reading only these needs (the category
    model, with the description). ``state``: the history whose payees key a row without
    a reference (`_payee_keys`), as the pipeline keyed the same payee."""
    n = len(transactions)
    signed = _signed_amounts(transactions)
    abs_amount = np.abs(signed)
    numeric = _amount_features(abs_amount, np.log1p(abs_amount), signed)
    description = _Coded.of(transactions["description"])
    reference = _Coded.of(_column(transactions, "reference", n))
    if state is not None and len(state.payees):
        account = _Coded.of(pd.Series(row_accounts(transactions, state.default_account),
                                      dtype="str"))
        merchant, _ = _payee_keys(description, reference, account, np.zeros(n, dtype="int64"),
                                  np.arange(n), state.payees, learn=False)
    else:
        merchant = _merchant_keys(description, reference)
    block = np.empty((len(OWN_FEATURES) - 1, n), dtype="float64")
    for j, name in enumerate(OWN_FEATURES[1:]):
        block[j] = numeric[name]
    return pd.concat([pd.DataFrame({"merchant_key": merchant.strings()},
                                   index=transactions.index),
                      pd.DataFrame(block.T, columns=OWN_FEATURES[1:], index=transactions.index,
                                   copy=False)], axis=1)


_HOLIDAY_RANGE = ("1970-01-01", "2100-12-31")


@functools.lru_cache(maxsize=1)
def _holiday_table() -> np.ndarray:
    # built once per process (~30 ms): rebuilding the calendar per call cost ~6 ms per request
    return _holiday_days(*_HOLIDAY_RANGE)


def _holiday_days(start: Any, end: Any) -> np.ndarray:
    holidays = USFederalHolidayCalendar().holidays(start, end)
    return holidays.to_numpy().astype("datetime64[D]").astype("int64")


def _us_holidays(first_day: int, last_day: int) -> np.ndarray:
    """US federal holidays as day numbers, covering ``first_day``..``last_day``."""
    low, high = (int(np.datetime64(d, "D").astype("int64")) for d in _HOLIDAY_RANGE)
    if first_day < low or last_day > high:
        return _holiday_days(np.datetime64(first_day, "D"), np.datetime64(last_day, "D"))
    return _holiday_table()


def _time_features(day: np.ndarray) -> dict[str, np.ndarray]:
    """Calendar features of day numbers (days since 1970-01-01), pandas' conventions
    (Monday = 0, ISO week)."""
    date = day.astype("datetime64[D]")
    month_start = date.astype("datetime64[M]")
    year_start = date.astype("datetime64[Y]")
    month = month_start.astype("int64") % 12 + 1
    dom = (date - month_start.astype("datetime64[D]")).astype("int64") + 1
    dim = ((month_start + 1).astype("datetime64[D]")
           - month_start.astype("datetime64[D]")).astype("int64")
    dow = (day + 3) % 7  # 1970-01-01 was a Thursday
    # ISO week: the week of the year that holds this week's Thursday
    thursday = (day - dow + 3).astype("datetime64[D]")
    week = (thursday - thursday.astype("datetime64[Y]").astype("datetime64[D]")).astype(
        "int64") // 7 + 1
    is_holiday = (np.isin(day, _us_holidays(int(day.min()), int(day.max()))) if len(day)
                  else np.zeros(0, dtype=bool))
    return {
        "year": year_start.astype("int64") + 1970, "month": month, "day_of_month": dom,
        "day_of_week": dow,
        "day_of_year": (date - year_start.astype("datetime64[D]")).astype("int64") + 1,
        "week_of_year": week, "quarter": (month - 1) // 3 + 1, "is_weekend": dow >= 5,
        "is_month_start": dom == 1, "is_month_end": dom == dim, "days_to_month_end": dim - dom,
        "is_business_day": (dow < 5) & ~is_holiday, "is_holiday": is_holiday,
        "dow_sin": np.sin(2 * np.pi * dow / 7), "dow_cos": np.cos(2 * np.pi * dow / 7),
        "dom_sin": np.sin(2 * np.pi * (dom - 1) / dim), "dom_cos": np.cos(2 * np.pi * (dom - 1) / dim),
        "month_sin": np.sin(2 * np.pi * (month - 1) / 12),
        "month_cos": np.cos(2 * np.pi * (month - 1) / 12),
    }


def _expanding(keys: _Coded, values: dict[str, np.ndarray], prior: pd.DataFrame
               ) -> dict[str, np.ndarray]:
    """Sums over strictly earlier rows of the same key: prior state + earlier input rows."""
    frame = pd.DataFrame(values)
    prior_rows = prior.reindex(keys.distinct)[list(values)].fillna(0.0).to_numpy()[keys.codes]
    earlier = (frame.groupby(keys.codes, sort=False).cumsum() - frame).to_numpy() + prior_rows
    return {name: earlier[:, j] for j, name in enumerate(values)}


def _previous_day(keys: _Coded, day: np.ndarray, prior: pd.DataFrame) -> np.ndarray:
    from_state = prior["last_day"].reindex(keys.distinct).to_numpy(dtype="float64")[keys.codes]
    previous = pd.Series(day, dtype="float64").groupby(keys.codes, sort=False).shift(1).to_numpy()
    return np.where(np.isnan(previous), from_state, previous)


def _with_tail(tail_keys: np.ndarray, keys: _Coded) -> np.ndarray:
    """Group codes of the history tail's keys followed by the input rows' keys (equal
    codes for equal strings)."""
    codes, _ = pd.factorize(np.concatenate([tail_keys.astype(object), keys.distinct]))
    return np.concatenate([codes[:len(tail_keys)], codes[len(tail_keys):][keys.codes]])


def _rolling(group: np.ndarray, day: np.ndarray, value: np.ndarray, is_new: np.ndarray,
             windows: tuple[int, ...]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Count and sum of ``value`` over earlier rows of the same group within each window.

    Rows are given in chronological order (history tail first). Within a group,
    a running maximum of the day keeps keys sorted even if a new row is dated
    before the history's end (it is then treated as the latest transaction).
    """
    codes, _ = pd.factorize(group)
    order = np.lexsort((np.arange(len(codes)), codes))
    g, d, v = codes[order], day[order], value[order]
    d = pd.Series(d).groupby(g).cummax().to_numpy()
    keys = g.astype("int64") * _GROUP_STRIDE + d + _DAY_OFFSET
    # running sums restart in every group, so a group's windows do not depend on the
    # other groups' rows (an account's features are the same in any partition, to the bit)
    inclusive = pd.Series(v, dtype="float64").groupby(g, sort=False).cumsum().to_numpy()
    cumulative = np.concatenate([[0.0], inclusive[:-1]]) if len(v) else np.zeros(0)
    cumulative[np.flatnonzero(np.r_[True, g[1:] != g[:-1]]) if len(g) else []] = 0.0
    position = np.arange(len(keys))
    out = {}
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    for window in windows:
        low = np.searchsorted(keys, keys - window, side="left")
        count = (position - low)[inverse]
        total = (cumulative[position] - cumulative[low])[inverse]
        out[window] = (count[is_new], total[is_new])
    return out


def build_features(transactions: pd.DataFrame, state: HistoryState | None = None,
                   params: FeatureParams | dict | None = None,
                   independent: bool = False, lookups: HistoryLookups | None = None,
                   base: dict[str, Any] | None = None) -> pd.DataFrame:
    """Features of each input row, in input order (see the module docstring).

    ``independent``: every row as if it were the only input row (history = ``state``).
    ``lookups``: what each row's history holds, given (input order; the service's rolling
    history, core/rolling.py): every row independent, ``state`` unused but for its
    default account. ``base``: `row_arrays` of ``transactions``, when the caller has them.
    """
    params = FeatureParams.from_any(params)
    state = state if state is not None else HistoryState.empty(params)
    independent = independent or lookups is not None
    n = len(transactions)
    base = base if base is not None else _base_arrays(
        transactions, state.default_account, state.payees, learn=not independent)
    order = _chronological_order(base["day"], base["source_row"])
    if np.array_equal(order, np.arange(n)):
        order = slice(None)  # already chronological (the clean table is): no reordering copies
    # from here on, rows are in chronological order
    day = base["day"][order]
    merchant, category = base["merchant_key"].take(order), base["category_key"].take(order)
    # history keys: (account, merchant) and (account, category)
    account = base["account"].take(order)
    merchant_group = base["merchant_group"].take(order)
    category_group = base["category_group"].take(order)
    abs_amount, log_amount = base["abs_amount"][order], base["log_abs_amount"][order]
    signed, description = base["amount"][order], base["description"].take(order)
    out: dict[str, Any] = _time_features(day)
    if independent:  # each row against the history alone: what it holds, per row
        if lookups is None:
            lookups = state.lookup().rows(merchant_group.strings(), category_group.strings(),
                                          account, day, abs_amount, params.windows,
                                          state.account_count)
        else:
            lookups = lookups.take(order)

    # history per merchant (expanding, from the state plus earlier input rows)
    if independent:
        m, previous_m = lookups.merchant, lookups.merchant_last
    else:
        previous_m = _previous_day(merchant_group, day, state.merchant)
        gap = day - previous_m
        m = _expanding(merchant_group, {
            "count": np.ones(n), "sum_abs": abs_amount, "sum_abs_sq": abs_amount ** 2,
            "sum_log": log_amount, "sum_log_sq": log_amount ** 2,
            "n_gaps": (~np.isnan(gap)).astype("float64"), "sum_gap": np.nan_to_num(gap),
            "sum_gap_sq": np.nan_to_num(gap) ** 2}, state.merchant)
    m_count = m["count"]
    with np.errstate(invalid="ignore", divide="ignore"):
        m_mean_abs = np.where(m_count > 0, m["sum_abs"] / m_count, 0.0)
        m_mean_log = np.where(m_count > 0, m["sum_log"] / m_count, 0.0)
        m_var_log = np.where(m_count > 1, m["sum_log_sq"] / m_count - m_mean_log ** 2, 0.0)
        m_std_log = np.sqrt(np.clip(m_var_log, 0.0, None))
        m_var_abs = np.where(m_count > 1, m["sum_abs_sq"] / m_count - m_mean_abs ** 2, 0.0)
        m_cv = np.where(m_mean_abs > 0, np.sqrt(np.clip(m_var_abs, 0, None)) / m_mean_abs, 0.0)
        n_gaps = m["n_gaps"]
        gap_mean = np.where(n_gaps > 0, m["sum_gap"] / np.maximum(n_gaps, 1), 0.0)
        gap_var = np.where(n_gaps > 1, m["sum_gap_sq"] / np.maximum(n_gaps, 1) - gap_mean ** 2, 0.0)
        gap_std = np.sqrt(np.clip(gap_var, 0.0, None))
    # a transaction dated before the history's end (serving) is treated as the latest: >= 0
    days_since_m = np.where(np.isnan(previous_m), NO_HISTORY_DAYS,
                            np.maximum(day - previous_m, 0))
    # z-score of this amount against the merchant's history; a floor on the spread
    # keeps one-price subscriptions from producing huge z for a cent of change.
    spread = np.maximum(m_std_log, 0.05)
    out["merchant_amount_z"] = np.where(m_count >= 2, (log_amount - m_mean_log) / spread, 0.0)
    out["merchant_amount_ratio"] = np.where(m_count >= 1, abs_amount / np.maximum(m_mean_abs, 0.01),
                                            1.0)
    low, high = params.recurring_gap_range
    recurring = ((m_count >= params.recurring_min_count) & (gap_mean >= low) & (gap_mean <= high)
                 & (gap_std <= params.recurring_gap_std_max)
                 & (m_cv <= params.recurring_amount_cv_max))

    if independent:
        merchant_windows, category_windows = lookups.merchant_windows, lookups.category_windows
        global_7d = {7: (lookups.account_count_7d, None)}
        since_pair = np.maximum(day - lookups.pair_last, 0)
    else:
        # group codes instead of strings (the same groups, without hashing a million strings)
        tail = state.tail
        tail_merchant = tail["merchant_key"].to_numpy(dtype=object)
        tail_amount = tail["abs_amount"].to_numpy(dtype="float64")
        all_day = np.concatenate([tail["day"].to_numpy(dtype="int64"), day])
        all_value = np.concatenate([tail_amount, abs_amount])
        is_new = np.concatenate([np.zeros(len(tail), dtype=bool), np.ones(n, dtype=bool)])
        all_merchant = _with_tail(tail_merchant, merchant_group)
        merchant_windows = _rolling(all_merchant, all_day, all_value, is_new, params.windows)
        category_windows = _rolling(_with_tail(tail["category_key"].to_numpy(dtype=object),
                                               category_group), all_day, all_value, is_new,
                                    params.windows)
        global_7d = _rolling(_with_tail(tail["account"].to_numpy(dtype=object), account),
                             all_day, all_value, is_new, (7,))
        # (merchant, cents) pairs: the groups of `_pair_keys`' "merchant|cents" strings
        all_cents = np.round(all_value * 100).astype("int64")
        previous_pair = pd.Series(all_day.astype("float64")).groupby(
            [all_merchant, all_cents], sort=False).shift(1)
        since_pair = np.maximum(all_day - previous_pair.to_numpy(), 0)[is_new]
    since_pair = np.where(np.isnan(since_pair) | (since_pair > params.max_window_days),
                          params.max_window_days + 1, since_pair)

    out.update({
        "merchant_prior_count": m_count, "merchant_prior_mean_abs": m_mean_abs,
        "merchant_prior_mean_log": m_mean_log,
        "merchant_prior_std_log": m_std_log, "days_since_merchant": days_since_m,
        "days_since_same_amount": since_pair, "merchant_gap_mean": gap_mean,
        "merchant_gap_std": gap_std,
        "merchant_gap_deviation": np.where(n_gaps > 0, days_since_m - gap_mean, 0.0),
        "is_recurring": recurring,
        # the account's own earlier transactions (the state's, then earlier input rows)
        "global_prior_count": lookups.account_count if independent else (
            state.account_count.reindex(account.distinct).fillna(0).to_numpy(
                dtype="float64")[account.codes] + pd.Series(account.codes).groupby(
                account.codes, sort=False).cumcount().to_numpy(dtype="float64")),
        "global_count_7d": global_7d[7][0],
    })
    for window, (count, total) in merchant_windows.items():
        out[f"merchant_count_{window}d"] = count
        out[f"merchant_sum_{window}d"] = total

    out.update(_amount_features(abs_amount, log_amount, signed))

    # categorical (codes: position in the schema's list, -1 when missing or unknown)
    described = _description_features(description)
    out.update({
        "type_code": _positions_in(TRANSACTION_TYPES, _column(transactions, "type", n))[order],
        "payment_method_code": _positions_in(PAYMENT_METHODS, _column(
            transactions, "payment_method", n))[order],
        "reference_missing": _missing(transactions, "reference", n)[order],
        "receipt_missing": _missing(transactions, "receipt_url", n)[order],
        "category_missing": category.table(lambda c: c.startswith("__"), 1)[:, 0],
        "merchant_frequency": m_count,
        "description_length": described[:, 0], "description_tokens": described[:, 1],
        "description_has_digits": described[:, 2], "is_bank_descriptor": described[:, 3],
    })

    # text: keywords are searched in "<clean description> <merchant>", built once per
    # distinct (description, merchant) pair
    description_clean = _cleaned(description)
    merchant_text = np.where(merchant.distinct == MISSING_KEY, "", merchant.distinct)
    pair = description.codes.astype("int64") * len(merchant.distinct) + merchant.codes
    pair_codes, pairs = pd.factorize(pair)
    searchable = (description_clean.distinct[pairs // len(merchant.distinct)] + " "
                  + merchant_text[pairs % len(merchant.distinct)])
    flags = _keyword_flags(searchable)[pair_codes]
    for j, name in enumerate(KEYWORDS):
        out[name] = flags[:, j]

    # history per category (uses the row's own category: not for the category model)
    if independent:
        c, previous_c = lookups.category, lookups.category_last
    else:
        previous_c = _previous_day(category_group, day, state.category)
        c = _expanding(category_group, {"count": np.ones(n), "sum_log": log_amount,
                                  "sum_log_sq": log_amount ** 2}, state.category)
    c_count = c["count"]
    with np.errstate(invalid="ignore", divide="ignore"):
        c_mean = np.where(c_count > 0, c["sum_log"] / c_count, 0.0)
        c_std = np.sqrt(np.clip(np.where(c_count > 1, c["sum_log_sq"] / c_count - c_mean ** 2, 0.0),
                                0.0, None))
    out.update({
        "category_prior_count": c_count, "category_prior_mean_log": c_mean,
        "category_prior_std_log": c_std,
        "category_amount_z": np.where(c_count >= 2, (log_amount - c_mean) / np.maximum(c_std, 0.05),
                                      0.0),
        "days_since_category": np.where(np.isnan(previous_c), NO_HISTORY_DAYS,
                                        np.maximum(day - previous_c, 0)),
    })
    for window, (count, _) in category_windows.items():
        out[f"category_count_{window}d"] = count

    # back to input order. The numeric features are one float array in pandas' own layout
    # (a row per feature), which the table wraps without a copy: a million-row table was
    # copied three times over, and one pandas block is also what keeps small inputs fast.
    columns = feature_columns(params=params)
    numeric = [c for c in columns if c not in TEXT_RAW]
    block = np.empty((len(numeric), n), dtype="float64")
    for j, name in enumerate(numeric):
        block[j, order] = out.pop(name)  # the chronological copy is not needed any more
    if "transaction_id" not in transactions:
        ids = np.arange(n).astype(str)
    else:
        ids = transactions["transaction_id"]
        # a str column is kept as it is (no round trip through a million Python strings)
        # exactly where the table would infer str from its values: some value present
        ids = ids.array if ids.dtype == "str" and ids.notna().any() else ids.to_numpy()
    pieces = [pd.DataFrame({"transaction_id": ids, "date": base["date"]},
                           index=transactions.index)]
    text = {"merchant_key": base["merchant_key"].strings(),
            "description_clean": description_clean.distinct[base["description"].codes]}
    # runs of consecutive numeric or text columns, in the order of `columns`
    for is_text, run in itertools.groupby(columns, key=lambda c: c in TEXT_RAW):
        run = list(run)
        if is_text:
            pieces.append(pd.DataFrame({name: text[name] for name in run},
                                       index=transactions.index))
        else:
            first = numeric.index(run[0])
            pieces.append(pd.DataFrame(block[first:first + len(run)].T, columns=run,
                                       index=transactions.index, copy=False))
    return pd.concat(pieces, axis=1)
