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
Titans Finance system: a US consulting business; ``TITANS_SHARED_DATA`` names another
folder). Under ``personal/`` (SOURCES.md there):

- ``hackclub_ledger.ledger``: ``main.ledger`` of github.com/hackclub/ledger at commit
  7826fb0254c211c7d0fa525aff6ec2ba363ca6ff (Open Data Commons Attribution licence): every
  transaction of a US non-profit 2015-2017 (card, reimbursement and bank lines: payee and
  the expense or income account its treasurer booked it to);
- ``hr_pl_daily_expenses.csv``: ``expenses.csv`` of github.com/MasterMedo/daily-expense-manager
  at commit 58bb7f93f9cf71394352f267643df3eef3c1f475 (MIT, © 2018-2021 Mislav Vuletić): a
  student's expense diary (Poland and Croatia, 2018-2019): vendor, a short note and tags
  typed by hand, the category chosen by hand;
- ``pt_bluecoins_transactions.csv``: ``transactions.csv`` of github.com/fabiodesteves/expenses
  at commit da639258f31d35709790aa64e283a1b9146d7b51 (no licence stated: read only, never
  redistributed): a Bluecoins money-manager export from Portugal (EUR, 2019-2021), titles
  typed by the owner, category chosen by hand.

More exports collected for issue #26 (card lines and expense diaries): loaders and sources in
``public_exports_more.py``, registered below.

Which exports are development and which test: ``public_sets.yml`` beside this module.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from benchmarks.evaluation.public_exports_more import MORE_EXPORTS, MORE_PATHS
from titans_finance.core.features import build_features
from titans_finance.models.category.default import train_default_model
from titans_finance.models.category.export_reading import for_export
from titans_finance.models.category.taxonomy import Taxonomy

ROOT = Path(__file__).resolve().parents[2]
# the shared third-party data beside the project (a git worktree elsewhere names it)
SEED_CSV = (Path(os.environ.get("TITANS_SHARED_DATA", ROOT.parent / "shared" / "data"))
            / "seed_transactions.csv")


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
HACKCLUB_TO_TAXONOMY = {
    # Expenses:Operating:Staff:Salary (payroll paid out) has no leaf: not "salary", an
    # income category (`_scored_labels` would refuse it anyway)
    "Expenses:Operating:Transportation:Ground":
    "taxi_rideshare", "Expenses:Operating:Food": "restaurants",
    "Expenses:Operating:Software": "software", "Expenses:Operating:Office:Supplies":
    "office_supplies", "Expenses:Operating:Shipping": "shipping",
    "Expenses:Operating:Hosting": "software", "Expenses:Operating:Bank": "bank_fees",
    "Expenses:Operating:Contracting": "contract_labor", "Expenses:Operating:Transportation:Air":
    "travel", "Expenses:Operating:Office:Rent": "rent", "Expenses:Operating:Legal":
    "professional_fees", "Expenses:Operating:Tax": "taxes", "Expenses:Marketing:Ads":
    "advertising", "Expenses:Operating:Insurance": "insurance", "Income:Bank Interest":
    "interest_dividends", "Expenses:Operating:Other": "other",
}
DIARY_TO_TAXONOMY = {
    "groceries": "groceries", "fastfood": "restaurants", "transport": "public_transport",
    "travel": "travel", "activities": "entertainment", "accomodation": "rent",
    "clothes": "clothing", "gifts": "gifts_donations", "car": "vehicle", "bank": "bank_fees",
    "university": "education", "online": "shopping",
}
BLUECOINS_TO_TAXONOMY = {
    "Eating out": "restaurants", "Restaurants": "restaurants", "Coffee": "restaurants",
    "Groceries": "groceries", "Salary": "salary", "Interest": "interest_dividends",
    "Capital Gains": "savings_investments", "Internet & Phone": "telecom", "Fuel": "fuel",
    "Gifts": "gifts_donations", "Personal Gifts": "gifts_donations", "Electricity":
    "utilities", "Water": "utilities", "Netflix": "subscriptions", "Furniture":
    "furniture_household", "Mortgage": "mortgage", "Public transport": "public_transport",
    "Clothing": "clothing", "Drinks": "restaurants", "Others": "other",
}
_TAXONOMY_RAW = yaml.safe_load((ROOT / "conf/base/category_taxonomy.yml").read_text())
# the seed's categories are the embedded default data's: the taxonomy file maps them
SEED_TO_TAXONOMY = _TAXONOMY_RAW["generator"]
TAXONOMY = Taxonomy.from_dict(_TAXONOMY_RAW)


