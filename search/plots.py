"""Pictures of both loops: optimizer paths and loss curves; search histories and heat maps.

Shared by ``hpo descend``, ``hpo search`` and the walkthrough. Matplotlib is
imported inside the functions that draw, never at module import, so the
numeric core of the package imports only NumPy (``import search.cli`` stays
matplotlib-free). Figures are built with :class:`matplotlib.figure.Figure`
directly, which needs no GUI backend and no global pyplot state.

Every function that draws takes an ``ax`` (a :class:`matplotlib.axes.Axes`).
The inner-loop functions take the optimizers in a ``dict`` keyed by name; the
``i``-th name gets the colour ``"C{i}"`` in every panel, so one optimizer has
one colour throughout. The outer-loop functions (:func:`plot_trials`,
:func:`plot_best_so_far`, :func:`plot_loss_surface`) take the trials' values
as an array, ``inf`` for a diverged trial and ``nan`` for a failed one (as
:class:`search.runner.Trial` records them).
"""

from __future__ import annotations

import numpy as np


def distance_to_nearest(x, minimizers) -> np.ndarray:
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


def image_formats() -> list[str]:
    """File extensions matplotlib can write (``png``, ``pdf``, ``svg``, ...)."""
    from matplotlib.backend_bases import FigureCanvasBase

    return sorted(FigureCanvasBase.get_supported_filetypes())


