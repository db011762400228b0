"""Matyas' function: a long, shallow diagonal valley."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from surfaces._base import Surface
from surfaces._checks import check_fixed_dim


class Matyas(Surface):
    """Matyas' function: a quadratic bowl that is nearly flat along a diagonal.

    Its Hessian ``[[0.52, -0.48], [-0.48, 0.52]]`` has eigenvalue 1 across the
    diagonal ``x1 = x2`` and only 0.04 along it (condition number 25), so
    gradient descent crosses the valley fast and then crawls along it.

    Formula::

        f(x) = 0.26 (x1^2 + x2^2) - 0.48 x1 x2

    Parameters
    ----------
    dim : int, default 2
        Accepted so that every surface can be built with ``dim``; must be 2.

    Attributes
    ----------
    bounds : tuple of ndarray
        ``[-10, 10]^2`` [1]_ [2]_.
    minimizers : ndarray
        ``(1, 2)``: the origin.
    minimum : float
        0.
    start : ndarray
        ``(-8, -2)``: no start is customary; ours lies off the valley floor.

    References
    ----------
    .. [1] S. Surjanovic, D. Bingham, "Virtual Library of Simulation
       Experiments", https://www.sfu.ca/~ssurjano/matya.html.
    .. [2] M. Jamil, X.-S. Yang, "A literature survey of benchmark functions for
       global optimization problems", Int. J. Math. Modelling and Numerical
       Optimisation 4(2), 150-194, 2013.

    Examples
    --------
    >>> s = Matyas()
    >>> s.value([[0.0, 0.0], [1.0, 1.0]])
    array([0.  , 0.04])
    >>> s.grad([1.0, 1.0])
    array([0.04, 0.04])
    """

    name = "matyas"

    def __init__(self, dim: int = 2) -> None:
        super().__init__(
            dim=check_fixed_dim("Matyas", dim, 2),
            bounds=(-10.0, 10.0),
            minimizers=[0.0, 0.0],
            minimum=0.0,
            start=[-8.0, -2.0],
        )

    def value(self, x: ArrayLike) -> NDArray[np.float64]:
        """Matyas' value: a positive definite quadratic form.

        Squares are products, not ``**``, so that a batch gives bitwise the
        numbers of one point at a time (see ``Surface``).

        Formula::

            (1) x1, x2 = x[..., 0], x[..., 1]
            (2) f = 0.26 * (x1 * x1 + x2 * x2) - 0.48 * x1 * x2

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
        f = 0.26 * (x1 * x1 + x2 * x2) - 0.48 * x1 * x2  # (2)
        return f

    def grad(self, x: ArrayLike) -> NDArray[np.float64]:
        """Matyas' gradient: the Hessian times ``x``, since ``f`` is quadratic.

        Formula::

            (1) x1, x2 = x[..., 0], x[..., 1]
            (2) g = stack((0.52 * x1 - 0.48 * x2, 0.52 * x2 - 0.48 * x1), axis=-1)

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
        g = np.stack((0.52 * x1 - 0.48 * x2, 0.52 * x2 - 0.48 * x1), axis=-1)  # (2)
        return g
