"""Judging: each killer over the mutants, one :class:`Verdict` per mutant.

:func:`run_killer` judges the unmutated copy first (if it fails, that
killer's mutants are not judged), then every mutant, :data:`WORKERS` at a
time, each in a fresh copy and a new child (:func:`judge`), with a timeout
of ``max(MIN_TIMEOUT, TIMEOUT_FACTOR x the unmutated copy's time)``: a hang
counts as killed ("timeout").
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import time
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.mutation.killers import KILLERS
from benchmarks.mutation.sandbox import WRONG_COPY, fresh_copy

if TYPE_CHECKING:
    from benchmarks.mutation.mutator import Mutant
    from benchmarks.mutation.servers import Servers

WORKERS = 2
MIN_TIMEOUT = 30.0  # seconds a mutant may take, at least ...
TIMEOUT_FACTOR = 5.0  # ... or this many times the unmutated copy's time
BASELINE_TIMEOUT = 600.0


@dataclasses.dataclass(frozen=True)
class Verdict:
    """How one killer judged one mutant (or the unmutated copy)."""

    outcome: str  # "killed", "timeout" (counted as killed) or "survived"
    seconds: float
    detail: str = ""  # the failing test or property, the error, or the timeout

    @property
    def killed(self) -> bool:
        """Killed by a failure or by the timeout."""
        return self.outcome != "survived"

    def to_dict(self) -> dict:
        """Outcome, seconds and detail, for JSON."""
        return dataclasses.asdict(self)


def judge(
    killer: str,
    mutant: Mutant | None,
    base: Path,
    sources: dict[str, str],
    servers: Servers,
    timeout: float,
) -> Verdict:
    """Judge ``mutant`` (None: the unmutated copy) with ``killer``, in a fresh copy of ``base``.

    Raises ``RuntimeError`` if the child imported ``optim`` from outside the
    copy, or if pytest could not run at all (usage error, nothing collected).
    """
    script, args = KILLERS[killer][1](mutant)
    with fresh_copy(base, mutant, sources) as where:
        cpu = str(int(2 * timeout) + 10)  # CPU seconds: the child's own backstop
        start = time.perf_counter()
        status, out, err = servers.run(script, [cpu, *args], where, timeout)
        seconds = time.perf_counter() - start
    what = mutant.name if mutant else "the unmutated copy"
    if status == WRONG_COPY:
        raise RuntimeError(f"{killer}, {what}: {err.strip()}")
    if killer == "before" and status in (4, 5):
        raise RuntimeError(f"{killer}, {what}: pytest exit {status}: {out}{err}")
    if status is None:
        return Verdict("timeout", seconds, f"no verdict in {timeout:.0f} s")
    if status == 0:
        return Verdict("survived", seconds)
    return Verdict("killed", seconds, _detail(out, err))


def _detail(out: str, err: str) -> str:
    """The first failed test (pytest's summary line), else the last error line."""
    for line in out.splitlines():
        if line.startswith(("FAILED ", "ERROR ")):
            return line[:200]
    lines = [line for line in (err + out).splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


@dataclasses.dataclass
class Run:
    """One killer over the mutants: the unmutated copy's verdict, then each mutant's."""

    killer: str
    baseline: Verdict | None = None
    verdicts: dict[tuple, Verdict] | None = None  # mutant key -> verdict
    timeout: float | None = None
    seconds: float | None = None
    skipped: str = ""  # why the mutants were not judged


def run_killer(killer, mutants, base, sources, servers) -> Run:
    """Judge the unmutated copy, then (if it passes) every mutant, ``WORKERS`` at a time."""
    result = Run(killer)
    result.baseline = judge(killer, None, base, sources, servers, BASELINE_TIMEOUT)
    if result.baseline.killed:
        result.skipped = f"the unmutated copy fails: {result.baseline.detail}"
        return result
    result.timeout = max(MIN_TIMEOUT, TIMEOUT_FACTOR * result.baseline.seconds)
    start = time.perf_counter()
    pool = concurrent.futures.ThreadPoolExecutor(WORKERS)
    try:
        futures = {
            m.key: pool.submit(judge, killer, m, base, sources, servers, result.timeout)
            for m in mutants
        }
        result.verdicts = {key: f.result() for key, f in futures.items()}
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    result.seconds = time.perf_counter() - start
    return result
