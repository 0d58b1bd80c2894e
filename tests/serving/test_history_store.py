"""The recorded history's SQLite store (serving/history_store.py): how many recorded
transactions a correction would change, matched to the cent either sign."""

from __future__ import annotations

import pytest

from titans_finance.serving.history_store import RecordedHistoryStore


@pytest.mark.parametrize("amount, matched", [
    (23.44, 0), (23.45, 1), (23.46, 0), (-23.45, 1), (23.4549, 1), (23.4551, 0)])
def test_a_correction_matches_recorded_amounts_to_the_cent_either_sign(tmp_path, amount,
                                                                        matched):
    store = RecordedHistoryStore(str(tmp_path / "h.sqlite3"))
    store.append("acme", [
        (None, 19783, "2024-03-01", "expense", "Corner Bookshop", -23.45, None, None,
         "corner bookshop", None),
        (None, 19783, "2024-03-01", "expense", "Corner Bookshop", -23.0, None, None,
         "corner bookshop", None)], window_days=90, max_transactions=100)
    assert store.matching("acme", "2024-03-01", amount, None, "corner bookshop") == matched
    assert store.matching("acme", "2024-03-01", amount, "corner bookshop", None) == matched
    store.close()


def _stored(days: list[int], account: str | None = "card", description: str | None = "SHOP"):
    return [(account, day, "2024-03-01", "expense", description, -1.0, None, None, None, None)
            for day in days]


def _append(store: RecordedHistoryStore, how: str, tenant: str, rows: list[tuple],
            window_days: int, max_transactions: int) -> None:
    """Rows appended as row tuples (`append`) or as one list per column (`append_columns`,
    the service's way)."""
    if how == "rows":
        store.append(tenant, rows, window_days, max_transactions)
    else:
        store.append_columns(tenant, [list(column) for column in zip(*rows)], window_days,
                             max_transactions)


@pytest.mark.parametrize("how", ["rows", "columns"])
@pytest.mark.parametrize("every", [2, 4])
def test_a_tenants_rows_are_pruned_when_its_appended_rows_reach_prune_every(
        tmp_path, monkeypatch, every, how):
    """PRUNE_EVERY appended rows of a tenant (not of another) start a prune: one row short
    of it none, at it one, then the count starts again from zero."""
    from titans_finance.serving import history_store

    monkeypatch.setattr(history_store, "PRUNE_EVERY", every)
    store = RecordedHistoryStore(str(tmp_path / "h.sqlite3"))
    store.append("other", _stored([0] * (every - 1) + [500]), window_days=30,
                 max_transactions=100)  # another tenant's rows count for it alone
    _append(store, how, "a", _stored([0] + [100] * (every - 2)), 30, 100)
    assert store.count("a") == every - 1  # one row short: no prune yet
    _append(store, how, "a", _stored([100]), 30, 100)  # the every-th: day 0 is 100 days before
    assert store.count("a") == every - 1
    _append(store, how, "a", _stored([1] * (every - 1)), 30, 100)  # the count started again
    assert store.count("a") == 2 * (every - 1)
    _append(store, how, "a", _stored([2]), 30, 100)
    assert store.count("a") == every - 1
    assert store.count("other") == 1  # pruned on its own count, its own latest day
    store.close()


@pytest.mark.parametrize("how", ["rows", "columns"])
@pytest.mark.parametrize(("max_transactions", "kept"), [(1, 2), (2, 4), (3, 4)])
def test_a_prune_on_append_keeps_keep_factor_times_the_quota_of_newest_rows(
        tmp_path, monkeypatch, max_transactions, kept, how):
    from titans_finance.serving import history_store

    monkeypatch.setattr(history_store, "PRUNE_EVERY", 4)
    store = RecordedHistoryStore(str(tmp_path / "h.sqlite3"))
    _append(store, how, "a", [(f"n{i}", 100 + i, "2024-03-01", None, f"row {i}", -1.0, None,
                               None, None, None) for i in range(4)], 90, max_transactions)
    assert store.count("a") == kept == min(4, history_store.KEEP_FACTOR * max_transactions)
    assert [r.description for chunk in store.rows("a") for r in chunk] == \
        [f"row {i}" for i in range(4 - kept, 4)]
    store.close()


