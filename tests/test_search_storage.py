"""Tests of search/storage.py and log_file.py beyond one process: the lock, two
writers, another CPU.

Oracles: an uninterrupted search of the same seed (what every resumed file
must end up holding), and the file's own bytes (what a refused writer must
leave). Real processes (``python -m tests._resume_script``) write the file,
so the lock and the kills are the operating system's.
"""

import fcntl
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search import storage
from search.runner import run
from tests._resume_script import strategy
from tests._search_helpers import flaky, key

ROOT = Path(__file__).resolve().parent.parent


def writer(path, n, seconds=0.02, name="random", env=None):
    """Start a search process on ``path`` (see tests/_resume_script.py)."""
    command = [sys.executable, "-m", "tests._resume_script", str(path), str(n), "0"]
    return subprocess.Popen(
        [*command, str(seconds), name],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_for_trials(path, count, process, timeout=60):
    deadline = time.monotonic() + timeout
    while not path.exists() or path.read_bytes().count(b'"index"') < count:
        assert process.poll() is None, "the search ended too soon"
        assert time.monotonic() < deadline, "the search wrote no trials"
        time.sleep(0.01)


def uninterrupted(n, name="random"):
    return run(flaky, strategy(name, 0), n)


def check_complete(path, n, name="random"):
    """The file holds each trial of the uninterrupted search exactly once."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a line cut by a kill
        result = run(flaky, strategy(name, 0), n, storage=path)
    assert [key(t) for t in result.trials] == [
        key(t) for t in uninterrupted(n, name).trials
    ]
    loaded = storage.load(path)
    assert [t.index for t in loaded.trials] == list(range(n))
    assert loaded.trials == result.trials


# ------------------------------------------------------------ one writer


def test_a_second_writer_is_refused_at_once_and_the_first_goes_on(tmp_path):
    path, n = tmp_path / "trials.jsonl", 40
    first = writer(path, n, seconds=0.05)
    try:
        wait_for_trials(path, 2, first)
        second = writer(path, n)
        _, err = second.communicate(timeout=60)
        assert second.returncode == 3
        assert f"{path} is being written by another process" in err
        assert first.wait(timeout=120) == 0, first.stderr.read()
    finally:
        first.kill()
    check_complete(path, n)


def test_a_locked_file_is_refused_untouched_in_process(tmp_path):
    path = tmp_path / "trials.jsonl"
    run(flaky, strategy("random", 0), 4, storage=path)
    before = path.read_bytes()
    with open(path, "rb") as other:  # another process's lock, as flock sees it
        fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(ValueError, match="being written by another process"):
            run(flaky, strategy("random", 0), 8, storage=path)
        with pytest.raises(ValueError, match="being written by another process"):
            storage.load(path)
    assert path.read_bytes() == before


# Each example starts and kills real processes (about a second each): a few
# examples, whatever the profile.
@settings(max_examples=6, deadline=None)
@given(
    events=st.lists(
        st.tuples(st.sampled_from(["start", "kill"]), st.floats(0.0, 0.4)),
        min_size=1,
        max_size=6,
    ),
    name=st.sampled_from(["random", "bayes"]),
)
def test_two_writers_kills_and_resumes_lose_and_repeat_nothing(
    tmp_path_factory, events, name
):
    path, n = tmp_path_factory.mktemp("writers") / "trials.jsonl", 12
    running, ended = [], []
    try:
        for action, delay in events:
            if action == "start" or not running:
                running.append(writer(path, n, name=name))
            else:
                victim = running.pop(0)
                victim.send_signal(signal.SIGKILL)
                ended.append(victim)
            time.sleep(delay)
    finally:
        for process in running:
            process.kill()
        for process in running + ended:
            process.wait(timeout=60)
    for process in running + ended:  # finished, refused (3) or killed
        assert process.returncode in (0, 3, -signal.SIGKILL), process.stderr.read()
    check_complete(path, n, name)


# ------------------------------------------------------------ another machine


def test_a_bayesian_search_resumes_on_another_blas_code_path(tmp_path):
    # Two OpenBLAS kernels of this CPU (OPENBLAS_CORETYPE) round differently:
    # the same Bayesian search differs in the last digits from its 7th proposal
    # on. Replaying its rounds would propose other points; restoring the
    # stored state does not depend on them.
    path, first, total = tmp_path / "trials.jsonl", 8, 16
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENBLAS_")}
    haswell = writer(path, first, 0, "bayes", {**env, "OPENBLAS_CORETYPE": "Haswell"})
    assert haswell.wait(timeout=120) == 0, haswell.stderr.read()
    stored = storage.load(path).trials
    generic = writer(path, total, 0, "bayes", {**env, "OPENBLAS_CORETYPE": "Prescott"})
    assert generic.wait(timeout=120) == 0, generic.stderr.read()
    trials = storage.load(path).trials
    assert trials[:first] == stored  # kept as they were
    assert [t.index for t in trials] == list(range(total))
    assert len({tuple(sorted(t.params.items())) for t in trials}) == total
