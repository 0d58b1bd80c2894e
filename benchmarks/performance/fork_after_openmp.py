"""Why forked mutmut children deadlocked: LightGBM's OpenMP thread pool does not survive fork.

    .venv/bin/python -m benchmarks.performance.fork_after_openmp

Fits a small LightGBM model in this process (with 2 threads, then with 1), forks, and fits
again in the child — what mutmut does when the process it forks each mutant from has run a
test that trains LightGBM. With 2 threads the child sleeps on a futex forever (no CPU, so
no CPU-time limit fires); with 1 thread it finishes. `OMP_NUM_THREADS=1` does not help:
LightGBM sets its own thread count from ``n_jobs``. Prints one line per case (docs/testing.md).
"""

from __future__ import annotations

import os
import signal
import time

import numpy as np
from lightgbm import LGBMClassifier

WAIT_SECONDS = 20


def child_state(pid: int) -> str:
    state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
    wchan = open(f"/proc/{pid}/wchan").read()
    return f"state {state}, waiting in {wchan}"


def fork_after_fit(n_jobs: int) -> str:
    x = np.random.default_rng(0).normal(size=(300, 5))
    y = (x[:, 0] > 0).astype(int)
    LGBMClassifier(n_estimators=5, n_jobs=n_jobs, verbose=-1).fit(x, y)  # parent uses OpenMP
    pid = os.fork()
    if pid == 0:  # the child: what a mutant's test does
        LGBMClassifier(n_estimators=5, n_jobs=n_jobs, verbose=-1).fit(x, y)
        os._exit(0)
    deadline = time.time() + WAIT_SECONDS
    while time.time() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return f"n_jobs={n_jobs}: the forked child's fit finished (exit {status})"
        time.sleep(0.2)
    state = child_state(pid)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return f"n_jobs={n_jobs}: the forked child's fit still running after {WAIT_SECONDS} s ({state})"


if __name__ == "__main__":
    # 1 first: a pool left by the 2-thread fit would poison the 1-thread case too
    for threads in (1, 2):
        print(fork_after_fit(threads), flush=True)
