"""The Branin(-Hoo) function: a curved valley with three equal minima."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from surfaces._base import Surface
from surfaces._checks import check_fixed_dim


class Branin(Surface):
    """The Branin(-Hoo) function, two-dimensional, with its standard parameters.

    A parabolic valley ``x2 = b x1^2 - c x1 + r`` whose floor is modulated by
    ``cos(x1)``: the floor dips to the same depth wherever ``cos(x1) = -1``
    on the domain, at ``x1 = -pi, pi, 3 pi``. The standard benchmark of
    Bayesian optimization.

    Formula (domain ``[-5, 10] x [0, 15]``)::

        f(x) = a (x2 - b x1^2 + c x1 - r)^2 + s (1 - t) cos(x1) + s

    with ``a = 1, b = 5.1 / (4 pi^2), c = 5 / pi, r = 6, s = 10, t = 1 / (8 pi)``.

    Parameters
    ----------
    dim : int, default 2
        Accepted so that every surface can be built with ``dim``; must be 2.

    Attributes
    ----------
    dim : int
        2.
    a, b, c, r, s, t : float
        The standard parameters above.
    bounds : tuple of ndarray
        ``(low, high)``: ``(-5, 0)`` and ``(10, 15)``.
    minimizers : ndarray
        ``(3, 2)``: ``(-pi, 12.275), (pi, 2.275), (3 pi, 2.475)``, exact: the
        square vanishes (``x2 = b x1^2 - c x1 + r``) and ``cos(x1) = -1``.
        Surjanovic & Bingham print the third as ``(9.42478, 2.475)``.
    minimum : float
        ``s t = 5 / (4 pi) = 0.39788735772973816``, exact (Gavana: the same
        digits; Surjanovic & Bingham: 0.397887).
    start : ndarray
        ``(2,)``: ``(2.5, 7.5)``, the centre of the domain, from which
        gradient descent reaches the minimizer ``(pi, 2.275)``.

    References
    ----------
    .. [1] F. H. Branin, "Widely convergent method for finding multiple
       solutions of simultaneous nonlinear equations", IBM Journal of
       Research and Development 16(5), 504-522, 1972.
    .. [2] L. C. W. Dixon and G. P. Szego, "The global optimization problem:
       an introduction", in Towards Global Optimization 2, North-Holland,
       1978.
    .. [3] S. Surjanovic and D. Bingham, "Virtual Library of Simulation
       Experiments: Test Functions and Datasets", Simon Fraser University,
       https://www.sfu.ca/~ssurjano/branin.html
    .. [4] A. Gavana, "Global Optimization Benchmarks and AMPGO",
       http://infinity77.net/global_optimization/ (class ``Branin01``).

    Examples
    --------
    >>> s = Branin()
    >>> round(float(s.value([np.pi, 2.275])), 12)  # 5 / (4 pi)
    0.39788735773
    >>> s.grad([0.0, 6.0]).round(12)  # the square vanishes, and sin(0) = 0
    array([0., 0.])
    """

    name = "branin"

    def __init__(self, dim: int = 2) -> None:
        self.a, self.b, self.c = 1.0, 5.1 / (4 * np.pi**2), 5 / np.pi
        self.r, self.s, self.t = 6.0, 10.0, 1 / (8 * np.pi)
        super().__init__(
            dim=check_fixed_dim("Branin", dim, 2),
            bounds=([-5.0, 0.0], [10.0, 15.0]),
            minimizers=[[-np.pi, 12.275], [np.pi, 2.275], [3 * np.pi, 2.475]],
            minimum=5 / (4 * np.pi),
            start=[2.5, 7.5],
        )

    def value(self, x: ArrayLike) -> NDArray[np.float64]:
        """Branin's value at ``x``.

        ``h`` is the signed height above the valley's floor curve.

        Formula::

            (1) x1, x2 = x[..., :1], x[..., 1:]
            (2) h = x2 - b * x1**2 + c * x1 - r
            (3) f = a * h**2 + s * (1 - t) * cos(x1) + s

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
        a, b, c, r, s, t = self.a, self.b, self.c, self.r, self.s, self.t
        # (*batch, 1) each: slices keep arrays even for a single point, where
        # x[..., 0] would give NumPy scalars, whose ** rounds differently.
        x1, x2 = x[..., :1], x[..., 1:]  # (1)
        h = x2 - b * x1**2 + c * x1 - r  # (2)
        f = a * h**2 + s * (1 - t) * np.cos(x1) + s  # (3)
        return f[..., 0]  # (*batch, 1) -> (*batch,)

    def grad(self, x: ArrayLike) -> NDArray[np.float64]:
        """Gradient of Branin's function at ``x``.

        The chain rule through ``h``, whose slope is ``(-2 b x1 + c, 1)``.

        Formula::

            (1) x1, x2 = x[..., :1], x[..., 1:]
            (2) h = x2 - b * x1**2 + c * x1 - r
            (3) g1 = 2 * a * h * (-2 * b * x1 + c) - s * (1 - t) * sin(x1)
            (4) g2 = 2 * a * h
            (5) g = concatenate([g1, g2], axis=-1)

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
        a, b, c, r, s, t = self.a, self.b, self.c, self.r, self.s, self.t
        # (*batch, 1) each, slices as in value
        x1, x2 = x[..., :1], x[..., 1:]  # (1)
        h = x2 - b * x1**2 + c * x1 - r  # (2)
        g1 = 2 * a * h * (-2 * b * x1 + c) - s * (1 - t) * np.sin(x1)  # (3)
        g2 = 2 * a * h  # (4)
        g = np.concatenate([g1, g2], axis=-1)  # (5)
        return g
