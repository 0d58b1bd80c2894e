"""Corrections sent to ``POST /feedback`` act on the service's category answers at once.

An accepted correction becomes a rule for its merchant (core/correction_rules.py), scoped
to the caller's tenant: from the next request on, ``/predict/category`` and
``/predict/batch`` answer that tenant's transactions of the merchant with the corrected
category (``source: "your correction"``, confidence 1) — no retraining, no reload; other
tenants' answers do not change. A rule the command line reverts (``titans-finance
corrections revert``) stops acting within a second (`RuleBook` checks the file).

The merchant key of a correction is computed by the function that keys the transactions
the models score (`core.features.own_features`, with the served history's payees), so a
correction and a later transaction of the same merchant meet on the same key. A rule that
would change more transactions than ``TITANS_FEEDBACK_RULE_MAX_ROWS`` — counted in the served
training history, the rows known to the service — is written ``held`` for an operator's
review: neither applied nor appended to the corrections file (so no training learns from
it) until ``titans-finance corrections approve --id`` lets it act.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from titans_finance.core.correction_rules import (
    HELD,
    KEPT_SOURCE,
    REASON,
    SOURCE,
    RuleBook,
    append_rule,
    apply_to_answers,
    new_rule,
    rows_of_merchant,
    rules_path,
    usable_key,
)
from titans_finance.core.corrections import CorrectionsCapReached
from titans_finance.serving.security import tenant_of  # noqa: F401 (its old home)

if TYPE_CHECKING:
    import pandas as pd

# the rule scope of a category answer, carried from the scoring thread to the endpoint
_SCOPE = "_rule_scope"


class LiveCorrections:
    """The rules of the service's corrections file and the cap on the rows one may change."""

    def __init__(self, corrections_path: str | Path, max_rows: int):
        self.rules_path = rules_path(corrections_path)
        self.max_rows = max_rows
        self.book = RuleBook(self.rules_path)

    # ---- making a rule ---------------------------------------------------------------
    def merchant_key(self, record: dict[str, Any], history: Any) -> str:
        """The merchant key of a correction's transaction, as a scored transaction with
        the same description and reference gets it; empty (no rule) for a correction that
        names its transaction by reference alone: an invoice number is not a merchant."""
        import pandas as pd

        if not str(record.get("description") or "").strip():
            return ""

        from titans_finance.core.features import own_features

        frame = pd.DataFrame({"description": [record.get("description") or ""],
                              "reference": [record.get("reference") or None],
                              "amount": [pd.to_numeric(record.get("amount"), errors="coerce")],
                              "account": [record.get("account") or None]})
        return str(own_features(frame, history)["merchant_key"].iloc[0])

    def rule_for(self, record: dict[str, Any], tenant: str, history: Any
                 ) -> dict[str, Any] | None:
        """The rule a correction record makes (not saved), or None when its transaction
        has no merchant name to scope a rule to."""
        key = self.merchant_key(record, history)
        if not tenant or not usable_key(key):
            return None
        rows = rows_of_merchant(history.merchant, key)
        return new_rule(record, key, tenant, record.get("account") or "", rows=rows,
                        max_rows=self.max_rows)

    @staticmethod
    def held(rule: dict[str, Any] | None) -> bool:
        """The correction waits for an operator: its line stays out of the corrections
        file (no training learns from it) until `titans-finance corrections approve`."""
        return rule is not None and rule["status"] == HELD

    def save(self, rule: dict[str, Any], max_held_per_key: int | None = None) -> None:
        """Append the rule and use it from now on (blocking: off the event loop). A held
        rule of a key that already has ``max_held_per_key`` held ones waiting is refused
        (`CorrectionsCapReached`): the review queue of an operator is bounded too."""
        if (self.held(rule) and max_held_per_key is not None
                and self.book.held_by(rule["submitted_by"]) >= max_held_per_key):
            raise CorrectionsCapReached(
                f"this key already has {max_held_per_key} corrections waiting for review, "
                "the most one key may have; an operator can review them (`titans-finance "
                "corrections rules`)")
        append_rule(self.rules_path, rule)
        self.book.reload()

    def describe(self, rule: dict[str, Any] | None) -> dict[str, Any]:
        """What the answer to ``/feedback`` says of the rule."""
        if rule is None:
            return {"status": "none", "note": "the transaction names no merchant: the "
                    "correction is kept for the next training only"}
        held = rule["status"] == HELD
        return {"rule_id": rule["rule_id"], "merchant_key": rule["merchant_key"],
                "category": rule["category"], "status": rule["status"],
                "known_transactions": rule["rows"], "max_transactions": self.max_rows,
                "note": (f"held for an operator's review: it would change "
                         f"{rule['rows']} known transactions, more than "
                         f"{self.max_rows}; neither the answers nor the training use it "
                         "until approved (`titans-finance corrections approve --id`)"
                         if held else "your later answers for this merchant use it now; "
                         "`titans-finance corrections revert --id` undoes it")}

    # ---- applying rules --------------------------------------------------------------
    @staticmethod
    def tag(answers: list[dict[str, Any]], frame: pd.DataFrame, features: pd.DataFrame
            ) -> None:
        """Attach to each answer where its rule scope (merchant key, account) is found, for
        `settle`: read from the batch's frames only when a caller with rules asks (a
        column read costs tens of microseconds; most callers have no rule)."""
        scopes = _Scopes(frame, features)
        for position, answer in enumerate(answers):
            answer[_SCOPE] = (scopes, position)

    def settle(self, answer: Any, tenant: str) -> Any:
        """One category answer with ``tenant``'s rule applied (its scope tag removed)."""
        if not isinstance(answer, dict):
            return answer  # an error response
        tagged = answer.pop(_SCOPE, None)
        rules = self.book.current()
        if (tagged is None or not tenant or not rules.by_tenant.get(tenant)
                or answer.get("source") == KEPT_SOURCE):
            return answer
        key, account = tagged[0].of(tagged[1])
        found = rules.lookup(tenant, key, account)
        if found is None:
            return answer
        settled = {**answer, "category": found[0], "confidence": 1.0, "source": SOURCE}
        if "reason" in settled:
            settled["reason"] = REASON
        return settled

    def apply(self, predictions: pd.DataFrame, frame: pd.DataFrame, features: pd.DataFrame,
              tenant: str) -> pd.DataFrame:
        """A batch's category answers with ``tenant``'s rules applied (vectorised)."""
        rules = self.book.current()
        if not tenant or not rules.by_tenant.get(tenant):
            return predictions
        return apply_to_answers(predictions, rules, tenant,
                                features["merchant_key"].to_numpy(dtype=object),
                                frame["account"].to_numpy(dtype=object))


class _Scopes:
    """The merchant keys and accounts of one scored micro-batch, read once, when first
    asked."""

    __slots__ = ("_accounts", "_features", "_frame", "_keys")

    def __init__(self, frame: pd.DataFrame, features: pd.DataFrame):
        self._frame, self._features = frame, features
        self._keys: list | None = None
        self._accounts: list | None = None

    def of(self, position: int) -> tuple[str, str]:
        if self._keys is None:
            self._keys = self._features["merchant_key"].tolist()
            self._accounts = self._frame["account"].tolist()
        return str(self._keys[position]), str(self._accounts[position] or "")
