"""Tests of surfaces.datasets: synthetic data, splits, k-fold indices, the diabetes data."""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from surfaces import Split, kfold, load_diabetes, make_regression, split

fraction = st.floats(0.01, 0.6)
seeds = st.integers(0, 2**32 - 1)


def rounded(fraction, n):
    """The documented part size: round(fraction * n), halves rounded up."""
    return math.floor(fraction * n + 0.5)


def labelled(n):
    """Rows that carry their own index, so split parts can be traced back."""
    X = np.column_stack([np.arange(n), -np.arange(n)]).astype(float)  # (n, 2)
    return X, 10.0 * np.arange(n)


# ---------------------------------------------------------------- make_regression


@given(st.integers(1, 30), st.integers(1, 6), seeds)
def test_make_regression_shapes_and_noise_free_targets(n, d, seed):
    X, y, w_true = make_regression(n=n, d=d, noise=0.0, rng=seed)
    assert X.shape == (n, d) and y.shape == (n,) and w_true.shape == (d,)
    np.testing.assert_array_equal(y, X @ w_true)
    again = make_regression(n=n, d=d, noise=0.0, rng=seed)
    for a, b in zip((X, y, w_true), again, strict=True):
        np.testing.assert_array_equal(a, b)


def test_make_regression_noise_level():
    # residual y - X w_true is noise * N(0, 1): its sample std over 20000 rows
    # is within 3% of noise (standard error of a std is noise / sqrt(2 n), 0.5%)
    X, y, w_true = make_regression(n=20000, d=3, noise=0.25, rng=0)
    assert np.std(y - X @ w_true) == pytest.approx(0.25, rel=0.03)
    assert np.mean(X) == pytest.approx(0.0, abs=0.02)  # features ~ N(0, 1)
    assert np.std(X) == pytest.approx(1.0, rel=0.02)


@given(
    st.sampled_from(["n", "d"]),
    st.integers(-5, 0) | st.sampled_from([2.5, "3", None, True]),
)
def test_make_regression_bad_sizes(name, bad):
    error = (
        ValueError if isinstance(bad, int) and not isinstance(bad, bool) else TypeError
    )
    with pytest.raises(error, match=f"{name} must be"):
        make_regression(**{name: bad})


@given(st.floats(max_value=-1e-300) | st.sampled_from([math.nan, math.inf]))
def test_make_regression_bad_noise(noise):
    with pytest.raises(ValueError, match="noise"):
        make_regression(noise=noise)


# ---------------------------------------------------------------- split


@given(st.integers(3, 60), fraction, fraction, seeds)
def test_split_parts_are_disjoint_cover_and_sized(n, val, test, seed):
    n_val, n_test = rounded(val, n), rounded(test, n)
    assume(n_val >= 1 and n_test >= 1 and n - n_val - n_test >= 1)
    X, y = labelled(n)
    parts = split(X, y, val=val, test=test, rng=seed)
    assert isinstance(parts, Split) and len(parts) == 6
    X_tr, y_tr, X_va, y_va, X_te, y_te = parts
    ids = [Xp[:, 0].astype(int) for Xp in (X_tr, X_va, X_te)]
    assert [len(i) for i in ids] == [n - n_val - n_test, n_val, n_test]
    np.testing.assert_array_equal(np.sort(np.concatenate(ids)), np.arange(n))
    for Xp, yp in ((X_tr, y_tr), (X_va, y_va), (X_te, y_te)):
        np.testing.assert_array_equal(yp, 10.0 * Xp[:, 0])  # rows stay whole
        np.testing.assert_array_equal(Xp[:, 1], -Xp[:, 0])


@given(st.integers(10, 60), fraction, fraction, fraction, seeds)
def test_split_holds_out_test_rows_first(n, val_a, val_b, test, seed):
    # with the same seed, the test rows do not depend on the validation share
    sizes = [(rounded(v, n), rounded(test, n)) for v in (val_a, val_b)]
    assume(all(v >= 1 and t >= 1 and n - v - t >= 1 for v, t in sizes))
    X, y = labelled(n)
    a = split(X, y, val=val_a, test=test, rng=seed)
    b = split(X, y, val=val_b, test=test, rng=seed)
    np.testing.assert_array_equal(a.X_test, b.X_test)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    again = split(X, y, val=val_a, test=test, rng=seed)
    for u, v in zip(a, again, strict=True):
        np.testing.assert_array_equal(u, v)


def test_split_worked_example():
    # n = 10, test = 0.25 -> round(2.5) = 3 (halves up), val = 0.2 -> 2, train 5;
    # the test rows are the first 3 of the seed's permutation
    X, y = labelled(10)
    parts = split(X, y, val=0.2, test=0.25, rng=42)
    perm = np.random.default_rng(42).permutation(10)
    np.testing.assert_array_equal(parts.X_test[:, 0], perm[:3])
    np.testing.assert_array_equal(parts.X_val[:, 0], perm[3:5])
    np.testing.assert_array_equal(parts.X_train[:, 0], perm[5:])


@given(
    st.sampled_from(["val", "test"]),
    st.floats(max_value=0.0) | st.floats(min_value=1.0) | st.just(math.nan),
)
def test_split_bad_fraction(name, bad):
    X, y = labelled(20)
    with pytest.raises(ValueError, match=rf"{name} must be finite and in \(0, 1\)"):
        split(X, y, **{name: bad})


