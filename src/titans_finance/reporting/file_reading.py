"""How the readers read each file, for a person: the settings (format, date order, decimal mark,
sign, which date dates the lines), which column became which field with the evidence of its
role, and whether the amounts were proven against a balance. The app's import page shows these
tables and the report says the same in sentences (`reading_sentences`), so the two cannot
disagree. Plain pandas: no Streamlit, no Kedro."""

from __future__ import annotations

from typing import Any

import pandas as pd

def how_it_was_read(info: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What the readers learnt of one file, as two tables for a person: the file's settings
    (format, encoding, delimiter, date order, decimal mark...) and which of its columns became
    which field of the clean table."""
    day_first = info.get("day_first")
    order = ("not decided" if day_first is None else "day first (31/01)" if day_first
             else "month first (01/31)")
    evidence = info.get("date_order_evidence") or {}
    iso, numeric = evidence.get("iso_values", 0), evidence.get("numeric_values")
    if info.get("format") in ("ofx", "camt053", "mt940"):
        order = "fixed by the format (year first)"
    elif iso and numeric == 0:
        # every date written year first: there is no day/month order to decide
        order = "year-month-day (ISO)"
    elif info.get("date_order_ambiguous"):
        order += " — ambiguous: no date tells; declare it in conf/local/export_mappings.yml"
    elif evidence.get("decided_by"):
        order += f" (decided by {evidence['decided_by']})"
    if iso and numeric:
        order += f"; {iso:,} other dates year-month-day (ISO)"
    settings = {
        "file": info.get("file") or info.get("path"), "format": info.get("format"),
        "rows": info.get("rows"), "encoding": info.get("encoding"),
        "delimiter": info.get("delimiter"), "header line": info.get("header_line"),
        "lines before the header": info.get("preamble_lines"), "date order": order,
        "decimal mark": info.get("decimal_mark"),
        "header": ("none: every column read by its values" if info.get("headerless")
                   else None),
        "sign": ("as written in the file" if info.get("sign", "as_written") == "as_written"
                 else "negated (declared mapping)") + (
            f"; {info['reading']['sign_convention']}" if info.get("reading") else ""),
        "balance check": balance_check(info.get("reconciliation")),
        "sign unproven": (info.get("sign_unproven") or {}).get("message"),
        "dated by": dated_by(info.get("date_columns")),
        "amounts repaired": amounts_repaired(info.get("amounts_repaired")),
        "lines without a booking date": (
            f"{info['lines_without_booking_date']} (not booked yet: set aside as not_booked)"
            if info.get("lines_without_booking_date") else None),
        "columns not used": ", ".join(info.get("unrecognised_columns") or []) or "none",
    }
    table = pd.DataFrame({"": [str(v) for v in settings.values() if v is not None]},
                         index=[k for k, v in settings.items() if v is not None])
    columns = pd.DataFrame([{"field": field, "from the file's column(s)": ", ".join(map(str, src))}
                            for field, src in (info.get("columns") or {}).items()],
                           columns=["field", "from the file's column(s)"])
    return table, columns


def dated_by(date_columns: dict[str, Any] | None) -> str | None:
    """Of two date columns, the one the lines carry, why, and whether the values left it
    unsure; None for a file with one date column."""
    if not date_columns:
        return None
    other = next(c for c in date_columns["columns"] if c != date_columns["booking_date"])
    said = (f"{date_columns['booking_date']!r} (not {other!r}; decided by "
            f"{date_columns['decided_by']})")
    if date_columns.get("lines"):  # line by line (MT940: the entry date where written)
        said += "; lines dated by " + ", ".join(f"{c}: {n}" for c, n in
                                                date_columns["lines"].items())
    return f"{said} — UNSURE: {date_columns['unsure']}" if date_columns.get("unsure") else said


def amounts_repaired(repaired: dict[str, Any] | None) -> str | None:
    """How many amounts were read through a repair, per column; None when none was."""
    columns = (repaired or {}).get("unreadable_grouping_mark") or {}
    if not columns:
        return None
    return (f"{sum(columns.values())} ({', '.join(f'{c}: {n}' for c, n in columns.items())}): "
            "an unreadable byte (\ufffd) between groups of three digits with a decimal mark "
            "after them, read as the grouping mark (-1\ufffd000.00 = -1000.00)")


def balance_check(reconciliation: dict[str, Any] | None) -> str | None:
    """The reconciliation of a file in one sentence: proven, contradicted (where) or not
    possible (why)."""
    if not reconciliation:
        return None
    status = reconciliation.get("status")
    source = reconciliation.get("source", "")
    if status == "proven":
        checked = reconciliation.get("steps_checked", reconciliation.get("statements_checked"))
        unit = "lines" if "steps_checked" in reconciliation else "statements"
        return f"proven: the amounts carry the {source} ({checked} {unit} checked)"
    if status == "contradicted":
        where = (f"first at row {reconciliation['first_break_row']}"
                 if "first_break_row" in reconciliation else
                 f"statement {reconciliation.get('first_break', {}).get('statement')}")
        return (f"CONTRADICTED: the amounts do not carry the {source} ({where}); "
                f"{reconciliation.get('explanation', 'check the file')}")
    return f"not possible: {reconciliation.get('reason') or source}"


def column_evidence(info: dict[str, Any]) -> pd.DataFrame:
    """Each column of the file, the field it fills, what decided it and what its values are."""
    rows = []
    for column, found in ((info.get("reading") or {}).get("columns") or {}).items():
        seen = []
        if found.get("date_rate"):
            seen.append(f"dates {found['date_rate']:.0%}")
        if found.get("amount_rate"):
            seen.append(f"amounts {found['amount_rate']:.0%}"
                        + (f" (decimal {found['decimal_mark']})" if found.get("decimal_mark")
                           else "") + (", signed" if found.get("signed_rate") else ""))
        if found.get("tokens"):
            seen.append("values " + " / ".join(found["tokens"]))
        if found.get("iban_rate"):
            seen.append(f"IBANs {found['iban_rate']:.0%}")
        if found.get("currency_rate"):
            seen.append(f"currency codes {found['currency_rate']:.0%}")
        if found.get("text_rate") and not seen:
            seen.append(f"text {found['text_rate']:.0%}")
        rows.append({"column": column, "field": found.get("role") or "—",
                     "decided by": found.get("decided_by", ""),
                     "values seen": "; ".join(seen) or "empty"})
    return pd.DataFrame(rows, columns=["column", "field", "decided by", "values seen"])


# settings a sentence leaves out: the file names itself, and the byte-level details (encoding,
# delimiter, header line) are the import page's, not what a reader of the report decides on
_NOT_SAID = {"file", "rows", "encoding", "delimiter", "header line", "lines before the header"}


def reading_sentences(data_quality: dict[str, Any]) -> list[str]:
    """One sentence per file the run read (the data-quality report's ``source``, or its
    ``source.files`` for a folder): its format, how its dates, amounts and sign were read,
    the balance check, which column became which field, then the readers' notes on it."""
    source = data_quality.get("source") or {}
    sentences = []
    for info in source.get("files") or ([source] if source else []):
        settings, columns = how_it_was_read(info)
        said = [f"{name}: {value}" for name, value in settings[""].items()
                if name not in _NOT_SAID]
        if len(columns):
            said.append("columns: " + ", ".join(
                f"{field} ← {read_from}" for field, read_from in columns.itertuples(index=False)))
        name = info.get("file") or info.get("path") or "the export"
        lines = f" ({info['rows']:,} lines)" if isinstance(info.get("rows"), int) else ""
        sentences.append(f"How {name} was read{lines}: " + "; ".join(said) + ".")
        sentences += [f"{name}: {note}" for note in (info.get("reading") or {}).get("notes") or []]
    return sentences
