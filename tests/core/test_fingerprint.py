"""Stamps of the data each output was computed from, and the check that a view's inputs
all come from one run."""

import pandas as pd

from titans_finance.core.fingerprint import computed_from, data_hash, mixed_inputs


def _clean(amounts):
    return pd.DataFrame({"date": pd.to_datetime(["2025-01-01"] * len(amounts)),
                         "amount": amounts})


def test_an_output_stamped_from_this_table_is_not_named_and_any_other_is():
    this, other = _clean([1.0, -2.0]), _clean([1.0, -2.01])
    stamp = computed_from(this)
    assert stamp["data_hash"] == data_hash(this) and stamp["rows"] == 2 and stamp["at"]
    assert computed_from(this, when=False) == {"data_hash": data_hash(this), "rows": 2}
    clean_hash = data_hash(this)
    assert mixed_inputs(clean_hash, {"cash flow": {"computed_from": stamp}}) == []
    named = mixed_inputs(clean_hash, {"cash flow": {"computed_from": computed_from(other)},
                                      "amount": {"computed_from": stamp},
                                      "category": {"mae": 1.0},  # an older run: no stamp
                                      "anomaly": None, "drift": {}})  # not run: not named
    assert [line.split(":")[0] for line in named] == ["cash flow", "category"]
    assert data_hash(other) in named[0] and "2 clean rows" in named[0]
    assert "older run" in named[1]
