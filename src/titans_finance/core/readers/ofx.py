"""OFX / QFX statements: 1.x (SGML, leaf tags left open) and 2.x (XML).

Read with a small tolerant tag reader rather than a library: ofxtools (the
best-kept OFX library) is GPL-3.0, which an MIT project cannot depend on, and
ofxparse (MIT) has had no release since 2021 and, on a malformed transaction,
either aborts the whole file or silently skips the line (``fail_fast=False``),
while we must keep every line and quarantine a bad one with its reason. The
reader never expands entities or fetches anything (no XML parser is involved,
so no XXE or entity bombs); character references are unescaped like HTML.

One row per ``STMTTRN`` of a bank (``STMTRS``) or card (``CCSTMTRS``) statement,
or cash line of an investment statement (``INVBANKTRAN``); the other investment
transactions (buys, sells) are counted in ``info["not_read"]``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from titans_finance.core.movements import BANK_STATEMENT, CARD_STATEMENT
from titans_finance.core.readers.base import RawExport, normaliser_hints, raw_frame
from titans_finance.core.readers.reconcile import balance_value

_TAG = re.compile(r"<(/?)([A-Za-z0-9._]+)(?:\s[^>]*)?>([^<]*)", re.S)
_CHARSET = re.compile(r"(?i)CHARSET:\s*([A-Za-z0-9-]+)")
_ENCODING = re.compile(r"(?i)ENCODING:\s*([A-Za-z0-9-]+)")


@dataclass
class Element:
    tag: str
    text: str = ""
    children: list[Element] = field(default_factory=list)

    def find(self, path: str) -> Element | None:
        node: Element | None = self
        for part in path.split("/"):
            node = next((c for c in node.children if c.tag == part), None) if node else None
        return node

    def text_of(self, path: str) -> str:
        node = self.find(path)
        return node.text if node else ""

    def iter(self, tag: str):
        for child in self.children:
            if child.tag == tag:
                yield child
            yield from child.iter(tag)


_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)


def parse_tags(text: str) -> Element:
    """Build the element tree of an OFX body; SGML leaves (``<TRNAMT>-12.50``) close themselves."""
    text = _CDATA.sub(lambda m: html.escape(m.group(1), quote=False), text)
    root = Element("ROOT")
    stack = [root]
    for closing, tag, content in _TAG.findall(text):
        tag = tag.upper()
        if tag.startswith("?") or tag.startswith("!"):
            continue
        if closing:
            # Close the aggregate (or a leaf already closed implicitly): pop up to it.
            for depth in range(len(stack) - 1, 0, -1):
                if stack[depth].tag == tag:
                    del stack[depth:]
                    break
            continue
        value = html.unescape(content).strip()
        element = Element(tag, value)
        stack[-1].children.append(element)
        if not value:
            stack.append(element)  # an aggregate (or an empty leaf, closed by its end tag)
    return root


def looks_like_ofx(head: str) -> bool:
    upper = head.upper()
    return "OFXHEADER" in upper or "<OFX>" in upper or "<?OFX" in upper


def ofx_encoding(data: bytes) -> str | None:
    head = data[:1000].decode("latin-1")
    encoding = _ENCODING.search(head)
    charset = _CHARSET.search(head)
    if encoding and encoding.group(1).upper() in ("UTF-8", "UTF8"):
        return "utf-8"
    if charset:
        value = charset.group(1).upper()
        if value in ("1252", "WINDOWS-1252", "CP1252"):
            return "cp1252"
        if value in ("8859-1", "ISO-8859-1", "LATIN-1", "ISO8859-1"):
            return "latin-1"
    if "encoding=\"utf-8\"" in head.lower() or "<?xml" in head.lower():
        return "utf-8"
    return None


def _ofx_date(value: str) -> str:
    """``20240102120000.000[-5:EST]`` -> ``2024-01-02`` (the day as written); else as written."""
    match = re.match(r"^\s*(\d{4})(\d{2})(\d{2})", value)
    return f"{match.group(1)}-{match.group(2)}-{match.group(3)}" if match else value


def ofx_amount(value: str) -> str:
    """A TRNAMT as the normaliser reads it: the OFX specification lets an amount's decimal
    mark be a period or a comma and gives amounts no thousands separator, so a comma in an
    amount without a period is its decimal mark (``1600,00`` -> ``1600.00``, as Santander
    Brasil writes some lines beside ``-4121.21``). A comma before three digits (``1,600``)
    is what a writer breaking the spec means by a thousands mark as often as a decimal one:
    it is handed on as written, like anything else, for the statement's decimal hint."""
    written = value.strip()
    if re.fullmatch(r"[+-]?\d*,\d{1,2}", written):
        return written.replace(",", ".")
    return written