def plot_contour_paths(
    ax, surface, paths, *, start=None, levels=22, grid=300, cmap="bone", legend=True
):
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
        A surface with ``dim == 2``, ``value``, ``minimizers``, ``minimum``
        and ``bounds``.
    paths : dict of str to array_like
        Optimizer name -> iterates ``(steps + 1, 2)``; the first row is the start.
    start : array_like, optional
        ``(2,)`` start to mark; default: the first row of the first path.
    levels : int, default 22
        Number of contour levels.
    grid : int, default 300
        Grid points per axis.
    cmap : str, default "bone"
        Colormap of the filled contours (dark valley, light walls).
    legend : bool, default True
        Draw a legend in ``ax``.

    Returns
    -------
    matplotlib.contour.QuadContourSet
        The filled contours, for a colour bar.
    """
    from matplotlib.colors import LogNorm

    if surface.dim != 2:
        raise ValueError(
            f"plot_contour_paths: the surface must be 2-D, got dim={surface.dim}"
        )
    paths = {name: np.asarray(p, dtype=np.float64) for name, p in paths.items()}
    start = next(iter(paths.values()))[0] if start is None else np.asarray(start)
    low, high = _region(surface, paths, start)
    x1, x2 = np.linspace(low[0], high[0], grid), np.linspace(low[1], high[1], grid)
    X = np.stack(np.meshgrid(x1, x2), axis=-1)  # (grid, grid, 2)
    gap = np.maximum(surface.value(X) - surface.minimum, 0.0)  # (grid, grid)
    top = max(float(np.percentile(gap, 99)), 1e-12)
    offset = 1e-5 * top
    bounds = np.geomspace(offset, top + offset, levels)
    filled = ax.contourf(
        x1,
        x2,
        gap + offset,
        levels=bounds,
        norm=LogNorm(),
        cmap=cmap,
        extend="max",  # the top 1% of the region is above the last level
        alpha=0.6,
    )
    ax.contour(x1, x2, gap + offset, levels=bounds, colors="0.45", linewidths=0.4)
    for i, (name, path) in enumerate(paths.items()):
        ax.plot(path[:, 0], path[:, 1], color=f"C{i}", lw=1.6, label=name, zorder=3)
        ax.plot(*path[-1], "o", color=f"C{i}", ms=6, mec="black", mew=0.6, zorder=4)
    m = surface.minimizers
    ax.plot(
        m[:, 0],
        m[:, 1],
        "*",
        color="gold",
        ms=16,
        mec="black",
        mew=0.8,
        label="minimizer",
        zorder=5,
        ls="none",
    )
    ax.plot(
        *start, "o", color="white", ms=8, mec="black", mew=1.2, label="start", zorder=5
    )
    ax.set(
        xlim=(low[0], high[0]), ylim=(low[1], high[1]), xlabel="$x_1$", ylabel="$x_2$"
    )
    if legend:
        ax.legend(loc="best", framealpha=0.9)
    return filled


def _region(surface, paths, start, pad=0.1):
    """Plot box ``(low, high)``, each ``(2,)``: paths, start and minimizers, padded."""
    lo_b, hi_b = (np.asarray(b, dtype=np.float64) for b in surface.bounds)
    points = [np.atleast_2d(start), surface.minimizers]
    for path in paths.values():
        inside = np.all((path >= lo_b) & (path <= hi_b), axis=-1)  # (steps + 1,)
        points.append(path[inside])
    points = np.concatenate(points)  # (n, 2)
    low, high = points.min(axis=0), points.max(axis=0)
    span = np.maximum(high - low, 1e-3 * np.maximum(1.0, np.abs(high)))
    low, high = low - pad * span, high + pad * span
    return np.maximum(low, lo_b), np.minimum(high, hi_b)


def plot_loss_curves(
    ax, curves, *, ylabel="loss", xlabel="step", headroom=10, legend=True
):
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
    curves = {name: np.asarray(c, dtype=np.float64) for name, c in curves.items()}
    starts = [c[0] for c in curves.values() if c.size and 0 < c[0] < np.inf]
    ceiling = min(max(starts, default=1.0) * 10.0**headroom, 1e300)
    # limits are set from the data below: autoscaling would overflow near 1e308
    ax.set_yscale("log")
    ax.set_autoscaley_on(False)
    for i, (name, curve) in enumerate(curves.items()):
        curve = np.where(np.isfinite(curve), np.minimum(curve, ceiling), curve)
        curves[name], label = curve, name
        if not np.all(np.isfinite(curve)):
            k = int(np.argmax(~np.isfinite(curve)))  # the first non-finite step
            label = f"{name} (diverged at step {k})"
            if k > 0:
                ax.plot(k - 1, curve[k - 1], "x", color=f"C{i}", ms=10, mew=2)
        ax.plot(np.arange(curve.size), curve, color=f"C{i}", lw=1.6, label=label)
    ax.set_ylim(*_log_limits(curves.values()))
    ax.set(xlabel=xlabel, ylabel=ylabel)
    ax.grid(True, which="major", alpha=0.4)
    if legend:
        ax.legend(loc="best", framealpha=0.9)
    return ax


def _log_limits(curves, pad=0.04):
    """Y limits: the range of the finite positive values, widened by ``pad`` of it.

    The padding is in decades (a fraction of the log-range, at least
    ``pad`` decades); with no finite positive value, ``(0.1, 10)``.
    """
    logs = [np.log10(c[np.isfinite(c) & (c > 0)]) for c in curves]  # each (k,)
    logs = [v for v in logs if v.size]
    if not logs:
        return 0.1, 10.0
    low, high = min(v.min() for v in logs), max(v.max() for v in logs)
    margin = pad * max(high - low, 1.0)
    return 10 ** (low - margin), 10 ** (high + margin)


def descend_figure(surface, paths, values, *, title="", solution="minimizer"):
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
        The surface trained on (``dim``, ``value``, ``minimizers``, ``minimum``).
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
    from matplotlib.ticker import LogLocator

    fig = Figure(figsize=(12, 5.6), dpi=120, layout="constrained")
    fig.get_layout_engine().set(wspace=0.08)  # room between colour bar and panel
    left, right = fig.subplots(1, 2)
    if surface.dim == 2:
        diverged = {k: not np.isfinite(v[-1]) for k, v in values.items()}
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


# ================================================================ the outer loop

# Diverged trials: hatched light red, a colour the default colormap lacks.
DIVERGED_STYLE = {"facecolor": "#f9dcdc", "edgecolor": "tab:red", "hatch": "///"}
FAILED_COLOR = "0.6"
# Finite values above the top of the colour scale (see value_ceiling).
OFF_SCALE_COLOR = "#f28e2b"
# Decades above the median finite value that the y and colour scales show.
HEADROOM = 3


def running_best(values) -> np.ndarray:
    """The lowest finite value among the first ``i + 1`` trials, for each ``i``.

    ::

        best_i = min(v_0, ..., v_i)    over the finite v_j (inf before the first)

    Parameters
    ----------
    values : array_like
        ``(n,)`` trial values in order; ``inf`` (diverged) and ``nan``
        (failed) never count as a best.

    Returns
    -------
    ndarray
        ``(n,)`` running minimum.

    Examples
    --------
    >>> running_best([np.nan, 3.0, np.inf, 1.0, 2.0])
    array([inf,  3.,  3.,  1.,  1.])
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    v = np.where(np.isfinite(v), v, np.inf)
    return np.minimum.accumulate(v) if v.size else v


def trial_status(values, status=None) -> np.ndarray:
    """Each trial's status: as given, or read off its value.

    A finite value is ``"ok"``, ``nan`` is ``"failed"`` and ``inf``
    ``"diverged"``, which is how :class:`search.runner.Trial` stores them.

    Examples
    --------
    >>> trial_status([1.0, np.inf, np.nan]).tolist()
    ['ok', 'diverged', 'failed']
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    if status is not None:
        s = np.asarray(status, dtype=str).ravel()
        if s.shape != v.shape:
            raise ValueError(
                f"status must have one entry per value ({v.size}), got {s.size}"
            )
        return s
    return np.where(np.isfinite(v), "ok", np.where(np.isnan(v), "failed", "diverged"))


def value_ceiling(values, headroom=HEADROOM) -> float:
    """The top of a value scale: larger finite values are drawn "off the scale".

    ::

        ceiling = 10**headroom * median(v)    over the finite v, if the median is > 0

    SGD with too large a learning rate can end 200 steps at ``1e162``
    without overflowing; on a scale reaching that high every useful value
    would share one colour. With a median ``<= 0`` (a surface whose minimum
    is negative) the ceiling is the largest finite value; with none, ``inf``.

    Examples
    --------
    >>> value_ceiling([1.0, 2.0, 3.0, 1e162])
    2500.0
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[np.isfinite(v)]
    if not v.size:
        return np.inf
    median = float(np.median(v))
    return median * 10.0**headroom if median > 0 else float(v.max())


