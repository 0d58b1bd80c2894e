"""`make mutation` in parts of under an hour: a few MUTATE functions and only the tests that
exercise them, each suite in its own scratch copy (docs/testing.md, "Mutation testing").

    .venv/bin/python -m benchmarks.quality.mutation_parts list
    .venv/bin/python -m benchmarks.quality.mutation_parts run readers-qif --minutes 55
    .venv/bin/python -m benchmarks.quality.mutation_parts run readers-qif --survivors
    .venv/bin/python -m benchmarks.quality.mutation_parts report readers-qif readers-ofx
    make mutation-part PART=readers-qif               # the same run, then the report

Why parts: mutmut runs each mutant's covering tests fastest first and stops at the first
failure, so a survivor costs every test that covers its function. With the whole MUTATE
list and pyproject.toml's selection, a survivor of a reader ran the pipeline and corpus
tests (~6 min each on the shared cores) and mutmut's statistics and clean run alone took 32
min. A *suite* here is a set of source files to mutate and the test files that exercise
them; a *part* is a group of functions of one suite, small enough to finish in an hour.

Each suite works in its own scratch copy, ``.mutation/<suite>/`` (git-ignored): src/,
tests/ and conf/ copied from the worktree and pyproject.toml with its ``[tool.mutmut]``
replaced by the suite's (mutmut 3.8 throws every result away when the test selection
changes, so suites never share a directory, while the parts of one suite do and share its
statistics). ``run`` copies the worktree's src/, tests/ and conf/ in again first (new tests
count), then names to mutmut only the part's mutants not yet checked (mutmut re-checks
every mutant it is given by name), so an interrupted part resumes where it stopped;
``--survivors`` re-checks only its survivors, after tests were added. mutmut runs at
``nice -n 19`` with one BLAS/OpenMP thread (its timeout is CPU time), and ``--minutes``
stops it with SIGINT (each mutant's result is saved as it comes).

mutmut records which tests call each function once, and afterwards only for new tests: when
code moves into a new function (``append`` delegating to ``_append``), the old tests are
not known to call it and its mutants "survive" tests that were never run. ``--fresh-stats``
has mutmut record every test's calls again (results already saved are kept); a part whose
functions changed is re-run by naming their globs to ``mutmut run`` in the scratch copy.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRATCH = Path(os.environ.get("MUTATION_SCRATCH", ROOT / ".mutation"))
PACKAGE = "titans_finance"
# as the Makefile's MUTATE_ENV: one thread per mutant, no jemalloc background thread
ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
       "ARROW_DEFAULT_MEMORY_POOL": "system", "JE_ARROW_MALLOC_CONF": "background_thread:false"}

READER_TESTS = [
    "tests/core/test_readers_*.py",
    "tests/datasets/test_raw_export_dataset.py",
    "tests/core/test_amount_columns.py",
    "tests/core/test_dates.py",
    "tests/core/test_normalise.py",
    "tests/core/test_normalise_boundaries.py",
    "tests/core/test_normalise_properties.py",
    # the corpus through the ingestion pipeline in-process (no KedroSession): ~0.3 s a file
    "tests/pipelines/ingestion/test_corpus.py",
]


@dataclass(frozen=True)
class Suite:
    """Source files mutmut mutates and the test files it may choose from; ``deselect``:
    tests of those files left out (node ids), those whose set-up alone takes minutes and
    whose subject lies outside the suite's functions."""
    mutate: tuple[str, ...]
    tests: tuple[str, ...]
    deselect: tuple[str, ...] = ()


