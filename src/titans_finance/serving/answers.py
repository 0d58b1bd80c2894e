"""The answers of the prediction endpoints, one dict per transaction, from the models'
output frames (the same shapes for single requests and batches)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
from starlette.responses import Response

if TYPE_CHECKING:
    import pandas as pd

    from titans_finance.serving.served_models import ServedModels


def category_items(frame: pd.DataFrame, served: ServedModels) -> list[dict[str, Any]]:
    version = served.versions["category"]
    return [{"category": category, "confidence": confidence, "top_k": top_k, "source": source,
             "level": level, "reason": reason, "model_version": version}
            for category, confidence, top_k, source, level, reason in zip(
                frame["category"].tolist(), frame["confidence"].astype(float).tolist(),
                frame["top_k"].tolist(), frame["source"].tolist(),
                frame["level"].tolist(), frame["reason"].tolist(), strict=True)]


def amount_items(frame: pd.DataFrame, served: ServedModels) -> list[dict[str, Any]]:
    version = served.versions["amount"]
    # numpy's rounding of the float column (pandas' Series.round is numpy's, with a Series
    # built around it for each column); the array's own method: this module is imported
    # by the service's supervisor, which loads no numpy (tests/serving/test_memory.py)
    point, lower, upper = (frame[c].to_numpy(dtype="float64").round(2).tolist()
                           for c in ("predicted_amount", "lower", "upper"))
    return [{"predicted_amount": p, "interval": [lo, hi], "model_version": version}
            for p, lo, hi in zip(point, lower, upper, strict=True)]


def anomaly_items(frame: pd.DataFrame, served: ServedModels) -> list[dict[str, Any]]:
    version, threshold = served.versions["anomaly"], served.info["anomaly"]["threshold"]
    # most rows have no reason: "" is no list to split
    reasons = [[r for r in text.split("; ") if r] if text else []
               for text in map(str, frame["reasons"].tolist())]
    return [{"score": score, "is_anomaly": flag, "threshold": threshold, "reasons": listed,
             "model_version": version}
            for score, flag, listed in zip(
                frame["score"].to_numpy(dtype="float64").tolist(),
                frame["is_anomaly"].to_numpy(dtype=bool).tolist(), reasons, strict=True)]


ANSWER_ITEMS = {"category": category_items, "amount": amount_items, "anomaly": anomaly_items}


def json_response(answer: Any) -> Response:
    """``answer`` as a JSON response, encoded here by orjson; a response (an error) as it
    is. BentoML's own answer to a returned dict validated it against the endpoint's output
    model, rebuilt that model's JSON schema to find the media type (a third of the
    server's work on a one-transaction request) and encoded it with pydantic: the same
    JSON (compact, UTF-8, a non-finite number as null, floats at their shortest
    round-trip digits). numpy scalars as their values."""
    if isinstance(answer, Response):
        return answer
    return Response(orjson.dumps(answer, option=orjson.OPT_SERIALIZE_NUMPY),
                    media_type="application/json")
