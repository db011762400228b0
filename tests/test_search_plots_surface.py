"""Tests of search/plots/surface.py and labels.py: the heat map and its labels.

Figures are built with matplotlib.figure.Figure (no pyplot, no backend) and
read back through the artists (mesh values, limits, legend texts, label
boxes); oracles are hand computations and geometry in display units.
Statuses are given, as ``Trial.status`` records them.
"""

import numpy as np
import pytest
from matplotlib.figure import Figure

from search.plots import label_points, loss_surface_figure, plot_loss_surface
from search.results import SearchResult, Trial
from search.space import Categorical, Integer, Real, grid
from tests._plot_helpers import PNG, axes, labels_of, line_labelled, png_bytes


def result_of(params, values, status):
    """A SearchResult of these trials, in order."""
    rows = zip(params, values, status, strict=True)
    return SearchResult(
        [
            Trial(index=i, params=p, value=float(v), status=s, seconds=0.0)
            for i, (p, v, s) in enumerate(rows)
        ]
    )


SPACE2 = {"lr": Real(1e-4, 1.0, log=True), "b1": Real(0.0, 0.9)}


@pytest.mark.filterwarnings("error")
def test_loss_surface_of_a_grid_is_the_grid_itself():
    params = grid(SPACE2, 3)  # last dimension fastest
    values = np.array([9.0, 8.0, 7.0, 6.0, np.inf, 4.0, 3.0, 2.0, np.nan])
    status = ["ok"] * 4 + ["diverged"] + ["ok"] * 3 + ["failed"]
    fig = Figure(layout="constrained")
    ax = fig.subplots()
    mesh = plot_loss_surface(ax, SPACE2, params, values, status)
    # rows are b1 (y), columns lr (x): the value at (lr_i, b1_j) is values[3 i + j]
    z = mesh.get_array().reshape(3, 3)
    expected = values.reshape(3, 3).T  # (lr, b1) -> (b1, lr)
    ok = np.isfinite(expected)
    np.testing.assert_array_equal(z.data[ok], expected[ok])
    assert z.mask.tolist() == (~ok).tolist()
    assert ax.get_xscale() == "log" and ax.get_yscale() == "linear"
    # cell edges midway between grid values (in log for lr): 1e-4 .. 1 padded
    assert ax.get_xlim() == pytest.approx((10**-5, 10**1))
    assert ax.get_ylim() == pytest.approx((-0.225, 1.125))
    labels = labels_of(ax)
    assert "diverged (1)" in labels and "failed (1)" in labels
    assert "best, 2" in labels
    assert mesh.norm.vmin == 2.0 and mesh.norm.vmax == 9.0
    assert type(mesh.norm).__name__ == "LogNorm"
    assert png_bytes(fig)[:8] == PNG


@pytest.mark.filterwarnings("error")
def test_loss_surface_of_scattered_trials_with_diverged_ones():
    rng = np.random.default_rng(0)
    params = [
        {"lr": float(10 ** rng.uniform(-4, 0)), "b1": float(rng.uniform(0, 0.9))}
        for _ in range(20)
    ]
    values = np.array([1.0 + p["b1"] if p["lr"] < 0.1 else np.inf for p in params])
    status = np.where(values < np.inf, "ok", "diverged")  # by construction above
    result = result_of(params, values, status)
    fig = loss_surface_figure(result, SPACE2, colorbar_label="loss")
    ax, colorbar = fig.axes
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    n_diverged = int(np.isinf(values).sum())
    assert f"diverged ({n_diverged})" in labels
    assert f"trial, coloured by its value ({20 - n_diverged})" in labels
    assert colorbar.get_ylabel() == "loss"
    # the axes show the whole search range, a little wider
    assert ax.get_xlim()[0] < 1e-4 and ax.get_xlim()[1] > 1.0
    assert png_bytes(fig)[:8] == PNG


