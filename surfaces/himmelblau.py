"""Himmelblau's function: four global minima of equal depth."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from surfaces._base import Surface
from surfaces._checks import check_fixed_dim


class Himmelblau(Surface):
    """Himmelblau's function: two squared residuals with four common zeros.

    From Himmelblau's book [1]_: each of its four basins holds a global
    minimum of value 0, so which one an optimizer finds depends only on where
    it starts, a small picture of why non-convex training is sensitive to
    initialization.

    Formula::

        f(x) = (x1^2 + x2 - 11)^2 + (x1 + x2^2 - 7)^2

    Parameters
    ----------
    dim : int, default 2
        Accepted so that every surface can be built with ``dim``; must be 2.

    Attributes
    ----------
    bounds : tuple of ndarray
        ``[-5, 5]^2`` [2]_.
    minimizers : ndarray
        ``(4, 2)``: ``(3, 2)`` and three points that [2]_ gives to six
        decimals, ``(-2.805118, 3.131312)``, ``(-3.779310, -3.283186)`` and
        ``(3.584428, -1.848126)``; here to full double precision, as the roots
        of ``x1^2 + x2 = 11``, ``x1 + x2^2 = 7`` found with mpmath at 40
        digits and rounded. They agree with [2]_ to one unit in the sixth
        decimal ([2]_ truncates two of its values instead of rounding).
    minimum : float
        0.
    start : ndarray
        ``(0, 0)``: no start is customary; the origin lies between the basins.

    References
    ----------
    .. [1] D. M. Himmelblau, "Applied Nonlinear Programming", McGraw-Hill, 1972.
    .. [2] "Himmelblau's function", Wikipedia,
       https://en.wikipedia.org/wiki/Himmelblau%27s_function.

    Examples
    --------
    >>> s = Himmelblau()
    >>> s.value([[3.0, 2.0], [0.0, 0.0]])
    array([  0., 170.])
    >>> s.grad([0.0, 0.0])
    array([-14., -22.])
    """

    name = "himmelblau"

    def __init__(self, dim: int = 2) -> None:
        super().__init__(
            dim=check_fixed_dim("Himmelblau", dim, 2),
            bounds=(-5.0, 5.0),
            minimizers=[
                [3.0, 2.0],
                [-2.805118086952745, 3.131312518250573],
                [-3.779310253377747, -3.2831859912861696],
                [3.5844283403304917, -1.8481265269644036],
            ],
            minimum=0.0,
            start=[0.0, 0.0],
        )

    def value(self, x: ArrayLike) -> NDArray[np.float64]:
        """Himmelblau's value: the sum of the two squared residuals.

        Squares are products, not ``**``, so that a batch gives bitwise the
        numbers of one point at a time (see ``Surface``).

        Formula::

            (1) x1, x2 = x[..., 0], x[..., 1]
            (2) u1 = x1 * x1 + x2 - 11
            (3) u2 = x1 + x2 * x2 - 7
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
        u1 = x1 * x1 + x2 - 11  # (2)
        u2 = x1 + x2 * x2 - 7  # (3)
        f = u1 * u1 + u2 * u2  # (4)
        return f

    def grad(self, x: ArrayLike) -> NDArray[np.float64]:
        """Himmelblau's gradient: ``2 u1 (2 x1, 1) + 2 u2 (1, 2 x2)``.

        Formula::

            (1) x1, x2 = x[..., 0], x[..., 1]
            (2) u1 = x1 * x1 + x2 - 11
            (3) u2 = x1 + x2 * x2 - 7
            (4) g = stack((4 * x1 * u1 + 2 * u2, 2 * u1 + 4 * x2 * u2), axis=-1)

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
        u1 = x1 * x1 + x2 - 11  # (2)
        u2 = x1 + x2 * x2 - 7  # (3)
        g = np.stack((4 * x1 * u1 + 2 * u2, 2 * u1 + 4 * x2 * u2), axis=-1)  # (4)
        return g
