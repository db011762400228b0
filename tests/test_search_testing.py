"""search.testing: the kit passes the shipped strategies and rejects wrong ones.

Each wrong strategy below is a small, plausible bug; check_strategy must
reject it, naming the property that catches it, the strategy and a
counterexample. The shipped strategies must pass every property that applies.
"""

from __future__ import annotations

import ast
import itertools
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings

from search import (
    BayesSearch,
    Categorical,
    GridSearch,
    Integer,
    RandomSearch,
    Real,
    TPESearch,
)
from search.space import from_unit
from search.strategy import Strategy
from search.testing import (
    MAX_EXAMPLES,
    check_different_seeds_differ,
    check_small_spaces_exhausted,
    check_strategy,
)

ROOT = Path(__file__).resolve().parent.parent


def examples(share=1):
    """The profile's examples per property (dev 25, ci 100), a ``share`` for a costly strategy."""
    return max(MAX_EXAMPLES, settings.default.max_examples // share)


# --- the shipped strategies pass --------------------------------------------------


SHIPPED = {
    "GridSearch": (GridSearch, 1),
    "GridSearch-shuffled": (
        lambda space, seed: GridSearch(space, shuffle=True, seed=seed),
        1,
    ),
    "RandomSearch": (RandomSearch, 1),
    "RandomSearch-batches": (
        lambda space, seed: RandomSearch(space, seed=seed, batch_size=3),
        1,
    ),
    "BayesSearch": (BayesSearch, 8),  # two GP fits per proposal (auto log)
    "BayesSearch-log": (
        lambda space, seed: BayesSearch(space, seed=seed, log_transform=True),
        8,
    ),
    # the model from the fourth proposal on, both kinds of kernel mixture
    "TPESearch": (lambda space, seed: TPESearch(space, seed=seed, n_initial=3), 2),
    "TPESearch-independent-batches": (
        lambda space, seed: TPESearch(
            space, seed=seed, n_initial=3, multivariate=False, batch_size=2
        ),
        2,
    ),
}


@pytest.mark.parametrize(("factory", "share"), SHIPPED.values(), ids=SHIPPED.keys())
def test_shipped_strategies_pass(factory, share):
    check_strategy(factory, max_examples=examples(share))


MIXED = {
    "lr": Real(1e-4, 1.0, log=True),
    "steps": Integer(1, 50, log=True),
    "opt": Categorical(["sgd", "adam", "rmsprop"]),
}


@pytest.mark.parametrize(
    ("factory", "space"),
    [(lambda seed: RandomSearch(MIXED, seed=seed), None), (RandomSearch, MIXED)],
    ids=["seed-only factory", "fixed space"],
)
def test_a_strategy_is_checked_on_one_space_when_told(factory, space):
    # DESIGN.md section 9: check_strategy takes a factory seed -> strategy.
    check_strategy(factory, space=space, max_examples=examples())


def test_a_coarse_grid_on_a_fixed_finite_space_is_not_required_to_cover_it():
    # 2 of the 6 values of k: exhausted without repeats, as promised, though
    # most of the space is never proposed.
    space = {"k": Integer(0, 5), "c": Categorical(["x", "y"])}
    check_small_spaces_exhausted(lambda seed: GridSearch(space, points=2, seed=seed))
    check_strategy(lambda seed: GridSearch(space, points=2, seed=seed))


def test_a_grid_without_shuffle_is_not_held_to_different_seeds_differing():
    # check_strategy passes it (above) because it never draws from its rng;
    # the property itself would reject it.
    with pytest.raises(AssertionError, match="check_different_seeds_differ"):
        check_different_seeds_differ(GridSearch, max_examples=3)


def test_a_grid_that_covers_part_of_a_drawn_small_space_is_rejected():
    # On the drawn small spaces (two-valued integers) every grid of two or
    # more points per dimension is the whole space; one point is not.
    with pytest.raises(AssertionError, match="never proposed"):
        check_small_spaces_exhausted(
            lambda space, seed: GridSearch(space, points=1), max_examples=20
        )


def test_bayes_search_takes_results_tied_at_a_negative_minimum():
    # check_strategy(BayesSearch)'s shrunk counterexample, before the fix:
    # space={'a': Real(0.0, 1.0)}, seed=0, sizes=[1], values=[-1.0]. With half
    # the results tied at a negative minimum the log's shift was min(y)
    # itself, and log(0) = -inf reached the GP.
    s = BayesSearch({"a": Real(0.0, 1.0)}, seed=0)
    for _ in range(8):  # the model's first proposal is the 6th
        (params,) = s.ask()
        s.tell(params, -1.0)
    assert 0.0 <= s.ask()[0]["a"] <= 1.0


# --- wrong strategies are rejected ------------------------------------------------


class IntegerOffByOne(RandomSearch):
    """Integers drawn as round(low + u (high - low + 1)): high + 1 for u near 1."""

    def ask(self, n=1):
        proposals = super().ask(n)
        for params in proposals:
            for name, dim in self.space.items():
                if isinstance(dim, Integer):
                    u = self.rng.random()
                    params[name] = int(round(dim.low + u * (dim.high - dim.low + 1)))
        return proposals


class IntegerAsFloat(RandomSearch):
    """Integers come out of np.rint as NumPy floats (a storage file cannot tell)."""

    def ask(self, n=1):
        proposals = super().ask(n)
        for params in proposals:
            for name, dim in self.space.items():
                if isinstance(dim, Integer):
                    params[name] = np.rint(params[name])
        return proposals


class GlobalRandom(Strategy):
    """Draws from NumPy's global random state instead of its seeded rng."""

    def ask(self, n=1):
        n, proposals = self.check_n(n), []
        for _ in range(100 * n):  # bounded: a small space runs out
            u = np.random.random(len(self.space))  # noqa: NPY002 (the bug itself)
            params = from_unit(self.space, u)
            if len(proposals) < n and self.claim(params):
                proposals.append(params)
        return proposals


class FixedSeed(RandomSearch):
    """Drops its seed on the way to the base class: every search is seed 0's."""

    def __init__(self, space, seed=None, batch_size=1):
        super().__init__(space, seed=0, batch_size=batch_size)


class CountsAsks(RandomSearch):
    """Skips a draw at every other ask, but its state_dict forgets the count."""

    def __init__(self, space, seed=None, batch_size=1):
        super().__init__(space, seed=seed, batch_size=batch_size)
        self.asks = 0

    def ask(self, n=1):
        n = self.check_n(n)
        self.asks += 1
        if self.asks % 2 == 0:
            self.rng.random()
        return super().ask(n)


class SpreadScaled(Strategy):
    """Draws closer to the middle the more the results spread; inf makes it nan."""

    def ask(self, n=1):
        n, proposals = self.check_n(n), []
        results = [v for _, v in self.history if not math.isnan(v)]  # skips failed
        with np.errstate(invalid="ignore"):  # the std of inf: nan, the bug
            scale = 1 / (1 + np.std(results)) if results else 1.0
        for _ in range(100 * n):
            u = 0.5 + scale * (self.rng.random(len(self.space)) - 0.5)
            params = from_unit(self.space, u)
            if len(proposals) < n and self.claim(params):
                proposals.append(params)
        return proposals


class RoundedGrid(Strategy):
    """A grid of each axis at 5 evenly spaced positions, repeats kept; told points too."""

    def __init__(self, space, seed=None):
        super().__init__(space, seed=seed)
        axes = [
            dim.choices if isinstance(dim, Categorical) else self.axis(dim)
            for dim in self.space.values()
        ]
        self.points = [
            dict(zip(self.space, p, strict=True)) for p in itertools.product(*axes)
        ]
        self.next = 0

    @staticmethod
    def axis(dim):
        return [dim.from_unit(u) for u in np.linspace(0.0, 1.0, 5)]  # ints repeat

    def ask(self, n=1):
        n = self.check_n(n)
        batch = [dict(p) for p in self.points[self.next : self.next + n]]
        self.next += len(batch)
        return batch


class Lenient(RandomSearch):
    """Takes any n: ask(0) gives [] (a runner stops), ask(2.5) two points."""

    def ask(self, n=1):
        proposals = []
        for _ in range(int(n)):
            proposals += super().ask(1)
        return proposals


WRONG = [
    (IntegerOffByOne, "check_proposals_in_space", "not an int in"),
    (IntegerAsFloat, "check_proposals_in_space", "(float64), not an int"),
    (GlobalRandom, "check_same_seed_same_proposals", "the first time"),
    (FixedSeed, "check_different_seeds_differ", "both proposed"),
    (CountsAsks, "check_replay_reproduces_state", "uninterrupted search"),
    (SpreadScaled, "check_failures_are_accepted", "NaN"),
    (RoundedGrid, "check_small_spaces_exhausted", "again"),
    (Lenient, "check_ask_refuses_bad_n", "ask(0) returned []"),
]


@pytest.mark.parametrize(
    ("cls", "prop", "detail"), WRONG, ids=[cls.__name__ for cls, _, _ in WRONG]
)
def test_wrong_strategies_are_rejected_by_the_property_that_catches_them(
    cls, prop, detail
):
    with pytest.raises(AssertionError) as caught:
        check_strategy(cls, max_examples=examples(share=4))
    message = str(caught.value)
    assert message.startswith(f"{cls.__name__} fails the property {prop}: "), message
    assert detail in message, message
    assert "counterexample: space={" in message, message


def test_the_counterexample_is_shrunk():
    # A fixed space: the smallest failing case is seed 0, one ask of one point.
    space = {"k": Integer(1, 5)}
    with pytest.raises(AssertionError) as caught:
        check_strategy(lambda seed: IntegerAsFloat(space, seed=seed))
    assert str(caught.value).endswith(
        f"counterexample: space={space!r}, seed=0, sizes=[1], values=[0.0]"
    )


# --- the kit's boundaries ---------------------------------------------------------


def imports_the_kit(path):
    """Whether a file imports search.testing (in any of the three spellings)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            names.append(node.module or "")
        else:
            continue
        if any(name.startswith("search.testing") for name in names):
            return True
    return False


def test_only_the_kit_imports_hypothesis_and_nothing_imports_the_kit():
    code = "import search, sys; print('hypothesis' in sys.modules)"
    imported = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert imported.stdout.strip() == "False"
    kit = ROOT / "search" / "testing"  # its modules import one another
    library = [
        path
        for pkg in ("optim", "surfaces", "search")
        for path in (ROOT / pkg).rglob("*.py")
        if not path.is_relative_to(kit)
    ]
    assert not [path for path in library if imports_the_kit(path)]
    assert imports_the_kit(Path(__file__))  # the check can see an import