SUITES = {
    "readers": Suite(
        mutate=tuple(f"src/titans_finance/core/{m}.py" for m in (
            "readers/ofx", "readers/qif", "readers/camt", "readers/mt940", "readers/csv_reader",
            "readers/mt940_lines", "amounts", "dates", "export_rows", "file_reconciliation")),
        tests=tuple(READER_TESTS)),
    # the amount and date columns: every test of the readers' selection that reaches them
    # except the five slowest files (the corpus twice, the readers' properties, column roles
    # and the CSV reader: 84 of the 120 s of traced CPU a survivor cost in the readers'
    # suite); a narrower selection can only count fewer kills, never more, and each
    # survivor it leaves is read by hand (docs/testing.md, 2026-12-07)
    "amounts": Suite(
        mutate=("src/titans_finance/core/amounts.py", "src/titans_finance/core/dates.py",
                "src/titans_finance/core/export_rows.py"),
        tests=("tests/core/test_amount_columns.py", "tests/core/test_dates.py",
               "tests/core/test_normalise.py", "tests/core/test_normalise_boundaries.py",
               "tests/core/test_normalise_properties.py",
               "tests/datasets/test_raw_export_dataset.py",
               *(f"tests/core/test_readers_{name}.py" for name in (
                   "amount_links", "boundaries", "continuation_lines", "csv_rows",
                   "date_columns", "fields", "iso_datetimes", "sign_marks", "summary_lines",
                   "text", "value_rules")))),
    "ingestion": Suite(
        mutate=("src/titans_finance/pipelines/ingestion/nodes.py",),
        tests=("tests/pipelines/ingestion/test_nodes.py",
               "tests/pipelines/ingestion/test_conservation.py",
               "tests/pipelines/ingestion/test_ingestion_boundaries.py",
               "tests/pipelines/ingestion/test_data_quality_report.py")),
    # the request frame moved from schemas.py to request_frame.py; the slow-body, batch-slot
    # and column-wise batch tests drive read_body, _dispatch and the frame in-process too
    "serving": Suite(
        mutate=("src/titans_finance/serving/security.py",
                "src/titans_finance/serving/request_body.py",
                "src/titans_finance/serving/request_frame.py"),
        tests=("tests/serving/test_security.py", "tests/serving/test_security_boundaries.py",
               "tests/serving/test_schemas.py", "tests/serving/test_slow_bodies.py",
               "tests/serving/test_batch_slots.py", "tests/serving/test_batch_rows.py"),
        # the one test of test_batch_slots.py that needs the session's service
        deselect=("tests/serving/test_batch_slots.py::"
                  "test_the_served_batch_endpoint_refuses_a_tenant_at_its_cap_and_admits_another",)),
    "models": Suite(
        mutate=("src/titans_finance/models/category/model.py",
                "src/titans_finance/models/cashflow/model.py",
                "src/titans_finance/models/cashflow/balance.py",
                "src/titans_finance/core/corrections.py"),
        tests=("tests/models/category/test_model.py", "tests/models/category/test_boundaries.py",
               "tests/models/test_cashflow.py", "tests/models/test_cashflow_boundaries.py",
               "tests/models/test_closing_balance.py", "tests/core/test_corrections.py",
               "tests/core/test_corrections_boundaries.py"),
        # both train the shipped default model (tests/models/conftest.py, ~90 s of CPU,
        # again in each mutant's forked pytest session): the knowledge's coverage and the
        # default-to-user category mapping, neither among the part's functions; the
        # default model's answers are tested in the fast tier (test_default_*.py)
        deselect=("tests/models/category/test_model.py::"
                  "test_a_brand_known_only_from_open_knowledge_is_answered",
                  "tests/models/category/test_boundaries.py::"
                  "test_a_default_category_maps_to_a_user_category_from_mapping_min_share")),
    # what decides an interval, a flag or the sign of money outside the readers: the amount
    # and cash-flow models' conformal ranks, the anomaly threshold and score, card payments
    # and own transfers, fees, and the direction words of a sign column
    "intervals": Suite(
        mutate=("src/titans_finance/models/amount/intervals.py",
                "src/titans_finance/models/cashflow/intervals.py",
                "src/titans_finance/models/anomaly/model.py",
                "src/titans_finance/core/movements.py",
                "src/titans_finance/core/normalise.py"),
        tests=("tests/models/amount/test_boundaries.py",
               "tests/models/amount/test_evaluation_boundaries.py",
               "tests/models/test_cashflow_boundaries.py",
               "tests/models/anomaly/test_boundaries.py", "tests/models/anomaly/test_model.py",
               "tests/models/anomaly/test_repeats.py", "tests/core/test_movements.py",
               "tests/core/test_normalise.py", "tests/core/test_normalise_boundaries.py",
               "tests/core/test_normalise_properties.py")),
    # the reader rules of issue 25's sixteenth session (git log 2a60b5a..: year-less dates,
    # month names, Shift-JIS, header words of unspaced scripts, both balances, sided twins,
    # the table start, QIF apostrophe years) and the signs no balance proves: only the test
    # files of those modules (no corpus: a survivor of a word rule ran it for minutes)
    "new-rules": Suite(
        mutate=tuple(f"src/titans_finance/core/{m}.py" for m in (
            "dates", "direction_words", "header_names", "movements", "readers/amount_links",
            "readers/amount_words", "readers/csv_reader", "readers/csv_rows", "readers/qif",
            "readers/reconcile", "readers/text", "readers/ofx")),
        tests=tuple(f"tests/core/test_{name}.py" for name in (
            "dates", "direction_words", "header_names", "movements", "readers_amount_links",
            "readers_amount_words", "readers_csv_rows", "readers_csv_reader", "readers_qif",
            "readers_reconcile", "readers_text", "readers_statements", "readers_column_roles")
        ) + ("tests/pipelines/ingestion/test_sign_unproven.py",)),
    # issue 25's seventeenth session (git diff 4388547..ba60809 -- src/titans_finance/core):
    # month names of every language, statuses that moved no money, Unicode regexes, the
    # file's reconciliation, columns without money, and the reader functions it changed;
    # the test files of those modules and the CSV reader's (no corpus: minutes a survivor)
    "readers18": Suite(
        mutate=tuple(f"src/titans_finance/core/{m}.py" for m in (
            "month_names", "settled_status", "unicode_regex", "file_reconciliation",
            "readers/moneyless_columns", "dates", "movements", "direction_words",
            "export_rows", "readers/csv_rows", "readers/date_columns",
            "readers/column_evidence", "readers/column_roles", "readers/mapping",
            "readers/mt940", "readers/mt940_lines", "readers/qif", "readers/role_values")),
        tests=tuple(f"tests/core/test_{name}.py" for name in (
            "month_names", "settled_status", "unicode_regex", "readers_moneyless_columns",
            "dates", "movements", "direction_words", "normalise", "normalise_boundaries",
            "readers_csv_rows", "readers_continuation_lines", "readers_date_columns",
            "readers_column_evidence", "readers_column_roles", "readers_role_values",
            "readers_mt940_lines", "readers_mt940_boundaries", "readers_statements",
            "readers_qif", "readers_reconcile", "readers_summary_lines",
            "readers_csv_reader", "readers_csv_reader_language")
        ) + ("tests/pipelines/ingestion/test_sign_unproven.py",
             "tests/pipelines/ingestion/test_data_quality_report.py")),
    # the reader modules with no mutation row before issue 25's nineteenth session whose
    # date reading another branch is not changing: ISO date-times (CAMT), continuation and
    # summary lines, the values a role's column must hold, declared mappings, the direction
    # of a column; every reader test file that reaches them (CAMT through the statements,
    # CSV through the reader's), not the readers' properties (23 s, the generated statements
    # of every format, their subject the readers whole), MT940 or QIF (neither calls them)
    "readers19": Suite(
        mutate=tuple(f"src/titans_finance/core/readers/{m}.py" for m in (
            "iso_datetimes", "continuation_lines", "summary_lines", "role_values", "mapping",
            "column_direction")),
        tests=tuple(f"tests/core/test_readers_{name}.py" for name in (
            "iso_datetimes", "continuation_lines", "summary_lines", "role_values",
            "shifted_header", "column_roles", "column_evidence", "date_columns",
            "amount_links", "amount_words", "boundaries", "csv_reader",
            "csv_reader_language", "fields", "moneyless_columns",
            "sign_marks", "statements", "text", "value_rules"))),
    # declared mappings (issue 25's twentieth session): their own test file, written after
    # readers19's statistics were taken (a new file in readers19 would reset its results),
    # and the boundaries' (mapping errors, the example mapping); not the CSV reader's or
    # column roles' (minutes of statistics on the shared cores): a narrower selection can
    # only count fewer kills, and each survivor is read by hand
    "mapping": Suite(
        mutate=("src/titans_finance/core/readers/mapping.py",),
        tests=("tests/core/test_readers_mapping.py", "tests/core/test_readers_boundaries.py")),
    # the service's rolling history: core/rolling.py records and forgets, per account;
    # serving/ splits a call by tenant and keeps what was recorded on disk
    "rolling": Suite(
        mutate=("src/titans_finance/core/rolling.py",
                "src/titans_finance/serving/tenant_history.py",
                "src/titans_finance/serving/history_store.py"),
        tests=("tests/core/test_rolling.py", "tests/core/test_rolling_boundaries.py",
               "tests/core/test_rolling_fair_work.py", "tests/serving/test_tenant_history.py",
               "tests/serving/test_history_store.py")),
}


