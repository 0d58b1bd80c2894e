"""What distributed's worker setting ``MALLOC_TRIM_THRESHOLD_=65536`` costs the scoring.

    nice -n 10 .venv/bin/python -m benchmarks.performance.dask_malloc

One partition of `benchmarks/performance/accounts_dask.py` (50 generated accounts, ~50,000 rows, read
and normalised by the ingestion), the anomaly model fitted on it; then, each in a fresh
process, `build_features` and the model's ``score`` on it, with the variable unset and set
to 65536 as a Dask nanny sets it (alternating, ``--repeats`` times each). Per call, from the
kernel's rusage: user and system CPU seconds and minor page faults (median over repeats).
No Dask here: the variable alone, so the difference is the allocator's, not the
scheduler's. Results: ``benchmarks/results/dask_malloc.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from benchmarks.performance import accounts_dask  # noqa: E402  (the benchmark's data and models)

RESULTS = Path(__file__).resolve().parents[1] / "results"
KEY = "MALLOC_TRIM_THRESHOLD_"


def child(work: Path) -> dict:
    import pandas as pd

    from titans_finance.core.features import build_features

    part = pd.read_parquet(work / "part.parquet")
    model = pickle.loads((work / "model.pkl").read_bytes())
    out = {}
    for name, call in (("features", lambda: build_features(part)),
                       ("anomaly_score", lambda: model.score(part, features))):
        before = resource.getrusage(resource.RUSAGE_SELF)
        result = call()
        after = resource.getrusage(resource.RUSAGE_SELF)
        if name == "features":
            features = result
        out[name] = {"user_seconds": after.ru_utime - before.ru_utime,
                     "sys_seconds": after.ru_stime - before.ru_stime,
                     "minor_faults": after.ru_minflt - before.ru_minflt}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child))))
        return
    from titans_finance.core.features import build_features
    from titans_finance.models.anomaly import AnomalyModel

    work = Path(tempfile.mkdtemp(prefix="dask_malloc_"))
    try:
        accounts_dask.write_export(0, 0, 50, 1000, 42, str(work))
        part = accounts_dask.ingest_file(str(work / "export_00000.csv"))
        part.to_parquet(work / "part.parquet")
        model = AnomalyModel({**accounts_dask._params("anomaly"), "contamination": None,
                              "n_jobs": 1}).fit(part, build_features(part))
        (work / "model.pkl").write_bytes(pickle.dumps(model))
        runs: dict[str, list] = {"unset": [], "65536": []}
        for _ in range(args.repeats):
            for setting in runs:
                env = {k: v for k, v in os.environ.items() if k != KEY}
                if setting != "unset":
                    env[KEY] = setting
                done = subprocess.run([sys.executable, "-m", __spec__.name, "--child", str(work)], env=env,
                                      capture_output=True, text=True, check=True)
                runs[setting].append(json.loads(done.stdout.strip().splitlines()[-1]))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    summary = {setting: {step: {k: round(float(np.median([r[step][k] for r in rows])), 2)
                                for k in rows[0][step]} for step in rows[0]}
               for setting, rows in runs.items()}
    result = {"command": "nice -n 10 .venv/bin/python -m benchmarks.performance.dask_malloc",
              "rows": int(len(part)), "repeats": args.repeats,
              "load_average": [round(x, 2) for x in os.getloadavg()], "median": summary}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "dask_malloc.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
