import numpy as np
import pandas as pd
import pytest

from titans_finance.core.distinct_rows import distinct_rows


def test_rows_of_the_same_keys_share_one_combination_in_order_of_first_appearance():
    found = distinct_rows(np.array(["b", "a", "b", "a", "c"], dtype=object),
                          np.array(["x", "x", "x", "y", "x"]))
    assert found.first.tolist() == [0, 1, 3, 4]
    assert found.inverse.tolist() == [0, 1, 0, 2, 3]
    assert found.repeated
    np.testing.assert_array_equal(found.spread(found.take(np.arange(5) * 10)),
                                  [0, 10, 0, 30, 40])


def test_near_repeats_are_distinct_combinations():
    # a different case, a trailing space, the other column swapped: not the same keys
    found = distinct_rows(np.array(["Shell", "shell", "shell ", "shell", "x"], dtype=object),
                          np.array(["fuel", "fuel", "fuel", "x", "shell"], dtype=object))
    assert len(found) == 5 and not found.repeated


def test_numbers_are_compared_by_their_bits():
    # 0.0 and -0.0 compare equal but are not the same input; one float apart is distinct
    values = np.array([0.0, -0.0, 0.0, 1.0, np.nextafter(1.0, 2.0), 1.0])
    found = distinct_rows(values)
    assert found.inverse.tolist() == [0, 1, 0, 2, 3, 2]
    assert distinct_rows(np.array([np.nan, np.nan])).inverse.tolist() == [0, 0]


def test_a_column_with_missing_or_other_values_is_not_grouped():
    # None and NaN are spelt differently by the pandas steps that read them
    assert distinct_rows(np.array(["a", None, "a"], dtype=object)) is None
    assert distinct_rows(np.array(["a", np.nan, "a"], dtype=object)) is None
    assert distinct_rows(pd.Series([1, "1"], dtype=object)) is None
    assert distinct_rows(np.zeros((2, 2))) is None


def test_no_rows_and_no_columns():
    empty = distinct_rows(np.array([], dtype=object))
    assert len(empty) == 0 and not empty.repeated
    with pytest.raises(ValueError, match="at least one column"):
        distinct_rows()
