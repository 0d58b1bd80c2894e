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
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pandas.tseries.holiday import USFederalHolidayCalendar

from titans_finance.core.merchant_key import merchant_from_description, merchant_from_reference
from titans_finance.core.schema import PAYMENT_METHODS, TRANSACTION_TYPES

EPOCH = np.datetime64("1970-01-01", "D")
NO_HISTORY_DAYS = 9999.0  # "never seen": days since a previous transaction that does not exist
MISSING_KEY = "__none__"
DEFAULT_ACCOUNT = "default"  # the clean table's account when an export names none
# joins account and merchant/category into one history key; a control character no
# account name or merchant key contains (both are cleaned text)
ACCOUNT_SEPARATOR = "\x1f"


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


_NON_LETTERS = re.compile(r"[^a-z]+")
_SINGLE_LETTER = re.compile(r"\b[a-z]\b")
_SPACES = re.compile(r"\s+")
_TOKEN = re.compile(r"\S+")
_DIGIT = re.compile(r"\d")
_BANK_DESCRIPTOR = re.compile(r"\*|#\d|\d{4,}")
_KEYWORD_PATTERNS = {name: re.compile(pattern) for name, pattern in KEYWORDS.items()}


def _clean_one(description: str) -> str:
    text = _SINGLE_LETTER.sub(" ", _NON_LETTERS.sub(" ", description.lower()))
    # letters and single spaces, unless a single letter was removed
    return (_SPACES.sub(" ", text) if "  " in text else text).strip()


def _strings(values: Any) -> np.ndarray:
    """Object array of str; missing values (None, NaN, NA) become ''."""
    array = np.asarray(values, dtype=object)
    out = array.copy()
    missing = pd.isna(array)
    out[missing] = ""
    if not all(type(v) is str for v in out):
        out = np.array([v if type(v) is str else str(v) for v in out], dtype=object)
    return out


@dataclass(frozen=True)
class _Coded:
    """A column of strings as ``distinct[codes]``.

    String work (regexes, concatenation, hashing for group keys) then runs once per
    distinct value: a million-row export has ~300k distinct descriptions, a few
    hundred references and a handful of accounts, types and categories.
    ``distinct`` may hold a string twice (a missing value and a written ""); keys made
    by `_merged` hold each string once, so equal codes mean equal strings and back.
    """

    codes: np.ndarray  # intp, one per row
    distinct: np.ndarray  # object array of str

    @classmethod
    def of(cls, values: Any, missing: str = "") -> _Coded:
        """``_strings(values)`` as codes and distinct values; a missing value reads as
        ``missing``."""
        if not isinstance(getattr(values, "dtype", None), pd.StringDtype):
            # objects of other types may compare equal (1, 1.0, True) yet print
            # differently: made strings row by row first
            array = np.asarray(values, dtype=object)
            values = _strings(array)
            values[pd.isna(array)] = missing
        codes, uniques = pd.factorize(values)  # missing → -1
        distinct = np.append(_strings(uniques), missing)
        return cls(np.where(codes < 0, len(distinct) - 1, codes), distinct)

    def strings(self) -> np.ndarray:
        return self.distinct[self.codes]

    def take(self, rows: np.ndarray) -> _Coded:
        return _Coded(self.codes[rows], self.distinct)

    def map(self, function) -> _Coded:
        """``function`` of every string (once per distinct value)."""
        return _Coded(self.codes, np.array([function(v) for v in self.distinct], dtype=object))

    def table(self, function, width: int) -> np.ndarray:
        """(rows, width) float array of ``function`` (``width`` numbers per string)."""
        values = np.array([function(v) for v in self.distinct], dtype="float64")
        return values.reshape(len(self.distinct), width)[self.codes]


def _merged(codes: np.ndarray, strings: np.ndarray) -> _Coded:
    """Codes into ``strings`` (which may repeat) as codes into distinct strings."""
    remap, distinct = pd.factorize(strings)
    return _Coded(remap[codes], np.asarray(distinct, dtype=object))


