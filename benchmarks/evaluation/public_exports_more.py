"""More public real labelled exports (issue #26, collected 2026-12-07): card lines and expense
diaries like the ones the outside checks score, registered in ``public_exports.EXPORTS``.

Each file is kept as its repository holds it (a JavaScript, TypeScript or Kotlin source with the
records written inline) under ``TITANS_PUBLIC_DATA/personal/`` and is never copied into the
project (no licence, or one we do not need to exercise: read only). `read_records` reads the
records of such a source; each loader turns them into the frame `public_exports` builds
(`_clean`): the export's own label in ``category`` (what the personal model learns) and that
label mapped to the taxonomy in ``taxonomy`` (what the cold start is scored on). The mappings
are written from the label NAMES only, as in `public_exports`: a name that says one leaf maps to
it; a name that says a group but not which of its leaves (``Gas/Automotive``, ``Transportation``,
``Bills``) maps to ``GROUP`` + the group, scored at the group (any leaf of it is right); a name
that says neither (``Zakupy``, "purchases", groceries or anything else; ``Other Services``;
``TREAT || LUXURY``) is left unmapped, so unscored by the cold start.

Sources (repository, commit, path, licence), and the set of each (``public_sets.yml``):

- ``personal/us_capitalone_card/cap_2021.js``, ``cap_2022.js``: ``src/transactions/`` of
  github.com/uumoss-bb/coins_that_stack at 128627533b7239c4aed39dd7cb2b28e36045199b (package.json
  says ISC, no licence file: read only): a US Capital One card, Colorado, 2021-06 to 2022-11,
  the card issuer's categories (test);
- ``personal/us_debit_card_owner_labels.ts``: ``src/app/transactions.ts`` of
  github.com/RyanSchmit/Budget at 0282a1a6f0b2033a383d1638e3a2f557df5a5582 (no licence): a US
  student's debit card, California, 2024-06 to 2025-12, categories the owner set in his own app
  (by hand and with his own keyword rules; ``N/A`` = not labelled) (dev);
- ``personal/pl_wallet_expenses.kt``: the backup held in ``app/src/main/java/com/mateuszcholyn/
  wallet/frontend/infrastructure/backup/read/allExpensesAsJson.kt`` of
  github.com/mateusz-nalepa/wallet at dc701f499486a7662e183833ca067aee717e6526 (Apache-2.0): a
  Polish expense diary, 2021-11 to 2022-08, a note typed by hand (often none) and the category
  chosen by hand (test);
- ``personal/us_spending_diary.js``: ``src/personalfinancialdata.js`` of
  github.com/sparra95/React-web-app-portfolio at 7a76a06e8412b9e681b4824eec7b209da4aa97df (no
  licence): a US student's spending diary, 2018-08 to 2019-10, notes and categories typed by
  hand (several categories joined by commas) (dev);
- ``personal/us_chase_plaid_lines.js``: ``seed/purchaseData.js`` of github.com/FourCents1804/Dime
  at 0d808ca901052e20a119262c8767d884e2d075b8 (no licence): 1,000 lines of a New York Chase
  checking account and card as Plaid delivered them, 2017-01 to 2018-05, Plaid's categories
  (test);
- ``personal/in_household_diary.js``: ``src/data.js`` of github.com/Perla-111/blnc2All at
  88f90ca5fa1cc8d67cf39cc127575fdba4f87761 (no licence): an Indian household money diary,
  2022-03 to 2022-07, notes typed by hand, the category chosen by hand (money given to family
  members has its own categories) (dev).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

GROUP = "group:"  # a mapped value naming a taxonomy group, not a leaf


def _base():
    """`public_exports` (the one frame builder, the taxonomy, the data directory), imported
    when first used: it imports this module to register the loaders below."""
    from benchmarks.evaluation import public_exports
    return public_exports


_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_LINE_COMMENT = re.compile(r"^\s*//.*$", re.M)
_RECORD = re.compile(r"\{([^{}]*)\}")
_FIELD = re.compile(
    r"""(?:"([^"\n]+)"|'([^'\n]+)'|([A-Za-z_]\w*))\s*:\s*"""  # "key", 'key' or key
    r"""("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|-?\d+(?:\.\d+)?|null|true|false)""")


