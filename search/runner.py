"""The outer loop: ask a strategy for hyperparameters, evaluate them, tell it the values.

:func:`run` is the only evaluation loop of the project; :func:`grid_search`,
:func:`random_search` and :func:`bayes_search` build a strategy and call it.
A search goes in *rounds*, until ``n_trials`` trials have finished::

    proposals = strategy.ask(min(strategy.batch_size, n_trials - finished))
    stop if proposals == []                      # a grid is exhausted
    append the round to storage                  # proposals + strategy state
    evaluate a copy of every proposal            # executor, batch, or serially
    append each finished trial to storage        # flush + fsync: durable
    strategy.tell(params, value) for each trial, in proposal order

Evaluation, in order of preference:

* ``executor`` given: one ``executor.submit(_evaluate, objective, params)``
  per trial, on any :class:`concurrent.futures.Executor` (a
  ``ProcessPoolExecutor``, :func:`search.pool.worker_pool`, or a Dask
  cluster's ``Client.get_executor()``);
* the objective has ``batch``: ``objective.batch(proposals)``, one vectorized
  inner run for the whole round; if it raises, each trial of the round is
  evaluated alone, so one bad trial does not sink the others;
* otherwise ``objective(params)``, one trial after the other.

Each trial ends with a status: ``"ok"`` (a finite number), ``"diverged"`` (a
non-finite number, recorded as ``inf``) or ``"failed"`` (the objective raised,
or returned something that is not a number; value ``nan``, message
``"ExceptionType: text"``). ``seconds`` is its wall time, measured where it
ran (queueing on an executor not included); the trials of a batch share the
batch's time evenly. The objective gets a copy of each proposal: what is
stored and told is the proposal, whatever the objective does to its copy.

Storage (``storage="trials.jsonl"``, see :mod:`search.storage`) writes the
search down as it runs; if the file exists, the search *resumes*. A strategy
with ``state_dict``/``load_state_dict`` (every strategy here) is told the
stored results and given back the state stored with the last round: no
stored round is asked again, so resuming costs nothing for a finished search
and at most one model fit for a Bayesian one, and it works on another
machine, whose floating point may differ in the last digits. Any other
strategy is asked each stored round again, and its proposals must equal the
stored ones (to a relative 1e-9 for floats, see :func:`_same`). Either way
the proposals of the last round that have no result (lost in a crash) are
evaluated first, and the resumed search makes the proposals that an
uninterrupted one would have made.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import json
import math
import numbers
import os
import time
import warnings
from pathlib import Path

import numpy as np

from search import storage as log_file
from search.bayes_search import BayesSearch
from search.grid_search import GridSearch
from search.progress import Progress
from search.random_search import RandomSearch
from search.results import SearchResult, Trial
from search.space import to_unit
from search.storage import load

__all__ = ["SearchResult", "Trial", "load", "run"]


# ---------------------------------------------------------------- evaluation


def _classify(raw) -> tuple[float, str, str]:
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


def _failure(error: BaseException) -> tuple[float, str, str]:
    """(nan, "failed", "ExceptionType: text"), even if the text cannot be made."""
    try:
        text = str(error)
    except Exception:  # an exception whose __str__ raises
        text = "(its message could not be printed)"
    return math.nan, "failed", f"{type(error).__name__}: {text}"


def _evaluate(objective, params: dict) -> tuple[float, str, str, float]:
    """Evaluate one trial: ``(value, status, message, seconds)``; never raises.

    A module-level function, so a process pool or a Dask cluster can pickle it.
    """
    start = time.perf_counter()
    try:
        outcome = _classify(objective(params))
    except Exception as error:  # any error of the objective is the trial's result
        outcome = _failure(error)
    return (*outcome, time.perf_counter() - start)


def _evaluate_batch(objective, proposals: list) -> list:
    """Outcomes of one ``objective.batch`` call; each trial alone if it raises."""
    start = time.perf_counter()
    try:
        values = np.asarray(objective.batch(proposals))
        if values.shape != (len(proposals),) or values.dtype.kind not in "iuf":
            raise ValueError(f"batch returned {values!r}, not {len(proposals)} numbers")
    except Exception:
        # One bad trial (or a batch that cannot be formed) must not sink the
        # others: fall back to one evaluation per trial, each with its own status.
        return [_evaluate(objective, params) for params in proposals]
    seconds = (time.perf_counter() - start) / len(proposals)
    return [(*_classify(float(v)), seconds) for v in values]


def _outcomes(objective, proposals: dict, executor):
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
            for future in sorted(finished, key=futures.get):
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


# ---------------------------------------------------------------- resuming


def _state(strategy):
    """The strategy's ``state_dict()`` as stored (through JSON), or ``None``."""
    if not callable(getattr(strategy, "load_state_dict", None)):
        return None
    return json.loads(json.dumps(strategy.state_dict(), allow_nan=False))


