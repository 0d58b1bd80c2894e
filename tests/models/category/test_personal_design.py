import numpy as np
import pytest
from scipy import sparse

from titans_finance.models.category.personal import dense_csr


@pytest.mark.parametrize("shape", [(1000, 49), (1, 3), (0, 5), (5, 0), (3, 4)])
def test_a_dense_block_is_the_matrix_scipy_builds_of_it(shape):
    """The same arrays (values to the bit, indices, row pointers, their types): zeros and
    -0.0 left out, NaN kept, as scipy's conversion does."""
    values = np.random.default_rng(1).normal(size=shape)
    if values.size:
        values[values < 0.3] = 0.0
        values.flat[0], values.flat[-1] = -0.0, np.nan
    ours, scipys = dense_csr(values), sparse.csr_matrix(values)
    assert ours.shape == scipys.shape and ours.has_sorted_indices
    assert ours.data.tobytes() == scipys.data.tobytes()
    for part in ("indices", "indptr"):
        assert getattr(ours, part).dtype == getattr(scipys, part).dtype
        assert getattr(ours, part).tolist() == getattr(scipys, part).tolist()
