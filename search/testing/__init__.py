"""The property kit for search strategies: :func:`check_strategy` and its properties.

A strategy proposes (``ask``) and learns (``tell``) as
:class:`~search.strategy.Strategy` describes. Whoever writes one (a learner,
or this project) can check it with the properties the project's own
strategies pass::

    from search.testing import check_strategy
    check_strategy(MyStrategy)  # called as MyStrategy(space, seed=s)
    check_strategy(lambda seed: MyStrategy(SPACE, seed=seed))  # one space

Each property is a function ``check_...(factory, *, space=None,
max_examples=None)``, listed in :data:`PROPERTIES`, whose docstring says
which bug it catches. It draws its cases with Hypothesis, shrinks a failure
to a small counterexample, and raises ``AssertionError`` naming the
strategy, the property and what it states, then what went wrong and that
counterexample, as the other kits (``optim.testing``, ``surfaces.testing``)
do. :func:`check_strategy` runs all that apply.

The factory builds a fresh strategy. It is called ``factory(space, seed=s)``
when it takes a space that way (a strategy class itself does): the
properties then draw their own spaces, or use ``space`` if given. Otherwise
it is a factory ``seed -> strategy``, called ``factory(s)``, and the
properties use its one space: ``space`` if given, else the built
strategy's ``space`` attribute.

What the told results are: a finite value, ``inf`` for a diverged trial and
``nan`` for a failed one (:mod:`search.evaluation`). A proposal must be a
point of the space in the types a storage file reads back: a ``float`` for a
``Real``, an ``int`` for an ``Integer`` (not a NumPy scalar, which JSON
cannot write), one of the choices (same type) for a ``Categorical``.

Modules: ``proposals`` (points of the space, failed results, a bad ``n``),
``seeds`` (same seed, same proposals; different seeds, different ones),
``replay`` (what :mod:`search.resume` relies on), ``exhaustion`` (small
finite spaces); the Hypothesis strategies they draw from are in
:mod:`search.testing.strategies`, the runner and its failure message in
``_run``, asking and telling in ``_drive``. Hypothesis is imported with this
package (the ``test`` extra installs it); nothing else in the library
imports it.
"""

from __future__ import annotations

from collections.abc import Callable

from search.space import size
from search.strategy import Strategy
from search.testing._drive import draws_from_rng
from search.testing._run import resolve
from search.testing.exhaustion import check_small_spaces_exhausted
from search.testing.proposals import (
    check_ask_refuses_bad_n,
    check_failures_are_accepted,
    check_proposals_in_space,
)
from search.testing.replay import check_replay_reproduces_state
from search.testing.seeds import (
    check_different_seeds_differ,
    check_same_seed_same_proposals,
)
from search.testing.strategies import (
    SMALL,
    Space,
    categoricals,
    integers,
    reals,
    small_spaces,
    spaces,
)

# isort: split
# Importable from here as they were from the single-module kit.
from search.testing._drive import Params as Params
from search.testing._run import MAX_EXAMPLES as MAX_EXAMPLES
from search.testing._run import Build as Build
from search.testing._run import Case as Case
from search.testing.strategies import N_ASKED as N_ASKED
from search.testing.strategies import NAMES as NAMES
from search.testing.strategies import bad_ns as bad_ns
from search.testing.strategies import outcomes as outcomes
from search.testing.strategies import seeds as seeds
from search.testing.strategies import sizes as sizes
from search.testing.strategies import values as values

# Every property, in the order check_strategy runs those that apply: the
# proposals first, so that a broken strategy fails on the simplest statement.
PROPERTIES: tuple[Callable[..., None], ...] = (
    check_proposals_in_space,
    check_same_seed_same_proposals,
    check_different_seeds_differ,
    check_failures_are_accepted,
    check_replay_reproduces_state,
    check_small_spaces_exhausted,
    check_ask_refuses_bad_n,
)


def check_strategy(
    factory: Callable[..., Strategy],
    *,
    space: Space | None = None,
    max_examples: int | None = None,
) -> None:
    """Check a search strategy with every property of this kit that applies to it.

    In the order of :data:`PROPERTIES`: :func:`check_proposals_in_space`,
    :func:`check_same_seed_same_proposals`,
    :func:`check_different_seeds_differ` (if the strategy draws from its
    ``rng``, and its space is not a small finite one),
    :func:`check_failures_are_accepted`,
    :func:`check_replay_reproduces_state`,
    :func:`check_small_spaces_exhausted` (with a fixed ``space``: if it is
    finite, of at most ``SMALL`` points) and :func:`check_ask_refuses_bad_n`.

    Parameters
    ----------
    factory : callable
        Builds a fresh strategy: ``factory(space, seed=s)`` if it takes
        those arguments (a strategy class does; the properties then draw the
        spaces), else ``factory(s)`` (see the module docstring).
    space : dict, optional
        A fixed space to check the strategy on instead of drawn ones.
    max_examples : int, optional
        Examples drawn per property (default ``MAX_EXAMPLES``, 20: Bayesian
        search fits a Gaussian process per proposal).

    Raises
    ------
    AssertionError
        For the first property that fails: the strategy's class, the
        property and what it states, what went wrong, and the shrunk
        counterexample (the space, the seed, the ask sizes, the results
        told, ...).

    Examples
    --------
    >>> from search import GridSearch, Integer, RandomSearch
    >>> check_strategy(RandomSearch)  # RandomSearch(space, seed=s): drawn spaces
    >>> check_strategy(lambda space, seed: GridSearch(space, shuffle=True, seed=seed))

    A random search whose integers come out as floats:

    >>> class Sloppy(RandomSearch):
    ...     def ask(self, n=1):
    ...         return [{k: float(v) for k, v in p.items()} for p in super().ask(n)]
    >>> check_strategy(lambda seed: Sloppy({"k": Integer(1, 5)}, seed=seed))
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: Sloppy fails the property check_proposals_in_space: Each ask(n) gives at most n points of the space, of the right types.
    ask(1) proposed {'k': ...}: k is ... (float), not an int in [1, 5] (Integer(low=1, high=5, log=False))
        counterexample: space={'k': Integer(low=1, high=5, log=False)}, seed=0, sizes=[1], values=[0.0]
    ...
    """
    fixed = resolve(factory, space).space
    finite = fixed is not None and size(fixed) <= SMALL
    for prop in PROPERTIES:
        # asked only when reached: once its proposals are known to be sound
        if prop is check_different_seeds_differ and (
            finite or not draws_from_rng(resolve(factory, space))
        ):
            continue
        if prop is check_small_spaces_exhausted and fixed is not None and not finite:
            continue
        prop(factory, space=space, max_examples=max_examples)


__all__ = [
    "PROPERTIES",
    "categoricals",
    "check_ask_refuses_bad_n",
    "check_different_seeds_differ",
    "check_failures_are_accepted",
    "check_proposals_in_space",
    "check_replay_reproduces_state",
    "check_same_seed_same_proposals",
    "check_small_spaces_exhausted",
    "check_strategy",
    "integers",
    "reals",
    "small_spaces",
    "spaces",
]
