"""Real bank accounts for the numeric models' evaluation: Berka / PKDD'99, one export per account.

The data (``../shared/data/berka/trans_dev.csv.gz``, 638 accounts, 15 months; see its
README) is read from ``../shared`` and never copied into the project. Berka has no
descriptions: each row's export line is built from its codes, the way a Czech bank's
statement names them (the mapping below), so the models see what they would see in a
real export — a description, a counterparty reference for transfers, a running balance.

| Berka codes | description | reference | payment method |
|---|---|---|---|
| VKLAD (cash deposit) | ``Cash deposit`` | ``cash deposit`` | cash |
| PREVOD Z UCTU (+ k_symbol) | ``Transfer from BB 12345678`` (``Pension from …`` for DUCHOD) | ``BB 12345678`` | bank_transfer |
| VYBER (cash withdrawal) | ``Cash withdrawal`` | ``cash withdrawal`` | cash |
| VYBER KARTOU | ``Card withdrawal`` | ``card withdrawal`` | debit_card |
| PREVOD NA UCET (+ k_symbol) | ``Household payment (SIPO) to BB 12345678`` / ``Insurance …`` / ``Loan payment …`` / ``Transfer to …`` | ``BB 12345678`` | bank_transfer |
| UROK | ``Interest credited`` | ``interest`` | other |
| SLUZBY | ``Statement fee`` | ``statement fee`` | other |
| SANKC. UROK | ``Penalty interest`` | ``penalty interest`` | other |

Signs: PRIJEM is money in (positive), VYDAJ and VYBER money out (negative). ``balance``
is Berka's running balance, ``account`` the account id, ``currency`` CZK. Rows keep the
file order within a day (``source_row``), which is the order the balance reconciles in.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
BERKA_PATH = ROOT.parent / "shared" / "data" / "berka" / "trans_dev.csv.gz"
# The last day of the public 15 months: every account's data runs to here (no row missing).
BERKA_END = pd.Timestamp("1994-03-30")

_K_SYMBOL_OUT = {"SIPO": "Household payment (SIPO) to", "POJISTNE": "Insurance payment to",
                 "UVER": "Loan payment to"}


def read_berka(path: Path | str = BERKA_PATH) -> pd.DataFrame:
    """The raw Berka transactions (codes as in the file)."""
    return pd.read_csv(path, dtype={"date": str, "bank": str, "account": str, "k_symbol": str,
                                    "operation": str})


def berka_exports(raw: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every account's transactions as clean-table rows (plus account, balance, currency)."""
    raw = read_berka() if raw is None else raw
    raw = raw.reset_index(drop=True)
    operation = raw["operation"].fillna("").str.strip().to_numpy(dtype=object)
    k_symbol = raw["k_symbol"].fillna("").str.strip().to_numpy(dtype=object)
    bank = raw["bank"].fillna("").str.strip()
    counter_account = raw["account"].fillna("").astype(str).str.replace(r"\.0$", "", regex=True)
    counterparty = np.where(bank != "", (bank + " " + counter_account).to_numpy(dtype=object), "")
    incoming = (raw["type"] == "PRIJEM").to_numpy()
    amount = raw["amount"].to_numpy(dtype="float64") * np.where(incoming, 1.0, -1.0)

    description = np.full(len(raw), "Other posting", dtype=object)
    reference = np.full(len(raw), "other posting", dtype=object)
    method = np.full(len(raw), "other", dtype=object)
    rules = [
        (operation == "VKLAD", "Cash deposit", "cash deposit", "cash"),
        (operation == "VYBER", "Cash withdrawal", "cash withdrawal", "cash"),
        (operation == "VYBER KARTOU", "Card withdrawal", "card withdrawal", "debit_card"),
        (k_symbol == "UROK", "Interest credited", "interest", "other"),
        (k_symbol == "SLUZBY", "Statement fee", "statement fee", "other"),
        (k_symbol == "SANKC. UROK", "Penalty interest", "penalty interest", "other"),
    ]
    for mask, text, ref, pay in rules:
        description[mask], reference[mask], method[mask] = text, ref, pay
    transfer_in = operation == "PREVOD Z UCTU"
    transfer_out = operation == "PREVOD NA UCET"
    prefix_in = np.where(k_symbol == "DUCHOD", "Pension from", "Transfer from")
    prefix_out = np.array([_K_SYMBOL_OUT.get(k, "Transfer to") for k in k_symbol], dtype=object)
    for mask, prefix in ((transfer_in, prefix_in), (transfer_out, prefix_out)):
        description[mask] = (pd.Series(prefix[mask]) + " " + pd.Series(counterparty[mask])
                             ).str.strip().to_numpy()
        reference[mask] = np.where(counterparty[mask] != "", counterparty[mask],
                                   description[mask])
        method[mask] = "bank_transfer"
    # a cash operation named with a household-payment code (SIPO paid in cash at the counter)
    coded_cash = (operation == "VYBER") & (k_symbol != "")
    description[coded_cash] = "Cash payment " + pd.Series(k_symbol[coded_cash]).to_numpy()
    reference[coded_cash] = "cash " + pd.Series(k_symbol[coded_cash]).str.lower().to_numpy()

    frame = pd.DataFrame({
        "transaction_id": raw["trans_id"].astype(str).to_numpy(),
        "date": pd.to_datetime(raw["date"], format="%y%m%d").to_numpy(),
        "type": np.where(incoming, "income", "expense"),
        "description": description.astype(str), "amount": amount, "category": None,
        "payment_method": method, "status": np.where(incoming, "received", "paid"),
        "reference": reference.astype(str), "receipt_url": None,
        "account": raw["account_id"].astype(str).to_numpy(),
        "balance": raw["balance"].to_numpy(dtype="float64"), "currency": "CZK",
        "is_transfer": False, "file_order": np.arange(len(raw))})
    frame = frame.sort_values(["account", "date", "file_order"], kind="stable")
    frame["source_row"] = frame.groupby("account").cumcount() + 1
    return frame.drop(columns="file_order").reset_index(drop=True)


def accounts(frame: pd.DataFrame):
    """(account id, its export) for every account, in id order."""
    for account, export in frame.groupby("account", sort=False):
        yield account, export.reset_index(drop=True)
