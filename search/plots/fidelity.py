"""Multi-fidelity search: each configuration's loss against its budget, and compute.

:func:`plot_rungs` draws what successive halving and Hyperband do (the
picture of the d2l book's chapter on them): every configuration is a line
of its validation loss against the steps it was trained to, through the
rungs' budgets it reached; one that was promoted goes on to the next rung,
one that was stopped ends with a cross. :func:`rungs_figure` is that
picture as a figure. :func:`plot_best_vs_gradient_steps` compares searches
at equal compute: the best value so far against the inner gradient steps
spent (``Trial.gradient_steps``, summed), so that a multi-fidelity search,
most of whose trials are short, is not flattered or punished by a count of
trials.

A *configuration* is a trial's params without ``"steps"``, the budget that
:class:`search.multi_fidelity.MultiFidelity` adds to each proposal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from search.plots._common import (
    BEST_STAR,
    FAILED_COLOR,
    spans_decades,
    trial_columns,
    value_ceiling,
    value_limits,
)
from search.plots.trials import plot_best_so_far
from search.results import SearchResult, Trial, running_best

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


class Curve(NamedTuple):
    """One configuration's results, by budget, as :func:`plot_rungs` draws them."""

    params: dict[str, Any]  # the configuration: a trial's params without "steps"
    steps: NDArray[np.int64]  # (k,) the budgets it was trained to, increasing
    values: NDArray[np.float64]  # (k,) its value at each (inf, nan: no value)
    status: list[str]  # (k,) each trial's Trial.status


def configuration(params: Mapping[str, Any]) -> dict[str, Any]:
    """A trial's params without ``"steps"``: what a promotion trains on.

    Examples
    --------
    >>> configuration({"lr": 0.1, "b1": 0.9, "steps": 33})
    {'lr': 0.1, 'b1': 0.9}
    """
    return {k: v for k, v in params.items() if k != "steps"}


def config_curves(result: SearchResult) -> list[Curve]:
    """Each configuration's trials, in order of its first trial, by increasing steps.

    Raises
    ------
    ValueError
        If a trial does not record its ``steps`` (``Trial.steps`` is
        ``None``: an objective that does not say what it trained).
    """
    trial_columns("config_curves", result)  # a SearchResult with known statuses
    groups: dict[tuple[tuple[str, Any], ...], list[Trial]] = {}
    for t in result.trials:
        if t.steps is None:
            raise ValueError(
                f"config_curves: trial {t.index} has no steps (Trial.steps is None): "
                "the budgets of a multi-fidelity search are needed"
            )
        key = tuple(sorted(configuration(t.params).items()))
        groups.setdefault(key, []).append(t)
    found = []
    for trials in groups.values():
        trials = sorted(trials, key=lambda t: (t.steps, t.index))
        found.append(
            Curve(
                configuration(trials[0].params),
                np.array([t.steps for t in trials], dtype=np.int64),
                np.array([t.value for t in trials], dtype=np.float64),
                [t.status for t in trials],
            )
        )
    return found