def _joined(left: _Coded, separator: str, right: _Coded) -> _Coded:
    """``left + separator + right`` per row, built once per distinct pair."""
    pair = left.codes.astype("int64") * len(right.distinct) + right.codes
    codes, pairs = pd.factorize(pair)
    strings = (left.distinct[pairs // len(right.distinct)] + separator
               + right.distinct[pairs % len(right.distinct)])
    return _merged(codes, strings)


def _per_unique(values: np.ndarray, function, width: int | None = None) -> np.ndarray:
    """``function`` once per distinct value (exports repeat descriptions a lot), spread back
    to every row: an object array, or with ``width`` numbers per value an (n, width) array."""
    codes, uniques = pd.factorize(values)
    results = [function(v) for v in uniques]
    if width is None:
        return np.array(results, dtype=object)[codes]
    return np.array(results, dtype="float64").reshape(len(uniques), width)[codes]


def _merchant_keys(description: _Coded, reference: _Coded) -> _Coded:
    """The merchant key of each row (see `normalise_merchant`)."""
    return _named_and_described(description, reference)[0]


def _named_and_described(description: _Coded, reference: _Coded
                         ) -> tuple[_Coded, _Coded, np.ndarray]:
    """Each row's merchant key (the reference's, else the description's), its
    description's key, and whether the reference named the payee."""
    # (the features and the history state of one table both need the merchant of each of
    # its distinct descriptions: `merchant_from_description` caches them)
    from_reference = reference.map(merchant_from_reference).distinct
    from_description = description.map(merchant_from_description).distinct
    from_description[from_description == ""] = MISSING_KEY
    use_reference = (from_reference != "")[reference.codes]
    # one code space for both: description keys, then reference keys
    codes = np.where(use_reference, len(from_description) + reference.codes, description.codes)
    return (_merged(codes, np.concatenate([from_description, from_reference])),
            _Coded(description.codes, from_description), use_reference)


def _payee_keys(description: _Coded, reference: _Coded, account: _Coded, day: np.ndarray,
                source_row: np.ndarray, payees: pd.Series, learn: bool = True
                ) -> tuple[_Coded, pd.Series]:
    """Each row's payee key and the account's description → payee table after the rows.

    A row whose reference names its payee is keyed by it; a row without one is keyed by
    the payee that the latest earlier row of its account with the same description key
    named (an earlier input row's, else the history's ``payees``), else by its
    description. So "Office Rent" sent without a merchant is the same payee as the
    history's "Office Rent" rows that named "Property Management", in training (an export
    row with an empty reference) and in the service (a request without ``merchant``)
    alike; no row is keyed by a later one. ``payees``: index
    ``account<ACCOUNT_SEPARATOR>description key``, payee keys; ``learn`` False: input rows
    teach nothing (each scored as if alone after the history)."""
    named, described, use_reference = _named_and_described(description, reference)
    teaching = use_reference & (described.distinct != MISSING_KEY)[described.codes] & learn
    if not teaching.any() and (use_reference.all() or not len(payees)):
        return named, payees
    group = _joined(account, ACCOUNT_SEPARATOR, described)
    # the history's payee of each group, then (in time order) the input's own
    alias = payees.reindex(group.distinct).to_numpy(dtype=object)
    found = pd.notna(alias)
    strings = np.concatenate([named.distinct, np.where(found, alias, "").astype(object)])
    taught = np.where(found, len(named.distinct) + np.arange(len(group.distinct)), -1)
    order = _chronological_order(day, source_row)
    teacher = pd.Series(np.where(teaching, named.codes, np.nan)[order])
    latest = teacher.groupby(group.codes[order], sort=False).ffill().to_numpy()
    earlier = np.empty(len(order))
    earlier[order] = latest
    earlier = np.where(np.isnan(earlier), taught[group.codes], earlier)
    aliased = ~use_reference & (earlier >= 0)
    if aliased.any():
        named = _merged(np.where(aliased, earlier.astype("int64"), named.codes), strings)
    if teaching.any():
        rows = order[teaching[order]]
        last = pd.Series(named.codes[rows]).groupby(group.codes[rows], sort=False).last()
        learned = pd.Series(named.distinct[last.to_numpy()],
                            index=group.distinct[last.index.to_numpy()], dtype=object)
        payees = pd.concat([payees, learned]) if len(payees) else learned
        payees = payees[~payees.index.duplicated(keep="last")]
    return named, payees


def _empty_payees() -> pd.Series:
    return pd.Series(dtype=object, index=pd.Index([], dtype="str", name="key"))


def clean_text(description: pd.Series) -> pd.Series:
    """Lowercase letters-only tokens: ``SQ *BLUE BOTTLE 0412`` → ``sq blue bottle``."""
    return pd.Series(_Coded.of(description).map(_clean_one).strings(),
                     index=description.index, dtype="str")


def normalise_merchant(description: pd.Series, reference: pd.Series) -> pd.Series:
    """Merchant key: the reference when given, else the name in the description
    (`core.merchant_key`): ``AMZN Mktp US*2K4TR`` → ``amzn mktp``; ``SHELL OIL 57444
    HOUSTON TX`` → ``shell oil``; ``SQ *BLUE BOTTLE 0412`` → ``blue bottle``;
    ``99 RANCH #1769`` → ``99 ranch``.
    """
    return pd.Series(_merchant_keys(_Coded.of(description), _Coded.of(reference)).strings(),
                     index=description.index, dtype="str")


def _description_features(description: _Coded) -> np.ndarray:
    """length, tokens, has digits, bank descriptor (one row per description)."""
    return description.table(lambda text: (
        len(text), len(_TOKEN.findall(text)), _DIGIT.search(text) is not None,
        _BANK_DESCRIPTOR.search(text) is not None), 4)


def _keyword_flags(searchable: np.ndarray) -> np.ndarray:
    patterns = list(_KEYWORD_PATTERNS.values())
    return _per_unique(searchable, lambda text: [p.search(text) is not None
                                                      for p in patterns], len(patterns))


# --------------------------------------------------------------------------- state

# the running sums a history keeps per (account, merchant) and per (account, category)
MERCHANT_SUMS = ("count", "sum_abs", "sum_abs_sq", "sum_log", "sum_log_sq", "n_gaps", "sum_gap",
                 "sum_gap_sq")
CATEGORY_SUMS = ("count", "sum_log", "sum_log_sq")


@dataclass
class HistoryState:
    """What history features need about past transactions (picklable, small).

    ``merchant``/``category``: running sums per (account, key) — index
    ``account<ACCOUNT_SEPARATOR>key`` — plus ``last_day`` (days since 1970-01-01 of the
    latest transaction). ``tail``: the transactions of the last ``max_window_days``
    (day, account, account-qualified merchant and category keys, abs amount) for rolling
    windows. ``account_count``: transactions per account; ``global_count``: all of them.
    ``payees``: per (account, description key) the payee its latest row with a reference
    named (how a row without one is keyed, see `_payee_keys`).
    """

    merchant: pd.DataFrame = field(default_factory=lambda: _empty_stats(MERCHANT_SUMS))
    category: pd.DataFrame = field(default_factory=lambda: _empty_stats(CATEGORY_SUMS))
    tail: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"day": pd.Series(dtype="int64"), "account": pd.Series(dtype="str"),
         "merchant_key": pd.Series(dtype="str"), "category_key": pd.Series(dtype="str"),
         "abs_amount": pd.Series(dtype="float64")}))
    global_count: int = 0
    last_day: int | None = None
    max_window_days: int = 90
    account_count: pd.Series = field(default_factory=lambda: pd.Series(
        dtype="int64", index=pd.Index([], dtype="str", name="account")))
    payees: pd.Series = field(default_factory=_empty_payees)

    @classmethod
    def empty(cls, params: FeatureParams | dict | None = None) -> HistoryState:
        return cls(max_window_days=FeatureParams.from_any(params).max_window_days)

    @classmethod
    def from_frame(cls, transactions: pd.DataFrame,
                   params: FeatureParams | dict | None = None) -> HistoryState:
        """The state after every row of ``transactions`` (clean columns)."""
        return cls.empty(params).update(transactions)

    @property
    def accounts(self) -> list[str]:
        return [str(a) for a in self.account_count.index]

    @property
    def default_account(self) -> str:
        """The account of a row that names none (a request without ``account``): the
        account with the most transactions (a single-account export: its only account),
        ``"default"`` for an empty state."""
        known = self.__dict__.get("_default_account")  # once per state (read per request)
        if known is not None:
            return known
        self._check_format()
        if len(self.account_count) == 0:
            return DEFAULT_ACCOUNT
        counts = self.account_count.sort_index(kind="stable")
        self.__dict__["_default_account"] = str(counts.index[int(np.argmax(counts.to_numpy()))])
        return self.__dict__["_default_account"]

    def _check_format(self) -> None:
        if "account_count" not in self.__dict__:
            raise ValueError("this history state was saved before per-account history (no "
                             "account_count): rebuild it with `kedro run --pipelines features`")
        if "payees" not in self.__dict__:
            raise ValueError("this history state was saved before payees were keyed by "
                             "their description (no payees): rebuild it with "
                             "`kedro run --pipelines features`")

    def __getstate__(self) -> dict[str, Any]:
        # the lookup tables are derived data: rebuilt after unpickling, never stored
        return {k: v for k, v in self.__dict__.items() if k not in _DERIVED}

    def __setstate__(self, state: dict[str, Any]) -> None:
        # no defaults for missing fields: an older state is refused by _check_format
        self.__dict__.update(state)

    def lookup(self) -> _StateLookup:
        """This state as arrays for scoring rows against it alone (built once per state)."""
        if self.__dict__.get("_lookup") is None:
            self._check_format()
            self.__dict__["_lookup"] = _StateLookup.build(self)
        return self.__dict__["_lookup"]

    def update(self, transactions: pd.DataFrame) -> HistoryState:
        """A new state: this one followed by ``transactions``."""
        self._check_format()
        if len(transactions) == 0:
            return self
        base, payees = _base_columns(transactions, self.default_account, self.payees)
        base = base.iloc[_chronological_order(base["day"].to_numpy(),
                                              base["source_row"].to_numpy())]
        day = base["day"].to_numpy()
        merchant = _aggregate(base, "merchant_key", self.merchant, with_gaps=True)
        category = _aggregate(base, "category_key", self.category, with_gaps=False)
        tail = pd.concat([self.tail, base[list(_TAIL_COLUMNS)]], ignore_index=True)
        last_day = int(max(day.max(), self.last_day if self.last_day is not None else day.max()))
        tail = tail[tail["day"] >= last_day - self.max_window_days].reset_index(drop=True)
        counts = base.groupby("account", sort=True).size()
        account_count = self.account_count.add(counts, fill_value=0).astype("int64")
        account_count.index = account_count.index.astype("str")
        account_count.index.name = "account"
        return HistoryState(merchant=merchant, category=category, tail=tail,
                            global_count=self.global_count + len(base), last_day=last_day,
                            max_window_days=self.max_window_days, account_count=account_count,
                            payees=payees)

    # -- per-account parts (the service's rolling history, core/rolling.py) --------------
    def account_positions(self) -> dict[str, tuple[np.ndarray, ...]]:
        """Each account's rows in ``merchant``, ``category``, ``tail`` and ``payees``
        (positions)."""
        self._check_format()

        def by_account(accounts: np.ndarray) -> dict[str, np.ndarray]:
            codes, uniques = pd.factorize(accounts)
            order = np.argsort(codes, kind="stable")
            bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
            return {str(a): order[bounds[i]:bounds[i + 1]] for i, a in enumerate(uniques)}

        def key_accounts(index: pd.Index) -> np.ndarray:
            return np.array([k.partition(ACCOUNT_SEPARATOR)[0] for k in index.tolist()],
                            dtype=object)

        merchant = by_account(key_accounts(self.merchant.index))
        category = by_account(key_accounts(self.category.index))
        tail = by_account(self.tail["account"].to_numpy(dtype=object))
        payees = by_account(key_accounts(self.payees.index))
        empty = np.zeros(0, dtype="int64")
        return {account: (merchant.get(account, empty), category.get(account, empty),
                          tail.get(account, empty), payees.get(account, empty))
                for account in {*merchant, *category, *tail, *payees, *self.accounts}}

    def for_account(self, account: str,
                    positions: tuple[np.ndarray, ...] | None = None,
                    max_window_days: int | None = None) -> HistoryState:
        """This state restricted to one account (``positions``: its entry of
        `account_positions`, computed once for many calls). The account's rows get the
        same features from it as from the whole state (features are per account); its
        ``last_day`` is the account's own latest day (None without history), so that
        updating it prunes the tail by the account's own dates, not another account's;
        its tail is pruned so too (``max_window_days``: the part's window, default this
        state's; see `combined`)."""
        window = self.max_window_days if max_window_days is None else int(max_window_days)
        if positions is None:
            positions = self.account_positions().get(account)
        if positions is None:
            return HistoryState(max_window_days=window)
        merchant_rows, category_rows, tail_rows, payee_rows = positions
        merchant = self.merchant.iloc[merchant_rows]
        latest = merchant["last_day"].max() if len(merchant) else np.nan
        if not np.isnan(latest):
            tail_rows = tail_rows[self.tail["day"].to_numpy()[tail_rows] >= latest - window]
        tail = self.tail.iloc[tail_rows]
        known = account in self.account_count.index
        count = pd.Series([int(self.account_count[account])] if known else [], dtype="int64",
                          index=pd.Index([account] if known else [], dtype="str",
                                         name="account"))
        return HistoryState(merchant=merchant, category=self.category.iloc[category_rows],
                            tail=tail.reset_index(drop=True), global_count=int(count.sum()),
                            last_day=None if np.isnan(latest) else int(latest),
                            max_window_days=window, account_count=count,
                            payees=self.payees.iloc[payee_rows])

    @classmethod
    def combined(cls, parts: list[HistoryState], max_window_days: int) -> HistoryState:
        """Several accounts' states (each of other accounts, e.g. `for_account` parts) as
        one, to compute and update them in one call. With a ``max_window_days`` larger than
        any date span, `update` prunes no tail; `for_account` then prunes each account by
        its own dates."""
        for part in parts:
            part._check_format()
        counts = pd.concat([p.account_count for p in parts])
        counts.index = counts.index.astype("str")
        counts.index.name = "account"
        days = [p.last_day for p in parts if p.last_day is not None]
        return cls(merchant=pd.concat([p.merchant for p in parts]),
                   category=pd.concat([p.category for p in parts]),
                   tail=pd.concat([p.tail for p in parts], ignore_index=True),
                   global_count=sum(p.global_count for p in parts),
                   last_day=max(days) if days else None, max_window_days=max_window_days,
                   account_count=counts.astype("int64"),
                   payees=pd.concat([p.payees for p in parts]))


