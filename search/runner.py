"""The outer loop: ask a strategy for hyperparameters, evaluate them, tell it the values.

:func:`run` is the only evaluation loop of the project; :func:`grid_search`,
:func:`random_search` and :func:`bayes_search` build a strategy and call it.
A search goes in *rounds*, until ``n_trials`` trials have finished::

    proposals = strategy.ask(min(strategy.batch_size, n_trials - finished))
    stop if proposals == []                      # a grid is exhausted
    evaluate every proposal                      # executor, batch, or serially
    append each finished trial to storage        # flush + fsync: durable
    strategy.tell(params, value) for each trial, in proposal order

Evaluation, in order of preference:

* ``executor`` given: one ``executor.submit(_evaluate, objective, params)``
  per trial, on any :class:`concurrent.futures.Executor` (a
  ``ProcessPoolExecutor``, or a Dask cluster's ``Client.get_executor()``);
* the objective has ``batch``: ``objective.batch(proposals)``, one vectorized
  inner run for the whole round; if it raises, each trial of the round is
  evaluated alone, so one bad trial does not sink the others;
* otherwise ``objective(params)``, one trial after the other.

Each trial ends with a status: ``"ok"`` (a finite value), ``"diverged"`` (a
non-finite value, recorded as ``inf``) or ``"failed"`` (the objective raised;
value ``nan``, message ``"ExceptionType: text"``). ``seconds`` is its wall
time, measured where it ran (queueing on an executor not included); the
trials of a batch share the batch's time evenly.

Storage (``storage="trials.jsonl"``) is JSON Lines: a header line
``{"format": "hpo-trials", "version": 1, "space": space_spec(space),
"strategy": "RandomSearch", "batch_size": 1}``, then one line per finished
trial (``index, round, round_size, params, value, status, seconds, message``;
a non-finite ``value`` is ``null``, its status says which). Lines are written
as they finish, with ``flush`` and ``os.fsync``, before the strategy is told.
If the file exists, the search *resumes*: the stored rounds are replayed
(ask the round's size, check the proposals equal the stored ones, tell the
finished trials), the proposals of the last round that have no result (lost in
a crash) are evaluated first, and the search goes on until ``n_trials`` trials
have finished. Since a strategy's proposals depend only on its seed and the
sequence of ask and tell calls, the resumed search makes the same proposals
as an uninterrupted one. One process writes a storage file at a time.
"""

from __future__ import annotations

import concurrent.futures
import csv
import dataclasses
import io
import json
import math
import numbers
import os
import time
import warnings
from pathlib import Path

import numpy as np

from search.grid_search import GridSearch
from search.progress import Progress
from search.random_search import RandomSearch
from search.space import space_spec

FORMAT = "hpo-trials"
VERSION = 1
STATUSES = ("ok", "diverged", "failed")


@dataclasses.dataclass(frozen=True)
class Trial:
    """One evaluated set of hyperparameters.

    Attributes
    ----------
    index : int
        Position in the search, from 0, in proposal order.
    params : dict
        The hyperparameters: name -> plain Python value.
    value : float
        The objective's value; ``inf`` if diverged, ``nan`` if failed.
    status : str
        ``"ok"``, ``"diverged"`` or ``"failed"``.
    seconds : float
        Wall time of the evaluation (a batch's time shared evenly by its trials).
    message : str
        ``"ExceptionType: text"`` for a failed trial, what was returned for a
        diverged one, ``""`` otherwise.
    round : int
        The round (one ``ask``) that proposed it, from 0.
    """

    index: int
    params: dict
    value: float
    status: str
    seconds: float
    message: str = ""
    round: int = 0

    def to_dict(self) -> dict:
        """A strict-JSON dict: a non-finite ``value`` is ``None`` (the status says which)."""
        row = dataclasses.asdict(self)
        row["value"] = self.value if math.isfinite(self.value) else None
        return row

    @classmethod
    def from_dict(cls, row: dict) -> Trial:
        """Inverse of :meth:`to_dict` (extra keys, such as ``round_size``, ignored)."""
        status = row["status"]
        if status not in STATUSES:
            raise ValueError(f"Trial: status must be one of {STATUSES}, got {status!r}")
        value = {"ok": row["value"], "diverged": math.inf, "failed": math.nan}[status]
        return cls(
            index=int(row["index"]),
            params=dict(row["params"]),
            value=float(value),
            status=status,
            seconds=float(row["seconds"]),
            message=str(row["message"]),
            round=int(row["round"]),
        )


