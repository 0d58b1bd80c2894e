"""Exact running sums (core/exact_sums.py): every run's sum is `math.fsum` of the run, to
the bit, on the values a category's sums read (logs of amounts and their squares) and on
values made to test the rounding: ties to even, cancellation, magnitudes far apart."""

from __future__ import annotations

import math

import numpy as np
import pytest

from titans_finance.core.exact_sums import ExactPrefix


def _every_run_is_its_fsum(values: list[float]) -> None:
    exact = ExactPrefix.of(np.array(values, dtype="float64"))
    assert exact is not None
    for start in range(len(values) + 1):
        for stop in range(start, len(values) + 1):
            fast, slow = exact.sum(start, stop), math.fsum(values[start:stop])
            assert fast.hex() == slow.hex(), (start, stop, fast, slow)
    runs = [(start, stop) for start in range(len(values) + 1)
            for stop in range(start, len(values) + 1)]
    together = exact.sums([start for start, _ in runs], [stop for _, stop in runs])
    assert [v.hex() for v in together] == [exact.sum(*run).hex() for run in runs]


def test_the_logs_of_amounts_and_their_squares_sum_as_fsum():
    rng = np.random.default_rng(29)
    amounts = np.round(np.concatenate([rng.uniform(0.01, 5, 40), rng.uniform(5, 300, 60),
                                       rng.uniform(300, 2e6, 20), [0.0, 0.01, 0.01]]), 2)
    logs = np.log1p(rng.permutation(amounts))
    _every_run_is_its_fsum(logs.tolist())
    _every_run_is_its_fsum((logs * logs).tolist())


@pytest.mark.parametrize("values", [
    [1.0, 2.0 ** -53],  # exactly half an ulp above 1: ties to even, 1.0
    [1.0, 3 * 2.0 ** -53],  # one and a half ulps: 1 + 2 ulps
    [1.0 + 2.0 ** -52, 2.0 ** -53],  # a tie that rounds up to the even neighbour
    [1e16, 1.0, -1e16, 1.0],  # cancellation: 2.0, where adding in order gives 1.0
    [0.1] * 10,  # 0.9999999999999999 added in order, 1.0 exactly rounded
    [2.0 ** 60, 2.0 ** -40, -(2.0 ** 60)],
    [-0.0, -0.0], [0.0], [5e-324, 5e-324],  # signed zeros, subnormals
    [1.5, -2.25, 7.0, 1e-30],  # negatives among them
])
def test_runs_that_test_the_rounding_sum_as_fsum(values):
    _every_run_is_its_fsum(values)


@pytest.mark.parametrize("values", [[1.0, math.inf], [math.nan], [1e300, 1e-300]])
def test_values_one_shift_cannot_hold_are_left_to_fsum(values):
    assert ExactPrefix.of(np.array(values)) is None