def _value(text: str) -> object:
    if text[0] == "'":  # a single-quoted JavaScript string: the same escapes as JSON's
        text = '"' + text[1:-1].replace('\\"', '"').replace("\\'", "'").replace('"', '\\"') + '"'
    return json.loads(text)


def read_records(path: Path) -> list[dict]:
    """The flat records written inline in a source file (a JavaScript/TypeScript array of
    objects, JSON inside a Kotlin string): every ``{...}`` holding no other object, its
    ``key: value`` pairs (quoted or bare keys; strings, numbers, null, booleans), in file order.
    Commented-out code (``/* */``, whole ``//`` lines) is not data. A file holding no record is
    an error naming it: a loader never scores an empty export."""
    text = _LINE_COMMENT.sub("", _BLOCK_COMMENT.sub("", path.read_text(encoding="utf-8")))
    records = []
    for body in _RECORD.findall(text):
        fields = {next(k for k in key if k): _value(value)
                  for *key, value in _FIELD.findall(body)}
        if fields:
            records.append(fields)
    if not records:
        raise ValueError(f"{path}: no inline record found (expected objects like "
                         "{\"date\": ..., \"amount\": ...})")
    return records


def _require(frame: pd.DataFrame, columns: tuple[str, ...], path: Path) -> None:
    missing = [c for c in columns if c not in frame]
    if missing:
        raise ValueError(f"{path}: records lack {missing} (have {sorted(frame.columns)})")


def _labelled(date, description, amount, category, mapping: dict[str, str]) -> pd.DataFrame:
    """`public_exports._clean` with group-valued mappings: a label mapped to ``GROUP`` + a group
    is scored at that group (``taxonomy_group``); its ``taxonomy`` is the group's first leaf,
    there only so the row's direction is checked (`_scored_labels`: the group's leaves share
    their kind), never as the truth of a leaf."""
    base = _base()
    leaves = base.TAXONOMY.categories
    leaf_of = {label: (leaves.index[leaves["group"] == value[len(GROUP):]][0]
                       if value.startswith(GROUP) else value)
               for label, value in mapping.items()}
    frame = base._clean(date, description, amount, category, mapping=leaf_of)
    group_of = {label: value[len(GROUP):] for label, value in mapping.items()
                if value.startswith(GROUP)}
    named = frame["category"].map(group_of)
    frame["taxonomy_group"] = named.where(named.notna(), frame["taxonomy_group"]).where(
        frame["taxonomy"].notna())
    return frame


def _labels(raw: pd.Series, unlabelled: tuple[str, ...] = ()) -> pd.Series:
    """The label of each record, None where the export leaves it unlabelled."""
    text = raw.astype("string").str.strip()
    return text.where(text.notna() & (text != "") & ~text.isin(unlabelled)).astype(object)


def _keep(frame: pd.DataFrame, *masks: pd.Series) -> pd.DataFrame:
    keep = np.logical_and.reduce([np.asarray(m, dtype=bool) for m in masks])
    return frame[keep]


# ---------- US Capital One card (issuer's categories)
CAPITALONE_TO_TAXONOMY = {
    "Dining": "restaurants", "Merchandise": "shopping", "Gas/Automotive": GROUP + "transport",
    "Entertainment": "entertainment", "Health Care": "health", "Internet": "telecom",
    "Other": "other", "Payment/Credit": "transfer", "Professional Services": "professional_fees",
    "Car Rental": "travel", "Fee/Interest Charge": GROUP + "fees", "Other Travel": "travel",
    "Utilities": "utilities",
}