# what a `HistoryState` computes from its fields once and keeps (never pickled)
_DERIVED = ("_lookup", "_default_account")


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
#
# Plain numpy arrays throughout: the service calls `build_features` on one to a few
# dozen rows, where each pandas operation's fixed cost (~50-100 µs) used to outweigh the
# arithmetic; training calls it once on the whole table, where both are vectorised.

_DAY_OFFSET = 2 ** 31  # keeps the day part of a (group, day) key non-negative
_GROUP_STRIDE = 2 ** 32  # (group code, day) → one sortable int64: code * stride + day + offset


def _column(transactions: pd.DataFrame, name: str, n: int) -> pd.Series | np.ndarray:
    """The column, or all missing when the table has none (service requests, older data)."""
    if name in transactions:
        return transactions[name]
    return np.full(n, None, dtype=object)


def _positions_in(vocabulary: tuple[str, ...], values: pd.Series | np.ndarray) -> np.ndarray:
    """Position of each value in ``vocabulary``, -1 when missing or not in it (looked up
    once per distinct value)."""
    codes, uniques = pd.factorize(values)
    found = _vocabulary_index(vocabulary).get_indexer(np.asarray(uniques, dtype=object))
    return np.append(found, -1)[codes]  # code -1 (missing) takes the appended -1