@dataclass(frozen=True)
class Part:
    suite: str
    functions: tuple[str, ...]  # mutant-name globs without the package prefix, as MUTATE


PARTS = {
    # the readers' parts, in the order to run them (fewest covering tests first)
    "readers-qif": Part("readers", ("core.readers.qif.x_read_qif_export__mutmut_*",)),
    "readers-ofx": Part("readers", ("core.readers.ofx.x_read_ofx_export__mutmut_*",)),
    "readers-mt940": Part("readers", ("core.readers.mt940.x_read_mt940_export__mutmut_*",)),
    "readers-camt": Part("readers", ("core.readers.camt.x_read_camt_export__mutmut_*",)),
    "readers-csv": Part("readers", ("core.readers.csv_reader.x_read_csv_export__mutmut_*",
                                    "core.readers.csv_reader.x__text_from_line__mutmut_*")),
    "amounts-dates": Part("amounts", (
        "core.amounts.x_decide_decimal_mark__mutmut_*",
        "core.amounts.x__read_distinct_amounts__mutmut_*",
        "core.amounts.x__bare_numbers__mutmut_*",
        "core.amounts.x_read_amounts__mutmut_*",
        "core.amounts.x_parse_amounts__mutmut_*",
        "core.dates.x_read_dates__mutmut_*",
        "core.dates.x_parse_dates__mutmut_*",
        "core.dates.x_infer_day_first__mutmut_*",
        "core.dates.x__assemble__mutmut_*",
        "core.dates.x__two_digit_year__mutmut_*",
        "core.export_rows.x__file_amounts__mutmut_*")),
    "mt940-lines": Part("readers", ("core.readers.mt940_lines.*",)),
    "intervals-threshold": Part("intervals", (
        "models.amount.intervals.x_conformal_quantile__mutmut_*",
        "models.cashflow.intervals.x_conformal_bounds__mutmut_*",
        "models.cashflow.intervals.x_rolling_total_quantiles__mutmut_*",
        "models.cashflow.intervals.x_band_scale__mutmut_*",
        "models.cashflow.intervals.x_interval_quantiles__mutmut_*",
        "models.anomaly.model.xǁAnomalyModelǁ_calibrated_threshold__mutmut_*",
        "models.anomaly.model.xǁAnomalyModelǁscore__mutmut_*")),
    "transfers-signs": Part("intervals", (
        "core.movements.x_apply_fees__mutmut_*",
        "core.movements.x_card_payments__mutmut_*",
        # (core.normalise.indicator_signs is decorated (by_distinct_value): mutmut 3 leaves
        # decorated functions alone; the boundary mutants nor* plant its sign aliases)
        "core.movements.x_without_transfers__mutmut_*")),
    "new-rules": Part("new-rules", (
        "core.dates.x__english_month__mutmut_*",
        "core.dates.x__with_year__mutmut_*",
        "core.dates.x__dated_in_period__mutmut_*",
        "core.direction_words.x_key__mutmut_*",
        "core.header_names.x__known_words_inside__mutmut_*",
        "core.header_names.x_header_words__mutmut_*",
        "core.movements.x_sign_unproven__mutmut_*",
        "core.readers.amount_links.x_before_and_after__mutmut_*",
        "core.readers.amount_words.x__sided_twin__mutmut_*",
        "core.readers.csv_reader.x__preamble_period__mutmut_*",
        "core.readers.csv_rows.x__rows_just_before__mutmut_*",
        "core.readers.qif.x__qif_date__mutmut_*",
        "core.readers.reconcile.x_reading_every_line__mutmut_*",
        "core.readers.text.x__japanese_double_byte__mutmut_*",
        "core.readers.ofx.x_type_contradicts_sign__mutmut_*")),
    # issue 25's seventeenth session: the new modules whole (decorated functions, such as
    # the cached CLDR reading, are left alone by mutmut 3)
    "readers18-new": Part("readers18", (
        "core.month_names.*", "core.settled_status.*", "core.unicode_regex.*",
        "core.file_reconciliation.*", "core.readers.moneyless_columns.*")),
    # ... the small functions it changed
    "readers18-changed": Part("readers18", (
        "core.dates.x__english_months__mutmut_*",
        "core.dates.x__order_in_period__mutmut_*",
        "core.direction_words.x_column_word_sign__mutmut_*",
        "core.movements.x_words_against_signs__mutmut_*",
        "core.movements.x_payments_against_purchases__mutmut_*",
        "core.readers.date_columns.x_refuse_ambiguous_months__mutmut_*",
        "core.readers.mapping.x__month_language__mutmut_*",
        "core.readers.mt940_lines.x_without_statement_information__mutmut_*",
        "core.readers.role_values.xǁRoleValuesǁmove_to_namesake__mutmut_*",
        "core.readers.role_values.xǁRoleValuesǁpartial_amount__mutmut_*",
        "core.readers.csv_rows.x__continuations__mutmut_*",
        "core.readers.csv_rows.x__aligned__mutmut_*",
        "core.readers.column_roles.xǁ_RoleInferenceǁ_no_money_column__mutmut_*",
        "core.readers.column_roles.xǁ_RoleInferenceǁsettle_unfilled__mutmut_*")),
    # ... and the larger ones it changed (measured before on their earlier code)
    "readers18-large": Part("readers18", (
        "core.movements.x_sign_unproven__mutmut_*",
        "core.dates.x__date_readings__mutmut_*",
        "core.readers.mapping.x_parse_mapping__mutmut_*",
        "core.readers.csv_rows.x_locate_table__mutmut_*",
        "core.readers.column_evidence.x_column_evidence__mutmut_*",
        "core.readers.column_roles.x_infer_roles__mutmut_*",
        "core.readers.column_roles.xǁ_RoleInferenceǁfill_amounts__mutmut_*",
        "core.readers.mt940.x_read_mt940_export__mutmut_*",
        "core.readers.qif.x_read_qif_export__mutmut_*",
        "core.dates.x_read_dates__mutmut_*",
        "core.export_rows.x__normalise_file__mutmut_*")),
    # issue 25's nineteenth session: reader modules without a row, one part each, the
    # smallest first
    "readers19-iso-datetimes": Part("readers19", ("core.readers.iso_datetimes.*",)),
    "readers19-continuation": Part("readers19", ("core.readers.continuation_lines.*",)),
    "readers19-summary": Part("readers19", ("core.readers.summary_lines.*",)),
    "readers19-role-values": Part("readers19", ("core.readers.role_values.*",)),
    # (mapping.py has a suite of its own, `mapping`, with its test file)
    "mapping": Part("mapping", ("core.readers.mapping.*",)),
    "readers19-direction": Part("readers19", ("core.readers.column_direction.*",)),
    "ingestion": Part("ingestion", (
        "pipelines.ingestion.nodes.x_summarise_data_quality__mutmut_*",
        "pipelines.ingestion.nodes.x_deduplicate_transactions__mutmut_*",
        "pipelines.ingestion.nodes.x_mark_transfers__mutmut_*")),
    "serving": Part("serving", (
        "serving.security.xǁApiSecurityMiddlewareǁ_dispatch__mutmut_*",
        "serving.security.xǁApiSecurityMiddlewareǁ_authenticate__mutmut_*",
        "serving.security.xǁTokenBucketLimiterǁacquire__mutmut_*",
        "serving.request_body.x_read_body__mutmut_*",
        "serving.request_frame.x_transactions_frame__mutmut_*",
        "serving.request_frame.x_request_frame__mutmut_*")),
    "models": Part("models", (
        "models.category.model.xǁCategoryModelǁ__init____mutmut_*",
        "models.category.model.xǁCategoryModelǁpredict_proba__mutmut_*",
        "models.category.model.xǁCategoryModelǁ_personal_answer__mutmut_*",
        "models.category.model.x_apply_temperature__mutmut_*",
        "models.category.model.x__softmax_log__mutmut_*",
        "models.category.model.x_fit_temperature__mutmut_*",
        "models.cashflow.model.xǁCashflowModelǁ_balance__mutmut_*",
        "models.cashflow.balance.x_closing_balance_from_export__mutmut_*",
        "core.corrections.x_neutralise_formula__mutmut_*",
        "core.corrections.x_restore_formula__mutmut_*",
        "core.corrections.x_apply_corrections__mutmut_*")),
    # the rolling history's updates: recording, forgetting (window, per-account cap,
    # totals), per-tenant recording, the store's writes and its pruning
    "rolling-history": Part("rolling", (
        "core.rolling.xǁRollingHistoryǁ_walk__mutmut_*",
        "core.rolling.xǁRollingHistoryǁ_commit__mutmut_*",
        "core.rolling.xǁRollingHistoryǁ_forget_old__mutmut_*",
        "core.rolling.xǁRollingHistoryǁ_forget_in_order__mutmut_*",
        "core.rolling.xǁRollingHistoryǁ_rebuild__mutmut_*",
        "core.rolling.xǁRollingHistoryǁ_enforce_totals__mutmut_*",
        "serving.tenant_history.xǁTenantHistoriesǁfeatures__mutmut_*",
        "serving.tenant_history.xǁTenantHistoriesǁ_call__mutmut_*",
        "serving.history_store.xǁRecordedHistoryStoreǁappend__mutmut_*",
        # append and append_columns shape the rows; _append writes them and counts to the prune
        "serving.history_store.xǁRecordedHistoryStoreǁappend_columns__mutmut_*",
        "serving.history_store.xǁRecordedHistoryStoreǁ_append__mutmut_*",
        "serving.history_store.xǁRecordedHistoryStoreǁ_prune__mutmut_*")),
}