def load_capitalone(folder: Path) -> pd.DataFrame:
    """Capital One card downloads (``Debit`` money out, ``Credit`` money in), one file a
    period; a line in two overlapping downloads is counted once (each line as often as the
    file holding it most often holds it)."""
    parts = []
    for order, path in enumerate(sorted(folder.glob("*.js"))):
        part = pd.DataFrame(read_records(path))
        _require(part, ("Transaction_Date", "Description", "Category"), path)
        part["file"] = order
        parts.append(part)
    if not parts:
        raise ValueError(f"{folder}: no Capital One download (*.js) in it")
    raw = pd.concat(parts, ignore_index=True)
    debit = pd.to_numeric(raw.get("Debit"), errors="coerce")
    credit = pd.to_numeric(raw.get("Credit"), errors="coerce")
    raw["amount"] = np.where(debit.notna(), -debit, credit)
    key = ["Transaction_Date", "Description", "amount", "Category"]
    raw["copy"] = raw.groupby(key + ["file"], dropna=False).cumcount()
    raw = raw.drop_duplicates(key + ["copy"])
    date = pd.to_datetime(raw["Transaction_Date"], errors="coerce")
    label = _labels(raw["Category"])
    raw = _keep(raw, date.notna(), raw["amount"].notna(), label.notna())
    return _labelled(date[raw.index], raw["Description"], raw["amount"].to_numpy(),
                     label[raw.index], CAPITALONE_TO_TAXONOMY)


# ---------- US debit card, categories the owner set
OWNER_DEBIT_TO_TAXONOMY = {
    "Energy Drink": GROUP + "food", "Restaurants": "restaurants",
    "Transportation": GROUP + "transport", "Income": GROUP + "income",
    "Subscriptions": "subscriptions", "Groceries": "groceries", "Sports Games": "entertainment",
    "Alcohol": "alcohol_tobacco", "Bar": "restaurants", "Golf": "fitness",
    "Snacks": GROUP + "food", "Books": "education", "Gas": "fuel",
}


def load_owner_debit(path: Path) -> pd.DataFrame:
    """Dated ``MM-DD-YYYY``, money out negative; ``N/A`` is the app's "not categorised"."""
    raw = pd.DataFrame(read_records(path))
    _require(raw, ("date", "description", "category", "amount"), path)
    date = pd.to_datetime(raw["date"], format="%m-%d-%Y", errors="coerce")
    amount = pd.to_numeric(raw["amount"], errors="coerce")
    label = _labels(raw["category"], unlabelled=("N/A",))
    raw = _keep(raw, date.notna(), amount.notna(), label.notna())
    return _labelled(date[raw.index], raw["description"], amount[raw.index].to_numpy(),
                     label[raw.index], OWNER_DEBIT_TO_TAXONOMY)


# ---------- Polish expense diary (every line money out)
WALLET_PL_TO_TAXONOMY = {
    "Paliwo": "fuel", "Wypoczynek": "travel", "Restauracja": "restaurants",
    "Obiad": GROUP + "food", "Nauka": "education", "Prezent": "gifts_donations",
    "Pomoc": "gifts_donations", "Skoda": "vehicle", "Mieszkanie": GROUP + "housing",
    "Jedzenie na mieście": "restaurants", "Myjnia": "vehicle", "Leki": "health",
    "Telefon": "telecom", "Rozrywka": "entertainment", "Ubrania": "clothing",
    "Elektronika": "electronics", "Pizza": "restaurants", "Pierdolony Urząd": "taxes",
    "Buty": "clothing",
}


