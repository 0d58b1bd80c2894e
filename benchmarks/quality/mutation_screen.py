"""A part's mutants against a few fast test files, one forked child per mutant: a quick
screen when mutmut at ``nice -n 19`` gets too little of the shared cores (docs/testing.md).

    cd .mutation/<suite>/mutants && PYTHONPATH=src ../.venv/bin/python \\
        ../../../benchmarks/quality/mutation_screen.py OUT.tsv 'GLOB'... -- TEST_FILE...

The parent runs the test files once without a mutant (they must pass), which imports them;
then, for each mutant of the globs that mutmut has not checked yet (its ``.py.meta``), a
forked child sets mutmut's own switch (``MUTANT_UNDER_TEST``) and runs ``pytest -x`` on the
files. A line per mutant goes to OUT.tsv (name, pytest's exit code: 1 = a test failed, the
mutant is killed; 0 = every one of these tests passed; seconds); mutants already in OUT.tsv
are skipped, so a stopped screen resumes. A kill here is a kill by a test of the suite's
selection; a mutant that passes these files is *not* a survivor of the suite: mutmut (or a
reading) decides it. Results are never written into mutmut's files.
"""

from __future__ import annotations

import fnmatch
import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest

PYTEST_ARGS = ["-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
               "-m", "not e2e and not slow"]
SECONDS_PER_MUTANT = 600


def unchecked(globs: list[str]) -> list[str]:
    names = [mutant for meta in sorted(Path("src").rglob("*.py.meta"))
             for mutant, code in json.loads(meta.read_text())["exit_code_by_key"].items()
             if code is None and any(fnmatch.fnmatch(mutant, g) for g in globs)]
    return sorted(names, key=lambda m: (m.rpartition("__mutmut_")[0],
                                        int(m.rpartition("_")[2])))


def quietly(run):
    devnull = os.open(os.devnull, os.O_WRONLY)
    saved = os.dup(1), os.dup(2)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    try:
        return run()
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)


def main() -> None:
    out, rest = sys.argv[1], sys.argv[2:]
    split = rest.index("--")
    globs, tests = rest[:split], rest[split + 1:]
    done = {line.split("\t")[0] for line in open(out)} if os.path.exists(out) else set()
    os.environ["MUTANT_UNDER_TEST"] = ""
    if int(quietly(lambda: pytest.main(PYTEST_ARGS + tests))) != 0:
        raise SystemExit("the test files fail without a mutant")
    with open(out, "a") as results:
        for mutant in unchecked(globs):
            if mutant in done:
                continue
            start = time.time()
            pid = os.fork()
            if pid == 0:  # the child: its state (caches, imports) dies with it
                os.environ["MUTANT_UNDER_TEST"] = mutant
                signal.alarm(SECONDS_PER_MUTANT)
                try:
                    code = int(quietly(lambda: pytest.main(PYTEST_ARGS + tests)))
                except BaseException:
                    code = 99
                os._exit(code)
            code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
            results.write(f"{mutant}\t{code}\t{time.time() - start:.1f}\n")
            results.flush()
            print(mutant, code, flush=True)


if __name__ == "__main__":
    main()
