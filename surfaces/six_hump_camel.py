"""The six-hump camel function: six local minima, two of them global."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from surfaces._base import Surface
from surfaces._checks import check_fixed_dim


class SixHumpCamel(Surface):
    """The six-hump camel(back) function, two-dimensional.

    A sextic in ``x1`` plus a quartic in ``x2``, coupled by ``x1 x2``: six
    valleys, symmetric under ``x -> -x``, the two deepest mirror images of
    each other, and a saddle at the origin between them.

    Formula (domain ``[-3, 3] x [-2, 2]``)::

        f(x) = (4 - 2.1 x1^2 + x1^4 / 3) x1^2 + x1 x2 + (-4 + 4 x2^2) x2^2

    Parameters
    ----------
    dim : int, default 2
        Accepted so that every surface can be built with ``dim``; must be 2.

    Attributes
    ----------
    dim : int
        2.
    bounds : tuple of ndarray
        ``(low, high)``: ``(-3, -2)`` and ``(3, 2)``.
    minimizers : ndarray
        ``(2, 2)``: ``+-(0.08984201368301331, -0.7126564032704135)``
        (Gavana [3]; these digits come from a numerical search and are
        accurate to about 6e-10; Surjanovic & Bingham print
        ``+-(0.0898, -0.7126)``).
    minimum : float
        ``-1.031628453489877`` (Gavana [3]; Surjanovic & Bingham: -1.0316).
    start : ndarray
        ``(2,)``: ``(1.0, 1.0)``, on the slope above the saddle at the
        origin; gradient descent from here crosses ``x1 = 0`` and ends in
        the global minimizer ``(-0.0898, 0.7127)``.

    References
    ----------
    .. [1] L. C. W. Dixon and G. P. Szego, "The global optimization problem:
       an introduction", in Towards Global Optimization 2, North-Holland,
       1978.
    .. [2] S. Surjanovic and D. Bingham, "Virtual Library of Simulation
       Experiments: Test Functions and Datasets", Simon Fraser University,
       https://www.sfu.ca/~ssurjano/camel6.html
    .. [3] A. Gavana, "Global Optimization Benchmarks and AMPGO",
       http://infinity77.net/global_optimization/ (class ``SixHumpCamel``,
       also in SciPy's ``benchmarks/go_benchmark_functions/go_funcs_S.py``).
    .. [4] M. Jamil and X.-S. Yang, "A literature survey of benchmark
       functions for global optimization problems", Int. J. Math. Model.
       Numer. Optim. 4(2), 150-194, 2013.

    Examples
    --------
    >>> s = SixHumpCamel()
    >>> round(float(s.value([1.0, 1.0])), 12)  # 4 - 2.1 + 1/3 + 1 + 0
    3.233333333333
    >>> s.grad([1.0, 1.0]).round(12)
    array([2.6, 9. ])
    """

    name = "six_hump_camel"

    def __init__(self, dim: int = 2) -> None:
        x_star = np.array([0.08984201368301331, -0.7126564032704135])
        super().__init__(
            dim=check_fixed_dim("SixHumpCamel", dim, 2),
            bounds=([-3.0, -2.0], [3.0, 2.0]),
            minimizers=[x_star, -x_star],
            minimum=-1.031628453489877,
            start=[1.0, 1.0],
        )

    def value(self, x: ArrayLike) -> NDArray[np.float64]:
        """Six-hump camel value at ``x``.

        The ``x1`` part has three wells, the ``x2`` part two; the coupling
        ``x1 x2`` tilts them so that only a mirror pair is deepest.

        Formula::

            (1) x1, x2 = x[..., :1], x[..., 1:]
            (2) f_x1 = (4 - 2.1 * x1**2 + x1**4 / 3) * x1**2
            (3) f_x2 = (-4 + 4 * x2**2) * x2**2
            (4) f = f_x1 + x1 * x2 + f_x2

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
        f_x1 = (4 - 2.1 * x1**2 + x1**4 / 3) * x1**2  # (2)
        f_x2 = (-4 + 4 * x2**2) * x2**2  # (3)
        f = f_x1 + x1 * x2 + f_x2  # (4)
        return f[..., 0]  # (*batch, 1) -> (*batch,)

    def grad(self, x: ArrayLike) -> NDArray[np.float64]:
        """Gradient of the six-hump camel function at ``x``.

        Term by term derivatives of the expanded polynomial
        ``4 x1^2 - 2.1 x1^4 + x1^6 / 3 + x1 x2 - 4 x2^2 + 4 x2^4``.

        Formula::

            (1) x1, x2 = x[..., :1], x[..., 1:]
            (2) g1 = 8 * x1 - 8.4 * x1**3 + 2 * x1**5 + x2
            (3) g2 = x1 - 8 * x2 + 16 * x2**3
            (4) g = concatenate([g1, g2], axis=-1)

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
        g1 = 8 * x1 - 8.4 * x1**3 + 2 * x1**5 + x2  # (2)
        g2 = x1 - 8 * x2 + 16 * x2**3  # (3)
        g = np.concatenate([g1, g2], axis=-1)  # (4)
        return g
