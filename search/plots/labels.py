"""Numbered labels on points that hide neither each other nor the points.

The walkthrough numbers a Bayesian search's proposals, in order, over the
hyperparameter loss surface (:func:`search.plots.loss_surface_figure`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.text import Annotation

# 16 directions to try around a point, none along an axis (where grid lines run)
_ANGLES = np.linspace(0, 2 * np.pi, 16, endpoint=False) + np.pi / 4
_DIRECTIONS = np.column_stack([np.cos(_ANGLES), np.sin(_ANGLES)])  # (16, 2)


def label_points(
    ax: Axes, x: ArrayLike, y: ArrayLike, texts: Sequence[str], *,
    facecolors: str | Sequence[str] = "white", fontsize: float = 7, dot: float = 3.0,
    avoid: ArrayLike | None = None, avoid_radius: float = 10.0, gap: float = 1.0,
    rings: int = 5,
) -> list[Annotation | None]:  # fmt: skip
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
    xs, ys = (np.asarray(v, dtype=np.float64).ravel() for v in (x, y))
    if not xs.size == ys.size == len(texts):
        raise ValueError(
            f"label_points: {xs.size} x, {ys.size} y and {len(texts)} texts differ"
        )
    colors = [facecolors] * xs.size if isinstance(facecolors, str) else facecolors
    style: dict[str, Any] = {
        "ha": "center", "va": "center", "fontsize": fontsize, "fontweight": "bold",
        "color": "black", "zorder": 7,
    }  # fmt: skip
    radius = _radii(ax, xs, ys, texts, style=style)  # (n,) pixels
    px = ax.figure.dpi / 72  # pixels per point
    points = ax.transData.transform(np.column_stack([xs, ys]))  # (n, 2) pixels
    marks = np.reshape(np.zeros((0, 2)) if avoid is None else avoid, (-1, 2))
    room = _Room(
        ax, marks=ax.transData.transform(marks), gap=gap * px,
        clear_points=(dot + gap) * px, clear_marks=(avoid_radius + gap) * px,
    )  # fmt: skip
    placed: list[Annotation | None] = []
    for i, (point, r) in enumerate(zip(points, radius, strict=True)):
        step = r + radius.max() + gap * px
        rim = [(m + 0.25) * step * d for m in range(1, rings + 1) for d in _DIRECTIONS]
        spots = [point] + [point + offset for offset in rim]
        others = np.delete(points, i, axis=0)  # (n - 1, 2)
        c = next((c for c in spots if room.free(c, r, others)), None)
        if c is None:
            placed.append(None)
            continue
        room.take(c, r)
        centre = (xs[i], ys[i]) if c is point else ax.transData.inverted().transform(c)
        if c is not point:
            _leader(ax, (xs[i], ys[i]), centre)
        label = ax.annotate(texts[i], tuple(centre), bbox=_circle(colors[i]), **style)
        label.set_in_layout(False)
        placed.append(label)
    return placed


def _circle(color):
    """The box of a label: a circle of ``color`` with a thin black edge."""
    return {"boxstyle": "circle,pad=0.2", "fc": color, "ec": "black", "lw": 0.6}


def _radii(ax, xs, ys, texts, *, style):
    """Each label's circle radius ``(n,)`` in pixels, measured once, laid out."""
    probes = [
        ax.annotate(t, (xi, yi), bbox=_circle("white"), **style)
        for t, xi, yi in zip(texts, xs, ys, strict=True)
    ]
    for p in probes:
        p.set_in_layout(False)  # or the layout measured would not be the final one
    ax.figure.draw_without_rendering()
    radius = np.array(
        [max(p.get_bbox_patch().get_window_extent().size) / 2 for p in probes]
    )  # (n,) pixels
    for p in probes:
        p.remove()
    return radius


def _leader(ax, point, centre):
    """A thin line from a moved label to its point, visible on any colour."""
    from matplotlib.patheffects import withStroke

    ax.plot(
        [point[0], centre[0]], [point[1], centre[1]], color="black", lw=0.8,
        zorder=6.5, scalex=False, scaley=False,
        path_effects=[withStroke(linewidth=2.2, foreground="white")],
    )  # fmt: skip


class _Room:
    """The free space of the axes, in pixels: what a new label must not cover."""

    def __init__(self, ax, *, marks, gap, clear_points, clear_marks) -> None:
        self.box = ax.get_window_extent()
        self.marks = marks  # (m, 2) markers to avoid
        self.gap, self.clear_points, self.clear_marks = gap, clear_points, clear_marks
        self.centres: list[np.ndarray] = []
        self.radii: list[float] = []

    def free(self, c, r, others) -> bool:
        """A circle of radius ``r`` at ``c`` is inside and covers nothing."""
        box = self.box
        inside = box.x0 + r <= c[0] <= box.x1 - r and box.y0 + r <= c[1] <= box.y1 - r
        return bool(
            inside
            and np.all(np.hypot(*(others - c).T) >= r + self.clear_points)
            and np.all(np.hypot(*(self.marks - c).T) >= r + self.clear_marks)
            and all(
                np.hypot(*(c - cj)) >= r + rj + self.gap
                for cj, rj in zip(self.centres, self.radii, strict=True)
            )
        )

    def take(self, c, r) -> None:
        """A label of radius ``r`` now sits at ``c``."""
        self.centres.append(c)
        self.radii.append(r)