def load_wallet_backup(path: Path) -> pd.DataFrame:
    """The app's backup: ``amount`` spent (positive), ``date`` ``DD.MM.YYYY HH:MM``, the note in
    ``description`` (a line with no note has no text to score and is left out by `_clean`)."""
    raw = pd.DataFrame(read_records(path))
    _require(raw, ("amount", "categoryName", "date", "description"), path)
    date = pd.to_datetime(raw["date"].astype(str).str[:10], format="%d.%m.%Y", errors="coerce")
    amount = pd.to_numeric(raw["amount"], errors="coerce")
    label = _labels(raw["categoryName"])
    raw = _keep(raw, date.notna(), amount.notna(), label.notna())
    return _labelled(date[raw.index], raw["description"].fillna(""),
                     -amount[raw.index].abs().to_numpy(), label[raw.index],
                     WALLET_PL_TO_TAXONOMY)


# ---------- US spending diary
SPENDING_DIARY_TO_TAXONOMY = {
    "FOOD,TAKEOUT": "restaurants", "FOOD": GROUP + "food", "GAS": "fuel",
    "RENT || UTILS": GROUP + "housing", "CHARITY": "gifts_donations",
    "STUDENT LOANS": "loan_payment", "OTHER": "other", "SAVINGS": "savings_investments",
    "Investment": "savings_investments",
}


def _dollars(text: pd.Series) -> pd.Series:
    """``-$1,363.33`` → -1363.33."""
    return pd.to_numeric(text.astype(str).str.replace(r"[$,\s]", "", regex=True),
                         errors="coerce")


def load_spending_diary(path: Path) -> pd.DataFrame:
    """Dated ``Month D, YYYY``; ``Total`` signed (revenue less costs); the note typed by hand."""
    raw = pd.DataFrame(read_records(path))
    _require(raw, ("Date", "Total", "Category", "Notes"), path)
    date = pd.to_datetime(raw["Date"], format="%B %d, %Y", errors="coerce")
    amount = _dollars(raw["Total"])
    label = _labels(raw["Category"])
    raw = _keep(raw, date.notna(), amount.notna(), amount != 0, label.notna())
    return _labelled(date[raw.index], raw["Notes"].fillna(""), amount[raw.index].to_numpy(),
                     label[raw.index], SPENDING_DIARY_TO_TAXONOMY)


# ---------- US bank and card lines with Plaid's categories
PLAID_TO_TAXONOMY = {
    "Bank Fees": GROUP + "fees", "Bank Fees: ATM": "bank_fees",
    "Bank Fees: Excess Activity": "bank_fees", "Bank Fees: Foreign Transaction": "bank_fees",
    "Community: Education": "education", "Community: Religious": "gifts_donations",
    "Food and Drink": GROUP + "food", "Food and Drink: Bar": "restaurants",
    "Food and Drink: Restaurants": "restaurants", "Payment: Credit Card": "transfer",
    "Recreation: Arts and Entertainment": "entertainment", "Recreation: Golf": "fitness",
    "Service: Food and Beverage": GROUP + "food", "Service: Personal Care": "personal_care",
    "Service: Telecommunication Services": "telecom",
    "Service: Travel Agents and Tour Operators": "travel", "Service: Utilities": "utilities",
    "Shops": GROUP + "shopping", "Shops: Beauty Products": "personal_care",
    "Shops: Bookstores": "education", "Shops: Clothing and Accessories": "clothing",
    "Shops: Computers and Electronics": "electronics", "Shops: Department Stores": "shopping",
    "Shops: Digital Purchase": "shopping", "Shops: Food and Beverage Store": "groceries",
    "Shops: Pharmacies": "health", "Shops: Supermarkets and Groceries": "groceries",
    "Tax: Payment": "taxes", "Transfer: Internal Account Transfer": "transfer",
    "Transfer: Withdrawal": "cash_withdrawal", "Travel: Airlines and Aviation Services": "travel",
    "Travel: Car Service": "taxi_rideshare", "Travel: Charter Buses": "public_transport",
    "Travel: Lodging": "travel", "Travel: Public Transportation Services": "public_transport",
    "Travel: Taxi": "taxi_rideshare",
}


