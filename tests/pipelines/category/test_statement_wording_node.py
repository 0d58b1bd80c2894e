"""The category pipeline's `learn_statement_wording`: the default model handed to the
evaluation and the final fit reads the user's lines without the wording learnt from every
line of the clean table (labelled or not), account by account, under the prior of those
lines; the knowledge model itself is left as it was."""

from __future__ import annotations

from tests.models.conftest import clean_lines, lexicon_only_default_model
from tests.parameters import parameters
from titans_finance.core.features import build_features
from titans_finance.pipelines.category.nodes import default_model_with_wording
from titans_finance.pipelines.category.pipeline import create_pipeline


def test_the_wording_is_learnt_from_every_line_of_each_account():
    card = [f"POS PURCHASE SHOP{chr(65 + i)}" for i in range(20)]
    current = [f"DEBIT ORDER PAYEE{chr(65 + i)}" for i in range(19)]  # fewer than min_lines
    clean = clean_lines(card + current, ["card"] * 20 + ["current"] * 19,
                        ["groceries"] * 3 + [None] * 36)
    knowledge = lexicon_only_default_model()
    model = default_model_with_wording(knowledge, clean, build_features(clean),
                                       parameters("category"))
    assert model.statement_wording.by_account == {"card": ("pos", "purchase")}
    assert model.metadata["statement_wording"] == {"card": ["pos", "purchase"]}
    assert not hasattr(knowledge, "statement_wording")
    # and the export's own prior, from every line (`models.category.export_prior`)
    assert model.prior_weights is not None and "export_prior" in model.metadata
    assert knowledge.prior_weights is None


def test_the_evaluation_and_the_final_fit_read_the_model_with_the_wording():
    nodes = {node.name: node for node in create_pipeline().nodes}
    assert nodes["learn_statement_wording"].inputs == [
        "default_category_model", "clean_transactions", "feature_table", "params:category"]
    for name in ("evaluate_category_model", "fit_category_model"):
        assert "default_category_model_with_wording" in nodes[name].inputs
        assert "default_category_model" not in nodes[name].inputs
