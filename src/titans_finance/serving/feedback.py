"""``POST /feedback``: who may correct what, and how much one correction may change.

A correction names *one* transaction: its date and amount, and its reference (or its
description when it has none) — `schemas.Feedback` refuses a reference alone (one
reference named 372 rows, 7.4 % of a training export). It is recorded with the tenant
that sent it (``submitted_by``), counts against the tenant's budget (rate) and cap
(corrections on file), and is refused when it would change more than
``TITANS_FEEDBACK_MAX_ROWS`` of the tenant's recorded transactions (the rows it
matches are counted, not the lines sent). At once, the correction becomes a rule for its
merchant in the tenant's later answers (`serving.corrections_live`; held for an operator's
review when it would change more known transactions than ``TITANS_FEEDBACK_RULE_MAX_ROWS``);
the next training learns from it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from titans_finance.serving.schemas import Feedback
from titans_finance.serving.security import Caller, Guard, RateLimited, charge

logger = logging.getLogger(__name__)


class FeedbackRefused(Exception):
    """A correction not recorded: ``status`` and a message for the caller."""

    def __init__(self, status: int, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.status, self.retry_after = status, retry_after


def rows_within_cap(matched: int, cap: int) -> None:
    """Refuse a correction that would change more than ``cap`` transactions."""
    if matched > cap:
        raise FeedbackRefused(422, f"this correction matches {matched} of your recorded "
                                   f"transactions; one correction may change at most {cap}: "
                                   "name the transaction more precisely, or have an operator "
                                   "review it")


async def receive_feedback(fields: dict[str, Any], caller: Caller | None, corrections_path: str,
                           store: Any = None, live: Any = None, history: Any = None
                           ) -> dict[str, Any]:
    """Check and record one correction, and make it the tenant's rule for its merchant
    (``live``: the service's `LiveCorrections`; ``history``: the served training history
    the rule's known transactions are counted in); `FeedbackRefused` says why not."""
    from titans_finance.core.corrections import (
        CorrectionsCapReached,
        CorrectionsFileError,
        append_correction,
    )

    guard = Guard.get()
    try:
        charge(guard.feedback, caller, 1, "corrections")
    except RateLimited as exc:
        raise FeedbackRefused(429, str(exc), exc.retry_after) from None
    feedback = Feedback(**fields)
    tenant = caller.tenant if caller else ""
    record = {**feedback.record(), "submitted_by": tenant,
              "submitted_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    if store is not None and tenant:
        matched = await asyncio.to_thread(
            store.matching, tenant, feedback.date.isoformat(), feedback.amount,
            feedback.reference, feedback.description)
        rows_within_cap(matched, guard.settings.feedback_max_rows)
    rule = None
    if live is not None and history is not None:
        rule = await asyncio.to_thread(live.rule_for, record, tenant, history)
    described = {} if live is None else {"rule": live.describe(rule)}
    if feedback.dry_run:
        return {"accepted": False, "dry_run": True, "correction": record, **described}
    try:
        if live is None or not live.held(rule):  # held: for an operator's review only
            await asyncio.to_thread(append_correction, corrections_path, record,
                                    guard.feedback_cap(tenant))
        if rule is not None:
            await asyncio.to_thread(live.save, rule, guard.feedback_cap(tenant))
    except CorrectionsCapReached as exc:
        raise FeedbackRefused(429, str(exc).replace("this key", "this tenant")) from None
    except CorrectionsFileError as exc:
        logger.warning("POST /feedback refused: %s", exc)
        raise FeedbackRefused(409, "the corrections file is not in the expected format; the "
                                   "operator has the details in the service log") from None
    # a held correction is kept for an operator's review only: not (yet) accepted
    return {"accepted": live is None or not live.held(rule), "correction": record, **described}
