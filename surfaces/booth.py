"""Booth's function: a tilted quadratic bowl."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from surfaces._base import Surface
from surfaces._checks import check_fixed_dim


class Booth(Surface):
    """Booth's function: two squared linear residuals, so a quadratic bowl.

    Its level sets are ellipses tilted by 45 degrees, with Hessian
    ``[[10, 8], [8, 10]]`` (eigenvalues 18 and 2, condition number 9): a mildly
    ill-conditioned bowl whose axes are not the coordinate axes.

    Formula::

        f(x) = (x1 + 2 x2 - 7)^2 + (2 x1 + x2 - 5)^2

    Parameters
    ----------
    dim : int, default 2
        Accepted so that every surface can be built with ``dim``; must be 2.

    Attributes
    ----------
    bounds : tuple of ndarray
        ``[-10, 10]^2`` [1]_ [2]_.
    minimizers : ndarray
        ``(1, 2)``: ``(1, 3)``, where both residuals vanish.
    minimum : float
        0.
    start : ndarray
        ``(0, 0)``: no start is customary; the origin is our convention.

    References
    ----------
    .. [1] S. Surjanovic, D. Bingham, "Virtual Library of Simulation
       Experiments", https://www.sfu.ca/~ssurjano/booth.html.
    .. [2] M. Jamil, X.-S. Yang, "A literature survey of benchmark functions for
       global optimization problems", Int. J. Math. Modelling and Numerical
       Optimisation 4(2), 150-194, 2013.

    Examples
    --------
    >>> s = Booth()
    >>> s.value([[1.0, 3.0], [0.0, 0.0]])
    array([ 0., 74.])
    >>> s.grad([0.0, 0.0])
    array([-34., -38.])
    """

    name = "booth"

    def __init__(self, dim: int = 2) -> None:
        super().__init__(
            dim=check_fixed_dim("Booth", dim, 2),
            bounds=(-10.0, 10.0),
            minimizers=[1.0, 3.0],
            minimum=0.0,
            start=[0.0, 0.0],
        )

    def value(self, x: ArrayLike) -> NDArray[np.float64]:
        """Booth's value: the sum of the two squared residuals.

        Squares are products, not ``**``, so that a batch gives bitwise the
        numbers of one point at a time (see ``Surface``).

        Formula::

            (1) x1, x2 = x[..., 0], x[..., 1]
            (2) u1 = x1 + 2 * x2 - 7
            (3) u2 = 2 * x1 + x2 - 5
            (4) f = u1 * u1 + u2 * u2

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
        u1 = x1 + 2 * x2 - 7  # (2)
        u2 = 2 * x1 + x2 - 5  # (3)
        f = u1 * u1 + u2 * u2  # (4)
        return f

    def grad(self, x: ArrayLike) -> NDArray[np.float64]:
        """Booth's gradient: ``2 u1 (1, 2) + 2 u2 (2, 1)``.

        Formula::

            (1) x1, x2 = x[..., 0], x[..., 1]
            (2) u1 = x1 + 2 * x2 - 7
            (3) u2 = 2 * x1 + x2 - 5
            (4) g = stack((2 * u1 + 4 * u2, 4 * u1 + 2 * u2), axis=-1)

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
        u1 = x1 + 2 * x2 - 7  # (2)
        u2 = 2 * x1 + x2 - 5  # (3)
        # g: (*batch, 2)
        g = np.stack((2 * u1 + 4 * u2, 4 * u1 + 2 * u2), axis=-1)  # (4)
        return g
