"""Tests of search/pool.py and of Ctrl-C in the runner, with real processes and signals.

Oracles: the serial run (a pool must give its trials), the process table in
``/proc`` (which processes still run after their parent was killed,
interrupted or stopped: read here, not asked of the code under test), exit
statuses, and the storage file read back line by line. Workers run calls of
600 s where the point is that nobody waits for them; every process a test
starts is killed in its ``finally``.
"""

import concurrent.futures
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from search.evaluation import outcomes as _outcomes
from search.pool import worker_pool
from search.runner import run
from tests._search_helpers import Adaptive, flaky, key
from tests.test_search_cli_search import hpo_command, trial_lines, trial_lines_or_none

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
# Generous bounds for a busy two-core machine; a worker left behind lives 600 s.
GONE_WITHIN = 15
EXIT_WITHIN = 60

needs_proc = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads the process table in /proc"
)
needs_two_cpus = pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="hpo search --workers 2 needs two CPUs this process may use",
)


# ------------------------------------------------------------ the process table


def stat(pid):
    """``(state, ppid, start time)`` of process ``pid`` from /proc, or None if gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # after "pid (command) "
    return fields[0], int(fields[1]), int(fields[19])


def children(pid):
    """The children of ``pid``: ``(pid, start time)`` pairs, so a reused pid is told apart."""
    found = []
    for entry in os.listdir("/proc"):
        info = stat(entry) if entry.isdigit() else None
        if info is not None and info[1] == pid:
            found.append((int(entry), info[2]))
    return found


def running(proc):
    """Whether the process ``(pid, start time)`` still runs (a zombie has ended)."""
    info = stat(proc[0])
    return info is not None and info[2] == proc[1] and info[0] != "Z"


def all_gone(procs, timeout=GONE_WITHIN):
    """Wait until none of ``procs`` runs: True, or False after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while any(running(p) for p in procs):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def kill_all(procs):
    for proc in procs:
        if running(proc):
            os.kill(proc[0], signal.SIGKILL)


def kill(process):
    if process.poll() is None:
        process.kill()
        process.wait()


def nap(path, seconds):
    """A call that says it started (by creating ``path``), then runs for ``seconds``."""
    Path(path).touch()
    time.sleep(seconds)


def wait_for(condition, what, timeout=120):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


# ------------------------------------------------------------ the library


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_worker_pool_gives_the_serial_trials(method):
    serial = run(flaky, Adaptive(seed=7, batch_size=3), 6)
    context = multiprocessing.get_context(method)
    with worker_pool(2, mp_context=context) as pool:
        pooled = run(flaky, Adaptive(seed=7, batch_size=3), 6, executor=pool)
    assert [key(t) for t in pooled.trials] == [key(t) for t in serial.trials]


def test_forkserver_is_refused():
    context = multiprocessing.get_context("forkserver")
    with pytest.raises(ValueError, match="'fork' or 'spawn'.*'forkserver'"):
        worker_pool(2, mp_context=context)


@needs_proc
@pytest.mark.parametrize("how", ["stop", "exception in the with block"])
def test_stopping_ends_the_workers_without_waiting_for_their_calls(how, tmp_path):
    before = set(children(os.getpid()))
    workers = []
    try:
        with pytest.raises(RuntimeError, match="the search failed"):
            with worker_pool(2) as pool:
                paths = [tmp_path / f"started{i}" for i in range(3)]
                futures = [pool.submit(nap, path, 600) for path in paths]
                wait_for(lambda: paths[0].exists() and paths[1].exists(), "two naps")
                workers = sorted(set(children(os.getpid())) - before)
                assert len(workers) == 2
                start = time.monotonic()
                if how == "stop":
                    pool.stop()
                raise RuntimeError("the search failed")
        # a plain ProcessPoolExecutor would have waited 600 s for the naps here
        assert time.monotonic() - start < EXIT_WITHIN
        assert all_gone(workers), "a worker outlived stop()"
        assert not any(
            f.done() and not f.cancelled() and not f.exception() for f in futures
        )
    finally:
        kill_all(workers)


ORPHAN_SCRIPT = """
import multiprocessing, sys, time
from search.pool import worker_pool
pool = worker_pool(2, mp_context=multiprocessing.get_context(sys.argv[1]))
futures = [pool.submit(time.sleep, 600) for _ in range(3)]
print("submitted", flush=True)
time.sleep(600)
"""


@needs_proc
@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_workers_exit_when_their_parent_is_killed(method):
    process = subprocess.Popen(
        [sys.executable, "-c", ORPHAN_SCRIPT, method],
        stdout=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    procs = []
    try:
        assert process.stdout.readline() == "submitted\n"
        procs = children(process.pid)  # the workers (and spawn's resource tracker)
        assert len(procs) >= 2
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=EXIT_WITHIN)
        assert all_gone(procs), "a worker outlived its killed parent"
    finally:
        kill(process)
        kill_all(procs)


