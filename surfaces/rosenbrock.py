"""Rosenbrock's banana-shaped valley, in any dimension d >= 2."""

from __future__ import annotations

from typing import cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from surfaces._base import Surface
from surfaces._checks import check_dim


class Rosenbrock(Surface):
    """Rosenbrock's function: a long, curved, nearly flat valley.

    Rosenbrock's test problem [1]_: finding the valley is easy; following its
    parabolic bend to the minimum at ``(1, ..., 1)`` is hard, because the
    curvature across the valley is about 2500 times the curvature along it
    (the Hessian's condition number at the minimum in 2-D).

    Formula (the chained form; [2]_'s "extended" form sums disjoint pairs)::

        f(x) = sum_{i=1}^{d-1} 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2

    Parameters
    ----------
    dim : int, default 2
        Number of coordinates ``d >= 2``.

    Attributes
    ----------
    bounds : tuple of ndarray
        ``[-2.048, 2.048]^d``, De Jong's domain (see [3]_).
    minimizers : ndarray
        ``(1, d)``: ``(1, ..., 1)``, the only global minimizer. For
        ``4 <= d <= 7`` there is also a local one near ``(-1, 1, ..., 1)`` [4]_.
    minimum : float
        0.
    start : ndarray
        ``(d,)``: ``(-1.2, 1, -1.2, 1, ...)``, the start of [2]_ (problems 1, 21).

    References
    ----------
    .. [1] H. H. Rosenbrock, "An automatic method for finding the greatest or
       least value of a function", The Computer Journal 3(3), 175-184, 1960.
    .. [2] J. J. More, B. S. Garbow, K. E. Hillstrom, "Testing unconstrained
       optimization software", ACM Trans. Math. Software 7(1), 17-41, 1981.
    .. [3] S. Surjanovic, D. Bingham, "Virtual Library of Simulation
       Experiments", https://www.sfu.ca/~ssurjano/rosen.html.
    .. [4] S. Kok, C. Sandrock, "Locating and characterizing the stationary
       points of the extended Rosenbrock function", Evolutionary Computation
       17(3), 437-453, 2009.

    Examples
    --------
    >>> s = Rosenbrock()
    >>> s.value([[1.0, 1.0], [0.0, 0.0]])
    array([0., 1.])
    >>> s.grad([0.0, 0.0])
    array([-2.,  0.])
    """

    name = "rosenbrock"

    def __init__(self, dim: int = 2) -> None:
        d = check_dim("Rosenbrock", dim, min_dim=2)
        super().__init__(
            dim=d,
            bounds=(-2.048, 2.048),
            minimizers=np.ones(d),
            minimum=0.0,
            start=np.resize([-1.2, 1.0], d),  # (-1.2, 1, -1.2, ...)
        )

    def value(self, x: ArrayLike) -> NDArray[np.float64]:
        """Rosenbrock's value: the squared residuals of every adjacent pair.

        ``a`` holds ``x_1 .. x_{d-1}``; ``r`` is how far each next
        coordinate is from the valley floor ``x_{i+1} = x_i^2``.

        Formula::

            (1) a = x[..., :-1]
            (2) r = x[..., 1:] - a * a
            (3) s = 1.0 - a
            (4) f = (100.0 * r * r + s * s).sum(axis=-1)

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
        # a: (*batch, d-1)
        a = x[..., :-1]  # (1)
        r = x[..., 1:] - a * a  # (2)
        s = 1.0 - a  # (3)
        f = (100.0 * r * r + s * s).sum(axis=-1)  # (4)
        return cast("NDArray[np.float64]", f)

    def grad(self, x: ArrayLike) -> NDArray[np.float64]:
        """Rosenbrock's gradient: each coordinate is in up to two terms.

        As ``x_i`` in term ``i`` it gets ``-400 x_i r_i - 2 (1 - x_i)``, and
        as ``x_{i+1}`` in term ``i`` it gets ``t_i = 200 r_i``: line (6)
        fills the first kind, line (7) adds the second, shifted by one.

        Formula::

            (1) a = x[..., :-1]
            (2) r = x[..., 1:] - a * a
            (3) s = 1.0 - a
            (4) t = 200.0 * r
            (5) g = zeros(x.shape)
            (6) g[..., :-1] = -2.0 * (a * t + s)
            (7) g[..., 1:] = g[..., 1:] + t

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
        a = x[..., :-1]  # (1)
        r = x[..., 1:] - a * a  # (2)
        s = 1.0 - a  # (3)
        t = 200.0 * r  # (4)
        # np.zeros(shape) is cheaper than np.zeros_like on tiny arrays
        g = np.zeros(x.shape)  # (5)
        g[..., :-1] = -2.0 * (a * t + s)  # (6)
        # out of place: faster than += on a shifted view
        g[..., 1:] = g[..., 1:] + t  # (7)
        return g

    def value_and_grad(
        self, x: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Value ``(*batch,)`` and gradient ``(*batch, d)`` in one pass.

        The lines of :meth:`value` and :meth:`grad`, sharing ``a, r, s``:
        this is the optimizers' hot path, so it makes as few NumPy calls as
        it can (each costs about half a microsecond on a tiny array).
        """
        x = self._check(x)
        a = x[..., :-1]
        r = x[..., 1:] - a * a
        s = 1.0 - a
        t = 200.0 * r
        f = (100.0 * r * r + s * s).sum(axis=-1)
        g = np.zeros(x.shape)
        g[..., :-1] = -2.0 * (a * t + s)
        g[..., 1:] = g[..., 1:] + t
        return f, g