def plot_rungs(
    ax: Axes, result: SearchResult, *, log: bool | None = None,
    ceiling: float | None = None, xlabel: str = "steps trained (log scale)",
    ylabel: str = "value", legend: bool = True,
) -> list[Curve]:  # fmt: skip
    """Draw each configuration's value against the steps it was trained to.

    One line per configuration (:func:`config_curves`) through its ``"ok"``
    results at the budgets it reached, coloured by the budget it started at
    (a Hyperband bracket); the rungs' budgets are dotted vertical lines
    and the x ticks. A configuration promoted to the next rung continues its
    line; where a line ends below the top budget the configuration was
    stopped (a cross), and a ring marks each that reached the top. The best
    trial (:attr:`search.results.SearchResult.best`, at whatever budget)
    is a gold star on its configuration's line, drawn black and thick. As in
    :func:`search.plots.plot_trials`, a diverged or failed trial, or a value
    above ``ceiling``, is marked in a strip along the top edge, at its steps.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    result : search.results.SearchResult
        A multi-fidelity search: every trial with its ``Trial.steps``.
    log : bool, optional
        Log y axis; by default when the values on the scale span a decade.
    ceiling : float, optional
        Values above it are off the scale; default
        :func:`search.plots.value_ceiling` of the ``"ok"`` values.
    xlabel, ylabel : str
        Axis labels.
    legend : bool, default True
        Draw a legend in ``ax``.

    Returns
    -------
    list of Curve
        The configurations drawn, in order of their first trial.
    """
    found = config_curves(result)
    budgets = sorted({int(s) for c in found for s in c.steps})
    ok = [c.values[np.array(c.status) == "ok"] for c in found]
    finite = np.concatenate([v[np.isfinite(v)] for v in ok]) if ok else np.zeros(0)
    top = value_ceiling(finite) if ceiling is None else ceiling
    on_scale = finite[finite <= top]
    log = spans_decades(on_scale) if log is None else log
    best = result.best
    best_key = None if best is None else configuration(best.params)
    starts = sorted({int(c.steps[0]) for c in found})
    counts = {s: sum(int(c.steps[0]) == s for c in found) for s in starts}
    ends: dict[str, list[tuple[float, float]]] = {"stopped": [], "top": []}
    labelled: set[int] = set()
    for c in sorted(found, key=lambda c: c.params == best_key):  # the best on top
        good = np.array(c.status) == "ok"
        start = int(c.steps[0])
        is_best = c.params == best_key
        label = None
        if start not in labelled and not is_best:  # one entry per start
            label = (
                f"started at {start} steps ({counts[start]} configurations)"
                if len(starts) > 1
                else f"a configuration ({counts[start]})"
            )
            labelled.add(start)
        ax.plot(
            c.steps[good], c.values[good], "o-", ms=3,
            color="black" if is_best else f"C{starts.index(start)}",
            lw=2.4 if is_best else 1.1, alpha=1.0 if is_best else 0.7,
            zorder=4 if is_best else 2, label=label,
        )  # fmt: skip
        if good[-1]:
            end = "top" if c.steps[-1] == budgets[-1] else "stopped"
            ends[end].append((float(c.steps[-1]), float(c.values[-1])))
    _ends(ax, ends, budgets[-1] if budgets else 0)
    if best is not None:
        shown = ", ".join(
            f"{k} {_short(v)}" for k, v in configuration(best.params).items()
        )
        ax.plot(
            float(best.steps or 0), best.value, **BEST_STAR, ms=16, mew=0.8, zorder=6,
            label=f"best: {best.value:.4g} at {best.steps} steps ({shown})",
        )  # fmt: skip
    _rung_lines(ax, budgets)
    strip = _strip(ax, result.trials, top)
    ax.set_xscale("log")
    if budgets:
        ax.set_xticks(budgets, [str(b) for b in budgets])
        ax.set_xticks([], minor=True)
        ax.set_xlim(budgets[0] / 1.35, budgets[-1] * 1.35)
    ax.set_yscale("log" if log else "linear")
    ax.set_ylim(*value_limits(on_scale, log, room=strip))
    ax.set(xlabel=xlabel, ylabel=ylabel)
    ax.grid(True, axis="y", alpha=0.3)
    if legend:
        ax.legend(loc="best", framealpha=0.9, fontsize="small")
    return found


def _short(value: Any) -> str:
    """A hyperparameter's value for a label: numbers to 3 digits."""
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _ends(ax: Axes, ends: dict[str, list[tuple[float, float]]], top: int) -> None:
    """Crosses where stopped configurations end, rings where the top ones do."""
    marks = [
        ("stopped", "x", f"stopped below {top} steps"),
        ("top", "o", f"trained to {top} steps"),
    ]
    for key, marker, label in marks:
        if ends[key]:
            x, y = np.array(ends[key]).T  # (k,) each
            ax.plot(
                x, y, marker, color="black", mfc="none", ms=7 if marker == "o" else 5,
                mew=1.0, ls="none", zorder=5,
                label=f"{label} ({len(x)})",
            )  # fmt: skip


def _rung_lines(ax: Axes, budgets: Sequence[int]) -> None:
    """The rungs: a dotted vertical line at each budget."""
    for k, b in enumerate(budgets):
        ax.axvline(
            b, color="0.45", ls=":", lw=1.0, zorder=1,
            label=f"rungs: {', '.join(map(str, budgets))} steps" if k == 0 else None,
        )  # fmt: skip


def _strip(ax: Axes, trials: Sequence[Trial], ceiling: float) -> bool:
    """Trials with no value on the scale along the top edge, at their steps, counted.

    Returns whether any was drawn (the y limits then leave room for them).
    """
    steps = np.array([t.steps for t in trials], dtype=np.float64)  # (n,)
    value = np.array([t.value for t in trials], dtype=np.float64)  # (n,)
    status = np.array([t.status for t in trials])  # (n,)
    marks = [
        ((status == "ok") & (value > ceiling), "^", "C0", f"off the scale, > {ceiling:.3g}"),
        (status == "diverged", "X", "tab:red", "diverged"),
        (status == "failed", "X", FAILED_COLOR, "failed"),
    ]  # fmt: skip
    for mask, marker, color, label in marks:
        if mask.any():
            ax.plot(
                steps[mask], np.full(mask.sum(), 0.955), marker, color=color,
                mec="black", mew=0.6, ms=8, ls="none", clip_on=False,
                transform=ax.get_xaxis_transform(), label=f"{label} ({mask.sum()})",
            )  # fmt: skip
    return bool(any(mask.any() for mask, *_ in marks))


