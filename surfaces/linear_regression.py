"""Linear least squares (optionally ridge): a loss surface whose minimizer is known.

The loss of a linear model ``y ~ X w`` on data ``(X, y)`` is a convex
quadratic in the weights ``w``; its exact minimizer comes from a linear solve
(the "closed form"), so weights trained by SGD or Adam can be compared with
the truth, and the extreme eigenvalues of its constant Hessian give provably
safe step sizes.
"""

from __future__ import annotations

import numbers
import sys
from functools import cached_property

import numpy as np

from surfaces._base import Surface
from surfaces.data import as_rng, check_xy

METHODS = ("lstsq", "qr", "svd", "cholesky")
EPS = np.finfo(float).eps


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
        ``(n, d)`` stored design matrix (``[X, 1]`` when ``intercept``).
    y : ndarray
        ``(n,)`` targets.
    P : ndarray
        ``(d,)`` penalty mask.
    n, dim : int
        Number of rows and of weights ``d``.

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

    def __init__(self, X, y, l2=0.0, intercept=False):
        X, y = check_xy("LinearRegression", X, y, finite=True)
        if isinstance(l2, bool) or not isinstance(l2, numbers.Real):
            raise TypeError(f"LinearRegression: l2 must be a real number, got {l2!r}")
        if not 0 <= l2 <= sys.float_info.max:  # exact for ints beyond float64 too
            raise ValueError(
                f"LinearRegression: l2 must be finite and >= 0, got {l2!r}"
            )
        if not isinstance(intercept, bool | np.bool_):
            raise TypeError(
                f"LinearRegression: intercept must be a bool, got {intercept!r}"
            )
        self.n, self.p = X.shape
        self.l2 = float(l2)
        self.intercept = bool(intercept)
        if self.intercept:
            X = np.hstack([X, np.ones((self.n, 1))])  # (n, p + 1)
        self.X, self.y = X, y
        self.dim = X.shape[1]
        self.P = np.ones(self.dim)
        self.P[self.p :] = 0.0  # the intercept (if any) is not penalized
        self.start = np.zeros(self.dim)

    def value(self, w) -> np.ndarray:
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
        return f

    def grad(self, w) -> np.ndarray:
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
        return g

    def value_and_grad(self, w) -> tuple[np.ndarray, np.ndarray]:
        """Value ``(*batch,)`` and gradient ``(*batch, d)``, sharing the residual.

        Examples
        --------
        >>> s = LinearRegression([[1.0], [2.0], [3.0]], [1.0, 2.0, 2.0])
        >>> f, g = s.value_and_grad([0.0])
        >>> float(f), g
        (1.5, array([-3.66666667]))
        """
        return _loss(self.X, self.y, self.P, self.l2, self._check(w))

    def minibatch(self, batch_size, rng=None):
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
        if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral):
            raise TypeError(
                f"LinearRegression.minibatch: batch_size must be an integer, "
                f"got {batch_size!r}"
            )
        if not 1 <= batch_size <= self.n:
            raise ValueError(
                f"LinearRegression.minibatch: batch_size must be in [1, n={self.n}], "
                f"got {batch_size}"
            )
        rng = as_rng("LinearRegression.minibatch", rng)

        def fun(w):
            w = self._check(w)
            rows = rng.choice(self.n, size=batch_size, replace=False)  # (b,)
            return _loss(self.X[rows], self.y[rows], self.P, self.l2, w)

        return fun

    def solve(self, method="lstsq") -> np.ndarray:
        """Exact minimizer ``w*`` ``(d,)`` of the loss.

        Every method solves the augmented least-squares problem
        ``min ||A w - b||^2`` with ``A = [X; sqrt(n l2) diag(P)]`` and
        ``b = [y; 0]`` (equal to ``2n f(w)``), or its normal equations
        ``H w = X^T y / n`` with ``H = X^T X / n + l2 diag(P)``:

        * ``"lstsq"``: ``np.linalg.lstsq`` on ``(A, b)``;
        * ``"qr"``: ``A Pi = Q R`` (economic, with column pivoting ``Pi``),
          then ``R z = Q^T b`` and ``w = Pi z``;
        * ``"svd"``: ``X = U S V^T`` and ``w = V diag(s / (s^2 + n l2)) U^T y``
          (ridge filter factors) without intercept; the SVD of ``A`` with
          ``l2 = 0`` filters (``1/s``) with an intercept;
        * ``"cholesky"``: ``H = L L^T``, two triangular solves.

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
            For an unknown method; for ``"qr"`` when ``A`` is rank deficient
            to working precision (``|R_dd| <= max(m, d) * eps * |R_11|``, the
            test ``np.linalg.matrix_rank`` applies to singular values); for
            ``"cholesky"`` when the Hessian is singular (``X`` rank deficient
            with ``l2 = 0``) or overflows float64 (see :attr:`hessian`).

        Notes
        -----
        When ``H`` is singular the minimizer is not unique: ``"lstsq"`` and
        ``"svd"`` return the minimum-norm one (singular values below
        ``max(m, d) * eps * s_max`` treated as zero, as ``lstsq`` does).
        ``"cholesky"`` squares the condition number, ``cond(H) = cond(A)^2``,
        so it loses twice as many digits as the others on ill-conditioned data,
        and refuses ``H`` whose smallest eigenvalue is below
        ``max(n, d) * eps`` times its largest: any ``X`` with condition number
        above about ``1 / sqrt(max(n, d) * eps)`` (``1e7`` for small data),
        which ``"qr"`` still solves. ``"qr"`` never refuses a full-rank ``A``
        with ``cond(A) < 1 / (max(m, d) * eps)``: each ``|R_ii|`` is at least
        ``s_min`` and ``|R_11|`` at most ``s_max`` (singular values of ``A``).

        Examples
        --------
        >>> s = LinearRegression([[1.0], [2.0], [3.0]], [1.0, 2.0, 2.0], intercept=True)
        >>> s.solve("cholesky")  # slope 1/2, intercept 2/3
        array([0.5       , 0.66666667])
        """
        solvers = {
            "lstsq": self._solve_lstsq,
            "qr": self._solve_qr,
            "svd": self._solve_svd,
            "cholesky": self._solve_cholesky,
        }
        if not isinstance(method, str) or method not in solvers:
            raise ValueError(
                f"LinearRegression.solve: method must be one of "
                f"{', '.join(METHODS)}; got {method!r}"
            )
        return solvers[method]()

    def _augmented(self) -> tuple[np.ndarray, np.ndarray]:
        """Return ``A = [X; sqrt(n l2) diag(P)]`` ``(m, d)`` and ``b = [y; 0]``."""
        if self.l2 == 0:
            return self.X, self.y
        # sqrt(n) sqrt(l2), not sqrt(n l2): n l2 overflows for l2 near 1e308
        rows = np.sqrt(self.n) * np.sqrt(self.l2) * np.diag(self.P)  # (d, d)
        A = np.vstack([self.X, rows])  # (n + d, d)
        return A, np.concatenate([self.y, np.zeros(self.dim)])

    def _solve_lstsq(self) -> np.ndarray:
        A, b = self._augmented()
        return np.linalg.lstsq(A, b, rcond=None)[0]

    def _solve_qr(self) -> np.ndarray:
        import scipy.linalg  # imported when used: `import surfaces` stays fast

        A, b = self._augmented()
        # A[:, pi] = Q R, |R_11| >= |R_22| >= ...: rank from R's diagonal, as
        # matrix_rank decides it from singular values (not from X^T X, whose
        # condition number is squared)
        Q, R, pi = scipy.linalg.qr(A, mode="economic", pivoting=True)
        diag = np.abs(np.diag(R))  # (min(m, d),)
        if len(diag) < self.dim or diag[-1] <= max(A.shape) * EPS * diag[0]:
            raise ValueError(self._singular_message("qr"))
        w = np.empty(self.dim)
        w[pi] = scipy.linalg.solve_triangular(R, Q.T @ b)
        return w

    def _solve_svd(self) -> np.ndarray:
        if self.intercept:  # the penalty is not a multiple of I: augment
            A, b = self._augmented()
            return _svd_filter(A, b, root=0.0)
        return _svd_filter(self.X, self.y, root=np.sqrt(self.n) * np.sqrt(self.l2))

    def _solve_cholesky(self) -> np.ndarray:
        import scipy.linalg  # imported when used: `import surfaces` stays fast

        self._require_nonsingular("cholesky")
        try:
            factor = scipy.linalg.cho_factor(self.hessian)
        except np.linalg.LinAlgError as err:
            raise ValueError(self._singular_message("cholesky")) from err
        return scipy.linalg.cho_solve(factor, self.X.T @ self.y / self.n)

    def _require_nonsingular(self, method: str) -> None:
        # eigvalsh is backward stable: a singular H shows mu of order eps * L
        # (matrix_rank's tolerance, applied to the Hessian's eigenvalues)
        mu, L = self._eigenvalues[0], self._eigenvalues[-1]
        if mu <= max(self.n, self.dim) * EPS * L:
            raise ValueError(self._singular_message(method))

    def _singular_message(self, method: str) -> str:
        return (
            f"LinearRegression.solve: method={method!r} needs a nonsingular Hessian "
            f"X^T X / n + l2 P^T P, but it is singular (X of shape {self.X.shape} is "
            f"rank deficient and l2={self.l2}); use 'lstsq' or 'svd' for the "
            f"minimum-norm solution, or l2 > 0"
        )

    @cached_property
    def hessian(self) -> np.ndarray:
        """Constant Hessian ``X^T X / n + l2 P^T P``, ``(d, d)`` (read-only).

        A ``ValueError`` if it overflows float64 (``|X|`` entries near
        ``1e154`` or ``l2`` near ``1e308``); rescaling ``X`` (standardizing its
        columns) scales the weights back.
        """
        with np.errstate(over="ignore", invalid="ignore"):  # checked below
            H = self.X.T @ self.X / self.n + self.l2 * np.diag(self.P)
        if not np.all(np.isfinite(H)):
            raise ValueError(self._overflow_message("X^T X / n + l2 P^T P"))
        H.setflags(write=False)
        return H

    @cached_property
    def _eigenvalues(self) -> np.ndarray:
        eigenvalues = np.linalg.eigvalsh(self.hessian)  # ascending
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
    def minimizers(self) -> np.ndarray:
        """``(1, d)``: ``solve()`` (the minimum-norm minimizer if not unique)."""
        w = self.solve()[None]
        w.setflags(write=False)
        return w

    @cached_property
    def minimum(self) -> float:
        """Loss at the minimizer."""
        return float(self.value(self.minimizers[0]))

    @cached_property
    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Box ``w* -+ max(1, 2 |w*|)`` around the minimizer, each ``(d,)``."""
        w = self.minimizers[0]
        half = np.maximum(1.0, 2 * np.abs(w))
        return w - half, w + half

    def __repr__(self) -> str:
        return (
            f"LinearRegression(n={self.n}, p={self.p}, l2={self.l2}, "
            f"intercept={self.intercept}, dim={self.dim})"
        )


def _loss(X, y, P, l2, w) -> tuple[np.ndarray, np.ndarray]:
    """Compute ``value`` and ``grad`` on rows ``(X, y)``, sharing ``r``."""
    m = X.shape[0]
    r = w @ X.T - y  # (*batch, m)
    penalty = l2 / 2 * ((P * w) ** 2).sum(axis=-1)  # (*batch,)
    f = (r**2).sum(axis=-1) / (2 * m) + penalty
    g = r @ X / m + l2 * P * w  # (*batch, d)
    return f, g


def _svd_filter(A, b, root: float) -> np.ndarray:
    """``V diag(phi) U^T b`` for ``A = U S V^T``: ``phi = s / (s^2 + root^2)``.

    ``root = sqrt(n l2)`` for ridge. With ``root = 0`` this is the
    pseudo-inverse: singular values at or below ``max(m, d) * eps * s_max``
    (the ``lstsq`` default) are treated as zero.
    """
    U, s, Vt = np.linalg.svd(A, full_matrices=False)  # (m, k), (k,), (k, d)
    if root > 0:
        # s^2 + root^2 = h^2 with h = hypot(s, root), which neither overflows
        # (s or root above 1e154) nor underflows; s = 0 gives phi = 0
        h = np.hypot(s, root)  # (k,)
        phi = s / h / h
    else:
        cutoff = max(A.shape) * EPS * s[0]
        kept = s > cutoff
        phi = np.zeros_like(s)
        phi[kept] = 1 / s[kept]
    return Vt.T @ (phi * (U.T @ b))
