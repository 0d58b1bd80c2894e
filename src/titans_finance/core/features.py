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
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pandas.tseries.holiday import USFederalHolidayCalendar

from titans_finance.core.schema import PAYMENT_METHODS, TRANSACTION_TYPES

EPOCH = np.datetime64("1970-01-01", "D")
NO_HISTORY_DAYS = 9999.0  # "never seen": days since a previous transaction that does not exist
MISSING_KEY = "__none__"


@dataclass(frozen=True)
class FeatureParams:
    windows: tuple[int, ...] = (7, 30, 90)
    recurring_min_count: int = 3
    recurring_gap_range: tuple[float, float] = (25.0, 35.0)
    recurring_gap_std_max: float = 4.0
    recurring_amount_cv_max: float = 0.1

    @property
    def max_window_days(self) -> int:
        return int(max(self.windows))

    @classmethod
    def from_any(cls, params: FeatureParams | dict | None) -> FeatureParams:
        if params is None:
            return cls()
        if isinstance(params, cls):
            return params
        known = {k: v for k, v in dict(params).items() if k in cls.__dataclass_fields__}
        for key in ("windows", "recurring_gap_range"):
            if key in known:
                known[key] = tuple(known[key])
        unknown = set(params) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown feature parameter(s): {', '.join(sorted(unknown))}")
        result = cls(**known)
        if not result.windows or min(result.windows) < 1:
            raise ValueError(f"features.windows must be positive day counts, got {result.windows}")
        return result


# --------------------------------------------------------------------------- text

_DESCRIPTOR_PREFIX = r"^(?:sq|tst|sp|pp|paypal|pos|dd|ach|chk|debit|purchase)\s*\*\s*"
KEYWORDS: dict[str, str] = {
    "kw_subscription": r"subscri|monthly|renewal|plan\b|membership",
    "kw_fuel": r"fuel|gas\b|shell|chevron|exxon|mobil|\bbp\b|texaco",
    "kw_meals": r"lunch|dinner|restaurant|coffee|cafe|meal|starbucks|bottle|bread|grill|pizza",
    "kw_travel": r"hotel|flight|airline|parking|uber|lyft|taxi|travel|marriott|hilton",
    "kw_rent": r"\brent\b|lease|property",
    "kw_insurance": r"insurance|geico|state farm|progressive",
    "kw_fee": r"\bfee|fees\b|charge|dues|bank",
    "kw_software": r"software|license|licence|subscription|cloud|hosting|domain|saas|adobe|microsoft",
    "kw_telecom": r"phone|internet|mobile|comcast|verizon|spectrum|telecom",
    "kw_office": r"office|supplies|paper|printer|staples|depot",
}


def clean_text(description: pd.Series) -> pd.Series:
    """Lowercase letters-only tokens: ``SQ *BLUE BOTTLE 0412`` → ``sq blue bottle``."""
    text = description.fillna("").astype("str").str.lower()
    text = text.str.replace(r"[^a-z]+", " ", regex=True)
    text = text.str.replace(r"\b[a-z]\b", " ", regex=True)
    return text.str.replace(r"\s+", " ", regex=True).str.strip()


def normalise_merchant(description: pd.Series, reference: pd.Series) -> pd.Series:
    """Merchant key: the reference when given, else the description without bank-descriptor noise.

    ``AMZN Mktp US*2K4TR`` → ``amzn mktp us``; ``SHELL OIL 57444 HOUSTON TX`` →
    ``shell oil houston``; ``SQ *BLUE BOTTLE 0412`` → ``blue bottle``.
    """
    ref = reference.fillna("").astype("str").str.lower()
    ref = ref.str.replace(r"[^a-z0-9&]+", " ", regex=True).str.strip()
    text = description.fillna("").astype("str").str.lower()
    text = text.str.replace(_DESCRIPTOR_PREFIX, "", regex=True)
    text = text.str.replace(r"\*\S*", " ", regex=True)  # AMZN Mktp US*2K4TR: order id after '*'
    text = text.str.replace(r"#\s*\d+", " ", regex=True)
    text = text.str.replace(r"\S*\d\S*", " ", regex=True)  # tokens with digits: ids, store numbers
    text = text.str.replace(r"[^a-z&]+", " ", regex=True)
    text = text.str.replace(r"\s[a-z]{2}$", "", regex=True)  # trailing state code
    from_description = text.str.strip().str.extract(r"^(\S+(?:\s+\S+){0,2})", expand=False)
    from_description = from_description.fillna("").str.replace(r"\s+", " ", regex=True)
    key = ref.where(ref != "", from_description)
    return key.fillna("").replace("", MISSING_KEY)