@dataclasses.dataclass(frozen=True)
class SearchResult:
    """What :func:`run` returns: the trials in index order, the best, the test score.

    Attributes
    ----------
    trials : list of Trial
        Every finished trial, in index order.
    test_score : float or None
        ``objective.test_score(best.params)`` when the objective has a test
        split and some trial is ok; ``None`` otherwise.
    metadata : dict or None
        The ``metadata`` the search was run with (or read back by
        :func:`load`); ``None`` for a result built by hand.
    """

    trials: list
    test_score: float | None = None
    metadata: dict | None = None

    @property
    def best(self) -> Trial | None:
        """The ok trial with the lowest value (the first of equals); ``None`` if none is ok."""
        ok = [t for t in self.trials if t.status == "ok"]
        return min(ok, key=lambda t: t.value) if ok else None

    @property
    def n_failed(self) -> int:
        """Number of trials whose objective raised."""
        return sum(t.status == "failed" for t in self.trials)

    @property
    def n_diverged(self) -> int:
        """Number of trials with a non-finite value."""
        return sum(t.status == "diverged" for t in self.trials)

    def best_so_far(self) -> np.ndarray:
        """``(n,)``: the lowest ok value among trials ``0..i`` (``inf`` before the first ok)."""
        values = np.array(
            [t.value if t.status == "ok" else math.inf for t in self.trials],
            dtype=float,
        )
        return np.minimum.accumulate(values) if values.size else values

    def to_json(self, path=None) -> str:
        """The result as a JSON document (strict: non-finite values are ``null``).

        Written to ``path`` too when given. Keys: ``trials`` (as
        :meth:`Trial.to_dict`), ``best`` (the best trial's index or ``null``),
        ``test_score``, ``n_failed``, ``n_diverged``.
        """
        document = {
            "trials": [t.to_dict() for t in self.trials],
            "best": None if self.best is None else self.best.index,
            "test_score": self.test_score,
            "n_failed": self.n_failed,
            "n_diverged": self.n_diverged,
        }
        text = json.dumps(document, indent=1, allow_nan=False)
        if path is not None:
            Path(path).write_text(text + "\n", encoding="utf-8")
        return text

    def to_csv(self, path=None) -> str:
        """The trials as CSV, also written to ``path`` when given.

        Columns: ``index, round, status, value, seconds, message``, then one
        column per hyperparameter (in order of first appearance); ``value`` is
        written as Python prints it (``inf``, ``nan``).
        """
        names = list(dict.fromkeys(k for t in self.trials for k in t.params))
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(
            ["index", "round", "status", "value", "seconds", "message", *names]
        )
        for t in self.trials:
            row = [
                t.index,
                t.round,
                t.status,
                repr(t.value),
                repr(t.seconds),
                t.message,
            ]
            writer.writerow(row + [t.params.get(k, "") for k in names])
        text = buffer.getvalue()
        if path is not None:
            Path(path).write_text(text, encoding="utf-8", newline="")
        return text


# ---------------------------------------------------------------- evaluation


def _classify(value: float) -> tuple[float, str, str]:
    """(value, status, message) of a returned number: non-finite means diverged."""
    if math.isfinite(value):
        return value, "ok", ""
    return math.inf, "diverged", f"objective returned {value!r}"


def _failure(error: Exception) -> tuple[float, str, str]:
    return math.nan, "failed", f"{type(error).__name__}: {error}"


def _evaluate(objective, params: dict) -> tuple[float, str, str, float]:
    """Evaluate one trial: ``(value, status, message, seconds)``; never raises.

    A module-level function, so a process pool or a Dask cluster can pickle it.
    """
    start = time.perf_counter()
    try:
        outcome = _classify(float(objective(params)))
    except Exception as error:  # any error of the objective is the trial's result
        outcome = _failure(error)
    return (*outcome, time.perf_counter() - start)