def rungs_figure(
    result: SearchResult, *, title: str = "", ylabel: str = "value"
) -> Figure:
    """The picture of :func:`plot_rungs` as a figure, with its legend below.

    Returns
    -------
    matplotlib.figure.Figure
        An 8 x 5.5 inch figure with one panel.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 5.5), dpi=120, layout="constrained")
    ax = fig.subplots()
    plot_rungs(ax, result, ylabel=ylabel, legend=False)
    handles, labels = ax.get_legend_handles_labels()
    if handles:  # two columns: the entries are long
        fig.legend(handles, labels, loc="outside lower center", ncols=2, frameon=False)
    if title:
        ax.set_title(title)
    return fig


def plot_best_vs_gradient_steps(
    ax: Axes, results: Mapping[str, SearchResult | Sequence[SearchResult]], *,
    offset: float = 0.0, band: tuple[float, float] | None = (25, 75),
    min_band_seeds: int = 5, log: bool | None = None,
    colors: Sequence[str] | None = None,
    xlabel: str = "inner gradient steps spent (log scale)",
    ylabel: str = "best value so far", legend: bool = True,
) -> dict[str, tuple[NDArray[np.float64], NDArray[np.float64]]]:  # fmt: skip
    """Draw the best value so far against the gradient steps spent, one line per search.

    A search's x is the running total of its trials' ``Trial.gradient_steps``
    (in trial order); its y, the best value so far
    (:func:`search.results.running_best`) minus ``offset``. A search run
    with several seeds spends its steps differently in each, so every seed
    is read at the same x, the totals of all of them (a seed's best at
    ``x`` is that after its trials whose total is ``<= x``), and the median
    and band are those of :func:`search.plots.plot_best_so_far` over the
    seeds that spent that many steps.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    results : dict of str to SearchResult or list of SearchResult
        Search name -> one result, or one per seed; every trial with its
        ``Trial.gradient_steps``.
    offset : float, default 0.0
        Subtracted from every value (a reference just below them all, so
        that a log axis shows the end of the race).
    band, min_band_seeds, log, colors, xlabel, ylabel, legend
        As in :func:`search.plots.plot_best_so_far`.

    Returns
    -------
    dict of str to (ndarray, ndarray)
        Search name -> the x ``(m,)`` and the median curve drawn ``(m,)``.
    """
    runs, xs = {}, {}
    for name, given in results.items():
        seeds = [given] if isinstance(given, SearchResult) else list(given)
        totals = [_spent(name, r) for r in seeds]  # each (n_k,)
        x = np.unique(np.concatenate(totals))  # (m,) every seed's totals
        xs[name] = x
        runs[name] = [
            _read_at(x, spent, running_best([t.value for t in r.trials]) - offset)
            for r, spent in zip(seeds, totals, strict=True)
        ]
    medians = plot_best_so_far(
        ax, runs, x=xs, band=band, min_band_seeds=min_band_seeds, log=log,
        colors=colors, xlabel=xlabel, ylabel=ylabel, legend=legend,
    )  # fmt: skip
    ax.set_xscale("log")
    return {name: (xs[name], median) for name, median in medians.items()}


def _spent(name: str, result: SearchResult) -> NDArray[np.float64]:
    """The gradient steps ``(n,)`` spent by the end of each trial: a running total."""
    if not isinstance(result, SearchResult):
        raise TypeError(
            f"plot_best_vs_gradient_steps: results[{name!r}] must be a "
            f"SearchResult or a list of them, got {result!r}"
        )
    steps = [t.gradient_steps for t in result.trials]
    if any(s is None for s in steps):
        raise ValueError(
            f"plot_best_vs_gradient_steps: results[{name!r}] has trials with no "
            "gradient_steps (Trial.gradient_steps is None)"
        )
    return np.cumsum(np.array(steps, dtype=np.float64))


def _read_at(
    x: NDArray[np.float64], spent: NDArray[np.float64], best: NDArray[np.float64]
) -> NDArray[np.float64]:
    """A seed's best so far read at ``x`` ``(m,)``, up to the steps it spent.

    ``inf`` before its first trial ends; the run stops at its own total, so
    that the median at larger ``x`` is over the seeds that got there.
    """
    x = x[x <= spent[-1]] if spent.size else x[:0]  # (m_k,)
    i = np.searchsorted(spent, x, side="right") - 1  # its last trial done by x
    return np.where(i >= 0, best[np.maximum(i, 0)], np.inf)