@given(st.integers(2, 30), fraction, st.sampled_from(["val", "test"]), st.data())
def test_split_empty_part_is_an_error(n, other, empty, data):
    # drawn so that a part rounds to 0 rows (no filtering: under load, a
    # filter that rejects most draws fails Hypothesis's health check)
    tiny = data.draw(st.floats(0.0, 0.49 / n).filter(lambda f: f > 0))
    fractions = {"val": other, "test": other, empty: tiny}
    assert rounded(tiny, n) == 0
    X, y = labelled(n)
    with pytest.raises(ValueError, match="non-empty"):
        split(X, y, **fractions)


@pytest.mark.parametrize(("n", "val", "test"), [(2, 0.5, 0.5), (3, 0.5, 0.5)])
def test_split_with_no_training_row_is_an_error(n, val, test):
    assert rounded(val, n) + rounded(test, n) >= n  # nothing left to train on
    X, y = labelled(n)
    with pytest.raises(ValueError, match="non-empty"):
        split(X, y, val=val, test=test)


def test_split_bad_shapes_and_types():
    X, y = labelled(10)
    with pytest.raises(ValueError, match="y must have shape"):
        split(X, y[:-1])
    with pytest.raises(ValueError, match="X must have shape"):
        split(X[:, 0], y)
    with pytest.raises(TypeError, match="val"):
        split(X, y, val="0.2")
    with pytest.raises(ValueError, match="split: X must be.*rows"):
        split([[1.0, 2.0], [3.0]], [1.0, 2.0])  # ragged: rows of two lengths


# ---------------------------------------------------------------- kfold


@given(st.integers(2, 50), st.data(), seeds)
def test_kfold_is_a_partition(n, data, seed):
    k = data.draw(st.integers(2, n))
    folds = kfold(n, k=k, rng=seed)
    assert len(folds) == k
    vals = [va for _, va in folds]
    np.testing.assert_array_equal(np.sort(np.concatenate(vals)), np.arange(n))
    sizes = [len(va) for va in vals]
    assert max(sizes) - min(sizes) <= 1
    for tr, va in folds:
        np.testing.assert_array_equal(np.sort(tr), np.setdiff1d(np.arange(n), va))
    again = kfold(n, k=k, rng=seed)
    for (a, b), (c, d) in zip(folds, again, strict=True):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, d)


@given(st.integers(2, 20), st.data())
def test_kfold_bad_k(n, data):
    k = data.draw(st.integers(-3, 1) | st.integers(n + 1, n + 10))
    with pytest.raises(ValueError, match="k must be"):
        kfold(n, k=k)


@given(st.integers(-3, 1) | st.sampled_from([2.0, "5", None]))
def test_kfold_bad_n(n):
    error = ValueError if isinstance(n, int) else TypeError
    with pytest.raises(error, match="n must be"):
        kfold(n, k=2)


# ---------------------------------------------------------------- diabetes


def test_diabetes_raw_known_facts():
    X, y, names = load_diabetes(scaled=False)
    assert X.shape == (442, 10) and y.shape == (442,)
    assert names == ("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6")
    expected_first = [59, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87]
    np.testing.assert_array_equal(X[0], expected_first)
    assert y[0] == 151
    assert y.min() == 25 and y.max() == 346
    assert y.mean() == pytest.approx(152.13, abs=0.005)
    assert set(np.unique(X[:, 1])) == {1.0, 2.0}  # sex coded 1 and 2
    np.testing.assert_array_equal(y, np.round(y))  # integer targets


def test_diabetes_scaled_is_standardized():
    X, y, _ = load_diabetes()
    raw, y_raw, _ = load_diabetes(scaled=False)
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-13)
    np.testing.assert_allclose(X.std(axis=0), 1.0, rtol=1e-13)
    np.testing.assert_array_equal(y, y_raw)  # the target is not scaled
    # scikit-learn's first row (its load_diabetes().data[0]) divides ours by
    # sqrt(n); values as printed in its documentation, 8 digits
    sklearn_first = [0.03807591, 0.05068012, 0.06169621, 0.02187239, -0.0442235]
    sklearn_first += [-0.03482076, -0.04340085, -0.00259226, 0.01990749, -0.01764613]
    np.testing.assert_allclose(X[0] / math.sqrt(442), sklearn_first, atol=1e-8)
    assert np.corrcoef(X[:, 2], raw[:, 2])[0, 1] == pytest.approx(1.0, abs=1e-12)


@given(st.sampled_from([1, "yes", None, 0.0]))
def test_diabetes_bad_scaled(scaled):
    with pytest.raises(TypeError, match="scaled"):
        load_diabetes(scaled=scaled)


@given(st.sampled_from(["seed", 1.5, [1.5], object()]))
def test_bad_rng_names_the_argument(rng):
    X, y = labelled(10)
    calls = [
        lambda: make_regression(rng=rng),
        lambda: split(X, y, rng=rng),
        lambda: kfold(10, rng=rng),
    ]
    for call in calls:
        with pytest.raises(TypeError, match="rng must be"):
            call()
