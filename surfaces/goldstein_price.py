"""The Goldstein-Price function: an octic with values from 3 to a million."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from surfaces._base import Surface
from surfaces._checks import check_fixed_dim


class GoldsteinPrice(Surface):
    """The Goldstein-Price function, two-dimensional.

    A product of two positive quartics, one in ``x1 + x2`` and one in
    ``2 x1 - 3 x2``: four local minima (values 3, 30, 84 and 840) and values
    up to about 1e6 on the domain, so a step size that suits the floor
    overshoots on the walls.

    Formula (domain ``[-2, 2]^2``)::

        p(x) = 1 + (x1 + x2 + 1)^2 (19 - 14 x1 + 3 x1^2 - 14 x2 + 6 x1 x2 + 3 x2^2)
        q(x) = 30 + (2 x1 - 3 x2)^2 (18 - 32 x1 + 12 x1^2 + 48 x2 - 36 x1 x2 + 27 x2^2)
        f(x) = p(x) q(x)

    Parameters
    ----------
    dim : int, default 2
        Accepted so that every surface can be built with ``dim``; must be 2.

    Attributes
    ----------
    dim : int
        2.
    bounds : tuple of ndarray
        ``(low, high)``: ``(-2, -2)`` and ``(2, 2)``.
    minimizers : ndarray
        ``(1, 2)``: ``(0, -1)``, exact (there ``x1 + x2 + 1 = 0``, so
        ``p = 1``, and ``q = 30 + 9 (18 - 48 + 27) = 3``).
    minimum : float
        ``3.0``, exact.
    start : ndarray
        ``(2,)``: ``(-1.0, -1.5)``, on a steep wall (f = 1595.4, gradient
        about 1e4), from which gradient descent with small steps reaches the
        global minimizer; from ``(-1.0, 0.5)`` it would stop at the local
        minimum 30 at ``(-0.6, -0.4)``.

    References
    ----------
    .. [1] A. A. Goldstein and J. F. Price, "On descent from local minima",
       Mathematics of Computation 25(115), 569-574, 1971.
    .. [2] S. Surjanovic and D. Bingham, "Virtual Library of Simulation
       Experiments: Test Functions and Datasets", Simon Fraser University,
       https://www.sfu.ca/~ssurjano/goldpr.html

    Examples
    --------
    >>> s = GoldsteinPrice()
    >>> float(s.value([0.0, -1.0]))
    3.0
    >>> float(s.value([1.0, 1.0]))  # (1 + 9 * 3) * (30 + 1 * 37)
    1876.0
    """

    name = "goldstein_price"

    def __init__(self, dim: int = 2) -> None:
        super().__init__(
            dim=check_fixed_dim("GoldsteinPrice", dim, 2),
            bounds=(-2.0, 2.0),
            minimizers=[0.0, -1.0],
            minimum=3.0,
            start=[-1.0, -1.5],
        )

    def value(self, x: ArrayLike) -> NDArray[np.float64]:
        """Goldstein-Price value at ``x``.

        Each factor is 1 or 30 plus a square times a quadratic; the squares
        vanish on the lines ``x1 + x2 = -1`` and ``2 x1 = 3 x2``.

        Formula::

            (1) x1, x2 = x[..., :1], x[..., 1:]
            (2) u, s = x1 + x2 + 1, 2 * x1 - 3 * x2
            (3) v = 19 - 14 * x1 + 3 * x1**2 - 14 * x2 + 6 * x1 * x2 + 3 * x2**2
            (4) w = 18 - 32 * x1 + 12 * x1**2 + 48 * x2 - 36 * x1 * x2 + 27 * x2**2
            (5) f = (1 + u**2 * v) * (30 + s**2 * w)

        Parameters
        ----------
        x : array_like
            ``(*batch, 2)`` points.

        Returns
        -------
        ndarray
            ``(*batch,)`` values.
        """
        x = self._check(x)
        # (*batch, 1) each: slices keep arrays even for a single point, where
        # x[..., 0] would give NumPy scalars, whose ** rounds differently.
        x1, x2 = x[..., :1], x[..., 1:]  # (1)
        u, s = x1 + x2 + 1, 2 * x1 - 3 * x2  # (2)
        v = 19 - 14 * x1 + 3 * x1**2 - 14 * x2 + 6 * x1 * x2 + 3 * x2**2  # (3)
        w = 18 - 32 * x1 + 12 * x1**2 + 48 * x2 - 36 * x1 * x2 + 27 * x2**2  # (4)
        f = (1 + u**2 * v) * (30 + s**2 * w)  # (5)
        return f[..., 0]  # (*batch, 1) -> (*batch,)

    def grad(self, x: ArrayLike) -> NDArray[np.float64]:
        """Gradient of the Goldstein-Price function at ``x``.

        The product rule on ``f = p q``. Because ``dv/dx1 = dv/dx2`` and
        ``du/dx1 = du/dx2 = 1``, ``p`` has the same slope ``dp`` in both
        coordinates.

        Formula::

            (1) x1, x2 = x[..., :1], x[..., 1:]
            (2) u, s = x1 + x2 + 1, 2 * x1 - 3 * x2
            (3) v = 19 - 14 * x1 + 3 * x1**2 - 14 * x2 + 6 * x1 * x2 + 3 * x2**2
            (4) w = 18 - 32 * x1 + 12 * x1**2 + 48 * x2 - 36 * x1 * x2 + 27 * x2**2
            (5) p, q = 1 + u**2 * v, 30 + s**2 * w
            (6) dp = 2 * u * v + u**2 * (-14 + 6 * x1 + 6 * x2)
            (7) dq1 = 4 * s * w + s**2 * (-32 + 24 * x1 - 36 * x2)
            (8) dq2 = -6 * s * w + s**2 * (48 - 36 * x1 + 54 * x2)
            (9) g = concatenate([dp * q + p * dq1, dp * q + p * dq2], axis=-1)

        Parameters
        ----------
        x : array_like
            ``(*batch, 2)`` points.

        Returns
        -------
        ndarray
            ``(*batch, 2)`` gradients.
        """
        x = self._check(x)
        # (*batch, 1) each, slices as in value
        x1, x2 = x[..., :1], x[..., 1:]  # (1)
        u, s = x1 + x2 + 1, 2 * x1 - 3 * x2  # (2)
        v = 19 - 14 * x1 + 3 * x1**2 - 14 * x2 + 6 * x1 * x2 + 3 * x2**2  # (3)
        w = 18 - 32 * x1 + 12 * x1**2 + 48 * x2 - 36 * x1 * x2 + 27 * x2**2  # (4)
        p, q = 1 + u**2 * v, 30 + s**2 * w  # (5)
        dp = 2 * u * v + u**2 * (-14 + 6 * x1 + 6 * x2)  # (6)
        dq1 = 4 * s * w + s**2 * (-32 + 24 * x1 - 36 * x2)  # (7)
        dq2 = -6 * s * w + s**2 * (48 - 36 * x1 + 54 * x2)  # (8)
        g = np.concatenate([dp * q + p * dq1, dp * q + p * dq2], axis=-1)  # (9)
        return g