def _resume(path: Path, strategy, trials: dict, metadata: dict, n_trials: int):
    """Read the storage file and replay it into ``strategy`` and ``trials``.

    Returns ``(log, pending, next round, next index)``: the open log, locked
    (``None`` when there is nothing to write: the file is only read); the
    last round ``(r, first index, proposals)`` if some of its trials have no
    result (else ``None``). Nothing is written before the file was read,
    checked against this search and replayed, so a file of another search,
    or one this project did not write, is left as it was.
    """
    initial = _state(strategy)
    new = log_file.header(strategy, _batch_size(strategy), metadata, initial)
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


def _check_header(path: Path, stored: dict, new: dict) -> None:
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


def _diff(stored, current) -> str:
    """``'steps': file 200, now 100; ...``: the keys where two dicts differ."""
    stored = stored if isinstance(stored, dict) else {}
    names = list(dict.fromkeys([*stored, *current]))
    return "; ".join(
        f"{n!r}: file {stored.get(n)}, now {current.get(n)}"
        for n in names
        if stored.get(n) != current.get(n)
    )


def _replay(path: Path, rounds: list, strategy, trials: dict, stateful: bool):
    """Bring ``strategy`` and ``trials`` to where the stored rounds left them.

    Told, and restored to the last round's stored state, when the strategy
    can be (``stateful``: it has ``state_dict``); else asked each round again.
    Returns the pending last round ``(r, first index, proposals)`` or ``None``
    (only the last round can be incomplete: :mod:`search.storage` checks it).
    """
    if stateful and all(rd.state is not None for rd in rounds):
        for rd in rounds:
            _check_points(path, strategy.space, rd)
            trials.update(rd.done)
            if rd.complete:
                _tell(path, strategy, rd.first, rd.proposals, rd.done)
        if not rounds:
            return None
        last = rounds[-1]
        strategy.load_state_dict(last.state)
        return None if last.complete else (len(rounds) - 1, last.first, last.proposals)
    for r, rd in enumerate(rounds):
        proposals = strategy.ask(rd.size)
        _check_replay(path, r, proposals, rd)
        trials.update(rd.done)
        if not rd.complete:
            return r, rd.first, proposals
        _tell(path, strategy, rd.first, proposals, rd.done)
    return None


def _check_points(path: Path, space: dict, rd) -> None:
    """Every stored proposal of a round must be a point of the space."""
    for i, params in enumerate(rd.proposals, start=rd.first):
        try:
            to_unit(space, params)
        except (TypeError, ValueError) as error:
            raise ValueError(
                f"{path}: trial {i} is not a point of the space: {error}"
            ) from None


def _tell(path: Path, strategy, first: int, proposals: list, done: dict) -> None:
    for i, params in enumerate(proposals, start=first):
        try:
            strategy.tell(params, done[i].value)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{path}: trial {i} cannot be told: {error}") from None


def _check_replay(path: Path, r: int, proposals: list, rd) -> None:
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
        if stored is not None and not _same(params, stored):
            raise ValueError(
                f"{path}: replaying trial {i}, the strategy proposed {params} instead "
                f"of the stored {stored}: a different seed or settings?"
            )


def _same(params: dict, stored: dict) -> bool:
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


# ---------------------------------------------------------------- the loop


def _batch_size(strategy) -> int:
    size = getattr(strategy, "batch_size", 1)
    if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1:
        raise ValueError(
            f"run: strategy.batch_size must be a positive int, got {size!r}"
        )
    return int(size)


def _check_metadata(metadata) -> dict:
    """``metadata`` as it reads back from the file: a JSON object (``None``: ``{}``)."""
    if metadata is None:
        return {}
    if not isinstance(metadata, dict):
        raise TypeError(f"run: metadata must be a dict or None, got {metadata!r}")
    try:
        return json.loads(json.dumps(metadata, allow_nan=False))
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"run: metadata must be JSON-able (strings, finite numbers, lists, "
            f"dicts), got {metadata!r}: {error}"
        ) from None