def _scored_labels(taxonomy: pd.Series, amount: np.ndarray) -> pd.Series:
    """The mapped labels a row's direction allows (`category_taxonomy.KIND_DIRECTIONS`):
    money out is never scored against an income or refund category, money in never against
    an expense one (the model can never answer those, so the score would be wrong, not the
    model); such a row, and a row of no amount, is left unscored (NaN)."""
    direction = np.sign(amount)
    allowed = [label is not None and label == label and d in TAXONOMY.directions(label)
               for label, d in zip(taxonomy.to_numpy(), direction, strict=True)]
    return taxonomy.where(np.array(allowed, dtype=bool))


_GROUP_OF_NAME = {**{str(g): str(g) for g in TAXONOMY.groups},
                  **{str(name).lower(): str(g) for g, name in TAXONOMY.groups.items()}}


def named_group(label: object) -> str | None:
    """The taxonomy group an export's label names (its id or name, the last part of a
    ledger account: ``food``, ``Expenses:Operating:Food``, ``Transport``), else None. Such
    a label says the group, not which of its leaves: any leaf of it is right."""
    if not isinstance(label, str):
        return None
    last = label.rsplit(":", 1)[-1].strip().lower().replace("&", "and")
    return _GROUP_OF_NAME.get(" ".join(last.split()))


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
    frame["taxonomy"] = _scored_labels(frame["category"].map(mapping or {}), amount)
    # scored at the group level when the label names a group (the seed's "food": groceries
    # and restaurant meals alike)
    frame["taxonomy_group"] = frame["category"].map(named_group).where(
        frame["taxonomy"].notna())
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


_LEDGER_HEADER = re.compile(r"^(\d{4}[/-]\d{2}[/-]\d{2})\s+(?:[*!]\s+)?(.*\S)\s*$")
_LEDGER_POSTING = re.compile(r"^\s+([^;\s].*?)(?:\s{2,}|\t)\s*(-?)\$?(-?[\d,]+(?:\.\d+)?)\s*$")
_LEDGER_BARE_POSTING = re.compile(r"^\s+([^;\s].*?)\s*$")


def load_ledger(path: Path) -> pd.DataFrame:
    """A ledger-cli journal as labelled lines: the payee, and the expense or income account
    the transaction was booked to (the largest one when it was split); money out negative.
    A posting whose amount the journal leaves out balances the others."""
    rows, current = [], None

    def close(entry):
        if entry is None:
            return
        postings, open_account = entry["postings"], entry["open"]
        if open_account is not None:  # the elided amount balances the transaction
            postings.append((open_account, -sum(a for _, a in postings)))
        booked = [(account, amount) for account, amount in postings
                  if account.startswith(("Expenses", "Income"))]
        if not booked:
            return
        account = max(booked, key=lambda item: abs(item[1]))[0]
        rows.append((entry["date"], entry["payee"], -sum(a for _, a in booked), account))

    for line in path.read_text(encoding="utf-8").splitlines():
        header = _LEDGER_HEADER.match(line)
        if header:
            close(current)
            current = {"date": header.group(1).replace("/", "-"), "payee": header.group(2),
                       "postings": [], "open": None}
            continue
        if current is None or not line.strip() or line.lstrip().startswith(";"):
            continue
        posting = _LEDGER_POSTING.match(line)
        if posting:
            sign = -1.0 if (posting.group(2) == "-") != posting.group(3).startswith("-") else 1.0
            amount = float(posting.group(3).lstrip("-").replace(",", ""))
            current["postings"].append((posting.group(1).strip(), sign * amount))
        elif _LEDGER_BARE_POSTING.match(line):
            current["open"] = line.strip()
    close(current)
    frame = pd.DataFrame(rows, columns=["date", "payee", "amount", "account"])
    return _clean(pd.to_datetime(frame["date"]), frame["payee"], frame["amount"].to_numpy(),
                  frame["account"], mapping=HACKCLUB_TO_TAXONOMY)


def _diary_dates(written: list[str]) -> list[str | None]:
    """``DD.MM.YYYY.`` or ``DD.MM.`` (the year left out, as diaries do): a date without a year
    takes the year of the line before, the next year when its month is more than six months
    earlier (December → January; a line written a month out of order stays in its year)."""
    dates, year, month = [], None, None
    for text in written:
        parts = [p for p in str(text).strip().split(".") if p]
        if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
            dates.append(None)
            continue
        day, this_month = int(parts[0]), int(parts[1])
        if len(parts) == 3:
            year = int(parts[2])
        elif year is not None and month is not None and month - this_month > 6:
            year += 1
        month = this_month
        dates.append(f"{day:02d}.{this_month:02d}.{year}" if year is not None else None)
    return dates


