"""CAMT.053 (ISO 20022 bank-to-customer statement) and its siblings camt.052/054.

Read with defusedxml (no entity expansion, no external fetches) and matched on
local names so every schema version (``camt.053.001.02`` to ``.13``) reads alike.
Written here rather than with pycamt (MIT): pycamt parses with lxml and returns
its own flattened records per transaction detail, while a statement line is the
entry (``Ntry``: one booked amount, possibly a batch of several details), and we
need the values as written (amount, ``CdtDbtInd``, dates) for the normaliser.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from defusedxml import ElementTree as SafeET

from titans_finance.core.movements import BANK_STATEMENT
from titans_finance.core.readers.bank_transaction_codes import bank_transaction_words
from titans_finance.core.readers.base import (
    ExportReadError,
    RawExport,
    normaliser_hints,
    raw_frame,
)
from titans_finance.core.readers.iso_datetimes import booking_day, statement_zone
from titans_finance.core.readers.reconcile import balance_value


def looks_like_camt(head: str) -> bool:
    return "urn:iso:std:iso:20022:tech:xsd:camt.05" in head or "<BkToCstmrStmt" in head


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(node: ET.Element | None, *path: str) -> ET.Element | None:
    for part in path:
        if node is None:
            return None
        node = next((c for c in node if _local(c.tag) == part), None)
    return node


def _text(node: ET.Element | None, *path: str) -> str:
    found = _child(node, *path)
    return (found.text or "").strip() if found is not None else ""


def _all(node: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in node.iter() if _local(e.tag) == name]


def _date(node: ET.Element | None, zone=None) -> str:
    """A date as written, or the booking day of a date-time in the statement's zone."""
    written = _text(node, "DtTm")
    return _text(node, "Dt") or (booking_day(written, zone) if written else "")


def _zone(root: ET.Element, statement: ET.Element) -> tuple:
    """The statement's time zone for its date-times (`iso_datetimes.statement_zone`)."""
    times = [_text(_child(root[0], "GrpHdr") if len(root) else None, "CreDtTm"),
             _text(statement, "CreDtTm"), _text(statement, "FrToDt", "FrDtTm"),
             _text(statement, "FrToDt", "ToDtTm")]
    period = (_text(statement, "FrToDt", "FrDtTm"), _text(statement, "FrToDt", "ToDtTm"))
    bookings = [_text(e, "BookgDt", "DtTm") for e in statement if _local(e.tag) == "Ntry"]
    return statement_zone([t for t in times if t], period, [b for b in bookings if b])


def _party_name(details: ET.Element | None, role: str) -> str:
    # camt.053.001.02: RltdPties/Cdtr/Nm; from .08 on: RltdPties/Cdtr/Pty/Nm
    return (_text(details, "RltdPties", role, "Nm") or _text(details, "RltdPties", role, "Pty", "Nm"))


def _code_words(entry: ET.Element, details: ET.Element | None) -> str:
    """What the bank transaction code says moved the money, with the creditor's reference
    when one is written: the last description of an entry that writes no words at all."""
    family = _child(entry, "BkTxCd", "Domn", "Fmly")
    words = bank_transaction_words(_text(family, "Cd"), _text(family, "SubFmlyCd"))
    reference = _text(details, "RmtInf", "Strd", "CdtrRefInf", "Ref")
    return " ".join(part for part in (words, f"ref {reference}" if reference else "") if part)


def _statement_balances(statement: ET.Element) -> dict:
    """Opening (OPBD, or PRCD: the previous closing) and closing (CLBD) booked balances."""
    found, currencies = {}, {}
    for balance in (b for b in statement if _local(b.tag) == "Bal"):
        code = _text(balance, "Tp", "CdOrPrtry", "Cd") or _text(balance, "Tp", "CdOrPrtry",
                                                                  "Prtry")
        value = balance_value(_text(balance, "Amt") or None,
                              debit=_text(balance, "CdtDbtInd") == "DBIT")
        which = {"OPBD": "opening", "PRCD": "opening", "CLBD": "closing"}.get(code)
        if which and value is not None and which not in found:
            found[which] = value
            currencies[which] = (_child(balance, "Amt").get("Ccy") or "").upper()
    if len(set(currencies.values())) > 1:  # balances in two currencies: nothing to check
        found = {}
    return {"rows": sum(1 for e in statement if _local(e.tag) == "Ntry"),
            "opening": found.get("opening"), "closing": found.get("closing")}


