"""Tests of search/tpe_search.py: the Parzen estimators by hand, and TPESearch's contract.

Oracles: scipy.stats.truncnorm (the truncated Gaussian, its CDF for an
integer's cells), hand-worked bandwidths, mixture weights and categorical
kernels, and optuna's own Parzen estimator (5.1's private
``_ParzenEstimator``, skipped without optuna) on the same observations.
"""

import math

import numpy as np
import pytest
from scipy.stats import truncnorm

from search import (
    Categorical,
    Integer,
    RandomSearch,
    Real,
    TPESearch,
    run,
    tpe_search,
)
from search.testing import check_strategy
from search.tpe_search import (
    ParzenEstimator,
    bandwidths,
    categorical_kernels,
    default_gamma,
)

MIXED = {
    "lr": Real(1e-4, 1.0, log=True),
    "steps": Integer(1, 50, log=True),
    "opt": Categorical(["sgd", "adam", "rmsprop"]),
}


def tn_pdf(x, mu, sigma):
    """The N(mu, sigma^2) truncated to [0, 1], by SciPy."""
    return truncnorm.pdf(x, -mu / sigma, (1 - mu) / sigma, loc=mu, scale=sigma)


def told(strategy, pairs):
    for params, value in pairs:
        strategy.tell(params, value)
    return strategy


# ------------------------------------------------------------ the densities


def test_one_observation_is_an_even_mixture_of_two_truncated_normals():
    # one point at u = 0.2: its width is its larger gap to a bound, 0.8 (above
    # the clip 1 / min(100, 1 + 2)); the prior: centre 0.5, width 1; weights 1:1
    est = ParzenEstimator({"x": Real(0.0, 1.0)}, [[0.2]])
    x = np.linspace(0.0, 1.0, 11)
    expected = 0.5 * tn_pdf(x, 0.2, 0.8) + 0.5 * tn_pdf(x, 0.5, 1.0)
    np.testing.assert_allclose(np.exp(est.log_pdf(x[:, None])), expected, rtol=1e-12)
    # a density on [0, 1]: it integrates to one
    grid = np.linspace(0.0, 1.0, 20001)
    total = np.trapezoid(np.exp(est.log_pdf(grid[:, None])), grid)
    assert total == pytest.approx(1.0, abs=1e-8)


def test_bandwidths_by_hand():
    # sorted 0.1, 0.2, 0.9: gaps left (0.1, 0.1, 0.7), right (0.1, 0.7, 0.1);
    # the ends take their inner gap: 0.1 and 0.7; the middle max(0.1, 0.7);
    # then the clip at 1 / min(100, 3 + 2) = 0.2
    np.testing.assert_allclose(
        bandwidths([[0.9], [0.1], [0.2]]).ravel(), [0.7, 0.2, 0.7]
    )
    # many points: the clip is 1 / 100 at most
    u = np.linspace(0.0, 1.0, 500)[:, None]
    assert bandwidths(u).min() == pytest.approx(0.01)
    # two columns are two independent problems
    two = bandwidths([[0.9, 0.5], [0.1, 0.6]])
    np.testing.assert_allclose(two[:, 0], [0.8, 0.8])
    np.testing.assert_allclose(two[:, 1], [0.25, 0.25])  # 0.1 clipped at 1/4


def test_mixture_weights_count_each_observation_once_and_the_prior_by_its_weight():
    U = [[0.1], [0.4], [0.8]]
    est = ParzenEstimator({"x": Real(0.0, 1.0)}, U)
    np.testing.assert_allclose(est.w, [0.25, 0.25, 0.25, 0.25])
    est = ParzenEstimator({"x": Real(0.0, 1.0)}, U, prior_weight=3.0)
    np.testing.assert_allclose(est.w, [1 / 6, 1 / 6, 1 / 6, 1 / 2])
    empty = ParzenEstimator({"x": Real(0.0, 1.0)}, np.empty((0, 1)))
    np.testing.assert_allclose(empty.w, [1.0])  # the prior alone: N(0.5, 1) on [0, 1]
    np.testing.assert_allclose(
        np.exp(empty.log_pdf([[0.3]])), tn_pdf(0.3, 0.5, 1.0), rtol=1e-12
    )


