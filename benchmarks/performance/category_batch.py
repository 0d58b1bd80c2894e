"""The category model's CPU per batch of 1,000 transactions, in this process (no service).

    .venv/bin/python -m benchmarks.performance.category_batch [--project DIR] [--batches 30] \
        [--name-weight W] [--label LABEL] [--results FILE]

What `/predict/batch` runs for its category answers (`CategoryModel.predict` on the request
frame and `own_features`, as `serving.served_models.TRANSACTION_SCORERS` calls it), timed by
the CPU clock of this thread (`time.process_time`), one figure per batch; the request frames
and features are built before the clock starts. The model, the history state (the payees
that key a row's merchant) and the rows are those of ``DIR`` (default: this checkout):
``data/06_models/category_model.pkl`` (its latest version), ``data/06_models/history_state.pkl``
and ``data/03_primary/clean_transactions.parquet`` (`make run`), so another checkout's code
(``PYTHONPATH=OTHER/src``) is measured with the model it trained. Two cases, as
`serving_load` sends them: *repeated lines* (4 distinct batches of the default data cycled,
each scored once before the clock: the memos of line values know every line) and *unseen
lines* (each batch its own reference, in letters, at the end of every description: no
line seen before).

``--name-weight W``: the personal model's name-matching weight set to W before scoring
(`models/category/name_match.py`). The weight the default data's model fits is 0 (there the
names add nothing and the step is skipped); a user whose lines name their categories gets
one above 0 (docs/evaluation.md: 0.1-4.7 on the development exports), and this measures what
the step costs them. Prints the median / min / max CPU ms per batch of each case and writes
them to ``--results`` (default benchmarks/results/category_batch.json; ``-`` none).
"""

from __future__ import annotations

import argparse
import json
import pickle
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
from benchmarks.performance.run_benchmarks import RESULTS, load_average, machine  # noqa: E402

ROWS = 1_000
CYCLED = 4  # distinct batches cycled in the repeated-lines case (as serving_load sends them)


def _model_files(project: Path) -> tuple[Path, Path, Path]:
    versions = sorted((project / "data" / "06_models" / "category_model.pkl").glob(
        "*/category_model.pkl"))
    state = project / "data" / "06_models" / "history_state.pkl"
    clean = project / "data" / "03_primary" / "clean_transactions.parquet"
    missing = [str(p) for p in (state, clean) if not p.exists()] + (
        [] if versions else [str(project / "data/06_models/category_model.pkl/*/")])
    if missing:
        raise SystemExit(f"missing {', '.join(missing)}: run `make run` in {project} first")
    return versions[-1], state, clean


def _letters(number: int) -> str:
    """``number`` written in the letters a-j: the category models read digits as ``0``, so
    a reference of digits would make every batch's lines the same again."""
    return "".join(chr(ord("a") + int(d)) for d in str(number))


def _batches(clean_path: Path, state, seeds: range, reference: bool) -> list[tuple]:
    """(request frame, own features) of 1,000 distinct rows of the default data per seed, as
    the service builds them; ``reference``: each description ends with the batch's own."""
    import pandas as pd

    from titans_finance.core.features import own_features
    from titans_finance.serving.schemas import Transaction, transactions_frame

    clean = pd.read_parquet(clean_path)
    out = []
    for seed in seeds:
        rows = clean.sample(ROWS, random_state=seed)
        frame = transactions_frame([Transaction(
            description=r.description + (f" REF {_letters(seed)}" if reference else ""),
            amount=float(r.amount), date=str(r.date.date()), type=r.type,
            payment_method=None if pd.isna(r.payment_method) else r.payment_method,
            merchant=None if pd.isna(r.reference) else r.reference) for r in rows.itertuples()])
        out.append((frame, own_features(frame, state)))
    return out


def _cpu_ms(model, work: list[tuple]) -> list[float]:
    times = []
    for frame, features in work:
        start = time.process_time()
        model.predict(frame, features)
        times.append((time.process_time() - start) * 1000)
    return times


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", type=Path, default=ROOT)
    parser.add_argument("--batches", type=int, default=30, help="timed batches per case")
    parser.add_argument("--name-weight", type=float, default=None)
    parser.add_argument("--label", default="")
    parser.add_argument("--results", default=str(RESULTS / "category_batch.json"))
    args = parser.parse_args(argv)
    model_path, state_path, clean_path = _model_files(args.project)
    import titans_finance

    with open(model_path, "rb") as f:
        model = pickle.load(f)
    with open(state_path, "rb") as f:
        state = pickle.load(f)
    if args.name_weight is not None:
        if getattr(model, "names", None) is None:
            raise SystemExit(f"{model_path}: this model has no name matching (`names`)")
        model.names.weight = args.name_weight
    repeated = _batches(clean_path, state, range(CYCLED), reference=False)
    unseen = _batches(clean_path, state, range(100, 100 + args.batches), reference=True)
    load_before = load_average()
    _cpu_ms(model, repeated)  # each cycled batch once before the clock
    cases = {"repeated lines": _cpu_ms(model, [repeated[i % CYCLED]
                                               for i in range(args.batches)]),
             "unseen lines": _cpu_ms(model, unseen)}
    result = {"machine": machine(), "label": args.label,
              "command": " ".join([".venv/bin/python -m benchmarks.performance.category_batch",
                                   *(argv if argv is not None else sys.argv[1:])]),
              "code": str(Path(titans_finance.__file__).parents[1]), "model": str(model_path),
              "name_weight": getattr(getattr(model, "names", None), "weight", None),
              "load_average": [load_before, load_average()], "rows_per_batch": ROWS,
              "cpu_ms_per_batch": {case: {"median": round(statistics.median(t), 3),
                                          "min": round(min(t), 3), "max": round(max(t), 3),
                                          "batches": len(t)} for case, t in cases.items()}}
    for case, figures in result["cpu_ms_per_batch"].items():
        print(f"{case}: CPU ms per {ROWS}-row batch median {figures['median']:.2f} "
              f"(min {figures['min']:.2f}, max {figures['max']:.2f}, {figures['batches']} "
              f"batches)")
    if args.results != "-":
        Path(args.results).write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