def _statement_day(statement: ET.Element, zone=None) -> str:
    """The one day a statement covers, when it says so: its period (``FrToDt``) starts and
    ends on one day, or (no period written) every balance it gives is dated that day.
    An entry written without a booking or value date was booked on it; a statement of
    several days leaves such an entry undated (quarantined ``missing_date``)."""
    period = {(booking_day(t, zone) if t else "") for t in (
        _text(statement, "FrToDt", "FrDtTm"), _text(statement, "FrToDt", "ToDtTm"))}
    if period != {""}:  # a period written decides alone
        return period.pop() if len(period) == 1 else ""
    days = {_date(_child(b, "Dt"), zone) for b in statement if _local(b.tag) == "Bal"}
    return days.pop() if len(days) == 1 and "" not in days else ""


def read_camt_export(data: bytes, name: str) -> RawExport:
    try:
        root = SafeET.fromstring(data)
    except (ET.ParseError, ValueError) as exc:
        raise ExportReadError(f"{name}: not well-formed CAMT XML ({exc})") from exc
    rows: dict[str, list[str]] = {k: [] for k in (
        "Date", "Value Date", "Description", "Amount", "Debit/Credit", "Reference", "Status",
        "Account", "Currency", "Bank Transaction ID")}
    statements = [e for e in root.iter() if _local(e.tag) in ("Stmt", "Rpt", "Ntfctn")]
    balances, zones, dated_by_statement = [], [], 0
    for statement in statements:
        balances.append(_statement_balances(statement))
        zone, decided_by = _zone(root, statement)
        if zone is not None:
            zones.append({"statement": len(balances), "offset": str(zone),
                          "decided_by": decided_by})
        account = _child(statement, "Acct")
        account_id = _text(account, "Id", "IBAN") or _text(account, "Id", "Othr", "Id")
        account_currency = _text(account, "Ccy")
        day = _statement_day(statement, zone)
        for entry in (e for e in statement if _local(e.tag) == "Ntry"):
            amount = _child(entry, "Amt")
            indicator = _text(entry, "CdtDbtInd")
            details = _child(entry, "NtryDtls", "TxDtls")
            unstructured = " ".join(
                (u.text or "").strip() for u in _all(entry, "Ustrd") if (u.text or "").strip())
            party = _party_name(details, "Cdtr" if indicator == "DBIT" else "Dbtr")
            # the bank's own words for the entry when no remittance text is written (fees,
            # discounts: ``AddtlTxInf`` in the transaction details, ``AddtlNtryInf`` on the
            # entry); split after joining, so an empty element adds no space; last, the
            # words of its bank transaction code (an entry of references only)
            description = (unstructured or _text(entry, "AddtlNtryInf") or party
                           or " ".join(" ".join(e.text or ""
                                                for e in _all(entry, "AddtlTxInf")).split())
                           or _code_words(entry, details))
            booked = (_date(_child(entry, "BookgDt"), zone) or _date(_child(entry, "ValDt"), zone))
            dated_by_statement += bool(not booked and day)
            rows["Date"].append(booked or day)
            rows["Value Date"].append(_date(_child(entry, "ValDt"), zone))
            rows["Description"].append(description)
            rows["Reference"].append(party)
            rows["Amount"].append((amount.text or "").strip() if amount is not None else "")
            rows["Debit/Credit"].append(indicator)
            rows["Status"].append(_text(entry, "Sts") or _text(entry, "Sts", "Cd"))
            rows["Account"].append(account_id)
            rows["Currency"].append(amount.get("Ccy", "") if amount is not None
                                    else account_currency)
            rows["Bank Transaction ID"].append(
                _text(entry, "AcctSvcrRef") or _text(details, "Refs", "AcctSvcrRef")
                or _text(entry, "NtryRef"))
    info = {"format": "camt053", "message": _local(root[0].tag) if len(root) else "",
            "statements": len(statements),
            **({"booking_day_time_zone": zones} if zones else {}),
            **({"entries_dated_by_statement_day": dated_by_statement}
               if dated_by_statement else {}),
            # each entry writes its side (CdtDbtInd): the sign is the format's, not a guess
            "hints": normaliser_hints(decimal=".", day_first=False, statement_balances=balances,
                                      format_sign=BANK_STATEMENT)}
    return RawExport(raw_frame(rows, len(rows["Date"])), info)
