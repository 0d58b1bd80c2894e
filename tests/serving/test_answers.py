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
