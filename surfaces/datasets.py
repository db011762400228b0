"""Regression data: synthetic problems, splits, k-fold indices and a real data set.

Randomness comes from an ``rng`` argument coerced with
``np.random.default_rng`` (``None``, an integer seed or a ``Generator``);
nothing here touches global random state. The diabetes files are package
data in the folder ``surfaces/data/``, read with ``importlib.resources`` (so
an installed wheel finds them too).
"""

from __future__ import annotations

import gzip
from importlib import resources
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from surfaces._checks import (
    Seed,
    check_bool,
    check_int,
    check_real,
    check_rng,
    check_xy,
)

DIABETES_FEATURES = ("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6")


def make_regression(
    n: int = 100, d: int = 5, noise: float = 0.1, rng: Seed = None
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Draw a synthetic linear regression problem with known true weights.

    ::

        X ~ N(0, 1)^(n, d),  w_true ~ N(0, 1)^d,  y = X w_true + noise * N(0, 1)^n

    Parameters
    ----------
    n, d : int, default 100 and 5
        Rows and features, each ``>= 1``.
    noise : float, default 0.1
        Standard deviation of the label noise, finite and ``>= 0``; with
        ``noise=0`` and ``n >= d`` least squares recovers ``w_true``.
    rng : None, int or numpy.random.Generator
        Coerced with ``np.random.default_rng``.

    Returns
    -------
    X : ndarray
        ``(n, d)`` features.
    y : ndarray
        ``(n,)`` targets.
    w_true : ndarray
        ``(d,)`` weights that generated ``y``.

    Examples
    --------
    >>> X, y, w_true = make_regression(n=4, d=2, noise=0.0, rng=0)
    >>> X.shape, y.shape, bool(np.allclose(X @ w_true, y))
    ((4, 2), (4,), True)
    """
    n = check_int("make_regression", "n", n, 1)
    d = check_int("make_regression", "d", d, 1)
    noise = check_real("make_regression", "noise", noise, 0)
    gen = check_rng("make_regression", rng)
    X = gen.standard_normal((n, d))
    w_true = gen.standard_normal(d)
    y = X @ w_true + noise * gen.standard_normal(n)
    return X, y, w_true


class Split(NamedTuple):
    """Disjoint train, validation and test parts; unpacks as a 6-tuple."""

    X_train: NDArray[np.float64]
    y_train: NDArray[np.float64]
    X_val: NDArray[np.float64]
    y_val: NDArray[np.float64]
    X_test: NDArray[np.float64]
    y_test: NDArray[np.float64]


def split(
    X: ArrayLike, y: ArrayLike, val: float = 0.2, test: float = 0.2, rng: Seed = None
) -> Split:
    """Split rows at random into disjoint train, validation and test sets.

    A random permutation of the rows; the **test** rows are held out first,
    then the validation rows are taken from the rest, and the remainder is
    the training set::

        n_test = round(test * n),  n_val = round(val * n)   (halves round up)
        perm = rng.permutation(n)
        test = perm[:n_test], val = perm[n_test:n_test + n_val], train = the rest

    So for a given seed the test rows do not depend on ``val``: the test set
    is fixed before any tuning choice. This is the lecture's
    train / validation / test scheme without its leak: no test row is ever
    used for validation or training, so hyperparameters chosen on the
    validation set are scored on unseen rows.

    Parameters
    ----------
    X, y : array_like
        ``(n, p)`` features and ``(n,)`` targets.
    val, test : float, default 0.2 each
        Fractions of the whole ``n``, each in ``(0, 1)``; every part must
        come out non-empty.
    rng : None, int or numpy.random.Generator
        Coerced with ``np.random.default_rng``.

    Returns
    -------
    Split
        ``(X_train, y_train, X_val, y_val, X_test, y_test)``, rows in random
        order.

    Examples
    --------
    >>> X, y, _ = make_regression(n=10, d=2, rng=0)
    >>> parts = split(X, y, val=0.2, test=0.3, rng=0)
    >>> parts.X_train.shape, parts.X_val.shape, parts.X_test.shape
    ((5, 2), (2, 2), (3, 2))
    """
    X_, y_ = check_xy("split", X, y, finite=False)
    val = check_real("split", "val", val, 0, 1, open_interval=True)
    test = check_real("split", "test", test, 0, 1, open_interval=True)
    n = X_.shape[0]
    n_test, n_val = int(np.floor(test * n + 0.5)), int(np.floor(val * n + 0.5))
    n_train = n - n_test - n_val
    if min(n_test, n_val, n_train) < 1:
        raise ValueError(
            f"split: with n={n}, val={val} and test={test} the parts would have "
            f"{n_train} train, {n_val} validation and {n_test} test rows; "
            f"each must be non-empty (change val or test)"
        )
    perm = check_rng("split", rng).permutation(n)
    te, va, tr = perm[:n_test], perm[n_test : n_test + n_val], perm[n_test + n_val :]
    return Split(X_[tr], y_[tr], X_[va], y_[va], X_[te], y_[te])


def kfold(
    n: int, k: int = 5, rng: Seed = None
) -> list[tuple[NDArray[np.intp], NDArray[np.intp]]]:
    """Return the indices of ``k``-fold cross-validation (a random partition).

    The rows ``0..n-1`` are permuted and cut into ``k`` folds whose sizes
    differ by at most 1 (``np.array_split``); fold ``i`` is the validation
    set of split ``i`` and the other folds are its training set.

    Parameters
    ----------
    n : int
        Number of rows, ``>= 2``.
    k : int, default 5
        Number of folds, ``2 <= k <= n``.
    rng : None, int or numpy.random.Generator
        Coerced with ``np.random.default_rng``.

    Returns
    -------
    list of tuple of ndarray
        ``k`` pairs ``(train_idx, val_idx)`` of integer indices.

    Examples
    --------
    >>> folds = kfold(5, k=2, rng=0)
    >>> [(len(tr), len(va)) for tr, va in folds]
    [(2, 3), (3, 2)]
    """
    n = check_int("kfold", "n", n, 2)
    k = check_int("kfold", "k", k, 2, n)
    perm = check_rng("kfold", rng).permutation(n)
    folds = np.array_split(perm, k)
    return [(np.concatenate(folds[:i] + folds[i + 1 :]), folds[i]) for i in range(k)]


def load_diabetes(
    scaled: bool = True,
) -> tuple[NDArray[np.float64], NDArray[np.float64], tuple[str, ...]]:
    """Load the diabetes data of Efron et al. (2004): 442 patients, 10 features.

    Ten baseline variables (age, sex, body mass index, average blood
    pressure and six blood serum measurements ``s1``..``s6``) and the target,
    a quantitative measure of disease progression one year after baseline
    (an integer from 25 to 346).

    Parameters
    ----------
    scaled : bool, default True
        Standardize each feature column to mean 0 and variance 1
        (``(x - mean) / std``, ``std`` with ``ddof=0``); ``False`` gives the
        raw values (``sex`` coded 1 and 2). The target is never scaled.

    Returns
    -------
    X : ndarray
        ``(442, 10)`` features.
    y : ndarray
        ``(442,)`` targets.
    names : tuple of str
        The 10 feature names.

    Notes
    -----
    scikit-learn's ``load_diabetes`` divides the standardized columns by a
    further ``sqrt(n)`` (unit sum of squares); ours is plain standardization,
    so ``X_sklearn = X / sqrt(442)``. The files in ``surfaces/data/`` are
    the raw data as shipped with scikit-learn (see the ``README.txt`` there).

    References
    ----------
    .. [1] Efron, Hastie, Johnstone and Tibshirani (2004), "Least Angle
       Regression", *Annals of Statistics* 32(2):407-499.
       Data: https://www4.stat.ncsu.edu/~boos/var.select/diabetes.html

    Examples
    --------
    >>> X, y, names = load_diabetes(scaled=False)
    >>> X.shape, y.shape, names[:3]
    ((442, 10), (442,), ('age', 'sex', 'bmi'))
    >>> float(y.min()), float(y.max())
    (25.0, 346.0)
    """
    scaled = check_bool("load_diabetes", "scaled", scaled)
    X = _read_gz("diabetes_data_raw.csv.gz")  # (442, 10)
    y = _read_gz("diabetes_target.csv.gz")  # (442,)
    if scaled:
        X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X, y, DIABETES_FEATURES


def _read_gz(filename: str) -> NDArray[np.float64]:
    # importlib.resources finds the file inside an installed wheel too
    ref = resources.files("surfaces") / "data" / filename
    with ref.open("rb") as raw, gzip.open(raw, "rt") as text:
        return np.loadtxt(text)
