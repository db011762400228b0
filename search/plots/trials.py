"""The outer loop over time: each trial's value, and the best value so far.

:func:`plot_best_so_far` compares searches (repeated with several seeds) by
their running minimum, :func:`search.results.running_best`.
:func:`plot_trials` draws one search's history; :func:`trials_figure` is the
figure of ``hpo search``, built from a :class:`search.results.SearchResult`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from search.plots._common import (
    BEST_STAR,
    FAILED_COLOR,
    check_status,
    legend_below,
    spans_decades,
    trial_columns,
    value_ceiling,
    value_limits,
)
from search.results import SearchResult, running_best

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def plot_best_so_far(
    ax: Axes, results: Mapping[str, ArrayLike | Sequence[ArrayLike]], *,
    band: tuple[float, float] | None = (25, 75), min_band_seeds: int = 5,
    log: bool | None = None, start: int = 0, x: Mapping[str, ArrayLike] | None = None,
    colors: Sequence[str] | None = None, xlabel: str = "trial index",
    ylabel: str = "best value so far", legend: bool = True,
) -> dict[str, NDArray[np.float64]]:  # fmt: skip
    """Draw the best value found so far against the trial, one curve per search.

    For a search repeated with several seeds, the curve is the median over
    the seeds of each one's best so far (:func:`search.results.running_best`:
    only finite values count, so a diverged or failed trial, whose value is
    ``inf`` or ``nan``, is never a best), and a band spans the ``band``
    percentiles: how much the luck of the seed matters. Percentiles of two
    to four seeds say little (the quartiles of three are the midpoints
    between them), so with fewer than ``min_band_seeds`` seeds each seed's
    own curve is drawn instead, thin and faint, beside the median. Before a
    search's first finite value its best is ``inf``: not drawn.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    results : dict of str to list of array_like
        Search name -> one ``(n,)`` array of trial values per seed (or a
        ``(seeds, n)`` array). Runs may differ in length: each trial's
        median and band use the seeds that reached it.
    band : (float, float) or None, default (25, 75)
        Percentiles bounding the band (``None``: no band, no seed curves).
    min_band_seeds : int, default 5
        Fewest seeds for a band; with two up to this many minus one, the
        seeds' own curves are drawn instead.
    log : bool, optional
        Log y axis; by default when the values are positive and span a decade.
    start : int, default 0
        The x of the first trial (0: the runner's ``Trial.index``).
    x : dict of str to array_like, optional
        Search name -> ``(n,)`` increasing x of each trial, to draw against
        the compute spent (cumulative seconds, gradient steps) instead of
        the trial index; a search missing from it uses ``start + index``.
    colors : list of str, optional
        One colour per search; default ``"C0"``, ``"C1"``, ...
    xlabel, ylabel : str
        Axis labels.
    legend : bool, default True
        Draw a legend in ``ax``.

    Returns
    -------
    dict of str to ndarray
        Search name -> the median curve drawn ``(n,)`` (``nan`` where no
        seed has a finite value yet).
    """
    curves, drawn = {}, []
    for i, (name, runs) in enumerate(results.items()):
        bests = [r for r in (running_best(r) for r in _runs(runs)) if r.size]
        if not bests:
            continue
        median, lo, hi = _spread(bests, band)
        xs = _trial_x(name, x, start, median.size)
        color = colors[i] if colors is not None else f"C{i}"
        label = name if len(bests) == 1 else f"{name} (median of {len(bests)} seeds)"
        ax.step(xs, median, where="post", color=color, lw=2, label=label, zorder=3)
        if band is not None and 1 < len(bests) < min_band_seeds:
            _each_seed(ax, xs, bests, name=name, color=color)
            drawn += bests
        elif band is not None and len(bests) > 1:
            ax.fill_between(
                xs, lo, hi, step="post", color=color, alpha=0.2, lw=0,
                label=f"{name}: percentiles {band[0]:g} to {band[1]:g}",
            )  # fmt: skip
        curves[name] = median
        drawn += [median, lo, hi]
    if log is None:
        log = spans_decades(np.concatenate(drawn)) if drawn else False
    ax.set_yscale("log" if log else "linear")
    ax.set(xlabel=xlabel, ylabel=ylabel)
    ax.grid(True, which="major", alpha=0.4)
    if log:
        ax.grid(True, which="minor", axis="y", alpha=0.12)
    if legend and curves:
        ax.legend(loc="best", framealpha=0.9)
    return curves


def _runs(runs) -> list[np.ndarray]:
    """The runs of one search as a list of 1-D arrays (a 2-D array: one per row)."""
    if isinstance(runs, np.ndarray):
        return list(np.atleast_2d(runs))
    runs = list(runs)
    if runs and np.ndim(runs[0]) == 0:  # a single run given as a flat list
        return [np.asarray(runs, dtype=np.float64)]
    return [np.asarray(r, dtype=np.float64) for r in runs]


def _spread(bests, band):
    """Median and ``band`` percentiles ``(n,)`` each, over the seeds that got there."""
    table = np.full((len(bests), max(r.size for r in bests)), np.nan)  # (seeds, n)
    for k, r in enumerate(bests):
        table[k, : r.size] = r
    # A seed with no finite value yet has best inf: it sorts above every
    # number, but interpolating with inf gives nan even at weight 0, so it
    # stands in as a finite sentinel above all values; a percentile above
    # the largest finite value had such a seed in it: no value (nan).
    finite = table[np.isfinite(table)]
    top = float(finite.max()) if finite.size else 0.0
    filled = np.where(np.isinf(table), top + 1.0 + abs(top), table)
    stats = [np.nanpercentile(filled, q, axis=0) for q in (50, *(band or (50, 50)))]
    median, lo, hi = (np.where(c > top, np.nan, c) for c in stats)
    return median, lo, hi


def _trial_x(name, x, start, n):
    """The x ``(n,)`` of a search's trials: ``x[name]``, or ``start + index``."""
    if x is None or name not in x:
        return start + np.arange(n)
    xs = np.asarray(x[name], dtype=np.float64).ravel()
    if xs.size < n:
        raise ValueError(
            f"plot_best_so_far: x[{name!r}] has {xs.size} entries for {n} trials"
        )
    return xs[:n]


def _each_seed(ax, xs, bests, *, name, color):
    """Too few seeds for percentiles: each seed's best so far, thin and faint."""
    for k, r in enumerate(bests):
        ax.step(
            xs[: r.size], np.where(np.isinf(r), np.nan, r), where="post",
            color=color, lw=0.8, alpha=0.45, zorder=2,
            label=f"{name}: each of the {len(bests)} seeds" if k == 0 else None,
        )  # fmt: skip


def plot_trials(
    ax: Axes, values: ArrayLike, status: ArrayLike, *, log: bool | None = None,
    ceiling: float | None = None, reference: tuple[float, str] | None = None,
    start: int = 0, xlabel: str = "trial index", ylabel: str = "value",
    legend: bool = True,
) -> Axes:  # fmt: skip
    """Draw the history of one search: each trial's value, and the best so far.

    Trials with status ``"ok"`` are dots; the best so far is a step line and
    the best trial a gold star. Trials with no value on the scale sit in a
    strip along the top edge, counted in the legend: a triangle for a value
    above ``ceiling`` (off the scale), a red ``X`` for a diverged trial and
    a grey ``X`` for a failed one.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    values : array_like
        ``(n,)`` trial values in order (only those of ``"ok"`` trials are read).
    status : array_like of str
        ``(n,)`` each trial's ``Trial.status``: ``"ok"``, ``"diverged"``
        or ``"failed"``.
    log : bool, optional
        Log y axis; by default when the values on the scale span a decade.
    ceiling : float, optional
        Values above it are off the scale; default
        :func:`search.plots.value_ceiling`.
    reference : (float, str), optional
        A value to compare with, drawn as a dashed line with its label
        (the closed-form solution's validation loss, a known minimum).
    start : int, default 0
        The x of the first trial.
    xlabel, ylabel : str
        Axis labels.
    legend : bool, default True
        Draw a legend in ``ax``.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``.
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    s = check_status("plot_trials", status, v.size)
    x = start + np.arange(v.size)
    ok = s == "ok"
    top = value_ceiling(v[ok]) if ceiling is None else ceiling
    on_scale, above = ok & (v <= top), ok & (v > top)
    scale = np.concatenate([v[on_scale], [reference[0]] if reference else []])
    log = spans_decades(scale) if log is None else log
    if on_scale.any():
        ax.plot(
            x[on_scale], v[on_scale], "o", color="C0", ms=4, alpha=0.6, label="trial"
        )
    plot_best_so_far(
        ax, {"best so far": [np.where(ok, v, np.inf)] if ok.any() else []}, log=log,
        start=start, colors=["C1"], xlabel=xlabel, ylabel=ylabel, legend=False,
    )  # fmt: skip
    if ok.any():
        i = int(np.argmin(np.where(ok, v, np.inf)))
        ax.plot(
            x[i], v[i], **BEST_STAR, ms=16, mew=0.8, zorder=5,
            label=f"best: trial {x[i]}, {v[i]:.4g}",
        )  # fmt: skip
    if reference is not None:
        ax.axhline(reference[0], color="0.25", ls="--", lw=1.2, label=reference[1])
    _top_strip(ax, x, s, above=above, ceiling=top)
    ax.set_ylim(*value_limits(scale, log, room=bool((~on_scale).any())))
    ax.set_xlim(start - 0.5 - 0.02 * v.size, start + v.size - 0.5 + 0.02 * v.size)
    if v.size <= 12:  # few trials: one tick each, no fractional trial numbers
        ax.set_xticks(x)
    if legend:
        ax.legend(loc="best", framealpha=0.9)
    return ax


def _top_strip(ax, x, s, *, above, ceiling):
    """The trials with no value on the scale, along the top edge, counted.

    Off the scale (``above`` the ``ceiling``), diverged and failed (by
    status ``s``); x in data, y in axes coordinates.
    """
    strip = ax.get_xaxis_transform()
    marks = [
        (above, "^", "C0", f"off the scale, > {ceiling:.3g}"),
        (s == "diverged", "X", "tab:red", "diverged"),
        (s == "failed", "X", FAILED_COLOR, "failed"),
    ]
    for mask, marker, color, label in marks:
        if mask.any():
            ax.plot(
                x[mask], np.full(mask.sum(), 0.955), marker, color=color, mec="black",
                mew=0.6, ms=8, ls="none", transform=strip, clip_on=False,
                label=f"{label} ({mask.sum()})",
            )  # fmt: skip


def trials_figure(
    result: SearchResult, *, values: ArrayLike | None = None, title: str = "",
    ylabel: str = "value", reference: tuple[float, str] | None = None,
) -> Figure:  # fmt: skip
    """The search history figure of ``hpo search`` (:func:`plot_trials`).

    Parameters
    ----------
    result : search.results.SearchResult
        The search: each trial's value and ``Trial.status``, in index order.
    values : array_like, optional
        ``(n,)`` values to draw instead of the trials' own (e.g. the gap to
        a known minimum); the statuses stay the trials'.
    title, ylabel : str
        Panel title and y label.
    reference : (float, str), optional
        A value to compare with, as in :func:`plot_trials`.

    Returns
    -------
    matplotlib.figure.Figure
        An 8 x 5 inch figure with one panel and a legend below it.
    """
    from matplotlib.figure import Figure

    _, v, s = trial_columns("trials_figure", result, values)
    fig = Figure(figsize=(8, 5), dpi=120, layout="constrained")
    ax = fig.subplots()
    plot_trials(ax, v, s, ylabel=ylabel, reference=reference, legend=False)
    legend_below(fig, ax)
    if title:
        ax.set_title(title)
    return fig
