"""Evaluating trials: one, a batch, or many on an executor; every outcome a result.

Each trial ends with a status: ``"ok"`` (a finite number), ``"diverged"`` (a
non-finite number, recorded as ``inf``) or ``"failed"`` (the objective raised,
or returned something that is not a number; value ``nan``, message
``"ExceptionType: text"``). ``seconds`` is its wall time, measured where it
ran (queueing on an executor not included); the trials of a batch share the
batch's time evenly. Nothing here raises for a trial: an error of the
objective is the trial's result. :func:`outcomes` is what
:func:`search.runner.run` calls.

An objective that trains (:class:`search.TrainedLoss`) may also say what
each evaluation cost: ``objective.evaluate(params_list)`` returns an
:class:`Evaluation`, the values with the steps each configuration was
trained to and the inner steps it spent. It is then called instead of
``batch`` and ``objective(params)``.
"""

from __future__ import annotations

import concurrent.futures
import math
import numbers
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from search.results import Status

if TYPE_CHECKING:
    from collections.abc import Iterator

    from numpy.typing import NDArray

# What the runner evaluates: params -> value. It may also have ``batch``
# (a list of params -> their values), ``evaluate`` (a list of params -> an
# Evaluation) and ``test_score`` (see search.runner).
Objective = Callable[[dict[str, Any]], float]


class Evaluation(NamedTuple):
    """What ``objective.evaluate(params_list)`` returns for ``n`` configurations."""

    values: NDArray[np.float64]  # (n,) scores, inf where training diverged
    steps: NDArray[np.int64]  # (n,) the steps each was trained to
    gradient_steps: NDArray[np.int64]  # (n,) the inner steps each one spent


class Outcome(NamedTuple):
    """How one trial ended (see the module docstring)."""

    value: float
    status: Status
    message: str
    seconds: float
    steps: int | None = None  # trained to; None if the objective does not say
    gradient_steps: int | None = None  # spent; None if the objective does not say


def _classify(raw: Any) -> tuple[float, Status, str]:
    """(value, status, message) of what the objective returned.

    A real number (not a bool, not a string that looks like one): ``ok`` if
    finite, else ``diverged``. Anything else raises ``TypeError``: a failure.
    """
    number = isinstance(raw, numbers.Real) or (
        isinstance(raw, np.ndarray) and raw.ndim == 0 and raw.dtype.kind in "iuf"
    )
    if not number or isinstance(raw, bool | np.bool_):
        raise TypeError(f"the objective returned {raw!r}, not a number")
    value = float(raw)
    if math.isfinite(value):
        return value, "ok", ""
    return math.inf, "diverged", f"objective returned {value!r}"


def failure(error: BaseException) -> tuple[float, Status, str]:
    """(nan, "failed", "ExceptionType: text"), even if the text cannot be made."""
    try:
        text = str(error)
    except Exception:  # an exception whose __str__ raises
        text = "(its message could not be printed)"
    return math.nan, "failed", f"{type(error).__name__}: {text}"


def _evaluate(objective: Objective, params: dict[str, Any]) -> Outcome:
    """Evaluate one trial: ``(value, status, message, seconds)``; never raises.

    A module-level function, so a process pool or a Dask cluster can pickle it.
    """
    start = time.perf_counter()
    if _reports_steps(objective):
        return _evaluate_batch(objective, [params])[0]
    try:
        outcome = _classify(objective(params))
    except Exception as error:  # any error of the objective is the trial's result
        outcome = failure(error)
    return Outcome(*outcome, time.perf_counter() - start)


def _reports_steps(objective: Any) -> bool:
    """Whether the objective has ``evaluate``, which reports the steps it trained."""
    return callable(getattr(objective, "evaluate", None))


def _evaluate_batch(objective: Any, proposals: list[dict[str, Any]]) -> list[Outcome]:
    """Outcomes of one ``objective.evaluate`` or ``batch`` call; each alone if it raises."""
    start = time.perf_counter()
    n = len(proposals)
    try:
        if _reports_steps(objective):
            values, steps, spent = objective.evaluate(proposals)
        else:
            values, steps, spent = objective.batch(proposals), [None] * n, [None] * n
        values = np.asarray(values)
        if values.shape != (n,) or values.dtype.kind not in "iuf":
            raise ValueError(f"batch returned {values!r}, not {n} numbers")
    except Exception as error:
        if n == 1 and _reports_steps(objective):  # no other way to evaluate it
            return [Outcome(*failure(error), time.perf_counter() - start)]
        # One bad trial (or a batch that cannot be formed) must not sink the
        # others: fall back to one evaluation per trial, each with its own status.
        return [_evaluate(objective, params) for params in proposals]
    seconds = (time.perf_counter() - start) / n
    return [
        Outcome(*_classify(float(v)), seconds, _int(k), _int(c))
        for v, k, c in zip(values, steps, spent, strict=True)
    ]


def _int(count: Any) -> int | None:
    """A step count as a Python int (``None`` stays ``None``)."""
    return None if count is None else int(count)


def outcomes(
    objective: Objective,
    proposals: dict[int, dict[str, Any]],
    executor: concurrent.futures.Executor | None,
) -> Iterator[tuple[int, Outcome]]:
    """Yield ``(index, outcome)`` for ``proposals`` (index -> params) as each finishes.

    With an executor they come in completion order; an error of the executor
    itself (a broken pool, an objective that cannot be pickled) is not a
    trial's result: it cancels the round's other futures and propagates.
    Ctrl-C (``KeyboardInterrupt``) while waiting cancels the pending futures,
    yields the trials that finished meanwhile (so the caller stores them),
    then propagates; the running trials are not waited for.
    """
    if executor is not None:
        futures = {
            executor.submit(_evaluate, objective, p): i for i, p in proposals.items()
        }
        waiting = set(futures)
        try:
            for future in concurrent.futures.as_completed(futures):
                waiting.discard(future)
                yield futures[future], future.result()
        except KeyboardInterrupt:
            for future in waiting:
                future.cancel()
            # A worker hit by the same Ctrl-C ends with KeyboardInterrupt: no result.
            finished = [
                f
                for f in waiting
                if f.done() and not f.cancelled() and f.exception() is None
            ]
            for future in sorted(finished, key=lambda f: futures[f]):
                yield futures[future], future.result()
            raise
        finally:
            for future in futures:
                future.cancel()
    elif callable(getattr(objective, "batch", None)):
        outcomes = _evaluate_batch(objective, list(proposals.values()))
        yield from zip(proposals, outcomes, strict=True)
    else:
        for i, params in proposals.items():
            yield i, _evaluate(objective, params)