def load_diary(path: Path) -> pd.DataFrame:
    """An expense diary (vendor, note, tags typed by hand; every line money out)."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    date = pd.to_datetime(pd.Series(_diary_dates(raw["date"].tolist()), index=raw.index),
                          format="%d.%m.%Y", errors="coerce")
    amount = _number(raw["hrk"])
    keep = date.notna() & amount.notna() & ~raw["category"].isin(["", "unlabeled"])
    raw = raw[keep]
    note = (raw["vendor"].str.replace("-", " ") + " " + raw["description"] + " "
            + raw["tags"]).str.strip()
    return _clean(date[keep], note, -amount[keep].to_numpy(), raw["category"],
                  mapping=DIARY_TO_TAXONOMY)


def load_bluecoins(path: Path) -> pd.DataFrame:
    """A Bluecoins export: the title and notes the owner typed, the category chosen by hand
    (transfers between the owner's accounts and opening balances left out)."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw = raw[raw["Type"].isin(["Expense", "Income"]) & (raw["Category"] != "")]
    note = (raw["Title"] + " " + raw["Notes"]).str.strip()
    return _clean(pd.to_datetime(raw["Date"].str[:10]), note, _number(raw["Amount"]).to_numpy(),
                  raw["Category"], mapping=BLUECOINS_TO_TAXONOMY)


EXPORTS: dict[str, tuple[str, Callable[[], pd.DataFrame]]] = {
    "seed (US small business, original system)": ("seed", lambda: load_seed()),
    "South-African bank (FNB/Capitec lines)": (
        "za", lambda: load_za(data_dir() / "za_bank_transactions.csv")),
    "US Mint export (household)": (
        "mint", lambda: load_mint(data_dir() / "us_mint_personal_transactions.csv")),
    "US non-profit ledger (Hack Club: card, reimbursements, bank)": (
        "hackclub", lambda: load_ledger(data_dir() / "personal" / "hackclub_ledger.ledger")),
    "Expense diary (student in Poland and Croatia)": (
        "diary", lambda: load_diary(data_dir() / "personal" / "hr_pl_daily_expenses.csv")),
    "Money-manager export (Bluecoins, Portugal)": (
        "bluecoins", lambda: load_bluecoins(data_dir() / "personal"
                                            / "pt_bluecoins_transactions.csv")),
    **MORE_EXPORTS,
}
PATHS = {"seed": lambda: SEED_CSV, "za": lambda: data_dir() / "za_bank_transactions.csv",
         "mint": lambda: data_dir() / "us_mint_personal_transactions.csv",
         "hackclub": lambda: data_dir() / "personal" / "hackclub_ledger.ledger",
         "diary": lambda: data_dir() / "personal" / "hr_pl_daily_expenses.csv",
         "bluecoins": lambda: data_dir() / "personal" / "pt_bluecoins_transactions.csv",
         **MORE_PATHS}


def available_exports() -> dict[str, pd.DataFrame]:
    """The exports present on this machine (absent files are skipped)."""
    return {name: loader() for name, (key, loader) in EXPORTS.items() if PATHS[key]().exists()}


def export_key(name: str) -> str:
    """The short key (``public_sets.yml``) of an export's display name."""
    return EXPORTS[name][0]


def with_export_wording(model, tx: pd.DataFrame, params: dict):
    """``model`` as `kedro run` hands it on for the export ``tx``: reading its lines without
    the statement wording learnt from every one of them, under their own category prior,
    labels not read (the category pipeline's ``learn_statement_wording``:
    `export_reading.for_export`; ``params``: the ``category`` block). An export of one
    account unless it carries an ``account`` column."""
    return for_export(model, tx, build_features(tx), params["statement_wording"],
                      params["export_prior"])


def shipped_default_model(params: dict, conf: Path | None = None):
    """The default category model as `kedro run` trains it: the shipped taxonomy, lexicon
    and open knowledge under ``conf`` (the project's conf/base), with the category
    pipeline's ``default_model`` parameters and seed. One definition for every benchmark
    that scores it."""
    conf = Path(__file__).resolve().parents[2] / "conf" / "base" if conf is None else conf
    return train_default_model(
        yaml.safe_load((conf / "category_taxonomy.yml").read_text()),
        yaml.safe_load((conf / "category_lexicon.yml").read_text()),
        pd.read_csv(conf / "knowledge/osm_brands.csv", dtype=str, keep_default_na=False),
        pd.read_csv(conf / "knowledge/spending_words.csv", dtype=str, keep_default_na=False),
        pd.read_csv(conf / "knowledge/company_words.csv", dtype=str, keep_default_na=False),
        {**params["default_model"], "seed": params["seed"]})
