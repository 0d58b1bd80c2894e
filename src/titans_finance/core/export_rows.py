"""Raw export rows → normalised candidate rows and the reasons each rejected row fails.

One file at a time (`_normalise_file`): its dates in one day/month order, its amounts in
one decimal mark and sign convention, its text and enums, whether its amounts carry its
balances (`core.file_reconciliation`); then the declared schema has the last word. Plain module
(no Kedro): the ingestion node `normalise_transactions` calls `normalise_rows`.

Sign rule (the sign written in the file wins):
- a value written with a sign (``-12``, ``+100,00``, ``(12)``, ``12-``, ``12 DR``), or any
  value of an amount column in which some value carries a sign, keeps its sign as
  written; ``type`` follows it, and a Type or debit/credit column that says otherwise
  is counted (``fixes.type_disagrees_with_sign``, ``fixes.indicator_disagrees_with_sign``),
  never used to flip the amount;
- a column with no sign anywhere is unsigned: the debit/credit indicator column, else
  the Type column, gives the sign (``fixes.sign_from_indicator`` / ``sign_from_type``);
  an unsigned value with neither is money in as written (``fixes.unsigned_amount_without_direction``);
- split columns: ``Money Out`` is money out whatever its sign mark, ``Money In`` is
  money in as written;
- a declared mapping with ``sign: negate`` negates every amount of its files (card
  statements that write charges as positive numbers).
"""

from __future__ import annotations


from pathlib import PurePath
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pandera.errors

from titans_finance.core.balance_gaps import lines_the_balance_leaves_out
from titans_finance.core.dates import order_from_sibling
from titans_finance.core.file_memo import one_file
from titans_finance.core.movements import (
    apply_fees,
    card_payments,
    payments_against_purchases,
    sign_unproven,
    words_against_signs,
)
from titans_finance.core.normalise import (
    HTML_ENTITY,
    clean_strings,
    correct_enum,
    correct_payment_methods,
    correct_statuses,
    correct_types,
    decode_entities,
    indicator_signs,
    read_amounts,
    read_dates,
    snake_token,
)
from titans_finance.core.pair_sides import sides_from_pair
from titans_finance.core.readers.base import normaliser_hints
from titans_finance.core.readers.column_evidence import direction_signs
from titans_finance.core.readers.csv_rows import repeated_totals
from titans_finance.core.file_reconciliation import balance_chain, file_reconciliation
from titans_finance.core.readers.reconcile import NOT_POSSIBLE
from titans_finance.core.settled_status import no_money_moved
from titans_finance.core.schema import (
    CLEAN_COLUMNS,
    KNOWN_CATEGORIES,
    NO_DESCRIPTION,
    READ_COLUMNS,
    TEXT_COLUMNS,
    clean_transactions_schema,
)
from titans_finance.core.readers.base import PARSE_ERROR_COLUMN, file_sources

if TYPE_CHECKING:  # the settings' shape only: core does not depend on the parameters
    from titans_finance.parameters import IngestionSettings

REASONS_COLUMN = "reasons"
# Internal column of the candidates: the account as the file wrote it ("" when the
# file names none), so overlapping exports of one unnamed account still match.
WRITTEN_ACCOUNT = "_written_account"
_CURRENCY_SYMBOLS = {"€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₽": "RUB", "₩": "KRW",
                     "₺": "TRY", "₪": "ILS", "US$": "USD", "C$": "CAD", "A$": "AUD",
                     "FR": "CHF", "SFR": "CHF", "KR": None, "$": None}

def _add_reason(reasons: pd.Series, mask: pd.Series, reason: str) -> pd.Series:
    mask = mask.fillna(False).astype(bool)
    if not mask.any():
        return reasons
    # only the (few) rows concerned are touched: a million-row column is not rebuilt
    reasons = reasons.copy()
    reasons[mask] = [f"{written}; {reason}" if written != "" else reason
                     for written in reasons[mask]]
    return reasons


def _category_vocabulary(tokens: pd.Series, min_count: int) -> list[str]:
    """Known categories plus the file's own categories used at least ``min_count`` times."""
    counts = tokens.value_counts()
    frequent = counts[counts >= min_count].index.tolist()
    return sorted(set(KNOWN_CATEGORIES) | set(frequent))


def _date_bounds(settings: IngestionSettings) -> tuple[pd.Timestamp, pd.Timestamp]:
    min_date = pd.Timestamp(settings.min_date)
    reference = (pd.Timestamp(settings.reference_date) if settings.reference_date is not None
                 else pd.Timestamp.today())
    return min_date, (reference + pd.Timedelta(days=settings.max_future_days)).normalize()


