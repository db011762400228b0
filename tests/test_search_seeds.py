"""A strategy's seed is None, a non-negative int or a numpy Generator, nothing else."""

from __future__ import annotations

import numpy as np
import pytest

from search.bayes_search import BayesSearch
from search.grid_search import GridSearch
from search.random_search import RandomSearch
from search.space import Real
from tests.test_search_space import raises

SPACE = {"x": Real(0.0, 1.0)}
STRATEGIES = [RandomSearch, GridSearch, BayesSearch]
NAMES = [cls.__name__ for cls in STRATEGIES]


@pytest.mark.parametrize("cls", STRATEGIES, ids=NAMES)
@pytest.mark.parametrize(
    ("seed", "error", "shown"),
    [
        ("abc", TypeError, "'abc'"),
        (1.5, TypeError, "1.5"),
        (True, TypeError, "True"),
        (np.True_, TypeError, "True"),
        ([1, 2], TypeError, "[1, 2]"),
        (np.random.SeedSequence(3), TypeError, "SeedSequence"),
        (-1, ValueError, "-1"),
        (np.int64(-2), ValueError, "-2"),
    ],
)
def test_a_bad_seed_is_refused_naming_the_strategy_and_the_value(
    cls, seed, error, shown
):
    with raises(error, cls.__name__, "seed", shown):
        cls(SPACE, seed=seed)


@pytest.mark.parametrize("cls", STRATEGIES, ids=NAMES)
@pytest.mark.parametrize("seed", [0, 7, 2**64, np.int32(5), np.uint8(3)])
def test_a_non_negative_int_seeds_the_rng_as_default_rng_does(cls, seed):
    # (a strategy may draw from its rng when built: compare two built alike)
    by_int = cls(SPACE, seed=seed)
    by_generator = cls(SPACE, seed=np.random.default_rng(int(seed)))
    assert by_int.rng.bit_generator.state == by_generator.rng.bit_generator.state
    assert by_int.ask(3) == by_generator.ask(3)


@pytest.mark.parametrize("cls", STRATEGIES, ids=NAMES)
def test_a_generator_is_used_as_the_rng_itself_and_none_draws_fresh_entropy(cls):
    rng = np.random.default_rng(11)
    assert cls(SPACE, seed=rng).rng is rng
    assert isinstance(cls(SPACE, seed=None).rng, np.random.Generator)
