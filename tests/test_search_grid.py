"""GridSearch: every grid point once, in order; its best is the brute-force argmin."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.grid_search import GridSearch
from search.space import Categorical, Integer, Real, grid, param_key, to_unit
from tests.test_search_space import finite, raises, spaces


def bowl(space, center):
    """A brute-force objective: squared distance to ``center`` in the unit cube."""
    return lambda params: float(np.sum((to_unit(space, params) - center) ** 2))


@given(spaces, st.integers(1, 4), st.data())
def test_best_is_the_brute_force_argmin(space, points, data):
    center = np.array(
        data.draw(st.lists(finite(0, 1), min_size=len(space), max_size=len(space)))
    )
    f = bowl(space, center)
    s = GridSearch(space, points=points)
    proposals = s.ask(s.batch_size)
    for params in proposals:
        s.tell(params, f(params))
    brute = grid(space, points)
    assert proposals == brute  # every grid point, once, in grid order
    assert s.ask() == []  # exhausted
    best_params, best_value = s.best
    assert best_value == min(f(p) for p in brute)
    assert f(best_params) == best_value


@given(spaces, st.integers(1, 3), st.lists(st.integers(1, 5), min_size=1, max_size=8))
def test_batches_walk_the_grid_in_order(space, points, sizes):
    s = GridSearch(space, points=points)
    asked = []
    for n in sizes:
        batch = s.ask(n)
        assert len(batch) == min(n, len(s.points) - len(asked))
        asked += batch
    assert asked == s.points[: len(asked)]


@given(spaces, st.integers(1, 3), st.integers(0, 2**32))
def test_shuffle_is_a_seeded_permutation(space, points, seed):
    s = GridSearch(space, points=points, shuffle=True, seed=seed)
    keys = [param_key(space, p) for p in s.points]
    assert len(set(keys)) == len(keys) == len(grid(space, points))
    assert set(keys) == {param_key(space, p) for p in grid(space, points)}
    assert s.points == GridSearch(space, points=points, shuffle=True, seed=seed).points
    assert s.ask(len(s.points)) == s.points


def test_shuffle_changes_the_order():
    space = {"a": Integer(0, 9), "b": Integer(0, 9)}
    shuffled = GridSearch(space, shuffle=True, seed=0).points
    assert shuffled != grid(space, 10)
    assert shuffled != GridSearch(space, shuffle=True, seed=1).points


def test_told_points_are_not_proposed():
    space = {"k": Integer(1, 4)}
    s = GridSearch(space)
    s.tell({"k": 2}, 0.5)
    assert s.ask(10) == [{"k": 1}, {"k": 3}, {"k": 4}]


def test_replayed_rounds_give_the_same_next_proposals():
    space = {"lr": Real(1e-3, 1.0, log=True), "opt": Categorical(["sgd", "adam"])}
    f = bowl(space, np.array([0.3, 0.6]))
    first = GridSearch(space, points=5, shuffle=True, seed=3)
    rounds = [first.ask(3), first.ask(4)]
    for batch in rounds:
        for params in batch:
            first.tell(params, f(params))
    resumed = GridSearch(space, points=5, shuffle=True, seed=3)
    for batch in rounds:
        assert resumed.ask(len(batch)) == batch
        for params in batch:
            resumed.tell(params, f(params))
    assert resumed.ask(5) == first.ask(5)


def test_worked_example_and_batch_size():
    s = GridSearch({"x": Real(-1.0, 1.0), "k": Integer(0, 1)}, points=3)
    assert s.batch_size == len(s.points) == 6
    assert [tuple(p.values()) for p in s.points] == [
        (-1.0, 0), (-1.0, 1), (0.0, 0), (0.0, 1), (1.0, 0), (1.0, 1),
    ]  # fmt: skip
    for params in s.ask(6):
        s.tell(params, (params["x"] - 0.1) ** 2 + params["k"])
    assert s.best == ({"x": 0.0, "k": 0}, pytest.approx(0.01))


@pytest.mark.parametrize(
    ("kwargs", "kind", "fragments"),
    [
        ({"shuffle": 1}, TypeError, ("GridSearch", "shuffle", "1")),
        ({"points": 0}, ValueError, ("n", "0")),
        ({"points": 2.5}, TypeError, ("n", "2.5")),
        ({"points": {"zz": 2}}, ValueError, ("points", "zz")),
    ],
)
def test_bad_arguments(kwargs, kind, fragments):
    with raises(kind, *fragments):
        GridSearch({"a": Real(0.0, 1.0)}, **kwargs)


@pytest.mark.parametrize(
    ("n", "kind"),
    [(0, ValueError), (-2, ValueError), (1.5, TypeError), (True, TypeError)],
)
def test_bad_n(n, kind):
    with raises(kind, "GridSearch", "n", repr(n)):
        GridSearch({"a": Real(0.0, 1.0)}).ask(n)
