"""QIF (Quicken Interchange Format) exports.

Written here rather than with quiffen (MIT, maintained): quiffen turns each date
and amount into Python values one by one with its own guess of the day/month
order, while QIF has no standard date format (``1/ 2'24``, ``02/01/2024``,
``2024-01-02``) and the order must be decided for the whole file, as for CSV;
and its pydantic models would be a heavy dependency for a line format this
simple. One row per transaction record (``^``-terminated) of a bank, cash or
card block; split lines (``S``/``$``) stay one transaction with the total ``T``;
lists that are not transactions (categories, classes, memorised payees) and
investment records are counted in ``info["not_read"]``; so are the records of Quicken's
account list (an ``!Account`` block between ``!Option:AutoSwitch`` and ``!Clear:AutoSwitch``),
which are accounts (``N`` name, ``T`` account type, ``D`` description, ``B`` balance), never
movements; outside such a block the records stay transactions.
"""

from __future__ import annotations

import re

from titans_finance.core.movements import CARD_STATEMENT, SIGNED_BY_FORMAT
from titans_finance.core.readers.base import RawExport, normaliser_hints, raw_frame

_TRANSACTION_TYPES = {"bank", "cash", "ccard", "oth a", "oth l", "invoice", "creditcard"}
# Card blocks: Quicken writes a charge negative, other writers the issuer's positive.
_CARD_TYPES = {"ccard", "creditcard"}


# Comment lines some writers put before the first block (``### exported by …``): QIF has
# no comment syntax, so only lines before the first ``!`` header are taken as such.
_LEADING_COMMENTS = re.compile(r"^(?:[ \t]*(?:#[^\n]*)?\r?\n)*")


def looks_like_qif(head: str) -> bool:
    text = _LEADING_COMMENTS.sub("", head.lstrip("\ufeff"), count=1)
    return bool(re.match(r"(?i)^\s*!(type|account|option|clear)", text))


def _opening_balance(record: dict[str, str]) -> bool:
    """Quicken's first record of an account: payee ``Opening Balance`` and, as category,
    a transfer to the account itself (``L[Checking]``): it sets the balance, no money moved."""
    return (record.get("P", "").strip().casefold() == "opening balance"
            and record.get("L", "").strip().startswith("["))


# A numeric date (day, month and year apart by ``/``, ``.``, ``-`` or Quicken's apostrophe)
# with the text of the record run on after it, no space between (``03/25/099Share``).
_RUN_ON_DATE = re.compile(r"(\d{1,4}[/.\-]\d{1,2}[/.\-']\d{1,4})[^\W\d_].*")
# A three-digit year after the month and day: years since 1900 (C's ``tm_year`` written as
# it is: ``099`` is 1999, ``100`` is 2000), from ``000`` to ``199``; a later one stays as
# written (no date: no bank writes the 2100s).
_SINCE_1900 = re.compile(r"(\d{1,2}[/.\-]\d{1,2}[/.\-])([01]\d\d)")


def _qif_date(value: str) -> str:
    """QIF's padded fields and apostrophe years: Quicken writes a year of this century after
    an apostrophe, in one or two digits and space-padded (``5/15' 0`` is 2000, ``1/ 2'24``
    2024) and a 1900s year after a slash (``1/2/99``); the apostrophe year is written out in
    full, so no later rule takes ``0`` or ``5`` for a day or a 1900s year. Writers with the
    Y2K bug write the years since 1900 in three digits (``3/25/099``, ``1/3/100``), some with
    the payee run on after the date (``D03/25/099Share Withdrawal``): the date alone is
    read, its year written out in full."""
    compact = re.sub(r"\s+", "", value)
    run_on = _RUN_ON_DATE.fullmatch(compact)
    if run_on:
        compact = run_on.group(1)
    century = re.fullmatch(r"(.+)'(\d{1,2})", compact)
    if century:
        return f"{century.group(1)}/{2000 + int(century.group(2))}"
    since_1900 = _SINCE_1900.fullmatch(compact)
    if since_1900:
        return f"{since_1900.group(1)}{1900 + int(since_1900.group(2))}"
    return compact.replace("'", "/")


def read_qif_export(text: str, name: str) -> RawExport:
    rows: dict[str, list[str]] = {k: [] for k in (
        "Date", "Description", "Amount", "Reference", "Category", "Status", "Account",
        "Bank Transaction ID", "Type")}
    state = {"block": "bank", "account": "", "account_header": False, "autoswitch": False,
             "account_list": False}
    card_lines = 0
    opening_balances: list[str] = []
    not_read: dict[str, int] = {}

    def flush(record: dict[str, str]) -> None:
        nonlocal card_lines
        if not record:
            return
        if state["account_list"]:  # Quicken's list of every account: no money moved
            not_read["account_list"] = not_read.get("account_list", 0) + 1
        elif state["account_header"]:
            state["account"] = record.get("N", state["account"])
            state["account_header"] = False
        elif state["block"] in _TRANSACTION_TYPES and _opening_balance(record):
            opening_balances.append(record.get("T", record.get("U", "")))
        elif state["block"] in _TRANSACTION_TYPES:
            payee, memo = record.get("P", ""), record.get("M", "")
            rows["Date"].append(_qif_date(record.get("D", "")))
            rows["Description"].append(payee or memo)
            rows["Reference"].append(memo if payee and memo != payee else "")
            rows["Amount"].append(record.get("T", record.get("U", "")))
            rows["Category"].append(record.get("L", ""))
            rows["Status"].append("paid" if record.get("C", "") in ("X", "*", "R") else "")
            rows["Account"].append(state["account"])
            rows["Bank Transaction ID"].append(record.get("N", ""))
            rows["Type"].append("")
            card_lines += state["block"] in _CARD_TYPES
        else:
            not_read[state["block"]] = not_read.get(state["block"], 0) + 1

    record: dict[str, str] = {}
    for raw_line in _LEADING_COMMENTS.sub("", text.lstrip("\ufeff"), count=1).splitlines():
        line = raw_line.strip()
        if not line:
            continue
        if line.startswith("!"):
            flush(record)  # a record left open by a new block still counts
            record = {}
            header = line[1:].strip().lower()
            if header.startswith("type:"):
                state["block"], state["account_header"] = header[5:].strip(), False
                state["account_list"] = False
            elif header == "account":
                # inside AutoSwitch an !Account block lists every account, not one header
                state["account_list"] = state["autoswitch"]
                state["account_header"] = not state["autoswitch"]
            elif header in ("option:autoswitch", "clear:autoswitch"):
                state["autoswitch"] = header.startswith("option")
                state["account_list"] = False
            continue
        if line.startswith("^"):
            flush(record)
            record = {}
            continue
        code, value = line[0], line[1:].strip()
        if code in ("S", "E", "$"):
            continue  # split detail: the transaction total (T) is the line
        record.setdefault(code, value)
    flush(record)  # the last record may lack its "^"
    info = {"format": "qif", "hints": normaliser_hints(
        decimal_hint=".", format_sign=CARD_STATEMENT if card_lines else SIGNED_BY_FORMAT)}
    if not_read:
        info["not_read"] = not_read
    if opening_balances:
        info["opening_balances"] = opening_balances
    return RawExport(raw_frame(rows, len(rows["Date"])), info)
