"""Tests of search/plots.py: what is drawn is the data given, on the right scales.

Figures are built with matplotlib.figure.Figure (no pyplot, no backend) and
read back through the artists (line data, limits, legend texts); oracles
are hand computations and np.linalg.norm.
"""

import io

import numpy as np
import pytest
from matplotlib.figure import Figure

import surfaces
from optim import SGD, Adam, minimize
from search.plots import (
    descend_figure,
    distance_to_nearest,
    image_formats,
    label_points,
    loss_surface_figure,
    plot_best_so_far,
    plot_contour_paths,
    plot_gp_1d,
    plot_loss_curves,
    plot_loss_surface,
    plot_trials,
    running_best,
    trial_status,
    trials_figure,
    value_ceiling,
)
from search.space import Categorical, Integer, Real, grid

PNG = b"\x89PNG\r\n\x1a\n"


def axes():
    return Figure().subplots()


def png_bytes(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


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


# ------------------------------------------------------------ the outer loop


def labels_of(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def line_labelled(ax, prefix):
    return next(line for line in ax.get_lines() if line.get_label().startswith(prefix))


def test_running_best_by_hand():
    values = [np.nan, 5.0, np.inf, 7.0, 2.0, np.nan, 3.0]
    expected = [np.inf, 5.0, 5.0, 5.0, 2.0, 2.0, 2.0]
    np.testing.assert_array_equal(running_best(values), expected)
    assert running_best([]).shape == (0,)


def test_trial_status_from_values_or_given():
    assert trial_status([1.0, np.inf, np.nan]).tolist() == ["ok", "diverged", "failed"]
    assert trial_status([np.inf], ["failed"]).tolist() == ["failed"]
    with pytest.raises(ValueError, match="one entry per value"):
        trial_status([1.0, 2.0], ["ok"])


def test_value_ceiling_is_headroom_decades_above_the_median():
    assert value_ceiling([1.0, 2.0, 3.0, np.inf, np.nan]) == 2000.0  # median 2
    assert value_ceiling([-3.0, -1.0, -2.0]) == -1.0  # median <= 0: the largest
    assert value_ceiling([np.inf]) == np.inf


@pytest.mark.filterwarnings("error")
def test_best_so_far_median_and_band_over_seeds():
    # three seeds of different lengths; the band is the 25th to 75th percentile
    runs = [[4.0, 2.0, 3.0, 1.0], [5.0, np.inf, 0.5], [np.nan, 3.0, 2.5, 2.0]]
    ax = axes()
    curves = plot_best_so_far(ax, {"random": runs}, min_band_seeds=3)
    # running minima: [4, 2, 2, 1], [5, 5, 0.5], [inf, 3, 2.5, 2]; medians by hand,
    # the last of the two seeds that reach trial 3
    expected = [5.0, 3.0, 2.0, 1.5]
    # quartiles (linear interpolation): of (2, 3, 5) 2.5 and 4; of (1, 2) 1.25, 1.75
    np.testing.assert_allclose(curves["random"], expected)
    median = line_labelled(ax, "random (median of 3 seeds)")
    np.testing.assert_allclose(median.get_ydata(), expected)
    assert "random: percentiles 25 to 75" in labels_of(ax)
    band = next(c for c in ax.collections if c.get_label().startswith("random:"))
    edge = band.get_paths()[0].vertices[:, 1]
    assert np.nanmin(edge) == pytest.approx(1.25) and np.nanmax(edge) == pytest.approx(
        4.0
    )
    assert ax.get_yscale() == "linear"  # 1.25 to 5 (and an inf): less than 5x


def test_best_so_far_draws_each_seed_instead_of_a_band_of_too_few_seeds():
    runs = [[4.0, 2.0, 3.0], [5.0, 1.0, 0.5], [3.0, 3.0, 2.5]]
    ax = axes()
    plot_best_so_far(ax, {"random": runs})  # 3 seeds < min_band_seeds = 5
    assert not ax.collections  # no band
    assert labels_of(ax) == [
        "random (median of 3 seeds)",
        "random: each of the 3 seeds",
    ]
    thin = [line for line in ax.get_lines() if line.get_lw() < 1]
    assert len(thin) == 3
    for line, run in zip(thin, runs, strict=True):
        np.testing.assert_array_equal(line.get_ydata(), running_best(run))
    ax = axes()
    plot_best_so_far(ax, {"random": runs + [[6.0, 5.0, 4.0], [2.0, 2.0, 1.0]]})
    assert "random: percentiles 25 to 75" in labels_of(ax)
    assert len(ax.get_lines()) == 1  # the median only: the band shows the spread


def test_best_so_far_single_run_is_its_running_minimum_on_a_log_axis():
    values = np.array([100.0, 30.0, 50.0, 1.0, 2.0])
    ax = axes()
    plot_best_so_far(ax, {"grid": [values]}, start=1)
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3, 4, 5])
    np.testing.assert_array_equal(line.get_ydata(), [100, 30, 30, 1, 1])
    assert ax.get_yscale() == "log" and labels_of(ax) == ["grid"]


