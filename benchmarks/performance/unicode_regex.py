"""What reading regexes as Python does in every script (`core.unicode_regex`) costs.

    .venv/bin/python -m benchmarks.performance.unicode_regex

In process, best of three: `clean_strings`, `column_evidence` and two user category rules
(`\\bstore\\b`, `\\bcafe\\b`) on 100,000 distinct descriptions in ASCII and in Chinese (with
ideographic spaces), and `column_evidence` on 100,000 ISO dates. Run it before and after a
change (``git stash``) to compare; the figures go to docs/evaluation.md, not to a file.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from titans_finance.core.column_values import clean_strings
from titans_finance.core.readers.column_evidence import column_evidence
from titans_finance.models.category.rules import CategoryRule, apply_rules

ROWS = 100_000


def _best(function, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    rng = np.random.default_rng(0)
    numbers = rng.integers(1_000_000, size=ROWS)
    columns = {
        "ascii": [f"CARD PURCHASE  STORE {i} PARIS {numbers[i]}" for i in range(ROWS)],
        "chinese": [f"微信支付\u3000商户{i} 消费 {numbers[i]}" for i in range(ROWS)],
    }
    rules = [CategoryRule(pattern=r"\bstore\b", category="shopping"),
             CategoryRule(pattern=r"\bcafe\b", category="eating_out")]
    for name, values in columns.items():
        text = pd.Series(values, dtype="str")
        print(f"{name}: clean_strings {_best(lambda: clean_strings(text)):.3f} s, "
              f"column_evidence {_best(lambda: column_evidence(text)):.3f} s, "
              f"two rules {_best(lambda: apply_rules(rules, text, text)):.3f} s")
    dates = pd.Series([f"2024-01-{1 + i % 28:02d}" for i in range(ROWS)], dtype="str")
    print(f"dates: column_evidence {_best(lambda: column_evidence(dates)):.3f} s")


if __name__ == "__main__":
    main()