# --------------------------------------------------------------------------- state

_MERCHANT_SUMS = ("count", "sum_abs", "sum_abs_sq", "sum_log", "sum_log_sq", "n_gaps", "sum_gap",
                  "sum_gap_sq")
_CATEGORY_SUMS = ("count", "sum_log", "sum_log_sq")


@dataclass
class HistoryState:
    """What history features need about past transactions (picklable, small).

    ``merchant``/``category``: running sums per key plus ``last_day`` (days since
    1970-01-01 of the latest transaction). ``tail``: the transactions of the last
    ``max_window_days`` (day, merchant, category, abs amount) for rolling windows.
    """

    merchant: pd.DataFrame = field(default_factory=lambda: _empty_stats(_MERCHANT_SUMS))
    category: pd.DataFrame = field(default_factory=lambda: _empty_stats(_CATEGORY_SUMS))
    tail: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"day": pd.Series(dtype="int64"), "merchant_key": pd.Series(dtype="str"),
         "category_key": pd.Series(dtype="str"), "abs_amount": pd.Series(dtype="float64")}))
    global_count: int = 0
    last_day: int | None = None
    max_window_days: int = 90

    @classmethod
    def empty(cls, params: FeatureParams | dict | None = None) -> HistoryState:
        return cls(max_window_days=FeatureParams.from_any(params).max_window_days)

    @classmethod
    def from_frame(cls, transactions: pd.DataFrame,
                   params: FeatureParams | dict | None = None) -> HistoryState:
        """The state after every row of ``transactions`` (clean columns)."""
        return cls.empty(params).update(transactions)

    def update(self, transactions: pd.DataFrame) -> HistoryState:
        """A new state: this one followed by ``transactions``."""
        if len(transactions) == 0:
            return self
        base = _base_columns(transactions)
        base = base.iloc[_chronological_order(base)]
        day = base["day"].to_numpy()
        merchant = _aggregate(base, "merchant_key", self.merchant, with_gaps=True)
        category = _aggregate(base, "category_key", self.category, with_gaps=False)
        tail = pd.concat([self.tail, base[["day", "merchant_key", "category_key", "abs_amount"]]],
                         ignore_index=True)
        last_day = int(max(day.max(), self.last_day if self.last_day is not None else day.max()))
        tail = tail[tail["day"] >= last_day - self.max_window_days].reset_index(drop=True)
        return HistoryState(merchant=merchant, category=category, tail=tail,
                            global_count=self.global_count + len(base), last_day=last_day,
                            max_window_days=self.max_window_days)


