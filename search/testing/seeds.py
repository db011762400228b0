"""Seeds: the same seed gives the same proposals, two different seeds different ones."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

from search.strategy import Strategy
from search.testing._drive import drive, same_batch
from search.testing._run import Case, resolve, run
from search.testing.strategies import (
    Space,
    continuous_spaces,
    seeds,
    sizes,
    spaces,
    values,
)


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
    subject = resolve(factory, space)

    def body(case: Case) -> None:
        sp, seed = case["space"], case["seed"]
        asks, told = case["sizes"], case["values"]
        first = drive(subject.build(sp, seed), sp, asks, told)
        second = drive(subject.build(sp, seed), sp, asks, told)
        for r, (a, b) in enumerate(zip(first, second, strict=True)):
            if not same_batch(a, b):
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
    run(check_same_seed_same_proposals, subject, cases, body, max_examples)


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
    subject = resolve(factory, space)

    def body(case: Case) -> None:
        sp, (s1, s2) = case["space"], case["seeds"]
        a = drive(subject.build(sp, s1), sp, [2], case["values"])
        b = drive(subject.build(sp, s2), sp, [2], case["values"])
        if all(same_batch(x, y) for x, y in zip(a, b, strict=True)):
            raise AssertionError(f"seeds {s1} and {s2} both proposed {a}")

    cases = st.fixed_dictionaries(
        {
            "space": subject.spaces(continuous_spaces()),
            "seeds": st.lists(seeds, min_size=2, max_size=2, unique=True),
            "values": values,
        }
    )
    run(check_different_seeds_differ, subject, cases, body, max_examples)
