"""A quadratic bowl with chosen curvatures: the model problem of optimization theory."""

from __future__ import annotations

import numbers

import numpy as np

from surfaces._base import Surface, check_dim


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

    def __init__(self, eigenvalues=None, condition=None, dim=None, rotate=True, seed=0):
        lam = _eigenvalues(eigenvalues, condition, dim)
        d = lam.size
        if not isinstance(rotate, bool | np.bool_):
            raise TypeError(f"Quadratic: rotate must be a bool, got {rotate!r}")
        try:
            rng = np.random.default_rng(seed)
        except (TypeError, ValueError) as err:
            raise type(err)(
                "Quadratic: seed must be a non-negative int or a numpy Generator, "
                f"got {seed!r}"
            ) from err
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

    def value(self, x):
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
        return f

    def grad(self, x):
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
        return g

    def value_and_grad(self, x):
        """Value ``(*batch,)`` and gradient ``(*batch, d)``, sharing ``A x``."""
        x = self._check(x)
        g = (self.A * x[..., None, :]).sum(axis=-1)
        return 0.5 * (x * g).sum(axis=-1), g


def _eigenvalues(eigenvalues, condition, dim) -> np.ndarray:
    """Validate the arguments and return the eigenvalues ``(d,)``."""
    if eigenvalues is not None:
        if condition is not None:
            msg = f"eigenvalues={eigenvalues!r} and condition={condition!r}"
            raise ValueError(f"Quadratic: give eigenvalues or condition, got {msg}")
        try:
            lam = np.array(eigenvalues, dtype=np.float64)
        except (TypeError, ValueError) as err:
            raise TypeError(
                f"Quadratic: eigenvalues must be numbers, got {eigenvalues!r}"
            ) from err
        if lam.ndim != 1 or lam.size == 0 or not np.all(np.isfinite(lam) & (lam > 0)):
            raise ValueError(
                "Quadratic: eigenvalues must be a non-empty list of positive finite "
                f"numbers, got {eigenvalues!r}"
            )
        if dim is not None and check_dim("Quadratic", dim) != lam.size:
            raise ValueError(f"Quadratic: dim={dim} but {lam.size} eigenvalues given")
        return lam
    d = 2 if dim is None else check_dim("Quadratic", dim)
    k = 10.0 if condition is None else condition
    if isinstance(k, bool) or not isinstance(k, numbers.Real):
        raise TypeError(f"Quadratic: condition must be a real number, got {k!r}")
    if not 1 <= k < np.inf or (d == 1 and k != 1):
        raise ValueError(
            f"Quadratic: condition must be finite, >= 1 (and 1 if dim=1), got {k}"
        )
    return np.geomspace(1.0, float(k), d)


def _rotation(d, rng) -> np.ndarray:
    """A random orthogonal ``(d, d)`` matrix, Haar-distributed (SciPy's ortho_group)."""
    from scipy.stats import ortho_group  # 0.3 s to import: only when rotating

    return ortho_group.rvs(d, random_state=rng).reshape(d, d)