def _empty_stats(columns: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    frame["last_day"] = pd.Series(dtype="float64")
    frame.index = pd.Index([], dtype="str", name="key")
    return frame


def _aggregate(base: pd.DataFrame, key: str, prior: pd.DataFrame, with_gaps: bool) -> pd.DataFrame:
    log_amount = base["log_abs_amount"]
    parts = pd.DataFrame({"count": 1.0, "sum_log": log_amount, "sum_log_sq": log_amount ** 2,
                          "key": base[key].to_numpy()}, index=base.index)
    if with_gaps:
        parts["sum_abs"] = base["abs_amount"]
        parts["sum_abs_sq"] = base["abs_amount"] ** 2
        previous = base.groupby(key, sort=False)["day"].shift(1)
        # the first new row's gap is measured from the prior state's last day
        previous = previous.fillna(base[key].map(prior["last_day"]))
        gap = (base["day"] - previous)
        parts["n_gaps"] = gap.notna().astype("float64")
        parts["sum_gap"] = gap.fillna(0.0)
        parts["sum_gap_sq"] = gap.fillna(0.0) ** 2
    sums = parts.groupby("key", sort=False).sum()
    sums["last_day"] = base.groupby(key, sort=False)["day"].max().astype("float64")
    sums.index = sums.index.astype("str")
    combined = prior.reindex(prior.index.union(sums.index)).fillna(0.0)
    numeric = [c for c in prior.columns if c != "last_day"]
    combined[numeric] = combined[numeric].add(sums[numeric].reindex(combined.index).fillna(0.0))
    combined["last_day"] = np.fmax(prior["last_day"].reindex(combined.index).to_numpy(),
                                   sums["last_day"].reindex(combined.index).to_numpy())
    combined.index.name = "key"
    return combined


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

def _base_columns(transactions: pd.DataFrame) -> pd.DataFrame:
    """The per-row inputs every group uses (merchant/category keys, day number, amounts)."""
    n = len(transactions)
    dates = pd.to_datetime(transactions["date"]).dt.normalize()
    amount = pd.to_numeric(transactions["amount"], errors="coerce").fillna(0.0).astype("float64")
    reference = transactions["reference"] if "reference" in transactions else pd.Series([None] * n)
    category = transactions["category"] if "category" in transactions else pd.Series([None] * n)
    category = category.reset_index(drop=True)
    tx_type = (transactions["type"] if "type" in transactions else pd.Series([None] * n)
               ).reset_index(drop=True)
    source_row = (transactions["source_row"].to_numpy() if "source_row" in transactions
                  else np.arange(1, n + 1))
    abs_amount = amount.abs()
    base = pd.DataFrame({
        "day": ((dates.to_numpy().astype("datetime64[D]") - EPOCH).astype("int64")),
        "source_row": source_row,
        "merchant_key": normalise_merchant(transactions["description"].reset_index(drop=True),
                                           reference.reset_index(drop=True)).to_numpy(),
        # uncategorised rows are grouped by type: "__income__" history is the income's
        "category_key": category.astype("str").fillna("").where(
            category.notna() & (category.astype("str") != ""),
            "__" + tx_type.fillna("none").astype("str") + "__").to_numpy(),
        "abs_amount": abs_amount.to_numpy(),
        "log_abs_amount": np.log1p(abs_amount.to_numpy()),
    })
    return base


def _chronological_order(base: pd.DataFrame) -> np.ndarray:
    return np.lexsort((np.arange(len(base)), base["source_row"].to_numpy(), base["day"].to_numpy()))


@functools.lru_cache(maxsize=1)
def _holiday_table() -> pd.DatetimeIndex:
    # built once per process (~30 ms): rebuilding the calendar per call cost ~6 ms per request
    return USFederalHolidayCalendar().holidays("1970-01-01", "2100-12-31")


def _us_holidays(start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
    if start < pd.Timestamp("1970-01-01") or end > pd.Timestamp("2100-12-31"):
        return USFederalHolidayCalendar().holidays(start, end)
    return _holiday_table()


def _time_features(dates: pd.Series) -> dict[str, np.ndarray]:
    dt = dates.dt
    dom = dt.day.to_numpy()
    dim = dt.days_in_month.to_numpy()
    dow = dt.dayofweek.to_numpy()
    month = dt.month.to_numpy()
    is_holiday = dates.isin(_us_holidays(dates.min(), dates.max())).to_numpy() if len(dates) else (
        np.zeros(0, dtype=bool))
    return {
        "year": dt.year.to_numpy(), "month": month, "day_of_month": dom, "day_of_week": dow,
        "day_of_year": dt.dayofyear.to_numpy(), "week_of_year": dt.isocalendar().week.to_numpy(),
        "quarter": dt.quarter.to_numpy(), "is_weekend": dow >= 5, "is_month_start": dom == 1,
        "is_month_end": dom == dim, "days_to_month_end": dim - dom,
        "is_business_day": (dow < 5) & ~is_holiday, "is_holiday": is_holiday,
        "dow_sin": np.sin(2 * np.pi * dow / 7), "dow_cos": np.cos(2 * np.pi * dow / 7),
        "dom_sin": np.sin(2 * np.pi * (dom - 1) / dim), "dom_cos": np.cos(2 * np.pi * (dom - 1) / dim),
        "month_sin": np.sin(2 * np.pi * (month - 1) / 12),
        "month_cos": np.cos(2 * np.pi * (month - 1) / 12),
    }


def _expanding(keys: pd.Series, values: pd.DataFrame, prior: pd.DataFrame,
               independent: bool = False) -> pd.DataFrame:
    """Sums over strictly earlier rows of the same key: prior state + earlier rows of the input
    (only the prior state when ``independent``)."""
    prior_rows = prior.reindex(keys.to_numpy())[values.columns].fillna(0.0)
    if independent:
        return pd.DataFrame(prior_rows.to_numpy(), columns=values.columns, index=values.index)
    earlier = values.groupby(keys.to_numpy(), sort=False).cumsum() - values
    return earlier + prior_rows.to_numpy()


def _previous_day(keys: pd.Series, day: pd.Series, prior: pd.DataFrame,
                  independent: bool = False) -> np.ndarray:
    from_state = prior["last_day"].reindex(keys.to_numpy()).to_numpy(dtype="float64")
    if independent:
        return from_state
    previous = day.groupby(keys.to_numpy(), sort=False).shift(1)
    return previous.fillna(pd.Series(from_state, index=day.index)).to_numpy()


def _rolling(group: np.ndarray, day: np.ndarray, value: np.ndarray, is_new: np.ndarray,
             windows: tuple[int, ...], independent: bool = False
             ) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Count and sum of ``value`` over earlier rows of the same group within each window.

    Rows are given in chronological order (history tail first). Within a group,
    a running maximum of the day keeps keys sorted even if a new row is dated
    before the history's end (it is then treated as the latest transaction).
    ``independent``: a new row sees the history tail only, never another new row.
    """
    if independent:
        return _rolling_after_tail(group, day, value, is_new, windows)
    codes, _ = pd.factorize(group)
    order = np.lexsort((np.arange(len(codes)), codes))
    g, d, v = codes[order], day[order], value[order]
    d = pd.Series(d).groupby(g).cummax().to_numpy()
    span = int(d.max() - d.min()) + max(windows) + 2 if len(d) else 1
    keys = g.astype("int64") * span + (d - (d.min() if len(d) else 0))
    cumulative = np.concatenate([[0.0], np.cumsum(v)])
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


def _rolling_after_tail(group: np.ndarray, day: np.ndarray, value: np.ndarray,
                        is_new: np.ndarray, windows: tuple[int, ...]
                        ) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """`_rolling` for new rows that each see only the tail: every new row is placed right
    after its group's tail rows, exactly where it would be if it were the only new row."""
    codes, _ = pd.factorize(group)
    old = ~is_new
    order = np.lexsort((np.arange(int(old.sum())), codes[old]))
    g, d, v = codes[old][order], day[old][order], value[old][order]
    d = pd.Series(d, dtype="int64").groupby(g).cummax().to_numpy()
    new_g, new_d = codes[is_new], day[is_new]
    end = np.searchsorted(g, new_g, side="right")  # one past the group's last tail row
    has_tail = (end > 0) & (g[np.maximum(end - 1, 0)] == new_g) if len(g) else np.zeros(
        len(new_g), dtype=bool)
    last_tail_day = d[np.maximum(end - 1, 0)] if len(g) else np.zeros(len(new_g), dtype="int64")
    new_d = np.where(has_tail, np.maximum(new_d, last_tail_day), new_d)
    low_day = min(d.min() if len(d) else new_d.min(), new_d.min()) if len(new_d) else 0
    span = int(max(d.max() if len(d) else 0, new_d.max() if len(new_d) else 0) - low_day) + max(
        windows) + 2
    keys = g.astype("int64") * span + (d - low_day)
    new_keys = new_g.astype("int64") * span + (new_d - low_day)
    cumulative = np.concatenate([[0.0], np.cumsum(v)])
    out = {}
    for window in windows:
        low = np.searchsorted(keys, new_keys - window, side="left")
        low = np.minimum(low, end)
        out[window] = ((end - low).astype("int64"), cumulative[end] - cumulative[low])
    return out


def build_features(transactions: pd.DataFrame, state: HistoryState | None = None,
                   params: FeatureParams | dict | None = None,
                   independent: bool = False) -> pd.DataFrame:
    """Features of each input row, in input order (see the module docstring).

    ``independent``: every row as if it were the only input row (history = ``state``).
    """
    params = FeatureParams.from_any(params)
    state = state if state is not None else HistoryState.empty(params)
    n = len(transactions)
    base = _base_columns(transactions)
    order = _chronological_order(base)
    sorted_base = base.iloc[order].reset_index(drop=True)
    rows = transactions.iloc[order].reset_index(drop=True)
    dates = pd.to_datetime(rows["date"]).dt.normalize()
    day = sorted_base["day"]
    merchant, category = sorted_base["merchant_key"], sorted_base["category_key"]
    abs_amount = sorted_base["abs_amount"].to_numpy()
    log_amount = sorted_base["log_abs_amount"].to_numpy()
    signed = pd.to_numeric(rows["amount"], errors="coerce").fillna(0.0).to_numpy()
    out: dict[str, Any] = {}

    out.update(_time_features(dates))

    # history per merchant (expanding, from the state plus earlier input rows)
    previous_m = _previous_day(merchant, day, state.merchant, independent)
    gap = day.to_numpy() - previous_m
    m_values = pd.DataFrame({"count": 1.0, "sum_abs": abs_amount, "sum_abs_sq": abs_amount ** 2,
                             "sum_log": log_amount, "sum_log_sq": log_amount ** 2,
                             "n_gaps": (~np.isnan(gap)).astype("float64"),
                             "sum_gap": np.nan_to_num(gap), "sum_gap_sq": np.nan_to_num(gap) ** 2})
    m = _expanding(merchant, m_values, state.merchant, independent)
    m_count = m["count"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        m_mean_abs = np.where(m_count > 0, m["sum_abs"] / m_count, 0.0)
        m_mean_log = np.where(m_count > 0, m["sum_log"] / m_count, 0.0)
        m_var_log = np.where(m_count > 1, m["sum_log_sq"] / m_count - m_mean_log ** 2, 0.0)
        m_std_log = np.sqrt(np.clip(m_var_log, 0.0, None))
        m_var_abs = np.where(m_count > 1, m["sum_abs_sq"] / m_count - m_mean_abs ** 2, 0.0)
        m_cv = np.where(m_mean_abs > 0, np.sqrt(np.clip(m_var_abs, 0, None)) / m_mean_abs, 0.0)
        n_gaps = m["n_gaps"].to_numpy()
        gap_mean = np.where(n_gaps > 0, m["sum_gap"] / np.maximum(n_gaps, 1), 0.0)
        gap_var = np.where(n_gaps > 1, m["sum_gap_sq"] / np.maximum(n_gaps, 1) - gap_mean ** 2, 0.0)
        gap_std = np.sqrt(np.clip(gap_var, 0.0, None))
    # a transaction dated before the history's end (serving) is treated as the latest: >= 0
    days_since_m = np.where(np.isnan(previous_m), NO_HISTORY_DAYS,
                            np.maximum(day.to_numpy() - previous_m, 0))
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

    # rolling windows over the history tail + earlier input rows
    tail = state.tail
    all_group = np.concatenate([tail["merchant_key"].to_numpy(dtype=object),
                                merchant.to_numpy(dtype=object)])
    all_category = np.concatenate([tail["category_key"].to_numpy(dtype=object),
                                   category.to_numpy(dtype=object)])
    all_day = np.concatenate([tail["day"].to_numpy(dtype="int64"), day.to_numpy(dtype="int64")])
    all_value = np.concatenate([tail["abs_amount"].to_numpy(dtype="float64"), abs_amount])
    is_new = np.concatenate([np.zeros(len(tail), dtype=bool), np.ones(n, dtype=bool)])
    merchant_windows = _rolling(all_group, all_day, all_value, is_new, params.windows, independent)
    category_windows = _rolling(all_category, all_day, all_value, is_new, params.windows,
                                independent)
    global_7d = _rolling(np.zeros(len(all_day), dtype="int64"), all_day, all_value, is_new, (7,),
                         independent)
    # same merchant and same amount (to the cent) within the longest window: duplicate hint
    cents = np.round(np.concatenate([tail["abs_amount"].to_numpy(dtype="float64"), abs_amount])
                     * 100).astype("int64")
    pair = pd.Series(all_group).astype(str) + "|" + pd.Series(cents).astype(str)
    if independent:  # the pair's last occurrence in the tail (the tail is chronological)
        last_in_tail = pd.Series(all_day[~is_new].astype("float64")).groupby(
            pair.to_numpy()[~is_new], sort=False).last()
        previous_pair = pair[is_new].map(last_in_tail).to_numpy(dtype="float64")
        since_pair = np.maximum(all_day[is_new] - previous_pair, 0)
    else:
        previous_pair = pd.Series(all_day.astype("float64")).groupby(pair.to_numpy(),
                                                                     sort=False).shift(1)
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
        "is_recurring": recurring, "global_prior_count": state.global_count + (
            np.zeros(n, dtype="int64") if independent else np.arange(n)),
        "global_count_7d": global_7d[7][0],
    })
    for window, (count, total) in merchant_windows.items():
        out[f"merchant_count_{window}d"] = count
        out[f"merchant_sum_{window}d"] = total

    # amount
    cents_part = np.round(abs_amount * 100).astype("int64") % 100
    whole = np.round(abs_amount, 2)
    out.update({
        "abs_amount": abs_amount, "log_abs_amount": log_amount, "amount_sign": np.sign(signed),
        "is_round_1": cents_part == 0, "is_round_5": (cents_part == 0) & (whole % 5 == 0),
        "is_round_10": (cents_part == 0) & (whole % 10 == 0),
        "is_round_100": (cents_part == 0) & (whole % 100 == 0), "cents": cents_part,
        "amount_magnitude": np.floor(np.log10(np.maximum(abs_amount, 1.0))),
    })

    # categorical
    description = rows["description"].fillna("").astype("str")
    type_codes = {t: i for i, t in enumerate(TRANSACTION_TYPES)}
    method_codes = {m: i for i, m in enumerate(PAYMENT_METHODS)}
    tx_type = rows["type"] if "type" in rows else pd.Series([None] * n)
    method = rows["payment_method"] if "payment_method" in rows else pd.Series([None] * n)
    receipt = rows["receipt_url"] if "receipt_url" in rows else pd.Series([None] * n)
    reference = rows["reference"] if "reference" in rows else pd.Series([None] * n)
    out.update({
        "type_code": tx_type.map(type_codes).fillna(-1).to_numpy(),
        "payment_method_code": method.map(method_codes).fillna(-1).to_numpy(),
        "reference_missing": reference.isna().to_numpy(),
        "receipt_missing": receipt.isna().to_numpy(),
        "category_missing": category.str.startswith("__").to_numpy(),
        "merchant_frequency": m_count,
        "description_length": description.str.len().to_numpy(),
        "description_tokens": description.str.count(r"\S+").to_numpy(),
        "description_has_digits": description.str.contains(r"\d").to_numpy(),
        "is_bank_descriptor": description.str.contains(r"\*|#\d|\d{4,}").to_numpy(),
    })

    # text
    description_clean = clean_text(description)
    searchable = description_clean + " " + merchant.str.replace(MISSING_KEY, "", regex=False)
    for name, pattern in KEYWORDS.items():
        out[name] = searchable.str.contains(pattern, regex=True).to_numpy()
    out["merchant_key"] = merchant.to_numpy()
    out["description_clean"] = description_clean.to_numpy()

    # history per category (uses the row's own category: not for the category model)
    previous_c = _previous_day(category, day, state.category, independent)
    c_values = pd.DataFrame({"count": 1.0, "sum_log": log_amount, "sum_log_sq": log_amount ** 2})
    c = _expanding(category, c_values, state.category, independent)
    c_count = c["count"].to_numpy()
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
                                        np.maximum(day.to_numpy() - previous_c, 0)),
    })
    for window, (count, _) in category_windows.items():
        out[f"category_count_{window}d"] = count

    columns = feature_columns(params=params)
    # back to input order; the numeric block is built as one float matrix (one pandas block:
    # column-by-column assembly costs more than the features themselves on small inputs)
    inverse = np.empty(n, dtype="int64")
    inverse[order] = np.arange(n)
    numeric = [c for c in columns if c not in TEXT_RAW]
    matrix = np.empty((n, len(numeric)), dtype="float64")
    for j, name in enumerate(numeric):
        matrix[:, j] = np.asarray(out[name], dtype="float64")[inverse]
    ids = rows["transaction_id"].to_numpy() if "transaction_id" in rows else order.astype(str)
    head = pd.DataFrame({"transaction_id": ids[inverse], "date": dates.to_numpy()[inverse],
                         **{name: np.asarray(out[name], dtype=object)[inverse]
                            for name in TEXT_RAW}}, index=transactions.index)
    block = pd.DataFrame(matrix, columns=numeric, index=transactions.index)
    return pd.concat([head, block], axis=1)[["transaction_id", "date", *columns]]
