"""Seeded generator of a multi-account export (``titans-finance generate --accounts N``).

Accounts belong to users of two: a current account (salary in, rent and bills out, debit
card spending, a monthly payment to the card) and a credit card (subscriptions and card
spending, the monthly payment in). With an odd N the last user has a current account
only. Every account has its own levels: salary, rent, price level, which merchants it
uses and which subscriptions it pays, its pay and bill days. The card payment is the
same amount out of the current account and into the card on the same day: a transfer
between the user's own accounts, which ingestion marks (``is_transfer``).

The export is one CSV with the usual columns plus ``Account`` and ``Balance`` (the
running balance after each line, from a per-account opening balance), rows grouped by
account and in date order inside each. A share ``anomaly_rate`` of card spending is
multiplied 5-12× (billing-error spikes at a known payee), listed in the truth table.

Vectorised over accounts and rows (loops run over the handful of bill kinds only), so 10M
rows take seconds to generate; same arguments, same bytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from titans_finance.core.schema import RAW_COLUMNS
from titans_finance.synthetic.generator import DEFAULT_END, DEFAULT_START
from titans_finance.synthetic.merchants import MERCHANTS, RECURRING

SALARY_PAYERS = ("ACME CORP PAYROLL", "GLOBEX PAYROLL", "INITECH SALARY", "UMBRELLA PAYROLL",
                 "STARK INDUSTRIES PAY", "WAYNE ENTERPRISES")
SUBSCRIPTIONS = tuple(r for r in RECURRING if r[5] == "credit_card")
BILLS = tuple(r for r in RECURRING if r[5] == "bank_transfer" and r[1] != "rent")
CARD_PAYMENT = "CREDIT CARD PAYMENT"
CARD_PAYMENT_IN = "PAYMENT RECEIVED - THANK YOU"
MERCHANTS_PER_ACCOUNT = 8
SPENDING_SHARE = 0.4  # of the salary, spent at merchants (debit and card together)


def account_names(accounts: int, first: int = 0) -> np.ndarray:
    """``U000001-CHK``/``U000001-CARD``: user number and kind of account (accounts
    ``first`` .. ``first + accounts - 1``; ``first`` even: a user's two accounts together)."""
    index = np.arange(first, first + accounts)
    user = pd.Series(index // 2 + 1).map("U{:06d}".format).to_numpy(dtype=object)
    return user + np.where(index % 2 == 0, "-CHK", "-CARD").astype(object)


def _monthly(rng, months: pd.DatetimeIndex, owners: np.ndarray, day: np.ndarray,
             amount: np.ndarray, jitter: float) -> pd.DataFrame:
    """One row per (owner account, month) on the owner's day, amount × (1 ± jitter)."""
    n_owners, n_months = len(owners), len(months)
    dates = (np.repeat(months.to_numpy(dtype="datetime64[D]")[None, :], n_owners, axis=0)
             + (day[:, None] - 1).astype("timedelta64[D]"))
    noise = 1.0 + jitter * rng.standard_normal((n_owners, n_months)) if jitter else 1.0
    values = np.round(amount[:, None] * noise, 2) * np.ones((1, n_months))
    return pd.DataFrame({"account": np.repeat(owners, n_months),
                         "date": dates.ravel(), "amount": values.ravel()})


def generate_accounts(accounts: int, rows: int, seed: int | np.random.SeedSequence,
                      start: str = DEFAULT_START, end: str = DEFAULT_END,
                      anomaly_rate: float = 0.01, first: int = 0
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """About ``rows`` export lines over ``accounts`` accounts; returns ``(export, truth)``.

    The period ends at ``end`` and is shortened (whole months) so that the monthly items
    stay about a third of each account's lines."""
    if accounts < 1:
        raise ValueError(f"accounts must be at least 1, got {accounts}")
    if rows < accounts:
        raise ValueError(f"rows ({rows}) must be at least the number of accounts ({accounts})")
    if not 0.0 <= anomaly_rate <= 0.5:
        raise ValueError(f"anomaly_rate must be between 0 and 0.5, got {anomaly_rate}")
    start_ts, end_ts = pd.Timestamp(start), pd.Timestamp(end)
    if start_ts >= end_ts:
        raise ValueError(f"start ({start}) must be before end ({end})")
    rng = np.random.default_rng(seed)
    names = account_names(accounts, first)
    is_card = np.arange(accounts) % 2 == 1
    has_card = np.zeros(accounts, dtype=bool)
    has_card[:-1] = is_card[1:]  # a current account followed by its user's card
    per_account = rows / accounts
    # monthly items per account and month: ~5 for a current account, ~4 for a card
    all_months = pd.date_range(start_ts.to_period("M").to_timestamp(), end_ts, freq="MS")
    wanted = max(1, int(round(per_account / 3 / 4.5)))
    months = all_months[-min(wanted, len(all_months)):]
    first_day = max(start_ts, months[0])
    months = months[months + pd.Timedelta(days=27) <= end_ts] if len(months) > 1 else months

    # per-account levels
    salary = np.round(np.exp(rng.normal(np.log(3200), 0.4, accounts)) / 10) * 10
    pay_day = rng.integers(1, 29, accounts)
    rent = np.round(salary * rng.uniform(0.22, 0.38, accounts), 0)
    rent_day = rng.integers(1, 6, accounts)
    price_level = np.exp(rng.normal(0.0, 0.25, accounts))
    card_day = rng.integers(10, 26, accounts)
    checking = np.flatnonzero(~is_card)
    cards = np.flatnonzero(is_card)
    frames = []
    incomes = _monthly(rng, months, names[checking], pay_day[checking], salary[checking], 0.0)
    incomes["description"] = np.array(SALARY_PAYERS, dtype=object)[
        np.repeat(rng.integers(0, len(SALARY_PAYERS), len(checking)), len(months))]
    incomes = incomes.assign(category="", payment="bank_transfer", type="Income",
                             reference=incomes["description"])
    frames.append(incomes)
    rents = _monthly(rng, months, names[checking], rent_day[checking], -rent[checking], 0.0)
    frames.append(rents.assign(description="RENT PAYMENT", category="rent",
                               payment="bank_transfer", type="Expense",
                               reference="Property Management"))
    for merchant, category, day, amount, description, payment in BILLS:
        payers = checking[rng.random(len(checking)) < 0.6]
        bill = _monthly(rng, months, names[payers], np.full(len(payers), day),
                        -amount * price_level[payers], 0.08)
        frames.append(bill.assign(description=description, category=category, payment=payment,
                                  type="Expense", reference=merchant))
    subscribers = np.where(is_card, np.arange(accounts), -1)
    subscribers[~is_card & ~has_card] = np.flatnonzero(~is_card & ~has_card)  # no card: on CHK
    subscribers = subscribers[subscribers >= 0]
    for merchant, category, day, amount, description, payment in SUBSCRIPTIONS:
        payers = subscribers[rng.random(len(subscribers)) < 0.4]
        subscription = _monthly(rng, months, names[payers], np.full(len(payers), day),
                                np.full(len(payers), -amount), 0.0)
        frames.append(subscription.assign(description=description, category=category,
                                          payment=payment, type="Expense", reference=merchant))

    # card spending: each account's own merchants, amounts at its own price level

    n_fixed = np.bincount(pd.Index(names).get_indexer(pd.concat(
        [f["account"] for f in frames]).to_numpy()), minlength=accounts)
    card_payments = np.where(has_card, len(months), 0) + np.where(is_card, len(months), 0)
    target = np.full(accounts, rows // accounts) + (np.arange(accounts) < rows % accounts)
    n_variable = np.maximum(target - n_fixed - card_payments, 0)
    owner = np.repeat(np.arange(accounts), n_variable)
    n = len(owner)
    merchant_sets = np.argsort(rng.random((accounts, len(MERCHANTS))), axis=1)[
        :, :MERCHANTS_PER_ACCOUNT]
    which = merchant_sets[owner, rng.integers(0, MERCHANTS_PER_ACCOUNT, n)]
    median = np.array([m.median for m in MERCHANTS])[which]
    sigma = np.array([m.sigma for m in MERCHANTS])[which]
    amount = -median * price_level[owner] * np.exp(sigma * rng.standard_normal(n))
    # a user spends what the salary allows: card and debit spending together come to
    # SPENDING_SHARE of the salary (after rent and bills, a little is saved every month)
    user = np.arange(accounts) // 2
    spent = np.bincount(user[owner], weights=-amount, minlength=user.max() + 1)
    budget = SPENDING_SHARE * salary[::2] * len(months)
    scale = np.divide(budget, spent, out=np.ones_like(budget), where=spent > 0)
    amount = np.minimum(np.round(amount * scale[user[owner]], 2), -0.5)
    span = (end_ts - first_day).days + 1
    dates = np.datetime64(first_day.date(), "D") + rng.integers(0, span, n).astype(
        "timedelta64[D]")
    descriptions = np.array([m.descriptions[0] for m in MERCHANTS], dtype=object)[which]
    spending = pd.DataFrame({
        "account": names[owner], "date": dates, "amount": amount, "description": descriptions,
        "category": np.array([m.category for m in MERCHANTS], dtype=object)[which],
        "payment": np.where(is_card[owner], "credit_card", "debit_card"), "type": "Expense",
        "reference": np.array([m.name for m in MERCHANTS], dtype=object)[which]})
    spikes = np.flatnonzero(rng.random(n) < anomaly_rate)
    spending.loc[spikes, "amount"] = np.round(
        spending["amount"].to_numpy()[spikes] * rng.uniform(5, 12, len(spikes)), 2)
    spending["anomaly_type"] = ""
    spending.loc[spikes, "anomaly_type"] = "spike_known_payee"
    frames.append(spending)

    # the card payment: the card's mean monthly charges (spending and subscriptions), give
    # or take 10 %, out of CHK and into the card
    payers = np.flatnonzero(has_card)
    if len(payers):
        charges = pd.concat([f[["account", "amount"]] for f in frames], ignore_index=True)
        card_spend = (charges[charges["account"].isin(names[payers + 1])]
                      .groupby("account")["amount"].sum().reindex(names[payers + 1])
                      .fillna(0.0).to_numpy())
        monthly = np.maximum(np.round(-card_spend / max(len(months), 1), 0), 10.0)
        out = _monthly(rng, months, names[payers], card_day[payers], -monthly, 0.1)
        into = out.assign(account=np.repeat(names[payers + 1], len(months)),
                          amount=-out["amount"].to_numpy())
        frames.append(out.assign(description=CARD_PAYMENT, category="", payment="bank_transfer",
                                 type="Expense", reference=""))
        frames.append(into.assign(description=CARD_PAYMENT_IN, category="",
                                  payment="bank_transfer", type="Income", reference=""))

    rows_frame = pd.concat(frames, ignore_index=True)
    rows_frame = rows_frame[(rows_frame["date"] >= first_day) & (rows_frame["date"] <= end_ts)]
    rows_frame["anomaly_type"] = rows_frame["anomaly_type"].fillna("")
    position = pd.Index(names).get_indexer(rows_frame["account"].to_numpy())
    order = np.lexsort((rows_frame["date"].to_numpy(), position))
    rows_frame = rows_frame.iloc[order].reset_index(drop=True)
    opening = np.round(rng.uniform(200, 5000, accounts), 2)
    opening[is_card] = 0.0
    balance = (rows_frame.groupby("account", sort=False)["amount"].cumsum().to_numpy()
               + opening[position[order]])
    amounts = rows_frame["amount"].to_numpy(dtype="float64")
    export = pd.DataFrame({
        "Date": pd.to_datetime(rows_frame["date"]).dt.strftime("%Y-%m-%d").to_numpy(),
        "Type": rows_frame["type"].to_numpy(),
        "Description": rows_frame["description"].to_numpy(),
        "Amount": np.char.mod("%.2f", amounts),
        "Category": rows_frame["category"].to_numpy(),
        "Payment Method": rows_frame["payment"].to_numpy(),
        "Status": np.where(amounts < 0, "paid", "received"),
        "Reference": rows_frame["reference"].to_numpy(),
        "Receipt URL": "",
        "Account": rows_frame["account"].to_numpy(),
        "Balance": np.char.mod("%.2f", np.round(balance, 2)),
    })
    truth_rows = np.flatnonzero(rows_frame["anomaly_type"].to_numpy() != "")
    truth = export.iloc[truth_rows][["Date", "Description", "Amount", "Reference", "Account"]]
    truth = truth.assign(anomaly_type=rows_frame["anomaly_type"].to_numpy()[truth_rows])
    truth.insert(0, "row_number", truth_rows + 1)
    return export[[*RAW_COLUMNS, "Account", "Balance"]], truth.reset_index(drop=True)


CHUNK_ROWS = 500_000  # about this many rows generated (and held in memory) at once


def write_accounts(accounts: int, rows: int, seed: int, output: str | Path,
                   truth_path: str | Path | None = None, start: str = DEFAULT_START,
                   end: str = DEFAULT_END, anomaly_rate: float = 0.01
                   ) -> tuple[Path, Path, int, int]:
    """`generate_accounts` for any number of accounts, whole users of about ``CHUNK_ROWS``
    rows at a time, each chunk appended to the CSV (memory bounded by a chunk, not the
    export; chunk ``i`` drawn from ``SeedSequence([seed, i])``: deterministic per seed).
    Returns the export and truth paths and their row counts."""
    from titans_finance.synthetic.generator import default_truth_path

    if rows < accounts:
        raise ValueError(f"rows ({rows}) must be at least the number of accounts ({accounts})")
    output = Path(output)
    truth_path = Path(truth_path) if truth_path else default_truth_path(output)
    for path in (output, truth_path):
        path.parent.mkdir(parents=True, exist_ok=True)
    written = anomalies = 0
    chunk = max(2, CHUNK_ROWS * accounts // rows // 2 * 2)  # even: a user's accounts together
    for i, first in enumerate(range(0, accounts, chunk)):
        count = min(chunk, accounts - first)
        # this chunk's share of the rows: what a single call would give these accounts
        share = (rows * (first + count)) // accounts - (rows * first) // accounts
        export, truth = generate_accounts(count, share, np.random.SeedSequence([seed, i]), start,
                                          end, anomaly_rate, first=first)
        truth["row_number"] += written
        export.to_csv(output, index=False, lineterminator="\n", mode="w" if i == 0 else "a",
                      header=i == 0)
        truth.to_csv(truth_path, index=False, lineterminator="\n", mode="w" if i == 0 else "a",
                     header=i == 0)
        written += len(export)
        anomalies += len(truth)
    return output, truth_path, written, anomalies
