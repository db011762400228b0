"""RandomSearch (no repeats, finite spaces exhausted exactly) and the Strategy base.

Seeding (same seed, same proposals; different seeds differ) and proposals in
the space are checked by search.testing.check_strategy
(tests/test_search_testing.py).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.random_search import RandomSearch
from search.space import Categorical, Integer, Real, param_key
from search.strategy import Strategy
from tests.test_search_space import raises, size, small_spaces

seeds = st.integers(0, 2**32)
batches = st.lists(st.integers(1, 6), min_size=1, max_size=6)


@given(small_spaces, seeds, batches)
def test_no_duplicates_and_a_finite_space_is_exhausted(space, seed, sizes):
    total = math.prod(size(dim) for dim in space.values())
    s, keys = RandomSearch(space, seed=seed), []
    while len(keys) < total:
        for n in sizes:
            batch = s.ask(n)
            keys += [param_key(space, p) for p in batch]
            # Fewer than asked only once the whole space has been proposed.
            assert len(batch) == min(n, total - len(keys) + len(batch))
    assert len(set(keys)) == len(keys) == total
    assert s.ask(5) == []


@given(small_spaces, seeds, batches)
def test_a_batch_is_the_same_as_single_asks(space, seed, sizes):
    batched, single = RandomSearch(space, seed=seed), RandomSearch(space, seed=seed)
    for n in sizes:
        batch = batched.ask(n)
        assert batch == [p for _ in range(len(batch)) for p in single.ask(1)]


def test_one_at_a_time_reaches_the_last_points():
    # With 200 values, the last unseen one is hit by chance only once in ~200
    # draws, more than MAX_TRIES: the enumeration of the rest takes over.
    s = RandomSearch({"k": Integer(1, 200)}, seed=0)
    values = [s.ask(1)[0]["k"] for _ in range(200)]
    assert sorted(values) == list(range(1, 201))
    assert s.ask(1) == []


def test_told_points_are_not_proposed():
    space = {"k": Integer(1, 3), "c": Categorical(["a", "b"])}
    s = RandomSearch(space, seed=1)
    s.tell({"k": 2, "c": "a"}, 1.0)
    proposals = s.ask(10)
    assert len(proposals) == 5 and {"k": 2, "c": "a"} not in proposals


@given(small_spaces, seeds, batches)
def test_replayed_rounds_give_the_same_next_proposals(space, seed, sizes):
    first = RandomSearch(space, seed=seed)
    rounds = [first.ask(n) for n in sizes]
    resumed = RandomSearch(space, seed=seed)
    for batch in rounds:
        if batch:  # the runner stores no empty rounds
            assert resumed.ask(len(batch)) == batch
        for i, params in enumerate(batch):
            first.tell(params, float(i))
            resumed.tell(params, float(i))
    assert resumed.ask(3) == first.ask(3)


def test_samples_follow_the_warp():
    # Integer(1, 4): each value owns a quarter of [0, 1]. 4000 draws; a count
    # within 5 standard deviations of 1000: 5 * sqrt(4000 * 1/4 * 3/4) = 137.
    s = RandomSearch({"k": Integer(1, 4), "x": Real(0.0, 1.0)}, seed=2)
    counts = np.bincount([p["k"] for p in s.ask(4000)], minlength=5)[1:]
    assert np.all(np.abs(counts - 1000) < 137)


def test_batch_size_and_bad_arguments():
    space = {"a": Real(0.0, 1.0)}
    assert RandomSearch(space).batch_size == 1
    assert RandomSearch(space, batch_size=8).batch_size == 8
    with raises(ValueError, "RandomSearch", "batch_size", "0"):
        RandomSearch(space, batch_size=0)
    with raises(TypeError, "RandomSearch", "batch_size", "2.0"):
        RandomSearch(space, batch_size=2.0)
    with raises(TypeError, "RandomSearch", "n", "True"):
        RandomSearch(space).ask(True)
    with raises(ValueError, "RandomSearch", "n", "-1"):
        RandomSearch(space).ask(-1)
    with raises(TypeError, "space", "None"):
        RandomSearch(None)


# --- the Strategy base -------------------------------------------------------


def test_strategy_base_records_told_points():
    space = {"x": Real(0.0, 1.0), "k": Integer(0, 2)}
    s = Strategy(space, seed=0, batch_size=2)
    assert (s.batch_size, s.seed, s.history, s.best) == (2, 0, [], None)
    assert isinstance(s.rng, np.random.Generator)
    with pytest.raises(NotImplementedError, match="Strategy"):
        s.ask()
    s.tell({"x": 0.5, "k": 1}, math.nan)
    s.tell({"x": 0.2, "k": 0}, 3.0)
    s.tell({"x": 0.1, "k": 0}, math.inf)
    assert s.best == (
        {"x": 0.2, "k": 0},
        3.0,
    )  # nan (failed) and inf (diverged) never win
    assert len(s.history) == 3 and s.seen == {(0.5, 1), (0.2, 0), (0.1, 0)}
    assert not s.claim({"x": 0.2, "k": 0}) and s.claim({"x": 0.3, "k": 2})


def test_strategy_rng_comes_from_the_seed():
    a = Strategy({"x": Real(0.0, 1.0)}, seed=5).rng.random(3)
    assert np.array_equal(a, np.random.default_rng(5).random(3))


def test_tell_checks_its_input():
    s = Strategy({"x": Real(0.0, 1.0)})
    with raises(TypeError, "Strategy", "value", "'1.0'"):
        s.tell({"x": 0.5}, "1.0")
    with raises(TypeError, "Strategy", "value", "True"):
        s.tell({"x": 0.5}, True)
    with raises(ValueError, "Real", "value", "2.0"):
        s.tell({"x": 2.0}, 1.0)
    with raises(ValueError, "params", "missing ['x']"):
        s.tell({"y": 0.5}, 1.0)
    assert s.history == [] and s.seen == set()