@functools.lru_cache(maxsize=16)
def _vocabulary_index(vocabulary: tuple[str, ...]) -> pd.Index:
    return pd.Index(list(vocabulary), dtype=object)


def _missing(transactions: pd.DataFrame, name: str, n: int) -> np.ndarray:
    return np.asarray(pd.isna(_column(transactions, name, n)), dtype=bool)


def _base_arrays(transactions: pd.DataFrame, default_account: str = DEFAULT_ACCOUNT,
                 payees: pd.Series | None = None, learn: bool = True) -> dict[str, Any]:
    """The per-row inputs every group uses (keys, day number, amounts), in input order.

    ``merchant_key``/``category_key`` are the plain keys (feature values);
    ``merchant_group``/``category_group`` the same qualified by the row's account (the
    history keys); a row without an account belongs to ``default_account``; a row
    without a reference is keyed by the payee ``payees`` (a history's) or the input's own
    rows name for its description (`_payee_keys`; with ``learn`` False ``payees``
    only), the table after the rows is ``payees``. Text columns and keys are `_Coded` (codes into distinct strings)."""
    n = len(transactions)
    dates = pd.to_datetime(transactions["date"]).dt.normalize()
    amount = _signed_amounts(transactions)
    abs_amount = np.abs(amount)
    description = _Coded.of(transactions["description"])
    account = _Coded.of(_column(transactions, "account", n))
    account = _merged(account.codes, np.where(account.distinct == "", default_account,
                                              account.distinct))
    day = dates.to_numpy().astype("datetime64[D]").astype("int64")
    source_row = (transactions["source_row"].to_numpy() if "source_row" in transactions
                  else np.arange(1, n + 1))
    merchant_key, payees = _payee_keys(
        description, _Coded.of(_column(transactions, "reference", n)), account, day,
        source_row, _empty_payees() if payees is None else payees, learn)
    # uncategorised rows are grouped by type: "__income__" history is the income's
    category = _Coded.of(_column(transactions, "category", n))
    tx_type = _Coded.of(_column(transactions, "type", n), missing="none")
    written = (category.distinct != "")[category.codes]
    # one code space for both: written categories, then "__<type>__"
    codes = np.where(written, category.codes, len(category.distinct) + tx_type.codes)
    category_key = _merged(codes, np.concatenate([category.distinct,
                                                  "__" + tx_type.distinct + "__"]))
    return {
        "date": dates.to_numpy(),
        "day": day,
        "source_row": source_row,
        "account": account,
        "merchant_key": merchant_key,
        "category_key": category_key,
        "merchant_group": _joined(account, ACCOUNT_SEPARATOR, merchant_key),
        "category_group": _joined(account, ACCOUNT_SEPARATOR, category_key),
        "abs_amount": abs_amount,
        "log_abs_amount": np.log1p(abs_amount),
        "amount": amount,
        "description": description,
        "payees": payees,
    }


