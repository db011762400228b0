"""The Gaussian process of a Bayesian search in 1-D, and its expected improvement.

The posterior mean, a band of two standard deviations, the observations;
below them the expected improvement, with the search's actual next proposal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from search.acquisition import expected_improvement

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from search.gp import GaussianProcess


def plot_gp_1d(
    ax_post: Axes, ax_acq: Axes, gp: GaussianProcess, X: ArrayLike, y: ArrayLike, *,
    best: float | None = None, x: Callable[[float], float] | None = None,
    grid: int = 400, xlabel: str = "x", ylabel: str = "value",
    proposal: float | None = None, legend: bool = True,
) -> NDArray[np.float64]:  # fmt: skip
    """Draw a 1-D Gaussian-process posterior and its expected improvement below it.

    Top (``ax_post``): the posterior mean, a band of two standard deviations
    either side, and the observations. Bottom (``ax_acq``): the expected
    improvement below ``best`` (:func:`search.acquisition.expected_improvement`)
    with its maximizer on the plotted grid marked (dashed)::

        mean, std = gp.predict(u)           u on a grid of [0, 1]
        band = mean -+ 2 * std
        EI(u) = std * h((best - mean) / std)
        peak = argmax over the grid of EI(u)

    A search maximizes EI over its own candidates (``BayesSearch``: Sobol
    points polished by L-BFGS-B), not over this grid, so give its actual
    next point as ``proposal``: it is marked on both curves (a triangle on
    EI, a diamond on the mean), to be read beside the grid's peak.

    Parameters
    ----------
    ax_post, ax_acq : matplotlib.axes.Axes
        Where to draw the posterior and the acquisition.
    gp : search.gp.GaussianProcess
        A fitted GP on one input dimension, the unit interval.
    X : array_like
        ``(n, 1)`` (or ``(n,)``) observed inputs in ``[0, 1]``; ``n >= 1``.
    y : array_like
        ``(n,)`` observed values, in the units of the GP's outputs.
    best : float, optional
        The value to improve on; default ``min(y)``.
    x : callable, optional
        Maps unit coordinates to the displayed ones (e.g.
        :meth:`search.space.Real.from_unit` of a log-scaled dimension);
        default the identity. A log axis is used when the mapped grid is
        positive and spans more than two decades. The axis shows the mapped
        interval and 2% more either side.
    grid : int, default 400
        Grid points.
    xlabel, ylabel : str
        Axis labels (``xlabel`` on the bottom panel).
    proposal : float, optional
        The unit coordinate of the search's actual next proposal, marked
        and labelled "the search's next proposal".
    legend : bool, default True
        Draw a legend in each panel.

    Returns
    -------
    ndarray
        ``(grid,)`` expected improvement on the grid.
    """
    X = np.asarray(X, dtype=np.float64).reshape(-1, 1)  # (n, 1)
    y = np.asarray(y, dtype=np.float64).ravel()  # (n,)
    if X.shape[0] != y.shape[0] or y.size < 1:
        raise ValueError(
            f"plot_gp_1d: X and y must hold the same n >= 1 points, "
            f"got {X.shape[0]} and {y.size}"
        )
    best = float(y.min()) if best is None else best
    u = np.linspace(0.0, 1.0, grid)  # (grid,)
    mean, std = gp.predict(u[:, None])  # (grid,) each
    ei = expected_improvement(mean, std, best)  # (grid,)
    to_x = (lambda v: v) if x is None else np.vectorize(x, otypes=[float])
    xs = to_x(u)
    _draw_posterior(ax_post, xs, mean, std, observed=(to_x(X[:, 0]), y), best=best)
    ax_acq.fill_between(xs, 0.0, ei, color="C2", alpha=0.3)
    ax_acq.plot(xs, ei, color="C2", lw=1.6, label="expected improvement")
    k = int(np.argmax(ei))
    label = "EI peak on the plotted grid"
    ax_acq.axvline(xs[k], color="C3", ls="--", lw=1.2, label=label)
    ax_post.axvline(xs[k], color="C3", ls="--", lw=1.2)
    top = float(ei.max())
    if proposal is not None:
        ei_p = _mark_proposal(ax_post, ax_acq, gp, to_x, proposal=proposal, best=best)
        top = max(top, ei_p)
    _set_x_axes(ax_post, ax_acq, xs, xlabel=xlabel, legend=legend)
    ax_post.set_ylabel(ylabel)
    ax_acq.set(ylabel="EI")
    ax_acq.set_ylim(0.0, max(top, 1e-300) * 1.15)
    return ei


def _draw_posterior(ax, xs, mean, std, *, observed, best):
    """Mean, its band of 2 std, the ``observed`` ``(x, y)`` and the best so far."""
    ax.fill_between(
        xs, mean - 2 * std, mean + 2 * std, color="C0", alpha=0.2,
        label="mean $\\pm$ 2 std",
    )  # fmt: skip
    ax.plot(xs, mean, color="C0", lw=1.8, label="posterior mean")
    x_obs, y = observed
    ax.plot(
        x_obs, y, "o", color="black", ms=6, ls="none", label=f"observed ({y.size})",
        clip_on=False, zorder=4,  # a point at the range's end shows whole
    )  # fmt: skip
    ax.axhline(best, color="0.4", ls=":", lw=1, label="best so far")


def _mark_proposal(ax_post, ax_acq, gp, to_x, *, proposal, best) -> float:
    """The search's next point: its EI (a triangle) and its mean (a diamond); its EI."""
    m_p, s_p = gp.predict(np.array([[float(proposal)]]))  # (1,) each
    ei_p = expected_improvement(m_p, s_p, best)  # (1,)
    x_p = to_x(np.array([float(proposal)]))  # (1,)
    marker = {"color": "C1", "mec": "black", "mew": 0.8, "ls": "none"}
    ax_acq.plot(
        x_p, ei_p, "v", ms=10, clip_on=False, zorder=5, **marker,
        label="the search's next proposal (its EI)",
    )  # fmt: skip
    ax_post.plot(
        x_p, m_p, "D", ms=7, clip_on=False, zorder=5, **marker,
        label="the search's next proposal (its mean)",
    )  # fmt: skip
    return float(ei_p[0])


def _set_x_axes(ax_post, ax_acq, xs, *, xlabel, legend):
    """Both panels' x: log if ``xs`` spans two decades, 2% wider either side."""
    log = bool(np.all(xs > 0) and xs.max() > 100 * xs.min())
    # 2% of the range either side, so that a line at an end is not on the spine
    ends = np.log10(xs[[0, -1]]) if log else xs[[0, -1]]  # (2,)
    ends = ends + np.array([-0.02, 0.02]) * (ends[1] - ends[0])
    for ax in (ax_post, ax_acq):
        ax.set_xscale("log" if log else "linear")
        ax.set_xlim(*(10.0**ends if log else ends))
        ax.grid(True, alpha=0.3)
        if legend:
            ax.legend(loc="best", framealpha=0.9, fontsize="small")
    ax_acq.set_xlabel(f"{xlabel} (log scale)" if log else xlabel)
