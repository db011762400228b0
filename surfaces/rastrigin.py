"""Rastrigin's function: a bowl covered in a regular grid of local minima."""

from __future__ import annotations

from typing import cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from surfaces._base import Surface
from surfaces._checks import check_dim


class Rastrigin(Surface):
    """Rastrigin's function in any dimension ``d >= 1``.

    A paraboloid plus a cosine ripple of amplitude 10: every integer point is
    close to a local minimum, so gradient descent stops in the first dimple it
    reaches, and only the one at the origin is global.

    Formula (domain ``[-5.12, 5.12]^d``)::

        f(x) = 10 d + sum_i (x_i^2 - 10 cos(2 pi x_i))

    Parameters
    ----------
    dim : int, default 2
        Number of coordinates ``d >= 1``.

    Attributes
    ----------
    dim : int
        ``d``.
    bounds : tuple of ndarray
        ``(low, high)``, each ``(d,)``: ``-5.12`` and ``5.12``.
    minimizers : ndarray
        ``(1, d)``: the origin.
    minimum : float
        ``0.0``, exact.
    start : ndarray
        ``(d,)``: ``(-2.0, 3.5, -2.0, 3.5, ...)``, the starting point of the
        optimizer visualizations of the pytorch-optimizer projects (jettify,
        kozistr), repeated to ``d`` coordinates; several dimples away from
        the origin.

    References
    ----------
    .. [1] L. A. Rastrigin, "Systems of extremal control", Nauka, 1974.
    .. [2] S. Surjanovic and D. Bingham, "Virtual Library of Simulation
       Experiments: Test Functions and Datasets", Simon Fraser University,
       https://www.sfu.ca/~ssurjano/rastr.html

    Examples
    --------
    >>> s = Rastrigin(dim=2)
    >>> float(s.value([0.0, 0.0]))
    0.0
    >>> s.value([[0.5, 0.0], [1.0, 1.0]]).round(6)
    array([20.25,  2.  ])
    """

    name = "rastrigin"

    def __init__(self, dim: int = 2) -> None:
        d = check_dim("Rastrigin", dim)
        super().__init__(
            dim=d,
            bounds=(-5.12, 5.12),
            minimizers=np.zeros(d),
            minimum=0.0,
            start=np.resize([-2.0, 3.5], d),
        )

    def value(self, x: ArrayLike) -> NDArray[np.float64]:
        """Rastrigin's value at ``x``.

        The parabola ``x_i^2`` pulls towards the origin while the cosine adds
        a dimple of depth 20 at every integer coordinate.

        Formula::

            (1) f = 10 * d + (x**2 - 10 * cos(2 * pi * x)).sum(axis=-1)

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
        d = self.dim
        f = 10 * d + (x**2 - 10 * np.cos(2 * np.pi * x)).sum(axis=-1)  # (1)
        return cast("NDArray[np.float64]", f)

    def grad(self, x: ArrayLike) -> NDArray[np.float64]:
        """Gradient of Rastrigin's function at ``x``.

        Each coordinate is independent: the parabola's slope ``2 x_i`` plus the
        ripple's slope, which is zero at every integer and half-integer.

        Formula::

            (1) g = 2 * x + 20 * pi * sin(2 * pi * x)

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
        g = 2 * x + 20 * np.pi * np.sin(2 * np.pi * x)  # (1)
        return g
