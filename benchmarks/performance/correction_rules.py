"""What corrections acting at once cost the service's category answers.

    nice -n 10 .venv/bin/python -m benchmarks.performance.correction_rules

`serving.corrections_live.LiveCorrections` alone (no model, no HTTP): per single
``/predict/category`` answer, the tag the scoring thread attaches and the endpoint's
`settle`, for a caller without rules and for a caller whose rule hits (its micro-batch's
merchant keys read once); per ``/predict/batch`` of 10,000 rows, `apply` for a caller
without rules and for one with 100 rules among 1,000 rules of 10 callers. Best of
``--repeats`` timings. Results: ``benchmarks/results/correction_rules.json``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import timeit
from pathlib import Path

import numpy as np
import pandas as pd

from titans_finance.core.correction_rules import append_rule, new_rule
from titans_finance.serving.corrections_live import LiveCorrections

RESULTS = Path(__file__).resolve().parents[1] / "results"
BATCH = 10_000


def _single(live: LiveCorrections, tenant: str):
    frame = pd.DataFrame({"account": [None]})
    features = pd.DataFrame({"merchant_key": ["shell oil"]})

    def answer():
        answers = [{"category": "fuel", "confidence": 0.9, "top_k": [], "source": "model"}]
        live.tag(answers, frame, features)
        return live.settle(answers[0], tenant)

    return answer


def _best(call, number: int, repeats: int) -> float:
    return min(timeit.repeat(call, number=number, repeat=repeats)) / number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="titans-rules-") as folder:
        live = LiveCorrections(Path(folder) / "category_corrections.csv", max_rows=100)
        for i in range(1000):
            append_rule(live.rules_path, new_rule(
                {"category": "shopping", "submitted_at": "2026-01-01T00:00:00+00:00"},
                f"merchant {i}", f"key-{i % 10}"))
        append_rule(live.rules_path, new_rule(
            {"category": "groceries", "submitted_at": "2026-01-01T00:00:00+00:00"},
            "shell oil", "key-hit"))
        live.book.reload()
        assert _single(live, "key-hit")()["source"] == "your correction"
        n = BATCH
        predictions = pd.DataFrame({"category": ["fuel"] * n, "confidence": np.full(n, 0.9),
                                    "top_k": [[]] * n, "source": ["model"] * n})
        frame = pd.DataFrame({"account": [None] * n})
        features = pd.DataFrame({"merchant_key": [f"merchant {i % 2000}" for i in range(n)]})
        results = {
            "single_without_rules_us": _best(_single(live, "key-none"), 20_000,
                                             args.repeats) * 1e6,
            "single_rule_hit_us": _best(_single(live, "key-hit"), 5_000, args.repeats) * 1e6,
            "batch_10000_without_rules_ms": _best(
                lambda: live.apply(predictions, frame, features, "key-none"), 20,
                args.repeats) * 1e3,
            "batch_10000_with_100_rules_ms": _best(
                lambda: live.apply(predictions, frame, features, "key-1"), 20,
                args.repeats) * 1e3,
            "rules_on_file": 1001,
        }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "correction_rules.json").write_text(json.dumps(
        {name: round(value, 3) for name, value in results.items()}, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
