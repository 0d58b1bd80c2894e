"""A tolerant reader of MT940 statements, for the files the mt-940 library refuses.

Banks bend the format (a decimal point instead of a comma, spaces inside a ``:61:``
line, a reference longer than 16 characters, a missing transaction type code): the
library then stops on the whole file. What a transaction needs is in two tags, read
here line by line: ``:61:`` (value date, optional entry date, debit/credit mark, amount,
transaction type, references) and the ``:86:`` after it (the text). ``:25:`` gives the
account; ``:60F:``/``:60M:`` and ``:62F:``/``:62M:`` the opening and closing balances,
against which the amounts read are checked (``info["balances"]``).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from titans_finance.core.movements import BANK_STATEMENT
from titans_finance.core.readers.base import (
    ExportReadError,
    RawExport,
    normaliser_hints,
    raw_frame,
)
from titans_finance.core.readers.mt940_dates import line_dates

_TAG = re.compile(r"^:(?P<tag>\d{2}[A-Z]?|NS):", re.M)
# value date YYMMDD, [entry date MMDD], [R]D/C mark, [funds code], amount (comma or
# point decimal), then the transaction type and references as written
_LINE = re.compile(
    r"^\s*(?P<date>\d{6})\s*(?P<entry>\d{4})?\s*(?P<mark>[Rr]?[DCdc])(?P<funds>[A-Z](?=[\s\d]))?\s*"
    r"(?P<amount>\d[\d.,]*)\s*(?P<rest>(?:[NSF][A-Z0-9 ]{3}|//|\n).*|)$", re.S)
_TYPE = re.compile(r"^(?P<type>[A-Z][A-Z0-9 ]{3})?(?P<reference>(?:(?!//)[^\n])*)"
                   r"(?://(?P<bank>[^\n]*))?\n?(?P<extra>.*)$", re.S)
_BALANCE = re.compile(r"^\s*(?P<mark>[DC])(?P<date>\d{6})(?P<currency>[A-Z]{3})"
                      r"(?P<amount>\d[\d.,]*)", re.I)
_SUBFIELD = re.compile(r"\?(\d{2})")
_STRUCTURED_NAME = re.compile(r"/NAME/([^/]*)")
# The SWIFT envelope around a message's text block, line by line: its header blocks up to
# the text block's start ({1:..}{2:..}{3:..}{4:), the text block's end with the trailer
# blocks after it (-}{5:{CHK:..}}), a lone - (end of message) or }.
_ENVELOPE = re.compile(r"(?m)^(?:\{[1-5]:(?:.*?\{4:|.*$)|-\}.*$|[-}][ \t\r]*$)")


def without_envelope(text: str) -> str:
    """The MT940 text with the SWIFT envelope blanked, every line kept (so line numbers in
    messages stay right): none of it is a tag's text, though the lines between one
    message's last tag and the next message's first would otherwise end that tag's value
    (a statement cut before its closing balance ends its last ``:86:`` with them)."""
    return _ENVELOPE.sub("", text)


# Tags after which a :86: is the statement's own "information to account owner" (SWIFT's
# field 86 in the trailer: ING's /SUM/ totals, a D000004C000004 count), no line's text.
_TRAILER_TAGS = {"62F", "62M", "64", "65"}


def without_statement_information(text: str) -> tuple[str, list[str]]:
    """The MT940 text with each ``:86:`` written after a closing balance (``:62F:``/
    ``:62M:``, ``:64:``, ``:65:``) blanked, line by line (line numbers stay right), and
    those texts: the mt-940 library hangs them on the statement's last line's description."""
    lines = text.split("\n")
    information: list[str] = []
    previous, blanking = "", False
    for i, line in enumerate(lines):
        tag = _TAG.match(line)
        if tag:
            blanking = tag.group("tag").upper() == "86" and previous in _TRAILER_TAGS
            previous = tag.group("tag").upper()
            if blanking:
                information.append(line[tag.end():].strip())
        elif blanking and line.strip():
            information[-1] = f"{information[-1]} {line.strip()}".strip()
        if blanking:
            lines[i] = "\r" if line.endswith("\r") else ""
    return "\n".join(lines), information


def _iso_date(yymmdd: str) -> str:
    year = int(yymmdd[:2])
    return f"{2000 + year if year < 80 else 1900 + year}-{yymmdd[2:4]}-{yymmdd[4:6]}"


def _decimal(written: str) -> Decimal:
    """An MT940 amount: the last comma or point is the decimal mark (``12,50``, ``12.50``),
    even with no decimals after it (``1000,``, ``1.234,``), unless it is written more than
    once: then it groups thousands (``1.234.567``). Both marks before the decimal one
    (``1,234.567,89``) group nothing a bank writes: `InvalidOperation`, never a guess."""
    mark = max(written.rfind(","), written.rfind("."))
    if mark >= 0 and written.count(written[mark]) > 1:
        mark = -1
    whole, fraction = (written[:mark], written[mark + 1:]) if mark >= 0 else (written, "")
    if "," in whole and "." in whole:
        raise InvalidOperation(f"{written!r} mixes both marks before its decimal mark")
    digits = re.sub(r"[.,]", "", whole)
    return Decimal(f"{digits or '0'}.{fraction or '0'}")


def _signed(mark: str, amount: Decimal) -> Decimal:
    # D: money out; RC (reversal of a credit) leaves the account too; C and RD come in.
    return -amount if mark.upper() in ("D", "RC") else amount


def _details(text: str) -> tuple[str, str]:
    """(description, counterparty) of a ``:86:`` text: German ``?20`` subfields joined,
    a Dutch ``/NAME/`` kept as the counterparty; else the text with spaces collapsed."""
    flat = re.sub(r"\s*\n\s*", "", text) if _SUBFIELD.search(text) else text
    if _SUBFIELD.search(flat):
        parts = dict()
        for code, value in zip(*[iter(_SUBFIELD.split(flat)[1:])] * 2, strict=False):
            parts.setdefault(code, []).append(value.strip())
        purpose = " ".join(v for code in sorted(parts) if "20" <= code <= "29" or
                           "60" <= code <= "63" for v in parts[code] if v)
        name = " ".join(v for code in ("32", "33") for v in parts.get(code, []) if v)
        booking = " ".join(parts.get("00", []))
        return re.sub(r"\s+", " ", purpose or booking).strip(), name
    name = _STRUCTURED_NAME.search(text)
    return re.sub(r"\s+", " ", text).strip(), (name.group(1).strip() if name else "")


def _refuse(text: str, name: str, tags: list[re.Match[str]], lines_by_offset: list[int]):
    """Name the unreadable ``:61:`` lines: a transaction is never skipped."""
    values = [(match.start(), text[match.end():tags[i + 1].start() if i + 1 < len(tags)
                                   else len(text)].strip("\r\n "))
              for i, match in enumerate(tags) if match.group("tag") == "61"]
    bad = [(sum(1 for offset in lines_by_offset if offset <= start), value)
           for start, value in values if _LINE.match(value) is None]
    raise ExportReadError(
        f"{name}: {len(bad)} of {len(values)} MT940 statement lines (:61:) cannot be read "
        f"(first at line {bad[0][0]}: {(':61:' + bad[0][1])[:60]!r}: no date, debit/credit "
        "mark, amount and transaction type); correct them or export the statement again")


def read_mt940_lines(text: str, name: str) -> RawExport:
    """Read the ``:61:``/``:86:`` lines of an MT940 text (see the module docstring).

    Raises `ExportReadError` naming the first ``:61:`` line that holds no date, mark and
    amount: a transaction is never skipped.
    """
    text = without_envelope(text)
    rows: dict[str, list[str]] = {k: [] for k in (
        "Date", "Value Date", "Description", "Amount", "Reference", "Account", "Currency",
        "Bank Transaction ID", "Payment Method")}
    account = currency = ""
    balances: list[dict[str, str]] = []
    statement: dict[str, str] = {}
    entries: list[str] = []  # each line's entry date (MMDD) as written, "" when none
    lines_by_offset = [m.start() for m in re.finditer(r"(?m)^", text)]
    tags = list(_TAG.finditer(text))
    last_was_line = False
    for i, match in enumerate(tags):
        tag = match.group("tag").upper()
        end = tags[i + 1].start() if i + 1 < len(tags) else len(text)
        value = text[match.end():end].strip("\r\n ")
        if tag == "25":
            # the account, without the currency some banks write after it
            account = re.sub(r"\s+", "", re.sub(r"\s+[A-Z]{3}\s*$", "", value.split("\n")[0]))
        elif tag in ("60F", "60M", "62F", "62M"):
            found = _BALANCE.match(value)
            if found:
                currency = found["currency"].upper()
                try:
                    amount = _signed(found["mark"], _decimal(found["amount"]))
                except InvalidOperation as exc:
                    raise ExportReadError(f"{name}: MT940 balance (:{tag}:) amount "
                                          f"{found['amount']!r} is not a number") from exc
                key = "opening" if tag.startswith("60") else "closing"
                statement[key] = format(amount, "f")
                statement[f"{key}_date"] = _iso_date(found["date"])
                if key == "closing":
                    balances.append({**statement, "account": account, "currency": currency})
                    statement = {}
        elif tag == "61":
            line = _LINE.match(value)
            if line is None:
                _refuse(text, name, tags, lines_by_offset)
            try:
                amount = _signed(line["mark"], _decimal(line["amount"]))
            except InvalidOperation as exc:
                raise ExportReadError(f"{name}: MT940 amount {line['amount']!r} is not a "
                                      "number") from exc
            rest = _TYPE.match(line["rest"].strip("\r"))
            rows["Value Date"].append(_iso_date(line["date"]))
            entries.append(line["entry"] or "")
            rows["Amount"].append(format(amount, "f"))
            rows["Description"].append((rest["extra"] or "").strip() if rest else "")
            reference = (rest["reference"] or "").strip() if rest else ""
            rows["Reference"].append("" if reference.upper() == "NONREF" else reference)
            rows["Account"].append(account)
            rows["Currency"].append(currency)
            rows["Bank Transaction ID"].append((rest["bank"] or "").strip() if rest else "")
            rows["Payment Method"].append((rest["type"] or "") if rest else "")
            statement["transactions"] = str(int(statement.get("transactions", "0")) + 1)
            statement["sum"] = format(Decimal(statement.get("sum", "0")) + amount, "f")
        elif tag == "86" and last_was_line:
            description, party = _details(value)
            rows["Description"][-1] = description or rows["Description"][-1]
            if party:
                rows["Reference"][-1] = party
        last_was_line = tag == "61"
    for balance in balances:
        if "opening" in balance:
            moved = Decimal(balance.get("sum", "0"))
            balance["reconciles"] = str(
                Decimal(balance["opening"]) + moved == Decimal(balance["closing"])).lower()
    # the entry (booking) date when written, else the value date (`mt940_dates`)
    rows["Date"], dated = line_dates(rows["Value Date"], entries)
    info = {"format": "mt940", "reader": "tolerant (:61:/:86: lines)",
            "statements": len(balances) or (1 if rows["Date"] else 0),
            "balances": balances, "date_columns": dated,
            "hints": normaliser_hints(decimal=".", day_first=False,
                                      format_sign=BANK_STATEMENT)}  # each line's C/D
    return RawExport(raw_frame(rows, len(rows["Date"])), info)