def load_plaid_lines(path: Path) -> pd.DataFrame:
    """Plaid's ``amount`` is positive for money out; this file holds every line positive (its
    writer dropped the sign of money in too), so every line is read as money out and a label
    of money in (``Interest Earned``, ``Deposit``) is never scored by the cold start (its
    direction check). The label: Plaid's category, ``: `` its detailed category when given."""
    raw = pd.DataFrame(read_records(path))
    _require(raw, ("amount", "category", "date", "name"), path)
    date = pd.to_datetime(raw["date"], format="%Y-%m-%d", errors="coerce")
    amount = pd.to_numeric(raw["amount"], errors="coerce")
    broad = _labels(raw["category"])
    detailed = _labels(raw.get("categoryDetailed", pd.Series(None, index=raw.index)))
    label = broad.where(detailed.isna(), broad + ": " + detailed.astype(str))
    raw = _keep(raw, date.notna(), amount.notna(), amount != 0, broad.notna())
    return _labelled(date[raw.index], raw["name"], -amount[raw.index].to_numpy(),
                     label[raw.index], PLAID_TO_TAXONOMY)


# ---------- Indian household money diary
HOUSEHOLD_DIARY_TO_TAXONOMY = {
    "Bills": GROUP + "housing", "Food and Drink": GROUP + "food",
    "Houseware": "furniture_household", "Other": "other", "Paycheck": "salary",
    "Sport": "fitness", "Clothes": "clothing", "Car and Transport": GROUP + "transport",
    "to Bhabhi": "gifts_donations", "to mom": "gifts_donations", "to annay": "gifts_donations",
    "from annay": "other_income",
}


def load_household_diary(path: Path) -> pd.DataFrame:
    """Dated ``DD/MM/YY``, ``Amount`` signed (money out negative); the note typed by hand."""
    raw = pd.DataFrame(read_records(path))
    _require(raw, ("Date", "Category", "Note", "Amount"), path)
    date = pd.to_datetime(raw["Date"], format="%d/%m/%y", errors="coerce")
    amount = pd.to_numeric(raw["Amount"], errors="coerce")
    label = _labels(raw["Category"])
    raw = _keep(raw, date.notna(), amount.notna(), amount != 0, label.notna())
    return _labelled(date[raw.index], raw["Note"].fillna(""), amount[raw.index].to_numpy(),
                     label[raw.index], HOUSEHOLD_DIARY_TO_TAXONOMY)


def _personal(name: str) -> Callable[[], Path]:
    return lambda: _base().data_dir() / "personal" / name


MORE_PATHS: dict[str, Callable[[], Path]] = {
    "capitalone": _personal("us_capitalone_card"),
    "owner_debit": _personal("us_debit_card_owner_labels.ts"),
    "wallet_pl": _personal("pl_wallet_expenses.kt"),
    "spending_diary": _personal("us_spending_diary.js"),
    "plaid_chase": _personal("us_chase_plaid_lines.js"),
    "household_in": _personal("in_household_diary.js"),
}
MORE_EXPORTS: dict[str, tuple[str, Callable[[], pd.DataFrame]]] = {
    "US card (Capital One, issuer's categories)": (
        "capitalone", lambda: load_capitalone(MORE_PATHS["capitalone"]())),
    "US debit card (owner's categories)": (
        "owner_debit", lambda: load_owner_debit(MORE_PATHS["owner_debit"]())),
    "Expense diary (Poland, wallet app)": (
        "wallet_pl", lambda: load_wallet_backup(MORE_PATHS["wallet_pl"]())),
    "Spending diary (US student)": (
        "spending_diary", lambda: load_spending_diary(MORE_PATHS["spending_diary"]())),
    "US bank and card lines (Chase via Plaid, Plaid's categories)": (
        "plaid_chase", lambda: load_plaid_lines(MORE_PATHS["plaid_chase"]())),
    "Household money diary (India)": (
        "household_in", lambda: load_household_diary(MORE_PATHS["household_in"]())),
}
