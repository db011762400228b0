"""Resuming a search from its storage file: check the file is this search's, replay it.

A strategy with ``state_dict``/``load_state_dict`` (every strategy here) is
told the stored results and given back the state stored with the last round:
no stored round is asked again. Any other strategy is asked each stored round
again, and its proposals must equal the stored ones (to a relative 1e-9 for
floats, see :func:`same`). Nothing is written before the file was read,
checked against this search and replayed (:func:`resume`), so a file of
another search, or one this project did not write, is left as it was.
"""

from __future__ import annotations

import json
import math
import numbers
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from search import storage as log_file
from search.space import to_unit

if TYPE_CHECKING:
    from typing import Protocol

    from search.results import Trial
    from search.space import Dimension
    from search.strategy import Strategy

    class Stateful(Protocol):
        """A strategy with ``state_dict``/``load_state_dict`` (every strategy here)."""

        def state_dict(self) -> dict[str, Any]:
            """What the next proposals depend on besides the results told."""

        def load_state_dict(self, state: dict[str, Any]) -> None:
            """Restore what :meth:`state_dict` returned."""


# A round to finish: (round r, index of its first trial, its proposals).
Pending = tuple[int, int, list[dict[str, Any]]]


def state(strategy: Strategy) -> dict[str, Any] | None:
    """The strategy's ``state_dict()`` as stored (through JSON), or ``None``."""
    if not callable(getattr(strategy, "load_state_dict", None)):
        return None
    stateful = cast("Stateful", strategy)
    return json.loads(json.dumps(stateful.state_dict(), allow_nan=False))


def resume(
    path: Path,
    strategy: Strategy,
    trials: dict[int, Trial],
    metadata: dict[str, Any],
    n_trials: int,
) -> tuple[log_file.Log | None, Pending | None, int, int]:
    """Read the storage file and replay it into ``strategy`` and ``trials``.

    Returns ``(log, pending, next round, next index)``: the open log, locked
    (``None`` when there is nothing to write: the file is only read); the
    last round ``(r, first index, proposals)`` if some of its trials have no
    result (else ``None``). Nothing is written before the file was read,
    checked against this search and replayed, so a file of another search,
    or one this project did not write, is left as it was.
    """
    initial = state(strategy)
    new = log_file.header(strategy, batch_size(strategy), metadata, initial)
    stored = log_file.read(path, log_file.json_line(new))
    if stored.header is not None:
        _check_header(path, stored.header, new)
    pending = _replay(path, stored.rounds, strategy, trials, initial is not None)
    log = None
    if stored.header is None or len(stored.trials) < n_trials:
        log = log_file.Log(path, stored, new)  # locked; the file is still as read
    log_file.warn_cut(path, stored, overwritten=log is not None)
    last = stored.rounds[-1] if stored.rounds else None
    r, first = (0, 0) if last is None else (len(stored.rounds), last.first + last.size)
    return log, pending, r, first


def _check_header(path: Path, stored: dict[str, Any], new: dict[str, Any]) -> None:
    """The file's header must be this search's: space, strategy, settings, seed."""
    if stored.get("space") != new["space"]:
        diff = _diff(stored.get("space"), new["space"])
        raise ValueError(f"{path} was written for another search space ({diff})")
    if stored.get("strategy") != new["strategy"]:
        raise ValueError(
            f"{path} was written by {stored.get('strategy')}, not by {new['strategy']}"
        )
    if stored.get("batch_size") != new["batch_size"]:
        raise ValueError(
            f"{path} was written for another search: {stored.get('batch_size')} "
            f"proposals per round (the strategy's batch_size; hpo search: "
            f"--workers for Bayesian search), now {new['batch_size']}"
        )
    if stored.get("metadata", {}) != new["metadata"]:  # version 1: no metadata
        diff = _diff(stored.get("metadata", {}), new["metadata"])
        raise ValueError(
            f"{path} was written for another search: other metadata ({diff})"
        )
    initial = stored.get("initial_state")
    if None not in (initial, new["initial_state"]) and initial != new["initial_state"]:
        raise ValueError(
            f"{path} was written for another search: {new['strategy']} starts from "
            "another state (a different seed or settings?)"
        )