@pytest.mark.filterwarnings("error")
def test_loss_surface_with_integer_and_categorical_dimensions():
    space = {
        "steps": Integer(10, 1000, log=True),
        "opt": Categorical(["sgd", "adam", True]),
    }
    rng = np.random.default_rng(1)
    params = [
        {"steps": int(rng.integers(10, 1001)), "opt": ["sgd", "adam", True][i % 3]}
        for i in range(7)
    ]
    values = np.array([3.0, 1.0, np.nan, 2.0, 5.0, np.inf, 4.0])
    status = ["ok", "ok", "failed", "ok", "ok", "diverged", "ok"]
    fig = loss_surface_figure(result_of(params, values, status), space)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["sgd", "adam", "True"]
    assert ax.get_ylim() == (-0.5, 2.5) and ax.get_xscale() == "log"
    assert png_bytes(fig)[:8] == PNG
    # and as a full grid: Integer(1, 3) x Categorical
    small = {"k": Integer(1, 3), "opt": Categorical(["a", "b"])}
    ax = axes()
    mesh = plot_loss_surface(ax, small, grid(small, 3), np.arange(1.0, 7.0), ["ok"] * 6)
    np.testing.assert_array_equal(
        mesh.get_array().reshape(2, 3), [[1, 3, 5], [2, 4, 6]]
    )


@pytest.mark.filterwarnings("error")
def test_loss_surface_of_a_single_trial_and_of_none_finite():
    ax = axes()
    mappable = plot_loss_surface(ax, SPACE2, [{"lr": 0.01, "b1": 0.5}], [2.0], ["ok"])
    assert mappable is not None and mappable.norm.vmin < 2.0 < mappable.norm.vmax
    star = line_labelled(ax, "best")
    assert star.get_xydata().tolist() == [[0.01, 0.5]]
    assert png_bytes(ax.figure)[:8] == PNG
    fig = loss_surface_figure(
        result_of([{"lr": 0.01, "b1": 0.5}], [np.inf], ["diverged"]), SPACE2
    )
    assert len(fig.axes) == 1  # nothing finite: no colour bar
    assert png_bytes(fig)[:8] == PNG


def test_loss_surface_needs_two_named_dimensions():
    space = {**SPACE2, "b2": Real(0.9, 0.999)}
    with pytest.raises(ValueError, match="give names"):
        plot_loss_surface(axes(), space, [], [], [])
    with pytest.raises(ValueError, match="two dimensions"):
        plot_loss_surface(axes(), space, [], [], [], names=("lr", "lr"))
    ax = axes()  # a projection onto two of three dimensions
    params = [{"lr": 0.01, "b1": 0.1, "b2": 0.95}, {"lr": 0.1, "b1": 0.5, "b2": 0.99}]
    plot_loss_surface(ax, space, params, [1.0, 2.0], ["ok"] * 2, names=("lr", "b2"))
    assert ax.get_ylabel() == "b2"


def test_loss_surface_figure_of_params_with_values_and_status_given():
    # a grid evaluated in one objective.batch: no SearchResult, the same figure
    params = grid(SPACE2, 3)
    values = np.array([9.0, 8.0, 7.0, 6.0, np.inf, 4.0, 3.0, 2.0, 1.0])
    status = ["ok"] * 4 + ["diverged"] + ["ok"] * 4
    given = loss_surface_figure(params, SPACE2, values=values, status=status)
    of_result = loss_surface_figure(result_of(params, values, status), SPACE2)
    for fig in (given, of_result):
        mesh = fig.axes[0].collections[0]
        np.testing.assert_array_equal(
            mesh.get_array().compressed(), values[[0, 3, 6, 1, 7, 2, 5, 8]]
        )
        labels = [t.get_text() for t in fig.legends[0].get_texts()]
        assert "diverged (1)" in labels and "best, 1" in labels
    with pytest.raises(TypeError, match="values and status"):
        loss_surface_figure(params, SPACE2, values=values)
    with pytest.raises(TypeError, match="carry their status"):
        loss_surface_figure(result_of(params, values, status), SPACE2, status=status)


