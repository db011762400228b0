"""Tests of search/plots/fidelity.py: configurations through the rungs, and compute.

Figures are built with matplotlib.figure.Figure (no pyplot, no backend) and
read back through the artists (line data, legend texts, ticks); oracles are
results written by hand (a bracket of successive halving whose promotions
are known) and a real Hyperband run counted from its trials.
"""

import numpy as np
import pytest

from optim import Adam
from search import Real, TrainedLoss, hyperband_search
from search.plots import (
    config_curves,
    plot_best_vs_gradient_steps,
    plot_rungs,
    rungs_figure,
)
from search.results import SearchResult, Trial
from surfaces import Rosenbrock
from tests._plot_helpers import PNG, axes, labels_of, line_labelled, png_bytes


def result_of(rows):
    """A SearchResult of ``(lr, steps, value, status, gradient_steps)`` rows."""
    trials = [
        Trial(
            index=i,
            params={"lr": lr, "steps": steps},
            value=value,
            status=status,
            seconds=0.0,
            steps=steps,
            gradient_steps=spent,
        )  # fmt: skip
        for i, (lr, steps, value, status, spent) in enumerate(rows)
    ]
    return SearchResult(trials)


# A bracket of successive halving with eta = 3, worked by hand: 9
# configurations (lr = 1, ..., 9) at 1 step, the best 3 (lr 7, 8, 9: the
# lowest values) go on to 3 steps, the best of those (lr 8) to 9.
BOTTOM = [(float(k), 1, 100.0 - k, "ok", 1) for k in range(1, 10)]
MIDDLE = [(7.0, 3, 40.0, "ok", 2), (8.0, 3, 20.0, "ok", 2), (9.0, 3, 30.0, "ok", 2)]
TOP = [(8.0, 9, 2.0, "ok", 6)]
BRACKET = BOTTOM + MIDDLE + TOP


def config_lines(ax):
    """The lines of configurations: through more than one point, solid, in data."""
    return [
        line
        for line in ax.get_lines()
        if line.get_linestyle() == "-" and line.get_marker() == "o"
    ]


def test_curves_group_trials_by_configuration_without_steps():
    found = config_curves(result_of(BRACKET))
    assert len(found) == 9  # one per lr
    assert [c.params for c in found] == [{"lr": float(k)} for k in range(1, 10)]
    by_lr = {c.params["lr"]: c for c in found}
    np.testing.assert_array_equal(by_lr[8.0].steps, [1, 3, 9])
    np.testing.assert_array_equal(by_lr[8.0].values, [92.0, 20.0, 2.0])
    np.testing.assert_array_equal(by_lr[7.0].steps, [1, 3])
    np.testing.assert_array_equal(by_lr[1.0].values, [99.0])


@pytest.mark.filterwarnings("error")
def test_rungs_draw_each_configuration_through_the_budgets_it_reached():
    ax = axes()
    found = plot_rungs(ax, result_of(BRACKET), ylabel="validation loss")
    lines = config_lines(ax)
    assert len(lines) == len(found) == 9
    drawn = sorted(tuple(map(tuple, line.get_xydata())) for line in lines)
    expected = sorted(
        tuple(zip(c.steps.tolist(), c.values.tolist(), strict=True)) for c in found
    )
    assert drawn == expected
    # the promoted configuration goes on: its line passes every rung, drawn on top
    best = max(lines, key=lambda line: line.get_lw())
    assert best.get_xdata().tolist() == [1, 3, 9] and best.get_color() == "black"
    labels = labels_of(ax)
    assert "stopped below 9 steps (8)" in labels  # 6 at 1 step, 2 at 3
    assert "trained to 9 steps (1)" in labels
    assert "a configuration (9)" in labels  # one bracket: a single start
    assert "rungs: 1, 3, 9 steps" in labels
    assert "best: 2 at 9 steps (lr 8)" in labels
    stopped = line_labelled(ax, "stopped")
    assert sorted(stopped.get_xydata().tolist()) == sorted(
        [[1.0, 100.0 - k] for k in range(1, 7)] + [[3.0, 40.0], [3.0, 30.0]]
    )
    rungs = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert sorted(line.get_xdata()[0] for line in rungs) == [1, 3, 9]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"  # 2 to 99
    assert ax.get_xticks().tolist() == [1, 3, 9]
    assert ax.get_xlabel() == "steps trained (log scale)"
    assert ax.get_ylabel() == "validation loss"


