"""The layers of the heat map of :func:`search.plots.plot_loss_surface`.

A full grid is drawn as cells (:func:`draw_cells`); scattered trials as
points (:func:`draw_points`) over a surface interpolated between them
(:func:`draw_interpolated`). Diverged trials are hatched red, failed ones
grey, by their ``Trial.status``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from search.plots._common import DIVERGED_STYLE, FAILED_COLOR
from search.space import Categorical, unwarp, warp


class Points(NamedTuple):
    """The trials on the heat map's axes, ``(n,)`` each.

    Attributes
    ----------
    x, y : ndarray
        Axis coordinates (a categorical's index).
    value : ndarray
        Values (read only where ``status == "ok"``).
    status : ndarray of str
        ``"ok"``, ``"diverged"`` or ``"failed"``.
    """

    x: np.ndarray
    y: np.ndarray
    value: np.ndarray
    status: np.ndarray


def edges(dim, centres) -> np.ndarray:
    """Cell edges ``(m + 1,)`` around ``m`` sorted centres: midway (in log if log)."""
    log = not isinstance(dim, Categorical) and dim.log
    w = np.log(centres) if log else centres
    inner = (w[1:] + w[:-1]) / 2
    bounds = np.concatenate([[2 * w[0] - inner[0]], inner, [2 * w[-1] - inner[-1]]])
    return np.exp(bounds) if log else bounds


def draw_cells(ax, dims, pts, cells, *, norm, cmap):
    """The grid: one coloured cell per point; diverged hatched, failed grey.

    ``cells`` are the grid's sorted distinct x and y values; returns the
    mesh (``None`` without a colour scale ``norm``).
    """
    from matplotlib.patches import Rectangle

    (ux, uy), (dx, dy), s = cells, dims, pts.status
    xe, ye = edges(dx, ux), edges(dy, uy)
    ix, iy = np.searchsorted(ux, pts.x), np.searchsorted(uy, pts.y)
    z = np.full((uy.size, ux.size), np.nan)  # (rows: y, columns: x)
    z[iy, ix] = np.where(s == "ok", pts.value, np.nan)
    mappable = None
    if norm is not None:
        mappable = ax.pcolormesh(
            xe, ye, np.ma.masked_invalid(z), cmap=cmap, norm=norm, zorder=1
        )
    for status, style in (
        ("diverged", DIVERGED_STYLE),
        ("failed", {"facecolor": FAILED_COLOR}),
    ):
        for k, (i, j) in enumerate(zip(ix[s == status], iy[s == status], strict=True)):
            corner, width = (xe[i], ye[j]), (xe[i + 1] - xe[i], ye[j + 1] - ye[j])
            ax.add_patch(
                Rectangle(
                    corner, *width, lw=0, zorder=2, **style,
                    label=f"{status} ({(s == status).sum()})" if k == 0 else None,
                )
            )  # fmt: skip
    ax.plot(
        pts.x, pts.y, ".", color="black", ms=2.5, alpha=0.5, label="grid point",
        zorder=3,
    )  # fmt: skip
    return mappable


def draw_points(ax, dims, pts, *, norm, cmap):
    """Scattered trials coloured by value, over the interpolated surface."""
    s, ok = pts.status, pts.status == "ok"
    if norm is not None and not any(isinstance(d, Categorical) for d in dims):
        draw_interpolated(ax, dims, pts, norm=norm, cmap=cmap)
    mappable = None
    if ok.any():
        mappable = ax.scatter(
            pts.x[ok], pts.y[ok], c=pts.value[ok], cmap=cmap, norm=norm, s=46,
            edgecolors="black", linewidths=0.8, zorder=4,
        )  # fmt: skip
        # the legend's marker in a neutral colour (the scatter's would be the first's)
        label = f"trial, coloured by its value ({ok.sum()})"
        ax.plot([], [], "o", mfc="0.85", mec="black", ms=7, ls="none", label=label)
    for status, color in (("diverged", "tab:red"), ("failed", FAILED_COLOR)):
        mask = s == status
        if mask.any():
            ax.scatter(
                pts.x[mask], pts.y[mask], marker="X", s=70, color=color,
                edgecolors="black", linewidths=0.8, zorder=5,
                label=f"{status} ({mask.sum()})",
            )  # fmt: skip
    return mappable


def draw_interpolated(ax, dims, pts, *, norm, cmap, subdiv=3):
    """Linear interpolation between the trials, in warped coordinates, drawn faintly.

    The Delaunay triangles of the trials in warped coordinates
    (:func:`search.space.warp`) are each cut into ``4**subdiv`` small ones
    (values interpolated linearly, of the log of the value on a log colour
    scale), whose corners are then mapped back to the axes' coordinates
    (:func:`search.space.unwarp`), so the filled contours follow the
    triangles exactly on log axes too. Triangles touching a diverged or
    failed trial are shaded instead.
    """
    from matplotlib.colors import LogNorm
    from matplotlib.tri import LinearTriInterpolator, Triangulation, UniformTriRefiner

    (dx, dy), s = dims, pts.status
    try:  # needs three points not on a line
        tri = Triangulation(
            warp(pts.x, dx.low, dx.high, dx.log), warp(pts.y, dy.low, dy.high, dy.log)
        )
    except (ValueError, RuntimeError):
        return
    corners = s[tri.triangles]  # (triangles, 3)
    _shade_bad_triangles(ax, pts, tri.triangles, corners)
    tri.set_mask(~np.all(corners == "ok", axis=1))
    if tri.mask.all():
        return
    log = isinstance(norm, LogNorm)
    ok = s == "ok"
    v = pts.value
    z = np.where(ok, np.log10(np.where(ok, v, 1.0)) if log else v, 0.0)  # (n,)
    fine, z_fine = UniformTriRefiner(tri).refine_field(
        z, triinterpolator=LinearTriInterpolator(tri, z), subdiv=subdiv
    )
    fx = unwarp(fine.x, dx.low, dx.high, dx.log)  # (m,) back on the axes
    fy = unwarp(fine.y, dy.low, dy.high, dy.log)
    fine = Triangulation(fx, fy, fine.triangles, mask=fine.mask)
    levels = (np.geomspace if log else np.linspace)(norm.vmin, norm.vmax, 13)
    ax.tricontourf(
        fine, 10.0**z_fine if log else z_fine, levels=levels, norm=norm, cmap=cmap,
        extend="both", alpha=0.55, zorder=0.5,
    )  # fmt: skip


def _shade_bad_triangles(ax, pts, triangles, corners):
    """Triangles ``(t, 3)`` with a diverged corner hatched red, a failed one grey."""
    from matplotlib.collections import PolyCollection

    polygons = np.stack([pts.x[triangles], pts.y[triangles]], axis=-1)  # (t, 3, 2)
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
