import numpy as np
import pytest
from sklearn.ensemble import IsolationForest

from titans_finance.models.anomaly.flat_forest import CHUNK_ROWS, FlatForest


@pytest.mark.parametrize("max_features", [1.0, 0.6])
def test_scores_equal_scikit_learns(max_features):
    rng = np.random.default_rng(0)
    train = np.column_stack([rng.normal(size=600), rng.exponential(size=600),
                             rng.integers(0, 5, 600), rng.normal(size=600) * 1e-7])
    forest = IsolationForest(n_estimators=40, max_samples=256, max_features=max_features,
                             random_state=0).fit(train)
    flat = FlatForest.from_forest(forest)
    # new points, training points (thresholds hit exactly), NaN, infinities, float32 edge values
    rows = np.vstack([rng.normal(size=(2 * CHUNK_ROWS + 3, 4)) * 3, train[:50]])
    rows[::11, 0] = np.nan
    rows[1, 1], rows[2, 2] = np.inf, -np.inf
    rows[3:9, 3] = np.nextafter(train[:6, 3], np.inf)
    np.testing.assert_allclose(flat.score_samples(rows), forest.score_samples(rows),
                               rtol=0, atol=1e-12)
    assert flat.score_samples(rows[:1])[0] == pytest.approx(forest.score_samples(rows[:1])[0],
                                                             abs=1e-12)


def test_wrong_width_is_an_error():
    forest = IsolationForest(n_estimators=5, random_state=0).fit(np.zeros((20, 3)) + np.arange(20)[:, None])
    with pytest.raises(ValueError, match="expected 3 features"):
        FlatForest.from_forest(forest).score_samples(np.zeros((2, 4)))
