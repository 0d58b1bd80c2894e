"""MT940 (SWIFT customer statement) exports, read with the mt-940 library.

mt-940 (BSD-3-Clause, maintained) knows the many bank flavours of the format
(tag variants, ``:86:`` layouts, multi-statement files); the format itself fixes
dates (YYMMDD) and amounts (decimal comma, D/C mark), so taking its parsed
values loses nothing. One row per ``:61:`` line, with ``:86:`` as description.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

from titans_finance.core.movements import BANK_STATEMENT
from titans_finance.core.readers.base import (
    ExportReadError,
    RawExport,
    normaliser_hints,
    raw_frame,
    readable_error,
)
from titans_finance.core.readers.mt940_dates import line_dates
from titans_finance.core.readers.mt940_lines import (
    read_mt940_lines,
    without_envelope,
    without_statement_information,
)
from titans_finance.core.readers.reconcile import balance_value


logger = logging.getLogger(__name__)
# the library's loggers (``mt940.tags.<tag>``) log an ERROR with its regular expression for
# every line it cannot match, before our tolerant reader takes that statement over
_LIBRARY_LOGGER = "mt940"


@contextmanager
def _library_quiet() -> Iterator[None]:
    """The mt-940 library's log lines silenced for one call (its child loggers take their
    level from it); our own warning says what happened instead."""
    library = logging.getLogger(_LIBRARY_LOGGER)
    level = library.level
    library.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        library.setLevel(level)


def looks_like_mt940(head: str) -> bool:
    return bool(re.search(r"(?m)^:20:", head) and re.search(r"(?m)^:(25|60F|60M|61):", head))


# value date, [entry date], [R]D/C mark, [funds code], amount with its decimal comma,
# transaction type (S/N/F + 3): the start of every well-formed :61: line
_STATEMENT_LINE = re.compile(r"\d{6}(?:\d{4})?[Rr]?[DCdc][A-Z]?\d[\d,]*,\d*[SNF][A-Z0-9 ]{3}")


def _every_statement_line_read(text: str, read: int) -> bool:
    """mt-940 passes over a ``:61:`` line it cannot parse (and may hang its ``:86:`` on a
    neighbour), and reads ``C12OO,00NTRF`` as 12 (the rest taken for a reference): a
    transaction would vanish or change without a trace."""
    lines = [line for line in text.splitlines() if line.startswith(":61:")]
    return read == len(lines) and all(_STATEMENT_LINE.match(line[4:]) for line in lines)


def _balance(data: dict, which: str) -> float | None:
    """:60F:/:60M: (opening) or :62F:/:62M: (closing), signed (D is negative)."""
    found = data.get(f"final_{which}_balance") or data.get(f"intermediate_{which}_balance")
    amount = getattr(found, "amount", None)
    return balance_value(getattr(amount, "amount", None)) if amount is not None else None


def read_mt940_export(text: str, name: str) -> RawExport:
    """Read with mt-940; a statement it refuses, or one of whose ``:61:`` lines it would
    pass over, is read by the tolerant line reader instead (`mt940_lines`), which names
    the line it cannot read. The library's own message (it shows Python objects) is
    recorded in ``info["library_refused"]`` without them, never shown as the error."""
    import mt940  # imported here: only MT940 files need it

    # (the library too keeps the envelope after a last :86: in that tag's text)
    text = without_envelope(text)
    # a :86: after the closing balance is the statement's, not its last line's (the library
    # would append it to that line's text): kept in the reading's info
    text, information = without_statement_information(text)
    rows: dict[str, list[str]] = {k: [] for k in (
        "Date", "Value Date", "Description", "Amount", "Reference", "Account", "Currency",
        "Bank Transaction ID", "Payment Method")}
    # A reversal of a credit (``RC``) takes the money back out and a lowercase mark signs
    # like its uppercase form; mt-940 5.x signs both only when asked (its default keeps the
    # 5.0 output, where an RC line came back as money in).
    options = mt940.Options(reversal_sign=True, case_insensitive_marks=True)
    try:
        with _library_quiet():
            statements = list(mt940.parse_statements(text, options=options))
        refused = None if _every_statement_line_read(
            text, sum(len(s.transactions) for s in statements)) else (
            "some :61: statement lines would be skipped")
    except Exception as exc:  # the library raises many kinds for a malformed file
        refused = readable_error(exc)
    if refused is not None:
        export = read_mt940_lines(text, name)
        if export.frame.empty:
            raise ExportReadError(f"{name}: not a readable MT940 statement ({refused}); "
                                  "no :61: statement line found")
        export.info["library_refused"] = refused
        if information:
            export.info["statement_information"] = information
        logger.warning("%s: the MT940 library could not read it (%s); read by the tolerant "
                       ":61:/:86: line reader", name, refused)
        return export
    entries: list[str] = []  # each line's entry date (MMDD), "" when none
    balances = [{"rows": len(s.transactions), "opening": _balance(s.data, "opening"),
                 "closing": _balance(s.data, "closing")} for s in statements]
    for statement in statements:
        # the account, without the currency some banks write after it (bunq: "NL10... EUR")
        account = re.sub(r"\s+[A-Z]{3}\s*$", "",
                         str(statement.data.get("account_identification") or "")).strip()
        for transaction in statement:
            data = transaction.data
            amount = data.get("amount")
            # :86: as written, else the parts mt-940 split out of a structured :86:
            # (German ?20.. subfields: booking text, purpose, counterparty).
            details = re.sub(r"\s+", " ", str(data.get("transaction_details") or "")).strip() or (
                " ".join(str(data[k]) for k in ("posting_text", "purpose") if data.get(k)))
            party = next((str(data[k]) for k in ("deviate_applicant", "applicant_name",
                                                  "recipient_name") if data.get(k)), "")
            # ``date`` is the value date of :61:, always written; the entry date is optional
            # (its year is ours to decide: `mt940_dates`, not the library's guess)
            rows["Value Date"].append(str(data.get("date") or ""))
            entry = data.get("entry_date")
            entries.append(f"{entry.month:02d}{entry.day:02d}" if entry else "")
            rows["Description"].append(details or str(data.get("extra_details") or ""))
            rows["Reference"].append(party or str(data.get("customer_reference") or "").replace(
                "NONREF", ""))
            rows["Amount"].append(format(amount.amount, "f") if amount is not None else "")
            rows["Account"].append(account)
            rows["Currency"].append(str(data.get("currency") or ""))
            rows["Bank Transaction ID"].append(str(data.get("bank_reference") or ""))
            rows["Payment Method"].append(str(data.get("id") or ""))
    # the entry (booking) date when written, else the value date (`mt940_dates`)
    rows["Date"], dated = line_dates(rows["Value Date"], entries)
    info = {"format": "mt940", "statements": len(statements), "date_columns": dated,
            # each :61: line writes its side (C/D): the sign is the format's, not a guess
            "hints": normaliser_hints(decimal=".", day_first=False, statement_balances=balances,
                                      format_sign=BANK_STATEMENT)}
    if information:
        info["statement_information"] = information
    return RawExport(raw_frame(rows, len(rows["Date"])), info)
