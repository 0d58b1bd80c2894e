"""What the category challenger of `make retrain` costs, fit by fit (issue #15, item 11).

    .venv/bin/python -m benchmarks.performance.retrain_category_cost [--rows 20000] [--new-rows 24000]

In a throw-away copy of the project (benchmarks/performance/run_benchmarks.py's helpers): the default
export (--rows, seed 42) goes through ingestion, features and category (the served
model); a later export (--new-rows, seed 43, running a year past the default data) goes
through the retrain pipeline's own ingestion and features (`--to-outputs`). Then, in this
process, single-threaded (n_jobs 1, OpenMP/BLAS threads 1, so CPU seconds do not depend on
what else the machine runs), it times the category pipeline's evaluation + final fit on
the default data and the retrain category challenger on the later export, counting every
estimator fit. Results: benchmarks/results/retrain_category.json.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.performance.run_benchmarks import BIN, KEDRO_ENV, RESULTS, generate, kedro, machine, temp_project

# single-threaded numerical libraries: set before numpy, scipy or lightgbm are imported
THREADS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@contextlib.contextmanager
def counted_fits():
    """Count and time (CPU seconds) every fit of a category model estimator."""
    import titans_finance.models.category as category_model

    counts, seconds = collections.Counter(), collections.Counter()
    original = category_model.Pipeline.fit

    def fit(self, X, y=None, **kwargs):
        started = time.process_time()
        result = original(self, X, y, **kwargs)
        name = type(self.steps[-1][1]).__name__
        counts[f"{name} on {len(X):,} rows"] += 1
        seconds[name] += time.process_time() - started
        return result

    category_model.Pipeline.fit = fit
    try:
        yield counts, seconds
    finally:
        category_model.Pipeline.fit = original


def timed(function, *args):
    with counted_fits() as (counts, seconds):
        started = time.process_time()
        result = function(*args)
        total = time.process_time() - started
    return result, {"cpu_s": round(total, 1), "fits": dict(counts),
                    "fit_cpu_s": {k: round(v, 1) for k, v in seconds.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--new-rows", type=int, default=24_000)
    args = parser.parse_args()
    os.environ.update(THREADS)
    import pandas as pd

    from titans_finance.synthetic.generator import DEFAULT_END

    project = temp_project()
    try:
        generate(project, args.rows, 42)
        kedro(project, "ingestion,features,category")
        end = str((pd.Timestamp(DEFAULT_END) + pd.DateOffset(years=1)).date())
        subprocess.run([str(BIN / "titans-finance"), "generate", "--rows", str(args.new_rows),
                        "--seed", "43", "--end", end, "--output", "data/01_raw/latest.csv"],
                       cwd=project, check=True, capture_output=True)
        subprocess.run([str(BIN / "kedro"), "run", "--pipelines", "retrain", "--params",
                        "raw_path=data/01_raw/latest.csv", "--to-outputs",
                        "retrain.clean_transactions,retrain.feature_table"], cwd=project,
                       env={**os.environ, **KEDRO_ENV,
                            "MLFLOW_TRACKING_URI": f"sqlite:///{project / 'mlflow.db'}"},
                       check=True, capture_output=True)
        result = measure(project)
        result.update(machine=machine(), rows=args.rows, new_rows=args.new_rows,
                      command=f"python -m benchmarks.performance.retrain_category_cost --rows {args.rows} "
                              f"--new-rows {args.new_rows}")
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "retrain_category.json").write_text(json.dumps(result, indent=2) + "\n")
        print(json.dumps(result, indent=2))
    finally:
        os.chdir(Path(__file__).resolve().parent)
        shutil.rmtree(project, ignore_errors=True)


def measure(project: Path) -> dict:
    from kedro.framework.session import KedroSession
    from kedro.framework.startup import bootstrap_project

    from titans_finance.pipelines.category.nodes import (
        evaluate_category_model,
        fit_category_model,
    )
    from titans_finance.models.category.labels import (
        select_labelled_transactions as select_labelled_expenses,
    )
    from titans_finance.pipelines.retrain.nodes import challenge_category_model

    os.chdir(project)
    bootstrap_project(project)
    with KedroSession.create(project_path=project) as session:
        context = session.load_context()
        catalog, params = context.catalog, context.params
        load = {name: catalog.load(name) for name in (
            "clean_transactions", "feature_table", "retrain.clean_transactions",
            "retrain.feature_table", "category_corrections", "category_rules", "category_model")}
    category = {**params["category"], "n_jobs": 1}
    tx, features, _ = select_labelled_expenses(load["clean_transactions"], load["feature_table"],
                                               load["category_corrections"], category)

    def default_pipeline():
        metrics, _ = evaluate_category_model(tx, features, load["category_rules"], category)
        fit_category_model(tx, features, load["category_rules"], metrics, category)
        return metrics

    metrics, default = timed(default_pipeline)
    default["selected_model"] = metrics["selected_model"]
    new_tx, new_features, _ = select_labelled_expenses(
        load["retrain.clean_transactions"], load["retrain.feature_table"],
        load["category_corrections"], category)
    (_, decision, _), challenger = timed(challenge_category_model, new_tx, new_features,
                                         load["category_rules"], {}, load["category_model"],
                                         category, params["retrain"])
    challenger.update(selected_model=decision.get("selected_model"),
                      candidates=decision.get("candidates"), promoted=decision["promoted"],
                      reasons=decision["reasons"])
    return {"default_category_pipeline": default, "retrain_category_challenger": challenger}


if __name__ == "__main__":
    main()
