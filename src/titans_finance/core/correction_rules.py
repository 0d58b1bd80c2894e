"""Corrections that act at once: each correction of one transaction becomes a rule for its
merchant, scoped to who made it, applied to every later answer until it is reverted.

A correction (``POST /feedback``, the app's review queue) names one transaction and its
category; the next training learns from it (core/corrections.py). Until then — and after,
for the transactions the model still gets wrong — the correction also says "this
merchant is that category" *for the one who made it*: a **rule** keyed by the
transaction's merchant key (`core.merchant_key`, the key the category model reads), the
tenant that made it (the service's caller; the app's own user) and optionally one account.
A rule answers with ``source: "your correction"`` and confidence 1.

Rules live in a CSV file beside the corrections file (`rules_path`), one line each, with
the same locked appends, header check and formula neutralising as the corrections file
(`core.corrections.LockedFile`). Each line carries its ``rule_id``, who made it
(``submitted_by``), when, how many known transactions it changes (``rows``) and the
fields of the correction it came from, so that `revert` removes both. The latest active
rule of a (tenant, account, merchant) wins; an account's own rule wins over the tenant's.

A correction whose rule would change more known transactions than a cap is ``held``
(`status_for`): its rule line is written with that status and the correction is not
appended to the corrections file — neither the answers nor the next training use it —
until an operator approves it (`approve`). No Kedro import: the service, the app
and the command line call this module.
"""

from __future__ import annotations

import csv
import fcntl
import io
import os
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from titans_finance.core.corrections import (
    CorrectionsFileError,
    LockedFile,
    append_correction,
    csv_line,
    remove_correction,
    remove_corrections_by,
    restore_formula,
)
from titans_finance.core.feature_params import ACCOUNT_SEPARATOR, MISSING_KEY

RULE_COLUMNS = ["rule_id", "tenant", "account", "merchant_key", "category", "status", "rows",
                "reference", "date", "description", "amount", "predicted_category",
                "submitted_at", "submitted_by"]
_TEXT_COLUMNS = ("rule_id", "tenant", "account", "merchant_key", "category", "status",
                 "reference", "description", "predicted_category", "submitted_by")
# the correction's own fields, as core/corrections.py writes them (to remove it on revert)
_CORRECTION_FIELDS = ("reference", "date", "description", "amount", "category",
                      "predicted_category", "submitted_at", "submitted_by")
ACTIVE, HELD = "active", "held"
SOURCE = "your correction"
# answers a rule leaves as they are: transfers between the user's own accounts
KEPT_SOURCE = "transfer"
REASON = "you corrected a transaction of this merchant to this category"


def rules_path(corrections_path: str | Path) -> Path:
    """The rules file of a corrections file: ``category_corrections.csv`` →
    ``category_corrections_rules.csv`` beside it."""
    path = Path(corrections_path)
    return path.with_name(f"{path.stem}_rules{path.suffix or '.csv'}")


def status_for(rows: int | None, max_rows: int | None) -> str:
    """``held`` when the rule would change more than ``max_rows`` known transactions
    (exactly ``max_rows`` is allowed); ``active`` otherwise or when either is unknown."""
    if rows is None or max_rows is None:
        return ACTIVE
    return HELD if rows > max_rows else ACTIVE


def usable_key(merchant_key: str) -> bool:
    """A merchant key a rule may be scoped to: not empty, not the key of rows without any
    merchant text (a rule on it would relabel every such row)."""
    return bool(merchant_key.strip()) and merchant_key != MISSING_KEY


def new_rule(correction: Mapping[str, Any], merchant_key: str, tenant: str, account: str = "",
             rows: int | None = None, max_rows: int | None = None) -> dict[str, Any]:
    """The rule of one correction record (its ``submitted_at`` must be set: it ties the
    rule to the correction's line). `ValueError` for a merchant key no rule may have."""
    if not usable_key(merchant_key):
        raise ValueError("the transaction has no merchant name to make a rule of")
    if not correction.get("submitted_at"):
        raise ValueError("the correction has no submitted_at")
    return {"rule_id": f"rule-{uuid.uuid4().hex[:12]}", "tenant": tenant, "account": account,
            "merchant_key": merchant_key, "category": correction["category"],
            "status": status_for(rows, max_rows), "rows": "" if rows is None else int(rows),
            **{name: correction.get(name, "") for name in _CORRECTION_FIELDS
               if name != "category"}}


def rule_line(rule: Mapping[str, Any]) -> str:
    return csv_line(dict(rule), RULE_COLUMNS, _TEXT_COLUMNS)


def append_rule(path: str | Path, rule: Mapping[str, Any]) -> None:
    """Append one rule under the file's lock (the header written when the file is new)."""
    line = rule_line(rule).encode("utf-8")
    with LockedFile(path, RULE_COLUMNS, legacy=None) as rules:
        rules.append(line)