def _signed_amounts(transactions: pd.DataFrame) -> np.ndarray:
    """The amounts as float64; unreadable or missing: 0."""
    amount = transactions["amount"]
    if amount.dtype.kind != "f":
        amount = pd.to_numeric(amount, errors="coerce")
    amount = amount.to_numpy(dtype="float64")
    return np.where(np.isnan(amount), 0.0, amount)


def _amount_features(abs_amount: np.ndarray, log_amount: np.ndarray, signed: np.ndarray
                     ) -> dict[str, np.ndarray]:
    """The features of a row's own amount (the `AMOUNT` group but the merchant's)."""
    cents_part = np.round(abs_amount * 100).astype("int64") % 100
    whole = np.round(abs_amount, 2)
    return {
        "abs_amount": abs_amount, "log_abs_amount": log_amount, "amount_sign": np.sign(signed),
        "is_round_1": cents_part == 0, "is_round_5": (cents_part == 0) & (whole % 5 == 0),
        "is_round_10": (cents_part == 0) & (whole % 10 == 0),
        "is_round_100": (cents_part == 0) & (whole % 100 == 0), "cents": cents_part,
        "amount_magnitude": np.floor(np.log10(np.maximum(abs_amount, 1.0))),
    }


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


# the per-row inputs of `build_features` (its ``base``), for callers that also need the
# rows' history keys (the service's rolling history)
row_arrays = _base_arrays


