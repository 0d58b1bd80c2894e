"""Feature audit (issue #13): no model input may exist only in generated data.

1. Artefacts of the generator. For every numeric input of every model, how much of the
   feature the category determines — the uncertainty coefficient I(F; C) / H(F), F in
   up to ten quantile bins — on generated data and on real labelled exports (the seed
   file and the public exports of benchmarks/evaluation/public_exports.py, read as the service
   sees a transaction: no receipt, payment method or status). A feature far more tied
   to the category in generated data than in real exports (a column the generator
   fills by category, a merchant list mapped one-to-one to categories) fails.
   The old generator's ``receipt_missing`` scores 1.0 generated vs 0.0 real and fails.
2. Inputs the service cannot supply. The category model's inputs must be the same
   whether or not a transaction carries the export-only columns.
   For the amount and anomaly models (history features need months of one account) the
   real side also includes Berka's long real accounts, labelled by each transaction's
   kind in the bank's codes.
Skips cleanly when no real export is on the machine (CI without ../shared).
"""


import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import mutual_info_score

from benchmarks.evaluation.berka import BERKA_PATH, berka_exports, read_berka
from benchmarks.evaluation.public_exports import available_exports
from tests.models.conftest import clean_frame
from titans_finance.core.features import build_features
from titans_finance.models import amount, anomaly, category
from titans_finance.synthetic.generator import generate_transactions


# generated minus mean real tie to the category above this is an artefact
MARGIN = 0.35
MODEL_INPUTS = {"category": category.NUMERIC_INPUTS, "amount": amount.NUMERIC_INPUTS,
                "anomaly": anomaly.ISOLATION_INPUTS}


def tie_to_category(feature: pd.Series, labels: pd.Series) -> float:
    """I(F; C) / H(F): the share of the feature's information the category determines."""
    values = pd.Series(np.asarray(feature, dtype="float64"))
    if values.nunique() <= 1:
        return 0.0
    if values.nunique() > 10:
        values = pd.qcut(values.rank(method="first"), 10, labels=False, duplicates="drop")
    values = pd.Series(pd.factorize(values)[0])  # bins as codes: discrete, as MI expects
    labels = pd.Series(np.asarray(labels, dtype=object)).astype(str)
    return float(mutual_info_score(values, labels) / mutual_info_score(values, values))


@pytest.fixture(scope="module")
def ties():
    real = available_exports()
    if not real:
        pytest.skip("no real labelled export on this machine (../shared and benchmarks/data)")
    export, _ = generate_transactions(3000, seed=7, anomaly_rate=0.0, dirty_rate=0.0)
    generated = clean_frame(export)
    generated = generated[generated["category"].notna()].reset_index(drop=True)
    frames = {"generated": (generated, build_features(generated))}
    frames.update({name: (tx, build_features(tx)) for name, tx in real.items()})
    names = sorted({f for inputs in MODEL_INPUTS.values() for f in inputs})
    table = pd.DataFrame({source: {f: tie_to_category(features[f], tx["category"])
                                   for f in names}
                          for source, (tx, features) in frames.items()})
    table["real_mean"] = table.drop(columns="generated").mean(axis=1)
    table["gap"] = table["generated"] - table["real_mean"]
    return table


def _artefacts(table: pd.DataFrame, model: str) -> pd.DataFrame:
    rows = table.loc[MODEL_INPUTS[model]]
    return rows[rows["gap"] > MARGIN].round(2)


def test_the_audit_catches_a_column_filled_by_category(ties):
    """The measure itself: a receipt column filled by category (the old generator's) is
    caught, a receipt column filled at random is not."""
    rng = np.random.default_rng(0)
    labels = pd.Series(rng.choice(["rent", "fuel", "software", "professional_fees"], 2000))
    by_category = labels.isin(["rent", "professional_fees"]).astype(float)
    assert tie_to_category(by_category, labels) > 0.9
    assert tie_to_category(pd.Series(rng.random(2000) < 0.5).astype(float), labels) < 0.05
    assert ties.loc["receipt_missing", "generated"] < 0.05  # the generator no longer does it


def test_category_model_inputs_are_not_generator_artefacts(ties):
    artefacts = _artefacts(ties, "category")
    assert artefacts.empty, f"category inputs tied to the generator:\n{artefacts}"


BERKA_ACCOUNTS = 120  # the largest accounts: months of history each, ~9,000 rows


@pytest.fixture(scope="module")
def berka_ties(ties):
    """Ties of the numeric inputs on real accounts with months of history.

    History features (is_recurring, gaps, counts) need months of one account; the labelled
    exports above cover a few weeks or mix accounts, so they cannot show a real tie and the
    mean over them would call any history feature an artefact. Berka's accounts (real,
    15 months) carry each transaction's kind in the bank's own codes (household payment,
    insurance, loan, pension, card or cash withdrawal...): that kind is the label here.
    """
    if not BERKA_PATH.is_file():
        pytest.skip(f"Berka accounts not found at {BERKA_PATH}")
    exports = berka_exports(read_berka(BERKA_PATH))
    largest = exports["account"].value_counts().index[:BERKA_ACCOUNTS]
    parts = []
    for account in largest:
        tx = exports[exports["account"] == account].reset_index(drop=True)
        features = build_features(tx)
        kind = tx["description"].str.replace(r" (to|from) .*$", "", regex=True)
        parts.append(features.assign(_kind=kind.to_numpy()))
    frame = pd.concat(parts, ignore_index=True)
    names = sorted({f for model in ("amount", "anomaly") for f in MODEL_INPUTS[model]})
    return pd.Series({f: tie_to_category(frame[f], frame["_kind"]) for f in names})


@pytest.mark.parametrize("model", ["amount", "anomaly"])
def test_numeric_model_inputs_are_not_generator_artefacts(ties, berka_ties, model):
    """A numeric input is an artefact when generated data ties it to the category far more
    than any real source does (the short labelled exports, or Berka's long accounts)."""
    rows = ties.loc[MODEL_INPUTS[model]]
    real_best = pd.concat([rows["real_mean"], berka_ties.reindex(rows.index)], axis=1).max(axis=1)
    gap = rows["generated"] - real_best
    artefacts = pd.DataFrame({"generated": rows["generated"], "real_best": real_best,
                              "gap": gap})[gap > MARGIN].round(2)
    assert artefacts.empty, f"{model} inputs tied to the generator:\n{artefacts}"


def test_recurring_payments_are_real_on_real_accounts(berka_ties):
    """is_recurring (monthly gap, stable amount) is tied to the kind of a real payment, as
    in generated data: household payments, insurance, pensions recur; card and cash do not."""
    assert berka_ties["is_recurring"] > 0.4


def test_category_inputs_need_nothing_the_service_cannot_send():
    """Same inputs with or without receipt, payment method, status and reference columns
    that only exports carry (the service sends description, amount, date, merchant)."""
    from titans_finance.models.category import model_inputs

    export, _ = generate_transactions(400, seed=3, anomaly_rate=0.0, dirty_rate=0.0)
    full = clean_frame(export)
    bare = full.assign(receipt_url=None, payment_method=None, status=None)
    for a, b in zip(model_inputs(full, build_features(full)),
                    model_inputs(bare, build_features(bare)), strict=True):
        np.testing.assert_array_equal(a, b)
