"""``category`` block: conf/base/parameters_category.yml."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from titans_finance.parameters.base import Count, Fraction, Section, Settings, Weight

Share = Annotated[float, Field(ge=0, le=1)]


class BlockWeights(Section):
    chars: Weight
    words: Weight
    numeric: Weight
    sign: Weight
    default: Weight
    translated: Weight


class LogisticRegressionSettings(Section):
    C: Annotated[float, Field(gt=0)]
    max_iter: Count


class CategoryLightGBMSettings(Section):
    n_estimators: Count
    learning_rate: Annotated[float, Field(gt=0)]
    num_leaves: Annotated[int, Field(ge=2)]
    min_child_samples: Count
    colsample_bytree: Annotated[float, Field(gt=0, le=1)]


class CorroboratedProof(Section):
    """Distinct lines of corroborated answers counted on labelled exports, and how many of
    them were right (`models/category/proof.py`)."""

    lines: Annotated[int, Field(ge=0)]
    right: Annotated[int, Field(ge=0)]

    @model_validator(mode="after")
    def _right_among_lines(self) -> CorroboratedProof:
        if self.right > self.lines:
            raise ValueError(f"right ({self.right}) is more than the lines ({self.lines})")
        return self


class DefaultModelSettings(Section):
    """``category.default_model``: the lexicon + open brand and word knowledge model (the
    seed is the block's ``category.seed``)."""

    lexicon_variants: Count
    refund_share: Share
    brand_variants: Count
    card_name_length: Annotated[int, Field(ge=0)]
    brand_weight: Annotated[float, Field(gt=0)]
    word_variants: Count
    word_weight: Annotated[float, Field(gt=0)]
    label_weight: Annotated[float, Field(gt=0)]
    alpha: Annotated[float, Field(gt=0)]
    max_iter: Count
    max_text_features: Count
    class_weight_power: Annotated[float, Field(ge=0)]
    calibration_share: Fraction
    confidence_threshold: Share
    top_k: Count
    uncorroborated_max_confidence: Share
    corroborating_words: Count
    corroborating_word_confidence: Share
    dissenting_word_confidence: Share
    shared_code_max_confidence: Share
    corroborated_proof: CorroboratedProof
    # per answer (a leaf or group): its uncorroborated answers' proof (earned_ceiling.py)
    uncorroborated_proof: dict[str, CorroboratedProof]
    proof_z: Annotated[float, Field(gt=0)]


class StatementWordingSettings(Section):
    """``category.statement_wording``: a statement's own wording learnt from the user's lines
    (models/category/statement_wording.py)."""

    share: Annotated[float, Field(gt=0, le=1)]
    min_lines: Count


class ExportPriorSettings(Section):
    """``category.export_prior``: the user's export's own category prior, learnt from its
    lines (models/category/export_prior.py)."""

    iterations: Annotated[int, Field(ge=0)]
    pseudo_lines: Annotated[float, Field(ge=0)]
    # the lines the knowledge answers alone keep its probabilities (models/category/
    # prior_scope.py)
    keep_answered_lines: bool


class CorrectionSettings(Section):
    rule_min_count: Count


class CategorySettings(Settings):
    block = "category"

    test_fraction: Fraction
    validation_fraction: Fraction
    candidates: Annotated[list[str], Field(min_length=1)]
    personal_min_labels: Count
    max_train_rows: Count
    selection_max_rows: Count
    calibration_max_rows: Count
    confidence_threshold: Share
    min_known_word_share: Share
    mapping_min_share: Share
    top_k: Count
    calibration_folds: Annotated[int, Field(ge=0)]
    seed: int
    n_jobs: int
    char_ngram_range: Annotated[list[Count], Field(min_length=2, max_length=2)]
    min_text_df: Count
    memory_min_repeats: Annotated[int, Field(ge=0)]
    word_memory_min_rows: Annotated[int, Field(ge=0)]
    word_memory_latest_rows: Annotated[int, Field(ge=0)]
    name_match_max_weight: Annotated[float, Field(ge=0)]
    max_text_features: Count
    class_weight_power: Annotated[float, Field(ge=0)]
    unseen_direction_weight: Share
    recency_half_life_days: Annotated[float, Field(ge=0)]
    prior_name_rows: Annotated[float, Field(ge=0)]
    block_weights: BlockWeights
    logistic_regression: LogisticRegressionSettings
    lightgbm: CategoryLightGBMSettings
    default_model: DefaultModelSettings
    statement_wording: StatementWordingSettings
    export_prior: ExportPriorSettings
    review_queue_size: Annotated[int, Field(ge=0)]
    corrections: CorrectionSettings

    def default_model_params(self) -> dict:
        """What `train_default_model` takes: ``default_model`` and the block's seed."""
        return {**self.default_model.model_dump(), "seed": self.seed}