def test_a_refused_write_keeps_none_of_its_rows_and_names_the_store(tmp_path):
    """A batch that SQLite refuses (here: a row without a description) is rolled back as a
    whole, the error names the file and SQLite's reason, and the store stays usable."""
    from titans_finance.serving.history_store import HistoryStoreError

    path = str(tmp_path / "h.sqlite3")
    store = RecordedHistoryStore(path)
    with pytest.raises(HistoryStoreError) as refused:
        store.append("a", _stored([100]) + _stored([101], description=None), 30, 100)
    assert path in str(refused.value) and "NOT NULL" in str(refused.value)
    assert store.count("a") == 0
    store.append("a", _stored([102]), 30, 100)
    assert store.count("a") == 1
    store.close()


def test_rows_appended_after_the_newest_was_pruned_still_replay_in_arrival_order(tmp_path):
    """``seq`` is the rowid (no AUTOINCREMENT): a row appended after the newest kept row
    was deleted may take its number again, and still comes after every row kept."""
    store = RecordedHistoryStore(str(tmp_path / "h.sqlite3"))
    store.append("a", _stored([100, 101], account="card"), 30, 100)
    store.append("a", _stored([50], account="card", description="LATE"), 30, 100)  # newest
    store.prune("a", window_days=30, max_transactions=100)  # day 50: 51 days before 101
    store.append("a", _stored([102], account="card", description="NEXT"), 30, 100)
    assert [r.description for chunk in store.rows("a") for r in chunk] == \
        ["SHOP", "SHOP", "NEXT"]
    store.close()


def test_a_store_made_with_autoincrement_keeps_its_rows_and_order(tmp_path):
    """A file written before ``seq`` lost AUTOINCREMENT is used as it is."""
    import sqlite3

    from titans_finance.serving import history_store

    path = str(tmp_path / "h.sqlite3")
    old = sqlite3.connect(path)
    old.executescript(history_store._SCHEMA.replace("seq INTEGER PRIMARY KEY,",
                                                    "seq INTEGER PRIMARY KEY AUTOINCREMENT,"))
    old.executemany(f"INSERT INTO recorded (tenant, {', '.join(history_store.COLUMNS)}) "
                    f"VALUES (?, {', '.join('?' * len(history_store.COLUMNS))})",
                    [("a", *row) for row in _stored([100], description="OLD")])
    old.commit()
    old.close()
    store = RecordedHistoryStore(path)
    store.append("a", _stored([101], description="NEW"), 30, 100)
    assert [r.description for chunk in store.rows("a") for r in chunk] == ["OLD", "NEW"]
    assert "AUTOINCREMENT" in store._db.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'recorded'").fetchone()[0]
    store.close()


def test_rows_given_column_by_column_are_stored_as_rows_given_row_by_row(tmp_path):
    """`append_columns` stores what `append` of the same rows stores; columns of unequal
    lengths, or too few, are refused before anything is written."""
    from titans_finance.serving.history_store import COLUMNS

    rows = _stored([100, 101], account=None) + _stored([102], description="CAFE")
    by_rows, by_columns = (RecordedHistoryStore(str(tmp_path / f"{name}.sqlite3"))
                           for name in ("rows", "columns"))
    by_rows.append("a", rows, 30, 100)
    by_columns.append_columns("a", [list(column) for column in zip(*rows)], 30, 100)
    assert list(by_rows.rows("a")) == list(by_columns.rows("a"))
    columns = [list(column) for column in zip(*rows)]
    for wrong in ([], columns[:-1], [*columns[:-1], columns[-1][:2]]):
        with pytest.raises(ValueError, match=f"{len(COLUMNS)} columns of one length"):
            by_columns.append_columns("a", wrong, 30, 100)
    by_columns.append_columns("a", [[] for _ in COLUMNS], 30, 100)  # nothing: nothing
    assert by_columns.count("a") == 3
    by_rows.close()
    by_columns.close()
