"""The category model: user rules, a personal model, the default model, abstention.

`model` (`CategoryModel`: rules, transfers, personal and default answers, calibration),
`rules` (the user's rules and those learnt from corrections),
`personal` (the learner trained on the export's own labels), `memory` (exact repeats of a
line), `default` (the model learnt from open knowledge, for exports nobody labelled),
`taxonomy` (the categories, their groups and the knowledge's words), `evaluation` (honest
hold-out against the peers), `labels` (the labelled rows after users' corrections). No
Kedro import.
"""

from titans_finance.models.category.model import (
    HYPER_PARAMETERS,
    NUMERIC_INPUTS,
    CategoryModel,
    RuleError,
    _top_k,
    apply_rules,
    apply_temperature,
    fit_temperature,
    model_inputs,
    parse_rules,
    rules_from_corrections,
)
from titans_finance.models.category.personal import (
    PersonalClassifier,
    candidate_names,
    sparse_dot_ready,
)

__all__ = ["HYPER_PARAMETERS", "NUMERIC_INPUTS", "CategoryModel", "PersonalClassifier", "RuleError", "_top_k", "apply_rules",
           "apply_temperature", "candidate_names", "fit_temperature", "model_inputs",
           "parse_rules", "rules_from_corrections", "sparse_dot_ready"]
