"""The category review queue of the app: which decision settles the most money, what a
saved correction changes at once, and the fields a correction names (plain pandas: no
Streamlit, no Kedro).

A correction saved in the queue is appended to the corrections file (the next training
learns from it) and becomes a rule for its merchant (`core.correction_rules`, tenant
`APP_TENANT`): at once, every other transaction of the merchant whose category is the
model's (or none) shows the corrected one, marked ``your correction``, on every page;
the export's own labels and the user's per-transaction corrections keep theirs. Undo
removes the rule and the correction together.
"""

from __future__ import annotations

import re

from typing import Any

import numpy as np
import pandas as pd

from titans_finance.core.correction_rules import SOURCE, RuleSet, new_rule, usable_key
from titans_finance.core.schema import UNCERTAIN_CATEGORY
from titans_finance.reporting.categorised import SOURCES, group_label

# whose rules the app makes and shows: its one user (the service's tenants are others)
APP_TENANT = "app"
# the categories a merchant rule replaces: the model's answer, its doubt, or none at all
OPEN_SOURCES = (SOURCES[2], SOURCES[3], SOURCES[4])
QUEUE_COLUMNS = ["transaction_id", "date", "description", "amount", "merchant_key",
                 "predicted_category", "confidence", "transactions_of_merchant", "top_k",
                 "settles"]


def with_rules(table: pd.DataFrame, rules: RuleSet, tenant: str = APP_TENANT) -> pd.DataFrame:
    """The transactions table with ``tenant``'s merchant rules applied to the rows whose
    category is open (`OPEN_SOURCES`): the rule's category, source ``your correction``,
    and the rule's id in ``rule_id`` (None elsewhere). ``table`` itself is not changed."""
    category, rule_id = rules.categories(tenant, table["merchant_key"].to_numpy(dtype=object),
                                         table["account"].to_numpy(dtype=object))
    open_rows = table["category_source"].isin(OPEN_SOURCES).to_numpy()
    hit = pd.notna(category) & open_rows
    result = table.copy(deep=False)  # the columns changed below are new arrays
    result["rule_id"] = np.where(hit, rule_id, None)
    if hit.any():
        result["category"] = np.where(hit, category, table["category"].to_numpy(dtype=object))
        result["category_source"] = np.where(hit, SOURCE, table["category_source"].to_numpy(
            dtype=object))
    return result


def money_settled(table: pd.DataFrame) -> pd.Series:
    """Per merchant key: the money a decision on the merchant settles — the sum of the
    absolute amounts of its transactions whose category is still open."""
    rows = table[table["category_source"].isin(OPEN_SOURCES)]
    return rows["amount"].abs().groupby(rows["merchant_key"]).sum()


def review_items(queue: pd.DataFrame | None, predictions: pd.DataFrame | None,
                 table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The category review queue (the category pipeline's: one transaction per merchant)
    with each item's top choices from the predictions and ``settles`` (`money_settled`:
    0 for a merchant with nothing open), largest first; the pipeline's order breaks ties."""
    if queue is None or not len(queue):
        return pd.DataFrame(columns=QUEUE_COLUMNS)
    items = queue.copy()
    items["top_k"] = None
    if predictions is not None and "top_k" in predictions:
        top = predictions.drop_duplicates("transaction_id", keep="last").set_index(
            "transaction_id")["top_k"]
        items["top_k"] = items["transaction_id"].map(top)
    settled = money_settled(table) if table is not None else pd.Series(dtype="float64")
    items["settles"] = items["merchant_key"].astype("str").map(settled).fillna(0.0).astype(
        "float64")
    return items.sort_values("settles", ascending=False, kind="stable").reset_index(drop=True)


def preselected(item: pd.Series, choices: dict[str, str]) -> str | None:
    """The category the queue offers already chosen: the model's answer when it gave one
    (never its top guess when it was unsure — one careless click would save it — nor a
    group answer, which is no category: an export's own "food" is not the group food), and
    only when it is one of ``choices``."""
    answer = item.get("predicted_category")
    if (not isinstance(answer, str) or answer == UNCERTAIN_CATEGORY or answer not in choices
            or item.get("level") == "group"):
        return None
    return answer


def model_answer(item: pd.Series, taxonomy: dict[str, Any] | None) -> str:
    """What the model said about a queue item, as the user reads it: the category, a
    group by its name ("Food and drink (group)"), or "unsure", with the model's reason
    when it gave only a group or was unsure."""
    answer = str(item.get("predicted_category"))
    level = item.get("level")
    shown = (group_label(answer, taxonomy) if level == "group"
             else "unsure" if answer == UNCERTAIN_CATEGORY or level == "uncertain" else answer)
    reason = item.get("reason")
    return f"{shown}: {reason}" if isinstance(reason, str) and reason else shown


def merchant_impact(table: pd.DataFrame, merchant_key: str, transaction_id: str,
                    category: str) -> dict[str, int]:
    """What a correction of one transaction of ``merchant_key`` to ``category`` reaches:
    the merchant's other transactions, how many of those have another category (or none)
    now, and how many of those the correction's rule changes at once (the open ones)."""
    if not merchant_key:
        return {"others": 0, "others_different": 0, "changed_now": 0}
    same = table[(table["merchant_key"] == merchant_key) &
                 (table["transaction_id"] != transaction_id)]
    different = (same["category"].fillna("").astype("str") != category).to_numpy()
    open_rows = same["category_source"].isin(OPEN_SOURCES).to_numpy()
    changed = int((different & open_rows).sum()) if usable_key(merchant_key) else 0
    return {"others": int(len(same)), "others_different": int(different.sum()),
            "changed_now": changed}


def app_rule(record: dict[str, Any], merchant_key: str) -> dict[str, Any] | None:
    """The rule a correction saved in the app makes for its merchant (every account of
    the app's user), or None when the transaction has no merchant name."""
    if not usable_key(merchant_key):
        return None
    return new_rule(record, merchant_key, APP_TENANT)


def correction_fields(row: pd.Series, clean: pd.DataFrame) -> dict[str, Any]:
    """The fields naming one transaction in a correction (the same as ``POST /feedback``):
    its date, description and amount as the clean table has them. The reference is not
    used: many exports repeat one reference (the payee) on every line of a merchant, and a
    correction must name one transaction."""
    match = clean[clean["transaction_id"] == row["transaction_id"]]
    source = match.iloc[0] if len(match) else row
    return {"date": pd.Timestamp(source["date"]).date(), "description": str(source["description"]),
            "amount": float(source["amount"])}


# what a correction may name as its category (serving.schemas.Feedback's rule)
_CATEGORY_ID = re.compile(r"[a-z0-9]+(_[a-z0-9]+)*")


def taxonomy_categories(taxonomy: dict[str, Any] | None, table: pd.DataFrame) -> dict[str, str]:
    """``{category: label}`` a user may choose from: the taxonomy's categories
    (conf/base/category_taxonomy.yml) and every category already in use that a correction
    can name (a group answer's name, "Food and drink (group)", is shown in the table but is
    no category)."""
    labels = {str(item["id"]): str(item.get("label") or item["id"])
              for item in (taxonomy or {}).get("categories") or [] if item.get("id")}
    for used in table["category"].dropna().astype("str").unique():
        if used != UNCERTAIN_CATEGORY and _CATEGORY_ID.fullmatch(
                "_".join(used.lower().replace("-", " ").split())):
            labels.setdefault(used, used.replace("_", " "))
    return dict(sorted(labels.items()))
