"""User category rules: a regular expression in the description, the merchant or either,
naming a category; and the rules learnt from corrections (a merchant corrected to the same
category often enough). They answer before any model (`CategoryModel.predict`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from titans_finance.core.unicode_regex import str_call

RULE_FIELDS = ("description", "merchant", "any")


class RuleError(ValueError):
    """A user category rule is malformed."""


@dataclass(frozen=True)
class CategoryRule:
    """``pattern`` (regular expression, case-insensitive) searched in ``field`` → ``category``."""

    pattern: str
    category: str
    field: str = "any"

    def compiled(self) -> re.Pattern:
        return re.compile(self.pattern, re.IGNORECASE)


def parse_rules(raw: Any) -> list[CategoryRule]:
    """Rules from the YAML structure ``{"rules": [{"pattern":..., "category":..., "field":...}]}``."""
    if raw is None:
        return []
    items = raw.get("rules", []) if isinstance(raw, dict) else raw
    if items is None:
        return []
    if not isinstance(items, list):
        raise RuleError("category rules: 'rules' must be a list of {pattern, category, field}")
    rules = []
    for number, item in enumerate(items, start=1):
        where = f"category rule #{number}"
        if not isinstance(item, dict):
            raise RuleError(f"{where}: expected a mapping with pattern and category, got {item!r}")
        unknown = set(item) - {"pattern", "category", "field"}
        if unknown:
            raise RuleError(f"{where}: unknown key(s) {sorted(unknown)}")
        pattern, category = item.get("pattern"), item.get("category")
        if not isinstance(pattern, str) or not pattern.strip():
            raise RuleError(f"{where}: 'pattern' must be a non-empty string")
        if not isinstance(category, str) or not re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", category):
            raise RuleError(f"{where}: 'category' must be snake_case, got {category!r}")
        field = item.get("field", "any")
        if field not in RULE_FIELDS:
            raise RuleError(f"{where}: 'field' must be one of {RULE_FIELDS}, got {field!r}")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise RuleError(f"{where}: invalid regular expression {pattern!r}: {exc}") from None
        rules.append(CategoryRule(pattern, category, field))
    return rules


def rules_from_corrections(merchant: pd.Series, category: pd.Series, corrected: pd.Series,
                           min_count: int) -> list[CategoryRule]:
    """A rule per merchant corrected at least ``min_count`` times, always to the same category.

    This is what users of rule-based tools expect: after correcting a merchant a
    few times, its transactions get that category without waiting for the model
    to learn it. A merchant corrected to different categories gets no rule.
    """
    if min_count < 1:
        raise RuleError(f"corrections.rule_min_count must be at least 1, got {min_count}")
    frame = pd.DataFrame({"merchant": merchant.astype("str").to_numpy(),
                          "category": category.astype("str").to_numpy(),
                          "corrected": corrected.to_numpy(dtype="bool")})
    frame = frame[frame["corrected"]]
    if frame.empty:
        return []
    grouped = frame.groupby("merchant")["category"].agg(["nunique", "size", "first"])
    chosen = grouped[(grouped["nunique"] == 1) & (grouped["size"] >= min_count)]
    return [CategoryRule(f"^{re.escape(name)}$", str(row["first"]), "merchant")
            for name, row in chosen.sort_index().iterrows()]


def apply_rules(rules: list[CategoryRule], description: pd.Series,
                merchant: pd.Series) -> pd.Series:
    """Category from the first matching rule per row (missing where none matches)."""
    result = pd.Series([None] * len(description), index=description.index, dtype="object")
    description = description.fillna("").astype("str")
    merchant = merchant.fillna("").astype("str")
    for rule in reversed(rules):  # later rules first, so earlier rules overwrite: first wins
        pattern = rule.compiled()
        if rule.field == "description":
            hit = str_call(description, "contains", pattern, regex=True)
        elif rule.field == "merchant":
            hit = str_call(merchant, "contains", pattern, regex=True)
        else:
            hit = str_call(description, "contains", pattern, regex=True) | str_call(
                merchant, "contains", pattern, regex=True)
        result[hit.to_numpy()] = rule.category
    return result
