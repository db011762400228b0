"""Expected improvement for minimization, computed in log space so it never underflows.

Where the Gaussian-process posterior at a point has mean ``mean`` and
standard deviation ``std``, and the best value observed so far is ``best``,
the improvement ``max(best - f, 0)`` has the expectation (Jones et al. 1998)::

    EI = std * h(z),   z = (best - mean) / std,   h(z) = z Phi(z) + phi(z)

with ``Phi`` and ``phi`` the standard normal CDF and density. Far from the
data's optimum ``z`` is very negative, ``h(z)`` underflows to 0 in floating
point and EI gives an optimizer no slope to follow: the main failure of EI in
practice (Ament et al. 2023). So we work with ``log EI = log(std) + log h(z)``
and evaluate ``log h`` by the branches of Ament et al. eq. 9, exact in
floating point for every ``z``.

The acquisition depends on the model only through ``mean`` and ``std``
(as in scikit-optimize and bayes_opt): any surrogate will do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, overload

import numpy as np

if TYPE_CHECKING:
    from typing import Literal

    from numpy.typing import ArrayLike, NDArray

# SciPy is imported inside the functions that use it (it takes 0.3 to 0.7 s):
# `import search` and `hpo --help` stay fast until a model is fitted.

C1 = 0.5 * np.log(2 * np.pi)  # log(sqrt(2 pi)): phi(z) = exp(-z^2/2 - C1)
C2 = 0.5 * np.log(np.pi / 2)  # log(sqrt(pi / 2))
SQRT2 = np.sqrt(2.0)
# Below this z the branch (2) cancellation leaves no digits: use the asymptote.
Z_ASYMPTOTE = -1 / np.sqrt(np.finfo(float).eps)


def log1mexp(x: ArrayLike) -> NDArray[np.float64]:
    """``log(1 - exp(x))`` for ``x < 0``, accurate on both sides of ``-log 2``.

    Maechler (2012): ``log(-expm1(x))`` near 0, ``log1p(-exp(x))`` below.
    """
    x = np.asarray(x, dtype=float)
    near = x > -np.log(2)
    with np.errstate(divide="ignore"):
        return np.where(
            near,
            np.log(-np.expm1(np.where(near, x, -1.0))),
            np.log1p(-np.exp(np.where(near, -1.0, x))),
        )


def log_h(z: ArrayLike) -> NDArray[np.float64]:
    """``log(z Phi(z) + phi(z))``, stable for every real ``z``.

    Three branches (Ament et al. 2023, eq. 9). For ``z > -1`` the direct sum
    has no cancellation. Below, write ``Phi(z) = erfcx(-z / sqrt 2)
    phi(z) sqrt(pi / 2)`` (``erfcx(x) = exp(x^2) erfc(x)``, which does not
    underflow), so that ``h(z) = phi(z) (1 - |z| sqrt(pi/2) erfcx(|z| / sqrt 2))``
    and the Gaussian factor comes out of the logarithm exactly. Below
    ``-1 / sqrt(eps)`` the bracket is ``1 / z^2`` to machine precision
    (Mills' ratio: ``h(z) ~ phi(z) / z^2``)::

        z > -1:                log(phi(z) + z Phi(z))
        -1/sqrt(eps) < z <= -1:  -z^2/2 - C1 + log1mexp(log(erfcx(-z / sqrt 2) |z|) + C2)
        z <= -1/sqrt(eps):       -z^2/2 - C1 - 2 log|z|

    (``C1 = log sqrt(2 pi)``, ``C2 = log sqrt(pi / 2)``, ``ndtr = Phi``.)

    Parameters
    ----------
    z : array_like
        Any shape, finite.

    Returns
    -------
    ndarray
        ``log h(z)``, finite for finite ``z`` with ``z^2`` below the largest
        float (``|z| < 1.3e154``), ``-inf`` beyond.

    Examples
    --------
    >>> float(np.exp(log_h(0.0)))  # phi(0) = 1 / sqrt(2 pi)
    0.3989422804014327
    >>> bool(np.isfinite(log_h(-1e3)))  # h(-1e3) underflows, its log does not
    True
    """
    from scipy.special import erfcx, ndtr

    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    upper = z > -1
    middle = (z <= -1) & (z > Z_ASYMPTOTE)
    lower = z <= Z_ASYMPTOTE
    zu, zm, zl = z[upper], z[middle], z[lower]
    # z^2 overflows for |z| > 1.3e154: there phi(z) rounds to 0 (first branch)
    # and log h to -inf (third branch), both rightly
    with np.errstate(over="ignore"):
        out[upper] = np.log(np.exp(-(zu**2) / 2 - C1) + zu * ndtr(zu))
        bracket = log1mexp(np.log(erfcx(-zm / SQRT2) * np.abs(zm)) + C2)
        out[middle] = -(zm**2) / 2 - C1 + bracket
        out[lower] = -(zl**2) / 2 - C1 - 2 * np.log(np.abs(zl))
    return out


@overload
def log_expected_improvement(
    mean: ArrayLike,
    std: ArrayLike,
    best: ArrayLike,
    return_grad: Literal[False] = False,
) -> NDArray[np.float64]: ...
@overload
def log_expected_improvement(
    mean: ArrayLike, std: ArrayLike, best: ArrayLike, return_grad: Literal[True]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]: ...
def log_expected_improvement(
    mean: ArrayLike, std: ArrayLike, best: ArrayLike, return_grad: bool = False
) -> (
    NDArray[np.float64]
    | tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]
):
    """Log of the expected improvement below ``best`` of ``f ~ N(mean, std^2)``.

    For minimization: the improvement is ``max(best - f, 0)``. With
    ``std = 0`` the model is certain and ``EI = max(best - mean, 0)``, whose
    log is ``-inf`` where ``mean >= best``; with ``std > 0`` the result is
    finite for every finite input. Arguments broadcast against each other.

    Formula::

        z = (best - mean) / std
        log_ei = log(std) + log_h(z)

    Parameters
    ----------
    mean, std : array_like
        Posterior mean and standard deviation (``std >= 0``).
    best : float or array_like
        The incumbent: the smallest value observed so far.
    return_grad : bool, default False
        Also return the derivatives of ``log_ei`` in ``mean`` and in ``std``
        (``d log h / dz = Phi(z) / h(z)``): for gradient-based polishing.
        Where ``std = 0`` both are 0.

    Returns
    -------
    log_ei : ndarray
        The broadcast shape of the inputs.
    dmean, dstd : ndarray
        Only with ``return_grad``.

    References
    ----------
    .. [1] D. R. Jones, M. Schonlau and W. J. Welch, "Efficient global
       optimization of expensive black-box functions", Journal of Global
       Optimization 13, 455-492, 1998 (EI, eq. 15).
    .. [2] S. Ament, S. Daulton, D. Eriksson, M. Balandat and E. Bakshy,
       "Unexpected improvements to expected improvement for Bayesian
       optimization", NeurIPS 2023, eq. 9 (log h).

    Examples
    --------
    >>> round(float(log_expected_improvement(0.0, 1.0, 0.0)), 12)  # log(phi(0))
    -0.918938533205
    >>> round(float(log_expected_improvement(40.0, 1.0, 0.0)), 6)  # EI = 9e-352 underflows
    -808.298568
    """
    from scipy.special import log_ndtr

    mean, std, best = np.broadcast_arrays(
        np.asarray(mean, float), np.asarray(std, float), np.asarray(best, float)
    )
    if np.any(std < 0):
        raise ValueError(f"log_expected_improvement: std must be >= 0, got {std.min()}")
    # z is defined (and finite) only where std > 0 is not swamped by best - mean
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        z = np.where(std > 0, (best - mean) / np.where(std > 0, std, 1.0), np.nan)
    uncertain = np.isfinite(z)
    log_ei = np.empty(mean.shape)
    lh = log_h(z[uncertain])
    log_ei[uncertain] = np.log(std[uncertain]) + lh
    with np.errstate(divide="ignore"):
        log_ei[~uncertain] = np.log(np.maximum(best - mean, 0)[~uncertain])
    if not return_grad:
        return log_ei[()]
    dz = np.zeros(mean.shape)  # d log h / dz = Phi(z) / h(z), ~ |z| as z -> -inf
    dz[uncertain] = np.exp(log_ndtr(z[uncertain]) - lh)
    with np.errstate(divide="ignore", invalid="ignore"):
        safe = np.where(uncertain, std, 1.0)
        dmean = np.where(uncertain, -dz / safe, 0.0)
        dstd = np.where(uncertain, (1 - z * dz) / safe, 0.0)
    return log_ei[()], dmean[()], dstd[()]


def expected_improvement(
    mean: ArrayLike, std: ArrayLike, best: ArrayLike
) -> NDArray[np.float64]:
    """Expected improvement below ``best``: ``exp(log_expected_improvement)``, for plots.

    Parameters
    ----------
    mean, std : array_like
        Posterior mean and standard deviation (``std >= 0``).
    best : float or array_like
        The smallest value observed so far.

    Returns
    -------
    ndarray
        ``EI >= 0`` (it underflows to 0 where ``log EI < -745``).

    Examples
    --------
    >>> float(expected_improvement(1.0, 0.0, 3.0))  # certain: improves by 2
    2.0
    """
    return np.exp(log_expected_improvement(mean, std, best))
