"""Hypothesis strategies for strategy tests: spaces, seeds, ask sizes, told results.

A case of a property is drawn from these: a space of one to three
dimensions (``Real`` linear and log, ``Integer`` linear and log,
``Categorical``), a seed, the sizes of the ``ask`` calls and the results
told, each list cycled for as long as a property asks.
"""

from __future__ import annotations

import math

from hypothesis import strategies as st

from search.space import Categorical, Dimension, Integer, Real, size

Space = dict[str, Dimension]

# Names of the drawn dimensions: at most three, so Bayesian search's initial
# design is max(5, 2 k) <= 6 points ...
NAMES = ("a", "b", "c")
# ... and its model proposes the last ones of the N_ASKED points of a case
# (the drawn ask sizes are cycled until they ask for that many).
N_ASKED = 8
# The largest finite space that is exhausted point by point.
SMALL = 16


@st.composite
def reals(draw: st.DrawFn) -> Real:
    """A ``Real``, linear or log: bounds within +-1e3 (log: 1e-6 to 1e9), apart."""
    if draw(st.booleans()):
        low = draw(st.floats(1e-6, 1e3))
        return Real(low, low * 10 ** draw(st.floats(0.01, 6.0)), log=True)
    low = draw(st.floats(-1e3, 1e3))
    return Real(low, low + draw(st.floats(1e-3, 1e3)))


@st.composite
def integers(draw: st.DrawFn, max_width: int = 20) -> Integer:
    """An ``Integer``, linear or log, of 2 to ``max_width + 1`` values (often few)."""
    log = draw(st.booleans())
    low = draw(st.integers(1 if log else -1000, 1000))
    # a few values half the time: a proposal past a bound is then likely
    width = st.one_of(st.integers(1, min(3, max_width)), st.integers(1, max_width))
    return Integer(low, low + draw(width), log=log)


def categoricals(max_size: int = 4) -> st.SearchStrategy[Categorical]:
    """A ``Categorical`` of 1 to ``max_size`` choices: str, int, float and bool."""
    choice = st.one_of(
        st.text(max_size=3), st.integers(-9, 9), st.floats(-10, 10), st.booleans()
    )
    # unique: by == and hash, as Categorical counts them (1, 1.0, True alike)
    return st.lists(choice, min_size=1, max_size=max_size, unique=True).map(Categorical)


def spaces(
    dimensions: st.SearchStrategy[Dimension] | None = None,
) -> st.SearchStrategy[Space]:
    """Spaces of one to three dimensions (default: any ``Real``, ``Integer``, ``Categorical``)."""
    if dimensions is None:
        dimensions = st.one_of(reals(), integers(), categoricals())
    return st.dictionaries(st.sampled_from(NAMES), dimensions, min_size=1)


def small_spaces() -> st.SearchStrategy[Space]:
    """Finite spaces of ``N_ASKED`` to ``SMALL`` points that every grid covers whole.

    Integers of two values and categoricals: a grid of at least two points
    per dimension (:func:`search.space.grid`) is the whole space, so
    "exhausted" means the same for a grid as for random or Bayesian search.
    """
    dimensions = st.one_of(integers(max_width=1), categoricals())
    return spaces(dimensions).filter(lambda space: N_ASKED <= size(space) <= SMALL)


def continuous_spaces() -> st.SearchStrategy[Space]:
    """Spaces of three ``Real`` dimensions: random proposals never coincide."""
    return st.fixed_dictionaries({name: reals() for name in NAMES})


seeds = st.integers(0, 2**32 - 1)
sizes = st.lists(st.integers(1, 3), min_size=1, max_size=4)  # ask(n), cycled
values = st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=4)  # cycled
outcomes = st.lists(
    st.one_of(st.floats(-1e3, 1e3), st.just(math.inf), st.just(math.nan)),
    min_size=1,
    max_size=6,
)
bad_ns = st.one_of(
    st.integers(max_value=0), st.floats(), st.booleans(), st.text(max_size=2), st.none()
)
