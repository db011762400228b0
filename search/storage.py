"""The trials log: a search written down as it runs, so a crash loses nothing.

A storage file is JSON Lines (format ``"hpo-trials"``, version 2)::

    {"format": "hpo-trials", "version": 2, "space": ..., "strategy": "BayesSearch",
     "batch_size": 1, "metadata": {...}, "initial_state": {...}}     the header
    {"round": 0, "proposals": [{...}, ...], "state": {...}}       a round, asked
    {"index": 0, "round": 0, "params": {...}, "value": 1.5,
     "status": "ok", "seconds": 0.01, "message": ""}               a trial, done
    ...

Each line is written whole, then flushed and fsynced: the header when the
file is made; a *round line* with the round's proposals and the strategy's
``state_dict()`` just after asking them (``null`` for a strategy without
one), before any of them is evaluated; a *trial line* as each one finishes.
A non-finite ``value`` is ``null`` (its status says which). A crash can only
cut the last line short; it is skipped (with a warning) and overwritten.

Only files that begin with such a header are ever written to: any other file
(a note, a config, a binary) is refused and left byte for byte, and so is a
path that is not a regular file. While a search writes a file it holds an
exclusive ``flock`` on it, so a second writer is refused at once; reading
takes a shared lock, so a file being written is not read half-way.

Version 1 files (no round lines, no initial state; each trial line has a
``round_size``) are read as well: :func:`load` returns their trials, and a
search resumes them by replaying the strategy's proposals.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from search.log_file import Log, check_regular, json_line, locked
from search.results import SearchResult, Trial
from search.space import space_spec

if TYPE_CHECKING:
    from search.strategy import Strategy

__all__ = ["Log", "Stored", "header", "json_line", "load", "read", "warn_cut"]

FORMAT = "hpo-trials"
VERSION = 2
VERSIONS = (1, 2)  # read; only VERSION is written


# Every header this project writes begins with these bytes.
HEADER_START = json_line({"format": FORMAT, "version": VERSION})[:-2] + b", "


def header(
    strategy: Strategy,
    batch_size: int,
    metadata: dict[str, Any],
    initial_state: dict[str, Any] | None,
) -> dict[str, Any]:
    """The first line of a new file for ``strategy``."""
    return {
        "format": FORMAT,
        "version": VERSION,
        # through JSON and back, so it compares equal to what a file holds
        "space": json.loads(json.dumps(space_spec(strategy.space))),
        "strategy": type(strategy).__name__,
        "batch_size": batch_size,
        "metadata": metadata,
        "initial_state": initial_state,
    }


class Round(NamedTuple):
    """A stored round: its first index, size, proposals, state and finished trials.

    ``proposals`` and ``state`` are ``None`` in a version 1 file (and
    ``state`` for a strategy without ``state_dict``); ``done`` maps index to
    :class:`~search.results.Trial`.
    """

    first: int
    size: int
    proposals: list[dict[str, Any]] | None
    state: dict[str, Any] | None
    done: dict[int, Trial]

    @property
    def complete(self) -> bool:
        """Every trial of the round has a result."""
        return len(self.done) == self.size


class Stored(NamedTuple):
    """A storage file as read: its bytes, its header and its rounds.

    ``length`` is the number of bytes of complete lines: a last line cut by
    a crash starts there and is overwritten by the next write.
    """

    data: bytes
    header: dict[str, Any] | None
    rounds: list[Round]
    length: int

    @property
    def trials(self) -> dict[int, Trial]:
        """Every finished trial: index -> Trial."""
        return {i: t for r in self.rounds for i, t in r.done.items()}


# ------------------------------------------------------------------- reading


def read(path: Path, first_line: bytes = HEADER_START) -> Stored:
    """Read and check a storage file (``Stored([], None, [], 0)`` if it is missing).

    ``first_line`` is the header line a new search would write (or the start
    every header has): a file without a complete line must agree with it as
    far as both go, the only thing a crash while writing the header leaves.

    Raises
    ------
    ValueError
        If the file is not a regular file, is being written by another
        process, is not a trials file of this project, or is inconsistent.
    """
    check_regular(path)
    if not path.exists():
        return Stored(b"", None, [], 0)
    with open(path, "rb") as file, locked(file, path, shared=True):
        data = file.read()
    head, rows, length = _parse(path, data, first_line)
    if head is not None and (
        head.get("format") != FORMAT or head.get("version") not in VERSIONS
    ):
        raise ValueError(
            f"{path} is not a trials file of this project (format {FORMAT!r} "
            f"version {VERSION}; its first line is {json.dumps(head)[:200]}); "
            "it was left as it was: choose another file"
        )
    return Stored(data, head, _rounds(path, rows), length)


def load(path: str | os.PathLike[str]) -> SearchResult:
    """Read a storage file written by :func:`search.run`, without running anything.

    The file is only read (it may be read-only, or another search's); its
    trials come back in index order with the header's ``metadata``. A file
    that a crash cut inside its header holds no trial yet.

    Raises
    ------
    ValueError
        If ``path`` does not exist, is not a regular file, is being written,
        or is not a trials file of this project.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from search import RandomSearch, Real, run
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "trials.jsonl"
    >>> strategy = RandomSearch({"x": Real(-2.0, 2.0)}, seed=0)
    >>> done = run(lambda p: p["x"] ** 2, strategy, 5, storage=path, metadata={"a": 1})
    >>> stored = load(path)
    >>> stored.trials == done.trials, stored.metadata
    (True, {'a': 1})
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"load: path must be a path, got {path!r}")
    path = Path(path)
    if not path.exists():
        raise ValueError(f"load: {path} does not exist")
    stored = read(path)
    warn_cut(path, stored, overwritten=False)
    trials = stored.trials
    metadata = {} if stored.header is None else stored.header.get("metadata", {})
    return SearchResult([trials[i] for i in sorted(trials)], metadata=metadata)


