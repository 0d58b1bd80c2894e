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
