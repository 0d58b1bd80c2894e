"""The second blind audit's boundary mutants (issue #23, item 4), for code written after the
first audit (a7c48c8, 2026-12-06 17:03): the cash-flow schedules' young-stream rules and
cycles, the readers' amount links and continuation lines, the service's request frame and
timeout, the merchant key, the amount prior and the taxonomy's label parts.

Written from the source alone, before any of its tests was read, each with the tests a
developer would run for the module (its mirrored test files and the files ``grep`` finds
naming it). `boundary_mutants.py` runs them with the others (ids ``au2…``):

    .venv/bin/python -m benchmarks.quality.boundary_mutants --only $(.venv/bin/python -c \
        "from benchmarks.quality.boundary_mutants_second_audit import SECOND_AUDIT; \
        print(' '.join(m[0] for m in SECOND_AUDIT))")

Each entry: (id, path under src/titans_finance, what, old text (exactly once), new, tests).
"""

from __future__ import annotations

# the cash-flow model's tests, shared with boundary_mutants_remaining.py
CASHFLOW_TESTS = ("tests/models/test_cashflow_boundaries.py "
                  "tests/models/test_cashflow_peers.py tests/models/test_cashflow.py")
_SCHEDULES = "models/cashflow/schedules.py"
_STREAMS = "models/cashflow/streams.py"
_LINKS = "core/readers/amount_links.py"
_LINKS_TESTS = "tests/core/test_readers_amount_links.py tests/core/test_readers_reconcile.py"
_CONTINUATION_TESTS = ("tests/core/test_readers_continuation_lines.py "
                       "tests/core/test_readers_csv_rows.py")
_FRAME_TESTS = ("tests/serving/test_schemas.py tests/serving/test_batch_rows.py "
                "tests/serving/test_service.py")
_AMOUNT_TESTS = ("tests/models/amount/test_boundaries.py tests/models/amount/test_model.py "
                 "tests/models/amount/test_evaluation_boundaries.py")

