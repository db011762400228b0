"""Successive halving, Hyperband and ASHA: rungs, brackets and promotions, as published.

The bracket sizes are Table 1 of Li et al. (2018) for ``R = 81, eta = 3``,
written out here; promotions are checked on results told by hand; a search
with :class:`search.TrainedLoss` spends the steps counted by hand, and a
search killed and resumed from its storage file gives the same trials.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from optim import SGD
from search import (
    ASHA,
    Categorical,
    Hyperband,
    Integer,
    RandomSearch,
    Real,
    SuccessiveHalving,
    TPESearch,
    TrainedLoss,
    hyperband_search,
    run,
)
from search.multi_fidelity import ladder
from search.testing import check_strategy
from surfaces import Rosenbrock

LR = {"lr": Real(1e-4, 1.0, log=True)}
MIXED = {
    "lr": Real(1e-4, 1.0, log=True),
    "k": Integer(1, 3),
    "c": Categorical(["a", "b"]),
}
SMALL = {"k": Integer(0, 1), "c": Categorical(["a", "b"])}  # 4 configurations


def play(strategy, value, n=None):
    """Ask (``n`` at a time, default the batch size) and tell ``value(params)`` to the end."""
    trials = []
    while batch := strategy.ask(n or strategy.batch_size):
        for params in batch:
            strategy.tell(params, value(params))
        trials.append(batch)
    return trials


def test_the_budgets_are_a_geometric_ladder_ending_at_max_steps():
    assert ladder(1, 81, 3) == [1, 3, 9, 27, 81]
    assert ladder(3, 81, 3) == [3, 9, 27, 81]
    assert ladder(10, 81, 3) == [27, 81]  # 10 * 9 > 81: two rungs, from the top
    assert ladder(5, 100, 2) == [6, 12, 25, 50, 100]  # round(100 / 16) = 6
    assert ladder(7, 7, 3) == [7]
    assert Hyperband(LR, max_steps=300).budgets == [11, 33, 100, 300]  # 300 // 27


def test_hyperband_brackets_are_li_et_al_table_1():
    # Li et al. 2018, Table 1 (R = 81, eta = 3): n_i and r_i of each bracket
    table = {
        4: [(81, 1), (27, 3), (9, 9), (3, 27), (1, 81)],
        3: [(34, 3), (11, 9), (3, 27), (1, 81)],
        2: [(15, 9), (5, 27), (1, 81)],
        1: [(8, 27), (2, 81)],
        0: [(5, 81)],
    }
    hb = Hyperband(LR, seed=0, min_steps=1, max_steps=81)
    assert hb.plan() == [81, 34, 15, 8, 5]
    play(hb, lambda p: p["lr"])
    for bracket, s in zip(hb.brackets, range(4, -1, -1), strict=True):
        got = [(len(rung["configs"]), hb.budgets[rung["rung"]]) for rung in bracket]
        assert got == table[s]
    assert hb.n_trials == sum(n for rows in table.values() for n, _ in rows) == 206
    assert hb.ask(5) == []  # one iteration, then done


def test_successive_halving_promotes_the_best_third_of_each_rung():
    sh = SuccessiveHalving(LR, seed=1, max_steps=9)  # budgets 1, 3, 9; 9 configurations
    first = sh.ask(9)
    assert [p["steps"] for p in first] == [1] * 9
    ranks = [4, 0, 8, 2, 6, 1, 7, 3, 5]  # told value = rank: the best are 1, 5, 3
    for params, rank in zip(first, ranks, strict=True):
        sh.tell(params, float(rank))
    second = sh.ask(9)  # the rung of 3 (a short answer: the top waits for it)
    assert [p["lr"] for p in second] == [first[i]["lr"] for i in (1, 5, 3)]
    assert [p["steps"] for p in second] == [3, 3, 3]
    for params, value in zip(second, [2.0, math.nan, 1.0], strict=True):
        sh.tell(params, value)
    (top,) = sh.ask(9)
    assert top == {**first[3], "steps": 9}  # 1.0 beats 2.0; a failed (nan) ranks last
    sh.tell(top, 0.5)
    assert sh.ask(9) == []


def test_failed_and_diverged_results_rank_last():
    sh = SuccessiveHalving(LR, seed=2, max_steps=3)  # 3 configurations, then 1
    first = sh.ask(3)
    for params, value in zip(first, [math.inf, 5.0, math.nan], strict=True):
        sh.tell(params, value)
    assert sh.ask(3) == [{**first[1], "steps": 3}]


def test_asha_promotes_as_soon_as_a_configuration_is_in_the_top_third():
    asha = ASHA(LR, seed=0, max_steps=9, batch_size=2)
    a, b = asha.ask(2)
    asha.tell(a, 2.0)
    asha.tell(b, 1.0)
    c, d = asha.ask(2)  # 2 results: floor(2 / 3) = 0 promotions; new ones
    assert c["steps"] == d["steps"] == 1
    asha.tell(c, 3.0)
    asha.tell(d, 0.5)
    e, f = asha.ask(2)  # 4 results: the best one (d) goes on, then a new one
    assert e == {**d, "steps": 3} and f["steps"] == 1
    asha.tell(e, 0.2)
    asha.tell(f, 9.0)
    # 5 results at rung 0 (top 1: d, promoted); 1 at rung 1 (top 0): new ones
    assert [p["steps"] for p in asha.ask(2)] == [1, 1]


@pytest.mark.parametrize("cls", [SuccessiveHalving, Hyperband, ASHA])
@pytest.mark.parametrize("space", [MIXED, SMALL], ids=["mixed", "small"])
def test_the_multi_fidelity_strategies_pass_the_strategy_kit(cls, space):
    # SMALL: 4 configurations at budgets 1, 2, 3 (12 points <= 16): the kit exhausts
    # it (and, as for any small space, does not ask two seeds to differ)
    check_strategy(
        lambda seed: cls(space, seed=seed, max_steps=3 if space is SMALL else 9)
    )


def test_hyperband_with_a_tpe_sampler_passes_the_strategy_kit():
    def build(seed):
        sampler = TPESearch(MIXED, seed=seed, n_initial=3)
        return Hyperband(MIXED, seed=seed, max_steps=9, sampler=sampler)

    check_strategy(build, max_examples=10)


def test_the_sampler_is_told_each_configuration_once_at_its_first_budget():
    sampler = RandomSearch(LR, seed=3)
    sh = SuccessiveHalving(LR, seed=3, max_steps=9, sampler=sampler)
    play(sh, lambda p: p["lr"] * 10 / p["steps"])
    assert len(sampler.history) == 9  # each configuration once, none of its promotions
    assert all(math.isclose(v, p["lr"] * 10) for p, v in sampler.history)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"space": {"steps": Integer(1, 9)}}, ValueError, "must not hold 'steps'"),
        ({"min_steps": 10}, ValueError, "min_steps must be <= max_steps = 9"),
        ({"min_steps": 0}, ValueError, "min_steps must be >= 1, got 0"),
        ({"max_steps": 2.5}, TypeError, "max_steps must be an int, got 2.5"),
        ({"eta": 1}, ValueError, "eta must be >= 2, got 1"),
        ({"sampler": "random"}, TypeError, "sampler must be a strategy"),
        ({"sampler": RandomSearch(MIXED)}, ValueError, "same space"),
        ({"batch_size": 0}, ValueError, "batch_size must be >= 1"),
    ],
)
@pytest.mark.parametrize("cls", [SuccessiveHalving, Hyperband, ASHA])
def test_bad_arguments_are_refused_naming_them(cls, kwargs, error, match):
    args = {"space": LR, "max_steps": 9} | kwargs
    with pytest.raises(error, match=match):
        cls(args.pop("space"), seed=0, **args)


def test_a_used_sampler_is_refused():
    sampler = RandomSearch(LR, seed=0)
    sampler.ask(1)
    with pytest.raises(ValueError, match="sampler must be fresh"):
        Hyperband(LR, max_steps=9, sampler=sampler)


# ------------------------------------------------------------ with TrainedLoss


def test_hyperband_search_spends_the_steps_counted_by_hand():
    objective = TrainedLoss(SGD, Rosenbrock(), fixed={"momentum": 0.9})
    result = hyperband_search(objective, LR, 81, seed=0)  # budgets 3, 9, 27, 81
    # each bracket: its configurations to their first budget, then each
    # promotion only the steps it adds (training continues)
    by_hand = (
        27 * 3
        + 9 * 6
        + 3 * 18
        + 1 * 54  # s = 3
        + 12 * 9
        + 4 * 18
        + 1 * 54  # s = 2
        + 6 * 27
        + 2 * 54  # s = 1
        + 4 * 81  # s = 0
    )
    assert len(result.trials) == 27 + 9 + 3 + 1 + 12 + 4 + 1 + 6 + 2 + 4
    assert result.gradient_steps == by_hand == 1071
    assert sorted({t.steps for t in result.trials}) == [3, 9, 27, 81]
    fresh = TrainedLoss(SGD, Rosenbrock(), fixed={"momentum": 0.9})
    for t in result.trials[::7]:  # continued runs score what a run from x0 does
        assert t.value == fresh(t.params) or t.status == "diverged"


def test_a_killed_hyperband_search_resumes_with_the_same_trials(tmp_path):
    def search(path, n_trials=None):
        objective = TrainedLoss(SGD, Rosenbrock(), fixed={"momentum": 0.9})
        strategy = Hyperband(LR, seed=5, max_steps=27)
        return run(objective, strategy, n_trials or strategy.n_trials, storage=path)

    full = search(tmp_path / "full.jsonl")
    lines = (tmp_path / "full.jsonl").read_bytes().splitlines(keepends=True)
    for k in (2, 10, 31, len(lines) - 3):  # the header, rounds and trials so far
        path = tmp_path / f"cut{k}.jsonl"
        path.write_bytes(b"".join(lines[:k]))
        resumed = search(path)  # a fresh objective: the promoted train from x0
        assert [(t.params, t.value) for t in resumed.trials] == [
            (t.params, t.value) for t in full.trials
        ]


def test_trials_of_every_strategy_record_their_steps():
    objective = TrainedLoss(SGD, Rosenbrock(), steps=40)
    result = run(objective, RandomSearch(LR, seed=0, batch_size=4), 8)
    assert [t.steps for t in result.trials] == [40] * 8
    assert result.gradient_steps == 8 * 40
    plain = run(lambda p: p["lr"], RandomSearch(LR, seed=0), 3)
    assert plain.gradient_steps is None and plain.trials[0].steps is None


def test_gradient_steps_count_every_fold():
    from surfaces import LinearRegression, make_regression

    X, y, _ = make_regression(40, 3, noise=0.1, rng=0)
    objective = TrainedLoss(SGD, LinearRegression(X, y), steps=10, folds=4)
    evaluation = objective.evaluate([{"lr": 0.01}, {"lr": 0.02, "steps": 5}])
    np.testing.assert_array_equal(evaluation.steps, [10, 5])
    np.testing.assert_array_equal(evaluation.gradient_steps, [40, 20])
