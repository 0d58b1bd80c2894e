"""The CPU-time recorder (tests/cpu_times.py) tells a test that computes from one that waits,
per phase, whatever the machine's load."""

pytest_plugins = ["pytester"]
# the plugins the project's own runs leave out (pyproject.toml's addopts): seconds to import
QUIET = ("-p", "no:cacheprovider", "-p", "no:hydra_pytest", "-p", "no:schemathesis",
         "-p", "no:typeguard")

SUITE = """
import time

import pytest


@pytest.fixture
def slow_setup():
    time.sleep(0.3)


def test_busy():
    end = time.process_time() + 0.3
    while time.process_time() < end:
        pass


def test_waiting(slow_setup):
    time.sleep(0.3)
"""


def test_each_phase_records_its_cpu_and_wall_seconds(pytester):
    pytester.makepyfile(test_suite=SUITE)
    out = pytester.path / "cpu.tsv"
    result = pytester.runpytest_inprocess("-p", "tests.cpu_times", f"--cpu-times={out}",
                                          *QUIET)
    result.assert_outcomes(passed=2)
    rows = [line.split("\t") for line in out.read_text().splitlines()]
    times = {(n.split("::")[-1], p): (float(c), float(w)) for n, p, c, w in rows}
    assert times[("<collection>", "collect")][0] > 0
    busy_cpu, busy_wall = times[("test_busy", "call")]
    assert busy_cpu >= 0.29 and busy_wall >= 0.29
    for phase in ("setup", "call"):
        cpu, wall = times[("test_waiting", phase)]
        assert wall >= 0.29 and cpu < 0.15, (phase, cpu, wall)
    assert {p for (n, p) in times if n == "test_busy"} == {"setup", "call", "teardown"}

