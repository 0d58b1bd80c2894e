"""Boundary mutants of readers16's rules (session 21, issue 25): a header's amount column blank
where money moved, the lone line between a header and its rows, an amount inside its money
in / money out pair, and a running balance proven as one chain in any order.
`boundary_mutants.py` runs them with the others (ids ``r16…``):

    .venv/bin/python -m benchmarks.quality.boundary_mutants --only r16a r16b r16c r16d r16e r16f r16g r16h

Each entry: (id, path under src/titans_finance, what, old text (exactly once), new, tests).
"""

from __future__ import annotations

_MONEYLESS_TESTS = "tests/core/test_readers_moneyless_columns.py"
_AMOUNT_WORDS_TESTS = "tests/core/test_readers_amount_words.py"
_HEADER_LINE_TESTS = "tests/core/test_readers_header_line.py tests/core/test_readers_csv_rows.py"
_RECONCILE_TESTS = "tests/core/test_readers_reconcile.py"

READERS16 = (
    ("r16a", "core/readers/moneyless_columns.py",
     "a column of one zero and no blank line set aside as if blank where money moved",
     "        if not blank.any():\n            return False",
     "        if False:\n            return False",
     _MONEYLESS_TESTS),
    ("r16b", "core/readers/moneyless_columns.py",
     "the other column need hold money on some line only, not every line",
     "return any(self.money_lines(c).all() for c in self.columns_with_money())",
     "return any(self.money_lines(c).any() for c in self.columns_with_money())",
     _MONEYLESS_TESTS),
    ("r16c", "core/readers/amount_words.py",
     "an amount on as many lines as its money in / money out pair read as partial",
     "paired.sum() > written.sum()",
     "paired.sum() >= written.sum()",
     _AMOUNT_WORDS_TESTS),
    ("r16d", "core/readers/amount_words.py",
     "an amount partial when one of its lines only (not every one) has the pair's money",
     "paired[written].all()",
     "paired[written].any()",
     _AMOUNT_WORDS_TESTS),
    ("r16e", "core/readers/header_line.py",
     "every lone line of text above the rows skipped, not one",
     "    if i >= 2 and lone_text(records[i - 1][1], kinds[i - 1]):",
     "    while i >= 2 and lone_text(records[i - 1][1], kinds[i - 1]):",
     _HEADER_LINE_TESTS),
    ("r16f", "core/readers/header_line.py",
     "a line of two written fields taken for a lone line",
     "return len(written) == 1 and",
     "return len(written) <= 2 and",
     _HEADER_LINE_TESTS),
    ("r16g", "core/readers/reconcile.py",
     "a chain proven when its links reach a line or more, not every line",
     "        if seen != len(lines):  # a loop of lines apart from the chain",
     "        if seen < 1:  # a loop of lines apart from the chain",
     _RECONCILE_TESTS),
    ("r16h", "core/readers/reconcile.py",
     "a chain's balance written twice not checked",
     "        if not after.is_unique:\n            return ChainFit(order, steps, 0, int(lines[0]))",
     "        if False:\n            return ChainFit(order, steps, 0, int(lines[0]))",
     _RECONCILE_TESTS),
)