# issue 25's twenty-first session: the reader modules still without a row, a suite and a part
# each, smallest first, the module's own test file its selection (seconds of statistics, a
# survivor costs seconds; a narrower selection can only count fewer kills, and each
# survivor is read by hand); column_direction's own unit tests replace readers19's 351
READERS21 = ("mirror_line", "signed_amount", "table_diagnosis", "fee_columns",
             "column_evidence", "date_columns", "column_roles", "column_direction")
SUITES.update({f"readers21-{m}": Suite(mutate=(f"src/titans_finance/core/readers/{m}.py",),
                                       tests=(f"tests/core/test_readers_{m}.py",))
               for m in READERS21})
PARTS.update({f"readers21-{m}": Part(f"readers21-{m}", (f"core.readers.{m}.*",))
              for m in READERS21})
# issue 25's twenty-second session: the last three, each with fast unit tests of its own
# (`*_boundaries.py`/`*_units.py`; column_roles' own file reads whole files, ~8 mutants a minute)
READERS22 = {"header_line": ("header_line", "header_line_boundaries"),
             "mt940_dates": ("mt940_dates", "mt940_dates_boundaries"),
             "column_roles": ("column_roles_units",),
             # splitproof's balance proof (the same session), its own boundary tests
             "balance_proof": ("balance_proof",)}