@pytest.mark.filterwarnings("error")
def test_a_configuration_that_diverges_ends_its_line_in_the_top_strip():
    rows = BOTTOM + [MIDDLE[0], (8.0, 3, np.inf, "diverged", 2), MIDDLE[2]]
    rows += [(9.0, 9, 25.0, "ok", 6)]  # 9 went on instead
    ax = axes()
    found = plot_rungs(ax, result_of(rows))
    assert len(found) == 9
    diverged = line_labelled(ax, "diverged")
    assert diverged.get_xdata().tolist() == [3.0]
    assert "diverged (1)" in labels_of(ax)
    # lr 8's line holds only its finite result; it ends with no cross
    (line8,) = [line for line in config_lines(ax) if line.get_ydata()[0] == 92.0]
    assert line8.get_xdata().tolist() == [1]
    assert "stopped below 9 steps (7)" in labels_of(ax)  # 6 at 1 step, lr 7
    low, high = ax.get_ylim()
    assert low < 25.0 and high > 99.0  # every finite value, and the strip above


def test_rungs_of_a_linear_range_stay_linear():
    rows = [(1.0, 1, 3.0, "ok", 1), (2.0, 1, 2.0, "ok", 1), (2.0, 3, 1.5, "ok", 2)]
    ax = axes()
    plot_rungs(ax, result_of(rows))
    assert ax.get_yscale() == "linear"  # 1.5 to 3: less than 5x


def test_rungs_of_a_real_hyperband_run_count_its_trials():
    objective = TrainedLoss(Adam, Rosenbrock())
    result = hyperband_search(objective, {"lr": Real(1e-4, 1.0, log=True)}, 27)
    fig = rungs_figure(result, title="Hyperband", ylabel="loss")
    (ax,) = fig.axes
    configs = {t.params["lr"] for t in result.trials}
    assert len(config_lines(ax)) == len(configs) == 27 + 12 + 6 + 4  # the plan
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    for start, n in zip((1, 3, 9, 27), (27, 12, 6, 4), strict=True):
        assert f"started at {start} steps ({n} configurations)" in labels
    at_top = sum(t.steps == 27 and t.status == "ok" for t in result.trials)
    assert f"trained to 27 steps ({at_top})" in labels
    ended_ok = sum(
        c.status[-1] == "ok" and c.steps[-1] < 27 for c in config_curves(result)
    )  # fmt: skip
    assert f"stopped below 27 steps ({ended_ok})" in labels
    assert ax.get_title() == "Hyperband"
    assert png_bytes(fig)[:8] == PNG


def test_rungs_need_the_trials_steps():
    result = SearchResult(
        [Trial(index=0, params={"lr": 1.0}, value=1.0, status="ok", seconds=0.0)]
    )
    with pytest.raises(ValueError, match="no steps"):
        plot_rungs(axes(), result)
    with pytest.raises(TypeError, match="SearchResult"):
        plot_rungs(axes(), [1.0])


@pytest.mark.filterwarnings("error")
def test_best_vs_gradient_steps_reads_every_seed_at_the_same_steps():
    # seed a: trials of 10, 10, 30 steps -> totals 10, 20, 50; best 5, 3, 3
    a = result_of([(1.0, 10, 5.0, "ok", 10), (2.0, 10, 3.0, "ok", 10)])
    a.trials.append(
        Trial(index=2, params={"lr": 3.0, "steps": 30}, value=4.0, status="ok",
              seconds=0.0, steps=30, gradient_steps=30)
    )  # fmt: skip
    # seed b: 20, 20 -> totals 20, 40; best 4, 1
    b = result_of([(1.0, 20, 4.0, "ok", 20), (2.0, 20, 1.0, "ok", 20)])
    one = result_of([(1.0, 5, 8.0, "ok", 5), (2.0, 5, 6.0, "ok", 5)])
    ax = axes()
    out = plot_best_vs_gradient_steps(
        ax, {"random": [a, b], "Hyperband": one}, offset=0.5, xlabel="steps"
    )
    x, median = out["random"]
    np.testing.assert_array_equal(x, [10, 20, 40, 50])
    # at 10: a has 5, b nothing yet (no median); at 20: 3 and 4; at 40: 3
    # and 1; at 50 only a got there: 3; less the offset
    np.testing.assert_array_equal(median, [np.nan, 3.0, 1.5, 2.5])
    line = line_labelled(ax, "random (median of 2 seeds)")
    np.testing.assert_array_equal(line.get_xdata(), x)
    x1, median1 = out["Hyperband"]
    np.testing.assert_array_equal(x1, [5, 10])
    np.testing.assert_array_equal(median1, [7.5, 5.5])
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "steps"
    assert "Hyperband" in labels_of(ax)


def test_best_vs_gradient_steps_needs_the_steps_spent():
    result = SearchResult(
        [Trial(index=0, params={"lr": 1.0}, value=1.0, status="ok", seconds=0.0)]
    )
    with pytest.raises(ValueError, match="gradient_steps"):
        plot_best_vs_gradient_steps(axes(), {"f": result})
    with pytest.raises(TypeError, match="SearchResult"):
        plot_best_vs_gradient_steps(axes(), {"f": [[1.0, 2.0]]})