def test_loss_surface_figure_draws_the_values_given_with_the_trials_statuses():
    params = grid(SPACE2, 2)
    result = result_of(params, [4.0, np.nan, 2.0, 3.0], ["ok", "failed", "ok", "ok"])
    fig = loss_surface_figure(result, SPACE2, values=[40.0, np.nan, 20.0, 30.0])
    mesh = fig.axes[0].collections[0]
    assert mesh.norm.vmin == 20.0 and mesh.norm.vmax == 40.0
    assert "failed (1)" in [t.get_text() for t in fig.legends[0].get_texts()]


# ------------------------------------------------------------ label_points


def clustered_points(n=40, seed=0):
    """Points in three tight clusters (where labels must move) and a few apart."""
    rng = np.random.default_rng(seed)
    centres = np.array([[0.3, 0.3], [0.6, 0.7], [0.8, 0.2]])
    x, y = (centres[rng.integers(0, 3, n)] + 0.02 * rng.standard_normal((n, 2))).T
    return x, y


def test_label_points_overlap_nothing_and_stay_inside():
    fig = Figure(figsize=(6, 5), dpi=100, layout="constrained")
    ax = fig.subplots()
    x, y = clustered_points()
    ax.plot(x, y, "o", ms=6)
    ax.set(xlim=(0, 1), ylim=(0, 1))
    star = (0.6, 0.7)
    labels = label_points(ax, x, y, [str(k) for k in range(x.size)], avoid=[star])
    fig.draw_without_rendering()
    placed = [(k, a) for k, a in enumerate(labels) if a is not None]
    assert len(placed) == x.size  # crowded, yet all labelled
    boxes = [a.get_bbox_patch().get_window_extent() for _, a in placed]
    centres = np.array([[(b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2] for b in boxes])
    radii = np.array([b.width / 2 for b in boxes])  # the circles' bounding squares
    distances = np.hypot(*(centres[:, None] - centres[None]).transpose(2, 0, 1))
    apart = distances >= radii[:, None] + radii[None]  # (k, k) circles do not meet
    assert np.all(apart | np.eye(len(placed), dtype=bool))
    points = ax.transData.transform(np.column_stack([x, y]))
    box, px = ax.get_window_extent(), fig.dpi / 72
    star_px = ax.transData.transform(star)
    for (k, label), b, centre, radius in zip(
        placed, boxes, centres, radii, strict=True
    ):
        assert label.get_text() == str(k)
        assert box.x0 <= b.x0 and b.x1 <= box.x1 and box.y0 <= b.y0 and b.y1 <= box.y1
        # no other point's marker (3 pt) is under the circle, nor the star (10 pt)
        others = np.delete(points, k, axis=0)
        assert np.all(np.hypot(*(others - centre).T) >= radius + 3 * px)
        assert np.hypot(*(star_px - centre)) >= radius + 10 * px


def test_label_points_on_free_points_stay_on_them_and_join_moved_ones():
    fig = Figure(figsize=(5, 4), dpi=100)
    ax = fig.subplots()
    ax.set(xlim=(0, 1), ylim=(0, 1))
    x, y = [0.2, 0.8, 0.5, 0.51], [0.2, 0.8, 0.5, 0.5]  # the last two touch
    labels = label_points(ax, x, y, ["a", "b", "c", "d"], facecolors=["C0"] * 4)
    centres = [a.xy for a in labels]
    assert centres[:2] == [(0.2, 0.2), (0.8, 0.8)]  # on their points
    # "c" on its point would hide "d"'s point, and "d" on its point "c"'s: both move
    for k in (2, 3):
        assert np.hypot(centres[k][0] - x[k], centres[k][1] - y[k]) > 0.02
    leaders = ax.get_lines()  # one line from each moved label's point to the label
    assert len(leaders) == 2
    for leader, k in zip(leaders, (2, 3), strict=True):
        np.testing.assert_allclose(leader.get_xydata(), [[x[k], y[k]], centres[k]])
    with pytest.raises(ValueError, match="differ"):
        label_points(ax, x, y, ["a"])
