from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def default_category_model():
    """The default model as the pipeline trains it (shipped parameters and knowledge); trained
    once per test run, shared with the session's category run (`trained_default_model`)."""
    from tests.conftest import shipped_default_model_inputs, trained_default_model

    return trained_default_model(*shipped_default_model_inputs())


@pytest.fixture(scope="session")
def small_default_category_model():
    """A default model of the shipped taxonomy trained on the lexicon's lines alone (one
    statement style per merchant, no open knowledge): ~2 s where `default_category_model`
    takes ~90 s, for tests about how the category model uses a default model, not about
    what the default model knows."""
    return lexicon_only_default_model()


def lexicon_only_default_model():
    """`small_default_category_model`, trained anew (for tests outside tests/models)."""
    from titans_finance.models.category.default import train_default_model

    from tests.parameters import settings

    knowledge = ROOT / "conf/base/knowledge"
    return train_default_model(
        yaml.safe_load((ROOT / "conf/base/category_taxonomy.yml").read_text()),
        yaml.safe_load((ROOT / "conf/base/category_lexicon.yml").read_text()),
        pd.read_csv(knowledge / "osm_brands.csv", dtype=str, keep_default_na=False).iloc[:0],
        pd.read_csv(knowledge / "spending_words.csv", dtype=str, keep_default_na=False).iloc[:0],
        pd.read_csv(knowledge / "company_words.csv", dtype=str, keep_default_na=False),
        {**settings("category").default_model_params(), "lexicon_variants": 1})


def clean_lines(descriptions: list[str], accounts: list[str] | str,
                categories: list[str | None] | None = None) -> pd.DataFrame:
    """A clean table of money-out lines (one a day from 2024-01-01, 10 each) with these
    descriptions, accounts and categories (none labelled when None)."""
    n = len(descriptions)
    return pd.DataFrame({
        "transaction_id": [f"l{i}" for i in range(n)], "source_row": np.arange(1, n + 1),
        "date": pd.date_range("2024-01-01", periods=n, freq="D"), "type": "expense",
        "description": descriptions, "amount": -10.0, "account": accounts,
        "category": categories if categories is not None else [None] * n,
        "payment_method": None, "status": None, "reference": None, "receipt_url": None})


def clean_frame(export: pd.DataFrame) -> pd.DataFrame:
    """A generator export (clean formatting) as the clean table the features expect."""
    amount = export["Amount"].astype(float)
    return pd.DataFrame({
        "transaction_id": [f"g{i}" for i in range(len(export))],
        "source_row": np.arange(1, len(export) + 1), "date": pd.to_datetime(export["Date"]),
        "type": np.where(amount > 0, "income", "expense"), "description": export["Description"],
        "amount": amount, "category": export["Category"].replace("", None),
        "payment_method": export["Payment Method"].replace("", None), "status": None,
        "reference": export["Reference"].replace("", None),
        "receipt_url": export["Receipt URL"].replace("", None)})
