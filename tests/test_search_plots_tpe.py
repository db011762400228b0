"""Tests of search/plots/tpe.py: TPE's densities, the trials and the next proposal drawn.

Oracles: the search's own densities and split, and the proposal a copy of
the search makes next (the drawing must leave the search as it was).
"""

import copy

import numpy as np
import pytest
from matplotlib.figure import Figure

from search import Categorical, Integer, Real, TPESearch
from search.plots.tpe import plot_tpe_densities, tpe_figure
from search.space import to_unit
from tests._plot_helpers import PNG, png_bytes


def fitted(space, n=14, seed=0):
    s = TPESearch(space, seed=seed, n_initial=5)
    for _ in range(n):
        (p,) = s.ask()
        s.tell(p, float(np.sum((to_unit(space, p) - 0.3) ** 2)))
    return s


def lines(ax):
    return {line.get_label(): line for line in ax.get_lines()}


def test_densities_ratio_trials_and_proposal_are_drawn(tmp_path):
    space = {"lr": Real(1e-4, 1.0, log=True), "b1": Real(0.0, 0.99)}
    s = fitted(space)
    expected_next = copy.deepcopy(s).ask()[0]
    before = s.rng.bit_generator.state
    top, bottom = Figure().subplots(2, 1)
    out = plot_tpe_densities(top, bottom, s, "lr", grid=51)
    assert s.rng.bit_generator.state == before  # the search drew nothing
    values = [space["lr"].from_unit(u) for u in np.linspace(0, 1, 51)]
    l_good, g_bad = s.densities("lr", values)
    np.testing.assert_allclose(out["l"], l_good)
    np.testing.assert_allclose(lines(top)["l: good trials"].get_ydata(), l_good)
    np.testing.assert_allclose(lines(top)["g: bad trials"].get_ydata(), g_bad)
    np.testing.assert_allclose(lines(bottom)["l / g"].get_ydata(), l_good / g_bad)
    good, bad = s.split()
    drawn = lines(top)[f"good trials ({len(good)})"].get_xdata()
    np.testing.assert_array_equal(drawn, [p["lr"] for p, _ in good])
    assert f"bad trials ({len(bad)})" in lines(top)
    marked = lines(bottom)["the search's next proposal"].get_xdata()[0]
    assert marked == expected_next["lr"]
    assert top.get_xscale() == bottom.get_xscale() == "log"
    fig = tpe_figure(s, "b1", title="TPE")
    path = tmp_path / "tpe.png"
    fig.savefig(path)
    assert path.read_bytes()[:8] == PNG == png_bytes(fig)[:8]


def test_integer_and_categorical_dimensions_are_drawn_by_value():
    space = {"k": Integer(1, 6), "opt": Categorical(["sgd", "adam", "rmsprop"])}
    s = fitted(space, n=12)
    top, bottom = Figure().subplots(2, 1)
    out = plot_tpe_densities(top, bottom, s, "opt", proposal={"k": 1, "opt": "adam"})
    np.testing.assert_array_equal(out["x"], [0, 1, 2])
    assert out["l"].sum() == pytest.approx(1.0) and out["g"].sum() == pytest.approx(1)
    assert lines(bottom)["the search's next proposal"].get_xdata()[0] == 1.0
    assert [t.get_text() for t in top.get_xticklabels()] == ["sgd", "adam", "rmsprop"]
    top, bottom = Figure().subplots(2, 1)
    out = plot_tpe_densities(top, bottom, s, "k")
    np.testing.assert_array_equal(out["x"], [1, 2, 3, 4, 5, 6])
    assert out["l"].sum() == pytest.approx(1.0)  # probabilities of the values


def test_an_unknown_name_is_refused():
    top, bottom = Figure().subplots(2, 1)
    with pytest.raises(ValueError, match="name must be one of"):
        plot_tpe_densities(top, bottom, fitted({"x": Real(0, 1)}, n=3), "y")
