"""`HistoryState`: what the history features need about past transactions, per account —
running sums per merchant and per category, the tail of the last ``max_window_days``, counts
and payees — built from a table and updated with new rows (core/features.py reads it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from titans_finance.core.feature_params import (
    ACCOUNT_SEPARATOR,
    DEFAULT_ACCOUNT,
    FeatureParams,
    _chronological_order,
)
from titans_finance.core.feature_rows import _TAIL_COLUMNS, _base_columns
from titans_finance.core.feature_text import _empty_payees

if TYPE_CHECKING:
    from titans_finance.core.history_lookup import _StateLookup

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
            from titans_finance.core.history_lookup import _StateLookup

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
