"""The project's outputs as the pages read them, cached per run of the pipelines: one
`Project` per root, the transactions table (built once per run or correction, with the
merchant rules of the corrections saved in the app applied at once), any dataset by name,
the data hash of the clean transactions. Shared by every page module; Streamlit keeps
each cache for the whole process, so a page switch reads nothing again.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from titans_finance.app import review_queue, views
from titans_finance.app.project import Project
from titans_finance.reporting.money import money_of

TABLE_INPUTS = ("clean_transactions", "category_predictions", "category_corrections",
                "feature_table", "anomaly_scores", "category_taxonomy")
SUBMITTED_BY = "app"
RUN_FIRST = ("Not written yet: `make run` in the project root writes {what} (when the export "
             "is long enough for it: the run's log says why not).")


@st.cache_resource(show_spinner=False)
def project_of(root: str) -> Project:
    return Project(root)


@st.cache_resource(show_spinner="Reading the transactions...", max_entries=2)
def table_at(root: str, stamp: tuple[float, ...]) -> pd.DataFrame | None:
    """The transactions table (cached until a run or a correction rewrites an input; the same
    object for every session: read-only)."""
    project = project_of(root)
    inputs = {name: project.load(name) for name in TABLE_INPUTS}
    if inputs["clean_transactions"] is None:
        return None
    return views.transactions_table(inputs["clean_transactions"], inputs["category_predictions"],
                                    inputs["category_corrections"], inputs["feature_table"],
                                    inputs["anomaly_scores"], inputs["category_taxonomy"])


@st.cache_resource(show_spinner=False, max_entries=8)
def _dataset(root: str, name: str, stamp: tuple[float, ...]):
    return project_of(root).load(name)


def load(project: Project, name: str):
    return _dataset(str(project.root), name, project.modified((name,)))


def rules_file(root: str):
    from titans_finance.core.correction_rules import rules_path

    return rules_path(project_of(root).corrections_path)


def rules_stamp(project: Project) -> tuple[int, int]:
    """Changes whenever a correction is saved or undone (its rules file is rewritten)."""
    try:
        stat = rules_file(str(project.root)).stat()
    except FileNotFoundError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


@st.cache_resource(show_spinner=False, max_entries=2)
def ruled_table(root: str, stamp: tuple[float, ...], rules: tuple[int, int]
                ) -> pd.DataFrame | None:
    """The transactions table with the merchant rules of the corrections saved here
    (`review_queue.with_rules`): recomputed when a correction is saved or undone, without
    reading the run's tables again."""
    from titans_finance.core.correction_rules import RuleSet, read_rules
    from titans_finance.core.corrections import CorrectionsFileError

    table = table_at(root, stamp)
    if table is None:
        return None
    try:
        rules = RuleSet.of(read_rules(rules_file(root)))
    except CorrectionsFileError:
        rules = RuleSet()  # the review page names the problem (`rules_problem`)
    return review_queue.with_rules(table, rules)


def rules_problem(project: Project) -> str | None:
    from titans_finance.core.correction_rules import read_rules
    from titans_finance.core.corrections import CorrectionsFileError

    try:
        read_rules(rules_file(str(project.root)))
    except CorrectionsFileError as exc:
        return str(exc)
    return None


def table_of(project: Project) -> pd.DataFrame | None:
    return ruled_table(str(project.root), project.modified(TABLE_INPUTS), rules_stamp(project))


def count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def money_for(project: Project, clean: pd.DataFrame):
    return money_of(clean, project.settings["reporting"].currency)


@st.cache_resource(show_spinner=False, max_entries=2)
def data_hash_of(root: str, stamp: tuple[float, ...]) -> str | None:
    from titans_finance.core.fingerprint import data_hash

    clean = project_of(root).load("clean_transactions")
    return None if clean is None else data_hash(clean)