def _check_args(objective, strategy, n_trials, executor, storage, progress) -> None:
    if not callable(objective):
        raise TypeError(f"run: objective must be callable, got {objective!r}")
    for method in ("ask", "tell"):
        if not callable(getattr(strategy, method, None)):
            raise TypeError(
                f"run: strategy must have an {method} method, got {strategy!r}"
            )
    if isinstance(n_trials, bool) or not isinstance(n_trials, numbers.Integral):
        raise TypeError(f"run: n_trials must be an int, got {n_trials!r}")
    if n_trials < 1:
        raise ValueError(f"run: n_trials must be positive, got {n_trials!r}")
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise TypeError(f"run: executor must have a submit method, got {executor!r}")
    if storage is not None and not isinstance(storage, str | os.PathLike):
        raise TypeError(f"run: storage must be a path or None, got {storage!r}")
    if storage is not None and not isinstance(getattr(strategy, "space", None), dict):
        raise TypeError(
            f"run: with storage, strategy needs a space dict, got {strategy!r}"
        )
    if not isinstance(progress, bool):
        raise TypeError(f"run: progress must be True or False, got {progress!r}")
    _batch_size(strategy)


def _play_round(objective, strategy, pending, trials, executor, log, bar):
    """Evaluate the round's trials that have no result, record them, tell them all.

    ``pending`` is ``(r, first index, proposals)``; the objective gets copies.
    """
    r, first, proposals = pending
    todo = {i: p for i, p in enumerate(proposals, start=first) if i not in trials}
    copies = {i: dict(p) for i, p in todo.items()}
    for i, (value, status, message, seconds) in _outcomes(objective, copies, executor):
        trial = Trial(i, todo[i], value, status, seconds, message, r)
        if log is not None:
            log.write(trial.to_dict())
        trials[i] = trial
        if bar is not None:
            bar.update(value if status == "ok" else math.inf)
    for i, params in enumerate(proposals, start=first):
        strategy.tell(params, trials[i].value)


def run(
    objective,
    strategy,
    n_trials,
    *,
    executor=None,
    storage=None,
    progress=False,
    metadata=None,
):
    """Evaluate ``n_trials`` proposals of ``strategy`` on ``objective``.

    Round by round (see the module docstring for evaluation and storage)::

        proposals = strategy.ask(min(strategy.batch_size, n_trials - finished))
        stop if proposals == []
        store the round; evaluate every proposal, store each finished trial
        strategy.tell(params, value) for each trial, in proposal order

    Parameters
    ----------
    objective : callable
        ``objective(params) -> float``; optionally ``objective.batch(list of
        params) -> (n,)`` and ``objective.test_score(params) -> float``.
    strategy : Strategy
        Has ``ask(n) -> list of dict``, ``tell(params, value)`` and
        ``batch_size`` (1 if absent); optionally ``state_dict()`` and
        ``load_state_dict(state)`` (a JSON-able state, for quick resume). With
        ``storage`` it must be freshly built: never asked nor told.
    n_trials : int
        Trials to finish (fewer if a grid runs out of points).
    executor : concurrent.futures.Executor, optional
        Evaluates the trials of a round in parallel: a ``ProcessPoolExecutor``,
        :func:`search.pool.worker_pool` (workers that die with this process),
        or ``distributed.Client(...).get_executor()`` for a Dask cluster.
    storage : str or path-like, optional
        A JSON Lines file (:mod:`search.storage`): every round and finished
        trial is appended durably, and an existing file is resumed. It is
        locked while the search writes it, and only read when the search it
        holds is already finished.
    progress : bool, default False
        Show trials done and the best value so far on standard error
        (:class:`search.progress.Progress`).
    metadata : dict, optional
        JSON-able settings of the search that the strategy does not know
        (the problem, the steps per trial, ...): stored in the storage
        file's header and compared on resume, so that one file never mixes
        trials of two settings. Kept in the result too.

    Returns
    -------
    SearchResult
        The trials in index order, the best, and the best's test score
        (``None``, with a warning, if computing it raised: the trials are
        never lost to it).

    Raises
    ------
    ValueError
        If the storage file was written for another space, strategy, batch
        size, metadata or seed, or its replay proposes other points, or it is
        not a trials file at all (it is never written over), or not a regular
        file, or another process is writing it. Raised before anything is
        written.

    Notes
    -----
    An error of the executor itself (a broken pool, an objective that
    cannot be pickled) is not a trial's result and propagates; the trials
    finished before it are in ``storage``. A storage file holding more than
    ``n_trials`` trials is returned whole, and one holding fewer than a
    previous run asked for is continued (so ``n_trials`` can be raised
    between runs).

    Examples
    --------
    >>> from search.random_search import RandomSearch
    >>> from search.space import Real
    >>> strategy = RandomSearch({"x": Real(-2.0, 2.0)}, seed=0)
    >>> result = run(lambda p: (p["x"] - 1) ** 2, strategy, 20)
    >>> len(result.trials), result.best.value < 0.01
    (20, True)
    """
    _check_args(objective, strategy, n_trials, executor, storage, progress)
    metadata = _check_metadata(metadata)
    trials, log, pending = {}, None, None  # trials: index -> Trial
    r = first = 0  # the next round and the next trial index
    if storage is not None:
        _check_fresh(strategy)
        log, pending, r, first = _resume(
            Path(storage), strategy, trials, metadata, n_trials
        )
    bar = None
    if progress:
        best = SearchResult(list(trials.values())).best
        bar = Progress(n_trials, len(trials), math.inf if best is None else best.value)
    try:
        if pending is not None and len(trials) < n_trials:
            _play_round(objective, strategy, pending, trials, executor, log, bar)
        while len(trials) < n_trials:
            proposals = strategy.ask(min(_batch_size(strategy), n_trials - len(trials)))
            if not proposals:
                break
            if log is not None:
                state = _state(strategy)
                log.write({"round": r, "proposals": proposals, "state": state})
            round_ = (r, first, proposals)
            _play_round(objective, strategy, round_, trials, executor, log, bar)
            r, first = r + 1, first + len(proposals)
    finally:
        if log is not None:
            log.close()
        if bar is not None:
            bar.close()
    result = SearchResult([trials[i] for i in sorted(trials)], metadata=metadata)
    return dataclasses.replace(result, test_score=_test_score(objective, result.best))


