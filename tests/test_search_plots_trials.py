"""Tests of search/plots/trials.py: each trial and the best so far, by status.

Figures are built with matplotlib.figure.Figure (no pyplot, no backend) and
read back through the artists (line data, limits, legend texts); oracles
are hand computations. Statuses are given, as ``Trial.status`` records them,
never read off the values.
"""

import numpy as np
import pytest
from matplotlib.figure import Figure

from search.plots import plot_best_so_far, plot_trials, trials_figure, value_ceiling
from search.results import SearchResult, Trial, running_best
from tests._plot_helpers import PNG, axes, labels_of, line_labelled, png_bytes


def result_of(values, status):
    """A SearchResult of one-parameter trials with these values and statuses."""
    trials = [
        Trial(index=i, params={"lr": 0.1 * (i + 1)}, value=v, status=s, seconds=0.0)
        for i, (v, s) in enumerate(zip(values, status, strict=True))
    ]
    return SearchResult(trials)


def test_running_best_by_hand():
    values = [np.nan, 5.0, np.inf, 7.0, 2.0, np.nan, 3.0]
    expected = [np.inf, 5.0, 5.0, 5.0, 2.0, 2.0, 2.0]
    np.testing.assert_array_equal(running_best(values), expected)
    assert running_best([]).shape == (0,)


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
    assert np.nanmin(edge) == pytest.approx(1.25)
    assert np.nanmax(edge) == pytest.approx(4.0)
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
    status = ["ok", "diverged", "ok", "failed", "ok", "ok", "diverged"]
    fig = Figure(layout="constrained")
    ax = fig.subplots()
    plot_trials(ax, values, status, reference=(3.5, "closed form"))
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
    plot_trials(ax, [2.5], ["ok"])
    assert "best: trial 0, 2.5" in labels_of(ax)
    low, high = ax.get_ylim()
    assert low < 2.5 < high
    ax = axes()
    plot_trials(ax, [np.inf, np.nan, np.inf], ["diverged", "failed", "diverged"])
    assert labels_of(ax) == ["diverged (2)", "failed (1)"]
    assert png_bytes(ax.figure)[:8] == PNG


def test_trials_draw_the_status_given_not_one_read_off_the_value():
    # the runner records a nan its objective returned as "diverged", not "failed"
    ax = axes()
    plot_trials(ax, [1.0, np.nan, np.inf], ["ok", "diverged", "failed"])
    assert labels_of(ax)[-2:] == ["diverged (1)", "failed (1)"]
    assert line_labelled(ax, "diverged").get_xdata().tolist() == [1]
    assert line_labelled(ax, "failed").get_xdata().tolist() == [2]


def test_trials_need_one_known_status_per_value():
    with pytest.raises(ValueError, match="one entry per value"):
        plot_trials(axes(), [1.0, 2.0], ["ok"])
    with pytest.raises(ValueError, match="status must be one of"):
        plot_trials(axes(), [1.0, 2.0], ["ok", "nan"])
    with pytest.raises(TypeError):
        plot_trials(axes(), [1.0, 2.0])  # the status is required


def test_trials_switch_to_a_log_axis_when_values_span_decades():
    ax = axes()
    plot_trials(ax, [1000.0, 10.0, 1.0], ["ok"] * 3)
    assert ax.get_yscale() == "log"
    ax = axes()
    plot_trials(ax, [3.0, 2.0, 1.5], ["ok"] * 3)
    assert ax.get_yscale() == "linear"


def test_trials_figure_of_a_result_renders_with_a_legend_below():
    result = result_of([3.0, np.inf, 1.0], ["ok", "diverged", "ok"])
    fig = trials_figure(result, title="t", ylabel="validation loss")
    (ax,) = fig.axes
    assert ax.get_title() == "t" and ax.get_ylabel() == "validation loss"
    assert "diverged (1)" in [t.get_text() for t in fig.legends[0].get_texts()]
    assert line_labelled(ax, "trial").get_xydata().tolist() == [[0, 3.0], [2, 1.0]]
    assert png_bytes(fig)[:8] == PNG


def test_trials_figure_draws_the_values_given_with_the_trials_statuses():
    # hpo search draws the gap to a known minimum: the values change, not the status
    result = result_of([3.0, np.inf, 1.0, np.nan], ["ok", "diverged", "ok", "failed"])
    gaps = np.array([2.0, np.inf, 0.5, np.nan])
    fig = trials_figure(result, values=gaps)
    (ax,) = fig.axes
    assert line_labelled(ax, "trial").get_xydata().tolist() == [[0, 2.0], [2, 0.5]]
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "diverged (1)" in labels and "failed (1)" in labels
    with pytest.raises(ValueError, match="one entry per trial"):
        trials_figure(result, values=gaps[:2])
    with pytest.raises(TypeError, match="SearchResult"):
        trials_figure([3.0, 1.0])