def test_best_so_far_against_compute_uses_the_given_x():
    values = np.array([100.0, 30.0, 50.0, 1.0])
    seconds = np.array([0.5, 1.0, 4.0, 9.0])  # cumulative compute of each trial
    ax = axes()
    plot_best_so_far(ax, {"bayes": [values], "grid": [values]}, x={"bayes": seconds})
    bayes, grid = ax.get_lines()
    np.testing.assert_array_equal(bayes.get_xdata(), seconds)
    np.testing.assert_array_equal(grid.get_xdata(), [0, 1, 2, 3])  # not in x
    np.testing.assert_array_equal(bayes.get_ydata(), [100, 30, 30, 1])
    with pytest.raises(ValueError):
        plot_best_so_far(axes(), {"bayes": [values]}, x={"bayes": seconds[:2]})


@pytest.mark.filterwarnings("error")
def test_trials_mark_diverged_failed_and_off_scale_trials():
    values = np.array([5.0, np.inf, 3.0, np.nan, 1e162, 4.0, np.inf])
    fig = Figure(layout="constrained")
    ax = fig.subplots()
    plot_trials(ax, values, reference=(3.5, "closed form"))
    labels = labels_of(ax)
    assert "diverged (2)" in labels and "failed (1)" in labels
    assert "off the scale, > 4.5e+03 (1)" in labels  # 1000 x median(3, 4, 5, 1e162)
    assert "best: trial 2, 3" in labels and "closed form" in labels
    # the dots are the values on the scale, at their trial index
    dots = line_labelled(ax, "trial")
    assert dots.get_xydata().tolist() == [[0, 5.0], [2, 3.0], [5, 4.0]]
    # the best so far: nan (not drawn) never happens here: trial 0 is ok
    best = line_labelled(ax, "best so far")
    np.testing.assert_array_equal(best.get_ydata(), [5, 5, 3, 3, 3, 3, 3])
    # diverged marks sit at the top strip, at their trial index
    diverged = line_labelled(ax, "diverged")
    assert diverged.get_xdata().tolist() == [1, 6]
    low, high = ax.get_ylim()
    assert low < 3.0 and 5.0 < high < 1e162
    assert png_bytes(fig)[:8] == PNG


@pytest.mark.filterwarnings("error")
def test_trials_of_a_single_trial_and_of_only_diverged_ones():
    ax = axes()
    plot_trials(ax, [2.5])
    assert "best: trial 0, 2.5" in labels_of(ax)
    low, high = ax.get_ylim()
    assert low < 2.5 < high
    ax = axes()
    plot_trials(ax, [np.inf, np.nan, np.inf])
    assert labels_of(ax) == ["diverged (2)", "failed (1)"]
    assert png_bytes(ax.figure)[:8] == PNG


def test_trials_switch_to_a_log_axis_when_values_span_decades():
    ax = axes()
    plot_trials(ax, [1000.0, 10.0, 1.0])
    assert ax.get_yscale() == "log"
    ax = axes()
    plot_trials(ax, [3.0, 2.0, 1.5])
    assert ax.get_yscale() == "linear"


