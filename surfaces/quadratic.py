"""A quadratic bowl with chosen curvatures: the model problem of optimization theory."""

from __future__ import annotations

from typing import cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from surfaces._base import Surface
from surfaces._checks import (
    Seed,
    check_array,
    check_bool,
    check_dim,
    check_real,
    check_rng,
)


class Quadratic(Surface):
    """The convex quadratic ``f(x) = 1/2 x^T A x`` with chosen eigenvalues.

    Near a strict minimum every smooth function looks like this bowl, and
    here its curvatures are set by hand: the largest and smallest eigenvalues
    of ``A`` are the smoothness ``L`` and strong convexity ``mu`` of the
    theory [1]_, and their ratio, the condition number, sets how slowly gradient
    descent converges (by a factor ``1 - mu/L`` per step at ``lr = 1/L``).

    Formula::

        A = Q diag(lam) Q^T    (Q a random orthogonal matrix, or I)
        f(x) = 1/2 x^T A x,    grad f(x) = A x

    Parameters
    ----------
    eigenvalues : array_like of float, optional
        The eigenvalues ``lam`` of ``A``, each positive and finite.
    condition : float, optional
        Instead of ``eigenvalues``: a condition number ``k >= 1``, giving
        eigenvalues ``np.geomspace(1, k, dim)``. Default 10 if neither is given.
    dim : int, optional
        Number of coordinates: ``len(eigenvalues)`` if they are given, else 2.
    rotate : bool, default True
        Turn the axes of the bowl by a random orthogonal ``Q`` [2]_ (Haar
        distributed); with False, ``A`` is diagonal.
    seed : int or numpy.random.Generator, default 0
        Seed of the rotation.

    Attributes
    ----------
    A : ndarray
        ``(d, d)`` symmetric positive definite matrix.
    eigenvalues : ndarray
        ``(d,)`` eigenvalues of ``A``, in the order given.
    smoothness, strong_convexity : float
        ``L = max(eigenvalues)`` and ``mu = min(eigenvalues)``.
    bounds, minimizers, minimum, start
        ``[-2, 2]^d``; the origin; 0; ``(1, ..., 1)``.

    References
    ----------
    .. [1] Y. Nesterov, "Lectures on Convex Optimization", 2nd ed., Springer,
       2018, section 2.1 (L-smooth, mu-strongly convex functions).
    .. [2] F. Mezzadri, "How to generate random matrices from the classical
       compact groups", Notices of the AMS 54(5), 592-604, 2007.

    Examples
    --------
    >>> s = Quadratic(eigenvalues=[1.0, 4.0], rotate=False)
    >>> s.value([[1.0, 1.0], [0.0, 0.0]])
    array([2.5, 0. ])
    >>> s.grad([1.0, 1.0])
    array([1., 4.])
    >>> Quadratic(condition=100.0, dim=3).eigenvalues
    array([  1.,  10., 100.])
    """

    name = "quadratic"

    def __init__(
        self,
        eigenvalues: ArrayLike | None = None,
        condition: float | None = None,
        dim: int | None = None,
        rotate: bool = True,
        seed: Seed = 0,
    ) -> None:
        lam = _eigenvalues(eigenvalues, condition, dim)
        d = lam.size
        rotate = check_bool("Quadratic", "rotate", rotate)
        rng = check_rng("Quadratic", seed, name="seed")
        Q = _rotation(d, rng) if rotate else np.eye(d)
        A = (Q * lam) @ Q.T  # Q diag(lam) Q^T
        self.A = 0.5 * (A + A.T)  # symmetric to the last bit
        self.eigenvalues = lam
        self.smoothness = float(lam.max())
        self.strong_convexity = float(lam.min())
        super().__init__(
            dim=d,
            bounds=(-2.0, 2.0),
            minimizers=np.zeros(d),
            minimum=0.0,
            start=np.ones(d),
        )

    def value(self, x: ArrayLike) -> NDArray[np.float64]:
        """Quadratic's value ``1/2 x^T A x``: the bowl's height above its bottom.

        Line (1) is ``A x`` written elementwise (row ``i`` of ``A`` times ``x``,
        summed): unlike BLAS's ``x @ A``, it gives a batch of points bitwise
        the same numbers as one point at a time.

        Formula::

            (1) Ax = (A * x[..., None, :]).sum(axis=-1)
            (2) f = 0.5 * (x * Ax).sum(axis=-1)

        Parameters
        ----------
        x : array_like
            ``(*batch, d)`` points.

        Returns
        -------
        ndarray
            ``(*batch,)`` values.
        """
        x = self._check(x)
        # (d, d) * (*batch, 1, d) -> (*batch, d, d), summed to (*batch, d)
        Ax = (self.A * x[..., None, :]).sum(axis=-1)  # (1)
        f = 0.5 * (x * Ax).sum(axis=-1)  # (2)
        return cast("NDArray[np.float64]", f)

    def grad(self, x: ArrayLike) -> NDArray[np.float64]:
        """Quadratic's gradient ``A x``: steepest where the curvature is largest.

        Formula (elementwise, as in :meth:`value`)::

            (1) g = (A * x[..., None, :]).sum(axis=-1)

        Parameters
        ----------
        x : array_like
            ``(*batch, d)`` points.

        Returns
        -------
        ndarray
            ``(*batch, d)`` gradients.
        """
        x = self._check(x)
        g = (self.A * x[..., None, :]).sum(axis=-1)  # (1)
        return cast("NDArray[np.float64]", g)

    def value_and_grad(
        self, x: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Value ``(*batch,)`` and gradient ``(*batch, d)``, sharing ``A x``."""
        x = self._check(x)
        g = (self.A * x[..., None, :]).sum(axis=-1)
        return 0.5 * (x * g).sum(axis=-1), g


def _eigenvalues(
    eigenvalues: ArrayLike | None, condition: float | None, dim: int | None
) -> NDArray[np.float64]:
    """Validate the arguments and return the eigenvalues ``(d,)``."""
    if eigenvalues is not None:
        if condition is not None:
            msg = f"eigenvalues={eigenvalues!r} and condition={condition!r}"
            raise ValueError(f"Quadratic: give eigenvalues or condition, got {msg}")
        lam = check_array("Quadratic", "eigenvalues", eigenvalues, ("d",))
        if not np.all(lam > 0):
            raise ValueError(f"Quadratic: eigenvalues must be > 0, got {eigenvalues!r}")
        if dim is not None and check_dim("Quadratic", dim) != lam.size:
            raise ValueError(f"Quadratic: dim={dim} but {lam.size} eigenvalues given")
        return lam
    d = 2 if dim is None else check_dim("Quadratic", dim)
    k = check_real(
        "Quadratic", "condition", 10.0 if condition is None else condition, 1
    )
    if d == 1 and k != 1:
        raise ValueError(
            f"Quadratic: condition must be 1 when dim=1, got {condition!r}"
        )
    return np.geomspace(1.0, k, d)


def _rotation(d: int, rng: np.random.Generator) -> NDArray[np.float64]:
    """A random orthogonal ``(d, d)`` matrix, Haar-distributed [1]_.

    The Q factor of a matrix of independent standard normals, its columns
    flipped to make the diagonal of R positive: then ``Z = Q R`` is the
    unique QR factorization with that sign convention, and since the law of
    ``Z`` is invariant under ``Z -> U Z`` for any orthogonal ``U``, so is the
    law of ``Q``. Without line (3), ``Q`` would inherit LAPACK's sign
    convention and not be Haar. (``A = Q diag(lam) Q^T`` does not depend on
    the column signs; ``Q`` does.)

    Formula::

        (1) Z = rng.standard_normal((d, d))
        (2) Q, R = linalg.qr(Z)
        (3) Q = Q * sign(diag(R))

    ``sign(R_jj)`` is 0 only when ``Z`` is singular, an event of probability 0.

    References
    ----------
    .. [1] F. Mezzadri, "How to generate random matrices from the classical
       compact groups", Notices of the AMS 54(5), 592-604, 2007.
    """
    Z = rng.standard_normal((d, d))  # (1)
    Q, R = np.linalg.qr(Z)  # (2)
    Q = Q * np.sign(np.diag(R))  # (3)
    return Q
