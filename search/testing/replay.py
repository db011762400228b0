"""Replay: a fresh strategy brought back from a search's stored rounds goes on as it did.

What :mod:`search.resume` relies on. The rounds are stored as
:func:`search.run` stores them (proposals and state through JSON, results),
and replayed as a resumed search replays them.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from hypothesis import strategies as st

from search.resume import state
from search.strategy import Strategy
from search.testing._drive import Params, result, same_batch, schedule
from search.testing._run import Case, resolve, run
from search.testing.strategies import N_ASKED, Space, seeds, sizes, spaces, values

if TYPE_CHECKING:
    from search.resume import Stateful


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
    subject = resolve(factory, space)

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
            if not same_batch(again, rd.proposals):
                raise AssertionError(
                    f"replayed {cut} rounds, round {r} proposed {again}, but the "
                    f"uninterrupted search {rd.proposals}"
                )
            _tell(resumed, rd)
        n = asks[-1]
        after, expected = resumed.ask(n), search.ask(n)
        if not same_batch(after, expected):
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
    run(check_replay_reproduces_state, subject, cases, body, max_examples)


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
    for n in schedule(asks):
        batch = strategy.ask(n)
        if not batch:
            break  # the runner stops here: nothing stored
        stored = json.loads(json.dumps(batch, allow_nan=False))
        results = [result(told, i + k) for k in range(len(batch))]
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
            if not same_batch(again, rd.proposals):
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
    """Tell ``strategy`` the stored results of one round."""
    for params, value in zip(rd.proposals, rd.values, strict=True):
        strategy.tell(params, value)