def _currency_codes(raw: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """ISO code per row: the Currency column, else a code or symbol written in the amount."""
    written = clean_strings(raw["Currency"]).str.upper()
    symbols = {k: v for k, v in _CURRENCY_SYMBOLS.items() if v}
    code = written.where(written.str.fullmatch(r"[A-Z]{3}", na=False), written.map(symbols))
    # Only amounts that carry letters or symbols can name a currency (speed on big files).
    marked = code.isna() & raw["Amount"].str.contains(r"[^\d.,\s()+\-']", regex=True)
    guessed = pd.Series(np.nan, index=raw.index, dtype="object")
    if marked.any():
        from_amount = raw.loc[marked, "Amount"].str.upper().str.extract(
            r"(?<![A-Z])([A-Z]{3})(?![A-Z])|(US\$|C\$|A\$|[€£¥₹₽₩₺₪])", expand=True)
        found = from_amount[0].fillna(from_amount[1].map(symbols))
        guessed[marked] = found.where(found.str.fullmatch(r"[A-Z]{3}", na=False))
    unrecognised = written.notna() & code.isna()
    return code.fillna(guessed).astype("str"), unrecognised


def _file_amounts(raw: pd.DataFrame, hints: dict[str, Any]) -> dict[str, Any]:
    """Parse the file's amount columns with one decimal-mark decision for all of them."""
    names = [c for c in ("Amount", "Money In", "Money Out", "Balance", "Fee")
             if (raw[c].str.strip() != "").any()]
    stacked = pd.concat([raw[c] for c in names], ignore_index=True) if names else (
        pd.Series([], dtype="str"))
    parsed = read_amounts(stacked, decimal=hints.get("decimal"),
                          decimal_hint=hints.get("decimal_hint") or ".")
    n = len(raw)
    result: dict[str, Any] = {"decimal_mark": parsed.decimal_mark,
                              "decimal_mark_decided_by": parsed.decimal_mark_decided_by,
                              "repaired": {}}  # column -> values read through a repair
    for i, column in enumerate(names):
        part = slice(i * n, (i + 1) * n)
        if repaired := int(parsed.repaired.iloc[part].sum()):
            result["repaired"][column] = repaired
        result[column] = (pd.Series(parsed.values.iloc[part].to_numpy(), index=raw.index),
                          pd.Series(parsed.invalid.iloc[part].to_numpy(), index=raw.index),
                          pd.Series(parsed.explicit_sign.iloc[part].to_numpy(), index=raw.index))
    empty = (pd.Series(np.nan, index=raw.index), pd.Series(False, index=raw.index),
             pd.Series(False, index=raw.index))
    for column in ("Amount", "Money In", "Money Out", "Balance", "Fee"):
        result.setdefault(column, empty)
    return result


@one_file()  # each column's dates and amounts read once for the file's many questions
def _normalise_file(raw: pd.DataFrame, hints: dict[str, Any], settings: IngestionSettings
                    ) -> tuple[pd.DataFrame, pd.Series, dict[str, int], dict[str, Any]]:
    """Normalise the rows of one file; returns (rows, reasons, fixes, what was decided)."""
    index = raw.index
    reasons = pd.Series("", index=index, dtype="object")
    reasons = reasons.where(raw[PARSE_ERROR_COLUMN] == "", raw[PARSE_ERROR_COLUMN])
    out = pd.DataFrame(index=index)

    # -- date: the day written (value date when the file has no other), one order per file
    day_first = settings.day_first
    declared_day_first = hints.get("day_first")
    if declared_day_first is None and day_first != "auto":
        declared_day_first = bool(day_first)
    date_text = raw["Date"].where(raw["Date"].str.strip() != "", raw["Value Date"])
    dates = read_dates(date_text, day_first=declared_day_first,
                       day_first_hint=bool(hints.get("day_first_hint")),
                       date_format=hints.get("date_format"),
                       month_language=hints.get("month_language"),
                       period=tuple(hints["period"]) if hints.get("period") else None)
    dates = order_from_sibling(dates, date_text, raw["Value Date"])
    if hints.get("date_order_decided_by") and not hints.get("date_format"):
        dates.evidence["decided_by"] = hints["date_order_decided_by"]  # e.g. the balance
    out["date"] = dates.values
    min_date, max_date = _date_bounds(settings)
    reasons = _add_reason(reasons, clean_strings(date_text).isna(), "missing_date")
    reasons = _add_reason(reasons, dates.invalid, "invalid_date")
    implausible = out["date"].notna() & ((out["date"] < min_date) | (out["date"] > max_date))
    reasons = _add_reason(reasons, implausible, "implausible_date")
    # a line without the booking date the file's other lines write is not booked yet
    # (pending): the next export books it on its own day, so it is set aside, not counted
    # now and again then (the duplicate key holds the day); a line already set aside for
    # what it is (a summary line, a date that does not read) is no pending transaction
    booked = raw["Date"].str.strip() != ""
    unbooked = (~booked & (raw["Value Date"].str.strip() != "") & bool(booked.any())
                & (reasons == ""))
    reasons = _add_reason(reasons, unbooked, "not_booked")

    # -- amount: the sign written wins (module docstring)
    amounts = _file_amounts(raw, hints)
    value, bad_value, explicit = amounts["Amount"]
    if hints.get("unsigned_sign") is not None:  # '+' marks the credits: the rest are debits
        value = value.where(explicit | value.isna(), value.abs() * float(hints["unsigned_sign"]))
    money_in, bad_in, _ = amounts["Money In"]
    money_out, bad_out, _ = amounts["Money Out"]
    has_in, has_out = money_in.notna() & (money_in != 0), money_out.notna() & (money_out != 0)
    split = money_in.notna() | money_out.notna()
    split_value = money_in.fillna(0.0) - money_out.abs().fillna(0.0)
    use_split = value.isna() & ~bad_value & split
    amount = value.where(~use_split, split_value)
    written_amount = clean_strings(raw["Amount"]).notna() | split
    reasons = _add_reason(reasons, ~written_amount & ~bad_in & ~bad_out, "missing_amount")
    reasons = _add_reason(reasons, bad_value | ((bad_in | bad_out) & value.isna()),
                          "invalid_amount")
    reasons = _add_reason(reasons, use_split & has_in & has_out, "both_money_in_and_money_out")

    tx_type, bad_type = correct_types(raw["Type"])
    type_sign = tx_type.map({"income": 1.0, "expense": -1.0}).astype("float64")
    indicator_text = clean_strings(raw["Debit/Credit"])
    if hints.get("direction_values"):  # the reading decided what the column's values mean
        indicator, bad_indicator = direction_signs(raw["Debit/Credit"], hints["direction_values"])
    else:
        indicator, bad_indicator = indicator_signs(raw["Debit/Credit"])
    column_signed = bool(explicit[value.notna()].any())
    from_column = value.notna() & ~use_split
    needs_direction = from_column & ~column_signed
    by_indicator = needs_direction & indicator.notna()
    by_type = needs_direction & ~by_indicator & type_sign.notna()
    amount = amount.where(~by_indicator, amount.abs() * indicator)
    amount = amount.where(~by_type, amount.abs() * type_sign)
    reasons = _add_reason(reasons, needs_direction & indicator_text.notna() & bad_indicator,
                          "invalid_debit_credit_indicator")
    # a money-in / money-out pair repeating an unsigned amount is its side; where the pair
    # is the side, a line with neither written has none (not guessed: core.pair_sides)
    lines = reasons == ""  # (not a total line under the table)
    pair = (sides_from_pair(value[lines], money_in[lines], money_out[lines])
            if needs_direction.any() else None)
    pair = pair.reindex(index) if pair is not None else None
    side_open = needs_direction & ~by_indicator & ~by_type  # no indicator or type decided
    by_pair = side_open & (pair.notna() if pair is not None else False)
    sideless = side_open & (pair.isna() if pair is not None else False)
    if pair is not None:
        amount = amount.where(~by_pair, amount.abs() * pair)
        reasons = _add_reason(reasons, sideless, "no_side_written")
    undirected = side_open & ~by_pair & ~sideless
    if hints.get("sign") == "negate":
        amount = -amount
    # a fee written beside the amount is part of the money that moved (core.movements)
    amount, fee_decided = apply_fees(amount, amounts["Fee"][0], amounts["Balance"][0])
    # payments into a card account: transfers; they also tell a file that writes charges
    # as positive amounts (the issuer's view)
    description = clean_strings(decode_entities(raw["Description"]))
    reference = clean_strings(decode_entities(raw["Reference"]))
    card_payment, negate_card, card_decided = card_payments(
        description.fillna(reference), amount,
        signed=column_signed and not use_split.any() and hints.get("sign") != "negate",
        accounts=clean_strings(raw["Account"]))
    if negate_card.any():
        amount = amount.where(~negate_card, -amount)
    amount, words_decided = words_against_signs(amount, indicator, column_signed and not (
        use_split.any() or negate_card.any() or hints.get("sign") == "negate"))
    if hints.get("balance_before"):  # the balance after each line: the one before it + amount
        before, bad_balance, *rest = amounts["Balance"]
        amounts["Balance"] = (before + amount, bad_balance, *rest)
    sign = np.sign(amount)
    max_abs = settings.max_abs_amount
    reasons = _add_reason(reasons, amount.abs() > max_abs, "implausible_amount")
    if hints.get("summary_rows_possible"):
        # turnover, opening and closing lines written with a date (CSV statements)
        readable = reasons == ""
        totals = repeated_totals(amount[readable], amounts["Balance"][0][readable])
        reasons = _add_reason(reasons, totals.reindex(index, fill_value=False), "summary_line")
    out["amount"] = amount

    # type follows the sign; a zero amount keeps the type written (else income)
    out["type"] = pd.Series(np.where(amount < 0, "expense", "income"), index=index, dtype="str")
    zero = amount == 0
    out["type"] = out["type"].where(~(zero & tx_type.isin(["income", "expense"])), tx_type)
    signed = amount.notna() & (sign != 0) & ~needs_direction
    disagrees_type = signed & type_sign.notna() & (sign != type_sign)
    disagrees_indicator = signed & indicator.notna() & (sign != indicator)

    # -- text fields
    from_reference = description.isna() & reference.notna()
    original = raw["Description"].where(~from_reference, raw["Reference"])
    out["original_description"] = original.where(description.fillna(reference).notna())
    # A line with a date and an amount but no text at all is still money that moved:
    # kept under an explicit marker (counted), not dropped from balances and cash flow.
    textless = description.isna() & reference.isna()
    out["description"] = description.fillna(reference).fillna(NO_DESCRIPTION)

    category_tokens = snake_token(raw["Category"])
    vocabulary = _category_vocabulary(category_tokens,
                                      settings.category_vocabulary_min_count)
    category, _ = correct_enum(raw["Category"], vocabulary,
                               cutoff=settings.category_typo_cutoff)
    out["category"] = category

    payment_method, unknown_method = correct_payment_methods(raw["Payment Method"])
    # A Type column that names a kind of payment (ATM, CHECK, POS) rather than a direction.
    type_as_method, type_not_method = correct_payment_methods(
        raw["Type"].where(tx_type.isna() | bad_type, ""))
    method_from_type = payment_method.isna() & type_as_method.notna() & ~type_not_method
    payment_method = payment_method.where(~method_from_type, type_as_method)
    # An unrecognised payment method is kept as "other": the transaction itself is fine.
    out["payment_method"] = payment_method.where(~unknown_method, "other")
    status, _ = correct_statuses(raw["Status"])
    out["status"] = status
    reasons = _add_reason(reasons, no_money_moved(raw["Status"]), "no_money_moved")
    # a line without a balance that the balances around it prove moved no money (reverted,
    # pending): judged on the lines read so far (core.balance_gaps)
    readable = reasons == ""
    left_out = lines_the_balance_leaves_out(
        amount[readable], amounts["Balance"][0][readable],
        balance_chain(clean_strings(raw["Account"]), raw)[readable])
    left_out = left_out.reindex(index, fill_value=False)
    reasons = _add_reason(reasons, left_out, "balance_leaves_out")
    out["reference"] = reference
    out["receipt_url"] = clean_strings(raw["Receipt URL"])

    written_account = clean_strings(raw["Account"])
    source_file = clean_strings(raw["Source File"])
    stems = {name: PurePath(name).stem for name in source_file.dropna().unique()}
    stem = source_file.map(stems)
    out["account"] = written_account.fillna(stem).fillna("default")
    balance, bad_balance, _ = amounts["Balance"]
    out["balance"] = balance.astype("float64")
    out["currency"], unknown_currency = _currency_codes(raw)
    out["is_transfer"] = card_payment.to_numpy(dtype=bool)
    out["source_file"] = source_file
    out["bank_transaction_id"] = clean_strings(raw["Bank Transaction ID"])
    out[WRITTEN_ACCOUNT] = written_account.fillna("")

    fixes = {
        "sign_from_indicator": int(by_indicator.sum()),
        "sign_from_type": int(by_type.sum()),
        "sign_from_money_in_out_pair": int(by_pair.sum()),
        "sign_negated_by_mapping": int(amount.notna().sum()) if hints.get("sign") == "negate" else 0,
        "sign_negated_card_charges_written_positive": int((negate_card & amount.notna()).sum()),
        "card_payments_marked_as_transfers": int(card_payment.sum()),
        "fee_in_amount": int(fee_decided.get("rows_with_fee", 0)
                             if fee_decided.get("fee") == "fee_charged_on_top" else 0),
        "type_disagrees_with_sign": int(disagrees_type.sum()),
        "indicator_disagrees_with_sign": int(disagrees_indicator.sum()),
        "unsigned_amount_without_direction": int(undirected.sum()),
        "amount_from_money_in_out": int(use_split.sum()),
        "type_not_a_direction": int((clean_strings(raw["Type"]).notna() & bad_type).sum()),
        "payment_method_from_type": int(method_from_type.sum()),
        "payment_method_corrected": _count_changed(snake_token(raw["Payment Method"]),
                                                   out["payment_method"], unknown_method),
        "payment_method_unknown_to_other": int(unknown_method.sum()),
        "category_corrected": _count_changed(category_tokens, out["category"]),
        "status_corrected": _count_changed(snake_token(raw["Status"]), out["status"]),
        "description_from_reference": int(from_reference.sum()),
        "html_entities_decoded": _rows_with_entities(raw["Description"]),
        "description_missing": int(textless.sum()),
        "date_from_value_date": int(((raw["Date"].str.strip() == "")
                                     & (raw["Value Date"].str.strip() != "")).sum()),
        "balance_unreadable": int(bad_balance.sum()),
        "amounts_read_through_repair": sum(amounts["repaired"].values()),
        "currency_unrecognised": int(unknown_currency.sum()),
        "account_from_file_name": int((written_account.isna() & stem.notna()).sum()),
    }
    decided = {
        "reconciliation": file_reconciliation(amount, balance, balance_chain(written_account, raw),
                                              out["date"], raw, hints),
        "decimal_mark": amounts["decimal_mark"],
        "decimal_mark_decided_by": amounts["decimal_mark_decided_by"],
        "day_first": dates.day_first,
        "date_order_ambiguous": dates.ambiguous,
        "date_order_evidence": dates.evidence,
        "amount_column_signed": column_signed,
        "sign": hints.get("sign", "as_written"),
    }
    if fee_decided:
        decided["fee"] = fee_decided
    if amounts["repaired"]:  # read right by the structure alone: the user sees how many
        decided["amounts_repaired"] = {"unreadable_grouping_mark": amounts["repaired"]}
    if card_decided or words_decided:
        decided["card_payments"] = {**card_decided, **words_decided}
    # a balance or a declared sign settles it; else what the file says of each line's side
    proven = (decided["reconciliation"].get("status") != NOT_POSSIBLE
              or hints.get("sign") == "negate")
    unproven = sign_unproven(
        amount, proven,
        directed=bool(by_indicator.any() or by_pair.any() or use_split.any()
                      or negate_card.any() or words_decided),
        unsigned_lines=int(undirected.sum()), format_sign=hints.get("format_sign"),
        type_disagrees=int(hints.get("type_disagrees") or 0) + int(disagrees_indicator.sum()),
        payments_against=None if proven else payments_against_purchases(
            description.fillna(reference), amount, settings.payment_against_purchases_share))
    if unproven:  # (unsigned amounts read as money in: its message says so)
        decided["sign_unproven"] = unproven
    if left_out.any():
        decided["lines_the_balance_leaves_out"] = int(left_out.sum())
    if unbooked.any():  # not booked yet (pending): quarantined, counted here too
        decided["lines_without_booking_date"] = int(unbooked.sum())
    return out, reasons, fixes, decided


def _files_of(raw: pd.DataFrame) -> list[tuple[str, pd.Index, dict[str, Any]]]:
    """(file name, row index, normaliser hints) for each file of the raw table, in order."""
    sources = {str(info.get("name", "")): info for info in file_sources(raw)}
    names = raw["Source File"] if "Source File" in raw else pd.Series("", index=raw.index)
    groups = []
    for name, rows in names.groupby(names, sort=False).groups.items():
        info = sources.get(str(name)) or (next(iter(sources.values())) if len(sources) == 1
                                          else {})
        groups.append((str(name), rows, normaliser_hints(**(info.get("hints") or {}))))
    return groups


def normalise_rows(raw_transactions: pd.DataFrame, settings: IngestionSettings
                   ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Parse and normalise every raw row; split valid candidates from rejected rows.

    Returns ``(candidates, quarantine, fixes)``:
    - candidates: rows that passed, in the clean columns (not yet de-duplicated);
    - quarantine: each rejected raw row unchanged (all raw fields as strings), its
      ``source_row`` and ``reasons`` ("; "-separated ``code: detail``);
    - fixes: what normalisation repaired or decided, for the data-quality report
      (counts summed over files, and ``files``: what was decided for each file).
    """
    raw = raw_transactions.reset_index(drop=True)
    for column in (*READ_COLUMNS, PARSE_ERROR_COLUMN):
        if column not in raw:
            raw[column] = ""
    raw = raw.fillna("")
    n = len(raw)
    parts, reason_parts, fixes, decided = [], [], {}, {}
    files = _files_of(raw)
    # (the files' info is read: pandas deep-copies a table's attrs into every column and
    # table taken from it, ~130 copies of the info a file; the quarantine gets it back)
    source, raw.attrs = raw.attrs, {}
    for name, rows, hints in files:
        part = raw if len(files) == 1 else raw.loc[rows]  # one file: no copy of a big table
        out, reasons, file_fixes, file_decided = _normalise_file(part, hints, settings)
        parts.append(out)
        reason_parts.append(reasons)
        for key, count in file_fixes.items():
            fixes[key] = fixes.get(key, 0) + count
        decided[name or "export"] = file_decided
    if len(parts) == 1:
        out, reasons = parts[0], reason_parts[0]
    elif parts:
        out = pd.concat(parts).sort_index()
        reasons = pd.concat(reason_parts).sort_index()
    else:
        out, _, fixes, _ = _normalise_file(raw, normaliser_hints(), settings)
        reasons = pd.Series("", index=raw.index, dtype="object")
    out["source_row"] = np.arange(1, n + 1, dtype="int64")
    out["transaction_id"] = ""
    out = _typed(out)
    fixes["files"] = decided

    passed = reasons == ""
    candidates = out[passed].copy()
    # The declared schema is the last word: anything it rejects is quarantined with
    # the failing check as reason (normalisation above should leave nothing for it).
    min_date, max_date = _date_bounds(settings)
    schema = clean_transactions_schema(str(min_date.date()), str(max_date.date()), unique_ids=False)
    try:
        schema.validate(candidates[list(CLEAN_COLUMNS)], lazy=True)
    except pandera.errors.SchemaErrors as errors:
        failures = errors.failure_cases.dropna(subset=["index"])
        for (column, check), group in failures.groupby(["column", "check"], dropna=False):
            where = raw.index.isin(group["index"].astype("int64"))
            label = f"schema: {check}" if column in (None, np.nan) or pd.isna(column) else (
                f"schema: {column} {check}")
            reasons = _add_reason(reasons, pd.Series(where, index=raw.index), label)
        passed = reasons == ""
        candidates = candidates[passed[candidates.index]]

    quarantine = raw.loc[~passed, list(READ_COLUMNS)].copy()
    quarantine.insert(0, "source_row", out.loc[~passed, "source_row"])
    quarantine[REASONS_COLUMN] = reasons[~passed]
    quarantine.attrs = source
    return candidates.reset_index(drop=True), quarantine.reset_index(drop=True), fixes


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Clean columns in their declared dtypes, even when a column is entirely missing
    (pandas makes an all-missing column float64, which the schema rightly refuses)."""
    frame = frame.copy()
    for column in TEXT_COLUMNS:
        if not pd.api.types.is_string_dtype(frame[column]) or frame[column].dtype == object:
            frame[column] = frame[column].astype("object").where(frame[column].notna()).astype(
                "str")
    frame["date"] = frame["date"].astype("datetime64[ns]")
    frame["amount"] = frame["amount"].astype("float64")
    frame["balance"] = frame["balance"].astype("float64")
    frame["is_transfer"] = frame["is_transfer"].astype("bool")
    extra = [c for c in frame.columns if c not in CLEAN_COLUMNS]
    return frame[[*CLEAN_COLUMNS, *extra]]


def _rows_with_entities(text: pd.Series) -> int:
    ampersand = text.str.contains("&", regex=False)  # (a fast pass before the regex)
    return int(text[ampersand].str.contains(HTML_ENTITY).sum()) if ampersand.any() else 0


def _count_changed(before: pd.Series, after: pd.Series, exclude: pd.Series | None = None) -> int:
    changed = before.notna() & after.notna() & (before != after)
    if exclude is not None:
        changed &= ~exclude
    return int(changed.sum())