SUITES.update({f"readers22-{m}": Suite(mutate=(f"src/titans_finance/core/readers/{m}.py",),
                                       tests=tuple(f"tests/core/test_readers_{t}.py" for t in tests))
               for m, tests in READERS22.items()})
PARTS.update({f"readers22-{m}": Part(f"readers22-{m}", (f"core.readers.{m}.*",))
              for m in READERS22})


def patterns(part: Part) -> list[str]:
    return [f"{PACKAGE}.{glob}" for glob in part.functions]


def mutmut_section(suite: Suite) -> str:
    tests = sorted({str(p.relative_to(ROOT)) for glob in suite.tests for p in ROOT.glob(glob)})
    if not tests:
        raise SystemExit(f"no test file matches {suite.tests}")
    lines = ["[tool.mutmut]", 'source_paths = ["src/"]',
             "only_mutate = " + json.dumps(list(suite.mutate)),
             'also_copy = ["conf/", "tests/"]',
             'pytest_add_cli_args = ["-p", "no:cacheprovider", "-p", "no:randomly", "-q", '
             '"-m", "not e2e and not slow"]',
             "pytest_add_cli_args_test_selection = " + json.dumps(
                 tests + [arg for test in suite.deselect for arg in ("--deselect", test)]),
             "timeout_multiplier = 15.0", ""]
    return "\n".join(lines)


