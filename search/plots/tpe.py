"""The densities of a TPE search over one hyperparameter, and their ratio.

Top: ``l``, the density of the good trials, and ``g``, that of the bad ones
(with the pending points, as the search's next proposal sees them), with the
told trials marked along the bottom; below: the ratio ``l / g`` that the
search maximizes over candidates drawn from ``l``, with its next proposal
marked. Both are the marginals of :meth:`search.tpe_search.TPESearch.densities`
in that hyperparameter (the others summed out).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from search.space import Categorical, Integer

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from search.tpe_search import TPESearch


def _axis(dim: Any, grid: int) -> tuple[list[Any], NDArray[np.float64]]:
    """The values to evaluate at, and where each is drawn on the x axis."""
    if isinstance(dim, Categorical):
        return list(dim.choices), np.arange(len(dim.choices), dtype=np.float64)
    if isinstance(dim, Integer):
        values = (
            list(range(dim.low, dim.high + 1))
            if dim.high - dim.low < grid
            else dim.grid(grid)
        )
        return values, np.array(values, dtype=np.float64)
    values = [dim.from_unit(u) for u in np.linspace(0.0, 1.0, grid)]
    return values, np.array(values)


def _x_of(dim: Any, value: Any) -> float:
    """Where a value of ``dim`` is drawn: itself, or a categorical's index."""
    if isinstance(dim, Categorical):
        return float(dim.choices.index(value))
    return float(value)


def plot_tpe_densities(
    ax_density: Axes, ax_ratio: Axes, strategy: TPESearch, name: str, *,
    grid: int = 200, proposal: dict[str, Any] | None = None, legend: bool = True,
) -> dict[str, NDArray[np.float64]]:  # fmt: skip
    """Draw ``l`` and ``g`` of one hyperparameter, the trials, and ``l / g`` below.

    Top (``ax_density``): the good density ``l`` and the bad density ``g``
    on a grid of the hyperparameter (a density per unit of the warped range
    for a ``Real``, a probability per value for an ``Integer`` or a
    ``Categorical``), and the told trials along the bottom, good and bad
    apart (:meth:`~search.tpe_search.TPESearch.split`). Bottom
    (``ax_ratio``): ``l / g``, whose largest value among the candidates is
    the next proposal::

        l, g = strategy.densities(name, values)
        ratio = l / g

    With ``multivariate=True`` the search maximizes the *joint* ratio over
    all hyperparameters, so its proposal need not sit at this marginal
    ratio's peak; with independent coordinates it maximizes each one's
    ratio among its candidates (drawn from ``l``, not this grid).

    Parameters
    ----------
    ax_density, ax_ratio : matplotlib.axes.Axes
        Where to draw the densities and the ratio.
    strategy : search.tpe_search.TPESearch
        The search, as it stands (never changed by the drawing).
    name : str
        The hyperparameter.
    grid : int, default 200
        Grid points of a ``Real`` (an ``Integer`` of more values: about as many).
    proposal : dict, optional
        The search's next proposal, marked on both panels; default: what a
        copy of the search asks next (so the search itself draws nothing).
    legend : bool, default True
        Draw a legend in each panel.

    Returns
    -------
    dict
        ``"x"`` (where the grid is drawn), ``"l"``, ``"g"`` and ``"ratio"``,
        each ``(m,)``.
    """
    if name not in strategy.space:
        raise ValueError(
            f"plot_tpe_densities: name must be one of {list(strategy.space)}, "
            f"got {name!r}"
        )
    dim = strategy.space[name]
    values, x = _axis(dim, grid)
    l_good, g_bad = strategy.densities(name, values)
    ratio = l_good / g_bad
    style = "o-" if isinstance(dim, Categorical | Integer) and len(x) <= 30 else "-"
    ax_density.plot(x, l_good, style, color="C0", lw=1.8, label="l: good trials")
    ax_density.plot(x, g_bad, style, color="C3", lw=1.8, label="g: bad trials")
    ax_ratio.plot(x, ratio, style, color="C2", lw=1.8, label="l / g")
    _mark_trials(ax_density, strategy, name)
    if proposal is None:
        asked = copy.deepcopy(strategy).ask()
        proposal = asked[0] if asked else None
    if proposal is not None:
        xp = _x_of(dim, proposal[name])
        for ax in (ax_density, ax_ratio):
            ax.axvline(
                xp, color="C1", ls="--", lw=1.4, label="the search's next proposal"
            )
    _finish(ax_density, ax_ratio, dim, name, legend=legend)
    return {"x": x, "l": l_good, "g": g_bad, "ratio": ratio}


def _mark_trials(ax: Axes, strategy: TPESearch, name: str) -> None:
    """The told trials along the bottom: good ones (filled), bad ones (open)."""
    dim = strategy.space[name]
    good, bad = strategy.split()
    for group, label, marker in ((good, "good", "o"), (bad, "bad", "x")):
        xs = [_x_of(dim, params[name]) for params, _ in group]
        color = "C0" if label == "good" else "C3"
        ax.plot(
            xs, np.zeros(len(xs)), marker, color=color, ls="none", ms=6,
            clip_on=False, zorder=4, label=f"{label} trials ({len(xs)})",
        )  # fmt: skip


def _finish(ax_density: Axes, ax_ratio: Axes, dim: Any, name: str, *, legend: bool):
    """Axes: a log x for a log dimension, categorical tick labels, labels, legends."""
    log = bool(getattr(dim, "log", False))
    for ax in (ax_density, ax_ratio):
        ax.set_xscale("log" if log else "linear")
        ax.grid(True, alpha=0.3)
        if isinstance(dim, Categorical):
            ax.set_xticks(range(len(dim.choices)), [str(c) for c in dim.choices])
        if legend:
            ax.legend(loc="best", framealpha=0.9, fontsize="small")
    unit = "probability" if isinstance(dim, Categorical | Integer) else "density"
    ax_density.set_ylabel(unit)
    ax_density.set_ylim(bottom=0.0)
    ax_ratio.set_ylabel("l / g")
    ax_ratio.set_xlabel(f"{name} (log scale)" if log else name)


def tpe_figure(strategy: TPESearch, name: str, *, title: str = "") -> Figure:
    """A figure of :func:`plot_tpe_densities`: densities above, their ratio below.

    Returns
    -------
    matplotlib.figure.Figure
        A 7 x 6 inch figure of two panels sharing the x axis.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 6), dpi=120, layout="constrained")
    ax_density, ax_ratio = fig.subplots(2, 1, sharex=True)
    plot_tpe_densities(ax_density, ax_ratio, strategy, name)
    if title:
        fig.suptitle(title)
    return fig
