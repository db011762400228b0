"""The inner loop: optimizer paths over a surface's contours, and loss curves.

The functions take the optimizers in a ``dict`` keyed by name; the ``i``-th
name gets the colour ``"C{i}"`` in every panel, so one optimizer has one
colour throughout. :func:`descend_figure` is the figure of ``hpo descend``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from search.plots._common import BEST_STAR, log_limits

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.contour import QuadContourSet
    from matplotlib.figure import Figure

    from surfaces import Surface


def distance_to_nearest(x: ArrayLike, minimizers: ArrayLike) -> NDArray[np.float64]:
    """Euclidean distance from each point to the nearest of the minimizers.

    ::

        dist(x) = min_k ||x - m_k||

    Parameters
    ----------
    x : array_like
        ``(*batch, d)`` points (e.g. a path ``(steps + 1, d)``); may hold
        huge or non-finite coordinates from a diverged run.
    minimizers : array_like
        ``(k, d)`` known minimizers.

    Returns
    -------
    ndarray
        ``(*batch,)`` distances; ``inf`` (or ``nan``) where ``x`` overflowed,
        without floating-point warnings.

    Examples
    --------
    >>> distance_to_nearest([[0.0, 0.0], [3.0, 4.0]], [[0.0, 0.0], [3.0, 0.0]])
    array([0., 4.])
    """
    x = np.asarray(x, dtype=np.float64)[..., None, :]  # (*batch, 1, d)
    m = np.asarray(minimizers, dtype=np.float64)  # (k, d)
    with np.errstate(over="ignore", invalid="ignore"):  # diverged points overflow
        return np.sqrt(((x - m) ** 2).sum(axis=-1)).min(axis=-1)  # (*batch,)


def plot_contour_paths(
    ax: Axes, surface: Surface, paths: Mapping[str, ArrayLike], *,
    start: ArrayLike | None = None, levels: int = 22, grid: int = 300,
    cmap: str = "bone", legend: bool = True,
) -> QuadContourSet:  # fmt: skip
    """Draw optimizer paths over the log-spaced contours of a 2-D surface.

    The filled contours are of the gap to the minimum plus a small offset,
    on log-spaced levels, so that both the steep walls and the nearly flat
    floor of a valley (Rosenbrock's) show::

        z(x) = max(f(x) - f*, 0) + offset,   offset = 1e-5 * q99(f - f*)

    where ``q99`` is the 99th percentile over the plotted region. The region
    is the box around the paths, the start and the minimizers, padded by 10%
    and clipped to ``surface.bounds`` (a diverged path leaves the picture).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    surface : surfaces.Surface
        A surface with ``dim == 2``.
    paths : dict of str to array_like
        Optimizer name -> iterates ``(steps + 1, 2)``; the first row is the start.
    start : array_like, optional
        ``(2,)`` start to mark; default: the first row of the first path.
    levels, grid : int, default 22 and 300
        Number of contour levels; grid points per axis.
    cmap : str, default "bone"
        Colormap of the filled contours (dark valley, light walls).
    legend : bool, default True
        Draw a legend in ``ax``.

    Returns
    -------
    matplotlib.contour.QuadContourSet
        The filled contours, for a colour bar.
    """
    if surface.dim != 2:
        raise ValueError(
            f"plot_contour_paths: the surface must be 2-D, got dim={surface.dim}"
        )
    arrays = {name: np.asarray(p, dtype=np.float64) for name, p in paths.items()}
    x0 = next(iter(arrays.values()))[0] if start is None else np.asarray(start)
    low, high = _region(surface, arrays, x0)
    filled = _contours(ax, surface, (low, high), levels=levels, grid=grid, cmap=cmap)
    for i, (name, path) in enumerate(arrays.items()):
        ax.plot(path[:, 0], path[:, 1], color=f"C{i}", lw=1.6, label=name, zorder=3)
        ax.plot(*path[-1], "o", color=f"C{i}", ms=6, mec="black", mew=0.6, zorder=4)
    m = surface.minimizers
    ax.plot(
        m[:, 0], m[:, 1], **BEST_STAR, ms=16, mew=0.8, label="minimizer",
        zorder=5,
    )  # fmt: skip
    ax.plot(
        *x0, "o", color="white", ms=8, mec="black", mew=1.2, label="start", zorder=5
    )
    ax.set(
        xlim=(low[0], high[0]), ylim=(low[1], high[1]), xlabel="$x_1$", ylabel="$x_2$"
    )
    if legend:
        ax.legend(loc="best", framealpha=0.9)
    return filled


def _contours(ax, surface, box, *, levels, grid, cmap):
    """Filled and line contours of ``z(x)`` of :func:`plot_contour_paths` in ``box``."""
    from matplotlib.colors import LogNorm

    low, high = box
    x1, x2 = np.linspace(low[0], high[0], grid), np.linspace(low[1], high[1], grid)
    X = np.stack(np.meshgrid(x1, x2), axis=-1)  # (grid, grid, 2)
    gap = np.maximum(surface.value(X) - surface.minimum, 0.0)  # (grid, grid)
    top = max(float(np.percentile(gap, 99)), 1e-12)
    offset = 1e-5 * top
    bounds = np.geomspace(offset, top + offset, levels)
    filled = ax.contourf(
        x1, x2, gap + offset, levels=bounds, norm=LogNorm(), cmap=cmap,
        extend="max",  # the top 1% of the region is above the last level
        alpha=0.6,
    )  # fmt: skip
    ax.contour(x1, x2, gap + offset, levels=bounds, colors="0.45", linewidths=0.4)
    return filled


def _region(surface, paths, start, pad=0.1):
    """Plot box ``(low, high)``, each ``(2,)``: paths, start and minimizers, padded."""
    lo_b, hi_b = (np.asarray(b, dtype=np.float64) for b in surface.bounds)
    points = [np.atleast_2d(start), surface.minimizers]
    for path in paths.values():
        inside = np.all((path >= lo_b) & (path <= hi_b), axis=-1)  # (steps + 1,)
        points.append(path[inside])
    every = np.concatenate(points)  # (n, 2)
    low, high = every.min(axis=0), every.max(axis=0)
    span = np.maximum(high - low, 1e-3 * np.maximum(1.0, np.abs(high)))
    low, high = low - pad * span, high + pad * span
    return np.maximum(low, lo_b), np.minimum(high, hi_b)


def plot_loss_curves(
    ax: Axes, curves: Mapping[str, ArrayLike], *, ylabel: str = "loss",
    xlabel: str = "step", headroom: float = 10, legend: bool = True,
) -> Axes:  # fmt: skip
    """Draw one curve per optimizer against the step, on a log y axis.

    Any positive per-step quantity works (the gap to the minimum, a distance
    to the solution). A curve that turns non-finite (a diverged run, whose
    values are ``inf`` from then on) ends there, with an ``x`` at its last
    finite point and "diverged at step k" in the legend. Values more than
    ``headroom`` decades above the largest starting value are drawn at that
    ceiling, so that a run on its way to overflow (1e300) shoots up to the
    top edge instead of squeezing every other curve into a few pixels.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    curves : dict of str to array_like
        Optimizer name -> values ``(steps + 1,)``, entry ``k`` after ``k`` steps.
    ylabel, xlabel : str
        Axis labels.
    headroom : float, default 10
        Decades above the largest starting value shown.
    legend : bool, default True
        Draw a legend in ``ax``.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``.
    """
    arrays = {name: np.asarray(c, dtype=np.float64) for name, c in curves.items()}
    starts = [c[0] for c in arrays.values() if c.size and 0 < c[0] < np.inf]
    ceiling = min(max(starts, default=1.0) * 10.0**headroom, 1e300)
    # limits are set from the data below: autoscaling would overflow near 1e308
    ax.set_yscale("log")
    ax.set_autoscaley_on(False)
    for i, (name, curve) in enumerate(arrays.items()):
        curve = np.where(np.isfinite(curve), np.minimum(curve, ceiling), curve)
        arrays[name], label = curve, name
        if not np.all(np.isfinite(curve)):
            k = int(np.argmax(~np.isfinite(curve)))  # the first non-finite step
            label = f"{name} (diverged at step {k})"
            if k > 0:
                ax.plot(k - 1, curve[k - 1], "x", color=f"C{i}", ms=10, mew=2)
        ax.plot(np.arange(curve.size), curve, color=f"C{i}", lw=1.6, label=label)
    ax.set_ylim(*log_limits(arrays.values()))
    ax.set(xlabel=xlabel, ylabel=ylabel)
    ax.grid(True, which="major", alpha=0.4)
    if legend:
        ax.legend(loc="best", framealpha=0.9)
    return ax


def descend_figure(
    surface: Surface, paths: Mapping[str, ArrayLike], values: Mapping[str, ArrayLike],
    *, title: str = "", solution: str = "minimizer",
) -> Figure:  # fmt: skip
    """The ``hpo descend`` figure: where each optimizer went, and how fast.

    Left: for a 2-D surface, the paths over the contours
    (:func:`plot_contour_paths`); in higher dimension (linear regression,
    Hartmann 6-D) a 2-D picture would have to be a projection or a slice, and
    the contours of a slice are not the landscape the path moved through, so
    the panel shows instead the honest 1-D summary: the distance from each
    iterate to the nearest minimizer, against the step, on a log axis.
    Right: the gap ``f(x_k) - f*`` against the step, on a log axis, floored at
    ``eps * |f*|`` (below that, float64 cannot tell ``f`` from ``f*``).

    Parameters
    ----------
    surface : surfaces.Surface
        The surface trained on.
    paths : dict of str to array_like
        Optimizer name -> iterates ``(steps + 1, d)``.
    values : dict of str to array_like
        Optimizer name -> losses ``(steps + 1,)`` (``inf`` once diverged).
    title : str
        Figure title.
    solution : str, default "minimizer"
        What the minimizer is called in labels (e.g. "closed-form solution").

    Returns
    -------
    matplotlib.figure.Figure
        A 12 x 5.6 inch figure, two panels and a legend below them (no
        pyplot, no backend needed).
    """
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import ConstrainedLayoutEngine
    from matplotlib.ticker import LogLocator

    # constrained layout, with room between the colour bar and the right panel
    layout = ConstrainedLayoutEngine(wspace=0.08)
    fig = Figure(figsize=(12, 5.6), dpi=120, layout=layout)
    left, right = fig.subplots(1, 2)
    if surface.dim == 2:
        diverged = {k: not np.isfinite(np.asarray(v)[-1]) for k, v in values.items()}
        named = {f"{k} (diverged)" if diverged[k] else k: p for k, p in paths.items()}
        filled = plot_contour_paths(left, surface, named, legend=False)
        fig.colorbar(filled, ax=left, label="$f(x) - f^*$", ticks=LogLocator())
        left.set_title(f"paths over the contours of {surface.name}")
    else:
        dist = {k: distance_to_nearest(p, surface.minimizers) for k, p in paths.items()}
        plot_loss_curves(left, dist, ylabel=r"$\|x_k - x^*\|$", legend=False)
        left.set_title(f"distance to the {solution}")
    gaps, floor = _gaps(values, surface.minimum)
    plot_loss_curves(right, gaps, ylabel="$f(x_k) - f^*$", legend=False)
    if floor > 0 and any(np.nanmin(g) <= 100 * floor for g in gaps.values()):
        label = "float64 resolution of $f^*$"
        right.axhline(floor, color="0.3", ls=":", lw=1, label=label)
    right.set_title(f"loss above $f^*$, the loss at the {solution}")
    _shared_legend(fig, left, right)
    if title:
        fig.suptitle(title)
    return fig


def _shared_legend(fig, left, right):
    """One legend below both panels: the runs (from the loss panel) and the markers.

    Inside a panel a legend would hide part of a path.
    """
    handles, labels = right.get_legend_handles_labels()
    for handle, label in zip(*left.get_legend_handles_labels(), strict=True):
        if label in ("minimizer", "start"):
            handles.append(handle)
            labels.append(label)
    ncols = min(len(labels), 3 if max(map(len, labels)) > 24 else 5)
    fig.legend(handles, labels, loc="outside lower center", ncols=ncols, frameon=False)


def _gaps(values, minimum):
    """Gaps ``f - f*`` ``(steps + 1,)`` per optimizer, floored at ``eps |f*|``.

    Below ``eps |f*|`` (the spacing of float64 numbers near ``f*``) ``f`` and
    ``f*`` cannot be told apart, and the gap is rounding noise, often 0 or
    negative. For ``f* = 0`` nothing is floored (a gap of 0 is left out of a
    log plot).
    """
    floor = np.finfo(float).eps * abs(minimum)
    with np.errstate(invalid="ignore"):  # inf - f* for diverged runs stays inf
        gaps = {
            k: np.maximum(np.asarray(v) - minimum, floor) for k, v in values.items()
        }
    return gaps, floor
