"""The outer loop's landscape: the hyperparameter loss surface as a heat map.

:func:`plot_loss_surface` draws the trials over two dimensions of a space (a
full grid as cells, scattered trials as points over an interpolated sketch,
the layers of :mod:`search.plots._layers`); :func:`loss_surface_figure` is
the figure of ``hpo search``, built from a
:class:`search.results.SearchResult`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from search.plots._common import (
    BEST_STAR,
    OFF_SCALE_COLOR,
    check_status,
    legend_below,
    trial_columns,
    value_ceiling,
)
from search.plots._layers import Points, draw_cells, draw_points, edges
from search.results import SearchResult
from search.space import Categorical, unwarp

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.cm import ScalarMappable
    from matplotlib.figure import Figure


def plot_loss_surface(
    ax: Axes, space: Mapping[str, Any], params: Sequence[Mapping[str, Any]],
    values: ArrayLike, status: ArrayLike, *, names: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None, ceiling: float | None = None,
    cmap: str = "viridis", legend: bool = True,
) -> ScalarMappable | None:  # fmt: skip
    """Draw the hyperparameter loss surface over two dimensions as a heat map.

    A full product grid (what :class:`search.grid_search.GridSearch`
    evaluates) is drawn as it is: one cell per grid point, coloured by its
    value, nothing interpolated. Scattered trials (random or Bayesian
    search) are drawn as points coloured by their value, over a faint
    surface interpolated linearly between them: a Delaunay triangulation
    made in the warped coordinates (:func:`search.space.warp`: by order of
    magnitude for a log-scaled dimension, each range scaled to ``[0, 1]``).
    Evaluating a separate background grid would cost one training run per
    cell; the interpolation is free, but it is a sketch, so it is drawn only
    inside the points' convex hull and never across a triangle touching a
    diverged trial (hatched red) or a failed one (grey). A categorical
    dimension has no order to interpolate along: then points only.

    Colours are on a log scale when every value is positive (log-spaced
    contour levels for the interpolated surface), capped at ``ceiling``:
    larger values take the top colour.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    space : dict
        Name -> ``Real``/``Integer``/``Categorical`` (:mod:`search.space`).
    params : list of dict
        ``n`` evaluated hyperparameter dicts.
    values : array_like
        ``(n,)`` their values (only those of ``"ok"`` trials are read).
    status : array_like of str
        ``(n,)`` each trial's ``Trial.status``: ``"ok"``, ``"diverged"``
        or ``"failed"``.
    names : (str, str), optional
        The dimensions on the x and y axes; required unless ``space`` has
        exactly two. Others are ignored (the picture is then a projection).
    labels : dict of str to str, optional
        Axis label per dimension (default: its name); " (log scale)" is
        appended for a log-scaled one.
    ceiling : float, optional
        Top of the colour scale; default :func:`search.plots.value_ceiling`.
    cmap : str, default "viridis"
        Colormap (low values dark).
    legend : bool, default True
        Draw a legend in ``ax``.

    Returns
    -------
    matplotlib.cm.ScalarMappable or None
        What a colour bar needs; ``None`` if no trial is ok.
    """
    from matplotlib import colormaps
    from matplotlib.patches import Rectangle

    xy_names = _two_names(space, names)
    dims = [space[n] for n in xy_names]
    xs, ys = (
        np.array([_coord(d, p[n]) for p in params])
        for n, d in zip(xy_names, dims, strict=True)
    )
    v = np.asarray(values, dtype=np.float64).ravel()
    if len(xs) != v.size:
        raise ValueError(f"plot_loss_surface: {len(xs)} params for {v.size} values")
    pts = Points(xs, ys, v, check_status("plot_loss_surface", status, v.size))
    ok = pts.status == "ok"
    top = value_ceiling(v[ok]) if ceiling is None else ceiling
    colours = {
        "norm": _norm(v, ok, top),
        "cmap": colormaps[cmap].with_extremes(over=OFF_SCALE_COLOR),
    }
    cells = _grid_cells(xs, ys)
    if cells is not None:
        mappable = draw_cells(ax, dims, pts, cells, **colours)
    else:
        mappable = draw_points(ax, dims, pts, **colours)
    if ok.any():
        i = int(np.argmin(np.where(ok, v, np.inf)))
        ax.plot(
            xs[i], ys[i], **BEST_STAR, ms=20, mew=1, zorder=6,
            label=f"best, {v[i]:.4g}",
        )  # fmt: skip
    above = ok & (v > top)
    if above.any():  # a legend entry for the colour no colour bar tick names
        label = f"off the scale, > {top:.3g} ({above.sum()})"
        i = int(np.argmax(above))  # a zero-size patch at one of them: a legend swatch
        ax.add_patch(Rectangle((xs[i], ys[i]), 0, 0, fc=OFF_SCALE_COLOR, label=label))
    for which, name, dim in zip(("x", "y"), xy_names, dims, strict=True):
        _set_axis(ax, which, dim, (labels or {}).get(name, name), cells)
    if legend:
        ax.legend(loc="best", framealpha=0.9)
    return mappable


def _norm(v, ok, top):
    """The colour scale: the ok values up to ``top`` (log if all positive); or None."""
    from matplotlib.colors import LogNorm, Normalize

    if not ok.any():
        return None
    # the colours span the values on the scale; those above take the top colour
    low, high = float(v[ok].min()), float(v[ok & (v <= top)].max())
    positive = low > 0
    if high <= low:  # one value: a small range around it
        low, high = (low / 1.5, low * 1.5) if positive else (low - 1, low + 1)
    return (LogNorm if positive else Normalize)(low, high)


def _two_names(space, names):
    """The dimensions on the x and y axes, checked."""
    if names is None:
        if len(space) != 2:
            raise ValueError(
                f"plot_loss_surface: the space has {len(space)} dimensions; "
                "give names=(x, y) to choose two"
            )
        return tuple(space)
    names = tuple(names)
    if len(names) != 2 or any(n not in space for n in names) or names[0] == names[1]:
        raise ValueError(
            f"plot_loss_surface: names must be two dimensions of {list(space)}, "
            f"got {names!r}"
        )
    return names


def _coord(dim, value) -> float:
    """Where ``value`` sits on its axis: itself, or a categorical's index."""
    if isinstance(dim, Categorical):  # to_unit is the middle of its cell
        return float(round(dim.to_unit(value) * len(dim.choices) - 0.5))
    return float(value)