def row_accounts(transactions: pd.DataFrame, default_account: str = DEFAULT_ACCOUNT
                 ) -> np.ndarray:
    """Each row's account (object array of str); no column or a missing value:
    ``default_account``."""
    account = _strings(np.asarray(_column(transactions, "account", len(transactions)),
                                  dtype=object))
    return np.where(account == "", default_account, account).astype(object)


def as_history_account(transactions: pd.DataFrame, state: HistoryState) -> pd.DataFrame:
    """A new export of the one account a history holds, read as that account.

    Ingestion names an account after its file when the export names none, and a new
    export has a new file name: when the state holds exactly one account and every row
    names one single account the state does not know, the rows are that account's (a
    single-account user's next export continues its history). Anything else is returned
    unchanged: several accounts are matched by name only."""
    if "account" not in transactions or len(state.account_count) != 1 or not len(transactions):
        return transactions
    names = transactions["account"].dropna().unique()
    if len(names) != 1 or names[0] in state.account_count.index:
        return transactions
    return transactions.assign(account=state.default_account)


def account_keys(account: np.ndarray, key: np.ndarray) -> np.ndarray:
    """``account<ACCOUNT_SEPARATOR>key`` per row (object array): one key per account."""
    account, key = np.asarray(account, dtype=object), np.asarray(key, dtype=object)
    if len(account) == 0:
        return key
    first = account[0]
    if (account == first).all():  # one account: one prefix (the common case, far cheaper)
        return (first + ACCOUNT_SEPARATOR) + key
    return account + ACCOUNT_SEPARATOR + key


# the state's columns: history keys are the account-qualified ones
_BASE_COLUMNS = {"day": "day", "source_row": "source_row", "account": "account",
                 "merchant_key": "merchant_group", "category_key": "category_group",
                 "abs_amount": "abs_amount", "log_abs_amount": "log_abs_amount"}
_TAIL_COLUMNS = ("day", "account", "merchant_key", "category_key", "abs_amount")


def _base_columns(transactions: pd.DataFrame, default_account: str, payees: pd.Series
                  ) -> tuple[pd.DataFrame, pd.Series]:
    base = _base_arrays(transactions, default_account, payees)
    return pd.DataFrame({name: base[source].strings() if isinstance(base[source], _Coded)
                         else base[source] for name, source in _BASE_COLUMNS.items()}
                        ), base["payees"]


def _chronological_order(day: np.ndarray, source_row: np.ndarray) -> np.ndarray:
    return np.lexsort((np.arange(len(day)), source_row, day))


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


def _positions(index: pd.Index, table: dict, keys: np.ndarray) -> np.ndarray:
    """Position of each key in ``index`` (unique; ``table``: key → position), -1 if absent."""
    if len(keys) <= 64:  # a hash lookup per key beats get_indexer's fixed cost on few rows
        return np.fromiter((table.get(k, -1) for k in keys), dtype="int64", count=len(keys))
    return index.get_indexer(keys)


def _table(index: pd.Index) -> dict:
    return {key: position for position, key in enumerate(index.tolist())}


