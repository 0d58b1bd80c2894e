"""The import page: an export read the way the next run would read it (formats, columns,
quarantined rows, accounts), before it is used; nothing is written to the project. Only a
file the user uploads is read, within the limits of ``app.upload`` (`upload.check_upload`)."""

from __future__ import annotations

import shlex
import time
from pathlib import Path

import streamlit as st

from titans_finance.app import views
from titans_finance.app.project import Project
from titans_finance.app.text import as_text
from titans_finance.app.upload import UploadRefused, check_upload
from titans_finance.reporting import file_reading

# an error quotes at most this much (a reader's message may quote a line of the file)
ERROR_CHARACTERS = 400


def _shortened(text: str) -> str:
    return text if len(text) <= ERROR_CHARACTERS else text[:ERROR_CHARACTERS] + " [...]"


def import_page(project: Project) -> None:
    from titans_finance.app.actions import inspect_export
    from titans_finance.core.readers import ExportReadError
    from titans_finance.core.readers.base import readable_error

    st.header("Import an export")
    st.write("CSV (any delimiter, language, date order), OFX/QFX, QIF, CAMT.053 or MT940: see "
             "how it is read before it is used. Nothing is written to the project.")
    limits = project.settings["app"].upload
    # only what the user uploads is read: no path on the server is ever opened here
    upload = st.file_uploader(f"Export file (up to {limits.max_megabytes} MB)",
                              key="import_file", max_upload_size=limits.max_megabytes)
    if upload is None:
        return
    name, data = upload.name, upload.getvalue()
    try:
        check_upload(data, name, limits)
    except UploadRefused as exc:
        st.error(as_text(f"{name} is not read: {exc}."))
        return
    entry = project.entries["raw_transactions"]
    started = time.perf_counter()
    try:
        result = inspect_export(data, name, project.parameters["ingestion"],
                                entry.get("mapping_files") or [])
    except (ExportReadError, ValueError) as exc:
        st.error(as_text(f"{name} cannot be read as transactions: "
                         f"{_shortened(readable_error(exc))}"))
        return
    except Exception as exc:  # a pipeline failure names the node and the cause
        st.error(as_text(f"{name}: reading failed: {_shortened(readable_error(exc))}"))
        return
    quality = result.quality
    st.success(f"{as_text(name)}: {quality.get('rows_read', 0):,} rows read → "
               f"{quality.get('rows_clean', 0):,} clean, "
               f"{quality.get('rows_quarantined', 0):,} quarantined, "
               f"{quality.get('rows_duplicate', 0):,} duplicates "
               f"({time.perf_counter() - started:.1f} s).")
    st.subheader("How it was read")
    for info in result.info:
        settings, columns = file_reading.how_it_was_read(info)
        left, right = st.columns(2)
        left.dataframe(settings, key=f"import_settings_{info.get('file')}")
        if len(columns):
            right.dataframe(columns, hide_index=True, key=f"import_columns_{info.get('file')}")
        evidence = file_reading.column_evidence(info)
        if len(evidence):
            st.dataframe(evidence, hide_index=True, key=f"import_evidence_{info.get('file')}")
        for note in (info.get("reading") or {}).get("notes") or []:
            st.info(note)
        if (info.get("reconciliation") or {}).get("status") == "contradicted":
            st.warning(f"{info.get('file')}: {file_reading.balance_check(info['reconciliation'])}")
    period = quality.get("clean_date_range") or ["?", "?"]
    st.write(f"Dates from {period[0]} to {period[1]}.")
    st.subheader("Accounts")
    st.dataframe(result.accounts(), hide_index=True, key="import_accounts")
    st.subheader("Quarantined rows, with the reason")
    if len(result.quarantined):
        st.dataframe(result.quarantined, hide_index=True, key="import_quarantine")
    else:
        st.write("None: every row was read.")
    st.subheader("First clean transactions")
    shown = [c for c in ("date", "account", "type", "description", "amount", "currency",
                         "balance", "category", "reference", "is_transfer")
             if c in result.clean and result.clean[c].notna().any()]
    st.dataframe(views.dates_as_days(result.clean[shown].head(20)), hide_index=True,
                 key="import_clean")
    st.write("To use it, train on it (or let it challenge the served models):")
    where = shlex.quote(f"/path/to/{Path(name).name}")
    st.code(f"kedro run --params raw_path={where}\nmake retrain RAW={where}", language="bash")
