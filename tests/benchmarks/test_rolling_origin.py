"""Rolling-origin evaluation of the personal-model benchmark: each fold learns only from days
before its scored block, a row is scored at most once, every choice a model makes inside a
fold sees only that fold's training rows, and the pooled comparison's standard error treats
a block of days as one draw."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import benchmarks.evaluation.personal_holdout as holdout
from benchmarks.evaluation.rolling_origin import (
    MIN_DECIDABLE_DISAGREEMENTS,
    block_bootstrap_se,
    day_blocks,
    pooled_versus,
    rolling_origin,
    rolling_origin_folds,
)


def _dates(seed: int, rows: int = 400, days: int = 120) -> pd.Series:
    rng = np.random.default_rng(seed)
    return pd.Series(pd.Timestamp("2024-01-01")
                     + pd.to_timedelta(rng.integers(0, days, rows), unit="D"))


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("folds", [1, 3, 5])
def test_each_fold_trains_only_on_days_before_its_block(seed, folds):
    dates = _dates(seed)
    values = dates.to_numpy()
    found = rolling_origin_folds(dates, folds, 0.5)
    assert len(found) == folds
    for train, scored in found:
        assert values[train].max() < values[scored].min()
        # everything before the block is training: the window expands, nothing is dropped
        assert set(train) == set(np.flatnonzero(values < values[scored].min()))
    for (_, earlier), (later_train, _) in zip(found[:-1], found[1:], strict=True):
        assert set(earlier) <= set(later_train)


@pytest.mark.parametrize("seed", [0, 1])
def test_a_row_is_scored_at_most_once_and_the_blocks_cover_the_scored_share(seed):
    dates = _dates(seed)
    scored = np.concatenate([s for _, s in rolling_origin_folds(dates, 4, 0.5)])
    assert len(scored) == len(set(scored.tolist()))
    share = len(scored) / len(dates)
    assert 0.45 < share < 0.55
    # the blocks are whole days: a scored day is scored entirely
    scored_days = set(dates.iloc[scored])
    assert set(np.flatnonzero(dates.isin(scored_days))) == set(scored.tolist())


def test_fold_edges_a_day_belongs_to_one_block():
    dates = pd.Series(pd.to_datetime(["2024-01-01"] * 3 + ["2024-01-02"] * 3
                                     + ["2024-01-03"] * 2 + ["2024-01-04"] * 2))
    # the 40 % share starts on the 7th row's day (the 3rd): its block is whole days 3, then 4
    found = rolling_origin_folds(dates, 2, 0.4)
    blocks = [set(dates.iloc[s].dt.day) for _, s in found]
    assert blocks == [{3}, {4}]
    assert [len(t) for t, _ in found] == [6, 8]


def test_more_folds_than_scored_days_gives_one_fold_per_day():
    dates = pd.Series(pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]))
    assert len(rolling_origin_folds(dates, 10, 0.5)) == 2


@pytest.mark.parametrize("folds", [0, -1])
def test_no_fold_is_refused(folds):
    with pytest.raises(ValueError, match="at least 1 fold"):
        rolling_origin_folds(_dates(0), folds, 0.5)


def test_day_blocks_cut_at_the_block_length():
    dates = pd.Series(pd.to_datetime(["2024-01-01", "2024-01-07", "2024-01-08", "2024-01-15"]))
    assert day_blocks(dates, 7).tolist() == [0, 0, 1, 2]
    assert day_blocks(dates, 1).tolist() == [0, 6, 7, 14]
    with pytest.raises(ValueError):
        day_blocks(dates, 0)


def test_block_bootstrap_needs_two_blocks_and_widens_for_correlated_rows():
    difference = np.array([1.0] * 10 + [0.0] * 10 + [-1.0] * 10 + [0.0] * 10)
    assert np.isnan(block_bootstrap_se(difference, np.zeros(40)))
    each_row = block_bootstrap_se(difference, np.arange(40))
    row_se = difference.std(ddof=1) / np.sqrt(40)
    assert each_row == pytest.approx(row_se, rel=0.1)
    # ten rows of a block move together: four draws, not forty
    assert block_bootstrap_se(difference, np.repeat(np.arange(4), 10)) > 2 * row_se


@pytest.mark.parametrize("disagreements", [MIN_DECIDABLE_DISAGREEMENTS - 1,
                                           MIN_DECIDABLE_DISAGREEMENTS])
def test_pooled_mcnemar_decides_from_six_rows_where_only_one_is_right(disagreements):
    personal = np.array([True] * (disagreements + 20))
    peer = np.array([False] * disagreements + [True] * 20)
    result = pooled_versus(personal, peer, np.arange(len(peer)) // 3)
    assert (result["only_personal_right"], result["only_peer_right"]) == (disagreements, 0)
    assert result["decidable"] is (disagreements >= 6)
    assert result["mcnemar_p"] == pytest.approx(2 * 0.5 ** disagreements)


def test_pooled_versus_refuses_rows_that_do_not_match():
    with pytest.raises(ValueError, match="same rows"):
        pooled_versus(np.ones(3, bool), np.ones(3, bool), np.zeros(2))


def test_an_answer_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="answered 1 rows"):
        rolling_origin(_dates(0), 2, 0.5, lambda train, scored: {"answers": {"m": ["x"]}})


def _labelled(rows: int = 160, days: int = 80, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    shops = {"groceries": ["TESCO", "ALDI", "LIDL"], "fuel": ["SHELL", "BP", "ESSO"],
             "eating out": ["PIZZA HUT", "KFC", "SUBWAY"]}
    category = rng.choice(list(shops), rows)
    return pd.DataFrame({
        "transaction_id": [f"t{i}" for i in range(rows)],
        "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, days, rows),
                                                             unit="D"),
        "description": [f"{rng.choice(shops[c])} {rng.integers(100, 999)}" for c in category],
        "amount": -rng.uniform(3, 90, rows).round(2), "category": category,
        "currency": "GBP", "account_id": "a"})


def test_every_choice_inside_a_fold_sees_only_that_folds_training_rows(monkeypatch):
    tx = _labelled()
    params = holdout.yaml.safe_load(
        (holdout.ROOT / "conf/base/parameters_category.yml").read_text())["category"]
    seen: list[tuple[str, pd.Timestamp]] = []
    real_select, real_peer = holdout.select_candidate, holdout.tuned_peer

    def spy_select(train_tx, train_f, settings, default_model):
        seen.append(("candidate", pd.to_datetime(train_tx["date"]).max()))
        return real_select(train_tx, train_f, settings, default_model)

    def spy_peer(kind, text, y, dates, settings):
        seen.append((kind, pd.to_datetime(dates).max()))
        return real_peer(kind, text, y, dates, settings)

    monkeypatch.setattr(holdout, "select_candidate", spy_select)
    monkeypatch.setattr(holdout, "tuned_peer", spy_peer)
    settings = holdout.argparse.Namespace(folds=3, scored_share=0.4, block_days=7,
                                          bootstrap_rounds=200)
    result = holdout.rolling_export(tx, None, params, settings)
    assert len(result["folds"]) == 3 and len(seen) == 3 * 3
    starts = [pd.Timestamp(fold["period"][0]) for fold in result["folds"]]
    for fold, start in enumerate(starts):
        for _, latest in seen[3 * fold: 3 * fold + 3]:
            assert latest < start
    assert result["scored_rows"] == sum(fold["scored_rows"] for fold in result["folds"])
    assert set(result["personal_versus"]) == set(holdout.PEERS)
    assert result["personal"]["accuracy"] > 0.5  # the shops name their category


def test_a_verdict_needs_both_two_standard_errors_and_mcnemar():
    blocks = np.arange(406)  # every row its own block: the standard error of independent rows
    five_none = np.ones(406, bool), np.array([False] * 5 + [True] * 401)
    result = pooled_versus(*five_none, blocks)
    assert result["advantage"] > 2 * result["advantage_se"]  # the normal approximation passes
    assert result["mcnemar_p"] == pytest.approx(0.0625)
    assert result["verdict"] == "level with"
    nine_zero = np.array([True] * 9 + [True] * 397), np.array([False] * 9 + [True] * 397)
    result = pooled_versus(*nine_zero, blocks)
    assert result["mcnemar_p"] < 0.05 and result["verdict"] == "beats"
    result = pooled_versus(nine_zero[1], nine_zero[0], blocks)
    assert result["verdict"] == "behind"
