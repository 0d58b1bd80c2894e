"""The amount model: what the next payment to (or from) a payee will be, with an interval.

`model` (the estimator, `AmountModel`), `prior` (the median prior it corrects),
`intervals` (split-conformal quantiles), `evaluation` (candidate choice, hold-out against
the payee-median baseline, final fit). No Kedro import.
"""

from titans_finance.models.amount.intervals import conformal_quantile
from titans_finance.models.amount.model import (
    HYPER_PARAMETERS,
    NUMERIC_INPUTS,
    OWN_AMOUNT,
    AmountModel,
    design_frame,
    signed,
)
from titans_finance.models.amount.prior import MedianPrior

__all__ = ["HYPER_PARAMETERS", "NUMERIC_INPUTS", "OWN_AMOUNT", "AmountModel", "MedianPrior",
           "conformal_quantile", "design_frame", "signed"]
