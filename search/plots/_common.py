"""What the pictures share: colours, value scales, legends, and the trials given.

The outer-loop pictures (:mod:`search.plots.trials`,
:mod:`search.plots.surface`) draw a trial by its status (``Trial.status``
of :class:`search.results.Trial`), never by decoding its value: a value is
drawn only for an ``"ok"`` trial. Matplotlib is imported inside the
functions that need it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from search.results import STATUSES, SearchResult

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Diverged trials: hatched light red, a colour the default colormap lacks.
DIVERGED_STYLE = {"facecolor": "#f9dcdc", "edgecolor": "tab:red", "hatch": "///"}
FAILED_COLOR = "0.6"
# Finite values above the top of the colour scale (see value_ceiling).
OFF_SCALE_COLOR = "#f28e2b"
# The best point (a known minimizer, the best trial): a gold star, outlined.
BEST_STAR: dict[str, Any] = {
    "marker": "*",
    "ls": "none",
    "color": "gold",
    "mec": "black",
}
# Decades above the median finite value that the y and colour scales show.
HEADROOM = 3


def image_formats() -> list[str]:
    """File extensions matplotlib can write (``png``, ``pdf``, ``svg``, ...)."""
    from matplotlib.backend_bases import FigureCanvasBase

    return sorted(FigureCanvasBase.get_supported_filetypes())


def check_status(owner: str, status: ArrayLike, n: int) -> NDArray[np.str_]:
    """The statuses ``(n,)`` as an array, each one of ``search.results.STATUSES``."""
    s = np.asarray(status, dtype=str).ravel()
    if s.size != n:
        raise ValueError(
            f"{owner}: status must have one entry per value ({n}), got {s.size}"
        )
    unknown = sorted(set(s.tolist()) - set(STATUSES))
    if unknown:
        raise ValueError(
            f"{owner}: status must be one of {STATUSES}, got {unknown[0]!r}"
        )
    return s


def trial_columns(
    owner: str, result: SearchResult, values: ArrayLike | None = None
) -> tuple[list[dict[str, Any]], NDArray[np.float64], NDArray[np.str_]]:
    """A result's params (``n`` dicts), values ``(n,)`` and statuses ``(n,)``.

    ``values``, when given, replaces the trials' own (a transformed score,
    such as the gap to a known minimum); the statuses stay the trials'.
    """
    if not isinstance(result, SearchResult):
        raise TypeError(f"{owner}: result must be a SearchResult, got {result!r}")
    trials = result.trials
    v = np.asarray(
        [t.value for t in trials] if values is None else values, dtype=np.float64
    ).ravel()
    if v.size != len(trials):
        raise ValueError(
            f"{owner}: values must have one entry per trial ({len(trials)}), "
            f"got {v.size}"
        )
    status = check_status(owner, [t.status for t in trials], len(trials))
    return [t.params for t in trials], v, status


def value_ceiling(values: ArrayLike, headroom: float = HEADROOM) -> float:
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


def spans_decades(values: ArrayLike) -> bool:
    """A log axis fits: every finite value is positive, and they span most of a decade.

    (A ratio of 5 already leaves the smallest values, the interesting ones,
    squeezed into the bottom fifth of a linear axis.)
    """
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    return bool(v.size) and v.min() > 0 and v.max() >= 5 * v.min()


def value_limits(
    values: ArrayLike, log: bool, room: bool = False
) -> tuple[float, float]:
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


def log_limits(curves: Iterable[np.ndarray], pad: float = 0.04) -> tuple[float, float]:
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


def legend_below(fig: Figure, ax: Axes) -> None:
    """The axes' legend entries, below the panel, where they hide no data."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ncols = min(len(labels), 3 if max(map(len, labels)) > 22 else 4)
        fig.legend(
            handles, labels, loc="outside lower center", ncols=ncols, frameon=False
        )