def test_integer_kernel_is_the_truncated_normals_mass_of_each_cell():
    dim = Integer(0, 9)  # cells of width 0.1: value v owns [v / 10, (v + 1) / 10]
    est = ParzenEstimator({"k": dim}, [[dim.to_unit(3)]])  # centre 0.35, width 0.65
    mu, sigma = 0.35, 0.65
    cdf = truncnorm.cdf(np.linspace(0, 1, 11), -mu / sigma, (1 - mu) / sigma, mu, sigma)
    kernel = np.diff(cdf)  # (10,) probabilities of 0..9
    prior = np.diff(truncnorm.cdf(np.linspace(0, 1, 11), -0.5, 0.5, 0.5, 1.0))
    values = list(range(10))
    p = np.exp(est.log_pdf([[dim.to_unit(v)] for v in values]))
    np.testing.assert_allclose(p, 0.5 * kernel + 0.5 * prior, rtol=1e-10)
    assert p.sum() == pytest.approx(1.0)
    # any point of a cell has its integer's probability
    inside = np.exp(est.log_pdf([[0.301], [0.399]]))
    np.testing.assert_allclose(inside, p[3], rtol=1e-12)


def test_categorical_kernel_gives_the_observed_choice_its_weight_plus_the_prior():
    # one observation of choice 1 of 3: eps = 1 / 2, row (eps, 1 + eps, eps) / 2.5
    np.testing.assert_allclose(
        categorical_kernels([1], 3, 1.0), [[0.2, 0.6, 0.2], [1 / 3, 1 / 3, 1 / 3]]
    )
    s = told(TPESearch({"o": Categorical(["a", "b", "c"])}), [({"o": "b"}, 1.0)])
    s = told(s, [({"o": "a"}, 2.0)])  # n = 2: the best (b) is good, a is bad
    good, bad = s.split()
    assert good == [({"o": "b"}, 1.0)] and bad == [({"o": "a"}, 2.0)]
    good_pdf, bad_pdf = s.densities("o", ["a", "b", "c"])
    np.testing.assert_allclose(good_pdf, 0.5 * np.array([0.2, 0.6, 0.2]) + 0.5 / 3)
    np.testing.assert_allclose(bad_pdf, 0.5 * np.array([0.6, 0.2, 0.2]) + 0.5 / 3)


def test_the_split_keeps_gamma_n_best_finite_results_good():
    assert [default_gamma(n) for n in (0, 1, 10, 11, 249, 251)] == [0, 1, 1, 2, 25, 25]
    s = TPESearch({"x": Real(0.0, 1.0)}, n_initial=100)
    values = [0.5, 0.1, math.inf, math.nan, 0.3, 0.2, 0.4, 0.6, 0.7, 0.8, 0.9, 1.0]
    told(s, [({"x": i / 20}, v) for i, v in enumerate(values)])
    good, bad = s.split()  # 11 results (nan left out): ceil(1.1) = 2 good
    assert [v for _, v in good] == [0.1, 0.2]
    assert [v for _, v in bad][-1] == math.inf and len(bad) == 9
    # a diverged result is never good, even when the rule asks for more
    s = told(TPESearch({"x": Real(0.0, 1.0)}, gamma=lambda n: n), [({"x": 0.5}, 1.0)])
    s = told(s, [({"x": 0.6}, math.inf)])
    assert [len(group) for group in s.split()] == [1, 1]


