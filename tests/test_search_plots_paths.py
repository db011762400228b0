"""Tests of search/plots/paths.py: the inner loop's pictures draw the data given.

Figures are built with matplotlib.figure.Figure (no pyplot, no backend) and
read back through the artists (line data, limits, legend texts); oracles
are hand computations and np.linalg.norm.
"""

import numpy as np
import pytest
from matplotlib.figure import Figure

import surfaces
from optim import SGD, Adam, minimize
from search.plots import (
    descend_figure,
    distance_to_nearest,
    image_formats,
    plot_contour_paths,
    plot_loss_curves,
)
from tests._plot_helpers import PNG, axes, png_bytes

# ------------------------------------------------------------ distance_to_nearest


def test_distance_to_nearest_by_hand():
    minimizers = [[0.0, 0.0], [3.0, 0.0]]
    x = [[3.0, 4.0], [1.0, 0.0], [-3.0, -4.0]]  # 4 from (3,0); 1 from (0,0); 5
    np.testing.assert_array_equal(distance_to_nearest(x, minimizers), [4.0, 1.0, 5.0])


def test_distance_to_nearest_keeps_batch_shape():
    x = np.arange(24.0).reshape(2, 4, 3)  # (*batch, d)
    m = np.array([[0.0, 1.0, 2.0]])
    expected = np.linalg.norm(x - m[0], axis=-1)  # (2, 4)
    np.testing.assert_allclose(distance_to_nearest(x, m), expected, rtol=1e-15)


@pytest.mark.filterwarnings("error")
def test_distance_to_nearest_of_a_diverged_point_is_inf_without_warnings():
    x = [[1e200, 0.0], [np.inf, 1.0]]
    assert np.all(np.isinf(distance_to_nearest(x, [[0.0, 0.0]])))


def test_image_formats_include_png_and_pdf():
    assert {"png", "pdf", "svg"} <= set(image_formats())


# ------------------------------------------------------------ plot_contour_paths


def rosenbrock_paths():
    """Two hand-made paths on Rosenbrock from (-1.2, 1), as (steps + 1, 2)."""
    a = np.array([[-1.2, 1.0], [-0.5, 0.3], [0.2, 0.0], [0.9, 0.8]])
    b = np.array([[-1.2, 1.0], [-1.0, 1.2], [0.5, 0.25]])
    return {"a": a, "b": b}


def test_contour_paths_draws_the_paths_and_markers():
    ax, paths = axes(), rosenbrock_paths()
    plot_contour_paths(ax, surfaces.get("rosenbrock"), paths)
    by_label = {line.get_label(): line for line in ax.get_lines()}
    for name, path in paths.items():
        np.testing.assert_array_equal(by_label[name].get_xydata(), path)
    np.testing.assert_array_equal(by_label["minimizer"].get_xydata(), [[1.0, 1.0]])
    np.testing.assert_array_equal(by_label["start"].get_xydata(), [[-1.2, 1.0]])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["a", "b", "minimizer", "start"]
    assert ax.get_xlabel() and ax.get_ylabel()


def test_contour_paths_region_holds_paths_start_and_minimizer():
    ax, paths = axes(), rosenbrock_paths()
    plot_contour_paths(ax, surfaces.get("rosenbrock"), paths)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    points = np.concatenate([*paths.values(), [[1.0, 1.0]]])
    assert np.all((x0 < points[:, 0]) & (points[:, 0] < x1))
    assert np.all((y0 < points[:, 1]) & (points[:, 1] < y1))


def test_contour_levels_are_log_spaced():
    filled = plot_contour_paths(axes(), surfaces.get("rosenbrock"), rosenbrock_paths())
    ratios = filled.levels[1:] / filled.levels[:-1]
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-9)
    assert ratios[0] > 1


def test_contour_region_stays_in_bounds_when_a_path_runs_away():
    s = surfaces.get("rosenbrock")
    runaway = np.array([[-1.2, 1.0], [30.0, -50.0], [1e150, 1e150]])
    ax = axes()
    plot_contour_paths(ax, s, {"runaway": runaway}, legend=False)
    low, high = s.bounds
    assert low[0] <= ax.get_xlim()[0] and ax.get_xlim()[1] <= high[0]
    assert low[1] <= ax.get_ylim()[0] and ax.get_ylim()[1] <= high[1]
    assert ax.get_legend() is None


def test_contour_paths_needs_a_2d_surface():
    with pytest.raises(ValueError, match="2-D"):
        plot_contour_paths(axes(), surfaces.get("hartmann6"), {"a": np.zeros((2, 6))})