def _evaluate_batch(objective, proposals: list) -> list:
    """Outcomes of one ``objective.batch`` call; each trial alone if it raises."""
    start = time.perf_counter()
    try:
        values = np.asarray(objective.batch(proposals), dtype=float)
        if values.shape != (len(proposals),):
            raise ValueError(f"batch returned shape {values.shape}")
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
    """
    if executor is not None:
        futures = {
            executor.submit(_evaluate, objective, p): i for i, p in proposals.items()
        }
        try:
            for future in concurrent.futures.as_completed(futures):
                yield futures[future], future.result()
        finally:
            for future in futures:
                future.cancel()
    elif callable(getattr(objective, "batch", None)):
        outcomes = _evaluate_batch(objective, list(proposals.values()))
        yield from zip(proposals, outcomes, strict=True)
    else:
        for i, params in proposals.items():
            yield i, _evaluate(objective, params)


# ------------------------------------------------------------------- storage


def _space_spec(space) -> dict:
    # Through JSON and back, so it compares equal to what a file holds.
    return json.loads(json.dumps(space_spec(space)))


def _header(strategy, metadata: dict) -> dict:
    return {
        "format": FORMAT,
        "version": VERSION,
        "space": _space_spec(strategy.space),
        "strategy": type(strategy).__name__,
        "batch_size": _batch_size(strategy),
        "metadata": metadata,
    }


def _json_line(row: dict) -> bytes:
    """One line of the file: strict JSON (no NaN or inf) and a newline."""
    return json.dumps(row, allow_nan=False).encode() + b"\n"


# Every header this project writes begins with these bytes.
HEADER_START = _json_line({"format": FORMAT, "version": VERSION})[:-2] + b", "


def _check_regular(path: Path) -> None:
    """A storage path that exists must be a regular file (not a FIFO, a device)."""
    if path.exists() and not path.is_file():
        raise ValueError(
            f"{path} is not a regular file; a trials log must be an ordinary file"
        )


def _read_log(path: Path, first_line: bytes) -> tuple[dict | None, list, int]:
    """Parse a storage file: ``(header, trial rows, bytes of complete lines)``.

    A file is this project's only if it begins with a header line. One
    without any complete line is accepted only if its bytes agree with
    ``first_line`` (the header line this search would write, or the start
    every header has) as far as both go: a header that a crash cut short.
    The header is then ``None`` and the length 0. Anything else is refused,
    and left as it was.
    The last line is cut (a crash while writing it) if it lacks its newline or
    is not JSON: it is skipped with a warning, and the length returned stops
    before it, so the caller can truncate the file there before appending.
    """
    lines = path.read_bytes().split(b"\n")
    complete, tail = lines[:-1], lines[-1]  # tail: b"", or a line cut before its "\n"
    if not complete:
        common = min(len(tail), len(first_line))
        if tail[:common] != first_line[:common]:
            raise ValueError(
                f"{path} is not a trials file of this project (it does not begin "
                f"with a {FORMAT!r} header); it was left as it was: choose another file"
            )
        if tail:
            _warn_cut(path, 1)
        return None, [], 0
    rows, length = [], 0
    for number, line in enumerate(complete, start=1):
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError(f"{type(row).__name__} instead of an object")
        except ValueError as error:  # also JSONDecodeError, UnicodeDecodeError
            if number == 1:
                raise ValueError(
                    f"{path} is not a trials file of this project (its first line "
                    f"is not JSON: {error}); it was left as it was: choose another file"
                ) from None
            if number < len(complete) or tail:
                raise ValueError(
                    f"{path}: line {number} is not a JSON object ({error}); "
                    "the file was left as it was"
                ) from None
            tail = line  # the last line is garbage: cut by a crash as well
            break
        rows.append(row)
        length += len(line) + 1
    if tail:
        _warn_cut(path, len(rows) + 1)
    header = rows.pop(0)
    return header, rows, length


def _warn_cut(path: Path, line: int) -> None:
    warnings.warn(
        f"{path}: line {line} is incomplete (a crash while writing it?); "
        "it is skipped and will be overwritten",
        stacklevel=5,
    )


def _check_header(path: Path, header: dict, strategy, metadata: dict) -> None:
    """The file's header must be this search's: format, space, strategy, metadata."""
    if header.get("format") != FORMAT or header.get("version") != VERSION:
        raise ValueError(
            f"{path} is not a trials file of this project (format {FORMAT!r} "
            f"version {VERSION}; its first line is {json.dumps(header)[:200]}); "
            "it was left as it was: choose another file"
        )
    stored, current = header.get("space"), _space_spec(strategy.space)
    if stored != current:
        raise ValueError(
            f"{path} was written for another search space ({_diff(stored, current)})"
        )
    if header.get("strategy") != type(strategy).__name__:
        raise ValueError(
            f"{path} was written by {header.get('strategy')}, "
            f"not by {type(strategy).__name__}"
        )
    stored = header.get("metadata", {})  # files of version 1 before metadata: {}
    if stored != metadata:
        raise ValueError(
            f"{path} was written for another search: other metadata "
            f"({_diff(stored, metadata)})"
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


def _stored_rounds(path: Path, rows: list) -> list:
    """Group the trial rows by round: a list of ``(size, {index: Trial})``, checked."""
    rounds = {}
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        try:
            trial, size = Trial.from_dict(row), int(row["round_size"])
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(
                f"{path}: line {number} is not a trial: {error!r}"
            ) from None
        size, trials = rounds.setdefault(trial.round, (size, {}))
        if trial.index in trials or size != row["round_size"]:
            raise ValueError(
                f"{path}: trial {trial.index} is stored twice or inconsistently"
            )
        trials[trial.index] = trial
    if sorted(rounds) != list(range(len(rounds))):
        raise ValueError(f"{path}: rounds {sorted(rounds)} are not 0, 1, 2, ...")
    result, start = [], 0
    for r in range(len(rounds)):
        size, trials = rounds[r]
        if any(not start <= i < start + size for i in trials):
            raise ValueError(
                f"{path}: round {r} holds an index outside {start}..{start + size - 1}"
            )
        if r < len(rounds) - 1 and len(trials) != size:
            raise ValueError(f"{path}: round {r} is incomplete but is not the last one")
        result.append((size, trials))
        start += size
    return result


def _check_replay(
    path: Path, r: int, proposals: list, size: int, first: int, done: dict
):
    """The replayed proposals of round ``r`` must be the stored ones."""
    if len(proposals) != size:
        raise ValueError(
            f"{path}: replaying round {r}, the strategy proposed {len(proposals)} "
            f"points instead of {size}; was it built with other settings?"
        )
    for i, params in enumerate(proposals, start=first):
        if i in done and done[i].params != params:
            raise ValueError(
                f"{path}: replaying trial {i}, the strategy proposed {params} instead "
                f"of the stored {done[i].params}: a different seed or settings?"
            )


class _Log:
    """Append-only trial log: one JSON line per trial, flushed and fsynced."""

    def __init__(self, path: Path, length: int, header: dict | None):
        self.path = path
        new = not path.exists()
        self.file = open(path, "w+b" if new else "r+b")  # noqa: SIM115
        self.file.truncate(length)  # drop a line cut by a crash
        self.file.seek(length)
        if header is not None:
            self.write(header)
        if new and hasattr(os, "O_DIRECTORY"):
            # A new file survives a power cut only once its directory entry
            # is on disk too (POSIX; elsewhere the write's fsync is all we do).
            directory = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)

    def write(self, row: dict) -> None:
        self.file.write(_json_line(row))
        self.file.flush()
        os.fsync(self.file.fileno())

    def close(self) -> None:
        self.file.close()


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
    if storage is not None and not isinstance(storage, (str, os.PathLike)):
        raise TypeError(f"run: storage must be a path or None, got {storage!r}")
    if storage is not None and not isinstance(getattr(strategy, "space", None), dict):
        raise TypeError(
            f"run: with storage, strategy needs a space dict, got {strategy!r}"
        )
    if not isinstance(progress, bool):
        raise TypeError(f"run: progress must be True or False, got {progress!r}")
    _batch_size(strategy)


def _resume(path: Path, strategy, trials: dict, metadata: dict):
    """Open the storage file, replaying what it holds into ``strategy`` and ``trials``.

    Returns ``(log, pending, rounds, trials proposed)``: the open log; the
    last round ``(r, first index, proposals)`` if some of its trials have no
    result (else ``None``); the number of stored rounds and of their trials
    (the next round and the next index). Nothing is written before the whole
    file was read and replayed, so a file of another search, or one this
    project did not write, is left as it was.
    """
    _check_regular(path)
    new_header = _header(strategy, metadata)
    header, rows, length = (
        _read_log(path, _json_line(new_header)) if path.exists() else (None, [], 0)
    )
    if header is None:  # a new file (or only a header cut by a crash)
        return _Log(path, 0, new_header), None, 0, 0
    _check_header(path, header, strategy, metadata)
    rounds, pending, first = _stored_rounds(path, rows), None, 0
    for r, (size, done) in enumerate(rounds):
        proposals = strategy.ask(size)
        _check_replay(path, r, proposals, size, first, done)
        trials.update(done)
        if len(done) < size:  # only the last round can be incomplete
            pending = (r, first, proposals)
        else:
            for i, params in enumerate(proposals, start=first):
                strategy.tell(params, done[i].value)
        first += size
    return _Log(path, length, None), pending, len(rounds), first


def _play_round(objective, strategy, r, first, proposals, trials, executor, log, bar):
    """Evaluate the round's trials that have no result, record them, tell them all."""
    todo = {i: p for i, p in enumerate(proposals, start=first) if i not in trials}
    for i, (value, status, message, seconds) in _outcomes(objective, todo, executor):
        trial = Trial(i, todo[i], value, status, seconds, message, r)
        if log is not None:
            log.write({**trial.to_dict(), "round_size": len(proposals)})
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
        evaluate every proposal, append each finished trial to storage
        strategy.tell(params, value) for each trial, in proposal order

    Parameters
    ----------
    objective : callable
        ``objective(params) -> float``; optionally ``objective.batch(list of
        params) -> (n,)`` and ``objective.test_score(params) -> float``.
    strategy : Strategy
        Has ``ask(n) -> list of dict``, ``tell(params, value)`` and
        ``batch_size`` (1 if absent). With ``storage`` it must be freshly
        built: never asked nor told.
    n_trials : int
        Trials to finish (fewer if a grid runs out of points).
    executor : concurrent.futures.Executor, optional
        Evaluates the trials of a round in parallel: a ``ProcessPoolExecutor``,
        or ``distributed.Client(...).get_executor()`` for a Dask cluster.
    storage : str or path-like, optional
        A JSON Lines file: every finished trial is appended durably, and an
        existing file is resumed.
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
        The trials in index order, the best, and the best's test score.

    Raises
    ------
    ValueError
        If the storage file was written for another space, strategy or
        metadata, or its replay proposes other points (another seed or
        settings), or it is not a trials file at all (it is never written
        over), or not a regular file. Raised before anything is written.

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
        log, pending, r, first = _resume(Path(storage), strategy, trials, metadata)
    bar = None
    if progress:
        best = SearchResult(list(trials.values())).best
        bar = Progress(n_trials, len(trials), math.inf if best is None else best.value)
    try:
        if pending is not None and len(trials) < n_trials:
            _play_round(objective, strategy, *pending, trials, executor, log, bar)
        while len(trials) < n_trials:
            n = min(_batch_size(strategy), n_trials - len(trials))
            proposals = strategy.ask(n)
            if not proposals:
                break
            _play_round(
                objective, strategy, r, first, proposals, trials, executor, log, bar
            )
            r, first = r + 1, first + len(proposals)
    finally:
        if log is not None:
            log.close()
        if bar is not None:
            bar.close()
    result = SearchResult([trials[i] for i in sorted(trials)], metadata=metadata)
    return dataclasses.replace(result, test_score=_test_score(objective, result.best))