@dataclass(frozen=True)
class _TailWindows:
    """The history tail of one grouping sorted by (group, day), for window sums of new rows
    that each see the tail only."""

    index: pd.Index  # group key → code
    table: dict  # the same as a dict
    keys: np.ndarray  # code * stride + day + offset, ascending
    end: np.ndarray  # per code: one past the group's last row
    last_day: np.ndarray  # per code: the group's latest day
    cumulative: np.ndarray  # running sum of the values, with a leading 0

    @classmethod
    def build(cls, group: np.ndarray, day: np.ndarray, value: np.ndarray) -> _TailWindows:
        codes, uniques = pd.factorize(group)
        order = np.lexsort((np.arange(len(codes)), codes))  # by group, chronological inside
        g, d, v = codes[order], day[order].astype("int64"), value[order]
        d = pd.Series(d, dtype="int64").groupby(g).cummax().to_numpy()
        end = np.searchsorted(g, np.arange(len(uniques)), side="right")
        index = pd.Index(uniques, dtype=object)
        return cls(index=index, table=_table(index),
                   keys=g.astype("int64") * _GROUP_STRIDE + d + _DAY_OFFSET, end=end,
                   last_day=d[end - 1] if len(end) else np.zeros(0, dtype="int64"),
                   cumulative=np.concatenate([[0.0], np.cumsum(v)]))

    def windows(self, group: np.ndarray, day: np.ndarray, windows: tuple[int, ...]
                ) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """Count and sum over the group's tail rows within each window before ``day``; a
        new row dated before its group's last tail row counts as the latest."""
        n = len(group)
        if len(self.index) == 0:
            return {w: (np.zeros(n, dtype="int64"), np.zeros(n)) for w in windows}
        code = _positions(self.index, self.table, group)
        known = code >= 0
        safe = np.where(known, code, 0)
        end = np.where(known, self.end[safe], 0)
        day = np.where(known, np.maximum(day, self.last_day[safe]), day)
        out = {}
        for window in windows:
            low = np.searchsorted(self.keys, safe * _GROUP_STRIDE + day - window + _DAY_OFFSET,
                                  side="left")
            low = np.minimum(low, end)
            out[window] = ((end - low).astype("int64"),
                           self.cumulative[end] - self.cumulative[low])
        return out


def _pair_keys(merchant: np.ndarray, abs_amount: np.ndarray) -> np.ndarray:
    """``merchant|cents``: the same merchant charging the same amount."""
    cents = np.round(abs_amount * 100).astype("int64")
    return np.array([f"{m}|{c}" for m, c in zip(merchant, cents.tolist(), strict=True)],
                    dtype=object)


