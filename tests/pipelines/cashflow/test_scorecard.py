"""The cash-flow scorecard shows the peers beside the baselines."""

import numpy as np
import pandas as pd

from tests.parameters import parameters
from titans_finance.models.cashflow import evaluate_cashflow, summarise_backtest
from titans_finance.models.cashflow.peers import PEERS
from titans_finance.pipelines.cashflow.nodes import scorecard


def test_scorecard_lists_every_peer_with_its_score_and_verdict():
    rng = np.random.default_rng(3)
    rows = [{"date": day, "description": "Shop", "reference": "shop",
             "amount": -float(rng.integers(5, 80))}
            for day in pd.date_range("2023-01-01", "2023-09-30", freq="D") if rng.random() < 0.3]
    rows += [{"date": m + pd.Timedelta(days=4), "description": "Rent", "reference": "rent",
              "amount": -700.0} for m in pd.date_range("2023-01-01", periods=9, freq="MS")]
    _, outer, _ = evaluate_cashflow(pd.DataFrame(rows), parameters("cashflow"))
    summary = summarise_backtest(outer)
    card = scorecard(summary, outer)
    assert set(card["peers"]) == set(PEERS)
    for name, peer in card["peers"].items():
        assert peer["score"] == summary[f"peer_{name}"]["mase"]
        assert peer["compared_on"] > 0 and peer["meaning"]
    # the peers are shown, never the "best baseline" the verdict is judged against
    assert card["best_baseline"] in card["baselines"]