def test_the_estimators_match_optunas_on_the_same_observations():
    optuna = pytest.importorskip("optuna")
    from optuna.samplers._tpe.parzen_estimator import (
        _ParzenEstimator,
        _ParzenEstimatorParameters,
    )
    from optuna.samplers._tpe.sampler import default_weights

    dist = optuna.distributions
    theirs_space = {
        "x": dist.FloatDistribution(0.0, 1.0),
        "k": dist.IntDistribution(0, 9),
        "o": dist.CategoricalDistribution(["a", "b", "c"]),
    }
    ours_space = {
        "x": Real(0.0, 1.0),
        "k": Integer(0, 9),
        "o": Categorical(["a", "b", "c"]),
    }
    rng = np.random.default_rng(0)
    n, m = 7, 50
    obs = {"x": rng.random(n), "k": rng.integers(0, 10, n), "o": rng.integers(0, 3, n)}
    at = {"x": rng.random(m), "k": rng.integers(0, 10, m), "o": rng.integers(0, 3, m)}

    def units(d):  # optuna's internal values -> our unit positions
        return np.column_stack([d["x"], (d["k"] + 0.5) / 10, (d["o"] + 0.5) / 3])

    for multivariate in (True, False):
        params = _ParzenEstimatorParameters(1.0, True, False, default_weights, True)
        theirs = _ParzenEstimator(
            {k: v.astype(float) for k, v in obs.items()}, theirs_space, params
        )
        ours = ParzenEstimator(ours_space, units(obs), joint=multivariate)
        expected = theirs.log_pdf({k: v.astype(float) for k, v in at.items()})
        if multivariate:
            np.testing.assert_allclose(ours.log_pdf(units(at)), expected, rtol=1e-10)
        else:  # independent: the product of the marginals, not optuna's joint
            assert not np.allclose(ours.log_pdf(units(at)), expected)


# ------------------------------------------------------------ the strategy


@pytest.mark.parametrize("multivariate", [True, False])
def test_check_strategy_passes(multivariate):
    check_strategy(
        lambda seed: TPESearch(
            MIXED, seed=seed, n_initial=3, multivariate=multivariate
        ),
        max_examples=15,
    )


def test_same_seed_same_proposals_and_the_start_up_is_random_search():
    def proposals(strategy, n=16):
        out = []
        for i in range(n):
            (p,) = strategy.ask()
            strategy.tell(p, (math.log10(p["lr"]) + 2) ** 2 + p["steps"] / 50 + i % 2)
            out.append(p)
        return out

    a = proposals(TPESearch(MIXED, seed=4, n_initial=5))
    assert a == proposals(TPESearch(MIXED, seed=4, n_initial=5))
    assert a != proposals(TPESearch(MIXED, seed=5, n_initial=5))
    assert a[:5] == proposals(RandomSearch(MIXED, seed=4), n=5)


def test_a_small_space_is_exhausted_without_repeats():
    space = {"k": Integer(1, 5), "o": Categorical([True, False])}
    s = TPESearch(space, seed=0, n_initial=2, batch_size=3)
    seen = []
    while batch := s.ask(3):
        for p in batch:
            s.tell(p, p["k"] + (0.5 if p["o"] else 0.0))
        seen += [(p["k"], p["o"]) for p in batch]
    assert len(seen) == len(set(seen)) == 10


def test_the_constant_liar_counts_pending_points_as_bad():
    s = TPESearch({"x": Real(0.0, 1.0), "y": Real(0.0, 1.0)}, seed=1, n_initial=4)
    for p in s.ask(4):
        s.tell(p, (p["x"] - 0.3) ** 2 + (p["y"] - 0.7) ** 2)
    _, G = s.estimators()
    n_bad = len(G.w) - 1
    batch = s.ask(5)
    assert len({(p["x"], p["y"]) for p in batch}) == 5
    _, G = s.estimators()
    assert len(G.w) - 1 == n_bad + 5  # the five pending points are in g
    pending = np.array([[p["x"], p["y"]] for p in batch])
    np.testing.assert_array_equal(G.mu[n_bad:-1], pending)
    for p in batch:
        s.tell(p, 1.0)
    _, G = s.estimators()
    assert len(G.w) - 1 == n_bad + 5  # told now: results in g, no longer lies