SPACE2 = {"lr": Real(1e-4, 1.0, log=True), "b1": Real(0.0, 0.9)}


@pytest.mark.filterwarnings("error")
def test_loss_surface_of_a_grid_is_the_grid_itself():
    params = grid(SPACE2, 3)  # last dimension fastest
    values = np.array([9.0, 8.0, 7.0, 6.0, np.inf, 4.0, 3.0, 2.0, np.nan])
    fig = Figure(layout="constrained")
    ax = fig.subplots()
    mesh = plot_loss_surface(ax, SPACE2, params, values)
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
    fig = loss_surface_figure(SPACE2, params, values, colorbar_label="loss")
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
    fig = loss_surface_figure(space, params, values)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["sgd", "adam", "True"]
    assert ax.get_ylim() == (-0.5, 2.5) and ax.get_xscale() == "log"
    assert png_bytes(fig)[:8] == PNG
    # and as a full grid: Integer(1, 3) x Categorical
    small = {"k": Integer(1, 3), "opt": Categorical(["a", "b"])}
    ax = axes()
    mesh = plot_loss_surface(ax, small, grid(small, 3), np.arange(1.0, 7.0))
    np.testing.assert_array_equal(
        mesh.get_array().reshape(2, 3), [[1, 3, 5], [2, 4, 6]]
    )


@pytest.mark.filterwarnings("error")
def test_loss_surface_of_a_single_trial_and_of_none_finite():
    ax = axes()
    mappable = plot_loss_surface(ax, SPACE2, [{"lr": 0.01, "b1": 0.5}], [2.0])
    assert mappable is not None and mappable.norm.vmin < 2.0 < mappable.norm.vmax
    star = line_labelled(ax, "best")
    assert star.get_xydata().tolist() == [[0.01, 0.5]]
    assert png_bytes(ax.figure)[:8] == PNG
    fig = loss_surface_figure(SPACE2, [{"lr": 0.01, "b1": 0.5}], [np.inf])
    assert len(fig.axes) == 1  # nothing finite: no colour bar
    assert png_bytes(fig)[:8] == PNG


def test_loss_surface_needs_two_named_dimensions():
    space = {**SPACE2, "b2": Real(0.9, 0.999)}
    with pytest.raises(ValueError, match="give names"):
        plot_loss_surface(axes(), space, [], [])
    with pytest.raises(ValueError, match="two dimensions"):
        plot_loss_surface(axes(), space, [], [], names=("lr", "lr"))
    ax = axes()  # a projection onto two of three dimensions
    params = [{"lr": 0.01, "b1": 0.1, "b2": 0.95}, {"lr": 0.1, "b1": 0.5, "b2": 0.99}]
    plot_loss_surface(ax, space, params, [1.0, 2.0], names=("lr", "b2"))
    assert ax.get_ylabel() == "b2"


def test_trials_figure_renders_with_a_legend_below():
    fig = trials_figure([3.0, np.inf, 1.0], title="t", ylabel="validation loss")
    (ax,) = fig.axes
    assert ax.get_title() == "t" and ax.get_ylabel() == "validation loss"
    assert "diverged (1)" in [t.get_text() for t in fig.legends[0].get_texts()]
    assert png_bytes(fig)[:8] == PNG


# ------------------------------------------------------------ plot_gp_1d


def fitted_gp(X, y):
    from search.gp import GaussianProcess

    return GaussianProcess(seed=0).fit(np.asarray(X)[:, None], np.asarray(y))


