"""What a search leaves behind: its trials, and the result that holds them.

A :class:`Trial` is one evaluated set of hyperparameters with its status
(``"ok"``, ``"diverged"`` or ``"failed"``); a :class:`SearchResult` holds the
trials of a search in index order, finds the best, and writes them as strict
JSON (a non-finite number is ``null``) or CSV (any message, even one that is
not valid Unicode).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

Status = Literal["ok", "diverged", "failed"]
STATUSES: tuple[Status, ...] = get_args(Status)


def running_best(values: ArrayLike) -> NDArray[np.float64]:
    """The lowest finite value among the first ``i + 1`` values, for each ``i``.

    ::

        best_i = min(v_0, ..., v_i)    over the finite v_j (inf before the first)

    Parameters
    ----------
    values : array_like
        ``(n,)`` trial values in order; ``inf`` (diverged) and ``nan``
        (failed) never count as a best.

    Returns
    -------
    ndarray
        ``(n,)`` running minimum.

    Examples
    --------
    >>> running_best([np.nan, 3.0, np.inf, 1.0, 2.0])
    array([inf,  3.,  3.,  1.,  1.])
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    v = np.where(np.isfinite(v), v, np.inf)
    return np.minimum.accumulate(v) if v.size else v


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
    steps : int or None
        The budget it was trained to: the inner optimizer steps of its
        training run (``None`` if the objective does not say, as a plain
        function does not; see :meth:`search.TrainedLoss.evaluate`).
    gradient_steps : int or None
        The inner steps its evaluation spent: ``steps`` times the folds, less
        the steps of an earlier trial of the same configuration that its
        training continued from (multi-fidelity search); ``0`` if it failed
        before training; ``None`` if the objective does not say.
    """

    index: int
    params: dict[str, Any]
    value: float
    status: Status
    seconds: float
    message: str = ""
    round: int = 0
    steps: int | None = None
    gradient_steps: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """A strict-JSON dict: a non-finite ``value`` is ``None`` (the status says which)."""
        row = dataclasses.asdict(self)
        row["value"] = self.value if math.isfinite(self.value) else None
        return row

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> Trial:
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
            steps=_count(row.get("steps")),
            gradient_steps=_count(row.get("gradient_steps")),
        )


def _count(value: Any) -> int | None:
    """A stored step count: an int, or ``None`` (absent in files of older versions)."""
    return None if value is None else int(value)


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

    trials: list[Trial]
    test_score: float | None = None
    metadata: dict[str, Any] | None = None

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

    @property
    def gradient_steps(self) -> int | None:
        """The inner optimizer steps the search spent: the trials' sum.

        What strategies are compared at (equal compute, not equal trials):
        a multi-fidelity search spends few steps on most of its trials.
        ``None`` if no trial knows its count (a plain objective function).
        """
        counts = [t.gradient_steps for t in self.trials if t.gradient_steps is not None]
        return sum(counts) if counts else None

    def best_so_far(self) -> NDArray[np.float64]:
        """``(n,)``: the lowest ok value among trials ``0..i`` (``inf`` before the first ok)."""
        return running_best([t.value for t in self.trials])

    def to_json(self, path: str | os.PathLike[str] | None = None) -> str:
        """The result as a JSON document (strict: non-finite values are ``null``).

        Written to ``path`` too when given. Keys: ``trials`` (as
        :meth:`Trial.to_dict`), ``best`` (the best trial's index or ``null``),
        ``test_score`` (``null`` if none or not finite), ``n_failed``,
        ``n_diverged``, ``gradient_steps``.
        """
        score = self.test_score
        document = {
            "trials": [t.to_dict() for t in self.trials],
            "best": None if self.best is None else self.best.index,
            "test_score": score if score is not None and math.isfinite(score) else None,
            "n_failed": self.n_failed,
            "n_diverged": self.n_diverged,
            "gradient_steps": self.gradient_steps,
        }
        text = json.dumps(document, indent=1, allow_nan=False)
        if path is not None:
            Path(path).write_text(text + "\n", encoding="utf-8")
        return text

    def to_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """The trials as CSV, also written to ``path`` when given.

        Columns: ``index, round, status, value, seconds, message,
        trained_steps, gradient_steps`` (the trial's ``steps`` and
        ``gradient_steps``, empty when unknown), then one
        column per hyperparameter (in order of first appearance); ``value`` is
        written as Python prints it (``inf``, ``nan``).
        """
        names = list(dict.fromkeys(k for t in self.trials for k in t.params))
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(
            [
                *("index", "round", "status", "value", "seconds", "message"),
                *("trained_steps", "gradient_steps", *names),
            ]
        )
        for t in self.trials:
            row = [
                t.index,
                t.round,
                t.status,
                repr(t.value),
                repr(t.seconds),
                t.message,
                "" if t.steps is None else t.steps,
                "" if t.gradient_steps is None else t.gradient_steps,
            ]
            writer.writerow(row + [t.params.get(k, "") for k in names])
        text = buffer.getvalue()
        if path is not None:
            # a message may hold anything an exception said, lone surrogates too
            Path(path).write_text(
                text, encoding="utf-8", errors="backslashreplace", newline=""
            )
        return text
