"""Ackley's function: a nearly flat, rippled plain with one deep funnel."""

from __future__ import annotations

from typing import cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from surfaces._base import Surface
from surfaces._checks import check_dim


class Ackley(Surface):
    """Ackley's function in any dimension ``d >= 1`` (a = 20, b = 0.2, c = 2 pi).

    Far from the origin the surface is an almost flat, rippled plain at
    height 20 to 22.4; near the origin an exponential funnel falls to 0. The funnel's tip is a cone point, where the function is
    continuous but not differentiable.

    Formula (domain ``[-32.768, 32.768]^d``)::

        r(x) = sqrt((1/d) sum_i x_i^2)
        f(x) = -a exp(-b r) - exp((1/d) sum_i cos(c x_i)) + a + e

    Parameters
    ----------
    dim : int, default 2
        Number of coordinates ``d >= 1``.

    Attributes
    ----------
    dim : int
        ``d``.
    a, b, c : float
        Depth of the funnel (20), its decay rate (0.2), ripple frequency (2 pi).
    bounds : tuple of ndarray
        ``(low, high)``, each ``(d,)``: ``-32.768`` and ``32.768``.
    minimizers : ndarray
        ``(1, d)``: the origin.
    minimum : float
        ``0.0``, exact (and computed exactly, see :meth:`value`).
    start : ndarray
        ``(d,)``: ``(-2.0, 3.5, -2.0, 3.5, ...)``, the start used for
        Rastrigin, a few ripples away from the funnel's tip, where the ripples
        hold gradient descent and the funnel still pulls.

    References
    ----------
    .. [1] D. H. Ackley, "A connectionist machine for genetic hillclimbing",
       Kluwer, 1987.
    .. [2] S. Surjanovic and D. Bingham, "Virtual Library of Simulation
       Experiments: Test Functions and Datasets", Simon Fraser University,
       https://www.sfu.ca/~ssurjano/ackley.html

    Examples
    --------
    >>> s = Ackley(dim=2)
    >>> s.grad([0.0, 0.0])
    array([0., 0.])
    >>> round(float(s.value([1.0, 1.0])), 10)  # 20 - 20 exp(-0.2)
    3.6253849384
    """

    name = "ackley"

    def __init__(self, dim: int = 2) -> None:
        d = check_dim("Ackley", dim)
        self.a, self.b, self.c = 20.0, 0.2, 2 * np.pi
        super().__init__(
            dim=d,
            bounds=(-32.768, 32.768),
            minimizers=np.zeros(d),
            minimum=0.0,
            start=np.resize([-2.0, 3.5], d),
        )

    def value(self, x: ArrayLike) -> NDArray[np.float64]:
        """Ackley's value at ``x``.

        The root-mean-square radius ``r`` sets the funnel's depth; the mean of
        the cosines ``m`` sets the ripples. Line (3) is the class formula
        regrouped as ``a (1 - exp(-b r)) + e (1 - exp(m - 1))`` with
        ``expm1(t) = exp(t) - 1``: the same function, but near the minimum it
        keeps full relative precision instead of cancelling ``22.7 - 22.7``,
        and it is exactly 0 at the origin.

        Formula::

            (1) r = sqrt((x**2).mean(axis=-1))
            (2) m = cos(c * x).mean(axis=-1)
            (3) f = -a * expm1(-b * r) - e * expm1(m - 1)

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
        r = np.sqrt((x**2).mean(axis=-1))  # (1)
        m = np.cos(self.c * x).mean(axis=-1)  # (2)
        f = -self.a * np.expm1(-self.b * r) - np.e * np.expm1(m - 1)  # (3)
        return cast("NDArray[np.float64]", f)

    def grad(self, x: ArrayLike) -> NDArray[np.float64]:
        """Gradient of Ackley's function at ``x``.

        The funnel pulls along ``u = x / r`` (so ``dr/dx = u / d``), the
        ripples coordinate by coordinate. At ``x = 0``, ``x / r`` is 0/0:
        line (3) divides by 1 instead there, which gives ``u = x = 0``, the
        subgradient that makes the origin stationary, with no division by
        zero and no warning.

        Formula::

            (1) r = sqrt((x**2).mean(axis=-1, keepdims=True))
            (2) m = cos(c * x).mean(axis=-1, keepdims=True)
            (3) u = x / where(r > 0, r, 1)
            (4) g_funnel = a * b * exp(-b * r) * u / d
            (5) g_ripple = c * exp(m) * sin(c * x) / d
            (6) g = g_funnel + g_ripple

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
        d = self.dim
        # (*batch, 1): one radius and one mean cosine per point
        r = np.sqrt((x**2).mean(axis=-1, keepdims=True))  # (1)
        m = np.cos(self.c * x).mean(axis=-1, keepdims=True)  # (2)
        u = x / np.where(r > 0, r, 1)  # (3)
        g_funnel = self.a * self.b * np.exp(-self.b * r) * u / d  # (4)
        g_ripple = self.c * np.exp(m) * np.sin(self.c * x) / d  # (5)
        g = g_funnel + g_ripple  # (6)
        return cast("NDArray[np.float64]", g)
