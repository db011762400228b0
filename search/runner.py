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

Each trial ends with a status, ``"ok"``, ``"diverged"`` or ``"failed"``
(see :mod:`search.evaluation`). The objective gets a copy of each proposal:
what is stored and told is the proposal, whatever the objective does to its
copy.

Storage (``storage="trials.jsonl"``, see :mod:`search.storage`) writes the
search down as it runs; if the file exists, the search *resumes*
(:mod:`search.resume`): the stored results are replayed into the strategy,
the proposals of the last round that have no result (lost in a crash) are
evaluated first, and the resumed search makes the proposals that an
uninterrupted one would have made.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from search import _checks
from search.bayes_search import BayesSearch
from search.evaluation import Objective, failure, outcomes
from search.grid_search import GridSearch
from search.progress import Progress
from search.random_search import RandomSearch
from search.results import SearchResult, Trial
from search.resume import Pending, batch_size, resume, state
from search.storage import load
from search.successive_halving import Hyperband
from search.tpe_search import TPESearch

if TYPE_CHECKING:
    import concurrent.futures

    import numpy as np

    from search.log_file import Log
    from search.space import Dimension
    from search.strategy import Strategy

__all__ = ["SearchResult", "Trial", "load", "run"]


# ---------------------------------------------------------------- the loop


def _check_metadata(metadata: object) -> dict[str, Any]:
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


def _check_args(
    objective: Objective,
    strategy: Strategy,
    n_trials: int,
    *,
    executor: concurrent.futures.Executor | None,
    storage: str | os.PathLike[str] | None,
    progress: bool,
) -> None:
    if not callable(objective):
        raise TypeError(f"run: objective must be callable, got {objective!r}")
    for method in ("ask", "tell"):
        if not callable(getattr(strategy, method, None)):
            raise TypeError(
                f"run: strategy must have an {method} method, got {strategy!r}"
            )
    _checks.integer("run", "n_trials", n_trials, low=1)
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise TypeError(f"run: executor must have a submit method, got {executor!r}")
    if storage is not None and not isinstance(storage, str | os.PathLike):
        raise TypeError(f"run: storage must be a path or None, got {storage!r}")
    if storage is not None and not isinstance(getattr(strategy, "space", None), dict):
        raise TypeError(
            f"run: with storage, strategy needs a space dict, got {strategy!r}"
        )
    _checks.flag("run", "progress", progress)
    batch_size(strategy)


@dataclasses.dataclass
class _Search:
    """What every round of one :func:`run` shares."""

    objective: Objective
    strategy: Strategy
    executor: concurrent.futures.Executor | None
    log: Log | None
    bar: Progress | None
    trials: dict[int, Trial] = dataclasses.field(default_factory=dict)  # by index


def _play_round(search: _Search, pending: Pending) -> None:
    """Evaluate the round's trials that have no result, record them, tell them all.

    ``pending`` is ``(r, first index, proposals)``; the objective gets copies.
    """
    r, first, proposals = pending
    trials = search.trials
    todo = {i: p for i, p in enumerate(proposals, start=first) if i not in trials}
    copies = {i: dict(p) for i, p in todo.items()}
    for i, outcome in outcomes(search.objective, copies, search.executor):
        value, status, message, seconds, steps, spent = outcome
        trial = Trial(i, todo[i], value, status, seconds, message, r, steps, spent)
        if search.log is not None:
            search.log.write(trial.to_dict())
        trials[i] = trial
        if search.bar is not None:
            search.bar.update(value if status == "ok" else math.inf)
    for i, params in enumerate(proposals, start=first):
        search.strategy.tell(params, trials[i].value)


def run(
    objective: Objective,
    strategy: Strategy,
    n_trials: int,
    *,
    executor: concurrent.futures.Executor | None = None,
    storage: str | os.PathLike[str] | None = None,
    progress: bool = False,
    metadata: dict[str, Any] | None = None,
) -> SearchResult:
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
        params) -> (n,)``, and ``objective.test_score(params) -> float`` with
        ``objective.has_test`` (false: no test data, no score).
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
    _check_args(
        objective,
        strategy,
        n_trials,
        executor=executor,
        storage=storage,
        progress=progress,
    )
    metadata = _check_metadata(metadata)
    search = _Search(objective, strategy, executor, log=None, bar=None)
    pending, r, first = None, 0, 0  # the next round and the next trial index
    if storage is not None:
        _check_fresh(strategy)
        search.log, pending, r, first = resume(
            Path(storage), strategy, search.trials, metadata, n_trials
        )
    if progress:
        best = SearchResult(list(search.trials.values())).best
        best_value = math.inf if best is None else best.value
        search.bar = Progress(n_trials, len(search.trials), best_value)
    try:
        if pending is not None and len(search.trials) < n_trials:
            _play_round(search, pending)
        _play_rounds(search, n_trials, r, first)
    finally:
        if search.log is not None:
            search.log.close()
        if search.bar is not None:
            search.bar.close()
    trials = search.trials
    result = SearchResult([trials[i] for i in sorted(trials)], metadata=metadata)
    return dataclasses.replace(result, test_score=_test_score(objective, result.best))


