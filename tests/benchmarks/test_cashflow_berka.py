"""The Berka cash-flow benchmark's split of the accounts and its comparison with the
schedules peer per part."""

import pandas as pd
import pytest

from benchmarks.evaluation.cashflow_berka import account_part, versus_schedules_by_part


@pytest.mark.parametrize("position, part", [(0, "tuning"), (1, "held_out"), (2, "held_out"),
                                            (3, "tuning"), (599, "held_out"), (600, "tuning")])
def test_every_third_account_is_a_tuning_account(position, part):
    assert account_part(position) == part


def test_lower_equal_and_higher_are_counted_per_part():
    table = pd.DataFrame({
        "part": ["tuning", "tuning", "tuning", "held_out", "held_out"],
        "model_mase": [0.5, 0.4, 0.7, 0.3, 0.3],
        # lower by a hair, equal up to float noise, higher; lower, equal
        "scheduled_payments_mase": [0.5 + 1e-9, 0.4 + 1e-13, 0.6, 0.6, 0.3]})
    found = versus_schedules_by_part(table)
    tuning, held_out, both = found["tuning"], found["held_out"], found["all"]
    assert (tuning["share_lower"], tuning["share_equal"], tuning["share_higher"]) == (
        pytest.approx(1 / 3), pytest.approx(1 / 3), pytest.approx(1 / 3))
    assert (held_out["share_lower"], held_out["share_equal"]) == (0.5, 0.5)
    assert both["n_accounts"] == 5 and both["share_lower"] == pytest.approx(2 / 5)
    assert tuning["ratio_of_medians"] == pytest.approx(0.5 / (0.5 + 1e-9))
