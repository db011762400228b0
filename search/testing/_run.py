"""Running a property of a strategy: the factory resolved, Hypothesis, a named failure.

A property builds fresh strategies from the user's factory (see
:mod:`search.testing` for the two forms it may take), draws its cases with
Hypothesis and raises ``AssertionError`` on a failure, a crash of the
strategy included. :func:`run` turns that into one message::

    <Class> fails the property <name>: <first paragraph of its docstring>
    <what went wrong>
        counterexample: space=..., seed=..., ...

the format of every property kit of this project (``optim.testing``,
``surfaces.testing``), with the shrunk case on the last line.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Flaky

from search.space import Real
from search.strategy import Strategy
from search.testing.strategies import Space

Build = Callable[[Space, int], Strategy]
Case = dict[str, Any]  # one drawn example: space, seed, ask sizes, values, ...

# Examples per property unless told: Bayesian search fits a Gaussian process
# per proposal, so each example costs up to a few tenths of a second.
MAX_EXAMPLES = 20


@dataclasses.dataclass(frozen=True)
class Subject:
    """The strategy under test: how to build it, its fixed space (or None), its name."""

    build: Build
    space: Space | None
    label: str

    def spaces(self, drawn: st.SearchStrategy[Space]) -> st.SearchStrategy[Space]:
        """The spaces to try: the drawn ones, or the fixed space."""
        return drawn if self.space is None else st.just(self.space)


def takes_space(factory: Callable[..., Strategy]) -> bool:
    """Whether ``factory(space, seed=0)`` is a valid call (a class, a two-argument lambda)."""
    try:
        inspect.signature(factory).bind({}, seed=0)
    except (TypeError, ValueError):  # no such parameters, or no signature
        return False
    return True


def resolve(factory: Callable[..., Strategy], space: Space | None) -> Subject:
    """Resolve the factory (see :mod:`search.testing`) and name its strategy."""
    if takes_space(factory):
        probe = space if space is not None else {"a": Real(0.0, 1.0)}
        label = type(factory(probe, seed=0)).__name__
        return Subject(lambda sp, seed: factory(sp, seed=seed), space, label)
    first = factory(0)
    fixed = first.space if space is None else space
    return Subject(lambda sp, seed: factory(seed), fixed, type(first).__name__)


def run(
    prop: Callable[..., None],
    subject: Subject,
    cases: st.SearchStrategy[Case],
    body: Callable[[Case], None],
    max_examples: int | None,
) -> None:
    """Run ``body`` on drawn ``cases``; a failure is an AssertionError naming it all."""
    examples = MAX_EXAMPLES if max_examples is None else max_examples
    profile = settings()  # the profile loaded: its phases, its health checks
    # Hypothesis's "explain" phase traces every line a failing case runs:
    # slower here than finding and shrinking the case.
    phases = [phase for phase in profile.phases if phase is not Phase.explain]
    slow = [HealthCheck.too_slow, HealthCheck.filter_too_much]

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,  # nothing written for the kit (as the other two kits)
        phases=phases,
        suppress_health_check=[*profile.suppress_health_check, *slow],
        report_multiple_bugs=False,  # one property, one counterexample
    )
    @given(cases)
    def test(case: Case) -> None:
        try:
            body(case)
        except Exception as error:  # a crash of the strategy is a failure too
            raise AssertionError(report(prop, subject, case, error)) from error

    try:
        test()
    except Flaky as error:  # failed once, then passed on the same case
        raise AssertionError(
            f"{fails(prop, subject)}\nit failed once, but not again on the same "
            f"case: its proposals depend on more than its seed and what it was "
            f"told (global random state? the clock?): {error}"
        ) from error


def fails(prop: Callable[..., None], subject: Subject) -> str:
    """``<Class> fails the property <name>: <first paragraph of its docstring>``."""
    first = (prop.__doc__ or "").strip().split("\n\n")[0]
    summary = " ".join(first.replace("``", "").split())
    return f"{subject.label} fails the property {prop.__name__}: {summary}"


def report(
    prop: Callable[..., None], subject: Subject, case: Case, error: Exception
) -> str:
    """The failure message: who fails what, what went wrong, and the case."""
    what = error if isinstance(error, AssertionError) else raised(error)
    shown = ", ".join(f"{key}={value!r}" for key, value in case.items())
    return f"{fails(prop, subject)}\n{what}\n    counterexample: {shown}"


def raised(error: Exception) -> str:
    """``it raised <type>: <message>``, for a crash."""
    return f"it raised {type(error).__name__}: {error}"