SECOND_AUDIT = (
    # cash flow: schedules' windows and young streams
    ('au2_1', _SCHEDULES, 'a schedule needs one window more than min_months',
     'kept = counts[counts >= min_months].index',
     'kept = counts[counts > min_months].index', CASHFLOW_TESTS),
    ('au2_2', _SCHEDULES, 'recent amounts exactly max_amount_ratio apart disagree',
     'agree = (spread["max"] <= max_amount_ratio * spread["min"] + 1e-9).to_numpy()',
     'agree = (spread["max"] < max_amount_ratio * spread["min"]).to_numpy()', CASHFLOW_TESTS),
    ('au2_3', _SCHEDULES, 'a young month-end total of exactly max_share of a typical day refused',
     'return young[latest.loc[young].abs().to_numpy() <= max_share * typical + 1e-9]',
     'return young[latest.loc[young].abs().to_numpy() < max_share * typical]', CASHFLOW_TESTS),
    ('au2_4', _SCHEDULES, 'a young key needs one window more than `fewest`',
     'young = counts[(counts >= fewest) & (counts < min_months)].index',
     'young = counts[(counts > fewest) & (counts < min_months)].index', CASHFLOW_TESTS),
    ('au2_5', _SCHEDULES, 'a key seen in exactly min_months windows also counted young',
     'young = counts[(counts >= fewest) & (counts < min_months)].index',
     'young = counts[(counts >= fewest) & (counts <= min_months)].index', CASHFLOW_TESTS),
    ('au2_6', _SCHEDULES, 'a cutoff on the month\'s last day has not ended that month',
     '(0 if cutoff.is_month_end else 1)',
     '1', CASHFLOW_TESTS),
    ('au2_7', _SCHEDULES, 'the last ended month itself counted as not ended',
     'return np.where(back >= 0, back, -1)',
     'return np.where(back > 0, back, -1)', CASHFLOW_TESTS),
    ('au2_8', _SCHEDULES, 'chance matches: exactly the allowed rate refused',
     'kept = kept[(others / days <= max_chance_matches + 1e-12).to_numpy()]',
     'kept = kept[(others / days < max_chance_matches).to_numpy()]', CASHFLOW_TESTS),
    # cash flow: streams
    ('au2_9', _STREAMS, 'a stream that always lands forecast at a lower quantile',
     'if self.exact_share >= 1.0 or len(recent) == 0:',
     'if self.exact_share > 1.0 or len(recent) == 0:', CASHFLOW_TESTS),
    ('au2_10', _STREAMS, 'a cycle stream\'s last date in the horizon dropped',
     'steps = np.arange(1, (end - self.last_date).days // cycle + 1)',
     'steps = np.arange(1, (end - self.last_date).days // cycle)', CASHFLOW_TESTS),
    ('au2_11', _STREAMS, 'a cycle wins a tie with the calendar anchor',
     'cycle = cycle if cycle > 0 and cycle_share > exact_share else 0',
     'cycle = cycle if cycle > 0 and cycle_share >= exact_share else 0', CASHFLOW_TESTS),
    ('au2_12', _STREAMS, 'a cycle needs four dates, not three',
     '    if len(dates) < 3:\n        return 0, 0.0',
     '    if len(dates) <= 3:\n        return 0, 0.0', CASHFLOW_TESTS),
    ('au2_13', _STREAMS, 'amounts exactly max_ratio apart disagree',
     'return bool(len(size) and size.max() <= max_ratio * size.min() + 1e-9)',
     'return bool(len(size) and size.max() < max_ratio * size.min())', CASHFLOW_TESTS),
    ('au2_14', _STREAMS, 'the last two amounts agreeing no longer move the projection',
     'if len(recent) >= 2 and np.isclose(recent[-1], recent[-2]) and not np.isclose(',
     'if len(recent) > 2 and np.isclose(recent[-1], recent[-2]) and not np.isclose(',
     CASHFLOW_TESTS),
    # readers: amounts linked by a rate, a fee, a balance before
    ('au2_15', _LINKS, 'an exchange rate proven to a whole cent, not half of it',
     'if (error <= _HALF_CENT + a.abs()[lines] * ulp[lines] + 1e-9).all():',
     'if (error <= 2 * _HALF_CENT + a.abs()[lines] * ulp[lines] + 1e-9).all():', _LINKS_TESTS),
    ('au2_16', _LINKS, 'gross less fee equals net within a whole cent',
     'if ((g - fees - n)[written].abs() < _HALF_CENT).all():',
     'if ((g - fees - n)[written].abs() < 2 * _HALF_CENT).all():', _LINKS_TESTS),
    ('au2_17', _LINKS, 'dates on one day only read as running forward',
     'if (steps >= 0).all() and (steps > 0).any():',
     'if (steps >= 0).all():', _LINKS_TESTS),
    ('au2_18', _LINKS, 'a balance before proven by one pair of lines (not two)',
     'if pairs >= 2 and carried == pairs:',
     'if pairs >= 1 and carried == pairs:', _LINKS_TESTS),
    ('au2_19', _LINKS, 'balance carried within a whole cent',
     'return int(usable.sum()), int((usable & (np.abs(moved - carried) < _HALF_CENT)).sum())',
     'return int(usable.sum()), int((usable & (np.abs(moved - carried) <= 2 * _HALF_CENT))'
     '.sum())', _LINKS_TESTS),
    ('au2_20', _LINKS, 'a rate of 0 on some line accepted',
     'if not written_rate.any() or (r[written_rate] <= 0).any():',
     'if not written_rate.any() or (r[written_rate] < 0).any():', _LINKS_TESTS),
    # readers: continuation lines
    ('au2_21', "core/readers/continuation_lines.py",
     'the first row joined to a transaction that is not there (anchor 0 read as none)',
     'joined = anchors >= 0', 'joined = anchors > 0', _CONTINUATION_TESTS),
    ('au2_22', "core/readers/continuation_lines.py",
     'a continuation line after a quarantined row still joins the row before it',
     'anchor = row if transaction[row] else -1',
     'anchor = row if transaction[row] else anchor', _CONTINUATION_TESTS),
    # the service's request frame
    ('au2_23', "serving/request_frame.py", 'an expense of 0 turned into -0 and income kept',
     '-amount if (kind == "expense" and amount > 0)',
     '-amount if (kind == "expense" and amount >= 0)', _FRAME_TESTS),
    ('au2_24', "serving/request_frame.py", 'a negative income amount kept negative',
     'or (kind == "income" and amount < 0) else amount',
     'else amount', _FRAME_TESTS),
    ('au2_25', "serving/request_frame.py", 'source rows counted from 0',
     '"source_row": np.arange(1, n + 1, dtype="int64"),',
     '"source_row": np.arange(n, dtype="int64"),', _FRAME_TESTS),
    # the request timeout
    ('au2_26', "serving/backstop_timeout.py", 'a lifespan scope timed out too',
     'if scope["type"] not in ("http", "websocket"):',
     'if scope["type"] not in ("http", "websocket", "lifespan"):',
     "tests/serving/test_backstop_timeout.py tests/serving/test_security.py"),
    # the merchant key
    ('au2_27', "core/merchant_key.py", 'a number inside the name dropped too (not only leading)',
     'if position == 0 and _LEADING_NUMBER.match(token):',
     'if _LEADING_NUMBER.match(token):',
     "tests/core/test_merchant_key.py tests/core/test_features_payees.py"),
    ('au2_28', "core/merchant_key.py", 'a one-word name that is a region dropped',
     'while len(words) > 1 and (words[-1] in _REGIONS or words[-1] == "&"):',
     'while len(words) > 0 and (words[-1] in _REGIONS or words[-1] == "&"):',
     "tests/core/test_merchant_key.py tests/core/test_features_payees.py"),
    # the amount prior
    ('au2_29', "models/amount/prior.py", 'the recent window one day wider',
     'recent = dates > dates.max() - np.timedelta64(int(self.recent_days), "D")',
     'recent = dates >= dates.max() - np.timedelta64(int(self.recent_days), "D")',
     _AMOUNT_TESTS),
    ('au2_30', "models/amount/prior.py", 'a payee with exactly min_count amounts has no level',
     'level_median = stats.loc[stats["size"] >= self.min_count, "median"]',
     'level_median = stats.loc[stats["size"] > self.min_count, "median"]', _AMOUNT_TESTS),
    ('au2_31', "models/amount/prior.py", 'a neighbour at exactly min_similarity not used',
     'close = np.take_along_axis(similarity, top, axis=1) >= self.min_similarity\n'
     '        values =',
     'close = np.take_along_axis(similarity, top, axis=1) > self.min_similarity\n'
     '        values =', _AMOUNT_TESTS),
    # the taxonomy's label parts
    ('au2_32', "models/category/taxonomy.py", 'two-letter label parts kept as knowledge',
     'entries += [(name, category) for name in dict.fromkeys(parts) if len(name) >= 3]',
     'entries += [(name, category) for name in dict.fromkeys(parts) if len(name) >= 2]',
     "tests/models/category/test_default_levels.py tests/models/category/test_model.py "
     "tests/models/category/test_category_text.py"),
)
