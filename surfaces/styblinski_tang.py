"""The Styblinski-Tang function: a separable quartic with 2^d local minima."""

from __future__ import annotations

from typing import cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from surfaces._base import Surface
from surfaces._checks import check_dim

# The minimizing coordinate: the negative root of g'(x) = 4 x^3 - 32 x + 5 = 0,
# to full double precision (Newton's method in 40-digit arithmetic gives
# -2.90353402777117709511...). Surjanovic & Bingham print -2.903534; Gavana's
# -2.903534018185960 is correct to 8 digits only.
ROOT = -2.903534027771177


class StyblinskiTang(Surface):
    """The Styblinski-Tang function in any dimension ``d >= 1``.

    A sum of one quartic double well per coordinate: each well has a shallow
    minimum at ``x_i = 2.7468`` and a deeper one at ``x_i = -2.9035``, so
    there are ``2^d`` local minima and descent must pick the deeper side in
    every coordinate.

    Formula (domain ``[-5, 5]^d``)::

        f(x) = (1/2) sum_i (x_i^4 - 16 x_i^2 + 5 x_i)

    Parameters
    ----------
    dim : int, default 2
        Number of coordinates ``d >= 1``.

    Attributes
    ----------
    dim : int
        ``d``.
    bounds : tuple of ndarray
        ``(low, high)``, each ``(d,)``: ``-5`` and ``5``.
    minimizers : ndarray
        ``(1, d)``: every coordinate is ``-2.903534027771177``, the negative
        root of ``4 x^3 - 32 x + 5`` (see ``ROOT``).
    minimum : float
        ``-39.16616570377142 * d`` (Gavana; it is the formula's value at the
        root). Surjanovic & Bingham's ``-39.16599 * d`` is off in the fourth
        decimal.
    start : ndarray
        ``(d,)``: every coordinate ``4.0``, in the basin of the shallow
        minimum ``2.7468`` in every coordinate, so that reaching the global
        minimum needs a step or momentum large enough to cross the ridge at
        ``x_i = 0.157``.

    References
    ----------
    .. [1] M. A. Styblinski and T.-S. Tang, "Experiments in nonconvex
       optimization: stochastic approximation with function smoothing and
       simulated annealing", Neural Networks 3(4), 467-483, 1990.
    .. [2] S. Surjanovic and D. Bingham, "Virtual Library of Simulation
       Experiments: Test Functions and Datasets", Simon Fraser University,
       https://www.sfu.ca/~ssurjano/stybtang.html
    .. [3] A. Gavana, "Global Optimization Benchmarks and AMPGO",
       http://infinity77.net/global_optimization/ (class ``StyblinskiTang``,
       also in SciPy's ``benchmarks/go_benchmark_functions/go_funcs_S.py``).

    Examples
    --------
    >>> s = StyblinskiTang(dim=2)
    >>> float(s.value([1.0, -1.0]))  # (1 - 16 + 5)/2 + (1 - 16 - 5)/2
    -15.0
    >>> s.grad([1.0, -1.0])
    array([-11.5,  16.5])
    """

    name = "styblinski_tang"

    def __init__(self, dim: int = 2) -> None:
        d = check_dim("StyblinskiTang", dim)
        super().__init__(
            dim=d,
            bounds=(-5.0, 5.0),
            minimizers=np.full(d, ROOT),
            minimum=-39.16616570377142 * d,
            start=np.full(d, 4.0),
        )

    def value(self, x: ArrayLike) -> NDArray[np.float64]:
        """Styblinski-Tang value at ``x``.

        Each coordinate adds its own double well.

        Formula::

            (1) f = 0.5 * (x**4 - 16 * x**2 + 5 * x).sum(axis=-1)

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
        f = 0.5 * (x**4 - 16 * x**2 + 5 * x).sum(axis=-1)  # (1)
        return cast("NDArray[np.float64]", f)

    def grad(self, x: ArrayLike) -> NDArray[np.float64]:
        """Gradient of the Styblinski-Tang function at ``x``.

        Coordinate by coordinate, the derivative of the well; its zeros are
        the roots of ``4 x^3 - 32 x + 5``: two minima and a maximum.

        Formula::

            (1) g = 0.5 * (4 * x**3 - 32 * x + 5)

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
        g = 0.5 * (4 * x**3 - 32 * x + 5)  # (1)
        return g
