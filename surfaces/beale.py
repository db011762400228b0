"""Beale's function: flat plateaus and sharp ridges around one minimum."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from surfaces._base import Surface
from surfaces._checks import check_fixed_dim


class Beale(Surface):
    """Beale's function: a sum of three squared residuals in two variables.

    Near ``x2 = 0`` and along ``x1 = 0`` it is almost flat, while the powers
    of ``x2`` make it rise steeply towards the corners of the domain: steps
    that are safe on the plateau overshoot on the walls.

    Formula::

        f(x) = (1.5 - x1 + x1 x2)^2 + (2.25 - x1 + x1 x2^2)^2
               + (2.625 - x1 + x1 x2^3)^2

    Parameters
    ----------
    dim : int, default 2
        Accepted so that every surface can be built with ``dim``; must be 2.

    Attributes
    ----------
    bounds : tuple of ndarray
        ``[-4.5, 4.5]^2`` [2]_ [3]_.
    minimizers : ndarray
        ``(1, 2)``: ``(3, 0.5)``, where all three residuals are exactly 0.
    minimum : float
        0.
    start : ndarray
        ``(1, 1)``, the start of [1]_ (problem 5).

    References
    ----------
    .. [1] J. J. More, B. S. Garbow, K. E. Hillstrom, "Testing unconstrained
       optimization software", ACM Trans. Math. Software 7(1), 17-41, 1981.
    .. [2] S. Surjanovic, D. Bingham, "Virtual Library of Simulation
       Experiments", https://www.sfu.ca/~ssurjano/beale.html.
    .. [3] M. Jamil, X.-S. Yang, "A literature survey of benchmark functions for
       global optimization problems", Int. J. Math. Modelling and Numerical
       Optimisation 4(2), 150-194, 2013.

    Examples
    --------
    >>> s = Beale()
    >>> s.value([[3.0, 0.5], [0.0, 0.0]])
    array([ 0.      , 14.203125])
    >>> s.grad([1.0, 1.0])
    array([ 0.  , 27.75])
    """

    name = "beale"

    def __init__(self, dim: int = 2) -> None:
        super().__init__(
            dim=check_fixed_dim("Beale", dim, 2),
            bounds=(-4.5, 4.5),
            minimizers=[3.0, 0.5],
            minimum=0.0,
            start=[1.0, 1.0],
        )

    def value(self, x: ArrayLike) -> NDArray[np.float64]:
        """Beale's value: the residuals ``u_k = c_k - x1 (1 - x2^k)``, squared.

        Powers are products, not ``**``, so that a batch gives bitwise the
        numbers of one point at a time (see ``Surface``).

        Formula::

            (1) x1, x2 = x[..., 0], x[..., 1]
            (2) y2, y3 = x2 * x2, x2 * x2 * x2
            (3) u1 = 1.5 - x1 + x1 * x2
            (4) u2 = 2.25 - x1 + x1 * y2
            (5) u3 = 2.625 - x1 + x1 * y3
            (6) f = u1 * u1 + u2 * u2 + u3 * u3

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
        # x1, x2: (*batch,) each
        x1, x2 = x[..., 0], x[..., 1]  # (1)
        y2, y3 = x2 * x2, x2 * x2 * x2  # (2)
        u1 = 1.5 - x1 + x1 * x2  # (3)
        u2 = 2.25 - x1 + x1 * y2  # (4)
        u3 = 2.625 - x1 + x1 * y3  # (5)
        f = u1 * u1 + u2 * u2 + u3 * u3  # (6)
        return f

    def grad(self, x: ArrayLike) -> NDArray[np.float64]:
        """Beale's gradient: ``2 sum_k u_k grad(u_k)``, by the chain rule.

        Formula::

            (1) x1, x2 = x[..., 0], x[..., 1]
            (2) y2, y3 = x2 * x2, x2 * x2 * x2
            (3) u1 = 1.5 - x1 + x1 * x2
            (4) u2 = 2.25 - x1 + x1 * y2
            (5) u3 = 2.625 - x1 + x1 * y3
            (6) g1 = 2 * (u1 * (x2 - 1) + u2 * (y2 - 1) + u3 * (y3 - 1))
            (7) g2 = 2 * x1 * (u1 + 2 * u2 * x2 + 3 * u3 * y2)
            (8) g = stack((g1, g2), axis=-1)

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
        x1, x2 = x[..., 0], x[..., 1]  # (1)
        y2, y3 = x2 * x2, x2 * x2 * x2  # (2)
        u1 = 1.5 - x1 + x1 * x2  # (3)
        u2 = 2.25 - x1 + x1 * y2  # (4)
        u3 = 2.625 - x1 + x1 * y3  # (5)
        g1 = 2 * (u1 * (x2 - 1) + u2 * (y2 - 1) + u3 * (y3 - 1))  # (6)
        g2 = 2 * x1 * (u1 + 2 * u2 * x2 + 3 * u3 * y2)  # (7)
        # g: (*batch, 2)
        g = np.stack((g1, g2), axis=-1)  # (8)
        return g
