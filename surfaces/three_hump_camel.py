"""The three-hump camel function: one global and two local minima."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from surfaces._base import Surface
from surfaces._checks import check_fixed_dim


class ThreeHumpCamel(Surface):
    """The three-hump camel function: a sixth-degree polynomial with three basins.

    Along ``x1`` the polynomial ``2 x1^2 - 1.05 x1^4 + x1^6 / 6`` has three
    valleys: the global minimum at the origin and two local minima near
    ``(+-1.75, -+0.87)`` where plain gradient descent can get stuck.

    Formula::

        f(x) = 2 x1^2 - 1.05 x1^4 + x1^6 / 6 + x1 x2 + x2^2

    Parameters
    ----------
    dim : int, default 2
        Accepted so that every surface can be built with ``dim``; must be 2.

    Attributes
    ----------
    bounds : tuple of ndarray
        ``[-5, 5]^2`` [1]_ [2]_.
    minimizers : ndarray
        ``(1, 2)``: the origin.
    minimum : float
        0.
    start : ndarray
        ``(-2, 2)``: no start is customary; ours lies in the basin of the local
        minimum near ``(-1.75, 0.87)``, so descent from it shows the trap.

    References
    ----------
    .. [1] S. Surjanovic, D. Bingham, "Virtual Library of Simulation
       Experiments", https://www.sfu.ca/~ssurjano/camel3.html.
    .. [2] M. Jamil, X.-S. Yang, "A literature survey of benchmark functions for
       global optimization problems", Int. J. Math. Modelling and Numerical
       Optimisation 4(2), 150-194, 2013.

    Examples
    --------
    >>> s = ThreeHumpCamel()
    >>> s.value([[0.0, 0.0], [0.0, 1.0]])
    array([0., 1.])
    >>> s.grad([0.0, 1.0])
    array([1., 2.])
    """

    name = "three_hump_camel"

    def __init__(self, dim: int = 2) -> None:
        super().__init__(
            dim=check_fixed_dim("ThreeHumpCamel", dim, 2),
            bounds=(-5.0, 5.0),
            minimizers=[0.0, 0.0],
            minimum=0.0,
            start=[-2.0, 2.0],
        )

    def value(self, x: ArrayLike) -> NDArray[np.float64]:
        """Three-hump camel's value: a camel-back polynomial in ``x1``, plus a bowl.

        Powers of ``x1`` are products of ``s = x1^2``, not ``**``, so that a
        batch gives bitwise the numbers of one point at a time (see ``Surface``).

        Formula::

            (1) x1, x2 = x[..., 0], x[..., 1]
            (2) s = x1 * x1
            (3) f = 2 * s - 1.05 * s * s + s * s * s / 6 + x1 * x2 + x2 * x2

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
        s = x1 * x1  # (2)
        f = 2 * s - 1.05 * s * s + s * s * s / 6 + x1 * x2 + x2 * x2  # (3)
        return f

    def grad(self, x: ArrayLike) -> NDArray[np.float64]:
        """Three-hump camel's gradient, term by term.

        Formula::

            (1) x1, x2 = x[..., 0], x[..., 1]
            (2) s = x1 * x1
            (3) g1 = 4 * x1 - 4.2 * x1 * s + x1 * s * s + x2
            (4) g2 = x1 + 2 * x2
            (5) g = stack((g1, g2), axis=-1)

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
        s = x1 * x1  # (2)
        g1 = 4 * x1 - 4.2 * x1 * s + x1 * s * s + x2  # (3)
        g2 = x1 + 2 * x2  # (4)
        # g: (*batch, 2)
        g = np.stack((g1, g2), axis=-1)  # (5)
        return g
