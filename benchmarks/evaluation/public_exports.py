"""Public real labelled exports for the category benchmark and the feature audit.

Each loader returns the clean-table columns the features need plus ``category`` (the
export's own labels) and ``taxonomy`` (those labels mapped to the default taxonomy by
the mapping below, written from the label names only). Third-party files are read from
where they were fetched, never copied into the project (docs/evaluation.md says how to
get them): ``TITANS_PUBLIC_DATA`` (default ``benchmarks/data/``, git-ignored) holds

- ``za_bank_transactions.csv``: ``data/transactions.csv`` of github.com/YassirAwad/
  bank-transaction-classifier at commit 18adb2731f625845cf2143305beb0a4df0fe483d (MIT
  licence, © 2025 Yassir Ali): 451 real South-African bank lines (FNB/Capitec-style
  descriptors, ZAR), labelled by hand;
- ``us_mint_personal_transactions.csv``: ``personal_transactions.csv`` of github.com/
  Arij44/financial-transaction-categorizer at commit 547787c565b5783e0c644f81c780dcddc79c32cc
  (no licence stated: read only, never redistributed): 808 lines of a US Mint export
  (the Kaggle "Personal Finance" data), Mint's categories;

and the seed export comes from ``../shared/data/seed_transactions.csv`` (MIT, the original
Titans Finance system: a US consulting business).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[2]
SEED_CSV = ROOT.parent / "shared" / "data" / "seed_transactions.csv"


def data_dir() -> Path:
    return Path(os.environ.get("TITANS_PUBLIC_DATA", ROOT / "benchmarks" / "data"))


# Export label → taxonomy id (conf/base/category_taxonomy.yml).
ZA_TO_TAXONOMY = {
    "Bank Charges and Fees": "bank_fees", "Eating Out": "restaurants",
    "Insufficient Funds Fee": "bank_fees", "Groceries": "groceries",
    "General Purchases": "shopping", "Subscriptions": "subscriptions",
    "Cellular Data Purchase": "telecom", "Fuel": "fuel", "Coffee": "restaurants",
    "Bank Transfer": "transfer", "Transport": "taxi_rideshare", "Entertainment": "entertainment",
    "Home and Garden": "home_improvement", "Savings Transfer": "savings_investments",
    "Parking": "parking_tolls", "Debit Order": "other",
    "ATM and Cash Withdrawal": "cash_withdrawal", "Gambling": "gambling",
    "Fast Food & Takeouts": "restaurants", "Investments": "savings_investments",
    "Clothing": "clothing", "Tobacco & Smoking": "alcohol_tobacco", "Health and Medical": "health",
    "Life Insurance": "insurance", "Interest Received": "interest_dividends",
    "Interest Repayment": "interest_charges", "Personal Care": "personal_care",
    "General Insurance": "insurance", "Alcohol": "alcohol_tobacco", "Holidays and Travel": "travel",
    "Auto Insurance": "insurance", "General Loan Repayment": "loan_payment", "Refund": "refund",
    "Returned Debit Order": "refund", "Online Purchase": "shopping", "Restaurants": "restaurants",
    "Electronics and Appliances": "electronics", "Health Insurance": "insurance",
    "Cash Deposit": "cash_withdrawal", "Spend Limit Exceeded Fee": "bank_fees",
    "Education": "education", "Sport": "fitness", "Cash Deposit Fee": "bank_fees",
    "Donation": "gifts_donations",
}
MINT_TO_TAXONOMY = {
    "Credit Card Payment": "transfer", "Groceries": "groceries", "Restaurants": "restaurants",
    "Utilities": "utilities", "Shopping": "shopping", "Gas & Fuel": "fuel", "Paycheck": "salary",
    "Home Improvement": "home_improvement", "Coffee Shops": "restaurants",
    "Alcohol & Bars": "restaurants", "Mortgage & Rent": "mortgage", "Music": "subscriptions",
    "Mobile Phone": "telecom", "Internet": "telecom", "Movies & DVDs": "subscriptions",
    "Auto Insurance": "insurance", "Fast Food": "restaurants", "Haircut": "personal_care",
    "Television": "subscriptions", "Electronics & Software": "electronics",
    "Entertainment": "entertainment", "Food & Dining": "restaurants",
}
# the seed's categories are the embedded default data's: the taxonomy file maps them
SEED_TO_TAXONOMY = yaml.safe_load((ROOT / "conf/base/category_taxonomy.yml").read_text())[
    "generator"]


def _clean(date, description, amount, category, reference=None, mapping=None) -> pd.DataFrame:
    n = len(description)
    amount = np.asarray(amount, dtype="float64")
    frame = pd.DataFrame({
        "transaction_id": [f"p{i}" for i in range(n)], "source_row": np.arange(1, n + 1),
        "date": pd.to_datetime(pd.Series(date)).dt.normalize().astype("datetime64[ns]"),
        "type": np.where(amount > 0, "income", "expense"),
        "description": pd.Series(description, dtype=object).astype(str).str.split().str.join(" "),
        "amount": amount, "category": pd.Series(category, dtype=object).to_numpy(),
        "payment_method": None, "status": None,
        "reference": reference if reference is not None else None, "receipt_url": None})
    frame["taxonomy"] = frame["category"].map(mapping or {})
    frame = frame[frame["description"].str.len() > 0].sort_values(["date", "source_row"])
    return frame.reset_index(drop=True)


def _number(text: pd.Series) -> pd.Series:
    """``-1 300.00`` (space thousands), ``Bank -3.00`` (stray word) → float."""
    cleaned = text.astype(str).str.replace(r"[^\d.\-]", "", regex=True)
    return pd.to_numeric(cleaned, errors="coerce")


def load_seed(path: Path = SEED_CSV) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    expense = raw["Type"].str.lower().str.startswith("exp") & (raw["Category"] != "")
    raw = raw[expense]
    return _clean(raw["Date"], raw["Description"], _number(raw["Amount"]).to_numpy(),
                  raw["Category"], raw["Reference"].replace("", None).to_numpy(),
                  SEED_TO_TAXONOMY)


def load_za(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str)
    amount = _number(raw["amount"])
    date = pd.to_datetime(raw["date"].str[:10], errors="coerce")
    keep = amount.notna() & date.notna() & raw["label"].notna()
    raw = raw[keep]
    return _clean(date[keep], raw["description"], amount[keep].to_numpy(), raw["label"],
                  mapping=ZA_TO_TAXONOMY)


def load_mint(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str)
    sign = np.where(raw["Transaction Type"].str.lower() == "credit", 1.0, -1.0)
    amount = _number(raw["Amount"]).to_numpy() * sign
    return _clean(pd.to_datetime(raw["Date"], format="%m/%d/%Y"), raw["Description"], amount,
                  raw["Category"], mapping=MINT_TO_TAXONOMY)


EXPORTS: dict[str, tuple[str, Callable[[], pd.DataFrame]]] = {
    "seed (US small business, original system)": ("seed", lambda: load_seed()),
    "South-African bank (FNB/Capitec lines)": (
        "za", lambda: load_za(data_dir() / "za_bank_transactions.csv")),
    "US Mint export (household)": (
        "mint", lambda: load_mint(data_dir() / "us_mint_personal_transactions.csv")),
}


def available_exports() -> dict[str, pd.DataFrame]:
    """The exports present on this machine (absent files are skipped)."""
    paths = {"seed": SEED_CSV, "za": data_dir() / "za_bank_transactions.csv",
             "mint": data_dir() / "us_mint_personal_transactions.csv"}
    return {name: loader() for name, (key, loader) in EXPORTS.items() if paths[key].exists()}