# The side OFX's TRNTYPE names without doubt (POS, ATM, CHECK, INT can go either way): a
# DEBIT written positive or a CREDIT written negative contradicts the line's own sign.
_SIDE_OF_TYPE = {"DEBIT": -1, "CREDIT": 1}


def type_contradicts_sign(trntype: str, amount: str) -> bool:
    """The line's TRNTYPE names the other side than its TRNAMT's sign (zero has no side)."""
    side = _SIDE_OF_TYPE.get(trntype.strip().upper())
    written = amount.strip()
    if side is None or not re.search(r"[1-9]", written):
        return False
    return (side < 0) != written.startswith("-")


def read_ofx_export(text: str, name: str) -> RawExport:
    body = text[text.upper().find("<OFX"):] if "<OFX" in text.upper() else text
    root = parse_tags(body)
    rows: dict[str, list[str]] = {k: [] for k in (
        "Date", "Value Date", "Description", "Amount", "Reference", "Payment Method", "Account",
        "Currency", "Bank Transaction ID", "Type")}
    not_read = 0
    balances = []  # OFX writes the closing balance (LEDGERBAL) only: reported, not checkable
    statements = [*root.iter("STMTRS"), *root.iter("CCSTMTRS"), *root.iter("INVSTMTRS")]
    for statement in statements:
        account_from = (statement.find("BANKACCTFROM") or statement.find("CCACCTFROM")
                        or statement.find("INVACCTFROM"))
        account = account_from.text_of("ACCTID") if account_from else ""
        currency = statement.text_of("CURDEF")
        if statement.tag == "INVSTMTRS":
            lines = [b.find("STMTTRN") for b in statement.iter("INVBANKTRAN")]
            tranlist = statement.find("INVTRANLIST")
            if tranlist:
                not_read += sum(1 for c in tranlist.children if c.tag not in ("DTSTART", "DTEND",
                                                                             "INVBANKTRAN"))
        else:
            lines = list(statement.iter("STMTTRN"))
        for line in (x for x in lines if x is not None):
            name_ = line.text_of("NAME") or line.text_of("PAYEE/NAME")
            memo = line.text_of("MEMO")
            rows["Date"].append(_ofx_date(line.text_of("DTPOSTED")))
            rows["Value Date"].append(_ofx_date(line.text_of("DTUSER")))
            rows["Description"].append(name_ or memo)
            rows["Reference"].append(memo if name_ and memo != name_ else "")
            rows["Amount"].append(ofx_amount(line.text_of("TRNAMT")))
            rows["Payment Method"].append(line.text_of("TRNTYPE"))
            rows["Account"].append(account)
            rows["Currency"].append(line.text_of("CURRENCY/CURSYM") or currency)
            rows["Bank Transaction ID"].append(line.text_of("FITID"))
            rows["Type"].append("")
        balances.append({"rows": sum(1 for x in lines if x is not None), "opening": None,
                         "closing": balance_value(statement.text_of("LEDGERBAL/BALAMT") or None)})
    n = len(rows["Date"])
    # the spec's sign is the account holder's: a bank statement's is proven by the format,
    # a card statement's is the one issuers get backwards (charges written positive)
    cards = any(s.tag == "CCSTMTRS" and s.find("BANKTRANLIST") for s in statements)
    info = {
        "format": "ofx",
        "version": "2.x (XML)" if "<?xml" in text[:500].lower() else "1.x (SGML)",
        "statements": len(statements),
        "hints": normaliser_hints(
            decimal_hint=".", day_first=False, statement_balances=balances,
            format_sign=CARD_STATEMENT if cards else BANK_STATEMENT,
            type_disagrees=sum(map(type_contradicts_sign, rows["Payment Method"],
                                   rows["Amount"]))),
    }
    if not_read:
        info["not_read"] = {"investment_transactions": not_read}
    if not statements:
        info["not_read"] = {**info.get("not_read", {}), "no_statement": 1}
    return RawExport(raw_frame(rows, n), info)