@dataclass(frozen=True)
class _Sums:
    """Per-key running sums of a state as arrays (``last_day`` NaN for an unseen key)."""

    index: pd.Index
    table: dict
    sums: np.ndarray
    columns: tuple[str, ...]
    last_day: np.ndarray

    @classmethod
    def build(cls, stats: pd.DataFrame, columns: tuple[str, ...]) -> _Sums:
        index = pd.Index(stats.index.to_numpy(dtype=object), dtype=object)
        return cls(index=index, table=_table(index),
                   sums=stats[list(columns)].fillna(0.0).to_numpy(dtype="float64"),
                   columns=columns, last_day=stats["last_day"].to_numpy(dtype="float64"))

    def lookup(self, keys: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
        n = len(keys)
        if len(self.index) == 0:
            return {c: np.zeros(n) for c in self.columns}, np.full(n, np.nan)
        position = _positions(self.index, self.table, keys)
        known = position >= 0
        safe = np.where(known, position, 0)
        rows = np.where(known[:, None], self.sums[safe], 0.0)
        return ({c: rows[:, j] for j, c in enumerate(self.columns)},
                np.where(known, self.last_day[safe], np.nan))


@dataclass(frozen=True)
class _StateLookup:
    """A `HistoryState` as arrays for rows scored against the state alone (serving)."""

    merchant: _Sums
    category: _Sums
    merchant_windows: _TailWindows
    category_windows: _TailWindows
    global_windows: _TailWindows
    pair_index: pd.Index  # merchant|cents → its last day in the tail
    pair_table: dict
    pair_last_day: np.ndarray

    @classmethod
    def build(cls, state: HistoryState) -> _StateLookup:
        tail = state.tail
        day = tail["day"].to_numpy(dtype="int64")
        value = tail["abs_amount"].to_numpy(dtype="float64")
        merchant = tail["merchant_key"].to_numpy(dtype=object)
        last = pd.Series(day.astype("float64")).groupby(_pair_keys(merchant, value),
                                                        sort=False).last()
        pair_index = pd.Index(last.index.to_numpy(dtype=object), dtype=object)
        return cls(merchant=_Sums.build(state.merchant, MERCHANT_SUMS),
                   category=_Sums.build(state.category, CATEGORY_SUMS),
                   merchant_windows=_TailWindows.build(merchant, day, value),
                   category_windows=_TailWindows.build(
                       tail["category_key"].to_numpy(dtype=object), day, value),
                   global_windows=_TailWindows.build(tail["account"].to_numpy(dtype=object),
                                                     day, value),
                   pair_index=pair_index, pair_table=_table(pair_index),
                   pair_last_day=last.to_numpy(dtype="float64"))

    def pair_last(self, pairs: np.ndarray) -> np.ndarray:
        if len(self.pair_index) == 0:
            return np.full(len(pairs), np.nan)
        position = _positions(self.pair_index, self.pair_table, pairs)
        return np.where(position >= 0, self.pair_last_day[np.maximum(position, 0)], np.nan)

    def rows(self, merchant_keys: np.ndarray, category_keys: np.ndarray, account: _Coded,
             day: np.ndarray, abs_amount: np.ndarray, windows: tuple[int, ...],
             account_count: pd.Series) -> HistoryLookups:
        """What the state holds for each row (account-qualified history keys)."""
        merchant, merchant_last = self.merchant.lookup(merchant_keys)
        category, category_last = self.category.lookup(category_keys)
        return HistoryLookups(
            merchant=merchant, merchant_last=merchant_last, category=category,
            category_last=category_last,
            merchant_windows=self.merchant_windows.windows(merchant_keys, day, windows),
            category_windows=self.category_windows.windows(category_keys, day, windows),
            account_count_7d=self.global_windows.windows(account.strings(), day, (7,))[7][0],
            pair_last=self.pair_last(_pair_keys(merchant_keys, abs_amount)),
            account_count=account_count.reindex(account.distinct).fillna(0).to_numpy(
                dtype="float64")[account.codes])


def lookup_columns(windows: tuple[int, ...]) -> list[str]:
    """The layout of `HistoryLookups.from_matrix`: one column per value a row's history
    gives its features."""
    return [*(f"merchant_{c}" for c in MERCHANT_SUMS), "merchant_last",
            *(f"category_{c}" for c in CATEGORY_SUMS), "category_last",
            *(f"merchant_{kind}_{w}d" for w in windows for kind in ("count", "sum")),
            *(f"category_{kind}_{w}d" for w in windows for kind in ("count", "sum")),
            "account_count_7d", "pair_last", "account_count"]


@dataclass(frozen=True)
class HistoryLookups:
    """What each row's history holds, one value per row: the merchant's and category's
    running sums and last day (NaN: never seen), the window counts and sums, the account's
    transactions in the last 7 days, the last day of the same (merchant, cents) pair (NaN:
    none in the tail) and the account's transaction count. `build_features` turns them
    into the history features; `_StateLookup.rows` reads them from a `HistoryState`, the
    service's rolling history from its own per-account structures."""

    merchant: dict[str, np.ndarray]
    merchant_last: np.ndarray
    category: dict[str, np.ndarray]
    category_last: np.ndarray
    merchant_windows: dict[int, tuple[np.ndarray, np.ndarray]]
    category_windows: dict[int, tuple[np.ndarray, np.ndarray]]
    account_count_7d: np.ndarray
    pair_last: np.ndarray
    account_count: np.ndarray

    @classmethod
    def from_matrix(cls, values: np.ndarray, windows: tuple[int, ...]) -> HistoryLookups:
        """From a (rows, `lookup_columns`) float array."""
        column = {name: values[:, j] for j, name in enumerate(lookup_columns(windows))}
        return cls(merchant={c: column[f"merchant_{c}"] for c in MERCHANT_SUMS},
                   merchant_last=column["merchant_last"],
                   category={c: column[f"category_{c}"] for c in CATEGORY_SUMS},
                   category_last=column["category_last"],
                   merchant_windows={w: (column[f"merchant_count_{w}d"],
                                         column[f"merchant_sum_{w}d"]) for w in windows},
                   category_windows={w: (column[f"category_count_{w}d"],
                                         column[f"category_sum_{w}d"]) for w in windows},
                   account_count_7d=column["account_count_7d"], pair_last=column["pair_last"],
                   account_count=column["account_count"])

    def take(self, order: np.ndarray | slice) -> HistoryLookups:
        if isinstance(order, slice) and order == slice(None):
            return self
        return HistoryLookups(
            merchant={k: v[order] for k, v in self.merchant.items()},
            merchant_last=self.merchant_last[order],
            category={k: v[order] for k, v in self.category.items()},
            category_last=self.category_last[order],
            merchant_windows={w: (c[order], t[order]) for w, (c, t) in
                              self.merchant_windows.items()},
            category_windows={w: (c[order], t[order]) for w, (c, t) in
                              self.category_windows.items()},
            account_count_7d=self.account_count_7d[order], pair_last=self.pair_last[order],
            account_count=self.account_count[order])


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
    description_clean = description.map(_clean_one)
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
