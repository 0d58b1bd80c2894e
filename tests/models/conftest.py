from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def default_category_model():
    """The default model as the pipeline trains it, on a smaller share of generated rows."""
    from titans_finance.models.category_default import train_default_model

    params = yaml.safe_load((ROOT / "conf/base/parameters_category.yml").read_text())["category"]
    return train_default_model(
        yaml.safe_load((ROOT / "conf/base/category_taxonomy.yml").read_text()),
        yaml.safe_load((ROOT / "conf/base/category_lexicon.yml").read_text()),
        {**params["default_model"], "generated_rows": 1000, "seed": 42})
