"""Scale-out on Dask: the pandas functions of the project, run on partitions split by account.

Nothing here computes a feature, a score or a forecast: a function that works on a pandas
frame of whole accounts (`core.features.build_features`, a model's ``score`` or
``predict`` through `run_scoring`, `models.cashflow.forecast_accounts`) is called unchanged
on each partition. Every account's rows land in exactly one partition (a hash shuffle on
``account``, or files that each hold whole accounts, `read_files`), in their input order,
and every history feature is per account, so the partitioned run gives the pandas run's
rows (tested row for row, `tests/core/test_scale.py`).

Where it runs (`dask_session`):
- ``scheduler: distributed`` (the default for ``engine: dask``): an existing cluster when
  ``address`` or the ``DASK_SCHEDULER_ADDRESS`` environment variable names its scheduler
  (``tcp://host:8786``: a Kubernetes, YARN or SSH deployment), else a `LocalCluster` of
  ``n_workers`` processes on this machine;
- ``scheduler: threads`` / ``synchronous``: Dask's local schedulers (tests, debugging).

``engine: pandas`` (the default of `conf/base/parameters_scale.yml`) runs the same function
once on the whole frame in this process; ``kedro run --env dask`` switches to Dask.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd

SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
ENGINES = ("pandas", "dask")
SCHEDULERS = ("distributed", "threads", "synchronous")


@dataclass(frozen=True)
class ScaleParams:
    engine: str = "pandas"
    scheduler: str = "distributed"
    address: str | None = None  # default: $DASK_SCHEDULER_ADDRESS, else a LocalCluster
    n_workers: int = 2
    threads_per_worker: int = 1
    memory_limit: str = "auto"  # per LocalCluster worker, e.g. "2GiB"
    partitions: int | None = None  # default: 4 per worker
    # LocalCluster workers' MALLOC_TRIM_THRESHOLD_ (bytes); None: unset, glibc's default
    malloc_trim_threshold: int | None = None

    @classmethod
    def from_any(cls, params: ScaleParams | dict | None) -> ScaleParams:
        if params is None:
            return cls()
        if isinstance(params, cls):
            return params
        unknown = set(params) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown scale parameter(s): {', '.join(sorted(unknown))}; known: "
                             f"{', '.join(cls.__dataclass_fields__)}")
        result = cls(**dict(params))
        if result.engine not in ENGINES:
            raise ValueError(f"scale.engine must be one of {ENGINES}, got {result.engine!r}")
        if result.scheduler not in SCHEDULERS:
            raise ValueError(f"scale.scheduler must be one of {SCHEDULERS}, got "
                             f"{result.scheduler!r}")
        for name in ("n_workers", "threads_per_worker"):
            if int(getattr(result, name)) < 1:
                raise ValueError(f"scale.{name} must be at least 1, got {getattr(result, name)}")
        if result.partitions is not None and int(result.partitions) < 1:
            raise ValueError(f"scale.partitions must be at least 1, got {result.partitions}")
        return result

    @property
    def scheduler_address(self) -> str | None:
        return self.address or os.environ.get(SCHEDULER_ENV) or None

    def n_partitions(self, workers: int | None = None) -> int:
        return int(self.partitions or 4 * (workers or self.n_workers))


@contextlib.contextmanager
def dask_session(params: ScaleParams | dict | None) -> Iterator[Any]:
    """The Dask client the partitions are computed with (None for the local schedulers);
    a LocalCluster started here is closed on exit, an existing cluster is left running."""
    import dask

    params = ScaleParams.from_any(params)
    # strings stay pandas' own dtype (Dask would make them pyarrow strings with NA): the
    # partitions hold what the pandas path holds
    with dask.config.set({"dataframe.convert-string": False}):
        if params.scheduler != "distributed":
            with dask.config.set(scheduler=params.scheduler):
                yield None
            return
        from distributed import Client, LocalCluster

        address = params.scheduler_address
        if address:
            with Client(address) as client:
                yield client
            return
        with dask.config.set(local_worker_config(params)), LocalCluster(
                n_workers=int(params.n_workers), threads_per_worker=int(params.threads_per_worker),
                memory_limit=params.memory_limit, processes=True,
                dashboard_address=None) as cluster, Client(cluster) as client:
            yield client


# distributed's nanny starts every worker with MALLOC_TRIM_THRESHOLD_=65536 (to hand freed
# memory back to the OS). Setting it also pins glibc's mmap threshold at 128 KiB, so every
# numpy array above that size is a fresh mmap whose pages fault in on first touch: the
# flat-forest scoring of a 50,000-row partition made 50x the page faults and took 4x the
# CPU of the same call in a plain process (docs/scale.md#worker-memory-allocator). Unset,
# glibc's adaptive threshold reuses freed blocks; a worker's memory stays bounded by its
# partitions (benchmarks/performance/accounts_dask.py measures both).
MALLOC_TRIM_KEY = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"


def local_worker_config(params: ScaleParams) -> dict[str, Any]:
    """Dask config for the worker processes of a LocalCluster started here (an existing
    cluster is configured where it is deployed: docs/scale.md)."""
    threshold = params.malloc_trim_threshold
    return {MALLOC_TRIM_KEY: None if threshold is None else int(threshold)}


def by_account(frame: Any, partitions: int, whole_accounts: bool = False) -> Any:
    """A Dask frame whose partitions hold whole accounts: every row of an account in one
    partition. A pandas ``frame`` gets its row positions as index first (input order).
    ``whole_accounts``: the Dask ``frame``'s partitions already hold whole accounts (e.g.
    one export file per account or group of accounts): used as they are, no shuffle."""
    import dask.dataframe as dd

    if isinstance(frame, pd.DataFrame):
        if "account" not in frame:
            frame = frame.assign(account="default")
        frame = frame.set_axis(pd.RangeIndex(len(frame)), axis=0)
        frame = dd.from_pandas(frame, npartitions=max(1, min(partitions, len(frame) or 1)),
                               sort=False)
    if whole_accounts:
        return frame
    return frame.shuffle(on="account", npartitions=partitions)


def _in_order(part: pd.DataFrame) -> pd.DataFrame:
    # a shuffle gathers an account's rows from several input partitions: input order back
    return part.sort_index(kind="stable")


_EMPTY = "titans_finance.core.scale:empty-partition"


def _call(function: Callable, part: pd.DataFrame, args: tuple, kwargs: dict) -> Any:
    if not len(part):  # a partition the hash gave no account: nothing to call
        return _EMPTY
    return function(_in_order(part), *args, **kwargs)


def map_by_account(frame: Any, function: Callable, *args: Any,
                   scale: ScaleParams | dict | None = None, client: Any = None,
                   whole_accounts: bool = False, **kwargs: Any) -> list[Any]:
    """``function(part, *args, **kwargs)`` for each non-empty partition of whole accounts
    (rows in input order, index = input row position); its results in partition order.
    With ``engine: pandas``: one call on the whole frame. ``whole_accounts``: see
    `by_account`. One pass over the data: empty partitions are skipped inside their task
    (counting rows first would compute the input, e.g. a shuffle or a file read, twice)."""
    params = ScaleParams.from_any(scale)
    if params.engine == "pandas":
        whole = frame if isinstance(frame, pd.DataFrame) else frame.compute()
        return [function(whole.set_axis(pd.RangeIndex(len(whole)), axis=0), *args, **kwargs)]
    import dask

    workers = len(client.scheduler_info()["workers"]) if client is not None else None
    parts = by_account(frame, params.n_partitions(workers), whole_accounts)
    if client is not None and args:  # sent to each worker once, not with every partition
        args = tuple(client.scatter(list(args), broadcast=True))
    tasks = [dask.delayed(_call)(function, part, args, kwargs) for part in parts.to_delayed()]
    return [r for r in dask.compute(*tasks) if not (isinstance(r, str) and r == _EMPTY)]


def read_files(paths: list[str], reader: Callable, *args: Any, meta: Any = None,
               **kwargs: Any) -> Any:
    """A Dask frame of many files, one partition per file, each read by
    ``reader(path, *args, **kwargs)`` (the pandas path's own reader) on a worker: the
    client never holds the table. The partitions hold whole accounts when each file does
    (a bank's per-account or per-customer exports); pass the frame to `map_by_account`
    with ``whole_accounts=True`` then, else it is shuffled on ``account``. ``meta``: an
    empty frame of the reader's columns and dtypes; without it Dask reads the first file
    once more, in the client, to learn them."""
    import dask.dataframe as dd

    if not paths:
        raise ValueError("read_files: no file given")
    if meta is not None:
        kwargs["meta"] = meta
    return dd.from_map(reader, [str(p) for p in paths], args=list(args), **kwargs)


def rows_in_input_order(results: list[pd.DataFrame], index: pd.Index | None = None
                        ) -> pd.DataFrame:
    """Row-aligned partition results (index = input row position) as one frame in input
    order, with ``index`` (the input's own index) when given."""
    rows = pd.concat(results).sort_index(kind="stable") if results else pd.DataFrame()
    if index is not None:
        if len(rows) != len(index):
            raise ValueError(f"{len(rows)} result rows for {len(index)} input rows")
        rows.index = index
    return rows


def run_rows(frame: pd.DataFrame, function: Callable, *args: Any,
             scale: ScaleParams | dict | None = None, **kwargs: Any) -> pd.DataFrame:
    """``function`` (one output row per input row) over ``frame`` with the configured
    engine, in ``frame``'s order and index: the same frame either way."""
    params = ScaleParams.from_any(scale)
    if params.engine == "pandas":
        return function(frame, *args, **kwargs)
    with dask_session(params) as client:
        results = map_by_account(frame, function, *args, scale=params, client=client,
                                 **kwargs)
    return rows_in_input_order(results, frame.index)


FEATURE_PREFIX = "feature:"


def _with_features(rows: pd.DataFrame, function: Callable, n_transaction_columns: int,
                   feature_columns: list[str], args: tuple, kwargs: dict) -> Any:
    # one frame per partition: the transaction columns, then the feature columns
    return function(rows.iloc[:, :n_transaction_columns],
                    rows.iloc[:, n_transaction_columns:].set_axis(feature_columns, axis=1),
                    *args, **kwargs)


def run_scoring(function: Callable, transactions: pd.DataFrame, features: pd.DataFrame,
                *args: Any, scale: ScaleParams | dict | None = None, **kwargs: Any
                ) -> pd.DataFrame:
    """Batch scoring: ``function(transactions, features, *args, **kwargs)`` (one output row
    per input row, e.g. a fitted model's ``score`` or ``predict``) with the configured engine;
    the rows and their features travel together in partitions of whole accounts. The
    result has ``transactions``' index and order either way."""
    if len(transactions) != len(features):
        raise ValueError(f"{len(transactions)} transactions but {len(features)} feature rows")
    params = ScaleParams.from_any(scale)
    if params.engine == "pandas":
        return function(transactions, features, *args, **kwargs)
    rows = pd.concat([transactions.reset_index(drop=True), features.reset_index(drop=True)
                      .set_axis([f"{FEATURE_PREFIX}{c}" for c in features.columns], axis=1)],
                     axis=1)
    scored = run_rows(rows, _with_features, function, transactions.shape[1],
                      list(features.columns), args, kwargs, scale=params)
    return scored.set_axis(transactions.index, axis=0)


def run_accounts(frame: pd.DataFrame, function: Callable, *args: Any,
                 scale: ScaleParams | dict | None = None,
                 sort_by: tuple[str, ...] = ("account", "date"),
                 **kwargs: Any) -> tuple[pd.DataFrame, ...]:
    """``function`` returning a tuple of per-account tables (e.g. forecast, summary), with
    the configured engine; each table concatenated over partitions and sorted by
    ``sort_by`` (the columns it has of them), index reset."""
    params = ScaleParams.from_any(scale)
    if params.engine == "pandas":
        results = [function(frame, *args, **kwargs)]
    else:
        with dask_session(params) as client:
            results = map_by_account(frame, function, *args, scale=params, client=client,
                                     **kwargs)
    out = []
    for tables in zip(*results, strict=True):
        table = pd.concat(list(tables), ignore_index=True)
        keys = [c for c in sort_by if c in table]
        if keys:
            table = table.sort_values(keys, kind="stable")
        out.append(table.reset_index(drop=True))
    return tuple(out)

