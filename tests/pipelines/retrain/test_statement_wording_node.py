"""The retrain pipeline hands its challenger the default model reading the latest export's
lines without their statement wording and under their own prior, learnt as the category
pipeline learns them."""

from __future__ import annotations

from tests.models.conftest import clean_lines, lexicon_only_default_model
from tests.parameters import parameters
from titans_finance.core.features import build_features
from titans_finance.pipelines.retrain.nodes import default_model_with_wording
from titans_finance.pipelines.retrain.pipeline import create_pipeline


def test_the_challenger_reads_the_latest_exports_wording():
    clean = clean_lines([f"CARD SWIPE SHOP{chr(65 + i)}" for i in range(20)], "card")
    model = default_model_with_wording(lexicon_only_default_model(), clean,
                                       build_features(clean), parameters("category"))
    assert model.statement_wording.words == {"card", "swipe"}
    assert model.prior_weights is not None  # and the export's own prior
    nodes = {node.name: node for node in create_pipeline().nodes}
    assert nodes["retrain.learn_statement_wording"].inputs == [
        "default_category_model", "retrain.clean_transactions", "retrain.feature_table",
        "params:category"]
    assert ("retrain.default_category_model_with_wording"
            in nodes["retrain.challenge_category_model"].inputs)