def load(path) -> SearchResult:
    """Read a storage file written by :func:`run`, without running anything.

    The file is only read (it may be read-only, or another search's); its
    trials come back in index order with the header's ``metadata``. A file
    that a crash cut inside its header holds no trial yet.

    Raises
    ------
    ValueError
        If ``path`` does not exist, is not a regular file, or is not a trials
        file of this project.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from search.random_search import RandomSearch
    >>> from search.space import Real
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "trials.jsonl"
    >>> strategy = RandomSearch({"x": Real(-2.0, 2.0)}, seed=0)
    >>> done = run(lambda p: p["x"] ** 2, strategy, 5, storage=path, metadata={"a": 1})
    >>> stored = load(path)
    >>> stored.trials == done.trials, stored.metadata
    (True, {'a': 1})
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"load: path must be a path, got {path!r}")
    path = Path(path)
    if not path.exists():
        raise ValueError(f"load: {path} does not exist")
    _check_regular(path)
    header, rows, _ = _read_log(path, HEADER_START)
    if header is None:
        return SearchResult([], metadata={})
    if header.get("format") != FORMAT or header.get("version") != VERSION:
        raise ValueError(f"load: {path} is not a trials file of format {FORMAT!r}")
    trials = {i: t for _, done in _stored_rounds(path, rows) for i, t in done.items()}
    return SearchResult(
        [trials[i] for i in sorted(trials)], metadata=header.get("metadata", {})
    )


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
    (as :class:`~search.objective.TrainedLoss` does).
    """
    if best is None or not callable(getattr(objective, "test_score", None)):
        return None
    if getattr(objective, "test", True) is None:
        return None
    return float(objective.test_score(best.params))


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
    from search.bayes_search import BayesSearch  # SciPy, imported when used

    strategy = BayesSearch(space, seed=seed, batch_size=batch_size)
    return run(objective, strategy, n_trials, **run_kwargs)
