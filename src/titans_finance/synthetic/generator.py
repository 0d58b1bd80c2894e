"""Seeded generator of realistic transaction exports (the project's embedded default data).

Imitates the export of a small consulting business over several years, in the
format `Date,Type,Description,Amount,Category,Payment Method,Status,Reference,Receipt URL`:

- recurring items on fixed days: rent, software subscriptions, phone/internet,
  insurance (with occasional price increases), a monthly client retainer;
- irregular client payments and variable expenses from several merchants per
  category, each with its own log-normal amount distribution, weekday and
  yearly seasonality;
- bank-style noisy descriptors for part of the rows (``SQ *BLUE BOTTLE 0412``);
- dirty rows at ``dirty_rate``: typos in enum values, other date/amount formats,
  stray whitespace, missing fields, garbage values, exact duplicate lines;
- injected anomalies at ``anomaly_rate`` shaped like real fraud and errors (duplicated
  charges, card-testing bursts, billing-error spikes at known payees, large transfers to
  new payees), listed in a separate truth table.

Everything is vectorised with numpy/pandas; loops run over merchants and
categories (tens), never over rows. Same arguments, same bytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from titans_finance.core.schema import RAW_COLUMNS
from titans_finance.synthetic.dirt import DIRTY_KINDS, dirty_rows
from titans_finance.synthetic.merchants import (
    CATEGORY_PROFILES,
    CLIENT_WORK,
    CLIENTS,
    MERCHANTS,
    MONTH_PROFILES,
    RECURRING,
    RETAINER,
    WEEKDAY_PROFILES,
)

DEFAULT_START = "2022-01-01"
DEFAULT_END = "2025-12-31"
ANOMALY_TYPES = ("duplicate_charge", "card_testing", "spike_known_payee", "large_transfer_new_payee")


def _day_weights(days: pd.DatetimeIndex, weekday: np.ndarray, month: np.ndarray,
                 growth: float = 0.15) -> np.ndarray:
    """Probability of each day: weekday × month profile × slow business growth."""
    trend = 1.0 + growth * np.linspace(0.0, 1.0, len(days))
    w = weekday[days.dayofweek.to_numpy()] * month[days.month.to_numpy() - 1] * trend
    return w / w.sum()


def _digits(rng: np.random.Generator, n: int, width: int) -> pd.Series:
    return pd.Series(rng.integers(0, 10**width, n)).astype(str).str.zfill(width)


def _alnum(rng: np.random.Generator, n: int, width: int = 5) -> pd.Series:
    alphabet = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"))
    chars = alphabet[rng.integers(0, len(alphabet), (n, width))]
    return pd.Series(chars.view(f"<U{width}").ravel() if chars.dtype.itemsize == 4 else
                     ["".join(row) for row in chars])


_CITIES = ("HOUSTON TX", "AUSTIN TX", "SEATTLE WA", "DENVER CO", "CHICAGO IL", "ATLANTA GA",
           "PHOENIX AZ", "TACOMA WA")


def _descriptor(template: str, rng: np.random.Generator, n: int) -> pd.Series:
    if "{city}" in template:
        head, tail = template.split("{city}")
        cities = pd.Series(np.array(_CITIES)[rng.integers(0, len(_CITIES), n)])
        return _descriptor(head, rng, n) + cities + tail
    if "{a}" in template:
        head, tail = template.split("{a}")
        return head + _alnum(rng, n) + tail
    head, tail = template.split("{n}")
    return head + _digits(rng, n, 4) + tail


# How card lines reach an export: the bare descriptor, or wrapped by the bank's wording
# (channel prefix, authorisation date, card suffix). Chosen at random for every merchant
# and category alike: the wording says how the money moved, not what it bought.
_LINE_WRAPPERS = (("", ""), ("", ""), ("POS PURCHASE ", ""), ("DEBIT CARD PURCHASE ", ""),
                  ("CHECKCARD {d} ", ""), ("PURCHASE AUTHORIZED ON {d} ", " CARD {c}"),
                  ("", " CARD {c}"), ("RECURRING PAYMENT ", ""))


def _bank_line(descriptor: pd.Series, rng: np.random.Generator) -> pd.Series:
    n = len(descriptor)
    which = rng.integers(0, len(_LINE_WRAPPERS), n)
    days = pd.Series(rng.integers(1, 13, n)).map("{:02d}".format) + "/" + pd.Series(
        rng.integers(1, 29, n)).map("{:02d}".format)
    cards = _digits(rng, n, 4)
    heads = pd.Series([_LINE_WRAPPERS[w][0] for w in which])
    tails = pd.Series([_LINE_WRAPPERS[w][1] for w in which])
    heads = pd.Series([h.replace("{d}", d) for h, d in zip(heads, days, strict=True)])
    tails = pd.Series([t.replace("{c}", c) for t, c in zip(tails, cards, strict=True)])
    return heads + descriptor.reset_index(drop=True) + tails


def _receipts(rng: np.random.Generator, n: int) -> pd.Series:
    ids = pd.Series(rng.integers(0, 2**62, n, dtype=np.int64)).map("{:016x}".format)
    return "https://receipts.titans-finance.example/r/" + ids + ".png"


def _month_starts(start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
    return pd.date_range(start.to_period("M").to_timestamp(), end, freq="MS")


def _recurring_rows(rng, start, end) -> pd.DataFrame:
    months = _month_starts(start, end)
    frames = []
    for merchant, category, day, amount, description, payment in RECURRING:
        dates = months + pd.to_timedelta(day - 1, unit="D")
        # A price increase of ~5-15 % in some Januaries (subscriptions, rent, insurance).
        years = dates.year.to_numpy() - dates.year.min()
        bumps = 1.0 + rng.uniform(0.05, 0.15, years.max() + 1) * (rng.random(years.max() + 1) < 0.6)
        bumps[0] = 1.0
        price = amount * np.cumprod(bumps)[years]
        frames.append(pd.DataFrame({"date": dates, "type": "Expense", "description": description,
                                    "amount": -np.round(price, 2), "category": category,
                                    "payment": payment, "merchant": merchant}))
    merchant, day, amount, description = RETAINER
    frames.append(pd.DataFrame({"date": months + pd.to_timedelta(day - 1, unit="D"),
                                "type": "Income", "description": description, "amount": amount,
                                "category": None, "payment": None, "merchant": merchant}))
    rows = pd.concat(frames, ignore_index=True)
    return rows[(rows["date"] >= start) & (rows["date"] <= end)]


def _client_payments(rng, days: pd.DatetimeIndex, n: int) -> pd.DataFrame:
    day_p = _day_weights(days, WEEKDAY_PROFILES["business"], MONTH_PROFILES["flat"])
    dates = days[rng.choice(len(days), n, p=day_p)]
    client = rng.integers(0, len(CLIENTS), n)
    work = rng.integers(0, len(CLIENT_WORK), n)
    amounts = np.round(np.exp(rng.normal(np.log(2400), 0.35, n)) / 25) * 25
    return pd.DataFrame({"date": dates, "type": "Income",
                         "description": np.array(CLIENT_WORK)[work], "amount": amounts,
                         "category": None, "payment": None, "merchant": np.array(CLIENTS)[client]})


def _variable_expenses(rng, days: pd.DatetimeIndex, n: int, noisy_share: float) -> pd.DataFrame:
    weights = np.array([m.weight for m in MERCHANTS])
    which = rng.choice(len(MERCHANTS), n, p=weights / weights.sum())
    frames = []
    for index, merchant in enumerate(MERCHANTS):
        count = int((which == index).sum())
        if count == 0:
            continue
        weekday, month = CATEGORY_PROFILES.get(merchant.category, ("business", "flat"))
        dates = days[rng.choice(len(days), count, p=_day_weights(days, WEEKDAY_PROFILES[weekday],
                                                                   MONTH_PROFILES[month]))]
        amounts = np.round(merchant.median * np.exp(rng.normal(0.0, merchant.sigma, count)), 2)
        if merchant.category == "travel" and merchant.median < 30:  # parking: round prices
            amounts = np.maximum(5.0, np.round(amounts / 5) * 5)
        options = ((merchant.category, 1.0 - sum(o[1] for o in merchant.other_categories),
                    merchant.descriptions, 1.0), *merchant.other_categories)
        choice = rng.choice(len(options), count, p=[o[1] for o in options])
        category = np.array([o[0] for o in options], dtype=object)[choice]
        amounts = np.round(amounts * np.array([o[3] for o in options])[choice], 2)
        clean_text = np.empty(count, dtype=object)
        for index_option, (_, _, descriptions, _) in enumerate(options):
            rows_option = choice == index_option
            clean_text[rows_option] = np.array(descriptions)[
                rng.integers(0, len(descriptions), int(rows_option.sum()))]
        noisy = rng.random(count) < noisy_share
        text = pd.Series(clean_text).where(~noisy, _bank_line(_descriptor(
            merchant.descriptor, rng, count), rng))
        frames.append(pd.DataFrame({"date": dates, "type": "Expense", "description": text.to_numpy(),
                                    "amount": -amounts, "category": category,
                                    "payment": merchant.payment, "merchant": merchant.name}))
    rows = pd.concat(frames, ignore_index=True)
    # bank transfers are not only professional fees: any merchant may be paid either way
    switch = rng.random(len(rows))
    rows.loc[(rows["payment"] == "bank_transfer") & (switch < 0.3), "payment"] = "credit_card"
    rows.loc[(rows["payment"] != "bank_transfer") & (switch > 0.92), "payment"] = "bank_transfer"
    card = rows["payment"] == "credit_card"
    switch = rng.random(len(rows))
    rows.loc[card & (switch < 0.12), "payment"] = "debit_card"
    rows.loc[card & (switch > 0.95), "payment"] = "paypal"
    return rows


def _inject_anomalies(rng, base: pd.DataFrame, n: int, end: pd.Timestamp) -> pd.DataFrame:
    """``n`` anomalous rows shaped like real fraud and errors, not like the detector's rules
    (the patterns and their sources: `titans_finance.synthetic.anomalies`): a
    duplicated charge (same payee and amount, same or next day), a burst of 3-6 small
    card-testing charges at one unfamiliar web shop on one day, a known payee charged
    3-10x its amount (billing error), and a large transfer to a never-seen payee
    (authorised push-payment fraud), on any day of the week."""
    if n == 0:
        return base.iloc[0:0].assign(anomaly_type=pd.Series(dtype="str"))
    kinds = np.array(ANOMALY_TYPES)[np.arange(n) % len(ANOMALY_TYPES)]
    rng.shuffle(kinds)
    expenses = base[base["type"] == "Expense"]
    source = expenses.iloc[rng.integers(0, len(expenses), n)].reset_index(drop=True)
    out = source.copy()
    out["anomaly_type"] = kinds
    dup = kinds == "duplicate_charge"
    out.loc[dup, "date"] = source.loc[dup, "date"] + pd.to_timedelta(
        rng.integers(0, 2, dup.sum()), unit="D")
    spike = kinds == "spike_known_payee"
    out.loc[spike, "amount"] = np.round(source.loc[spike, "amount"] * rng.uniform(3, 10,
                                                                                  spike.sum()), 2)
    out.loc[spike, "date"] = source.loc[spike, "date"] + pd.to_timedelta(
        rng.integers(1, 30, spike.sum()), unit="D")
    transfer = kinds == "large_transfer_new_payee"
    k = int(transfer.sum())
    largest = float(expenses["amount"].abs().quantile(0.99))
    payees = ("Transfer to account " + pd.Series(_digits(rng, k, 8))).to_numpy()
    out.loc[transfer, "description"] = payees
    out.loc[transfer, "merchant"] = payees
    out.loc[transfer, "amount"] = -np.round(largest * rng.uniform(2, 6, k), 2)
    out.loc[transfer, "category"] = "other"
    out.loc[transfer, "payment"] = "bank_transfer"
    testing = np.flatnonzero(kinds == "card_testing")
    # card-testing rows come in bursts (one shop, one day) of 3-6 rows
    start = 0
    while start < len(testing):
        size = int(rng.integers(3, 7))
        rows = testing[start:start + size]
        shop = f"WEBSHOP {_digits(rng, 1, 5).iloc[0]}"
        out.loc[rows, "merchant"] = shop
        out.loc[rows, "description"] = shop
        out.loc[rows, "date"] = out.loc[rows[0], "date"]
        out.loc[rows, "amount"] = -np.round(rng.uniform(0.5, 5.0, len(rows)), 2)
        out.loc[rows, "category"] = "other"
        out.loc[rows, "payment"] = "credit_card"
        start += size
    out["date"] = out["date"].clip(upper=end)
    return out


def _format(rows: pd.DataFrame, rng) -> pd.DataFrame:
    """Render typed rows as export strings (clean formatting)."""
    n = len(rows)
    expense = rows["type"].to_numpy() == "Expense"
    receipt = _receipts(rng, n)
    # A receipt is attached to about half of the expenses, whatever they are: real users
    # attach receipts haphazardly, and the category models must never learn "no receipt
    # means professional fees" (the service never receives receipts; issue #13).
    has_receipt = expense & (rng.random(n) < 0.5)
    export = pd.DataFrame({
        "Date": rows["date"].dt.strftime("%Y-%m-%d").to_numpy(),
        "Type": rows["type"].to_numpy(),
        "Description": rows["description"].to_numpy(),
        "Amount": np.char.mod("%.2f", rows["amount"].to_numpy(dtype="float64")),
        "Category": rows["category"].fillna("").to_numpy(),
        "Payment Method": rows["payment"].fillna("").to_numpy(),
        "Status": np.where(expense, "paid", "received"),
        "Reference": rows["merchant"].to_numpy(),
        "Receipt URL": np.where(has_receipt, receipt.to_numpy(), ""),
    })
    # an injected anomaly keeps its payee: a transfer to a new account always names it
    no_reference = (rng.random(n) < 0.03) & (rows["anomaly_type"].to_numpy() == "")
    export.loc[no_reference & expense, "Reference"] = ""
    return export.astype("str")


def generate_transactions(
    rows: int,
    seed: int,
    start: str = DEFAULT_START,
    end: str = DEFAULT_END,
    anomaly_rate: float = 0.01,
    dirty_rate: float = 0.02,
    order: str = "oldest-first",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate ``rows`` export lines; returns ``(export, truth)``.

    ``export`` has exactly the raw columns, as strings, in file order. ``truth``
    lists the injected anomalies: ``row_number`` (1-based data row of the
    export), ``Date``, ``Description``, ``Amount``, ``Reference``, ``anomaly_type``.
    """
    if rows < 1:
        raise ValueError(f"rows must be at least 1, got {rows}")
    for name, rate in (("anomaly_rate", anomaly_rate), ("dirty_rate", dirty_rate)):
        if not 0.0 <= rate <= 0.5:
            raise ValueError(f"{name} must be between 0 and 0.5, got {rate}")
    if order not in ("oldest-first", "newest-first"):
        raise ValueError(f"order must be oldest-first or newest-first, got {order!r}")
    start_ts, end_ts = pd.Timestamp(start), pd.Timestamp(end)
    if start_ts >= end_ts:
        raise ValueError(f"start ({start}) must be before end ({end})")
    rng = np.random.default_rng(seed)

    n_duplicates = int(round(rows * dirty_rate * DIRTY_KINDS["exact_duplicate"]))
    n_anomalies = int(round(rows * anomaly_rate))
    n_base = rows - n_duplicates - n_anomalies
    # Few rows: shorten the period (ending at `end`) so recurring items stay ~30 % of the rows.
    per_month = len(RECURRING) + 1
    months_wanted = max(1, int(0.3 * n_base / per_month))
    months_available = len(_month_starts(start_ts, end_ts))
    if months_wanted < months_available:
        start_ts = max(start_ts, (end_ts.to_period("M") - months_wanted + 1).to_timestamp())
    days = pd.date_range(start_ts, end_ts, freq="D")
    recurring = _recurring_rows(rng, start_ts, end_ts)
    recurring = recurring.iloc[:max(0, min(len(recurring), n_base - 1))]
    remaining = n_base - len(recurring)
    n_clients = int(round(remaining * 0.06)) if remaining > 1 else 0
    base = pd.concat([recurring, _client_payments(rng, days, n_clients),
                      _variable_expenses(rng, days, remaining - n_clients, noisy_share=0.35)],
                     ignore_index=True)
    anomalies = _inject_anomalies(rng, base, n_anomalies, end_ts)
    base["anomaly_type"] = ""
    typed = pd.concat([base, anomalies], ignore_index=True)
    typed = typed.sort_values("date", kind="stable", ascending=(order == "oldest-first"))
    typed = typed.reset_index(drop=True)

    export = _format(typed, rng)
    export["_anomaly"] = typed["anomaly_type"].to_numpy()
    n_dirty = int(round(rows * dirty_rate)) - n_duplicates
    export = dirty_rows(export, rng, min(max(n_dirty, 0), int((export["_anomaly"] == "").sum())))

    # Exact duplicate lines: an export repeated a line right after the original.
    if n_duplicates:
        # (never an anomaly: the repeat would be a second, unlabelled copy of it)
        plain = (export["_dirty"] == "") & (export["_anomaly"] == "")
        originals = np.sort(rng.choice(np.flatnonzero(plain), n_duplicates, replace=False))
        repeated = np.repeat(np.arange(len(export)), np.where(
            np.isin(np.arange(len(export)), originals), 2, 1))
        export = export.iloc[repeated].reset_index(drop=True)

    truth_rows = np.flatnonzero(export["_anomaly"].to_numpy() != "")
    truth = export.iloc[truth_rows][["Date", "Description", "Amount", "Reference", "_anomaly"]]
    truth = truth.rename(columns={"_anomaly": "anomaly_type"})
    truth.insert(0, "row_number", truth_rows + 1)
    export = export[list(RAW_COLUMNS)].reset_index(drop=True)
    return export, truth.reset_index(drop=True)


def default_truth_path(output_path: str | Path) -> Path:
    output_path = Path(output_path)
    return output_path.with_name(f"{output_path.stem}_anomalies.csv")


def write_export(export: pd.DataFrame, truth: pd.DataFrame | None, output_path: str | Path,
                 truth_path: str | Path | None = None) -> tuple[Path, Path | None]:
    """Write the export CSV (and the truth CSV beside it unless ``truth`` is None)."""
    output_path = Path(output_path)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    export.to_csv(output_path, index=False, lineterminator="\n")
    if truth is None:
        return output_path, None
    truth_path = Path(truth_path) if truth_path else default_truth_path(output_path)
    truth_path.parent.mkdir(parents=True, exist_ok=True)
    truth.to_csv(truth_path, index=False, lineterminator="\n")
    return output_path, truth_path
