"""Driving a strategy: ask checked batches, tell the drawn results, compare batches."""

from __future__ import annotations

from typing import Any

import numpy as np

from search.resume import same
from search.space import Dimension, Integer, Real
from search.strategy import Strategy
from search.testing._run import Subject
from search.testing.strategies import N_ASKED, Space

Params = dict[str, Any]


def misfit(dim: Dimension, v: object) -> str | None:
    """Why ``v`` is not a value of ``dim`` in its plain Python type; ``None`` if it is."""
    if isinstance(dim, Real):
        ok = type(v) is float and dim.low <= v <= dim.high
        want = f"a float in [{dim.low!r}, {dim.high!r}]"
    elif isinstance(dim, Integer):
        ok = type(v) is int and dim.low <= v <= dim.high
        want = f"an int in [{dim.low}, {dim.high}]"
    else:
        ok = any(type(v) is type(c) and v == c for c in dim.choices)
        want = f"one of the choices {dim.choices!r}"
    return None if ok else f"is {v!r} ({type(v).__name__}), not {want}"


def check_batch(space: Space, batch: object, n: int) -> list[Params]:
    """``ask(n)`` must give a list of at most ``n`` points of the space (plain types)."""
    if not isinstance(batch, list) or len(batch) > n:
        raise AssertionError(f"ask({n}) returned {batch!r}, not a list of <= {n}")
    for params in batch:
        if not isinstance(params, dict) or params.keys() != space.keys():
            raise AssertionError(
                f"ask({n}) proposed {params!r}, not a dict of the names {list(space)}"
            )
        for name, dim in space.items():
            if (why := misfit(dim, params[name])) is not None:
                raise AssertionError(
                    f"ask({n}) proposed {params!r}: {name} {why} ({dim!r})"
                )
    return batch


def result(told: list[float], i: int) -> float:
    """The result of the ``i``-th trial: the drawn results, cycled."""
    return told[i % len(told)]


def schedule(asks: list[int]) -> list[int]:
    """The drawn ask sizes, cycled until they ask for ``N_ASKED`` points or more."""
    rounds: list[int] = []
    while sum(rounds) < N_ASKED:
        rounds.append(asks[len(rounds) % len(asks)])
    return rounds


def drive(
    strategy: Strategy, space: Space, asks: list[int], told: list[float]
) -> list[list[Params]]:
    """Ask batches of the :func:`schedule` of ``asks`` (checked), tell results; the batches."""
    batches, i = [], 0
    for n in schedule(asks):
        batch = check_batch(space, strategy.ask(n), n)
        for params in batch:
            strategy.tell(params, result(told, i))
            i += 1
        batches.append(batch)
    return batches


def same_batch(a: list[Params], b: list[Params]) -> bool:
    """Equal batches (floats to resume's relative 1e-9: :func:`search.resume.same`)."""
    return len(a) == len(b) and all(same(p, q) for p, q in zip(a, b, strict=True))


def draws_from_rng(subject: Subject) -> bool:
    """Whether the strategy uses its ``rng`` (a grid without shuffle does not)."""
    space = subject.space or {"a": Real(0.0, 1.0), "b": Real(1e-3, 1.0, log=True)}
    strategy = subject.build(space, 0)
    for params in strategy.ask(2):
        strategy.tell(params, 1.0)
    strategy.ask(2)
    fresh = np.random.default_rng(0).bit_generator.state
    return bool(strategy.rng.bit_generator.state != fresh)
