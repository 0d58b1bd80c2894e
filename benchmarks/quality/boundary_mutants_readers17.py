"""Boundary mutants of readers17's rules (session 22, issue 25): a grouping mark parts groups
of three digits, a header's width as written against the widest first rows, and a label line
whose balance steps by its own amount. `boundary_mutants.py` runs them with the others (ids
``r17…``):

    .venv/bin/python -m benchmarks.quality.boundary_mutants --only r17a r17b r17c r17d r17e r17f r17g

Each entry: (id, path under src/titans_finance, what, old text (exactly once), new, tests).
"""

from __future__ import annotations

_AMOUNT_TESTS = "tests/core/test_amount_columns.py"
_HEADER_LINE_TESTS = "tests/core/test_readers_header_line.py tests/core/test_readers_csv_rows.py"
_SUMMARY_TESTS = "tests/core/test_readers_summary_lines.py"

READERS17 = (
    ("r17a", "core/amounts.py",
     "four digits before a grouping mark read as a group (1234 567)",
     '_MISGROUPED = re.compile(r"\\d{4,}" + _GROUPING.pattern',
     '_MISGROUPED = re.compile(r"\\d{5,}" + _GROUPING.pattern',
     _AMOUNT_TESTS),
    ("r17b", "core/amounts.py",
     "two digits after a grouping mark read as a group (1 23)",
     'r"+(?:\\d{1,2}|\\d{4,})(?!\\d)")',
     'r"+(?:\\d{1}|\\d{4,})(?!\\d)")',
     _AMOUNT_TESTS),
    ("r17c", "core/readers/header_line.py",
     "a header two names wider than its rows taken",
     "width - 1 <= written <= width + 1 and written >= 2",
     "width - 1 <= written <= width + 2 and written >= 2",
     _HEADER_LINE_TESTS),
    ("r17d", "core/readers/header_line.py",
     "a trailing delimiter after the last name counted as a column",
     "    written = _written_width(fields)\n",
     "    written = len(fields)\n",
     _HEADER_LINE_TESTS),
    ("r17e", "core/readers/csv_rows.py",
     "the header measured against the first row only, not the widest first rows",
     "widest = max(len(records[j][1]) for j in run)",
     "widest = width",
     _HEADER_LINE_TESTS),
    ("r17f", "core/readers/summary_lines.py",
     "a zero amount taken as a step of the running balance",
     "step = np.abs(amounts) >= CENT_TOLERANCE",
     "step = np.abs(amounts) >= 0",
     _SUMMARY_TESTS),
    ("r17g", "core/readers/summary_lines.py",
     "the balance step checked from the row above only (files newest first missed)",
     "for other in (np.r_[np.nan, balances[:-1]], np.r_[balances[1:], np.nan]):",
     "for other in (np.r_[np.nan, balances[:-1]],):",
     _SUMMARY_TESTS),
)