def _check_fresh(strategy) -> None:
    """With storage, the strategy must be new: the stored log is replayed into it.

    A :class:`~search.strategy.Strategy` records what it was asked or told in
    ``seen`` and ``history``; a strategy without them cannot be checked.
    """
    if getattr(strategy, "seen", None) or getattr(strategy, "history", None):
        raise ValueError(
            "run: with storage, the strategy must be freshly built (never asked or "
            f"told), since the stored trials are replayed into it; got {strategy!r} "
            f"with {len(getattr(strategy, 'history', []))} results told"
        )


def _test_score(objective, best: Trial | None) -> float | None:
    """The test score of the best hyperparameters, if the objective has a test split.

    An objective without test data says so with ``objective.test = None``
    (as :class:`~search.objective.TrainedLoss` does). If computing the score
    raises, the search's trials are kept: the score is ``None``, with a warning.
    """
    if best is None or not callable(getattr(objective, "test_score", None)):
        return None
    if getattr(objective, "test", True) is None:
        return None
    try:
        return float(objective.test_score(dict(best.params)))
    except Exception as error:  # the trials must survive a failing test score
        warnings.warn(
            f"run: the test score of the best trial could not be computed "
            f"({_failure(error)[2]}); test_score is None, the trials are kept",
            stacklevel=3,
        )
        return None


# ---------------------------------------------------------------- shortcuts


def grid_search(objective, space, points=10, **run_kwargs) -> SearchResult:
    """Evaluate every point of a grid: ``run(objective, GridSearch(space, points), n)``.

    ``n`` is the grid's size; ``GridSearch`` asks for the whole grid in one
    round, so an objective with ``batch`` trains it in one vectorized run.
    ``run_kwargs`` (``executor``, ``storage``, ``progress``) go to :func:`run`.

    Examples
    --------
    >>> from search.space import Integer
    >>> result = grid_search(lambda p: (p["k"] - 3) ** 2, {"k": Integer(1, 5)}, points=5)
    >>> [t.params["k"] for t in result.trials], result.best.params
    ([1, 2, 3, 4, 5], {'k': 3})
    """
    strategy = GridSearch(space, points)
    return run(objective, strategy, len(strategy.points), **run_kwargs)


def random_search(
    objective, space, n_trials, seed=None, batch_size=1, **run_kwargs
) -> SearchResult:
    """``n_trials`` uniform random points: ``run(objective, RandomSearch(...), n_trials)``.

    Examples
    --------
    >>> from search.space import Real
    >>> result = random_search(lambda p: abs(p["x"]), {"x": Real(-1.0, 1.0)}, 50, seed=0)
    >>> len(result.trials), result.best.value < 0.05
    (50, True)
    """
    strategy = RandomSearch(space, seed=seed, batch_size=batch_size)
    return run(objective, strategy, n_trials, **run_kwargs)


def bayes_search(
    objective, space, n_trials, seed=None, batch_size=1, **run_kwargs
) -> SearchResult:
    """Bayesian optimization: ``run(objective, BayesSearch(...), n_trials)``.

    A Gaussian process of the trials so far picks each next point by
    expected improvement (see :class:`search.bayes_search.BayesSearch`).
    """
    strategy = BayesSearch(space, seed=seed, batch_size=batch_size)
    return run(objective, strategy, n_trials, **run_kwargs)
