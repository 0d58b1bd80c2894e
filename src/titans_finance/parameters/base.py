"""The typed, frozen settings every parameter block is parsed into (`Settings.of`).

The YAML in ``conf/<env>/parameters_<block>.yml`` is the one source of every value: no
field has a default (a nullable one is written ``null`` in the YAML), an unknown key is
refused, and so is a value of the wrong type (``strict``: ``"3"`` is not a number, ``true``
is not a count). The messages name the dotted key, the value and the file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

# value kinds shared by the blocks
Count = Annotated[int, Field(ge=1)]
Fraction = Annotated[float, Field(gt=0, lt=1)]
Weight = Annotated[float, Field(ge=0)]


class ParameterError(ValueError):
    """A parameter block does not match its settings class (unknown key, missing key,
    wrong type or value)."""


class Section(BaseModel):
    """A nested mapping of a block (e.g. ``amount.lightgbm``): the same rules."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Settings(Section):
    """One top-level parameter block; ``block`` is its name in the parameters files."""

    block: ClassVar[str]

    @classmethod
    def source(cls) -> str:
        return f"conf/base/parameters_{cls.block}.yml"

    @classmethod
    def of(cls, params: Mapping[str, Any] | Self, source: str | None = None) -> Self:
        """``params`` (the dict Kedro passes for ``params:<block>``) parsed, or
        `ParameterError` naming every bad key, its value and ``source``."""
        if isinstance(params, cls):
            return params
        if not isinstance(params, Mapping):
            raise ParameterError(f"parameter block '{cls.block}' in {source or cls.source()} "
                                 f"must be a mapping, got {type(params).__name__}")
        try:
            return cls.model_validate(dict(params))
        except ValidationError as error:
            raise ParameterError(describe(error, cls, source or cls.source())) from None


def _known(model: type[BaseModel], path: tuple[Any, ...]) -> list[str]:
    """The keys known at ``path`` (the fields of the section it is in)."""
    for part in path:
        field = model.model_fields.get(part) if isinstance(part, str) else None
        annotation = field.annotation if field is not None else None
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
        else:
            args = [a for a in getattr(annotation, "__args__", ())
                    if isinstance(a, type) and issubclass(a, BaseModel)]
            if not args:  # a mapping of free keys (e.g. retrain.promotion): nothing to list
                return []
            model = args[-1]
    return list(model.model_fields)


def describe(error: ValidationError, cls: type[Settings], source: str) -> str:
    """One line per problem: ``unknown parameter 'cashflow.seed' in <file>; known: ...``."""
    lines, seen = [], set()
    for item in error.errors():
        path = tuple(p for p in item["loc"] if isinstance(p, int) or _NAME.match(str(p)))
        key = ".".join([cls.block, *map(str, path)])
        if (key, item["type"]) in seen:
            continue
        seen.add((key, item["type"]))
        if item["type"] == "extra_forbidden":
            known = _known(cls, path[:-1])
            lines.append(f"unknown parameter '{key}' in {source}"
                         + (f"; known: {', '.join(known)}" if known else ""))
        elif item["type"] == "missing":
            lines.append(f"missing parameter '{key}' in {source} (every parameter is set in "
                         "the YAML; null where it may be absent)")
        else:
            lines.append(f"parameter '{key}' = {item['input']!r} in {source}: {item['msg']}")
    return "\n".join(lines)
