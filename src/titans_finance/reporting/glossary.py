"""One-line meanings for the report's reader: metrics, baselines and monitored features.

The report is read by business owners, not data scientists: every abbreviation
(PSI, MASE, PR-AUC) and every feature name (``kw_software``) it shows comes with
what it means in plain words.
"""

from __future__ import annotations

import re

from titans_finance.core.feature_text import KEYWORDS

METRICS = {
    "accuracy": "share of expenses whose category the model got right",
    "holdout_accuracy": "share of expenses whose category the model got right",
    "cv_accuracy": "the same share over 5 random splits of all labelled expenses (comparable "
                   "with systems evaluated on a random split)",
    "holdout_macro_f1": "macro-F1: accuracy balanced over categories, so rare categories count "
                        "as much as common ones (1 = perfect)",
    "coverage_at_threshold": "share of expenses the model answers; the rest it marks "
                             "'uncertain' for a person to check",
    "accuracy_at_threshold": "share right among the expenses the model answers",
    "mae": "MAE: the typical size of a miss, in money (mean absolute error)",
    "holdout_mae": "MAE: the typical size of a miss, in money (mean absolute error)",
    "holdout_r2": "R²: share of the variation in amounts the model explains (1 = all of it, "
                  "0 = no better than always guessing the average)",
    "interval_coverage": "share of actual amounts inside the model's 80 % range (should be "
                         "close to 0.8)",
    "coverage": "share of actual days inside the forecast's 80 % range (should be close to 0.8)",
    "pr_auc": "PR-AUC: how well the score ranks truly unusual transactions first (1 = all of "
              "them first; a random score gets the share of unusual ones)",
    "precision_at_k": "of the k transactions scored most unusual (k = the number of truly "
                      "unusual ones), the share that really are",
    "mase": "MASE: forecast error relative to repeating the last day (below 1 is better than "
            "that naive forecast)",
    "psi": "PSI (population stability index): how far a distribution moved from the training "
           "data; below 0.1 stable, 0.1 to 0.25 some change, above 0.25 a real shift",
    "ks": "KS: the largest gap between the two cumulative distributions (0 = identical, "
          "1 = no overlap)",
}

BASELINES = {
    "merchant_majority": "the category most often seen for the merchant",
    "median_per_merchant": "the merchant's median amount (else its category's)",
    "isolation_forest": "an off-the-shelf outlier detector on the raw amounts and dates",
    "robust_payee_z": "how far an amount is from the payee's usual amount",
    "naive": "repeating the last day's net flow",
    "last": "repeating the last day's net flow",
    "seasonal_naive_7": "repeating the same weekday of the last week",
    "seasonal7": "repeating the same weekday of the last week",
    "same_day_last_month": "repeating the same day of the last month",
    "mean_28": "the average day of the last 28 days",
    "mean_90": "the average day of the last 90 days",
    "zero": "no money in or out at all",
}

FEATURES = {
    "log_abs_amount": "size of the amount (log scale)",
    "abs_amount": "size of the amount",
    "amount_sign": "money in (+1) or out (-1)",
    "type_code": "income or expense",
    "payment_method_code": "payment method (card, transfer, cash...)",
    "day_of_week": "day of the week",
    "day_of_month": "day of the month",
    "is_weekend": "paid at a weekend",
    "description_length": "length of the description",
    "description_tokens": "number of words in the description",
    "description_has_digits": "description contains digits (terminal or card numbers)",
    "is_bank_descriptor": "description in bank-terminal style (SQ *, POS, ...)",
    "reference_missing": "the export gives no reference",
    "receipt_missing": "the export gives no receipt link",
    "category_missing": "the export gives no category",
    "days_since_merchant": "days since the previous payment to the same merchant",
    "is_recurring": "part of a regular series (rent, subscriptions)",
    "merchant_frequency": "how often the merchant appears",
    "merchant_amount_z": "how unusual the amount is for the merchant",
    "merchant_amount_ratio": "amount relative to the merchant's usual amount",
    "category_mix": "the share of spending in each category",
    "category_confidence": "how sure the category model is of its answers",
}


def _keyword_examples(pattern: str, count: int = 4) -> str:
    words = [re.sub(r"\\b|[()?^$\\]", "", part) for part in pattern.split("|")]
    return ", ".join(w for w in words[:count] if w)


def feature_meaning(name: str, short: bool = False) -> str:
    """Plain words for a feature name: ``kw_software`` → "the description mentions software
    (software, license, licence, subscription...)"; ``short``: "mentions software"."""
    if name in FEATURES:
        return FEATURES[name]
    if name in KEYWORDS:
        topic = name.removeprefix("kw_").replace("_", " ")
        if short:
            return f"description mentions {topic}"
        return f"the description mentions {topic} ({_keyword_examples(KEYWORDS[name])}...)"
    return name.replace("_", " ")


def metric_meaning(name: str) -> str:
    return METRICS.get(name, name.replace("_", " "))


def baseline_meaning(name: str) -> str:
    return BASELINES.get(name, name.replace("_", " "))
