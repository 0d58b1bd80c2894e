"""`BatchInput.model_validate_json` (pydantic-core's `from_json`, then the model in Python
mode) answers what pydantic's
own JSON parse answered, on every boundary of the body: the same transactions, with the
same types, for a body both accept; the same `ValidationError` (type, place, message)
for any other."""

from __future__ import annotations

import json
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tests.serving.test_schemas import BASE
from titans_finance.serving.batch_inputs import BatchInput
from titans_finance.serving.schemas import MAX_BATCH, refuse_oversized


def _replaced_model() -> type[BaseModel]:
    """The model replaced (its schema aside), under the same name."""

    class BatchInput(BaseModel):
        model_config = ConfigDict(extra="forbid")
        transactions: Annotated[list[dict[str, Any]], Field(min_length=1,
                                                            max_length=MAX_BATCH)]

        @model_validator(mode="before")
        @classmethod
        def _at_most_max_batch(cls, data: Any) -> Any:
            return refuse_oversized(data)

    return BatchInput


_ReplacedBatchInput = _replaced_model()


def _pydantic_parse(body: bytes) -> BaseModel:
    """The code replaced: pydantic's JSON parse and validation, in one call."""
    return _ReplacedBatchInput.model_validate_json(body)


def _answer(parse, body: bytes):
    try:
        model = parse(body)
    except ValidationError as exc:
        return ("refused", exc.title, exc.errors(include_url=False))
    # repr: 1 and 1.0, True and 1 told apart
    return ("accepted", repr(model.transactions))


def _body(transactions) -> bytes:
    return json.dumps({"transactions": transactions}).encode()


ITEM = {**BASE, "amount": -12.5}
BODIES = [
    _body([ITEM]),  # one item: the fewest accepted
    _body([]),  # none: refused
    _body([ITEM] * MAX_BATCH),  # the most accepted
    _body([ITEM] * (MAX_BATCH + 1)),  # one more: refused before any item is validated
    _body([ITEM, "not an object"]), _body([ITEM, None]), _body([ITEM, [ITEM]]),
    _body("a string"), _body({"0": ITEM}), b'{"transactions": null}',
    json.dumps([ITEM]).encode(),  # a list, not an object
    b'"transactions"', b"1", b"null", b"{}", b"",
    json.dumps({"transactions": [ITEM], "extra": 1}).encode(),  # a key the model forbids
    b'{"transactions": [{"amount": 1}], "transactions": [{"amount": 2}]}',  # repeated key
    b'{"transactions": [{"amount": 1, "amount": 2.0}]}',  # repeated key in an item
    # numbers: integers and floats kept apart, exponents, past float64 and int64
    b'{"transactions": [{"a": 1, "b": 1.0, "c": -0.0, "d": 1e2, "e": 1E-2, "f": 0.1}]}',
    b'{"transactions": [{"a": 1e308, "b": 1e309, "c": -1e309, "d": 5e-324, "e": 1e-400}]}',
    b'{"transactions": [{"a": 9223372036854775807, "b": 9223372036854775808}]}',
    b'{"transactions": [{"a": -9223372036854775808, "b": -9223372036854775809}]}',
    b'{"transactions": [{"a": 18446744073709551616}]}',
    b'{"transactions": [{"a": 123456789012345678901234567890}]}',
    b'{"transactions": [{"a": NaN}]}', b'{"transactions": [{"a": Infinity}]}',
    b'{"transactions": [{"a": 01}]}', b'{"transactions": [{"a": 1.}]}',
    b'{"transactions": [{"a": true, "b": false, "c": null, "d": [], "e": {}}]}',
    # strings: escapes, non-ASCII, lone surrogates, control characters, invalid UTF-8
    '{"transactions": [{"a": "caf\\u00e9 \\"x\\" \\\\ \\/ \\n \\t", "b": "Café ☕"}]}'.encode(),
    b'{"transactions": [{"a": "\\ud83d\\ude00", "b": "\\ud800"}]}',
    b'{"transactions": [{"a": "\\udc00x"}]}',
    b'{"transactions": [{"a": "\\u0000\\u001b"}]}',
    b'{"transactions": [{"a": "tab\there"}]}',  # a raw control character in a string
    b'{"transactions": [{"a": "\xff\xfe"}]}', b'{"transactions": [{"a": "\xc3"}]}',
    b'{"transactions": [{"\xe9": 1}]}',
    # the document: whitespace, a byte-order mark, trailing bytes, comments, truncation
    b' \n\t{"transactions": [{"a": 1}]} \r\n', b'\xef\xbb\xbf{"transactions": [{"a": 1}]}',
    b'{"transactions": [{"a": 1}]} x', b'{"transactions": [{"a": 1}]}{}',
    b'{"transactions": [{"a": 1},]}', b'{"transactions": [{"a": 1}] // c\n}',
    b'{"transactions": [{"a": 1}', b'{"transactions": [{"a": \'x\'}]}', b"\x00",
    b'{"transactions": ' + b"[" * 600 + b"]" * 600 + b"}",  # deep nesting
    b'{"transactions": [{"a": ' + b"[" * 200 + b"]" * 200 + b"}]}",
]


@pytest.mark.parametrize("body", BODIES, ids=range(len(BODIES)))
def test_same_answer_as_pydantics_json_parse(body):
    assert _answer(BatchInput.model_validate_json, body) == _answer(_pydantic_parse, body)


@pytest.mark.parametrize("body", [b"[", b'{"transactions": [1}', b"{'a': 1}"])
def test_malformed_json_is_refused_as_pydantic_refuses_it(body):
    with pytest.raises(ValidationError) as exc:
        BatchInput.model_validate_json(body)
    assert exc.value.errors()[0]["type"] == "json_invalid"
    assert _answer(BatchInput.model_validate_json, body) == _answer(_pydantic_parse, body)


def test_options_go_to_pydantics_parse():
    body = _body([ITEM])
    assert BatchInput.model_validate_json(body, strict=True).transactions == [ITEM]
    assert (_answer(lambda b: BatchInput.model_validate_json(b, strict=True), _body([1]))
            == _answer(lambda b: _ReplacedBatchInput.model_validate_json(b, strict=True),
                       _body([1])))


def test_an_accepted_body_takes_the_python_mode_path(monkeypatch):
    """The replacement is used (pydantic's JSON validation is not called) for a body of
    the service's own shape."""
    def refused(*args, **kwargs):
        raise AssertionError("pydantic's JSON validation called")

    monkeypatch.setattr(BaseModel, "model_validate_json", classmethod(refused))
    body = _body([ITEM] * 3)
    assert BatchInput.model_validate_json(body).transactions == [ITEM] * 3


def test_the_schema_is_the_replaced_models():
    """The OpenAPI schema of the body: items as a transaction each, 1 to `MAX_BATCH`."""
    field = BatchInput.model_json_schema()["properties"]["transactions"]
    assert (field["minItems"], field["maxItems"]) == (1, MAX_BATCH)
    assert field["items"]["properties"].keys() >= {"description", "amount", "date"}
