"""Re-plant the eight bugs of issue #18 (and one of issue 29), one at a time, and check the
tests catch each.

    .venv/bin/python -m benchmarks.quality.planted_bugs            # all nine (a few minutes)
    .venv/bin/python -m benchmarks.quality.planted_bugs --only 5   # one of them
    .venv/bin/python -m benchmarks.quality.planted_bugs --list     # what each one changes

For each bug: the source file is patched in place (the patch must apply exactly once, so a
refactor that moves the code makes the script fail loudly rather than test nothing), the
tests that guard that function run (`pytest -x`), and the file is restored whatever
happens. A bug is *caught* when pytest fails. The table printed at the end is the one in
docs/testing.md; the results are also written to benchmarks/results/planted_bugs.json.

Run it on a clean tree: it refuses to patch a file with uncommitted changes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results" / "planted_bugs.json"


@dataclass(frozen=True)
class PlantedBug:
    function: str
    bug: str
    path: str  # file patched, relative to the project root
    replacements: tuple[tuple[str, str], ...]  # (old, new): each `old` occurs exactly once
    tests: tuple[str, ...]  # pytest arguments (files or node ids)


NORMALISE = "src/titans_finance/core/normalise.py"
CATEGORY = "src/titans_finance/models/category/model.py"
FEATURES = "src/titans_finance/core/features.py"

BUGS = (
    PlantedBug(
        "normalise.parse_amounts",
        "only the first thousands separator removed (`$1,234,567.89` quarantined)",
        NORMALISE,
        (('plain = s.where(well_formed).str.replace(group, "", regex=False)',
          'plain = s.where(well_formed).str.replace(group, "", n=1, regex=False)'),),
        ("tests/core/test_normalise.py", "tests/core/test_normalise_properties.py"),
    ),
    PlantedBug(
        "normalise.parse_amounts",
        "sign read before the currency is stripped (`$-12` -> +12)",
        NORMALISE,
        (('    s = s.str.replace(_CURRENCY, "", regex=True).str.strip()\n', ""),
         ('    s = s.str.replace(r"^[+-]|[+-]$", "", regex=True)\n',
          '    s = s.str.replace(r"^[+-]|[+-]$", "", regex=True)\n'
          '    s = s.str.replace(_CURRENCY, "", regex=True).str.strip().str.strip("+-")\n')),
        ("tests/core/test_normalise.py", "tests/core/test_normalise_properties.py"),
    ),
    PlantedBug(
        "CategoryModel.predict_proba",
        "calibration temperature ignored (abstention on uncalibrated confidence)",
        CATEGORY,
        (("*model_inputs(transactions, features)),\n                                 "
          "self.temperature)", "*model_inputs(transactions, features)),\n"
          "                                 1.0)"),
         ("proba = apply_temperature(self.personal.predict_proba(text, numeric, sign, prior),\n"
          "                                  self.temperature)",
          "proba = apply_temperature(self.personal.predict_proba(text, numeric, sign, prior),\n"
          "                                  1.0)")),
        ("tests/models/category/test_model.py",),
    ),
    PlantedBug(
        "CategoryModel.fit",
        "`confidence_threshold` ignored (fixed 0.5)",
        CATEGORY,
        (('self.threshold = float(self.params["confidence_threshold"])',
          "self.threshold = 0.5"),),
        ("tests/models/category/test_model.py",),
    ),
    PlantedBug(
        "ApiSecurityMiddleware (dispatch)",
        "`return` after the 401/403 removed: a wrong key still reaches the endpoint",
        "src/titans_finance/serving/security.py",
        (("            await send_error(send, status, message, headers)\n            return\n",
          "            await send_error(send, status, message, headers)\n"),),
        ("tests/serving/test_security.py",),
    ),
    PlantedBug(
        "summarise_data_quality",
        "unique-source-row check dropped: one lost row plus one double-counted row accepted",
        "src/titans_finance/pipelines/ingestion/nodes.py",
        (("if accounted != rows_read or counted_twice or lost or invented:",
          "if accounted != rows_read or invented:"),),
        ("tests/pipelines/ingestion/test_conservation.py",),
    ),
    PlantedBug(
        "build_features (serving path)",
        "window bound shifted by a day",
        "src/titans_finance/core/history_lookup.py",
        (("safe * _GROUP_STRIDE + day - window + _DAY_OFFSET",
          "safe * _GROUP_STRIDE + day - window + 1 + _DAY_OFFSET"),),
        ("tests/core/test_features.py",),
    ),
    PlantedBug(
        "build_features (training path)",
        "reads the next day (a row's windows count the rows of the day after it)",
        FEATURES,
        (("        count = (position - low)[inverse]\n"
          "        total = (cumulative[position] - cumulative[low])[inverse]\n",
          "        high = np.searchsorted(keys, keys + 1, side=\"right\") - 1\n"
          "        count = (high - low)[inverse]\n"
          "        total = (cumulative[high] - cumulative[low])[inverse]\n"),),
        ("tests/core/test_features.py", "tests/pipelines/features/test_pipeline.py"),
    ),
    # issue 29: the service's rolling history keeps its own windows (core/account_history.py)
    PlantedBug(
        "AccountHistory.read (the service's rolling history)",
        "window bound shifted by a day",
        "src/titans_finance/core/account_history.py",
        (("            low = bisect_left(self.cummax, day - window, self.start, end)",
          "            low = bisect_left(self.cummax, day - window + 1, self.start, end)"),),
        ("tests/core/test_rolling.py",),
    ),
)


def _patched(text: str, bug: PlantedBug) -> str:
    for old, new in bug.replacements:
        found = text.count(old)
        if found != 1:
            raise SystemExit(f"{bug.path}: the code to patch for {bug.function!r} occurs "
                             f"{found} times (expected once); update {Path(__file__).name}")
        text = text.replace(old, new)
    return text


def plant_and_test(bug: PlantedBug) -> dict:
    path = ROOT / bug.path
    dirty = subprocess.run(["git", "diff", "--quiet", "--", bug.path], cwd=ROOT).returncode
    if dirty:
        raise SystemExit(f"{bug.path} has uncommitted changes; commit or stash them first")
    original = path.read_text()
    patched = _patched(original, bug)
    started = time.perf_counter()
    try:
        path.write_text(patched)
        run = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                              "--no-header", *bug.tests], cwd=ROOT, capture_output=True,
                             text=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    finally:
        path.write_text(original)
    lines = run.stdout.strip().splitlines()
    failed = [line for line in lines if line.startswith(("FAILED", "ERROR"))]
    return {"function": bug.function, "bug": bug.bug, "caught": run.returncode == 1,
            "pytest_exit": run.returncode, "first_failure": failed[0] if failed else None,
            "summary": lines[-1] if lines else "", "tests": list(bug.tests),
            "seconds": round(time.perf_counter() - started, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", type=int, action="append", help="bug number (1-9)")
    parser.add_argument("--list", action="store_true", help="show the bugs and exit")
    args = parser.parse_args()
    chosen = [(i, b) for i, b in enumerate(BUGS, 1) if not args.only or i in args.only]
    if args.list:
        for i, bug in chosen:
            print(f"{i}. {bug.function}: {bug.bug} ({bug.path}; tests: {' '.join(bug.tests)})")
        return
    results = []
    for i, bug in chosen:
        result = plant_and_test(bug)
        results.append({"number": i, **result})
        print(f"{i}. {bug.function}: {'CAUGHT' if result['caught'] else 'SURVIVED'} "
              f"({result['summary']}; {result['seconds']} s)", flush=True)
        if result["first_failure"]:
            print(f"   {result['first_failure']}", flush=True)
    if not args.only:
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print("\n| # | function | planted bug | caught? | first failing test |\n|---|---|---|---|---|")
    for r in results:
        test = (r["first_failure"] or "").removeprefix("FAILED ").split(" - ")[0]
        print(f"| {r['number']} | `{r['function']}` | {r['bug']} | "
              f"{'yes' if r['caught'] else '**no**'} | {test or '-'} |")
    sys.exit(0 if all(r["caught"] for r in results) else 1)


if __name__ == "__main__":
    main()
