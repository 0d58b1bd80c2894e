"""Boundary of the upload's column check: the shortest line with one field too many is
made of separators only, exactly ``max_columns`` bytes long; it is refused, one byte
shorter is not."""

from __future__ import annotations

import pytest

from tests.parameters import settings
from titans_finance.app.upload import UploadRefused, check_upload

HEADER = b"Date,Description,Amount\n2024-01-02,Coffee,-3.50\n"


@pytest.mark.parametrize("separators, refused", [(499, False), (500, True), (501, True)])
def test_a_line_of_separators_only_exactly_max_columns_bytes_long_is_refused(separators, refused):
    data = HEADER + b"," * separators + b"\n2024-01-03,Tea,-2.00\n"
    limits = settings("app", upload={"max_columns": 500}).upload
    if not refused:
        check_upload(data, "empty-fields.csv", limits)
        return
    with pytest.raises(UploadRefused, match=f"^line 3 has {separators + 1:,} fields"):
        check_upload(data, "empty-fields.csv", limits)
