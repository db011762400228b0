"""Objectives and small strategies shared by the runner and resume tests.

Everything here is module-level so that a process pool or a Dask worker can
pickle it. The strategies obey the ask/tell contract of search/strategy.py
and nothing more, so the runner is tested apart from the real strategies;
``Adaptive`` makes its proposals depend on what it was told, so that a resume
which replays the tells wrongly proposes other points.
"""

from __future__ import annotations

import json
import math
import time

import numpy as np

from search.space import Categorical, Integer, Real, from_unit, grid, to_unit

SPACE = {
    "x": Real(-1.0, 1.0),
    "n": Integer(1, 8, log=True),
    "kind": Categorical(["a", "b", "c"]),
}


class Adaptive:
    """A random strategy pulled towards the best point told so far.

    ``u = (r + u_best) / 2`` with ``r`` uniform in the unit cube, once some
    finite value was told; so the proposals depend on the seed *and* on the
    sequence of tells.
    """

    def __init__(self, space=SPACE, seed=None, batch_size=1):
        self.space, self.seed, self.batch_size = space, seed, batch_size
        self.rng = np.random.default_rng(seed)
        self.seen, self.history = [], []  # as a Strategy records them
        self.best = None  # (value, params)

    def ask(self, n=1):
        r = self.rng.random((n, len(self.space)))  # (n, k)
        if self.best is not None:
            r = (r + to_unit(self.space, self.best[1])) / 2
        proposals = [from_unit(self.space, row) for row in r]
        self.seen += proposals
        return proposals

    def tell(self, params, value):
        self.history.append((params, value))
        if math.isfinite(value) and (self.best is None or value < self.best[0]):
            self.best = (value, params)


class ListStrategy:
    """Proposes the points of a list in order; returns fewer (then ``[]``) at the end."""

    def __init__(self, points, batch_size=1, space=SPACE):
        self.points, self.batch_size, self.space = list(points), batch_size, space
        self.next, self.history = 0, []

    def ask(self, n=1):
        out = self.points[self.next : self.next + n]
        self.next += len(out)
        return out

    def tell(self, params, value):
        self.history.append((params, value))


def grid_strategy(points=3, batch_size=1):
    return ListStrategy(grid(SPACE, points), batch_size)


def bowl(params):
    """A smooth objective of every dimension, minimal at x = 0.3, n = 2, kind = "b"."""
    offset = {"a": 0.5, "b": 0.0, "c": 1.0}[params["kind"]]
    return (params["x"] - 0.3) ** 2 + math.log2(params["n"] / 2) ** 2 + offset


def flaky(params):
    """``bowl``, except: raises for x > 0.6, nan for x < -0.6, inf for n == 8."""
    if params["x"] > 0.6:
        raise ArithmeticError(f"x = {params['x']:.3f} is too large")
    if params["x"] < -0.6:
        return math.nan
    if params["n"] == 8:
        return math.inf
    return bowl(params)


class Batched:
    """``fun`` with a ``batch`` method that counts its calls (and its failures)."""

    def __init__(self, fun=bowl):
        self.fun, self.batch_calls, self.calls = fun, [], 0

    def __call__(self, params):
        self.calls += 1
        return self.fun(params)

    def batch(self, proposals):
        self.batch_calls.append(len(proposals))
        return np.array([self.fun(p) for p in proposals])  # raises if one raises


class Counting:
    """``fun``, counting its calls (to see what a resume re-evaluates)."""

    def __init__(self, fun=flaky):
        self.fun, self.calls = fun, []

    def __call__(self, params):
        self.calls.append(params)
        return self.fun(params)


class Slow:
    """``fun`` after a pause: gives a subprocess time to be killed mid-search."""

    def __init__(self, seconds, fun=flaky):
        self.seconds, self.fun = seconds, fun

    def __call__(self, params):
        time.sleep(self.seconds)
        return self.fun(params)


def same(a, b):
    """Two floats equal, nan equal to nan."""
    return a == b or (math.isnan(a) and math.isnan(b))


def key(trial):
    """What two runs of one search must agree on: all but the wall time."""
    value = "nan" if math.isnan(trial.value) else trial.value
    return (trial.index, trial.round, trial.params, value, trial.status, trial.message)


def read_lines(path):
    """The JSON rows of a storage file (header first)."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]