def _play_rounds(search: _Search, n_trials: int, r: int, first: int) -> None:
    """Ask, store, evaluate and tell round ``r`` on, until ``n_trials`` have finished."""
    strategy, trials = search.strategy, search.trials
    while len(trials) < n_trials:
        proposals = strategy.ask(min(batch_size(strategy), n_trials - len(trials)))
        if not proposals:
            break  # a grid is exhausted
        if search.log is not None:
            row = {"round": r, "proposals": proposals, "state": state(strategy)}
            search.log.write(row)
        _play_round(search, (r, first, proposals))
        r, first = r + 1, first + len(proposals)


def _check_fresh(strategy: Strategy) -> None:
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


def _test_score(objective: Any, best: Trial | None) -> float | None:
    """The test score of the best hyperparameters, if the objective has a test split.

    An objective with ``test_score`` says whether it holds test data with
    ``objective.has_test`` (as :class:`~search.objective.TrainedLoss` does;
    assumed true if absent). If computing the score raises, the search's
    trials are kept: the score is ``None``, with a warning.
    """
    if best is None or not callable(getattr(objective, "test_score", None)):
        return None
    if not getattr(objective, "has_test", True):
        return None
    try:
        return float(objective.test_score(dict(best.params)))
    except Exception as error:  # the trials must survive a failing test score
        warnings.warn(
            f"run: the test score of the best trial could not be computed "
            f"({failure(error)[2]}); test_score is None, the trials are kept",
            stacklevel=3,
        )
        return None


# ---------------------------------------------------------------- shortcuts


def grid_search(
    objective: Objective,
    space: dict[str, Dimension],
    points: int | dict[str, int] = 10,
    **run_kwargs: Any,
) -> SearchResult:
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
    objective: Objective,
    space: dict[str, Dimension],
    n_trials: int,
    seed: int | np.random.Generator | None = None,
    batch_size: int = 1,
    **run_kwargs: Any,
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
    objective: Objective,
    space: dict[str, Dimension],
    n_trials: int,
    seed: int | np.random.Generator | None = None,
    batch_size: int = 1,
    **run_kwargs: Any,
) -> SearchResult:
    """Bayesian optimization: ``run(objective, BayesSearch(...), n_trials)``.

    A Gaussian process of the trials so far picks each next point by
    expected improvement (see :class:`search.bayes_search.BayesSearch`).
    """
    strategy = BayesSearch(space, seed=seed, batch_size=batch_size)
    return run(objective, strategy, n_trials, **run_kwargs)


def tpe_search(
    objective: Objective,
    space: dict[str, Dimension],
    n_trials: int,
    seed: int | np.random.Generator | None = 0,
    batch_size: int = 1,
    **run_kwargs: Any,
) -> SearchResult:
    """Tree-structured Parzen estimator search: ``run(objective, TPESearch(...), n_trials)``.

    Random start-up trials, then each proposal maximizes the ratio of the
    good trials' density to the bad ones' (see
    :class:`search.tpe_search.TPESearch`, with its defaults).

    Examples
    --------
    >>> from search.space import Real
    >>> result = tpe_search(lambda p: (p["x"] - 1) ** 2, {"x": Real(-2.0, 2.0)}, 30)
    >>> len(result.trials), result.best.value < 0.01
    (30, True)
    """
    strategy = TPESearch(space, seed=seed, batch_size=batch_size)
    return run(objective, strategy, n_trials, **run_kwargs)


def hyperband_search(
    objective: Objective,
    space: dict[str, Dimension],
    max_steps: int,
    *,
    min_steps: int | None = None,
    eta: int = 3,
    seed: int | np.random.Generator | None = 0,
    sampler: Strategy | None = None,
    **run_kwargs: Any,
) -> SearchResult:
    """One Hyperband iteration: ``run(objective, Hyperband(...), strategy.n_trials)``.

    Every bracket of :class:`search.successive_halving.Hyperband`, with
    budgets of ``min_steps`` (default ``max_steps // eta**3``) to
    ``max_steps`` inner steps, which each proposal sets as its ``steps``:
    ``objective`` must take a ``steps`` hyperparameter, as
    :class:`search.TrainedLoss` does (and continues a configuration's
    training when it is promoted). ``sampler`` proposes the new
    configurations (random by default; a ``TPESearch`` or ``BayesSearch``
    over ``space`` for the BOHB-style variant).

    Examples
    --------
    >>> from optim import Adam
    >>> from search import Real, TrainedLoss
    >>> from surfaces import Rosenbrock
    >>> objective = TrainedLoss(Adam, Rosenbrock())
    >>> result = hyperband_search(objective, {"lr": Real(1e-4, 1.0, log=True)}, 81)
    >>> len(result.trials), result.gradient_steps, result.best.steps
    (69, 1071, 81)

    69 trials, 1,071 steps: what 13 trials of random search at 81 steps cost.
    """
    strategy = Hyperband(
        space, seed, min_steps=min_steps, max_steps=max_steps, eta=eta, sampler=sampler
    )
    return run(objective, strategy, strategy.n_trials, **run_kwargs)
