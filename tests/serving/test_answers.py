"""`answers.json_response`: the single predictions' and the batch's answer bodies."""

from __future__ import annotations

import json

from starlette.responses import JSONResponse

from titans_finance.serving.answers import json_response


def test_an_answer_is_its_json_compact_and_utf8():
    answer = {"category": "café", "confidence": 0.1 + 0.2, "top_k": [
        {"category": "groceries", "probability": 1e-7}], "reason": "", "score": float("nan")}
    response = json_response(answer)
    assert response.status_code == 200
    assert response.media_type == "application/json"
    assert json.loads(response.body) == {**answer, "score": None}  # NaN: null, as BentoML
    assert response.body.startswith(b'{"category":"caf\xc3\xa9","confidence":0.30000000000000004')


def test_an_error_response_is_answered_as_it_is():
    refused = JSONResponse({"error": "conflict"}, status_code=409)
    assert json_response(refused) is refused


def test_an_amount_answer_is_to_the_cent():
    import pandas as pd

    from titans_finance.serving.answers import amount_items
    from titans_finance.serving.served_models import ServedModels
    served = ServedModels(models={}, history=None, drift_reference=None,
                          versions={"amount": "amount-v7"}, info={})
    frame = pd.DataFrame({"predicted_amount": [-23.456, 12.0], "lower": [-30.001, 11.994],
                          "upper": [-19.994, 12.006]})
    assert amount_items(frame, served) == [
        {"predicted_amount": -23.46, "interval": [-30.0, -19.99], "model_version": "amount-v7"},
        {"predicted_amount": 12.0, "interval": [11.99, 12.01], "model_version": "amount-v7"}]


def _served():
    from titans_finance.serving.served_models import ServedModels

    return ServedModels(models={}, history=None, drift_reference=None,
                        versions={"amount": "amount-v7", "anomaly": "anomaly-v3"},
                        info={"anomaly": {"threshold": 0.62}})


def _odd_numbers(rows: int, seed: int):
    """Amounts and scores as models give them (cents, a wide log range, halves of a cent
    that round either way) and odd ones: NaN, infinities, -0.0, the largest floats."""
    import numpy as np

    rng = np.random.default_rng(seed)
    values = np.round(rng.lognormal(3, 2, rows) * rng.choice([-1, 1], rows), 4)
    values[:12] = [np.nan, np.inf, -np.inf, -0.0, 0.0, 1.005, -2.675, 0.125, 1e300, -1e-300,
                   5e-324, 123456789.995]
    return values


def test_amount_items_as_the_pandas_rounding_gave_them():
    import numpy as np
    import orjson
    import pandas as pd

    from titans_finance.serving.answers import amount_items

    point = _odd_numbers(2000, 1)
    with np.errstate(invalid="ignore"):  # inf - inf: NaN, as wanted
        frame = pd.DataFrame({"predicted_amount": point,
                              "lower": point - np.abs(_odd_numbers(2000, 2)),
                              "upper": point + np.abs(_odd_numbers(2000, 3))})
    expected = [{"predicted_amount": p, "interval": [lo, hi], "model_version": "amount-v7"}
                for p, lo, hi in zip(*(frame[c].astype(float).round(2).tolist()
                                       for c in ("predicted_amount", "lower", "upper")),
                                     strict=True)]
    got = amount_items(frame, _served())
    assert orjson.dumps(got) == orjson.dumps(expected)
    assert all(type(v) is float for item in got for v in (item["predicted_amount"],
                                                          *item["interval"]))


def test_anomaly_items_as_the_row_by_row_split_gave_them():
    import numpy as np
    import orjson
    import pandas as pd

    from titans_finance.serving.answers import anomaly_items

    rng = np.random.default_rng(4)
    texts = ["", "amount 3.1× the median of the 14 payments to this payee in the training data",
             "same amount to the same payee on 2026-01-17; unusual combination of amount, "
             "timing and history", "several weak signals together", "a; ; b", "; lead", "nan"]
    reasons = [texts[i] for i in rng.integers(0, len(texts), 2000)] + [None, np.nan]
    with np.errstate(invalid="ignore"):  # inf % 1: NaN, as wanted
        scores = np.append(np.abs(_odd_numbers(2000, 5)) % 1, [0.5, np.nan])
    frame = pd.DataFrame({"score": scores,
                          "is_anomaly": np.append(rng.random(2000) < 0.1, [True, False]),
                          "reasons": pd.Series(reasons, dtype=object)})
    expected = [{"score": score, "is_anomaly": flag, "threshold": 0.62,
                 "reasons": [r for r in str(text).split("; ") if r],
                 "model_version": "anomaly-v3"}
                for score, flag, text in zip(frame["score"].astype(float).tolist(),
                                             frame["is_anomaly"].astype(bool).tolist(),
                                             frame["reasons"].tolist(), strict=True)]
    got = anomaly_items(frame, _served())
    assert orjson.dumps(got, option=orjson.OPT_SERIALIZE_NUMPY) == orjson.dumps(
        expected, option=orjson.OPT_SERIALIZE_NUMPY)
    assert [type(v) for item in got for v in item.values()] == [
        type(v) for item in expected for v in item.values()]