def test_ctrl_c_while_waiting_yields_what_finished_and_cancels_the_rest():
    # One thread runs the calls in order. Trial 0 is collected; then, while
    # the caller is busy, 1, 2, 3, 4, 5 finish, 3 with the KeyboardInterrupt
    # that a worker hit by the same Ctrl-C reports; 6 is running, 7 pending.
    # Whatever order the finished ones come out in, some are not yet
    # collected when the interrupt surfaces: they must come out all the same.
    go, started, release, called = (*(threading.Event() for _ in range(3)), [])

    def objective(params):
        i = params["i"]
        called.append(i)
        if i == 1:
            go.wait(60)
        if i == 3:
            raise KeyboardInterrupt
        if i == 6:
            started.set()
            release.wait(60)
        return float(i)

    proposals = {i: {"i": i} for i in range(8)}
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        try:
            outcomes = _outcomes(objective, proposals, pool)
            collected = [next(outcomes)]
            go.set()
            assert started.wait(60)
            with pytest.raises(KeyboardInterrupt):
                for outcome in outcomes:
                    collected.append(outcome)
        finally:
            go.set()
            release.set()
    assert sorted(i for i, _ in collected) == [0, 1, 2, 4, 5]
    assert all(value == i for i, (value, *_) in collected)  # (value, status, ...)
    assert called == [0, 1, 2, 3, 4, 5, 6]  # 7 was cancelled before it started


LIBRARY_SCRIPT = """
import sys, time
from search.grid_search import GridSearch
from search.pool import worker_pool
from search.runner import run
from search.space import Real

def objective(params):  # four quick trials, then four of 600 s
    time.sleep(0.05 if params["x"] < 0.5 else 600)
    return params["x"]

try:
    with worker_pool(2) as pool:
        grid = GridSearch({"x": Real(0.0, 1.0)}, 8)  # one round of 8 points
        run(objective, grid, 8, executor=pool, storage=sys.argv[1])
except KeyboardInterrupt:
    sys.exit(130)
"""


@needs_proc
def test_ctrl_c_in_a_library_search_keeps_what_finished_and_waits_for_nothing(
    tmp_path,
):
    storage = tmp_path / "trials.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-c", LIBRARY_SCRIPT, str(storage)], env=ENV
    )
    workers = []
    try:
        wait_for(lambda: len(trial_lines_or_none(storage)) >= 4, "four trials")
        workers = children(process.pid)
        assert len(workers) == 2  # both busy with a trial of 600 s
        process.send_signal(signal.SIGINT)  # the parent alone
        assert process.wait(timeout=EXIT_WITHIN) == 130
        assert all_gone(workers), "a worker outlived the interrupted search"
    finally:
        kill(process)
        kill_all(workers)
    rows = trial_lines(storage)
    assert sorted(row["index"] for row in rows) == [0, 1, 2, 3]
    assert all(row["params"]["x"] < 0.5 for row in rows)


# ------------------------------------------------------------ hpo search --workers


def hpo_search(storage, out, trials=200):
    return [hpo_command(), "search", "--workers", "2", "--storage", str(storage),
            "--trials", str(trials), "--steps", "2000", "--no-plot", "--out", str(out)]  # fmt: skip


def start_search(tmp_path, **popen):
    """Start ``hpo search --workers 2``; when 3 trials are stored: (process, workers)."""
    storage = tmp_path / "trials.jsonl"
    process = subprocess.Popen(
        hpo_search(storage, tmp_path / "out"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        **popen,
    )
    try:
        wait_for(
            lambda: (
                process.poll() is not None or len(trial_lines_or_none(storage)) >= 3
            ),
            "three stored trials",
        )
        assert process.poll() is None, "the search ended before the signal"
        workers = children(process.pid)
        assert len(workers) == 2
    except BaseException:
        kill(process)
        raise
    return process, workers


@needs_proc
@needs_two_cpus
@pytest.mark.parametrize(
    "signum", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"]
)
def test_hpo_search_workers_die_with_the_parent(signum, tmp_path):
    process, workers = start_search(tmp_path)
    try:
        process.send_signal(signum)
        assert process.wait(timeout=EXIT_WITHIN) == -signum
        assert all_gone(workers), f"a worker outlived its parent's {signum.name}"
    finally:
        kill(process)
        kill_all(workers)
    assert len(trial_lines(tmp_path / "trials.jsonl")) >= 3  # stored before it


@needs_proc
@needs_two_cpus
@pytest.mark.parametrize("group", [False, True], ids=["parent alone", "group"])
def test_hpo_search_ctrl_c_exits_130_keeps_the_trials_and_resumes(group, tmp_path):
    # group: Ctrl-C in a terminal, which reaches the workers too
    process, workers = start_search(tmp_path, start_new_session=True)
    try:
        if group:
            os.killpg(process.pid, signal.SIGINT)
        else:
            os.kill(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=EXIT_WITHIN)
        assert all_gone(workers), "a worker outlived the interrupted search"
    finally:
        kill(process)
        kill_all(workers)
    assert process.returncode == 130
    assert "interrupted" in err and "again to resume" in err
    assert "Traceback" not in err
    storage = tmp_path / "trials.jsonl"
    text = storage.read_text()
    assert text.endswith("\n")  # no line cut short
    assert all(isinstance(json.loads(line), dict) for line in text.splitlines())
    kept = trial_lines(storage)
    assert 3 <= len(kept) < 20
    # Resume to 20 trials (200 would take a minute of Gaussian-process fits)
    done = subprocess.run(
        hpo_search(storage, tmp_path / "out", trials=20),
        capture_output=True,
        text=True,
        timeout=600,
        env=ENV,
    )
    assert done.returncode == 0, done.stderr
    assert f"{len(kept)} trials stored, resuming" in done.stdout
    rows = trial_lines(storage)
    assert sorted(row["index"] for row in rows) == list(range(20))
    assert rows[: len(kept)] == kept  # nothing lost, nothing rewritten
