import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import IsolationForest

from tests.parameters import parameters
from titans_finance.models.anomaly.flat_forest import CHUNK_ROWS, FlatForest


@pytest.mark.parametrize("max_features", [1.0, 0.6])
def test_scores_equal_scikit_learns(max_features):
    rng = np.random.default_rng(0)
    train = _train(rng, 600)
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


def _sklearn_leaf_depths(forest: IsolationForest, rows: np.ndarray) -> np.ndarray:
    """rows x trees: each tree's path length for each row, as scikit-learn computes it
    (`IsolationForest._compute_score_samples`: the leaf from the tree's own `apply`)."""
    X = np.asarray(rows, dtype=np.float32)
    subsampled = forest._max_features != X.shape[1]
    out = []
    for index, (tree, columns) in enumerate(zip(forest.estimators_,
                                                forest.estimators_features_, strict=True)):
        leaves = tree.apply(X[:, columns] if subsampled else X, check_input=False)
        out.append(forest._decision_path_lengths[index][leaves]
                   + forest._average_path_length_per_tree[index][leaves] - 1.0)
    return np.column_stack(out)


def _train(rng, n: int) -> np.ndarray:
    """Four columns of different kinds: normal, skewed, a few integers (ties at every
    threshold), tiny values (thresholds between neighbouring floats)."""
    return np.column_stack([rng.normal(size=n), rng.exponential(size=n),
                            rng.integers(0, 5, n), rng.normal(size=n) * 1e-7])


def _odd_rows(train: np.ndarray, rng) -> np.ndarray:
    """New points, training points (thresholds hit exactly), NaN, infinities, values one
    float32 step above training values."""
    rows = np.vstack([train + rng.normal(size=train.shape) * train.std(axis=0), train])
    rows[::11, 0] = np.nan
    rows[1::13, 1], rows[2::17, 2] = np.inf, -np.inf
    rows[3:9, 3] = np.nextafter(train[:6, 3].astype(np.float32), np.float32(np.inf))
    return rows


@pytest.mark.parametrize("max_features", [1.0, 0.6])
def test_each_trees_leaf_is_scikit_learns(max_features):
    """Every row reaches, in every tree, the leaf scikit-learn's own descent reaches: the
    path lengths are equal to the bit, tree by tree (the score is their sum in tree
    order), whatever the layout of the flat arrays."""
    rng = np.random.default_rng(1)
    train = _train(rng, 700)
    forest = IsolationForest(n_estimators=30, max_samples=512, max_features=max_features,
                             random_state=3).fit(train)
    flat = FlatForest.from_forest(forest)
    rows = _odd_rows(train, rng)
    leaves = flat.leaves(np.asarray(rows, dtype=np.float32))
    assert np.array_equal(flat.leaf_depth[leaves], _sklearn_leaf_depths(forest, rows))


def test_the_shipped_forest_on_the_default_datas_features():
    """The shipped forest (conf/base/parameters_anomaly.yml: 200 trees of 512 samples) on
    the generated default data's own isolation inputs: each tree's leaf is scikit-learn's
    (so each score is the sum of scikit-learn's path lengths, in tree order), for the
    training rows, new rows and odd values alike; in chunks or not, the same scores."""
    from tests.models.conftest import clean_frame
    from titans_finance.core.features import build_features
    from titans_finance.models.anomaly.model import _isolation_matrix
    from titans_finance.synthetic.generator import generate_transactions

    export, _ = generate_transactions(3000, seed=7, dirty_rate=0.0)
    matrix = _isolation_matrix(build_features(clean_frame(export)))
    shipped = parameters("anomaly")["isolation_forest"]
    forest = IsolationForest(n_estimators=shipped["n_estimators"],
                             max_samples=shipped["max_samples"], random_state=0).fit(matrix)
    flat = FlatForest.from_forest(forest)
    rows = _odd_rows(matrix[:600], np.random.default_rng(2))
    expected = _sklearn_leaf_depths(forest, rows)
    assert np.array_equal(flat.leaf_depth[flat.leaves(rows.astype(np.float32))], expected)
    scores = flat.score_samples(rows)
    assert np.array_equal(scores, -(2 ** (-expected.sum(axis=1) / flat.denominator)))
    assert np.array_equal(np.concatenate([flat.score_samples(rows[i:i + 7])
                                          for i in range(0, len(rows), 7)]), scores)


def test_a_model_saved_with_the_earlier_layout_is_flattened_again():
    """A model pickled before this layout holds a flat forest without ``left`` (its
    ``children`` pairs): it is flattened again from the forest it keeps, once."""
    from titans_finance.models.anomaly import AnomalyModel

    train = np.random.default_rng(4).normal(size=(300, 3))
    model = AnomalyModel({})
    model.forest = IsolationForest(n_estimators=10, random_state=0).fit(train)
    earlier = object.__new__(FlatForest)  # as unpickled: the earlier fields only
    earlier.__dict__.update(n_features=3, children=np.zeros(4, dtype="int32"))
    model._flat_forest = earlier
    flat = model.flat_forest()
    assert flat is not earlier and model.flat_forest() is flat
    assert np.array_equal(flat.score_samples(train),
                          FlatForest.from_forest(model.forest).score_samples(train))


def test_a_saved_model_keeps_its_flat_forest_only_and_scores_the_same():
    # scikit-learn's trees were a second copy of the forest in every saved model; loading
    # them imported scikit-learn's forests in the service (~8 MiB of the worker, issue 27)
    import pickle

    from tests.models.anomaly.test_boundaries import PARAMS, _scored

    model, scored, test, features = _scored([(62, "Jeweller", "jeweller", -2400.0)], None,
                                            PARAMS)
    assert model.forest is not None  # fitted: the trees it was flattened from
    loaded = pickle.loads(pickle.dumps(model))
    assert loaded.forest is None and model.forest is not None
    pd.testing.assert_frame_equal(loaded.score(test, features), scored)
    earlier = object.__new__(FlatForest)  # a layout this version cannot read, no trees
    earlier.__dict__.update(n_features=3)
    loaded._flat_forest = earlier
    with pytest.raises(RuntimeError, match="earlier layout"):
        loaded.score(test, features)


def test_loading_a_saved_model_imports_none_of_scikit_learns_forests(tmp_path):
    import pickle
    import subprocess
    import sys

    from tests.models.anomaly.test_boundaries import PARAMS, _scored

    model = _scored([(62, "Jeweller", "jeweller", -2400.0)], None, PARAMS)[0]
    (tmp_path / "model.pkl").write_bytes(pickle.dumps(model))
    loaded = subprocess.run(
        [sys.executable, "-c", "import pickle, sys; pickle.load(open(sys.argv[1], 'rb')); "
         "print(sorted(m for m in sys.modules if m.startswith(('sklearn.ensemble', "
         "'sklearn.tree'))))", str(tmp_path / "model.pkl")],
        capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"
