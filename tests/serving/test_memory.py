"""What keeps the service's memory bounded (issues 27 and 29: RSS at most 500 MB).

`bentoml serve`'s supervisor process imports the service module and never scores: the
models' libraries imported there were ~85 MB of RSS for nothing (measured by
benchmarks/performance/serving_memory.py). The worker's RSS with 10,000 accounts is
checked on a real server (tests/serving/test_fair_work_served.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

# what the supervisor must not import (the worker imports them when the models load)
MODELS_LIBRARIES = ("pandas", "numpy", "pyarrow", "scipy", "sklearn", "sktime", "lightgbm",
                    "statsmodels", "kedro", "mlflow", "dask", "streamlit", "plotly")


def test_importing_the_service_module_imports_none_of_the_models_libraries(tmp_path):
    code = ("import json, os, sys; import titans_finance.serving.service; "
            f"print(json.dumps([[m for m in {MODELS_LIBRARIES!r} if m in sys.modules], "
            "os.environ.get('MALLOC_ARENA_MAX')]))")
    # a fresh interpreter, away from the repository's data/ (no manifest to read)
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                            capture_output=True, text=True, check=True, timeout=120)
    imported, arenas = json.loads(result.stdout.splitlines()[-1])
    assert imported == []
    # what the workers it starts inherit: one glibc arena, whose free top `malloc_trim`
    # gives back (serving/worker_memory.py)
    assert arenas == "1"


def test_request_text_memos_stay_within_their_cap_under_10000_distinct_lines():
    """Descriptions come from clients: 10,000 distinct lines of never-repeated words
    (references, card numbers) through the merchant keys, the keyword flags and a text
    vectoriser keep each memo within ``TITANS_TEXT_MEMO_BYTES``; once the memos are full, the last 2,000 lines
    grow the process's Python memory by less than the memos' caps (each line kept ~1.2 kB
    before the bound: its merchant key, its long words and their n-gram columns)."""
    import tracemalloc

    from sklearn.feature_extraction.text import TfidfVectorizer

    import numpy as np

    from titans_finance.core import feature_text, merchant_key
    from titans_finance.models.category import text_features
    from titans_finance.serving.served_models import bound_text_memos

    cap = 256 * 1024
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)).fit(
        ["tesco stores london", "card payment uber trip", "amazon marketplace 0412"])
    lines = [f"CARD PAYMENT {i:06d}{'X' * 40}{i} REF{i * 7919:012d} TESCO" for i in range(10_000)]
    memos = [merchant_key._DESCRIPTION_MERCHANTS]

    def score(part: list[str]) -> None:
        for line in part:
            merchant_key.merchant_from_description(line)
        feature_text._keyword_flags(np.asarray(part, dtype=object))
        for start in range(0, len(part), 1_000):
            text_features.tfidf_transform(vectorizer, part[start:start + 1_000])

    from titans_finance.models.category import row_memo

    before_words, before_rows = text_features.WORD_MEMO_BYTES, row_memo.ROW_MEMO_BYTES
    try:
        bound_text_memos(cap)
        memos.append(feature_text._KEYWORD_MEMO)
        for memo in memos:
            memo.clear()
        score(lines[:8_000])
        memos.append(text_features._fast_path(vectorizer).columns)
        tracemalloc.start()
        started = tracemalloc.get_traced_memory()[0]
        score(lines[8_000:])
        grown = tracemalloc.get_traced_memory()[0] - started
        tracemalloc.stop()
        assert all(0 < memo.nbytes <= cap for memo in memos), [m.nbytes for m in memos]
        # each memo may refill from half its cap (just after forgetting) to all of it
        assert grown < len(memos) * cap, f"the last 2,000 lines kept {grown / 2**20:.1f} MiB"
    finally:
        bound_text_memos(before_words)
        row_memo.bound_row_memos(before_rows)
        merchant_key.bound_description_memo(merchant_key.DESCRIPTION_MEMO_BYTES)
