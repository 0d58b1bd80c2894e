"""Rows of the same category inputs are answered once (`CategoryModel.predict`): the answers
are those of every row answered on its own, to the bit, for exact repeats, near repeats
(one character, one cent, the other direction, another merchant) and every branch (rules,
transfers, the personal model, the default model where it abstains)."""

import numpy as np
import pandas as pd
import pytest

from tests.models.category.test_model import PARAMS, _data
from titans_finance.core.features import build_features
from titans_finance.models.category import CategoryModel, parse_rules
from titans_finance.models.category.model import ROW_INPUTS, row_inputs


def _assert_same(batch: pd.DataFrame, alone: pd.DataFrame) -> None:
    assert list(batch.columns) == list(alone.columns) and batch.index.equals(alone.index)
    for column in batch.columns:
        if batch[column].dtype.kind == "f":
            assert batch[column].to_numpy().tobytes() == alone[column].to_numpy().tobytes()
        else:
            assert batch[column].tolist() == alone[column].tolist(), column


@pytest.fixture(scope="module")
def fitted(default_category_model):
    tx, features = _data()
    rules = parse_rules({"rules": [{"pattern": "zoom", "category": "software",
                                    "field": "description"}]})
    model = CategoryModel("logistic_regression", PARAMS, rules,
                          default_model=default_category_model).fit(tx.iloc[:90],
                                                                    features.iloc[:90])
    return model


def _batch(transfer: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    lines = [("FUEL FOR VEHICLE SHELL", "Shell", -61.0),
             ("FUEL FOR VEHICLE SHELL", "Shell", -61.0),
             ("FUEL FOR VEHICLE SHELL", "Shell", -61.01),  # one cent apart
             ("FUEL FOR VEHICLE SHELl", "Shell", -61.0),  # one character apart
             ("FUEL FOR VEHICLE SHELL", "BP", -61.0),  # another merchant
             ("FUEL FOR VEHICLE SHELL", "Shell", 61.0),  # the other direction
             ("CLOUD PLAN RENEWAL ZOOM", None, -20.0), ("CLOUD PLAN RENEWAL ZOOM", None, -20.0),
             ("BIEDRONKA 4411 WARSZAWA", None, -12.5), ("BIEDRONKA 4411 WARSZAWA", None, -12.5),
             ("BIEDRONKA 4411 WARSZAWA", None, -13.5), ("XQZ 0001", None, -5.0),
             ("XQZ 0001", None, -5.0), ("SALARY ACME", None, 2500.0)]
    tx = pd.DataFrame({"date": pd.Timestamp("2024-06-01") + pd.to_timedelta(
        np.arange(len(lines)), "D"), "description": [d for d, _, _ in lines],
        "reference": [m for _, m, _ in lines], "amount": [a for _, _, a in lines],
        "category": None, "payment_method": None,
        "type": ["income" if a > 0 else "expense" for _, _, a in lines]})
    if transfer:  # a repeated line, once a transfer, once not: two different inputs
        tx["is_transfer"] = [False] * 12 + [True, False]
    return tx, build_features(tx, independent=True)


@pytest.mark.parametrize("transfer", [False, True])
def test_repeated_inputs_answer_what_each_row_answers_alone(fitted, transfer, monkeypatch):
    import titans_finance.models.category.model as category_model

    # grouped from one repeat (the batch and the default model's rows repeat a few)
    monkeypatch.setattr(category_model, "GROUPED_MIN_REPEATED_ROWS", 1)
    tx, features = _batch(transfer)
    batch = fitted.predict(tx, features)
    alone = pd.concat([fitted.predict(tx.iloc[[i]], features.iloc[[i]])
                       for i in range(len(tx))])
    _assert_same(batch, alone)
    # every branch is exercised: a rule, the personal model, the default model
    assert {"rule", "model", "default"} <= set(batch["source"])
    if transfer:
        assert batch["source"].iloc[12] == "transfer" and batch["source"].iloc[11] != "transfer"


def test_rows_of_equal_inputs_are_one_input_and_one_cent_apart_two(fitted):
    tx, features = _batch(False)
    inputs = row_inputs(tx, features)
    assert len(inputs) == len(ROW_INPUTS) - 1  # no is_transfer column in this frame
    from titans_finance.core.distinct_rows import distinct_rows

    found = distinct_rows(*inputs)
    # rows 0 and 1 equal; 2 (a cent), 3 (a letter), 4 (merchant), 5 (sign) each their own
    assert found.inverse[:6].tolist() == [0, 0, 1, 2, 3, 4]
    assert found.repeated


def test_a_batch_without_repeats_is_answered_as_before(fitted):
    tx, features = _batch(False)
    distinct = [0, 2, 3, 4, 5, 6, 8, 10, 11, 13]
    tx, features = tx.iloc[distinct], features.iloc[distinct]
    _assert_same(fitted.predict(tx, features), fitted._predict(tx, features, None))



@pytest.mark.parametrize(("repeats", "grouped"), [(0, False), (99, False), (100, True),
                                                  (101, True)])
def test_rows_are_grouped_from_a_hundred_repeats(repeats, grouped):
    """`GROUPED_MIN_REPEATED_ROWS`: 100 rows repeating an earlier one's inputs are grouped,
    99 are not (of 1,000 rows)."""
    from titans_finance.core.distinct_rows import distinct_rows
    from titans_finance.models.category.model import GROUPED_MIN_REPEATED_ROWS, worth_grouping

    assert GROUPED_MIN_REPEATED_ROWS == 100
    lines = [f"line {i}" for i in range(1000 - repeats)] + ["line 0"] * repeats
    assert worth_grouping(distinct_rows(np.array(lines, dtype=object))) is grouped


@pytest.mark.parametrize(("rows", "least", "scored"), [
    ([0, 1, 2, 3, 4, 5, 6, 8, 10, 11], 1, 9),  # one repeat, grouped from one: grouped
    ([0, 1, 2, 3, 4, 5, 6, 8, 10, 11], 2, 10),  # grouped from two: every row scored
    ([0, 1, 2, 3, 4, 5, 6, 8, 10, 11], None, 10),  # (the shipped 100)
    ([0, 2, 3, 4, 5, 6, 8, 10, 11, 13], 1, 10)])  # no repeat
def test_a_batch_is_answered_grouped_or_not_the_same(fitted, monkeypatch, rows, least,
                                                     scored):
    """Grouped or not, each row answered as it alone answers."""
    import titans_finance.models.category.model as category_model

    if least is not None:
        monkeypatch.setattr(category_model, "GROUPED_MIN_REPEATED_ROWS", least)
    tx, features = _batch(False)
    tx, features = tx.iloc[rows], features.iloc[rows]
    seen = []
    original = type(fitted)._predict

    def spied(self, transactions, *args):
        seen.append(len(transactions))
        return original(self, transactions, *args)

    monkeypatch.setattr(type(fitted), "_predict", spied)
    batch = fitted.predict(tx, features)
    assert seen == [scored]
    alone = pd.concat([fitted.predict(tx.iloc[[i]], features.iloc[[i]])
                       for i in range(len(tx))])
    _assert_same(batch, alone)
