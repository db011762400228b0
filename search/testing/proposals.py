"""What ``ask`` gives: points of the space, after failed results too; a bad ``n`` refused."""

from __future__ import annotations

import math
from collections.abc import Callable

from hypothesis import strategies as st

from search.space import size
from search.strategy import Strategy
from search.testing._drive import check_batch, drive, result, same_batch, schedule
from search.testing._run import Case, resolve, run
from search.testing.strategies import (
    Space,
    bad_ns,
    outcomes,
    seeds,
    sizes,
    spaces,
    values,
)


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
    subject = resolve(factory, space)

    def body(case: Case) -> None:
        strategy = subject.build(case["space"], case["seed"])
        drive(strategy, case["space"], case["sizes"], case["values"])

    cases = st.fixed_dictionaries(
        {
            "space": subject.spaces(spaces()),
            "seed": seeds,
            "sizes": sizes,
            "values": values,
        }
    )
    run(check_proposals_in_space, subject, cases, body, max_examples)


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
    with the same seed that is told finite results instead. (Not counted for
    a strategy with ``WAITS_FOR_RESULTS`` on a finite space: once it has
    proposed every configuration, only promotions are left, and which and
    how many follow the results.)

    Catches: a model fitted to ``inf`` (its standardization turns every
    value into ``nan``, and then every proposal); a ``tell`` that refuses
    non-finite values; a strategy that stops proposing after a failure.
    """
    subject = resolve(factory, space)

    def body(case: Case) -> None:
        sp, seed, told = case["space"], case["seed"], case["outcomes"]
        finite = [v if math.isfinite(v) else 1.0 for v in told]
        hurt, twin = subject.build(sp, seed), subject.build(sp, seed)
        waits = getattr(type(hurt), "WAITS_FOR_RESULTS", False)
        count = not (waits and math.isfinite(size(sp)))
        i = 0
        for n in schedule(case["sizes"]):
            batch, expected = check_batch(sp, hurt.ask(n), n), twin.ask(n)
            if count and len(batch) != len(expected):
                raise AssertionError(
                    f"after the results {told[: i + 1]} (cycled), ask({n}) gave "
                    f"{batch}; a twin told finite results gave {len(expected)} points"
                )
            for k, params in enumerate(batch):
                hurt.tell(params, result(told, i + k))
            for k, other in enumerate(expected):
                twin.tell(other, result(finite, i + k))
            i += len(batch)

    cases = st.fixed_dictionaries(
        {
            "space": subject.spaces(spaces()),
            "seed": seeds,
            "sizes": sizes,
            "outcomes": outcomes,
        }
    )
    run(check_failures_are_accepted, subject, cases, body, max_examples)


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
    subject = resolve(factory, space)

    def body(case: Case) -> None:
        sp, seed, n = case["space"], case["seed"], case["n"]
        strategy = subject.build(sp, seed)
        kind = ValueError if type(n) is int else TypeError
        try:
            got = strategy.ask(n)
        except (TypeError, ValueError) as error:
            if type(error) is not kind or repr(n) not in str(error):
                raise AssertionError(
                    f"ask({n!r}) raised {type(error).__name__}: {error}; expected a "
                    f"{kind.__name__} that shows {n!r}"
                ) from error
        else:
            raise AssertionError(f"ask({n!r}) returned {got!r}")
        after, fresh = strategy.ask(1), subject.build(sp, seed).ask(1)
        if not same_batch(after, fresh):
            raise AssertionError(
                f"after the refused ask({n!r}), ask(1) proposed {after}, but a "
                f"fresh strategy {fresh}"
            )

    cases = st.fixed_dictionaries(
        {"space": subject.spaces(spaces()), "seed": seeds, "n": bad_ns}
    )
    run(check_ask_refuses_bad_n, subject, cases, body, max_examples)
