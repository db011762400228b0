"""Small finite spaces: no point proposed twice, and every point before ``ask`` gives ``[]``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from search.space import all_keys, param_key, size
from search.strategy import Strategy
from search.testing._drive import check_batch, result
from search.testing._run import Case, resolve, run
from search.testing.strategies import (
    Space,
    outcomes,
    seeds,
    sizes,
    small_spaces,
    values,
)


def check_small_spaces_exhausted(
    factory: Callable[..., Strategy],
    *,
    space: Space | None = None,
    max_examples: int | None = None,
) -> None:
    """On a small finite space, no point twice, and every point before ``ask`` gives ``[]``.

    The :class:`~search.strategy.Strategy` contract: ``ask(n)`` gives points
    neither asked nor told before, fewer than ``n`` only when nothing new is
    left (so after a short answer, only ``[]``; a strategy with
    ``WAITS_FOR_RESULTS``, whose rungs wait for results, may give more after
    a short answer, but nothing after ``[]``). Some points are told first,
    with drawn outcomes (``nan`` and ``inf`` too), and never proposed. On the
    drawn spaces (:func:`small_spaces`: two-valued integers and categoricals,
    which any grid of two or more points per dimension covers) the points
    told and proposed must then be the whole space. A fixed ``space`` (finite,
    of at most ``SMALL`` points) is checked without that last part, since a
    coarse grid covers only part of it by design.

    Catches: a point proposed twice (a grid of rounded values, an integer
    grid with repeats, a proposal not marked as seen, two equal points in
    one batch); a told point proposed again; a random strategy that gives up
    on the last few points of a small space by bad luck, or that returns
    ``[]`` and then more points; a strategy that never stops on a finite space.
    """
    subject = resolve(factory, space)
    complete = subject.space is None

    def body(case: Case) -> None:
        strategy = subject.build(case["space"], case["seed"])
        for k, params in enumerate(case["told_first"]):
            strategy.tell(params, result(case["outcomes"], k))
        seen = _exhaust(strategy, case)
        missing = set(all_keys(case["space"])) - seen
        if complete and missing:
            raise AssertionError(f"ask gave [] with points never proposed: {missing}")

    cases = _exhaustion_cases(subject.spaces(small_spaces()))
    run(check_small_spaces_exhausted, subject, cases, body, max_examples)


@st.composite
def _exhaustion_cases(draw: st.DrawFn, space_cases: st.SearchStrategy[Space]) -> Case:
    """A small space, some of its points told first (with any outcome), the rest."""
    space = draw(space_cases)
    keys = all_keys(space)
    told = draw(st.lists(st.sampled_from(keys), unique=True, max_size=len(keys) // 2))
    return {
        "space": space,
        "seed": draw(seeds),
        "told_first": [dict(zip(space, key, strict=True)) for key in told],
        "outcomes": draw(outcomes),
        "sizes": draw(sizes),
        "values": draw(values),
    }


def _exhaust(strategy: Strategy, case: Case) -> set[tuple[Any, ...]]:
    """Ask until ``[]``; every proposal new and ``[]`` for good once short; the keys seen."""
    space, asks = case["space"], case["sizes"]
    seen = {param_key(space, p) for p in case["told_first"]}
    short, i = False, 0
    waits = getattr(type(strategy), "WAITS_FOR_RESULTS", False)
    for r in range(int(size(space)) + 1):  # each non-empty answer: a new point
        n = asks[r % len(asks)]
        batch = check_batch(space, strategy.ask(n), n)
        if short and batch:
            raise AssertionError(f"ask({n}) gave {batch} after a short answer")
        for params in batch:
            if (key := param_key(space, params)) in seen:
                raise AssertionError(f"ask({n}) proposed {params} again: {batch}")
            seen.add(key)
            strategy.tell(params, result(case["values"], i))
            i += 1
        if not batch:
            return seen
        short = len(batch) < n and not waits
    raise AssertionError(f"still proposing after {size(space)} points")