def _grid_cells(xs, ys):
    """The grid's distinct x and y values, if the points are a full product grid."""
    ux, uy = np.unique(xs), np.unique(ys)
    pairs = set(zip(xs.tolist(), ys.tolist(), strict=True))
    full = len(pairs) == xs.size == ux.size * uy.size
    return (ux, uy) if full and ux.size > 1 and uy.size > 1 else None


def _set_axis(ax, which, dim, label, cells):
    """Scale, limits, ticks and label of one axis (``which``: "x" or "y")."""
    set_scale, set_lim, set_label = (
        getattr(ax, f"set_{which}{part}") for part in ("scale", "lim", "label")
    )
    if isinstance(dim, Categorical):
        n = len(dim.choices)
        getattr(ax, f"set_{which}ticks")(range(n), [str(c) for c in dim.choices])
        set_lim(-0.5, n - 0.5)
        set_label(label)
        return
    set_scale("log" if dim.log else "linear")
    if cells is not None:
        centres = cells[0] if which == "x" else cells[1]
        cell_edges = edges(dim, centres)
        set_lim(cell_edges[0], cell_edges[-1])
    else:  # the whole search range, a little wider so edge points show
        set_lim(*unwarp(np.array([-0.03, 1.03]), dim.low, dim.high, dim.log))
    set_label(f"{label} (log scale)" if dim.log else label)


def loss_surface_figure(
    result: SearchResult | Sequence[Mapping[str, Any]], space: Mapping[str, Any], *,
    values: ArrayLike | None = None, status: ArrayLike | None = None,
    names: Sequence[str] | None = None, labels: Mapping[str, str] | None = None,
    title: str = "", colorbar_label: str = "value",
) -> Figure:  # fmt: skip
    """The heat map of ``hpo search`` (:func:`plot_loss_surface`) with a colour bar.

    Parameters
    ----------
    result : search.results.SearchResult or list of dict
        The search: each trial's params, value and ``Trial.status``. Or the
        ``n`` evaluated hyperparameter dicts themselves (a grid evaluated in
        one ``objective.batch``), with ``values`` and ``status`` given.
    space : dict
        Name -> ``Real``/``Integer``/``Categorical`` (:mod:`search.space`).
    values : array_like, optional
        ``(n,)`` values to draw instead of the trials' own (e.g. the gap to
        a known minimum); required with a list of dicts.
    status : array_like of str, optional
        ``(n,)`` statuses; only (and then required) with a list of dicts.
    names, labels : optional
        As in :func:`plot_loss_surface`.
    title, colorbar_label : str
        Panel title and colour bar label.

    Returns
    -------
    matplotlib.figure.Figure
        An 8 x 6.4 inch figure: the heat map, its colour bar, a legend below.
    """
    from matplotlib.figure import Figure

    params, v, s = _columns(result, values, status)
    ok = s == "ok"
    top = value_ceiling(v[ok])
    fig = Figure(figsize=(8, 6.4), dpi=120, layout="constrained")
    ax = fig.subplots()
    mappable = plot_loss_surface(
        ax, space, params, v, s, names=names, labels=labels, ceiling=top, legend=False
    )
    if mappable is not None:
        extend = "max" if np.any(v[ok] > top) else "neither"
        fig.colorbar(mappable, ax=ax, label=colorbar_label, extend=extend)
    legend_below(fig, ax)
    if title:
        ax.set_title(title)
    return fig


def _columns(
    result, values, status
) -> tuple[list[Any], NDArray[np.float64], NDArray[np.str_]]:
    """Params, values ``(n,)`` and statuses ``(n,)``: of a result, or as given."""
    owner = "loss_surface_figure"
    if isinstance(result, SearchResult):
        if status is not None:
            raise TypeError(f"{owner}: a SearchResult's trials carry their status")
        return trial_columns(owner, result, values)
    if values is None or status is None:
        raise TypeError(f"{owner}: params given without values and status")
    v = np.asarray(values, dtype=np.float64).ravel()
    return list(result), v, check_status(owner, status, v.size)
