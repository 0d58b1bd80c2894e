"""Labelled anomalies injected into a real account, the way real fraud and errors look.

Designed from public descriptions of the patterns, not from the detector's rules:

- ``duplicate_charge``: a merchant or bank submits the same payment twice — same payee,
  same amount, the same or the next day (the card networks' "duplicate processing"
  dispute reason: Visa 12.6.1, Mastercard 4834).
- ``card_testing``: someone holding stolen card details checks them with a burst of
  several small purchases within minutes or hours, often under $5, at one merchant,
  before larger fraud (kount.com/blog/card-testing-small-purchases-can-lead-to-big-losses;
  arkoselabs.com/card-testing).
- ``spike_known_payee``: a known payee charged far more than usual — a billing error
  ("a charge for the wrong amount", the US Fair Credit Billing Act's billing-error
  definition) or an account takeover paying an existing payee: 3-10× its usual amount.
- ``large_transfer_new_payee``: authorised push-payment fraud — the account holder is
  deceived into transferring money to an account the fraudster controls, often a large
  share of the balance (FCA Handbook glossary, "authorised push payment fraud";
  UK Finance annual fraud reports): 30-80 % of the balance (or 3-10× the account's
  largest usual outflow when it has no balance column) to a never-seen account.

Amounts and timings are drawn from those descriptions; nothing here reads the detector's
thresholds. Each kind is inserted into the *test period* of one account at random days.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

KINDS = ("duplicate_charge", "card_testing", "spike_known_payee", "large_transfer_new_payee")


def inject_anomalies(account: pd.DataFrame, start: pd.Timestamp, rng: np.random.Generator,
                     per_kind: int = 1) -> pd.DataFrame:
    """The account's rows plus injected ones (on or after ``start``), with ``anomaly_type``
    ('' for real rows) and ``injected`` columns; rows sorted by date (real before injected
    on the same day, as a later posting would be)."""
    real = account.copy()
    real["anomaly_type"], real["injected"] = "", False
    test = real[real["date"] >= start]
    history = real[real["date"] < start]
    outflows = history[history["amount"] < 0]
    if test.empty or outflows.empty:
        return real
    days = pd.date_range(start, real["date"].max(), freq="D")
    new_rows = []

    def row_like(base: pd.Series, **changes) -> dict:
        out = base.to_dict()
        out.update(changes)
        out["anomaly_type"] = changes.get("anomaly_type", out.get("anomaly_type", ""))
        out["injected"] = True
        return out

    for _ in range(per_kind):
        # duplicate: a real outflow of the test period posted again, same or next day
        test_out = test[test["amount"] < 0]
        if len(test_out):
            base = test_out.iloc[rng.integers(len(test_out))]
            new_rows.append(row_like(base, date=base["date"] + pd.Timedelta(
                days=int(rng.integers(0, 2))), anomaly_type="duplicate_charge"))
        # card testing: 3-8 small card payments within a day at one unfamiliar merchant
        day = days[rng.integers(len(days))]
        merchant = f"WEBSHOP {rng.integers(1000, 9999)}"
        typical = float(outflows["amount"].abs().median())
        for _ in range(int(rng.integers(3, 9))):
            small = float(np.round(max(0.5, rng.uniform(0.005, 0.03) * typical), 2))
            new_rows.append(row_like(outflows.iloc[0], date=day, amount=-small,
                                     description=f"Card payment {merchant}", reference=merchant,
                                     payment_method="debit_card", type="expense",
                                     anomaly_type="card_testing"))
        # spike at a known payee: one of its usual payments, 3-10x
        payees = outflows.groupby("reference")["amount"].size()
        known = payees[payees >= 2].index
        if len(known):
            payee = known[rng.integers(len(known))]
            base = outflows[outflows["reference"] == payee].iloc[-1]
            new_rows.append(row_like(base, date=days[rng.integers(len(days))],
                                     amount=float(np.round(base["amount"] * rng.uniform(3, 10), 2)),
                                     anomaly_type="spike_known_payee"))
        # authorised push payment: a large transfer to an account never paid before
        when = days[rng.integers(len(days))]
        balance = real.loc[real["date"] <= when, "balance"] if "balance" in real else None
        if balance is not None and balance.notna().any() and balance.dropna().iloc[-1] > 0:
            size = float(balance.dropna().iloc[-1]) * rng.uniform(0.3, 0.8)
        else:
            size = float(outflows["amount"].abs().max()) * rng.uniform(3, 10)
        payee = f"ZZ {rng.integers(10_000_000, 99_999_999)}"
        new_rows.append(row_like(outflows.iloc[0], date=when, amount=-float(np.round(size, 2)),
                                 description=f"Transfer to {payee}", reference=payee,
                                 payment_method="bank_transfer", type="expense",
                                 anomaly_type="large_transfer_new_payee"))
    injected = pd.DataFrame(new_rows)
    for column in ("balance",):
        if column in injected:
            injected[column] = np.nan  # a balance written by the bank would include it
    out = pd.concat([real, injected], ignore_index=True)
    out["_order"] = np.arange(len(out))
    out = out.sort_values(["date", "injected", "_order"], kind="stable").drop(columns="_order")
    out["source_row"] = np.arange(1, len(out) + 1)
    out["transaction_id"] = np.where(out["injected"], "inj" + pd.Series(
        np.arange(len(out)), index=out.index).astype(str), out["transaction_id"])
    return out.reset_index(drop=True)