# ------------------------------------------------------------ plot_loss_curves


def test_loss_curves_plot_the_values_on_a_log_axis():
    ax = axes()
    curves = {"fast": 10.0 ** -np.arange(5.0), "slow": np.linspace(1.0, 0.5, 5)}
    plot_loss_curves(ax, curves, ylabel="gap")
    assert ax.get_yscale() == "log" and ax.get_ylabel() == "gap"
    lines = {line.get_label(): line for line in ax.get_lines()}
    for name, curve in curves.items():
        np.testing.assert_array_equal(lines[name].get_xdata(), np.arange(5))
        np.testing.assert_array_equal(lines[name].get_ydata(), curve)
    low, high = ax.get_ylim()
    assert low < 1e-4 and high > 1.0


@pytest.mark.filterwarnings("error")
def test_loss_curves_mark_divergence_and_cap_huge_values():
    fig = Figure(layout="constrained")
    ax = fig.subplots()
    blowup = np.array([2.0, 1.0, 1e300, np.inf, np.inf])  # diverged at step 3
    plot_loss_curves(ax, {"ok": np.array([2.0, 1.0, 0.5, 0.2, 0.1]), "bad": blowup})
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["ok", "bad (diverged at step 3)"]
    # 1e300 is drawn at the ceiling, 10 decades above the largest start (2)
    bad = next(line for line in ax.get_lines() if line.get_label().startswith("bad"))
    assert bad.get_ydata()[2] == pytest.approx(2e10)
    marks = [line for line in ax.get_lines() if line.get_marker() == "x"]
    assert len(marks) == 1 and marks[0].get_xydata().tolist() == [[2.0, 2e10]]
    assert ax.get_ylim()[1] < 1e11
    assert png_bytes(fig)[:8] == PNG  # drawing (ticks, layout) raises no warning


# ------------------------------------------------------------ descend_figure


def test_descend_figure_2d_has_contours_colorbar_and_shared_legend():
    s = surfaces.get("rosenbrock")
    traces = {
        n: minimize(s, s.start, o, 50)
        for n, o in [("sgd", SGD(lr=1e-3, momentum=0.9)), ("adam", Adam(lr=2e-2))]
    }
    fig = descend_figure(
        s,
        {n: t.path for n, t in traces.items()},
        {n: t.values for n, t in traces.items()},
    )
    left, right, colorbar = fig.axes
    assert left.collections and colorbar.get_ylabel() == "$f(x) - f^*$"
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels == ["sgd", "adam", "minimizer", "start"]
    adam = next(line for line in right.get_lines() if line.get_label() == "adam")
    np.testing.assert_array_equal(adam.get_ydata(), traces["adam"].values)  # f* = 0
    data = png_bytes(fig)
    assert data[:8] == PNG and len(data) > 10_000


def test_descend_figure_high_dim_shows_distance_and_excess_loss():
    X, y, _ = surfaces.make_regression(n=40, d=4, noise=0.5, rng=0)
    s = surfaces.LinearRegression(X, y)
    trace = minimize(s, s.start, SGD(lr=0.5 / s.smoothness), 30)
    fig = descend_figure(s, {"sgd": trace.path}, {"sgd": trace.values})
    left, right = fig.axes
    w_star = np.linalg.lstsq(X, y, rcond=None)[0]
    (dist,) = left.get_lines()
    np.testing.assert_allclose(
        dist.get_ydata(), np.linalg.norm(trace.path - w_star, axis=-1), rtol=1e-8
    )
    gap = next(line for line in right.get_lines() if line.get_label() == "sgd")
    f_star = np.mean((X @ w_star - y) ** 2) / 2
    np.testing.assert_allclose(gap.get_ydata(), trace.values - f_star, rtol=1e-8)
    assert png_bytes(fig)[:8] == PNG


def test_descend_figure_floors_the_gap_at_the_resolution_of_f_star():
    s = surfaces.get("six_hump_camel")  # f* = -1.0316...: eps |f*| > 0
    path = np.repeat(s.minimizers[:1], 3, axis=0)  # sits on the minimizer
    values = np.full(3, s.minimum)  # gap exactly 0: not drawable on a log axis
    fig = descend_figure(s, {"still": path}, {"still": values})
    right = fig.axes[1]
    floor = np.finfo(float).eps * abs(s.minimum)
    still = next(line for line in right.get_lines() if line.get_label() == "still")
    np.testing.assert_array_equal(still.get_ydata(), floor)
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "float64 resolution of $f^*$" in labels