def read_rules(path: str | Path) -> pd.DataFrame:
    """Every rule on file (text restored), in file order; empty when there is no file.
    `CorrectionsFileError` when the file is not a rules file."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            # a shared lock: never read half of a rewrite (`revert`, `approve`)
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
            content = handle.read()
    except FileNotFoundError:
        content = b""
    if not content.strip():
        return pd.DataFrame(columns=RULE_COLUMNS)
    frame = pd.read_csv(io.BytesIO(content), dtype="str", keep_default_na=False,
                        encoding="utf-8-sig")
    if list(frame.columns) != RULE_COLUMNS:
        raise CorrectionsFileError(f"{path}: unexpected header {','.join(frame.columns)[:200]!r}"
                                   f"; expected {','.join(RULE_COLUMNS)!r}")
    for column in _TEXT_COLUMNS:
        frame[column] = frame[column].map(restore_formula)
    return frame


def revert(rules_file: str | Path, corrections_file: str | Path, rule_id: str | None = None,
           submitted_by: str | None = None) -> dict[str, int]:
    """Undo one rule (``rule_id``) and the correction it came from, or every rule and
    every correction of ``submitted_by``. Previous files are kept as ``.bak``. Returns how
    many rules and correction lines were removed."""
    if bool(rule_id) == bool(submitted_by):
        raise ValueError("name either a rule id or who made the corrections (not both)")
    rules = read_rules(rules_file)
    if rule_id:
        chosen = rules[rules["rule_id"] == rule_id]
    else:
        chosen = rules[rules["submitted_by"] == submitted_by]
    removed_rules = 0
    if len(chosen) and Path(rules_file).is_file():
        ids = set(chosen["rule_id"])
        at = RULE_COLUMNS.index("rule_id")
        with LockedFile(rules_file, RULE_COLUMNS, legacy=None) as locked:
            removed_rules = locked.remove(lambda rows: [
                i for i, row in enumerate(rows)
                if len(row) > at and restore_formula(row[at]) in ids])
    removed_corrections = 0
    if Path(corrections_file).is_file():
        if submitted_by:
            removed_corrections = remove_corrections_by(corrections_file, submitted_by)
        else:
            for _, rule in chosen.iterrows():
                removed_corrections += remove_correction(
                    corrections_file, {name: rule[name] for name in _CORRECTION_FIELDS})
    return {"rules": removed_rules, "corrections": removed_corrections}


def approve(rules_file: str | Path, corrections_file: str | Path, rule_id: str) -> bool:
    """An operator reviewed a held rule: it becomes active and its correction — kept out
    of the corrections file while held, so that no training learnt from it — is appended
    there. False when no held rule has that id. The previous rules file is kept as
    ``.bak``."""
    at, status = RULE_COLUMNS.index("rule_id"), RULE_COLUMNS.index("status")
    if not Path(rules_file).is_file():
        return False
    with LockedFile(rules_file, RULE_COLUMNS, legacy=None) as locked:
        rows = locked.rows()
        found = [row for row in rows[1:] if len(row) == len(RULE_COLUMNS)
                 and restore_formula(row[at]) == rule_id and row[status] == HELD]
        for row in found:
            row[status] = ACTIVE
            rule = dict(zip(RULE_COLUMNS, row, strict=True))
            append_correction(corrections_file, {name: restore_formula(rule[name])
                                                 for name in _CORRECTION_FIELDS})
        if found:
            locked.replace_rows(rows)
    return bool(found)


def _scope_key(account: str, merchant_key: str) -> str:
    return f"{account}{ACCOUNT_SEPARATOR}{merchant_key}"


@dataclass(frozen=True)
class RuleSet:
    """The active rules of a rules file, as lookups per tenant: ``(account, merchant)`` →
    (category, rule id), ``account`` ``""`` for a rule on every account (immutable: a
    reader never sees half an update)."""

    by_tenant: Mapping[str, Mapping[str, tuple[str, str]]] = field(default_factory=dict)
    held: int = 0

    @classmethod
    def of(cls, rules: pd.DataFrame) -> RuleSet:
        active = rules[rules["status"] == ACTIVE]
        by_tenant: dict[str, dict[str, tuple[str, str]]] = {}
        for tenant, account, key, category, rule_id in zip(
                active["tenant"], active["account"], active["merchant_key"], active["category"],
                active["rule_id"], strict=True):
            by_tenant.setdefault(tenant, {})[_scope_key(account, key)] = (category, rule_id)
        return cls(by_tenant, int((rules["status"] == HELD).sum()))

    def __len__(self) -> int:
        return sum(len(rules) for rules in self.by_tenant.values())

    def lookup(self, tenant: str, merchant_key: str, account: str = "") -> tuple[str, str] | None:
        """(category, rule id) of one transaction of ``tenant``, or None."""
        rules = self.by_tenant.get(tenant)
        if not rules:
            return None
        found = rules.get(_scope_key(account, merchant_key)) if account else None
        return found or rules.get(_scope_key("", merchant_key))

    def categories(self, tenant: str, merchant_key: Any, account: Any = None
                   ) -> tuple[np.ndarray, np.ndarray]:
        """Per row: the rule's category and rule id (None where no rule applies), for
        ``tenant``'s rows with these merchant keys (and accounts). Vectorised: one index
        lookup per scope."""
        keys = pd.Series(np.asarray(merchant_key, dtype=object)).fillna("").astype(str)
        category = np.full(len(keys), None, dtype=object)
        rule_id = np.full(len(keys), None, dtype=object)
        rules = self.by_tenant.get(tenant)
        if not rules or not len(keys):
            return category, rule_id
        index = pd.Index(list(rules))
        answers = np.array([c for c, _ in rules.values()], dtype=object)
        ids = np.array([i for _, i in rules.values()], dtype=object)
        scopes = [ACCOUNT_SEPARATOR + keys]
        if account is not None:
            accounts = pd.Series(np.asarray(account, dtype=object)).fillna("").astype(str)
            # an account's own rule first, then the tenant's rule for every account
            scopes.insert(0, accounts + ACCOUNT_SEPARATOR + keys)
        for scope in scopes:
            at = index.get_indexer(scope.to_numpy())
            hit = (at >= 0) & pd.isna(category)
            category[hit], rule_id[hit] = answers[at[hit]], ids[at[hit]]
        return category, rule_id


def apply_to_answers(predictions: pd.DataFrame, rules: RuleSet, tenant: str,
                     merchant_key: Any, account: Any = None) -> pd.DataFrame:
    """Category answers (``category``, ``confidence``, ``source``, as
    `CategoryModel.predict` gives them) with ``tenant``'s rules applied: category of the
    rule, confidence 1, source ``your correction`` (not to transfers between the user's
    own accounts). Returns ``predictions`` itself when no rule applies (no copy)."""
    category, _ = rules.categories(tenant, merchant_key, account)
    hit = pd.notna(category)
    if hit.any():  # a transfer between the user's own accounts is not a category choice
        hit &= predictions["source"].to_numpy(dtype=object) != KEPT_SOURCE
    if not hit.any():
        return predictions
    result = predictions.copy()
    result.loc[hit, "category"] = category[hit]
    result.loc[hit, "confidence"] = 1.0
    result.loc[hit, "source"] = SOURCE
    if "reason" in result:  # answers that say why they are what they are
        result.loc[hit, "reason"] = REASON
    return result


class RuleBook:
    """The rules of one file, kept current: `current` re-reads the file when it changed
    (checked at most every ``check_every`` seconds: a stat), so a rule written or reverted
    by another process (the command line, the app) acts within that time; `reload` makes a
    rule this process wrote act at once."""

    def __init__(self, path: str | Path, check_every: float = 0.2):
        self.path = Path(path)
        self.check_every = check_every
        self._lock = threading.Lock()
        self._signature: tuple | None = None
        self._checked = 0.0
        self._rules = RuleSet()
        self._frame = pd.DataFrame(columns=RULE_COLUMNS)
        self.error: str | None = None

    def _stat(self) -> tuple | None:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_size, stat.st_mtime_ns)

    def current(self) -> RuleSet:
        now = time.monotonic()
        if now - self._checked < self.check_every:
            return self._rules
        with self._lock:
            self._checked = now
            signature = self._stat()
            if signature != self._signature:
                try:
                    self._frame = read_rules(self.path)
                    self._rules = RuleSet.of(self._frame)
                    self.error = None
                except (CorrectionsFileError, ValueError, csv.Error) as exc:
                    # keep answering with the rules last read; the operator sees why
                    self.error = str(exc)
                self._signature = signature
        return self._rules

    def held_by(self, submitted_by: str) -> int:
        """How many held rules ``submitted_by`` has on file (as last read)."""
        frame = self._frame
        return int(((frame["submitted_by"] == submitted_by) & (frame["status"] == HELD)).sum())

    def reload(self) -> None:
        """Read the file now (after this process wrote to it: its rule acts at once, with
        whatever another process wrote meanwhile). Blocking: call it off the event loop."""
        with self._lock:
            self._frame = read_rules(self.path)
            self._rules = RuleSet.of(self._frame)
            self.error = None
            self._signature = self._stat()
            self._checked = time.monotonic()


def rows_of_merchant(merchant_stats: pd.DataFrame, merchant_key: str,
                     accounts: list[str] | None = None) -> int:
    """Known transactions of ``merchant_key`` in a history's per-(account, merchant) sums
    (`HistoryState.merchant`: index ``account<SEP>key``, a ``count`` column), over
    ``accounts`` (None: every account)."""
    if not len(merchant_stats):
        return 0
    index = merchant_stats.index.astype(str)
    if accounts is None:
        hit = index.str.endswith(f"{ACCOUNT_SEPARATOR}{merchant_key}")
        # the key itself may contain no separator: the account part is what precedes it
        hit &= index.str.count(ACCOUNT_SEPARATOR) == 1
    else:
        hit = index.isin([_scope_key(a, merchant_key) for a in accounts])
    return int(merchant_stats["count"].to_numpy()[hit].sum())
