"""The import page: an export read the way the next run would read it (formats, columns,
quarantined rows, accounts), before it is used; nothing is written to the project."""

from __future__ import annotations

import time

import streamlit as st

from titans_finance.app import views
from titans_finance.app.project import Project
from titans_finance.app.text import as_text


def import_page(project: Project) -> None:
    from titans_finance.app.actions import inspect_export
    from titans_finance.core.readers import ExportReadError
    from titans_finance.core.readers.base import readable_error

    st.header("Import an export")
    st.write("CSV (any delimiter, language, date order), OFX/QFX, QIF, CAMT.053 or MT940: see "
             "how it is read before it is used. Nothing is written to the project.")
    upload = st.file_uploader("Export file", key="import_file")
    path = st.text_input("...or a file on this machine", key="import_path")
    if upload is not None:
        data, name = upload.getvalue(), upload.name
    elif path.strip():
        from pathlib import Path

        file = Path(path.strip()).expanduser()
        if not file.is_file():
            st.error(f"{as_text(file)}: no such file")
            return
        data, name = file.read_bytes(), file.name
    else:
        return
    entry = project.entries["raw_transactions"]
    started = time.perf_counter()
    try:
        result = inspect_export(data, name, project.parameters["ingestion"],
                                entry.get("mapping_files") or [])
    except (ExportReadError, ValueError) as exc:
        st.error(as_text(f"{name} cannot be read as transactions: {readable_error(exc)}"))
        return
    except Exception as exc:  # a pipeline failure names the node and the cause
        st.error(as_text(f"{name}: reading failed: {readable_error(exc)}"))
        return
    quality = result.quality
    st.success(f"{as_text(name)}: {quality.get('rows_read', 0):,} rows read → "
               f"{quality.get('rows_clean', 0):,} clean, "
               f"{quality.get('rows_quarantined', 0):,} quarantined, "
               f"{quality.get('rows_duplicate', 0):,} duplicates "
               f"({time.perf_counter() - started:.1f} s).")
    st.subheader("How it was read")
    for info in result.info:
        settings, columns = views.how_it_was_read(info)
        left, right = st.columns(2)
        left.dataframe(settings, key=f"import_settings_{info.get('file')}")
        if len(columns):
            right.dataframe(columns, hide_index=True, key=f"import_columns_{info.get('file')}")
        evidence = views.column_evidence(info)
        if len(evidence):
            st.dataframe(evidence, hide_index=True, key=f"import_evidence_{info.get('file')}")
        for note in (info.get("reading") or {}).get("notes") or []:
            st.info(note)
        if (info.get("reconciliation") or {}).get("status") == "contradicted":
            st.warning(f"{info.get('file')}: {views.balance_check(info['reconciliation'])}")
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
    st.code(f"kedro run --params raw_path={path.strip() or '/path/to/' + name}\n"
            f"make retrain RAW={path.strip() or '/path/to/' + name}", language="bash")