def with_mutmut_section(pyproject: str, section: str) -> str:
    """pyproject.toml with its ``[tool.mutmut]`` table (up to the next table) replaced."""
    replaced, count = re.subn(r"(?ms)^\[tool\.mutmut\]\n.*?(?=^\[)", section + "\n", pyproject)
    if count != 1:
        raise SystemExit("pyproject.toml has no [tool.mutmut] table followed by another table")
    return replaced


def prepare(name: str) -> Path:
    """The suite's scratch copy, with the worktree's current src/, tests/ and conf/."""
    suite = SUITES[name]
    where = SCRATCH / name
    where.mkdir(parents=True, exist_ok=True)
    for folder in ("src", "tests", "conf"):
        shutil.copytree(ROOT / folder, where / folder, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    pyproject = with_mutmut_section((ROOT / "pyproject.toml").read_text(), mutmut_section(suite))
    if not (where / "pyproject.toml").exists() or \
            (where / "pyproject.toml").read_text() != pyproject:
        (where / "pyproject.toml").write_text(pyproject)
    if not (where / ".venv").exists():
        (where / ".venv").symlink_to((ROOT / ".venv").resolve())
    return where


def results(where: Path, globs: list[str]) -> dict[str, int | None]:
    """mutmut's exit code of every mutant matching ``globs`` (None: not checked yet)."""
    found: dict[str, int | None] = {}
    for meta in sorted((where / "mutants").rglob("*.py.meta")):
        for mutant, code in json.loads(meta.read_text())["exit_code_by_key"].items():
            if any(fnmatch.fnmatch(mutant, g) for g in globs):
                found[mutant] = code
    return found


def run(part_name: str, minutes: float | None, survivors: bool, fresh_stats: bool = False
        ) -> int:
    part = PARTS[part_name]
    where = prepare(part.suite)
    if fresh_stats:  # mutmut then records every test's calls again (see the docstring)
        (where / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
    globs = patterns(part)
    known = results(where, globs)
    if survivors:
        names = sorted(m for m, code in known.items() if code in (0, 5, 33))
    elif known:  # mutants generated before: only those not checked yet
        names = sorted(m for m, code in known.items() if code is None)
    else:
        names = globs
    if not names:
        print(f"{part_name}: nothing to check ({len(known)} mutants, all checked)")
        return 0
    print(f"{part_name}: {len(names)} mutant names/globs to check in {where}", flush=True)
    command = ["nice", "-n", "19", str(where / ".venv" / "bin" / "mutmut"), "run",
               "--max-children", os.environ.get("MUTATE_JOBS", "2"), *names]
    if minutes:
        command = ["timeout", "--signal=INT", "--kill-after=60", f"{int(minutes * 60)}s",
                   *command]
    env = {**os.environ, **ENV, "PYTHONPATH": str(where / "src")}
    code = subprocess.run(command, cwd=where, env=env).returncode
    if minutes and code in (124, 130):  # timeout's SIGINT: results so far are saved
        print(f"{part_name}: stopped after {minutes:g} min; `run {part_name}` again resumes")
        return 0
    return code


def report(part_names: list[str]) -> None:
    """mutation_report.py's table for the parts (their suites' scratch copies)."""
    parts = [PARTS[n] for n in part_names]
    command = [sys.executable, "-m", "benchmarks.quality.mutation_report", "--update",
               "--run", f"mutation_parts {' '.join(part_names)} {date.today().isoformat()}"]
    for where in sorted({str(SCRATCH / p.suite / "mutants") for p in parts}):
        command += ["--mutants", where]
    command += [g for p in parts for g in patterns(p)]
    subprocess.run(command, cwd=ROOT, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="the parts, their suites and function globs")
    runner = sub.add_parser("run", help="check a part's mutants not yet checked")
    runner.add_argument("part", choices=sorted(PARTS))
    runner.add_argument("--minutes", type=float, help="stop mutmut after this long")
    runner.add_argument("--survivors", action="store_true",
                        help="re-check only the part's survivors (after adding tests)")
    runner.add_argument("--fresh-stats", action="store_true",
                        help="record again which tests call each function (after code moved "
                             "into a new function)")
    reporter = sub.add_parser("report", help="the table of parts (mutation_report.py)")
    reporter.add_argument("parts", nargs="+", choices=sorted(PARTS))
    args = parser.parse_args()
    if args.command == "list":
        for name, part in PARTS.items():
            print(f"{name}\t{part.suite}\t{' '.join(part.functions)}")
    elif args.command == "run":
        raise SystemExit(run(args.part, args.minutes, args.survivors, args.fresh_stats))
    else:
        report(args.parts)


if __name__ == "__main__":
    main()