def test_failed_and_diverged_results_do_not_break_it():
    s = TPESearch(MIXED, seed=0, n_initial=3, batch_size=2)
    outcomes = [math.nan, math.inf, -math.inf, 1.0]
    for i in range(6):
        for p in s.ask(2):
            s.tell(p, outcomes[i % 4])
    assert len(s.history) == 12 and len(s.ask(2)) == 2
    # only failures: the model never has data, so the proposals stay random
    s = TPESearch({"x": Real(0.0, 1.0)}, seed=0, n_initial=2)
    for _ in range(5):
        (p,) = s.ask()
        s.tell(p, math.nan)
    assert s.split() == ([], [])
    # only diverged: l is the prior alone, and it still proposes
    s = TPESearch({"x": Real(0.0, 1.0)}, seed=0, n_initial=2)
    for _ in range(5):
        (p,) = s.ask()
        s.tell(p, math.inf)
    assert len(s.split()[0]) == 0 and len(s.ask()) == 1


def test_a_wide_log_integer_stays_finite_and_in_range():
    s = TPESearch({"n": Integer(1, 2**40, log=True)}, seed=0, n_initial=3)
    for _ in range(12):
        (p,) = s.ask()
        assert type(p["n"]) is int and 1 <= p["n"] <= 2**40
        s.tell(p, abs(math.log(p["n"]) - 20))
    good_pdf, bad_pdf = s.densities("n", [1, 2**20, 2**40])
    assert np.all(good_pdf > 0) and np.all(bad_pdf > 0)


def test_tpe_beats_random_search_on_a_quadratic():
    # sum (x_i - 0.3)^2 in [-1, 1]^4, 40 trials: median best value over 5 seeds
    space = {f"x{i}": Real(-1.0, 1.0) for i in range(4)}

    def objective(p):
        return sum((v - 0.3) ** 2 for v in p.values())

    def median_best(make):
        return np.median(
            [run(objective, make(seed), 40).best.value for seed in range(5)]
        )

    tpe = median_best(lambda seed: TPESearch(space, seed=seed))
    rand = median_best(lambda seed: RandomSearch(space, seed=seed))
    assert tpe < 0.5 * rand, (tpe, rand)


def test_tpe_search_resumes_from_storage_with_the_same_proposals(tmp_path):
    space = {"x": Real(-2.0, 2.0), "k": Integer(1, 9)}

    def objective(p):
        return (p["x"] - 1) ** 2 + p["k"]

    whole = tpe_search(objective, space, 16, seed=3)
    path = tmp_path / "trials.jsonl"
    tpe_search(objective, space, 9, seed=3, storage=path)
    resumed = tpe_search(objective, space, 16, seed=3, storage=path)
    assert [t.params for t in resumed.trials] == [t.params for t in whole.trials]
    with pytest.raises(ValueError, match="another state"):  # other settings
        run(objective, TPESearch(space, seed=3, n_initial=4), 20, storage=path)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_initial": -1}, ValueError, "n_initial must be >= 0, got -1"),
        ({"n_initial": 2.5}, TypeError, "n_initial must be an int"),
        ({"multivariate": 1}, TypeError, "multivariate must be True or False"),
        ({"gamma": 0.1}, TypeError, "gamma must be a callable"),
        ({"n_candidates": 0}, ValueError, "n_candidates must be >= 1, got 0"),
        ({"prior_weight": 0.0}, ValueError, "prior_weight must be > 0, got 0.0"),
        ({"prior_weight": math.nan}, ValueError, "prior_weight must be finite"),
        ({"batch_size": 0}, ValueError, "batch_size must be >= 1"),
        ({"seed": -1}, ValueError, "seed must be None"),
    ],
)
def test_bad_arguments_are_refused_by_name(kwargs, error, match):
    with pytest.raises(error, match=f"TPESearch: {match}"):
        TPESearch({"x": Real(0.0, 1.0)}, **kwargs)


def test_bad_gamma_values_and_names_are_refused():
    s = TPESearch({"x": Real(0.0, 1.0)}, gamma=lambda n: n + 1, n_initial=1)
    s.tell({"x": 0.5}, 1.0)
    with pytest.raises(ValueError, match=r"TPESearch: gamma\(1\) must be in \[0, 1\]"):
        s.ask()
    with pytest.raises(ValueError, match="name must be one of"):
        s.densities("y", [0.5])
    with pytest.raises(ValueError, match="params must have the names"):
        s.tell({"x": 0.5, "steps": 10}, 1.0)  # an extra key is not a point