def _parse(
    path: Path, data: bytes, first_line: bytes
) -> tuple[dict[str, Any] | None, list[dict[str, Any]], int]:
    """``(header, rows, length)`` of a file's bytes; refuse what is not ours."""
    lines = data.split(b"\n")
    complete, tail = lines[:-1], lines[-1]  # tail: b"", or a line cut before "\n"
    if not complete:
        common = min(len(tail), len(first_line))
        if tail[:common] != first_line[:common]:
            raise ValueError(
                f"{path} is not a trials file of this project (it does not begin "
                f"with a {FORMAT!r} header); it was left as it was: choose another file"
            )
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
    return rows[0], rows[1:], length


def warn_cut(path: Path, stored: Stored, overwritten: bool) -> None:
    """Warn if a crash cut the last line: it is skipped (and, if so, overwritten).

    Called once the caller knows whether it will write, so that a file it
    refuses or only reads is not said to be overwritten.
    """
    if stored.length < len(stored.data):
        line = stored.data.count(b"\n", 0, stored.length) + 1
        then = " and will be overwritten" if overwritten else ""
        warnings.warn(
            f"{path}: line {line} is incomplete (a crash while writing it?); "
            f"it is skipped{then}",
            stacklevel=4,
        )


def _rounds(path: Path, rows: list[dict[str, Any]]) -> list[Round]:
    """Group the lines after the header into :class:`Round` s, in order, checked."""
    # round -> (proposals, state) / size / trials
    asked: dict[int, tuple[list[dict[str, Any]], dict[str, Any] | None]] = {}
    sizes: dict[int, int] = {}
    done: dict[int, dict[int, Trial]] = {}
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        try:
            if "proposals" in row:  # a round line (version 2)
                r = int(row["round"])
                if r in asked:
                    raise ValueError(f"round {r} is stored twice")
                asked[r] = (list(row["proposals"]), row.get("state"))
                continue
            trial = Trial.from_dict(row)
            if "round_size" in row:  # version 1: each trial says its round's size
                size = int(row["round_size"])
                if sizes.setdefault(trial.round, size) != size:
                    raise ValueError(f"round {trial.round} has two sizes")
            trials = done.setdefault(trial.round, {})
            if trial.index in trials:
                raise ValueError(f"trial {trial.index} is stored twice")
            trials[trial.index] = trial
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{path}: line {number}: {error}") from None
    return _checked_rounds(path, asked, sizes, done)


def _checked_rounds(
    path: Path,
    asked: dict[int, tuple[list[dict[str, Any]], dict[str, Any] | None]],
    sizes: dict[int, int],
    done: dict[int, dict[int, Trial]],
) -> list[Round]:
    """Rounds numbered 0, 1, ...; each trial inside its round; only the last incomplete."""
    numbers = sorted(set(asked) | set(sizes) | set(done))
    if numbers != list(range(len(numbers))):
        raise ValueError(f"{path}: rounds {numbers} are not 0, 1, 2, ...")
    rounds, first = [], 0
    for r in numbers:
        proposals, state = asked.get(r, (None, None))
        if proposals is None and r not in sizes:
            raise ValueError(f"{path}: round {r} has trials but no round line")
        size = sizes[r] if proposals is None else len(proposals)
        trials = done.get(r, {})
        if any(not first <= i < first + size for i in trials):
            raise ValueError(
                f"{path}: round {r} holds an index outside {first}..{first + size - 1}"
            )
        if proposals is not None and any(
            t.params != proposals[i - first] for i, t in trials.items()
        ):
            raise ValueError(f"{path}: a trial of round {r} is not its proposal")
        rounds.append(Round(first, size, proposals, state, trials))
        first += size
    if any(not r.complete for r in rounds[:-1]):
        raise ValueError(f"{path}: a round is incomplete but is not the last one")
    return rounds