def _spans_decades(values) -> bool:
    """A log axis fits: every finite value is positive, and they span most of a decade.

    (A ratio of 5 already leaves the smallest values, the interesting ones,
    squeezed into the bottom fifth of a linear axis.)
    """
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    return bool(v.size) and v.min() > 0 and v.max() >= 5 * v.min()


def _value_limits(values, log, room=False):
    """Axis limits around the finite ``values``, padded; ``room`` adds a top strip.

    On a log axis the padding is in decades. The strip (a tenth of the
    height) holds the markers of trials with no value on the scale.
    """
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v) & (v > 0)] if log else v[np.isfinite(v)]
    if not v.size:
        return (0.1, 10.0) if log else (0.0, 1.0)
    low, high = (np.log10(v.min()), np.log10(v.max())) if log else (v.min(), v.max())
    span = high - low
    if span == 0:
        span = 1.0 if log else max(abs(high), 1.0) * 0.2
    low, high = low - 0.05 * span, high + (0.16 if room else 0.05) * span
    return (10.0**low, 10.0**high) if log else (low, high)


def plot_best_so_far(
    ax,
    results,
    *,
    band=(25, 75),
    min_band_seeds=5,
    log=None,
    start=0,
    x=None,
    colors=None,
    xlabel="trial index",
    ylabel="best value so far",
    legend=True,
):
    """Draw the best value found so far against the trial, one curve per search.

    For a search repeated with several seeds, the curve is the median over
    the seeds of each one's best so far (:func:`running_best`), and a band
    spans the ``band`` percentiles: how much the luck of the seed matters.
    Percentiles of two to four seeds say little (the quartiles of three are
    the midpoints between them), so with fewer than ``min_band_seeds`` seeds
    each seed's own curve is drawn instead, thin and faint, beside the
    median. Before a search's first finite value its best is ``inf``: not
    drawn.

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
        runs = [running_best(r) for r in _runs(runs)]
        runs = [r for r in runs if r.size]
        if not runs:
            continue
        table = np.full((len(runs), max(r.size for r in runs)), np.nan)  # (seeds, n)
        for k, r in enumerate(runs):
            table[k, : r.size] = r
        # A seed with no finite value yet has best inf: it sorts above every
        # number, but interpolating with inf gives nan even at weight 0, so it
        # stands in as a finite sentinel above all values; a percentile above
        # the largest finite value had such a seed in it: no value (nan).
        finite = table[np.isfinite(table)]
        top = float(finite.max()) if finite.size else 0.0
        filled = np.where(np.isinf(table), top + 1.0 + abs(top), table)
        stats = [
            np.nanpercentile(filled, q, axis=0)  # (n,): over the seeds that got there
            for q in (50, *(band or (50, 50)))
        ]
        median, lo, hi = (np.where(c > top, np.nan, c) for c in stats)
        if x is not None and name in x:
            xs = np.asarray(x[name], dtype=np.float64).ravel()
            if xs.size < median.size:
                raise ValueError(
                    f"plot_best_so_far: x[{name!r}] has {xs.size} entries "
                    f"for {median.size} trials"
                )
            xs = xs[: median.size]
        else:
            xs = start + np.arange(median.size)
        color = colors[i] if colors is not None else f"C{i}"
        label = name if len(runs) == 1 else f"{name} (median of {len(runs)} seeds)"
        ax.step(xs, median, where="post", color=color, lw=2, label=label, zorder=3)
        if band is not None and 1 < len(runs) < min_band_seeds:
            for k, r in enumerate(runs):  # too few seeds for percentiles: each one
                ax.step(
                    xs[: r.size], np.where(np.isinf(r), np.nan, r), where="post",
                    color=color, lw=0.8, alpha=0.45, zorder=2,
                    label=f"{name}: each of the {len(runs)} seeds" if k == 0 else None,
                )  # fmt: skip
            drawn += runs
        elif band is not None and len(runs) > 1:
            ax.fill_between(
                xs,
                lo,
                hi,
                step="post",
                color=color,
                alpha=0.2,
                lw=0,
                label=f"{name}: percentiles {band[0]:g} to {band[1]:g}",
            )
        curves[name] = median
        drawn += [median, lo, hi]
    if log is None:
        log = _spans_decades(np.concatenate(drawn)) if drawn else False
    ax.set_yscale("log" if log else "linear")
    ax.set(xlabel=xlabel, ylabel=ylabel)
    ax.grid(True, which="major", alpha=0.4)
    if log:
        ax.grid(True, which="minor", axis="y", alpha=0.12)
    if legend and curves:
        ax.legend(loc="best", framealpha=0.9)
    return curves


def _runs(runs) -> list:
    """The runs of one search as a list of 1-D arrays (a 2-D array: one per row)."""
    if isinstance(runs, np.ndarray):
        return list(np.atleast_2d(runs))
    runs = list(runs)
    if runs and np.ndim(runs[0]) == 0:  # a single run given as a flat list
        return [np.asarray(runs, dtype=np.float64)]
    return [np.asarray(r, dtype=np.float64) for r in runs]


def plot_trials(
    ax,
    values,
    *,
    status=None,
    log=None,
    ceiling=None,
    reference=None,
    start=0,
    xlabel="trial index",
    ylabel="value",
    legend=True,
):
    """Draw the history of one search: each trial's value, and the best so far.

    Trials with a finite value are dots; the best so far is a step line and
    the best trial a gold star. Trials with no value on the scale sit in a
    strip along the top edge, counted in the legend: a triangle for a value
    above ``ceiling`` (off the scale), a red ``X`` for a diverged trial and
    a grey ``X`` for a failed one.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    values : array_like
        ``(n,)`` trial values in order (``inf`` diverged, ``nan`` failed).
    status : array_like of str, optional
        ``(n,)`` statuses (see :func:`trial_status`); by default from the values.
    log : bool, optional
        Log y axis; by default when the values on the scale span a decade.
    ceiling : float, optional
        Values above it are off the scale; default :func:`value_ceiling`.
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
    s = trial_status(v, status)
    x = start + np.arange(v.size)
    ok = s == "ok"
    top = value_ceiling(v[ok]) if ceiling is None else ceiling
    on_scale, above = ok & (v <= top), ok & (v > top)
    scale = np.concatenate([v[on_scale], [reference[0]] if reference else []])
    log = _spans_decades(scale) if log is None else log
    if on_scale.any():
        ax.plot(
            x[on_scale], v[on_scale], "o", color="C0", ms=4, alpha=0.6, label="trial"
        )
    plot_best_so_far(
        ax,
        {"best so far": [np.where(ok, v, np.inf)] if ok.any() else []},
        log=log,
        start=start,
        colors=["C1"],
        xlabel=xlabel,
        ylabel=ylabel,
        legend=False,
    )
    if ok.any():
        i = int(np.argmin(np.where(ok, v, np.inf)))
        ax.plot(
            x[i], v[i], "*", color="gold", ms=16, mec="black", mew=0.8, zorder=5,
            label=f"best: trial {x[i]}, {v[i]:.4g}",
        )  # fmt: skip
    if reference is not None:
        ax.axhline(reference[0], color="0.25", ls="--", lw=1.2, label=reference[1])
    # the strip along the top: x in data, y in axes coordinates
    strip = ax.get_xaxis_transform()
    marks = [
        (above, "^", "C0", f"off the scale, > {top:.3g}"),
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
    ax.set_ylim(*_value_limits(scale, log, room=bool((~on_scale).any())))
    ax.set_xlim(start - 0.5 - 0.02 * v.size, start + v.size - 0.5 + 0.02 * v.size)
    if v.size <= 12:  # few trials: one tick each, no fractional trial numbers
        ax.set_xticks(x)
    if legend:
        ax.legend(loc="best", framealpha=0.9)
    return ax


def plot_loss_surface(
    ax,
    space,
    params,
    values,
    *,
    names=None,
    status=None,
    labels=None,
    ceiling=None,
    cmap="viridis",
    legend=True,
):
    """Draw the hyperparameter loss surface over two dimensions as a heat map.

    A full product grid (what :class:`~search.grid_search.GridSearch`
    evaluates) is drawn as it is: one cell per grid point, coloured by its
    value, nothing interpolated. Scattered trials (random or Bayesian
    search) are drawn as points coloured by their value, over a faint
    surface interpolated linearly between them: a Delaunay triangulation
    made in the warped coordinates (by order of magnitude for a log-scaled
    dimension, each range scaled to ``[0, 1]``). Evaluating a separate
    background grid would cost one training run per cell; the interpolation
    is free, but it is a sketch, so it is drawn only inside the points'
    convex hull and never across a triangle touching a diverged trial
    (hatched red) or a failed one (grey). A categorical dimension has no
    order to interpolate along: then points only.

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
        ``(n,)`` their values (``inf`` diverged, ``nan`` failed).
    names : (str, str), optional
        The dimensions on the x and y axes; required unless ``space`` has
        exactly two. Others are ignored (the picture is then a projection).
    status : array_like of str, optional
        ``(n,)`` statuses; by default from the values (:func:`trial_status`).
    labels : dict of str to str, optional
        Axis label per dimension (default: its name); " (log scale)" is
        appended for a log-scaled one.
    ceiling : float, optional
        Top of the colour scale; default :func:`value_ceiling`.
    cmap : str, default "viridis"
        Colormap (low values dark).
    legend : bool, default True
        Draw a legend in ``ax``.

    Returns
    -------
    matplotlib.cm.ScalarMappable or None
        What a colour bar needs; ``None`` if no trial has a finite value.
    """
    from matplotlib import colormaps
    from matplotlib.colors import LogNorm, Normalize
    from matplotlib.patches import Rectangle

    names = _two_names(space, names)
    dims = [space[n] for n in names]
    xs, ys = (
        np.array([_coord(d, p[n]) for p in params])
        for n, d in zip(names, dims, strict=True)
    )
    v = np.asarray(values, dtype=np.float64).ravel()
    s = trial_status(v, status)
    if not len(xs) == v.size == s.size:
        raise ValueError(f"{len(xs)} params for {v.size} values and {s.size} statuses")
    ok = s == "ok"
    top = value_ceiling(v[ok]) if ceiling is None else ceiling
    norm = None
    if ok.any():
        # the colours span the values on the scale; those above take the top colour
        low, high = float(v[ok].min()), float(v[ok & (v <= top)].max())
        positive = low > 0
        if high <= low:  # one value: a small range around it
            low, high = (low / 1.5, low * 1.5) if positive else (low - 1, low + 1)
        norm = (LogNorm if positive else Normalize)(low, high)
    cmap = colormaps[cmap].with_extremes(over=OFF_SCALE_COLOR)
    cells = _grid_cells(xs, ys)
    if cells is not None:
        mappable = _draw_cells(ax, dims, xs, ys, v, s, cells, norm, cmap)
    else:
        mappable = _draw_points(ax, dims, xs, ys, v, s, norm, cmap)
    if ok.any():
        i = int(np.argmin(np.where(ok, v, np.inf)))
        ax.plot(
            xs[i], ys[i], "*", color="gold", ms=20, mec="black", mew=1, zorder=6,
            label=f"best, {v[i]:.4g}",
        )  # fmt: skip
    above = ok & (v > top)
    if above.any():  # a legend entry for the colour no colour bar tick names
        label = f"off the scale, > {top:.3g} ({above.sum()})"
        i = int(np.argmax(above))  # a zero-size patch at one of them: a legend swatch
        ax.add_patch(Rectangle((xs[i], ys[i]), 0, 0, fc=OFF_SCALE_COLOR, label=label))
    for set_axis, name, dim, c in zip(("x", "y"), names, dims, (xs, ys), strict=True):
        _set_axis(ax, set_axis, dim, (labels or {}).get(name, name), c, cells)
    if legend:
        ax.legend(loc="best", framealpha=0.9)
    return mappable


def _two_names(space, names):
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


def _categorical(dim) -> bool:
    return hasattr(dim, "choices")


def _coord(dim, value) -> float:
    """Where ``value`` sits on its axis: itself, or a categorical's index."""
    if _categorical(dim):
        return float(round(dim.to_unit(value) * len(dim.choices) - 0.5))
    return float(value)


def _warp(dim, x):
    """Axis coordinate -> position in ``[0, 1]`` (by order of magnitude if ``log``)."""
    x, low, high = np.asarray(x, dtype=np.float64), float(dim.low), float(dim.high)
    if dim.log:
        return np.log(x / low) / np.log(high / low)
    return (x - low) / (high - low)


def _unwarp(dim, w):
    """Inverse of :func:`_warp` (continuous, also for an integer dimension)."""
    low, high = float(dim.low), float(dim.high)
    return low * (high / low) ** w if dim.log else low + w * (high - low)


def _grid_cells(xs, ys):
    """The grid's distinct x and y values, if the points are a full product grid."""
    ux, uy = np.unique(xs), np.unique(ys)
    full = (
        len(set(zip(xs.tolist(), ys.tolist(), strict=True)))
        == xs.size
        == ux.size * uy.size
    )
    return (ux, uy) if full and ux.size > 1 and uy.size > 1 else None


def _edges(dim, centres) -> np.ndarray:
    """Cell edges ``(m + 1,)`` around ``m`` sorted centres: midway, in log if ``log``."""
    log = not _categorical(dim) and dim.log
    w = np.log(centres) if log else centres
    inner = (w[1:] + w[:-1]) / 2
    edges = np.concatenate([[2 * w[0] - inner[0]], inner, [2 * w[-1] - inner[-1]]])
    return np.exp(edges) if log else edges


def _draw_cells(ax, dims, xs, ys, v, s, cells, norm, cmap):
    """The grid: one coloured cell per point; diverged hatched, failed grey."""
    from matplotlib.patches import Rectangle

    (ux, uy), (dx, dy) = cells, dims
    xe, ye = _edges(dx, ux), _edges(dy, uy)
    ix, iy = np.searchsorted(ux, xs), np.searchsorted(uy, ys)
    z = np.full((uy.size, ux.size), np.nan)  # (rows: y, columns: x)
    z[iy, ix] = np.where(s == "ok", v, np.nan)
    mappable = None
    if norm is not None:
        mappable = ax.pcolormesh(
            xe, ye, np.ma.masked_invalid(z), cmap=cmap, norm=norm, zorder=1
        )
    for status, style, label in (
        ("diverged", DIVERGED_STYLE, "diverged"),
        ("failed", {"facecolor": FAILED_COLOR}, "failed"),
    ):
        for k, (i, j) in enumerate(zip(ix[s == status], iy[s == status], strict=True)):
            corner, width = (xe[i], ye[j]), (xe[i + 1] - xe[i], ye[j + 1] - ye[j])
            ax.add_patch(
                Rectangle(
                    corner, *width, lw=0, zorder=2, **style,
                    label=f"{label} ({(s == status).sum()})" if k == 0 else None,
                )
            )  # fmt: skip
    ax.plot(xs, ys, ".", color="black", ms=2.5, alpha=0.5, label="grid point", zorder=3)
    return mappable


def _draw_points(ax, dims, xs, ys, v, s, norm, cmap):
    """Scattered trials coloured by value, over the interpolated surface."""
    ok = s == "ok"
    if norm is not None and not any(map(_categorical, dims)):
        _draw_interpolated(ax, dims, xs, ys, v, s, norm, cmap)
    mappable = None
    if ok.any():
        mappable = ax.scatter(
            xs[ok], ys[ok], c=v[ok], cmap=cmap, norm=norm, s=46, edgecolors="black",
            linewidths=0.8, zorder=4,
        )  # fmt: skip
        # the legend's marker in a neutral colour (the scatter's would be the first's)
        label = f"trial, coloured by its value ({ok.sum()})"
        ax.plot([], [], "o", mfc="0.85", mec="black", ms=7, ls="none", label=label)
    for status, color in (("diverged", "tab:red"), ("failed", FAILED_COLOR)):
        mask = s == status
        if mask.any():
            ax.scatter(
                xs[mask], ys[mask], marker="X", s=70, color=color, edgecolors="black",
                linewidths=0.8, zorder=5, label=f"{status} ({mask.sum()})",
            )  # fmt: skip
    return mappable


def _draw_interpolated(ax, dims, xs, ys, v, s, norm, cmap, subdiv=3):
    """Linear interpolation between the trials, in warped coordinates, drawn faintly.

    The Delaunay triangles of the trials in warped coordinates are each cut
    into ``4**subdiv`` small ones (values interpolated linearly, of the log
    of the value on a log colour scale), whose corners are then mapped back
    to the axes' coordinates, so the filled contours follow the triangles
    exactly on log axes too.
    """
    from matplotlib.collections import PolyCollection
    from matplotlib.colors import LogNorm
    from matplotlib.tri import LinearTriInterpolator, Triangulation, UniformTriRefiner

    (dx, dy), ok = dims, s == "ok"
    try:  # needs three points not on a line
        tri = Triangulation(_warp(dx, xs), _warp(dy, ys))
    except (ValueError, RuntimeError):
        return
    corners = s[tri.triangles]  # (triangles, 3)
    polygons = np.stack([xs[tri.triangles], ys[tri.triangles]], axis=-1)  # (t, 3, 2)
    diverged = np.any(corners == "diverged", axis=1)
    failed = np.any(corners == "failed", axis=1) & ~diverged
    for touching, style in (
        (diverged, DIVERGED_STYLE),
        (failed, {"facecolor": FAILED_COLOR}),
    ):
        if touching.any():
            ax.add_collection(
                PolyCollection(polygons[touching], lw=0, alpha=0.6, zorder=1, **style)
            )
    tri.set_mask(~np.all(corners == "ok", axis=1))
    if tri.mask.all():
        return
    log = isinstance(norm, LogNorm)
    z = np.where(ok, np.log10(np.where(ok, v, 1.0)) if log else v, 0.0)  # (n,)
    fine, z_fine = UniformTriRefiner(tri).refine_field(
        z, triinterpolator=LinearTriInterpolator(tri, z), subdiv=subdiv
    )
    fine = Triangulation(
        _unwarp(dx, fine.x), _unwarp(dy, fine.y), fine.triangles, mask=fine.mask
    )
    levels = (np.geomspace if log else np.linspace)(norm.vmin, norm.vmax, 13)
    ax.tricontourf(
        fine, 10.0**z_fine if log else z_fine, levels=levels, norm=norm, cmap=cmap,
        extend="both", alpha=0.55, zorder=0.5,
    )  # fmt: skip


def _set_axis(ax, which, dim, label, coords, cells):
    """Scale, limits, ticks and label of one axis of the heat map."""
    set_scale, set_lim, set_label = (
        getattr(ax, f"set_{which}{part}") for part in ("scale", "lim", "label")
    )
    if _categorical(dim):
        n = len(dim.choices)
        getattr(ax, f"set_{which}ticks")(range(n), [str(c) for c in dim.choices])
        set_lim(-0.5, n - 0.5)
        set_label(label)
        return
    set_scale("log" if dim.log else "linear")
    if cells is not None:
        edges = _edges(dim, cells[0] if which == "x" else cells[1])
        set_lim(edges[0], edges[-1])
    else:  # the whole search range, a little wider so edge points show
        set_lim(_unwarp(dim, -0.03), _unwarp(dim, 1.03))
    set_label(f"{label} (log scale)" if dim.log else label)


def trials_figure(values, *, status=None, title="", ylabel="value", reference=None):
    """The search history figure of ``hpo search`` (:func:`plot_trials`).

    Returns
    -------
    matplotlib.figure.Figure
        An 8 x 5 inch figure with one panel and a legend below it.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 5), dpi=120, layout="constrained")
    ax = fig.subplots()
    plot_trials(
        ax, values, status=status, ylabel=ylabel, reference=reference, legend=False
    )
    _legend_below(fig, ax)
    if title:
        ax.set_title(title)
    return fig


def loss_surface_figure(
    space, params, values, *, names=None, status=None, labels=None, title="",
    colorbar_label="value",
):  # fmt: skip
    """The heat map figure of ``hpo search`` (:func:`plot_loss_surface`), with a colour bar.

    Returns
    -------
    matplotlib.figure.Figure
        An 8 x 6.4 inch figure: the heat map, its colour bar, a legend below.
    """
    from matplotlib.figure import Figure

    v = np.asarray(values, dtype=np.float64).ravel()
    ok = trial_status(v, status) == "ok"
    top = value_ceiling(v[ok])
    fig = Figure(figsize=(8, 6.4), dpi=120, layout="constrained")
    ax = fig.subplots()
    mappable = plot_loss_surface(
        ax, space, params, v, names=names, status=status, labels=labels, ceiling=top,
        legend=False,
    )  # fmt: skip
    if mappable is not None:
        extend = "max" if np.any(v[ok] > top) else "neither"
        fig.colorbar(mappable, ax=ax, label=colorbar_label, extend=extend)
    _legend_below(fig, ax)
    if title:
        ax.set_title(title)
    return fig


def _legend_below(fig, ax):
    """The axes' legend entries, below the panel, where they hide no data."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ncols = min(len(labels), 3 if max(map(len, labels)) > 22 else 4)
        fig.legend(
            handles, labels, loc="outside lower center", ncols=ncols, frameon=False
        )


def label_points(
    ax, x, y, texts, *, facecolors="white", fontsize=7, dot=3.0, avoid=None,
    avoid_radius=10.0, gap=1.0, rings=5,
):  # fmt: skip
    """Put a circled label at each point, moved aside where it would hide another.

    Greedy, in the order given: a label goes on its own point if that spot
    is free, else at the nearest free spot on rings around the point, joined
    to it by a thin line; with no free spot within ``rings`` rings it is left
    out. In display units, a label of radius ``r`` centred at ``c`` is free
    when::

        |c - c_j| >= r + r_j + gap            for every label j placed before it
        |c - p_i| >= r + dot + gap            for every point i but its own
        |c - a_k| >= r + avoid_radius + gap   for every marker k to avoid
        c +- r lies inside the axes

    Ring ``m`` (``m = 1 .. rings``) lies at ``(m + 1/4) * (r + r_max + gap)``
    from the point (``r_max`` the largest label radius), 16 spots on each,
    so that the line to a moved label shows. The layout must be final when
    this runs: call it last, after legends and colour bars. The labels are
    kept out of the layout engine, so that saving does not move the axes
    they were fitted to.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where the points are drawn (their markers are the caller's).
    x, y : array_like
        ``(n,)`` the points, in data coordinates.
    texts : list of str
        ``n`` labels.
    facecolors : str or list of str, default "white"
        The circles' colours, one for all or one per label.
    fontsize : float, default 7
        Font size of the labels, in points.
    dot : float, default 3
        Radius of the points' markers, in points (``markersize / 2``).
    avoid : array_like, optional
        ``(m, 2)`` other markers no label may cover (a best point's star),
        in data coordinates.
    avoid_radius : float, default 10
        Their radius, in points.
    gap : float, default 1
        Least clearance around every circle, in points.
    rings : int, default 5
        Rings of spots tried around a point before its label is left out.

    Returns
    -------
    list
        ``n`` :class:`matplotlib.text.Annotation` (``None`` for a label left out).
    """
    from matplotlib.patheffects import withStroke

    fig = ax.figure
    x, y = (np.asarray(v, dtype=np.float64).ravel() for v in (x, y))
    if not x.size == y.size == len(texts):
        raise ValueError(
            f"label_points: {x.size} x, {y.size} y and {len(texts)} texts differ"
        )
    colors = [facecolors] * x.size if isinstance(facecolors, str) else facecolors
    style = {
        "ha": "center", "va": "center", "fontsize": fontsize, "fontweight": "bold",
        "color": "black", "zorder": 7,
    }  # fmt: skip

    def circle(color):
        return {"boxstyle": "circle,pad=0.2", "fc": color, "ec": "black", "lw": 0.6}

    # measure each label's circle once, with the figure laid out
    probes = [
        ax.annotate(t, (xi, yi), bbox=circle("white"), **style)
        for t, xi, yi in zip(texts, x, y, strict=True)
    ]
    for p in probes:
        p.set_in_layout(False)  # or the layout measured would not be the final one
    fig.draw_without_rendering()
    radius = np.array(
        [max(p.get_bbox_patch().get_window_extent().size) / 2 for p in probes]
    )  # (n,) pixels
    for p in probes:
        p.remove()
    px = fig.dpi / 72  # pixels per point
    points = ax.transData.transform(np.column_stack([x, y]))  # (n, 2) pixels
    marks = np.reshape(np.zeros((0, 2)) if avoid is None else avoid, (-1, 2))
    marks = ax.transData.transform(marks)  # (m, 2) pixels
    box = ax.get_window_extent()
    angles = np.linspace(0, 2 * np.pi, 16, endpoint=False) + np.pi / 4
    directions = np.column_stack([np.cos(angles), np.sin(angles)])  # (16, 2)
    placed, centres, radii = [], [], []

    def free(c, r, others):
        inside = box.x0 + r <= c[0] <= box.x1 - r and box.y0 + r <= c[1] <= box.y1 - r
        return (
            inside
            and np.all(np.hypot(*(others - c).T) >= r + (dot + gap) * px)
            and np.all(np.hypot(*(marks - c).T) >= r + (avoid_radius + gap) * px)
            and all(
                np.hypot(*(c - cj)) >= r + rj + gap * px
                for cj, rj in zip(centres, radii, strict=True)
            )
        )

    for i, (point, r) in enumerate(zip(points, radius, strict=True)):
        step = r + radius.max() + gap * px
        spots = [point] + [
            point + (m + 0.25) * step * d
            for m in range(1, rings + 1)
            for d in directions
        ]
        others = np.delete(points, i, axis=0)  # (n - 1, 2)
        c = next((c for c in spots if free(c, r, others)), None)
        if c is None:
            placed.append(None)
            continue
        centre = (x[i], y[i]) if c is point else ax.transData.inverted().transform(c)
        if c is not point:  # a thin line from the label to its point, on any colour
            ax.plot(
                [x[i], centre[0]], [y[i], centre[1]], color="black", lw=0.8,
                zorder=6.5, scalex=False, scaley=False,
                path_effects=[withStroke(linewidth=2.2, foreground="white")],
            )  # fmt: skip
        label = ax.annotate(texts[i], tuple(centre), bbox=circle(colors[i]), **style)
        label.set_in_layout(False)
        placed.append(label)
        centres.append(c)
        radii.append(r)
    return placed


def plot_gp_1d(
    ax_post, ax_acq, gp, X, y, best, *, x=None, grid=400, xlabel="x", ylabel="value",
    proposal=None, legend=True,
):  # fmt: skip
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
    best : float
        The value to improve on (usually ``min(y)``).
    x : callable, optional
        Maps unit coordinates to the displayed ones (e.g. ``Real.from_unit``
        of a log-scaled dimension); default the identity. A log axis is used
        when the mapped grid is positive and spans more than two decades.
        The axis shows the mapped interval and 2% more either side.
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
    from search.acquisition import expected_improvement

    X = np.asarray(X, dtype=np.float64).reshape(-1, 1)  # (n, 1)
    y = np.asarray(y, dtype=np.float64).ravel()  # (n,)
    if X.shape[0] != y.shape[0] or y.size < 1:
        raise ValueError(
            f"plot_gp_1d: X and y must hold the same n >= 1 points, "
            f"got {X.shape[0]} and {y.size}"
        )
    u = np.linspace(0.0, 1.0, grid)  # (grid,)
    mean, std = gp.predict(u[:, None])  # (grid,) each
    ei = expected_improvement(mean, std, best)  # (grid,)
    to_x = (lambda v: v) if x is None else np.vectorize(x, otypes=[float])
    xs, x_obs = to_x(u), to_x(X[:, 0])
    log = bool(np.all(xs > 0) and xs.max() > 100 * xs.min())
    ax_post.fill_between(
        xs, mean - 2 * std, mean + 2 * std, color="C0", alpha=0.2,
        label="mean $\\pm$ 2 std",
    )  # fmt: skip
    ax_post.plot(xs, mean, color="C0", lw=1.8, label="posterior mean")
    ax_post.plot(
        x_obs, y, "o", color="black", ms=6, ls="none", label=f"observed ({y.size})",
        clip_on=False, zorder=4,  # a point at the range's end shows whole
    )  # fmt: skip
    ax_post.axhline(best, color="0.4", ls=":", lw=1, label="best so far")
    ax_acq.fill_between(xs, 0.0, ei, color="C2", alpha=0.3)
    ax_acq.plot(xs, ei, color="C2", lw=1.6, label="expected improvement")
    k = int(np.argmax(ei))
    label = "EI peak on the plotted grid"
    ax_acq.axvline(xs[k], color="C3", ls="--", lw=1.2, label=label)
    ax_post.axvline(xs[k], color="C3", ls="--", lw=1.2)
    top = float(ei.max())
    if proposal is not None:
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
        top = max(top, float(ei_p[0]))
    # 2% of the range either side, so that a line at an end is not on the spine
    ends = np.log10(xs[[0, -1]]) if log else xs[[0, -1]]  # (2,)
    ends = ends + np.array([-0.02, 0.02]) * (ends[1] - ends[0])
    for ax in (ax_post, ax_acq):
        ax.set_xscale("log" if log else "linear")
        ax.set_xlim(*(10.0**ends if log else ends))
        ax.grid(True, alpha=0.3)
        if legend:
            ax.legend(loc="best", framealpha=0.9, fontsize="small")
    ax_post.set_ylabel(ylabel)
    ax_acq.set(xlabel=f"{xlabel} (log scale)" if log else xlabel, ylabel="EI")
    ax_acq.set_ylim(0.0, max(top, 1e-300) * 1.15)
    return ei