def _diff(stored: object, current: dict[str, Any]) -> str:
    """``'steps': file 200, now 100; ...``: the keys where two dicts differ."""
    stored = stored if isinstance(stored, dict) else {}
    names = list(dict.fromkeys([*stored, *current]))
    return "; ".join(
        f"{n!r}: file {stored.get(n)}, now {current.get(n)}"
        for n in names
        if stored.get(n) != current.get(n)
    )


def _replay(
    path: Path,
    rounds: list[log_file.Round],
    strategy: Strategy,
    trials: dict[int, Trial],
    stateful: bool,
) -> Pending | None:
    """Bring ``strategy`` and ``trials`` to where the stored rounds left them.

    Told, and restored to the last round's stored state, when the strategy
    can be (``stateful``: it has ``state_dict``); else asked each round again.
    Returns the pending last round ``(r, first index, proposals)`` or ``None``
    (only the last round can be incomplete: :mod:`search.storage` checks it).
    """
    if stateful and all(rd.state is not None for rd in rounds):
        # A round stored with a state was stored with its proposals (version 2).
        asked = [cast("list[dict[str, Any]]", rd.proposals) for rd in rounds]
        for rd, proposals in zip(rounds, asked, strict=True):
            _check_points(path, strategy.space, rd.first, proposals)
            trials.update(rd.done)
            if rd.complete:
                _tell(path, strategy, rd.first, proposals, rd.done)
        if not rounds:
            return None
        last = rounds[-1]
        cast("Stateful", strategy).load_state_dict(cast("dict[str, Any]", last.state))
        return None if last.complete else (len(rounds) - 1, last.first, asked[-1])
    for r, rd in enumerate(rounds):
        proposals = strategy.ask(rd.size)
        _check_replay(path, r, proposals, rd)
        trials.update(rd.done)
        if not rd.complete:
            return r, rd.first, proposals
        _tell(path, strategy, rd.first, proposals, rd.done)
    return None


def _check_points(
    path: Path, space: dict[str, Dimension], first: int, proposals: list[dict[str, Any]]
) -> None:
    """Every stored proposal of a round (from index ``first``) must be a point of the space."""
    for i, params in enumerate(proposals, start=first):
        try:
            to_unit(space, params)
        except (TypeError, ValueError) as error:
            raise ValueError(
                f"{path}: trial {i} is not a point of the space: {error}"
            ) from None


def _tell(
    path: Path,
    strategy: Strategy,
    first: int,
    proposals: list[dict[str, Any]],
    done: dict[int, Trial],
) -> None:
    for i, params in enumerate(proposals, start=first):
        try:
            strategy.tell(params, done[i].value)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{path}: trial {i} cannot be told: {error}") from None


def _check_replay(
    path: Path, r: int, proposals: list[dict[str, Any]], rd: log_file.Round
) -> None:
    """A round asked again must propose what is stored."""
    if len(proposals) != rd.size:
        raise ValueError(
            f"{path}: replaying round {r}, the strategy proposed {len(proposals)} "
            f"points instead of {rd.size}; was it built with other settings?"
        )
    for i, params in enumerate(proposals, start=rd.first):
        stored = rd.done[i].params if i in rd.done else None
        if rd.proposals is not None:
            stored = rd.proposals[i - rd.first]
        if stored is not None and not same(params, stored):
            raise ValueError(
                f"{path}: replaying trial {i}, the strategy proposed {params} instead "
                f"of the stored {stored}: a different seed or settings?"
            )


def same(params: dict[str, Any], stored: dict[str, Any]) -> bool:
    """Equal, floats to a relative 1e-9: a replayed proposal is the stored one.

    Another BLAS code path, CPU or library version may change the last digits
    of what a model computes (the 12th was seen, between two OpenBLAS kernels
    of one machine); another seed or setting changes the first ones.
    """
    if params.keys() != stored.keys():
        return False
    return all(
        math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
        if type(a) is float and type(b) is float
        else (type(a) is bool) == (type(b) is bool) and a == b
        for a, b in ((params[k], stored[k]) for k in params)
    )


def batch_size(strategy: Strategy) -> int:
    """The strategy's proposals per round: ``strategy.batch_size`` (1 if absent), checked."""
    size = getattr(strategy, "batch_size", 1)
    if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1:
        raise ValueError(
            f"run: strategy.batch_size must be a positive int, got {size!r}"
        )
    return int(size)