@pytest.mark.parametrize(
    ("X", "y"),
    [([0.3], [2.0]), ([0.1, 0.5, 0.9], [3.0, 1.0, 2.5]), ([0.0, 1.0], [1.0, 1.0])],
)
def test_plot_gp_1d_draws_observations_mean_and_ei(X, y):
    from search.acquisition import expected_improvement

    gp = fitted_gp(X, y)
    top, bottom = Figure().subplots(2, 1)
    ei = plot_gp_1d(top, bottom, gp, X, y, min(y), grid=101)
    u = np.linspace(0, 1, 101)
    mean, std = gp.predict(u[:, None])
    np.testing.assert_allclose(ei, expected_improvement(mean, std, min(y)))
    assert np.all(ei >= 0)
    lines = {line.get_label(): line for line in top.get_lines()}
    np.testing.assert_array_equal(lines[f"observed ({len(y)})"].get_xdata(), X)
    np.testing.assert_array_equal(lines[f"observed ({len(y)})"].get_ydata(), y)
    np.testing.assert_allclose(lines["posterior mean"].get_ydata(), mean)
    lines = {line.get_label(): line for line in bottom.get_lines()}
    assert lines["EI peak on the plotted grid"].get_xdata()[0] == u[np.argmax(ei)]
    assert "the search's next proposal (its EI)" not in lines  # none given
    assert PNG == png_bytes(top.figure)[:8]


def test_plot_gp_1d_maps_to_a_log_axis():
    space_lr = Real(1e-4, 10.0, log=True)
    X, y = [0.2, 0.6], [5.0, 4.0]
    top, bottom = Figure().subplots(2, 1)
    plot_gp_1d(top, bottom, fitted_gp(X, y), X, y, 4.0, x=space_lr.from_unit)
    assert top.get_xscale() == bottom.get_xscale() == "log"
    # the range, 1e-4 to 10 (5 decades), and 2% of it either side: 0.1 decade
    np.testing.assert_allclose(bottom.get_xlim(), (10**-4.1, 10**1.1), rtol=1e-12)
    observed = {line.get_label(): line for line in top.get_lines()}["observed (2)"]
    np.testing.assert_allclose(
        observed.get_xdata(), [space_lr.from_unit(u) for u in X], rtol=1e-12
    )


def test_plot_gp_1d_rejects_mismatched_data():
    top, bottom = Figure().subplots(2, 1)
    with pytest.raises(ValueError, match="same n"):
        plot_gp_1d(top, bottom, fitted_gp([0.5], [1.0]), [0.5, 0.6], [1.0], 1.0)


def test_plot_gp_1d_marks_bayes_searchs_next_proposal_at_the_ei_peak():
    from search.acquisition import expected_improvement
    from search.bayes_search import BayesSearch

    space = {"lr": Real(1e-4, 10.0, log=True)}
    strategy = BayesSearch(space, seed=3, n_initial=3)
    told = []
    for _ in range(6):  # a valley at lr = 0.03, the loss spanning decades
        (p,) = strategy.ask()
        told.append((p, 1.0 + 100 * np.log10(p["lr"] / 0.03) ** 2))
        strategy.tell(*told[-1])
    (proposal,) = strategy.ask()
    X = np.array([strategy.encode(p) for p, _ in told])  # (6, 1)
    t, _ = strategy.transform([v for _, v in told])  # the values its GP models
    top, bottom = Figure().subplots(2, 1)
    u_next = space["lr"].to_unit(proposal["lr"])
    ei = plot_gp_1d(
        top, bottom, strategy.gp, X, t, t.min(), x=space["lr"].from_unit,
        proposal=u_next,
    )  # fmt: skip
    lines = {line.get_label(): line for line in bottom.get_lines()}
    marker = lines["the search's next proposal (its EI)"]
    assert marker.get_xdata()[0] == pytest.approx(proposal["lr"], rel=1e-12)
    mean, std = strategy.gp.predict(np.array([[u_next]]))
    assert marker.get_ydata()[0] == expected_improvement(mean, std, t.min())[0]
    diamond = {line.get_label(): line for line in top.get_lines()}[
        "the search's next proposal (its mean)"
    ]
    assert diamond.get_ydata()[0] == mean[0]
    # the search maximized the same EI: its point is at the drawn peak, up to the grid
    assert marker.get_ydata()[0] >= 0.98 * ei.max()
    peak = lines["EI peak on the plotted grid"].get_xdata()[0]
    assert abs(np.log10(peak / proposal["lr"])) <= 5 / (ei.size - 1)


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
