"""Tests of search/plots/gp.py: the GP posterior and expected improvement drawn.

Oracles: the GP's own predict, search.acquisition.expected_improvement, and
a BayesSearch's next proposal (what the search actually maximized).
"""

import numpy as np
import pytest
from matplotlib.figure import Figure

from search.plots import plot_gp_1d
from search.space import Real
from tests._plot_helpers import PNG, png_bytes

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
    ei = plot_gp_1d(top, bottom, gp, X, y, best=min(y), grid=101)
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
    plot_gp_1d(top, bottom, fitted_gp(X, y), X, y, best=4.0, x=space_lr.from_unit)
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
        plot_gp_1d(top, bottom, fitted_gp([0.5], [1.0]), [0.5, 0.6], [1.0], best=1.0)


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
        top, bottom, strategy.gp, X, t, best=t.min(), x=space["lr"].from_unit,
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


def test_plot_gp_1d_improves_on_the_lowest_observation_by_default():
    from search.acquisition import expected_improvement

    X, y = [0.1, 0.5, 0.9], [3.0, 1.0, 2.5]
    gp = fitted_gp(X, y)
    top, bottom = Figure().subplots(2, 1)
    ei = plot_gp_1d(top, bottom, gp, X, y, grid=11)
    mean, std = gp.predict(np.linspace(0, 1, 11)[:, None])
    np.testing.assert_allclose(ei, expected_improvement(mean, std, 1.0))
    best = {line.get_label(): line for line in top.get_lines()}["best so far"]
    assert best.get_ydata()[0] == 1.0
