"""The six-dimensional Hartmann function: four Gaussian wells in the unit cube."""

from __future__ import annotations

from typing import cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from surfaces._base import Surface
from surfaces._checks import check_fixed_dim


class Hartmann6(Surface):
    """The Hartmann function on ``[0, 1]^6`` with the standard constants.

    Minus a sum of four anisotropic Gaussian bumps of heights ``alpha_i``,
    centred at the rows ``P_i`` with inverse widths ``A_i``: six local minima;
    the global one lies near, not at, the third centre, where the bumps
    overlap.

    Formula (domain ``[0, 1]^6``)::

        f(x) = -sum_i alpha_i exp(-sum_j A_ij (x_j - P_ij)^2),  i = 1..4, j = 1..6

    Parameters
    ----------
    dim : int, default 6
        Accepted so that every surface can be built with ``dim``; must be 6.

    Attributes
    ----------
    dim : int
        6.
    alpha : ndarray
        ``(4,)``: ``(1.0, 1.2, 3.0, 3.2)``.
    A : ndarray
        ``(4, 6)`` inverse squared widths.
    P : ndarray
        ``(4, 6)`` centres (``1e-4`` times integers).
    bounds : tuple of ndarray
        ``(low, high)``: zeros and ones.
    minimizers : ndarray
        ``(1, 6)``: ``(0.20168952, 0.15001069, 0.47687398, 0.27533243,
        0.31165162, 0.65730054)`` (DiceKriging [4], Gavana [5]; accurate to
        one unit in the eighth decimal; Surjanovic & Bingham print
        ``(0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573)``).
    minimum : float
        ``-3.32236801141551`` (Gavana [5]; Surjanovic & Bingham: -3.32237).
    start : ndarray
        ``(6,)``: the centre of the cube, ``0.5`` in every coordinate, from
        which gradient descent with small steps reaches the global minimizer.

    References
    ----------
    .. [1] J. K. Hartman, "Some experiments in global optimization", Naval
       Research Logistics Quarterly 20(3), 569-576, 1973.
    .. [2] L. C. W. Dixon and G. P. Szego, "The global optimization problem:
       an introduction", in Towards Global Optimization 2, North-Holland,
       1978 (the constants).
    .. [3] S. Surjanovic and D. Bingham, "Virtual Library of Simulation
       Experiments: Test Functions and Datasets", Simon Fraser University,
       https://www.sfu.ca/~ssurjano/hart6.html
    .. [4] O. Roustant, D. Ginsbourger and Y. Deville, "DiceKriging,
       DiceOptim: two R packages for the analysis of computer experiments by
       kriging-based metamodeling and optimization", Journal of Statistical
       Software 51(1), 2012 (function ``hartman6``).
    .. [5] A. Gavana, "Global Optimization Benchmarks and AMPGO",
       http://infinity77.net/global_optimization/ (class ``Hartmann6``, also
       in SciPy's ``benchmarks/go_benchmark_functions/go_funcs_H.py``).

    Examples
    --------
    >>> s = Hartmann6()
    >>> round(float(s.value(s.minimizers[0])), 10)
    -3.3223680114
    >>> s.value(np.zeros((3, 4, 6))).shape
    (3, 4)
    """

    name = "hartmann6"

    def __init__(self, dim: int = 6) -> None:
        self.alpha = np.array([1.0, 1.2, 3.0, 3.2])
        self.A = np.array(
            [
                [10.0, 3.0, 17.0, 3.5, 1.7, 8.0],
                [0.05, 10.0, 17.0, 0.1, 8.0, 14.0],
                [3.0, 3.5, 1.7, 10.0, 17.0, 8.0],
                [17.0, 8.0, 0.05, 10.0, 0.1, 14.0],
            ]
        )
        self.P = np.array(
            [
                [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
                [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
                [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650],
                [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
            ]
        )
        super().__init__(
            dim=check_fixed_dim("Hartmann6", dim, 6),
            bounds=(0.0, 1.0),
            minimizers=np.array(
                [0.20168952, 0.15001069, 0.47687398, 0.27533243, 0.31165162, 0.65730054]
            ),
            minimum=-3.32236801141551,
            start=np.full(6, 0.5),
        )

    def value(self, x: ArrayLike) -> NDArray[np.float64]:
        """Hartmann6's value at ``x``.

        ``z_i`` is the scaled squared distance to centre ``i``; each bump adds
        ``-alpha_i exp(-z_i)``.

        Formula::

            (1) y = x[..., None, :] - P
            (2) z = (A * y**2).sum(axis=-1)
            (3) f = -(alpha * exp(-z)).sum(axis=-1)

        Parameters
        ----------
        x : array_like
            ``(*batch, 6)`` points.

        Returns
        -------
        ndarray
            ``(*batch,)`` values.
        """
        x = self._check(x)
        # (*batch, 4, 6): offsets from each of the four centres
        y = x[..., None, :] - self.P  # (1)
        z = (self.A * y**2).sum(axis=-1)  # (2)
        f = -(self.alpha * np.exp(-z)).sum(axis=-1)  # (3)
        return cast("NDArray[np.float64]", f)

    def grad(self, x: ArrayLike) -> NDArray[np.float64]:
        """Gradient of Hartmann6 at ``x``.

        Bump ``i`` contributes ``w_i = alpha_i exp(-z_i)`` times
        ``dz_i/dx_j = 2 A_ij y_ij``, pointing away from its centre (descent
        goes towards it); the einsum sums over the bumps.

        Formula::

            (1) y = x[..., None, :] - P
            (2) z = (A * y**2).sum(axis=-1)
            (3) w = alpha * exp(-z)
            (4) g = 2 * einsum("...i,...ij->...j", w, A * y)

        Parameters
        ----------
        x : array_like
            ``(*batch, 6)`` points.

        Returns
        -------
        ndarray
            ``(*batch, 6)`` gradients.
        """
        x = self._check(x)
        # (*batch, 4, 6): offsets from each of the four centres
        y = x[..., None, :] - self.P  # (1)
        # (*batch, 4): one weight per bump
        z = (self.A * y**2).sum(axis=-1)  # (2)
        w = self.alpha * np.exp(-z)  # (3)
        g = 2 * np.einsum("...i,...ij->...j", w, self.A * y)  # (4)
        return cast("NDArray[np.float64]", g)
