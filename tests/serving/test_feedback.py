"""The row cap of one correction (serving/feedback.py `rows_within_cap`): a correction may
change up to ``feedback_max_rows`` recorded transactions, not one more."""

from __future__ import annotations

import pytest

from titans_finance.serving.feedback import FeedbackRefused, rows_within_cap


@pytest.mark.parametrize("matched, refused", [(0, False), (4, False), (5, False), (6, True)])
def test_a_correction_may_change_at_most_the_cap(matched, refused):
    if refused:
        with pytest.raises(FeedbackRefused, match="matches 6 of your recorded transactions; "
                                                  "one correction may change at most 5") as e:
            rows_within_cap(matched, 5)
        assert e.value.status == 422
    else:
        rows_within_cap(matched, 5)
