"""The property kit for search strategies: :func:`check_strategy` and its properties.

A strategy proposes (``ask``) and learns (``tell``) as
:class:`~search.strategy.Strategy` describes. Whoever writes one (a learner,
or this project) can check it with the properties the project's own
strategies pass::

    from search.testing import check_strategy
    check_strategy(MyStrategy)  # called as MyStrategy(space, seed=s)
    check_strategy(lambda seed: MyStrategy(SPACE, seed=seed))  # one space

Each property is a function ``check_...(factory, *, space=None,
max_examples=None)`` whose docstring says which bug it catches. It draws
its cases with Hypothesis, shrinks a failure to a small counterexample, and
raises ``AssertionError`` naming the property, the strategy and that
counterexample. :func:`check_strategy` runs all that apply.

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

Hypothesis is imported with this module (the ``test`` extra installs it);
nothing else in the library imports it.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Flaky

from search.resume import same, state
from search.space import (
    Categorical,
    Dimension,
    Integer,
    Real,
    all_keys,
    param_key,
    size,
)
from search.strategy import Strategy

if TYPE_CHECKING:
    from search.resume import Stateful

__all__ = [
    "check_ask_refuses_bad_n",
    "check_different_seeds_differ",
    "check_failures_are_accepted",
    "check_proposals_in_space",
    "check_replay_reproduces_state",
    "check_same_seed_same_proposals",
    "check_small_spaces_exhausted",
    "check_strategy",
    "categoricals",
    "integers",
    "reals",
    "small_spaces",
    "spaces",
]

Space = dict[str, Dimension]
Params = dict[str, Any]
Case = dict[str, Any]  # one drawn example: space, seed, ask sizes, values, ...

# Examples per property unless told: Bayesian search fits a Gaussian process
# per proposal, so each example costs up to a few tenths of a second.
MAX_EXAMPLES = 20
# Names of the drawn dimensions: at most three, so Bayesian search's initial
# design is max(5, 2 k) <= 6 points ...
NAMES = ("a", "b", "c")
# ... and its model proposes the last ones of the N_ASKED points of a case
# (the drawn ask sizes are cycled until they ask for that many).
N_ASKED = 8
# The largest finite space that is exhausted point by point.
SMALL = 16

# ----------------------------------------------------------------- drawing


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


def _continuous_spaces() -> st.SearchStrategy[Space]:
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

# ------------------------------------------------------------ the factory


Build = Callable[[Space, int], Strategy]


@dataclasses.dataclass(frozen=True)
class _Subject:
    """The strategy under test: how to build it, its fixed space (or None), its name."""

    build: Build
    space: Space | None
    label: str

    def spaces(self, drawn: st.SearchStrategy[Space]) -> st.SearchStrategy[Space]:
        """The spaces to try: the drawn ones, or the fixed space."""
        return drawn if self.space is None else st.just(self.space)


def _takes_space(factory: Callable[..., Strategy]) -> bool:
    """Whether ``factory(space, seed=0)`` is a valid call (a class, a two-argument lambda)."""
    try:
        inspect.signature(factory).bind({}, seed=0)
    except (TypeError, ValueError):  # no such parameters, or no signature
        return False
    return True


def _subject(factory: Callable[..., Strategy], space: Space | None) -> _Subject:
    """Resolve the factory (see the module docstring) and name its strategy."""
    if _takes_space(factory):
        probe = space if space is not None else {"a": Real(0.0, 1.0)}
        label = type(factory(probe, seed=0)).__name__
        return _Subject(lambda sp, seed: factory(sp, seed=seed), space, label)
    first = factory(0)
    fixed = first.space if space is None else space
    return _Subject(lambda sp, seed: factory(seed), fixed, type(first).__name__)


# ------------------------------------------------------------- the runner


def _run(
    prop: str,
    subject: _Subject,
    cases: st.SearchStrategy[Case],
    body: Callable[[Case], None],
    max_examples: int | None,
) -> None:
    """Run ``body`` on drawn ``cases``; a failure is an AssertionError naming it all."""
    examples = MAX_EXAMPLES if max_examples is None else max_examples
    profile = settings()  # the profile loaded: its database, its phases, ...
    # Hypothesis's "explain" phase traces every line a failing case runs:
    # slower here than finding and shrinking the case.
    phases = [phase for phase in profile.phases if phase is not Phase.explain]
    slow = [HealthCheck.too_slow, HealthCheck.filter_too_much]

    @settings(
        max_examples=examples,
        deadline=None,
        phases=phases,
        suppress_health_check=[*profile.suppress_health_check, *slow],
        report_multiple_bugs=False,  # one property, one counterexample
    )
    @given(cases)
    def test(case: Case) -> None:
        try:
            body(case)
        except Exception as error:  # a crash of the strategy is a failure too
            raise AssertionError(_report(prop, subject, case, error)) from error

    try:
        test()
    except Flaky as error:  # failed once, then passed on the same case
        raise AssertionError(
            f"{prop} failed for {subject.label}, but not again on the same case: "
            f"its proposals depend on more than its seed and what it was told "
            f"(global random state? the clock?): {error}"
        ) from error


def _report(prop: str, subject: _Subject, case: Case, error: Exception) -> str:
    what = error if isinstance(error, AssertionError) else _raised(error)
    shown = ", ".join(f"{key}={value!r}" for key, value in case.items())
    return f"{prop} failed for {subject.label}: {what}\n    counterexample: {shown}"


def _raised(error: Exception) -> str:
    return f"it raised {type(error).__name__}: {error}"


# ---------------------------------------------------------------- helpers


def _misfit(dim: Dimension, v: object) -> str | None:
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


def _check_batch(space: Space, batch: object, n: int) -> list[Params]:
    """``ask(n)`` must give a list of at most ``n`` points of the space (plain types)."""
    if not isinstance(batch, list) or len(batch) > n:
        raise AssertionError(f"ask({n}) returned {batch!r}, not a list of <= {n}")
    for params in batch:
        if not isinstance(params, dict) or params.keys() != space.keys():
            raise AssertionError(
                f"ask({n}) proposed {params!r}, not a dict of the names {list(space)}"
            )
        for name, dim in space.items():
            if (why := _misfit(dim, params[name])) is not None:
                raise AssertionError(
                    f"ask({n}) proposed {params!r}: {name} {why} ({dim!r})"
                )
    return batch


def _value(told: list[float], i: int) -> float:
    """The result of the ``i``-th trial: the drawn results, cycled."""
    return told[i % len(told)]


def _schedule(asks: list[int]) -> list[int]:
    """The drawn ask sizes, cycled until they ask for ``N_ASKED`` points or more."""
    rounds: list[int] = []
    while sum(rounds) < N_ASKED:
        rounds.append(asks[len(rounds) % len(asks)])
    return rounds


def _drive(
    strategy: Strategy, space: Space, asks: list[int], told: list[float]
) -> list[list[Params]]:
    """Ask batches of the :func:`_schedule` of ``asks`` (checked), tell results; the batches."""
    batches, i = [], 0
    for n in _schedule(asks):
        batch = _check_batch(space, strategy.ask(n), n)
        for params in batch:
            strategy.tell(params, _value(told, i))
            i += 1
        batches.append(batch)
    return batches


def _same_batch(a: list[Params], b: list[Params]) -> bool:
    """Equal batches (floats to resume's relative 1e-9: :func:`search.resume.same`)."""
    return len(a) == len(b) and all(same(p, q) for p, q in zip(a, b, strict=True))


def _draws_from_rng(subject: _Subject) -> bool:
    """Whether the strategy uses its ``rng`` (a grid without shuffle does not)."""
    space = subject.space or {"a": Real(0.0, 1.0), "b": Real(1e-3, 1.0, log=True)}
    strategy = subject.build(space, 0)
    for params in strategy.ask(2):
        strategy.tell(params, 1.0)
    strategy.ask(2)
    fresh = np.random.default_rng(0).bit_generator.state
    return bool(strategy.rng.bit_generator.state != fresh)


# ------------------------------------------------------------- properties


def check_proposals_in_space(
    factory: Callable[..., Strategy],
    *,
    space: Space | None = None,
    max_examples: int | None = None,
) -> None:
    """Each ``ask(n)`` gives at most ``n`` points of the space, of the right types.

    On drawn spaces (``Real`` linear and log, ``Integer`` linear and log,
    ``Categorical``), drawn ask sizes and drawn results told in between:
    every proposal is a dict of exactly the space's names; a ``Real`` is a
    finite ``float`` in ``[low, high]``, an ``Integer`` an ``int`` in
    ``[low, high]``, a ``Categorical`` one of its choices, of its type.

    Catches: a log dimension mapped back by ``exp`` an ulp past its bound; an
    integer rounded from ``low - 0.5 + u (high - low + 1)`` that lands on
    ``high + 1``; an integer proposed as ``2.0`` or ``np.int64(2)`` (a
    storage file cannot write it, and ``2.0`` is another trial to a cache);
    a categorical proposed as its index; a model's candidate not snapped back
    to the space.
    """
    subject = _subject(factory, space)

    def body(case: Case) -> None:
        strategy = subject.build(case["space"], case["seed"])
        _drive(strategy, case["space"], case["sizes"], case["values"])

    cases = st.fixed_dictionaries(
        {
            "space": subject.spaces(spaces()),
            "seed": seeds,
            "sizes": sizes,
            "values": values,
        }
    )
    _run("check_proposals_in_space", subject, cases, body, max_examples)


def check_same_seed_same_proposals(
    factory: Callable[..., Strategy],
    *,
    space: Space | None = None,
    max_examples: int | None = None,
) -> None:
    """Two strategies built with the same seed, asked and told alike, propose alike.

    The second is built after the first has run, so both must draw from
    their own seeded ``rng`` only. Floats are compared to a relative 1e-9,
    as a resumed search compares them (:func:`search.resume.same`).

    Catches: randomness from NumPy's global state (``np.random.rand``), from
    an unseeded ``default_rng()`` or from a SciPy engine given no seed;
    state kept on the class instead of the instance.
    """
    subject = _subject(factory, space)

    def body(case: Case) -> None:
        sp, seed = case["space"], case["seed"]
        asks, told = case["sizes"], case["values"]
        first = _drive(subject.build(sp, seed), sp, asks, told)
        second = _drive(subject.build(sp, seed), sp, asks, told)
        for r, (a, b) in enumerate(zip(first, second, strict=True)):
            if not _same_batch(a, b):
                raise AssertionError(
                    f"round {r}: seed {seed} proposed {a} the first time and {b} "
                    f"the second"
                )

    cases = st.fixed_dictionaries(
        {
            "space": subject.spaces(spaces()),
            "seed": seeds,
            "sizes": sizes,
            "values": values,
        }
    )
    _run("check_same_seed_same_proposals", subject, cases, body, max_examples)


def check_different_seeds_differ(
    factory: Callable[..., Strategy],
    *,
    space: Space | None = None,
    max_examples: int | None = None,
) -> None:
    """Two different seeds give different first proposals (a random strategy).

    Eight proposals (four rounds of two) from each of two seeds, on drawn
    spaces of three ``Real`` dimensions, where random proposals never
    coincide. :func:`check_strategy` applies it to a strategy that draws
    from its ``rng`` (a grid without shuffle does not). With a fixed
    ``space``, a strategy with only a few possible proposals (a shuffled
    grid of two points) can give two seeds the same by chance.

    Catches: a seed that never reaches the random generator (a constructor
    that seeds ``default_rng(0)``, or drops ``seed`` on its way to the base
    class); an initial design (a Sobol or Latin hypercube engine) seeded with
    a constant.
    """
    subject = _subject(factory, space)

    def body(case: Case) -> None:
        sp, (s1, s2) = case["space"], case["seeds"]
        a = _drive(subject.build(sp, s1), sp, [2], case["values"])
        b = _drive(subject.build(sp, s2), sp, [2], case["values"])
        if all(_same_batch(x, y) for x, y in zip(a, b, strict=True)):
            raise AssertionError(f"seeds {s1} and {s2} both proposed {a}")

    cases = st.fixed_dictionaries(
        {
            "space": subject.spaces(_continuous_spaces()),
            "seeds": st.lists(seeds, min_size=2, max_size=2, unique=True),
            "values": values,
        }
    )
    _run("check_different_seeds_differ", subject, cases, body, max_examples)


def check_failures_are_accepted(
    factory: Callable[..., Strategy],
    *,
    space: Space | None = None,
    max_examples: int | None = None,
) -> None:
    """Results ``nan`` (failed) and ``inf`` (diverged) are told without harm.

    A strategy told a drawn mix of finite results, ``inf`` and ``nan``
    keeps proposing points of the space (finite floats in bounds, as
    :func:`check_proposals_in_space` checks), as many per ``ask`` as a twin
    with the same seed that is told finite results instead.

    Catches: a model fitted to ``inf`` (its standardization turns every
    value into ``nan``, and then every proposal); a ``tell`` that refuses
    non-finite values; a strategy that stops proposing after a failure.
    """
    subject = _subject(factory, space)

    def body(case: Case) -> None:
        sp, seed, told = case["space"], case["seed"], case["outcomes"]
        finite = [v if math.isfinite(v) else 1.0 for v in told]
        hurt, twin = subject.build(sp, seed), subject.build(sp, seed)
        i = 0
        for n in _schedule(case["sizes"]):
            batch, expected = _check_batch(sp, hurt.ask(n), n), twin.ask(n)
            if len(batch) != len(expected):
                raise AssertionError(
                    f"after the results {told[: i + 1]} (cycled), ask({n}) gave "
                    f"{batch}; a twin told finite results gave {len(expected)} points"
                )
            for params, other in zip(batch, expected, strict=True):
                hurt.tell(params, _value(told, i))
                twin.tell(other, _value(finite, i))
                i += 1

    cases = st.fixed_dictionaries(
        {
            "space": subject.spaces(spaces()),
            "seed": seeds,
            "sizes": sizes,
            "outcomes": outcomes,
        }
    )
    _run("check_failures_are_accepted", subject, cases, body, max_examples)


@dataclasses.dataclass(frozen=True)
class _Round:
    """One stored round, as :func:`search.run` writes it: proposals, state, results."""

    proposals: list[Params]  # read back through JSON
    state: dict[str, Any] | None  # the strategy's state after the ask, or None
    values: list[float]


def _record(strategy: Strategy, asks: list[int], told: list[float]) -> list[_Round]:
    """Play rounds as :func:`search.run` does, storing each; stop at an empty ask."""
    rounds: list[_Round] = []
    i = 0
    for n in _schedule(asks):
        batch = strategy.ask(n)
        if not batch:
            break  # the runner stops here: nothing stored
        stored = json.loads(json.dumps(batch, allow_nan=False))
        results = [_value(told, i + k) for k in range(len(batch))]
        rounds.append(_Round(stored, state(strategy), results))
        for params, value in zip(batch, results, strict=True):
            strategy.tell(params, value)
        i += len(batch)
    return rounds


def _replay(strategy: Strategy, rounds: list[_Round], pending: bool) -> None:
    """Bring a fresh strategy to where ``rounds`` left it, as a resumed search does.

    A strategy with a state (``state_dict``) is told the results of the
    complete rounds and given the last round's state back; if the last round
    was cut short (``pending``), its results are told after that. Any other
    strategy is asked each round again, which must give the stored proposals.
    """
    if rounds[-1].state is None:
        for r, rd in enumerate(rounds):
            again = strategy.ask(len(rd.proposals))
            if not _same_batch(again, rd.proposals):
                raise AssertionError(
                    f"asked round {r} again, it proposed {again}, not {rd.proposals}"
                )
            _tell(strategy, rd)
        return
    for rd in rounds[:-1] if pending else rounds:
        _tell(strategy, rd)
    cast("Stateful", strategy).load_state_dict(rounds[-1].state)
    if pending:
        _tell(strategy, rounds[-1])


def _tell(strategy: Strategy, rd: _Round) -> None:
    for params, value in zip(rd.proposals, rd.values, strict=True):
        strategy.tell(params, value)


def check_replay_reproduces_state(
    factory: Callable[..., Strategy],
    *,
    space: Space | None = None,
    max_examples: int | None = None,
) -> None:
    """A fresh strategy replayed from a search's stored rounds goes on as the search does.

    What :mod:`search.resume` relies on. A search runs drawn rounds (``ask``,
    store the proposals and ``state_dict()`` through JSON, tell the
    results); a fresh strategy with the same seed starts from the same
    state, is replayed from the rounds stored before a drawn interruption
    (told the results and given the last state back with
    ``load_state_dict``, the last round possibly cut short; or, without
    ``state_dict``, asked each round again), and then proposes what the
    uninterrupted search proposed, round by round, and at one more ask.

    Catches: a state that leaves out something the next proposals depend on
    (a counter of asks, the position in an initial design, a model's fitted
    hyperparameters that warm-start the next fit); a state that JSON cannot
    write (NumPy arrays); a ``tell`` that does not restore what the original
    ``tell`` did (a point told is proposed again); an initial state that is
    not decided by the seed.
    """
    subject = _subject(factory, space)

    def body(case: Case) -> None:
        sp, seed = case["space"], case["seed"]
        asks, told = case["sizes"], case["values"]
        search, resumed = subject.build(sp, seed), subject.build(sp, seed)
        if state(resumed) != state(search):
            raise AssertionError("two fresh strategies with one seed differ in state")
        rounds = _record(search, asks, told)
        cut = min(case["cut"], len(rounds))  # rounds stored before the interruption
        if cut:
            _replay(resumed, rounds[:cut], case["pending"])
        for r, rd in enumerate(rounds[cut:], start=cut):
            again = resumed.ask(len(rd.proposals))
            if not _same_batch(again, rd.proposals):
                raise AssertionError(
                    f"replayed {cut} rounds, round {r} proposed {again}, but the "
                    f"uninterrupted search {rd.proposals}"
                )
            _tell(resumed, rd)
        n = asks[-1]
        after, expected = resumed.ask(n), search.ask(n)
        if not _same_batch(after, expected):
            raise AssertionError(
                f"replayed {cut} rounds, the next ask({n}) proposed {after}, but "
                f"the uninterrupted search {expected}"
            )

    cases = st.fixed_dictionaries(
        {
            "space": subject.spaces(spaces()),
            "seed": seeds,
            "sizes": sizes,
            "cut": st.integers(1, N_ASKED - 1),
            "pending": st.booleans(),
            "values": values,
        }
    )
    _run("check_replay_reproduces_state", subject, cases, body, max_examples)


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
    for r in range(int(size(space)) + 1):  # each non-empty answer: a new point
        n = asks[r % len(asks)]
        batch = _check_batch(space, strategy.ask(n), n)
        if short and batch:
            raise AssertionError(f"ask({n}) gave {batch} after a short answer")
        for params in batch:
            if (key := param_key(space, params)) in seen:
                raise AssertionError(f"ask({n}) proposed {params} again: {batch}")
            seen.add(key)
            strategy.tell(params, _value(case["values"], i))
            i += 1
        if not batch:
            return seen
        short = len(batch) < n
    raise AssertionError(f"still proposing after {size(space)} points")


def check_small_spaces_exhausted(
    factory: Callable[..., Strategy],
    *,
    space: Space | None = None,
    max_examples: int | None = None,
) -> None:
    """On a small finite space, no point twice, and every point before ``ask`` gives ``[]``.

    The :class:`~search.strategy.Strategy` contract: ``ask(n)`` gives points
    neither asked nor told before, fewer than ``n`` only when nothing new is
    left (so after a short answer, only ``[]``). Some points are told first,
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
    subject = _subject(factory, space)
    complete = subject.space is None

    def body(case: Case) -> None:
        strategy = subject.build(case["space"], case["seed"])
        for k, params in enumerate(case["told_first"]):
            strategy.tell(params, _value(case["outcomes"], k))
        seen = _exhaust(strategy, case)
        missing = set(all_keys(case["space"])) - seen
        if complete and missing:
            raise AssertionError(f"ask gave [] with points never proposed: {missing}")

    cases = _exhaustion_cases(subject.spaces(small_spaces()))
    _run("check_small_spaces_exhausted", subject, cases, body, max_examples)


def check_ask_refuses_bad_n(
    factory: Callable[..., Strategy],
    *,
    space: Space | None = None,
    max_examples: int | None = None,
) -> None:
    """``ask(n)`` with an ``n`` that is not an int ``>= 1`` raises a clear error, and changes nothing.

    An int ``< 1`` gives a ``ValueError``, anything else that is not an int
    (a float, a bool, a string, ``None``) a ``TypeError``, each with the bad
    value in its message, as :meth:`~search.strategy.Strategy.check_n` does.
    After the refusal the strategy proposes what a fresh one does.

    Catches: ``ask(0)`` or ``ask(-1)`` returning ``[]`` (a runner then
    stops, as if the space were exhausted); ``ask(2.5)`` proposing two
    points or ``ask(True)`` one; an error that names nothing; a refused call
    that has already drawn from the random generator.
    """
    subject = _subject(factory, space)

    def body(case: Case) -> None:
        sp, seed, n = case["space"], case["seed"], case["n"]
        strategy = subject.build(sp, seed)
        kind = ValueError if type(n) is int else TypeError
        try:
            got = strategy.ask(n)
        except (TypeError, ValueError) as error:
            if type(error) is not kind or repr(n) not in str(error):
                raise AssertionError(
                    f"ask({n!r}) raised {_raised(error)}; expected a "
                    f"{kind.__name__} that shows {n!r}"
                ) from error
        else:
            raise AssertionError(f"ask({n!r}) returned {got!r}")
        after, fresh = strategy.ask(1), subject.build(sp, seed).ask(1)
        if not _same_batch(after, fresh):
            raise AssertionError(
                f"after the refused ask({n!r}), ask(1) proposed {after}, but a "
                f"fresh strategy {fresh}"
            )

    cases = st.fixed_dictionaries(
        {"space": subject.spaces(spaces()), "seed": seeds, "n": bad_ns}
    )
    _run("check_ask_refuses_bad_n", subject, cases, body, max_examples)


# ------------------------------------------------------------- all of them


def check_strategy(
    factory: Callable[..., Strategy],
    *,
    space: Space | None = None,
    max_examples: int | None = None,
) -> None:
    """Check a search strategy with every property of this kit that applies to it.

    In order: :func:`check_proposals_in_space`,
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
        For the first property that fails: its name, the strategy's class
        and the shrunk counterexample (the space, the seed, the ask sizes,
        the results told, ...).

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
    AssertionError: check_proposals_in_space failed for Sloppy: ask(1) proposed {'k': ...}: k is ... (float), not an int in [1, 5] (Integer(low=1, high=5, log=False))
        counterexample: space={'k': Integer(low=1, high=5, log=False)}, seed=0, sizes=[1], values=[0.0]
    ...
    """
    fixed = _subject(factory, space).space

    def check(prop: Callable[..., None]) -> None:
        prop(factory, space=space, max_examples=max_examples)

    check(check_proposals_in_space)
    check(check_same_seed_same_proposals)
    # asked only now that its proposals are known to be sound
    large = fixed is None or size(fixed) > SMALL
    if large and _draws_from_rng(_subject(factory, space)):
        check(check_different_seeds_differ)
    check(check_failures_are_accepted)
    check(check_replay_reproduces_state)
    if fixed is None or size(fixed) <= SMALL:
        check(check_small_spaces_exhausted)
    check(check_ask_refuses_bad_n)
