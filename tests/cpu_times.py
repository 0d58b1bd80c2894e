"""CPU seconds per test, for finding where the fast tier's time goes (docs/testing.md).

`--durations` gives wall time, which on a shared machine depends on the other jobs' load;
the CPU time a test costs does not (much). Load with ``-p tests.cpu_times`` and name a file:

    .venv/bin/python -m pytest tests/app -p tests.cpu_times --cpu-times=/tmp/app.tsv -n 0

One line per test phase: ``nodeid, phase (setup/call/teardown), CPU s, wall s``; CPU is this
process's user + system time (all its threads) plus that of the child processes it waited
for. A session or module fixture's set-up is counted in the first test that uses it, as
`--durations` does. Under pytest-xdist each worker writes ``<file>.<worker id>``, and the
line ``<collection>`` holds a worker's CPU from start-up to the end of its collection.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def pytest_addoption(parser):
    parser.addoption("--cpu-times", metavar="PATH", default=None,
                     help="write each test phase's CPU and wall seconds to PATH (tab-separated)")


class _Recorder:
    def __init__(self, path: Path):
        self.path = path
        self.lines: list[tuple[str, str, float, float]] = []

    def _measure(self, nodeid: str, phase: str):
        cpu, wall = _cpu(), time.perf_counter()
        yield
        self.lines.append((nodeid, phase, _cpu() - cpu, time.perf_counter() - wall))

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_setup(self, item):
        yield from self._measure(item.nodeid, "setup")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        yield from self._measure(item.nodeid, "call")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_teardown(self, item):
        yield from self._measure(item.nodeid, "teardown")

    def pytest_collection_finish(self, session):
        self.lines.append(("<collection>", "collect", _cpu(), 0.0))

    def pytest_sessionfinish(self, session):
        self.path.write_text("".join(f"{n}\t{p}\t{c:.3f}\t{w:.3f}\n"
                                     for n, p, c, w in self.lines))


def pytest_configure(config):
    path = config.getoption("--cpu-times")
    if not path:
        return
    worker = getattr(config, "workerinput", {}).get("workerid")
    if worker is None and getattr(config.option, "dist", "no") != "no":
        return  # the xdist controller runs no test; each worker writes its own file
    path = Path(path)
    if worker:
        path = path.with_name(f"{path.name}.{worker}")
    config.pluginmanager.register(_Recorder(path), "cpu_times_recorder")
