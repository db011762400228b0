"""The closed forms of (ridge) least squares: four ways to solve one problem.

:meth:`surfaces.LinearRegression.solve` calls these. Each solves the
augmented least-squares problem ::

    min ||A w - b||^2,   A = [X; sqrt(n l2) diag(P)]  (m, d),   b = [y; 0]

(equal to ``2n f(w)`` for the loss ``f`` of ``LinearRegression``), or its
normal equations ``H w = X^T y / n`` with ``H = X^T X / n + l2 diag(P)``:

* :func:`lstsq`: ``np.linalg.lstsq`` on ``(A, b)``;
* :func:`qr`: ``A Pi = Q R`` (economic, with column pivoting ``Pi``), then
  ``R z = Q^T b`` and ``w = Pi z``;
* :func:`svd`: ``A = U S V^T`` and ``w = V diag(phi) U^T b`` with the filter
  factors ``phi = s / (s^2 + root^2)``: ridge (``root = sqrt(n l2)``) on
  ``X`` itself when every weight is penalized, the pseudo-inverse
  (``root = 0``) of the augmented ``A`` otherwise;
* :func:`cholesky`: ``H = L L^T``, two triangular solves.

When ``H`` is singular the minimizer is not unique: ``lstsq`` and ``svd``
return the minimum-norm one (singular values below ``max(m, d) * eps *
s_max`` treated as zero, as ``lstsq`` does). ``cholesky`` squares the
condition number, ``cond(H) = cond(A)^2``, so it loses twice as many digits
as the others on ill-conditioned data. ``qr`` refuses ``A`` whose ``|R_dd|``
is at most ``max(m, d) * eps * |R_11|`` (the test ``np.linalg.matrix_rank``
applies to singular values) and never refuses a full-rank ``A`` with
``cond(A) < 1 / (max(m, d) * eps)``: each ``|R_ii|`` is at least ``s_min``
and ``|R_11|`` at most ``s_max`` (singular values of ``A``). A refused
problem raises :class:`SingularError`, which the caller turns into a message
about its data.

SciPy is imported inside the functions that use it, so ``import surfaces``
stays fast.

References
----------
.. [1] Golub and Van Loan (2013), *Matrix Computations*, 4th ed., Chapter 5
   (least squares by QR, SVD and normal equations).
"""

from __future__ import annotations

from typing import cast

import numpy as np
from numpy.typing import NDArray

EPS = np.finfo(np.float64).eps


class SingularError(ValueError):
    """The problem is rank deficient to working precision for this method."""


def augmented(
    X: NDArray[np.float64],
    y: NDArray[np.float64],
    P: NDArray[np.float64],
    l2: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return ``A = [X; sqrt(n l2) diag(P)]`` ``(m, d)`` and ``b = [y; 0]`` ``(m,)``.

    With ``l2 = 0`` that is ``(X, y)`` itself (``m = n``), else ``m = n + d``.
    """
    if l2 == 0:
        return X, y
    n, d = X.shape
    # sqrt(n) sqrt(l2), not sqrt(n l2): n l2 overflows for l2 near 1e308
    rows = np.sqrt(n) * np.sqrt(l2) * np.diag(P)  # (d, d)
    return np.vstack([X, rows]), np.concatenate([y, np.zeros(d)])  # (n + d, d)


def lstsq(A: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """Minimum-norm least-squares solution ``(d,)`` by ``np.linalg.lstsq``."""
    return cast("NDArray[np.float64]", np.linalg.lstsq(A, b, rcond=None)[0])


def qr(A: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """Least-squares solution ``(d,)`` by QR with column pivoting.

    Raises :class:`SingularError` when ``A`` is rank deficient to working
    precision (see the module docstring).
    """
    import scipy.linalg

    d = A.shape[1]
    # A[:, pi] = Q R, |R_11| >= |R_22| >= ...: rank from R's diagonal, as
    # matrix_rank decides it from singular values (not from X^T X, whose
    # condition number is squared)
    Q, R, pi = scipy.linalg.qr(A, mode="economic", pivoting=True)
    diag = np.abs(np.diag(R))  # (min(m, d),)
    if len(diag) < d or diag[-1] <= max(A.shape) * EPS * diag[0]:
        raise SingularError("qr: A is rank deficient")
    w = np.empty(d)
    w[pi] = scipy.linalg.solve_triangular(R, Q.T @ b)
    return w


def svd(
    A: NDArray[np.float64], b: NDArray[np.float64], root: float = 0.0
) -> NDArray[np.float64]:
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
    w: NDArray[np.float64] = Vt.T @ (phi * (U.T @ b))
    return w


def cholesky(
    H: NDArray[np.float64],
    rhs: NDArray[np.float64],
    eigenvalues: NDArray[np.float64],
    n: int,
) -> NDArray[np.float64]:
    """Solve ``H w = rhs`` by Cholesky, for ``H = X^T X / n + l2 diag(P)``.

    ``eigenvalues`` (ascending) are ``H``'s. Since ``eigvalsh`` is backward
    stable, a singular ``H`` shows a smallest one ``mu`` of order ``eps``
    times the largest ``L``, so ``H`` is refused (:class:`SingularError`)
    when ``mu <= max(n, d) * eps * L`` (``matrix_rank``'s tolerance applied
    to the eigenvalues), or when the factorization fails: any ``X`` with
    condition number above about ``1 / sqrt(max(n, d) * eps)`` (``1e7`` for
    small data), which :func:`qr` still solves.
    """
    import scipy.linalg

    mu, L = eigenvalues[0], eigenvalues[-1]
    if mu <= max(n, len(H)) * EPS * L:
        raise SingularError("cholesky: H is singular")
    try:
        factor = scipy.linalg.cho_factor(H)
    except np.linalg.LinAlgError as err:
        raise SingularError("cholesky: H is not positive definite") from err
    w: NDArray[np.float64] = scipy.linalg.cho_solve(factor, rhs)
    return w
