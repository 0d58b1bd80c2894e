"""Score and survivors of the last `make mutation` run, as Markdown (for docs/testing.md).

    .venv/bin/python -m benchmarks.quality.mutation_report 'titans_finance.core.normalise.x_parse_amounts*' ...

Reads mutmut's result files (``mutants/**/*.py.meta``) and, for the mutant-name patterns
given (those `make mutation` ran; default: every mutant), counts each outcome per
function. Score = killed (timeouts included, as mutmut counts them) / mutants checked;
mutants not yet checked are listed apart, never counted as killed. Writes the table and
the survivors to stdout and the counts to benchmarks/results/mutation.json.

Survivors read by hand are recorded in benchmarks/quality/mutation_verdicts.tsv (one line
each: mutant name, ``equivalent`` or ``killed after``, the reason or the test that kills
it, checked with mutmut's ``MUTANT_UNDER_TEST`` switch): the table counts them in their own
columns. "Score now" counts a survivor killed by a test added after the run as killed,
and an equivalent mutant as not killed.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import math
import random
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MUTANTS = ROOT / "mutants"
RESULTS = ROOT / "benchmarks" / "results" / "mutation.json"
VERDICTS = Path(__file__).resolve().parent / "mutation_verdicts.tsv"
EQUIVALENT, KILLED_AFTER = "equivalent", "killed after"

# mutmut's exit codes (mutmut/stats.py): 1 and 3 = a test failed (killed), 0 = survived,
# 33/5 = no test ran the code, 36/24/-24/152/255 = timeout (counted as killed by mutmut)
KILLED, SURVIVED, NO_TESTS, TIMEOUT, NOT_CHECKED = ("killed", "survived", "no tests",
                                                   "timeout", "not checked")


def outcome(exit_code: int | None) -> str:
    if exit_code is None:
        return NOT_CHECKED
    if exit_code in (1, 3):
        return KILLED
    if exit_code == 0:
        return SURVIVED
    if exit_code in (5, 33):
        return NO_TESTS
    if exit_code in (36, 24, -24, 152, 255):
        return TIMEOUT
    return f"other ({exit_code})"


def function_of(mutant: str) -> str:
    """``titans_finance.core.normalise.x_parse_amounts__mutmut_3`` → ``normalise.parse_amounts``;
    methods (``xǁClassǁmethod``) → ``module.Class.method``."""
    module, _, name = mutant.rpartition("__mutmut_")[0].rpartition(".")
    name = name.removeprefix("x").lstrip("_") if not name.startswith("xǁ") else \
        name.removeprefix("xǁ").replace("ǁ", ".")
    if mutant.rpartition("__mutmut_")[0].rpartition(".")[2].startswith("x__"):
        name = "_" + name
    return f"{module.rpartition('.')[2]}.{name}"


def _mutant_order(mutant: str) -> tuple[str, int]:
    stem, _, number = mutant.rpartition("__mutmut_")
    return stem, int(number)


def wilson_interval(killed: int, checked: int, z: float = 1.96) -> tuple[float, float]:
    """95 % interval of a proportion measured on a random sample (Wilson score interval)."""
    if not checked:
        return float("nan"), float("nan")
    p = killed / checked
    centre = (p + z * z / (2 * checked)) / (1 + z * z / checked)
    half = z * math.sqrt(p * (1 - p) / checked + z * z / (4 * checked * checked)) / (
        1 + z * z / checked)
    return centre - half, centre + half


def verdicts(path: Path = VERDICTS) -> dict[str, tuple[str, str]]:
    """Survivors read by hand: ``{mutant: (equivalent | killed after, reason or test)}``."""
    found: dict[str, tuple[str, str]] = {}
    if path.exists():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            mutant, verdict, why = (line.split("\t") + ["", ""])[:3]
            if verdict not in (EQUIVALENT, KILLED_AFTER) or not why.strip():
                raise SystemExit(f"{path.name} line {number}: expected 'NAME<TAB>equivalent|"
                                 f"killed after<TAB>reason', got {line!r}")
            found[mutant] = (verdict, why.strip())
    return found


def collect(patterns: list[str], folders: list[Path] | None = None) -> dict[str, str]:
    """Outcome of every mutant matching ``patterns`` in mutmut's ``mutants/`` folders (a
    mutant checked in one folder and not in another counts as checked)."""
    results: dict[str, str] = {}
    for folder in folders or [MUTANTS]:
        for meta in sorted(Path(folder).rglob("*.py.meta")):
            for mutant, code in json.loads(meta.read_text())["exit_code_by_key"].items():
                if not patterns or any(fnmatch.fnmatch(mutant, p) for p in patterns):
                    if results.get(mutant, NOT_CHECKED) == NOT_CHECKED:
                        results[mutant] = outcome(code)
    return results


def merged_rows(rows: list[dict], previous: list[dict]) -> tuple[list[dict], set[str]]:
    """Each function's latest result, whichever part measured it: ``rows`` (this run) with
    the ``previous`` rows (mutation.json) of the functions this run has not measured, or has
    checked fewer mutants of (a part stopped early never hides a complete earlier run) while
    the function's code is the same (as many mutants: a row of code since changed describes
    mutants that are gone, and their numbers no longer name the same changes)."""
    old = {row["function"]: row for row in previous}
    new = [row for row in rows if row["function"] not in old
           or row["mutants"] != old[row["function"]]["mutants"]
           or row["checked"] >= old[row["function"]]["checked"]]
    taken = {row["function"] for row in new}
    return sorted(new + [row for name, row in old.items() if name not in taken],
                  key=lambda row: row["function"]), taken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("patterns", nargs="*", help="mutant-name globs (as given to mutmut run)")
    parser.add_argument("--mutants", action="append", type=Path, metavar="DIR",
                        help="mutmut's mutants/ folder to read (repeatable; default: "
                             "./mutants; mutation_parts.py passes its scratch copies)")
    parser.add_argument("--update", action="store_true",
                        help="keep mutation.json's rows of the functions this run did not "
                             "measure (parts run apart: each function's latest result)")
    parser.add_argument("--run", default="", help="label stored in each row this run measured "
                        "(mutation_parts.py: the part and the date)")
    parser.add_argument("--survivor-names", action="store_true",
                        help="only print the surviving mutants' names (to re-check them after "
                             "adding tests: make mutation-survivors)")
    parser.add_argument("--sample", type=int, metavar="K",
                        help="print K random mutant names per function (to pass to mutmut run)")
    parser.add_argument("--seed", type=int, default=18, help="seed of --sample")
    args = parser.parse_args()
    results = collect(args.patterns, args.mutants)
    if not results:
        raise SystemExit("no mutant matches: run `make mutation` first")
    if args.sample:
        rng = random.Random(args.seed)
        by_function_names: dict[str, list[str]] = defaultdict(list)
        for mutant in sorted(results, key=_mutant_order):
            by_function_names[function_of(mutant)].append(mutant)
        for function in sorted(by_function_names):
            names = by_function_names[function]
            print("\n".join(sorted(rng.sample(names, min(args.sample, len(names))),
                                   key=_mutant_order)))
        return
    if args.survivor_names:
        print("\n".join(m for m, s in sorted(results.items()) if s in (SURVIVED, NO_TESTS)))
        return
    read = verdicts()
    # a survivor read by hand is counted under its verdict
    results = {m: read[m][0] if s in (SURVIVED, NO_TESTS) and m in read else s
               for m, s in results.items()}
    by_function: dict[str, Counter] = defaultdict(Counter)
    for mutant, status in results.items():
        by_function[function_of(mutant)][status] += 1
    rows = []
    for function in sorted(by_function):
        c = by_function[function]
        rows.append({"function": function, "mutants": sum(c.values()),
                     "checked": sum(n for s, n in c.items() if s != NOT_CHECKED),
                     "killed": c[KILLED], "timeout": c[TIMEOUT],
                     "survived_run": c[SURVIVED] + c[NO_TESTS] + c[EQUIVALENT] + c[KILLED_AFTER],
                     "killed_after": c[KILLED_AFTER], "equivalent": c[EQUIVALENT],
                     "survivors_left": c[SURVIVED] + c[NO_TESTS], "not_checked": c[NOT_CHECKED],
                     **({"run": args.run} if args.run else {})})
    survivors = sorted(m for m, s in results.items() if s in (SURVIVED, NO_TESTS))
    run_verdicts = {m: {"verdict": v, "why": w} for m, (v, w) in sorted(read.items())
                    if results.get(m) in (EQUIVALENT, KILLED_AFTER)}
    if args.update and RESULTS.exists():
        previous = json.loads(RESULTS.read_text())
        rows, measured = merged_rows(rows, previous["by_function"])
        survivors = sorted([m for m in survivors if function_of(m) in measured]
                           + [m for m in previous.get("survivors", [])
                              if function_of(m) not in measured])
        run_verdicts = dict(sorted(
            [(m, v) for m, v in run_verdicts.items() if function_of(m) in measured]
            + [(m, v) for m, v in previous.get("verdicts", {}).items()
               if function_of(m) not in measured]))
        patterns = sorted(set(previous.get("patterns", [])) | set(args.patterns))
    else:
        patterns = args.patterns

    def total(key: str) -> int:
        return sum(row[key] for row in rows)

    def share(part: int, whole: int) -> str:
        return f"{part / whole:.1%}" if whole else "-"

    print("| function | mutants | killed | survived the run | of which killed by tests added "
          "after | of which equivalent | survivors left | timeout | not checked | score (run) "
          "| score now |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        run_killed = row["killed"] + row["timeout"]
        print(f"| `{row['function']}` | {row['mutants']} | {row['killed']} | "
              f"{row['survived_run']} | {row['killed_after']} | {row['equivalent']} | "
              f"{row['survivors_left']} | {row['timeout']} | {row['not_checked']} | "
              f"{share(run_killed, row['checked'])} | "
              f"{share(run_killed + row['killed_after'], row['checked'])} |")
    checked, killed = total("checked"), total("killed") + total("timeout")
    score = killed / checked if checked else float("nan")
    now = (killed + total("killed_after")) / checked if checked else float("nan")
    strict = total("killed") / checked if checked else float("nan")
    low, high = wilson_interval(killed, checked)
    print(f"\n**{killed} of {checked} checked mutants killed by the tests of the run: "
          f"{score:.1%}; {killed + total('killed_after')} ({now:.1%}) with the tests added "
          f"after it** ({total('killed')} = {strict:.1%} counting timeouts as survivors; "
          f"{total('survived_run')} survived the run: {total('killed_after')} killed by tests "
          f"added after it, {total('equivalent')} equivalent, {total('survivors_left')} left; "
          f"{total('not_checked')} of {total('mutants')} not checked).")
    if survivors:
        print("\nSurvivors not yet read (`.venv/bin/mutmut show NAME` shows the change):")
        for mutant in survivors:
            print(f"- `{mutant}`")
    counts = {KILLED: total("killed"), TIMEOUT: total("timeout"),
              SURVIVED: total("survivors_left"), EQUIVALENT: total("equivalent"),
              KILLED_AFTER: total("killed_after"), NOT_CHECKED: total("not_checked")}
    RESULTS.write_text(json.dumps({"patterns": patterns, "mutants": total("mutants"),
                                   "checked": checked, "killed": killed, "score": score,
                                   "score_with_tests_added_after": now,
                                   "score_timeouts_as_survivors": strict,
                                   "score_95_interval_if_sampled": [low, high],
                                   "counts": {k: n for k, n in counts.items() if n},
                                   "by_function": rows, "survivors": survivors,
                                   "verdicts": run_verdicts},
                                  indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
