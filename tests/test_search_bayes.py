"""BayesSearch: deterministic, never repeats, survives failures, batches, beats random search."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.bayes_search import BayesSearch, refit_due
from search.random_search import RandomSearch
from search.space import Categorical, Integer, Real, param_key, to_unit
from surfaces import Branin
from tests.test_search_space import size, small_spaces

seeds = st.integers(0, 2**32 - 1)

MIXED = {
    "lr": Real(1e-4, 1.0, log=True),
    "steps": Integer(1, 50, log=True),
    "opt": Categorical(["sgd", "adam", "rmsprop"]),
}


def bowl(params):
    """Smooth in lr and steps, a different offset per choice; minimum 0.1 at (1e-2, 7, adam)."""
    offset = {"sgd": 1.0, "adam": 0.0, "rmsprop": 0.5}[params["opt"]]
    return (
        (np.log10(params["lr"]) + 2) ** 2
        + np.log(params["steps"] / 7) ** 2
        + offset
        + 0.1
    )


def drive(strategy, fun, n, batch=1):
    """Ask/tell ``n`` points, ``batch`` at a time; return the proposals in order."""
    proposals = []
    while len(proposals) < n:
        batch_params = strategy.ask(batch)
        if not batch_params:
            break
        for params in batch_params:
            strategy.tell(params, fun(params))
        proposals += batch_params
    return proposals


def keys(space, proposals):
    return [param_key(space, p) for p in proposals]


# --- determinism ----------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 12345])
def test_same_seed_same_proposals(seed):
    a = drive(BayesSearch(MIXED, seed=seed, n_initial=3), bowl, 8)
    b = drive(BayesSearch(MIXED, seed=seed, n_initial=3), bowl, 8)
    assert a == b
    for params in a:
        to_unit(MIXED, params)  # valid points of the space


def test_different_seeds_differ():
    a = drive(BayesSearch(MIXED, seed=1), bowl, 3)
    b = drive(BayesSearch(MIXED, seed=2), bowl, 3)
    assert a != b


def test_replaying_the_log_gives_the_same_next_proposal():
    # The runner resumes by re-creating the strategy and replaying its rounds:
    # ask(len(round)) then tell each result. Some results came back out of
    # order and one point is still pending when the search stops.
    original = BayesSearch(MIXED, seed=7, n_initial=4)
    log = []
    for n in (2, 2, 1, 3, 1, 2):
        batch = original.ask(n)
        results = [(p, bowl(p)) for p in reversed(batch[1:])]  # batch[0] pending
        for params, value in results:
            original.tell(params, value)
        log.append((n, batch, results))
    replayed = BayesSearch(MIXED, seed=7, n_initial=4)
    for n, batch, results in log:
        assert replayed.ask(n) == batch
        for params, value in results:
            replayed.tell(params, value)
    assert replayed.ask(2) == original.ask(2)


def test_a_batch_is_the_same_as_single_asks():
    # Pending points get the constant liar whether they were asked together
    # or one by one, so ask(3) proposes what three ask(1) calls would.
    a, b = (
        BayesSearch(MIXED, seed=3, n_initial=2),
        BayesSearch(MIXED, seed=3, n_initial=2),
    )
    drive(a, bowl, 4)
    drive(b, bowl, 4)
    assert a.ask(3) == b.ask(1) + b.ask(1) + b.ask(1)


# --- never twice, failures, batches ----------------------------------------------------


@given(
    small_spaces.filter(lambda s: math.prod(size(d) for d in s.values()) <= 24), seeds
)
def test_no_duplicates_and_a_small_space_is_exhausted(space, seed):
    total = math.prod(size(dim) for dim in space.values())
    s = BayesSearch(space, seed=seed, n_initial=2)
    proposals = drive(s, lambda p: float(hash(param_key(space, p)) % 97), total + 3)
    assert len(proposals) == total
    assert len(set(keys(space, proposals))) == total
    assert s.ask(2) == []


def test_failed_and_diverged_trials_are_left_out_and_not_proposed_again():
    space = {"x": Real(0.0, 1.0), "k": Integer(0, 3)}

    def flaky(params):  # nan on a quarter of the space, inf on another
        if params["k"] == 0:
            return math.nan
        if params["k"] == 3:
            return math.inf
        return (params["x"] - 0.3) ** 2 + params["k"]

    s = BayesSearch(space, seed=0, n_initial=4)
    proposals = drive(s, flaky, 20)
    assert len(proposals) == 20
    assert len(set(keys(space, proposals))) == 20
    finite = [p for p in proposals if math.isfinite(flaky(p))]
    assert len(s.gp.X) == len(finite)  # the model saw only the finite results
    assert np.all(np.isfinite(s.gp.z))
    assert s.best[0]["k"] == 1  # the best finite class


def test_all_failures_still_propose_new_points():
    space = {"k": Integer(0, 5), "c": Categorical(["a", "b"])}
    s = BayesSearch(space, seed=0, n_initial=2)
    proposals = drive(s, lambda p: math.nan, 100)
    assert len(set(keys(space, proposals))) == len(proposals) == 12


def test_a_failed_told_point_is_not_proposed():
    space = {"k": Integer(0, 2)}
    s = BayesSearch(space, seed=0, n_initial=1)
    s.tell({"k": 1}, math.nan)
    s.tell({"k": 2}, math.inf)
    assert s.ask(3) == [{"k": 0}]


@pytest.mark.parametrize("n_initial", [1, 6])  # the batch from the model or the design
def test_a_batch_has_distinct_points(n_initial):
    s = BayesSearch(MIXED, seed=0, n_initial=n_initial, batch_size=3)
    drive(s, bowl, 4)
    batch = s.ask(s.batch_size)
    assert len(batch) == 3
    assert len(set(keys(MIXED, batch))) == 3
    assert not set(keys(MIXED, batch)) & set(keys(MIXED, [p for p, _ in s.history]))


def test_a_continuous_batch_spreads_out():
    # The constant liar: after the first pick its neighbourhood looks already
    # explored, so the next picks go elsewhere.
    s = BayesSearch({"x": Real(0.0, 1.0)}, seed=0, n_initial=4)
    drive(s, lambda p: np.sin(12 * p["x"]) + p["x"], 6)
    xs = sorted(p["x"] for p in s.ask(3))
    assert np.min(np.diff(xs)) > 1e-3


# --- the encoding ---------------------------------------------------------------------


def test_encoding_round_trip_and_one_hot():
    s = BayesSearch(MIXED, seed=0)
    params = {"lr": 0.01, "steps": 7, "opt": "rmsprop"}
    e = s.encode(params)
    assert e.shape == (5,)  # lr, steps, three one-hot columns
    assert e[2:].tolist() == [0.0, 0.0, 1.0]
    assert s.decode(e) == {**params, "lr": pytest.approx(0.01, rel=1e-14)}
    np.testing.assert_array_equal(s.snap(e[None])[0], e)  # feasible points stay put
    # a relaxed point snaps to the nearest integer cell and the argmax choice
    relaxed = e.copy()
    relaxed[1] += 0.004
    relaxed[2:] = [0.3, 0.6, 0.1]
    snapped = s.snap(relaxed[None])[0]
    assert s.decode(snapped) == {"lr": pytest.approx(0.01), "steps": 7, "opt": "adam"}
    assert snapped[2:].tolist() == [0.0, 1.0, 0.0]


def test_log_transform_kinds():
    s = BayesSearch({"x": Real(0.0, 1.0)}, seed=0)
    y = np.array([1.0, 10.0, 100.0])
    t, log_jac = s.transform(y, "log")
    np.testing.assert_allclose(t, np.log(y))
    assert log_jac == pytest.approx(-np.log(y).sum())
    # some y <= 0: shifted by min(y) - (median(y) - min(y)), so still monotone and finite
    t, _ = s.transform(np.array([-3.0, -1.0, 5.0]), "log")
    np.testing.assert_allclose(t, np.log([2.0, 4.0, 10.0]))
    t, log_jac = s.transform(y, "identity")
    np.testing.assert_array_equal(t, y)
    assert log_jac == 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_auto_transform_follows_the_evidence(seed):
    # y = exp(smooth) is smooth after the log; a bowl whose minimum is near 0
    # has a sharp spike after the log, so it is likelier as it is.
    space = {"x": Real(0.0, 1.0), "w": Real(0.0, 1.0)}
    cases = {
        "log": lambda p: np.exp(8 * p["x"] + 4 * p["w"] ** 2),
        "identity": lambda p: 1e-3 + (p["x"] - 0.5) ** 2 + (p["w"] - 0.5) ** 2,
    }
    for kind, fun in cases.items():
        s = BayesSearch(space, seed=seed, n_initial=12, log_transform="auto")
        drive(s, fun, 13)  # the 13th ask fits the model
        assert s._kind == kind


# --- the refit rule ---------------------------------------------------------------------


def test_refit_rule_by_hand():
    # Every new result up to 100; past that, once n >= 1.1 n_refit (exact in integers).
    assert all(refit_due(n, n - 1) for n in range(1, 101))
    assert refit_due(100, 99) and refit_due(37, 36)
    assert not refit_due(101, 100) and not refit_due(109, 100)
    assert refit_due(110, 100) and refit_due(111, 100)
    assert not refit_due(1000, 910) and refit_due(1001, 910)  # 1.1 * 910 = 1001
    assert refit_due(500, 0)  # never refitted: the first fit is one


def told(n, seed=0):
    """A BayesSearch on two reals told ``n`` random results of a smooth function."""
    space = {"x": Real(0.0, 1.0), "w": Real(0.0, 1.0)}
    s = BayesSearch(
        space, seed=seed, n_initial=1, log_transform=False, n_candidates=64, n_polish=1
    )
    for x, w in np.random.default_rng(seed).random((n, 2)):
        s.tell({"x": float(x), "w": float(w)}, smooth(x, w))
    return s


def smooth(x, w):
    return float(np.sin(5 * x) + (w - 0.3) ** 2 + 2)


def test_hyperparameters_are_refitted_only_when_the_rule_says():
    # Told 104 results: the first ask is the initial design (105 results),
    # the first model fit is at 105 (a refit: the first), the next refit at
    # ceil(1.1 * 105) = 116; in between the hyperparameters stay put.
    s = told(104)
    fits = []  # (number of results, optimize) of every GP fit to the results
    fit = s.gp.fit

    def recording_fit(X, y, theta=None, optimize=True):
        if len(X) == len(s.history):  # not the constant liar's refactorization
            fits.append((len(X), optimize))
        return fit(X, y, theta=theta, optimize=optimize)

    s.gp.fit = recording_fit
    thetas = {}  # number of results -> hyperparameters of the model used
    for _ in range(14):
        (params,) = s.ask()
        thetas[len(s.history)] = s.gp.theta
        s.tell(params, smooth(params["x"], params["w"]))
    refits = sorted({n for n, optimize in fits if optimize})
    assert refits == [105, 116]
    assert sorted({n for n, _ in fits}) == list(range(105, 118))
    for n in range(106, 116):  # kept: the same hyperparameters, bit for bit
        np.testing.assert_array_equal(thetas[n], thetas[105])
    assert not np.array_equal(thetas[116], thetas[115])


def test_a_restored_search_refits_where_the_uninterrupted_one_does():
    # Restored between two refits (as search.run resumes: tell the stored
    # results, load the state), it must not refit early: same proposals.
    original = told(104, seed=3)
    drive(original, lambda p: smooth(p["x"], p["w"]), 4)  # model fits at 105..108
    state = json.loads(json.dumps(original.state_dict()))
    restored = told(0, seed=3)
    for params, value in original.history:
        restored.tell(params, value)
    restored.load_state_dict(state)
    fun = lambda p: smooth(p["x"], p["w"])  # noqa: E731
    assert drive(restored, fun, 10) == drive(original, fun, 10)  # past 116


# --- quality --------------------------------------------------------------------------


@pytest.mark.slow  # a quality comparison: 3 seeds of two whole searches
def test_beats_random_search_on_branin():
    branin = Branin()
    low, high = branin.bounds
    space = {f"x{i}": Real(float(low[i]), float(high[i])) for i in range(2)}

    def f(params):
        return float(branin.value(np.array([params["x0"], params["x1"]])))

    regret = {"bayes": [], "random": []}
    for seed in range(5):
        for name, strategy in (("bayes", BayesSearch), ("random", RandomSearch)):
            s = strategy(space, seed=seed)
            drive(s, f, 30)
            regret[name].append(s.best[1] - branin.minimum)
    # Random search at 30 points is typically ~1 above the minimum (median
    # 1.4 over these seeds); BO is within a few hundredths.
    assert np.median(regret["bayes"]) < 0.1 * np.median(regret["random"])
    assert np.median(regret["bayes"]) < 0.1


def test_huge_finite_values_do_not_break_the_model():
    # A loss that nearly overflows (a learning rate on the edge of divergence)
    # next to ordinary ones: standardization and the log cope.
    space = {"lr": Real(1e-4, 1.0, log=True)}

    def loss(params):
        return 1e300 if params["lr"] > 0.5 else (np.log10(params["lr"]) + 2) ** 2 + 1

    s = BayesSearch(space, seed=0, n_initial=3)
    s.tell({"lr": 0.9}, 1e300)
    proposals = drive(s, loss, 12)
    assert len(proposals) == 12
    assert np.all(np.isfinite(s.gp.z))
    assert abs(np.log10(s.best[0]["lr"]) + 2) < 0.3


# --- bad input --------------------------------------------------------------------------


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="n_initial"):
        BayesSearch(MIXED, n_initial=0)
    with pytest.raises(TypeError, match="n_candidates"):
        BayesSearch(MIXED, n_candidates=2.5)
    with pytest.raises(ValueError, match="log_transform"):
        BayesSearch(MIXED, log_transform="yes")
    with pytest.raises(ValueError, match="n_polish"):
        BayesSearch(MIXED, n_polish=-1)
    with pytest.raises(ValueError, match="batch_size"):
        BayesSearch(MIXED, batch_size=0)
    s = BayesSearch(MIXED, seed=0)
    with pytest.raises(ValueError, match="n"):
        s.ask(0)
    with pytest.raises(TypeError, match="value"):
        s.tell({"lr": 0.1, "steps": 3, "opt": "sgd"}, "1.0")
