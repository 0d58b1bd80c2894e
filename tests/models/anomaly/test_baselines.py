"""The per-payee peer of the anomaly model (models/anomaly/baselines.py): a payee's own
median from its third training payment on, the account's before."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from titans_finance.models.anomaly.baselines import robust_payee_z


@pytest.mark.parametrize("payments, own", [(2, False), (3, True), (4, True)])
def test_a_payee_has_its_own_median_from_three_training_payments(payments, own):
    keys = ["rent"] * 9 + ["cafe"] * payments
    train = pd.DataFrame({"amount": [-1000.0] * 9 + [-4.0] * payments})
    test = pd.DataFrame({"amount": [-4.0]})
    z = robust_payee_z(train, keys, test, ["cafe"])[0]
    if own:  # the café's usual price: no distance at all
        assert z == 0.0
    else:  # judged against the account (rent): far away
        assert z > 10
