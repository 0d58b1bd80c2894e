"""The default model's categories weigh by ``class_weight_power``: the knowledge's volume per
category (thousands of restaurant brand names, a handful of parking words) is not a
household's prior. At 0 the lines keep their own weights; at 1 every category weighs the
same in total; between, the rare ones gain."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from tests.parameters import settings
from titans_finance.models.category.default import DefaultCategoryModel, train_default_model

ROOT = Path(__file__).resolve().parents[3]


def _fit_weights(monkeypatch, power: float) -> pd.DataFrame:
    """The final fit's categories and sample weights, the lexicon's lines alone."""
    seen = {}
    fit_once = DefaultCategoryModel._fit_once

    def recording(self, lines, rows, y, weight):
        seen["y"], seen["weight"] = y, weight  # the last call is the fit on every line
        return fit_once(self, lines, rows, y, weight)

    monkeypatch.setattr(DefaultCategoryModel, "_fit_once", recording)
    knowledge = ROOT / "conf/base/knowledge"
    train_default_model(
        yaml.safe_load((ROOT / "conf/base/category_taxonomy.yml").read_text()),
        yaml.safe_load((ROOT / "conf/base/category_lexicon.yml").read_text()),
        pd.read_csv(knowledge / "osm_brands.csv", dtype=str, keep_default_na=False).iloc[:0],
        pd.read_csv(knowledge / "spending_words.csv", dtype=str, keep_default_na=False).iloc[:0],
        pd.read_csv(knowledge / "company_words.csv", dtype=str, keep_default_na=False),
        {**settings("category").default_model_params(), "lexicon_variants": 1,
         "class_weight_power": power})
    return pd.DataFrame({"category": seen["y"], "weight": seen["weight"]})


def test_categories_weigh_as_their_lines_at_zero_and_the_same_at_one(monkeypatch):
    plain = _fit_weights(monkeypatch, 0.0)
    totals = plain.groupby("category")["weight"].sum()
    assert totals.max() > 2 * totals.min()  # the lexicon's categories differ in size
    assert set(plain["weight"]) <= {1.0, 10.0}  # lexicon lines 1, taxonomy labels 10
    balanced = _fit_weights(monkeypatch, 1.0).groupby("category")["weight"].sum()
    assert np.allclose(balanced, balanced.mean())
    partial = _fit_weights(monkeypatch, 0.25).groupby("category")["weight"].sum()
    # a quarter of the way: the spread of the totals shrinks by (max/min) ** 0.25
    assert partial.max() / partial.min() == pytest.approx(
        (totals.max() / totals.min()) ** 0.75)
