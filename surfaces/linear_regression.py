"""Linear least squares (optionally ridge): a loss surface whose minimizer is known.

The loss of a linear model ``y ~ X w`` on data ``(X, y)`` is a convex
quadratic in the weights ``w``; its exact minimizer comes from a linear solve
(the "closed form"), so weights trained by SGD or Adam can be compared with
the truth, and the extreme eigenvalues of its constant Hessian give provably
safe step sizes.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from surfaces import least_squares
from surfaces._base import Surface
from surfaces._checks import (
    Seed,
    check_bool,
    check_choice,
    check_int,
    check_real,
    check_rng,
    check_rows,
    check_xy,
)

METHODS = ("lstsq", "qr", "svd", "cholesky")

Floats = NDArray[np.float64]
# What minibatch returns: w (*batch, d) -> (value (*batch,), grad (*batch, d)).
Fun = Callable[[ArrayLike], tuple[Floats, Floats]]


class LinearRegression(Surface):
    """Mean squared error of a linear model, with an optional ridge penalty.

    The loss of weights ``w`` (``d`` numbers) on ``n`` rows of data is ::

        f(w) = (1/2n) ||X w - y||^2 + (l2/2) ||P w||^2

    where ``P`` drops the intercept from the penalty. With ``intercept=True``
    the surface stores the design matrix ``[X, 1]`` (a column of ones appended)
    and ``w`` has ``d = p + 1`` coordinates, the **last** being the intercept;
    otherwise ``d = p``.

    Symbols: ``X`` design matrix ``(n, d)`` (with the ones column, if any);
    ``y`` targets ``(n,)``; ``P`` the ``(d,)`` mask of penalized coordinates
    (1 for weights, 0 for the intercept), so ``P * w`` is the projection
    ``P w`` and ``P^T P = diag(P)``; ``l2`` the ridge strength; ``r`` the
    residuals ``(*batch, n)``.

    Parameters
    ----------
    X : array_like
        ``(n, p)`` features, finite, ``n >= 1``, ``p >= 1``.
    y : array_like
        ``(n,)`` targets, finite.
    l2 : float, default 0.0
        Ridge strength, finite and ``>= 0``.
    intercept : bool, default False
        Fit an unpenalized intercept as the last coordinate of ``w``.

    Attributes
    ----------
    X : ndarray
        ``(n, d)`` stored design matrix (``[X, 1]`` when ``intercept``),
        read-only.
    features : ndarray
        ``(n, p)``: ``X`` without the ones column, read-only.
    y : ndarray
        ``(n,)`` targets, read-only.
    l2 : float
        Ridge strength.
    intercept : bool
        Whether the last weight is an intercept.
    P : ndarray
        ``(d,)`` penalty mask.
    n, p, dim : int
        Number of rows, of features and of weights ``d``.

    Notes
    -----
    ``1/2n`` (a mean, not a sum) keeps the gradient's scale independent of
    ``n``, as in scikit-learn's ``SGDRegressor``; scikit-learn's ``Ridge``
    minimizes ``||X w - y||^2 + alpha ||w||^2`` instead, so its ``alpha`` is
    our ``n * l2``.

    References
    ----------
    .. [1] Hastie, Tibshirani and Friedman (2009), *The Elements of
       Statistical Learning*, 2nd ed., Sections 3.2 and 3.4.1 (ridge).
    .. [2] Golub and Van Loan (2013), *Matrix Computations*, 4th ed.,
       Chapter 5 (least squares by QR, SVD and normal equations).

    Examples
    --------
    >>> s = LinearRegression([[1.0], [2.0], [3.0]], [1.0, 2.0, 2.0])
    >>> s.solve()  # (X^T y) / (X^T X) = 11/14
    array([0.78571429])
    >>> float(s.value([0.0]))  # (1 + 4 + 4) / 6
    1.5
    """

    name = "linreg"

    def __init__(
        self, X: ArrayLike, y: ArrayLike, l2: float = 0.0, intercept: bool = False
    ) -> None:
        X_, y_ = check_xy("LinearRegression", X, y, finite=True)
        self.l2 = check_real("LinearRegression", "l2", l2, 0)
        self.intercept = check_bool("LinearRegression", "intercept", intercept)
        self.n, self.p = X_.shape
        if self.intercept:
            X_ = np.hstack([X_, np.ones((self.n, 1))])  # (n, p + 1)
        # read-only: the Hessian, minimizers, ... are computed from them once
        X_.setflags(write=False)
        y_.setflags(write=False)
        self.X, self.y = X_, y_
        self.dim = X_.shape[1]
        self.P = np.ones(self.dim)
        self.P[self.p :] = 0.0  # the intercept (if any) is not penalized
        self.start = np.zeros(self.dim)

    @property
    def features(self) -> Floats:
        """``(n, p)``: the design matrix without the intercept column (read-only).

        The ``X`` this surface was built from, as float64: what to pass to a
        new ``LinearRegression`` on the same features.

        Examples
        --------
        >>> s = LinearRegression([[1.0], [2.0], [3.0]], [1.0, 2.0, 2.0], intercept=True)
        >>> s.X.shape, s.features.shape
        ((3, 2), (3, 1))
        """
        return self.X[:, : self.p]  # a view of the read-only X: read-only too

    def subset(self, rows: ArrayLike, *, l2: float | None = None) -> LinearRegression:
        """The same problem on some of its rows: for k-fold and held-out losses.

        ``rows`` are integer indices ``(m,)`` in ``[0, n)``, ``m >= 1``
        (repeats allowed, as for a bootstrap), or a boolean mask ``(n,)``
        selecting at least one row. The new surface is built on
        ``features[rows]`` and ``y[rows]`` with this one's ``intercept``, and
        its ``l2`` unless one is given (``l2=0.0`` for a validation loss).

        Examples
        --------
        >>> s = LinearRegression([[1.0], [2.0], [3.0]], [1.0, 2.0, 2.0], l2=0.5)
        >>> part = s.subset([0, 2])
        >>> part.n, part.y, part.l2
        (2, array([1., 2.]), 0.5)
        >>> s.subset([True, False, True], l2=0.0).l2
        0.0
        """
        idx = check_rows("LinearRegression.subset", rows, self.n)
        return LinearRegression(
            self.features[idx],
            self.y[idx],
            self.l2 if l2 is None else l2,
            self.intercept,
        )

    def value(self, w: ArrayLike) -> Floats:
        """Loss at weights ``w`` ``(*batch, d)``; returns ``(*batch,)``.

        Half the mean squared residual plus the ridge penalty::

            (1) r = w @ X.T - y
            (2) penalty = l2 / 2 * ((P * w)**2).sum(axis=-1)
            (3) f = (r**2).sum(axis=-1) / (2 * n) + penalty

        Examples
        --------
        >>> s = LinearRegression([[1.0], [2.0], [3.0]], [1.0, 2.0, 2.0], l2=1.0)
        >>> s.value([[0.0], [1.0]])  # 9/6 + 0 and 1/6 + 1/2
        array([1.5       , 0.66666667])
        """
        w = self._check(w)
        r = w @ self.X.T - self.y  # (1)
        penalty = self.l2 / 2 * ((self.P * w) ** 2).sum(axis=-1)  # (2)
        f = (r**2).sum(axis=-1) / (2 * self.n) + penalty  # (3)
        return cast(Floats, f)

    def grad(self, w: ArrayLike) -> Floats:
        """Gradient at weights ``w`` ``(*batch, d)``; returns ``(*batch, d)``.

        ``X^T r / n + l2 P^T P w``, with ``P^T P w = P * w`` (a 0/1 mask)::

            (1) r = w @ X.T - y
            (2) g = r @ X / n + l2 * P * w

        Examples
        --------
        >>> s = LinearRegression([[1.0], [2.0], [3.0]], [1.0, 2.0, 2.0])
        >>> s.grad([0.0])  # -X^T y / n = -11/3
        array([-3.66666667])
        """
        w = self._check(w)
        r = w @ self.X.T - self.y  # (1)
        g = r @ self.X / self.n + self.l2 * self.P * w  # (2)
        return cast(Floats, g)

    def value_and_grad(self, w: ArrayLike) -> tuple[Floats, Floats]:
        """Value ``(*batch,)`` and gradient ``(*batch, d)``, sharing the residual.

        Examples
        --------
        >>> s = LinearRegression([[1.0], [2.0], [3.0]], [1.0, 2.0, 2.0])
        >>> f, g = s.value_and_grad([0.0])
        >>> float(f), g
        (1.5, array([-3.66666667]))
        """
        return _loss(self.X, self.y, self.P, self.l2, self._check(w))

    def minibatch(self, batch_size: int, rng: Seed = None, skip: int = 0) -> Fun:
        """Return a stochastic ``fun(w) -> (value, grad)`` for SGD.

        Each call of ``fun`` draws ``b = batch_size`` distinct rows ``B`` at
        random and returns the loss of that minibatch and its gradient::

            f_B(w) = (1/2b) ||X_B w - y_B||^2 + (l2/2) ||P w||^2

        an unbiased estimate of ``f`` and of its gradient. One call uses the
        same rows for every configuration in a batch ``w`` ``(*batch, d)``,
        so the configurations see the same data; successive calls draw
        independently (rows are sampled without replacement within a call,
        with replacement across calls).

        Parameters
        ----------
        batch_size : int
            Rows per call, in ``[1, n]``; ``n`` gives the exact loss.
        rng : None, int or numpy.random.Generator
            Coerced with ``np.random.default_rng``.
        skip : int, default 0
            Calls whose rows are drawn and skipped first: the first call of
            the new ``fun`` draws what the call ``skip + 1`` of a fresh one
            would. ``minimize`` calls ``fun`` once per step and once at the
            start, so a run continued after ``k`` steps
            (``minimize(..., state=...)``) continues the rows of the first
            run with ``skip=k``.

        Returns
        -------
        callable
            ``fun(w)`` returning ``(value (*batch,), grad (*batch, d))``.

        Examples
        --------
        >>> s = LinearRegression([[1.0], [2.0], [3.0]], [1.0, 2.0, 2.0])
        >>> fun = s.minibatch(3, rng=0)  # all rows: the exact loss
        >>> float(fun([0.0])[0])
        1.5
        """
        who = "LinearRegression.minibatch"
        b = check_int(who, "batch_size", batch_size, 1, self.n)
        gen = check_rng(who, rng)
        for _ in range(check_int(who, "skip", skip, 0, None)):
            gen.choice(self.n, size=b, replace=False)

        def fun(w: ArrayLike) -> tuple[Floats, Floats]:
            w = self._check(w)
            rows = gen.choice(self.n, size=b, replace=False)  # (b,)
            return _loss(self.X[rows], self.y[rows], self.P, self.l2, w)

        return fun

    def solve(self, method: str = "lstsq") -> Floats:
        """Exact minimizer ``w*`` ``(d,)`` of the loss: the closed form.

        ``"lstsq"`` (``np.linalg.lstsq``), ``"qr"`` (with column pivoting) and
        ``"svd"`` (ridge filter factors ``s / (s^2 + n l2)``) solve
        ``min ||A w - b||^2`` with ``A = [X; sqrt(n l2) diag(P)]``,
        ``b = [y; 0]``; ``"cholesky"`` the normal equations ``H w = X^T y / n``.
        :mod:`surfaces.least_squares` has each, and how each treats
        ill-conditioned data; when ``H`` is singular, ``"lstsq"`` and
        ``"svd"`` return the minimum-norm minimizer.

        Parameters
        ----------
        method : {"lstsq", "qr", "svd", "cholesky"}

        Returns
        -------
        ndarray
            ``(d,)`` weights (the intercept last, if any).

        Raises
        ------
        ValueError
            For an unknown method (``TypeError`` if not a string); for
            ``"qr"`` and ``"cholesky"`` when ``A`` or ``H`` is singular to
            working precision (``"cholesky"`` sooner: ``cond(H) =
            cond(A)^2``), or when ``H`` overflows float64 (:attr:`hessian`).

        Examples
        --------
        >>> s = LinearRegression([[1.0], [2.0], [3.0]], [1.0, 2.0, 2.0], intercept=True)
        >>> s.solve("cholesky")  # slope 1/2, intercept 2/3
        array([0.5       , 0.66666667])
        """
        method = check_choice("LinearRegression.solve", "method", method, METHODS)
        try:
            if method == "cholesky":
                rhs = self.X.T @ self.y / self.n
                return least_squares.cholesky(
                    self.hessian, rhs, self._eigenvalues, self.n
                )
            if method == "svd" and not self.intercept:  # the penalty is l2 I
                root = np.sqrt(self.n) * np.sqrt(self.l2)  # sqrt(n l2) without overflow
                return least_squares.svd(self.X, self.y, root)
            A, b = least_squares.augmented(self.X, self.y, self.P, self.l2)
            solvers = {  # svd here: of A, with root = 0, the pseudo-inverse
                "lstsq": least_squares.lstsq,
                "qr": least_squares.qr,
                "svd": least_squares.svd,
            }
            return solvers[method](A, b)
        except least_squares.SingularError as err:
            raise ValueError(self._singular_message(method)) from err

    def _singular_message(self, method: str) -> str:
        return (
            f"LinearRegression.solve: method={method!r} needs a nonsingular Hessian "
            f"X^T X / n + l2 P^T P, but it is singular (X of shape {self.X.shape} is "
            f"rank deficient and l2={self.l2}); use 'lstsq' or 'svd' for the "
            f"minimum-norm solution, or l2 > 0"
        )

    @cached_property
    def hessian(self) -> Floats:
        """Constant Hessian ``X^T X / n + l2 P^T P``, ``(d, d)`` (read-only).

        A ``ValueError`` if it overflows float64 (``|X|`` entries near
        ``1e154`` or ``l2`` near ``1e308``); rescaling ``X`` (standardizing its
        columns) scales the weights back.
        """
        with np.errstate(over="ignore", invalid="ignore"):  # checked below
            H: Floats = self.X.T @ self.X / self.n + self.l2 * np.diag(self.P)
        if not np.all(np.isfinite(H)):
            raise ValueError(self._overflow_message("X^T X / n + l2 P^T P"))
        H.setflags(write=False)
        return H

    @cached_property
    def _eigenvalues(self) -> Floats:
        eigenvalues = cast(Floats, np.linalg.eigvalsh(self.hessian))  # ascending
        if not np.all(np.isfinite(eigenvalues)):  # |H| near the largest float64
            raise ValueError(self._overflow_message("the Hessian's eigenvalues"))
        return eigenvalues

    def _overflow_message(self, what: str) -> str:
        return (
            f"LinearRegression: {what} overflows float64 (largest |X| entry "
            f"{np.abs(self.X).max():.3g}, l2={self.l2:.3g}); rescale X (e.g. "
            f"standardize its columns) or use a smaller l2"
        )

    @property
    def smoothness(self) -> float:
        """Largest Hessian eigenvalue ``L``: the gradient is ``L``-Lipschitz."""
        return float(self._eigenvalues[-1])

    @property
    def strong_convexity(self) -> float:
        """Smallest Hessian eigenvalue ``mu`` (clipped at 0: ``H`` is PSD)."""
        return max(float(self._eigenvalues[0]), 0.0)

    @cached_property
    def minimizers(self) -> Floats:  # type: ignore[override]
        """``(1, d)``: ``solve()`` (the minimum-norm minimizer if not unique)."""
        w = self.solve()[None]
        w.setflags(write=False)
        return w

    @cached_property
    def minimum(self) -> float:  # type: ignore[override]
        """Loss at the minimizer."""
        return float(self.value(self.minimizers[0]))

    @cached_property
    def bounds(self) -> tuple[Floats, Floats]:  # type: ignore[override]
        """Box ``w* -+ max(1, 2 |w*|)`` around the minimizer, each ``(d,)``."""
        w = self.minimizers[0]
        half = np.maximum(1.0, 2 * np.abs(w))
        return w - half, w + half

    def __repr__(self) -> str:
        return (
            f"LinearRegression(n={self.n}, p={self.p}, l2={self.l2}, "
            f"intercept={self.intercept}, dim={self.dim})"
        )


def _loss(
    X: Floats, y: Floats, P: Floats, l2: float, w: Floats
) -> tuple[Floats, Floats]:
    """Compute ``value`` and ``grad`` on rows ``(X, y)``, sharing ``r``."""
    m = X.shape[0]
    r = w @ X.T - y  # (*batch, m)
    penalty = l2 / 2 * ((P * w) ** 2).sum(axis=-1)  # (*batch,)
    f = (r**2).sum(axis=-1) / (2 * m) + penalty
    g = r @ X / m + l2 * P * w  # (*batch, d)
    return f, g
