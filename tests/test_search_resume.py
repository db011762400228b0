"""Tests of run(..., storage=...): a durable trial log, and resuming from it.

The oracle is the same search run without interruption: a search resumed
from a log cut anywhere (at a trial boundary, in the middle of a line, or by
a real SIGKILL of a running process) must end with the same trials, having
re-evaluated exactly the trials the log had lost and none other.
"""

import concurrent.futures
import functools
import json
import os
import re
import signal
import stat
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import search.log_file
import search.runner
from search import storage
from search.bayes_search import BayesSearch
from search.random_search import RandomSearch
from search.runner import grid_search, random_search, run
from search.space import Integer, Real, space_spec
from tests._resume_script import BATCH_SIZE
from tests._search_helpers import (
    SPACE,
    Adaptive,
    Batched,
    Counting,
    ListStrategy,
    bowl,
    flaky,
    key,
    read_lines,
)

ROOT = Path(__file__).resolve().parent.parent
N = 8


STRATEGIES = {
    # no state_dict: resumed by asking every stored round again
    "replayed": lambda seed, batch_size: Adaptive(seed=seed, batch_size=batch_size),
    # state_dict: resumed by telling the stored results and restoring its state
    "restored": lambda seed, batch_size: RandomSearch(
        SPACE, seed=seed, batch_size=batch_size
    ),
}


@functools.cache
def full_log(batch_size, seed=0, n=N, kind="replayed"):
    """An uninterrupted search with storage: (result, the log's lines as bytes)."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "full.jsonl"
        strategy = STRATEGIES[kind](seed, batch_size)
        result = run(flaky, strategy, n, storage=path)
        return result, path.read_bytes().splitlines(keepends=True)


def resume(path, batch_size, seed=0, n=N, kind="replayed"):
    objective = Counting(flaky)
    result = run(objective, STRATEGIES[kind](seed, batch_size), n, storage=path)
    return result, objective.calls


def trial_indices(lines) -> list:
    """The indices of the trial lines among ``lines`` (bytes), in file order."""
    return [json.loads(line)["index"] for line in lines if b'"index"' in line]


def check_log(path, result):
    """The log holds a header and each trial of ``result`` once, as returned."""
    header, *rows = read_lines(path)
    assert header["format"] == "hpo-trials" and header["version"] == 2
    rows = [row for row in rows if "index" in row]  # the trial lines
    assert sorted(row["index"] for row in rows) == list(range(len(result.trials)))
    stored = {row["index"]: search.runner.Trial.from_dict(row) for row in rows}
    assert [stored[t.index] for t in result.trials] == result.trials


# ------------------------------------------------------------ the log


def test_every_trial_is_fsynced_before_it_is_told(tmp_path, monkeypatch):
    path = tmp_path / "trials.jsonl"
    strategy = Adaptive(seed=0, batch_size=3)
    seen = []  # at each fsync: (lines on disk, results told so far)
    fsync = os.fsync

    def recording_fsync(fd):
        fsync(fd)
        if stat.S_ISREG(os.fstat(fd).st_mode):  # not the directory's fsync
            lines = path.read_bytes().splitlines()
            trials = sum(b'"index"' in line for line in lines)
            seen.append((len(lines), trials, len(strategy.history)))

    monkeypatch.setattr(search.log_file.os, "fsync", recording_fsync)
    result = run(flaky, strategy, 7, storage=path)
    # one fsync per line: the header, then each round's line and its trials
    # (rounds of 3, 3 and 1: 1 + 3 + 7 lines)
    assert [lines for lines, _, _ in seen] == list(range(1, 12))
    # every trial is on disk before the strategy is told about it
    assert all(told <= trials for _, trials, told in seen)
    check_log(path, result)
    assert read_lines(path)[0]["space"] == space_spec(SPACE)


def test_log_lines_are_strict_json(tmp_path):
    path = tmp_path / "trials.jsonl"
    points = [{"x": x, "n": 2, "kind": "a"} for x in (-0.9, 0.0, 0.9)]
    result = run(flaky, ListStrategy(points), 3, storage=path)
    assert [t.status for t in result.trials] == ["diverged", "ok", "failed"]
    for line in path.read_text().splitlines():
        json.loads(line, parse_constant=lambda c: pytest.fail(f"non-JSON {c}"))


# ------------------------------------------------------------ resume in-process


@given(
    batch_size=st.integers(1, 4),
    k=st.integers(0, 100),
    cut=st.sampled_from([None, "mid-line", "garbage"]),
    kind=st.sampled_from(sorted(STRATEGIES)),
)
def test_resume_after_a_crash_gives_the_uninterrupted_trials(batch_size, k, cut, kind):
    with tempfile.TemporaryDirectory() as directory:
        full, lines = full_log(batch_size, kind=kind)
        k = k % len(lines)  # the crash left the first k lines whole
        path = Path(directory) / "crashed.jsonl"
        torn = b""  # what the crash left of line k + 1
        if cut == "mid-line":
            torn = lines[k][: len(lines[k]) // 2]
        elif cut == "garbage" and k > 0:  # (zeros where the header was: not ours)
            torn = b"\x00\x00\x00\n"  # blocks allocated but never written
        path.write_bytes(b"".join(lines[:k]) + torn)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result, calls = resume(path, batch_size, kind=kind)
        assert [key(t) for t in result.trials] == [key(t) for t in full.trials]
        stored = set(trial_indices(lines[:k]))
        assert [t for t in result.trials if t.index in stored] == [
            t for t in full.trials if t.index in stored
        ]  # read back, seconds and all
        lost = [t.params for t in full.trials if t.index not in stored]
        assert calls == lost  # only the lost ones, in order
        check_log(path, result)
        messages = [str(w.message) for w in caught]
        if torn:
            assert messages == [
                f"{path}: line {k + 1} is incomplete (a crash while writing it?); "
                "it is skipped and will be overwritten"
            ]
        else:
            assert messages == []


def test_resume_of_a_finished_search_evaluates_nothing(tmp_path):
    path = tmp_path / "trials.jsonl"
    full = run(flaky, Adaptive(seed=0, batch_size=3), N, storage=path)
    before = path.read_bytes()
    result, calls = resume(path, 3)
    assert calls == [] and result.trials == full.trials
    assert path.read_bytes() == before


def test_a_finished_search_is_only_read_even_with_a_torn_tail(tmp_path):
    path = tmp_path / "trials.jsonl"
    full = run(flaky, Adaptive(seed=0), N, storage=path)
    torn = path.read_bytes() + b'{"index": 99, "params": {"x": 0.1' + b" " * 500
    path.write_bytes(torn)
    lines = len(torn.splitlines())
    with pytest.warns(UserWarning, match=f"line {lines} is incomplete"):
        result, calls = resume(path, 1)
    assert calls == [] and result.trials == full.trials
    assert path.read_bytes() == torn  # nothing to write: the file is only read


def test_a_finished_search_resumes_from_a_read_only_file(tmp_path):
    path = tmp_path / "trials.jsonl"
    full = random_search(flaky, SPACE, 6, seed=1, storage=path)
    path.chmod(stat.S_IRUSR)
    try:
        with open(path, "r+b"):
            pytest.skip("root may write read-only files: the test would not test")
    except PermissionError:
        pass
    again = random_search(flaky, SPACE, 6, seed=1, storage=path)
    assert again.trials == full.trials


def test_resume_with_more_trials_continues(tmp_path):
    path = tmp_path / "trials.jsonl"
    run(flaky, Adaptive(seed=0), 5, storage=path)
    result, calls = resume(path, 1, n=9)
    full = run(flaky, Adaptive(seed=0), 9)
    assert [key(t) for t in result.trials] == [key(t) for t in full.trials]
    assert len(calls) == 4
    check_log(path, result)


def test_a_log_longer_than_n_trials_is_returned_whole(tmp_path):
    path = tmp_path / "trials.jsonl"
    full = run(flaky, Adaptive(seed=0, batch_size=3), N, storage=path)
    result, calls = resume(path, 3, n=2)
    assert calls == [] and result.trials == full.trials


def test_a_header_cut_by_a_crash_starts_afresh(tmp_path):
    path = tmp_path / "trials.jsonl"
    path.write_bytes(b'{"format": "hpo-tri')
    with pytest.warns(UserWarning, match="line 1 is incomplete"):
        result, calls = resume(path, 2)
    assert len(calls) == N
    check_log(path, result)


def test_an_empty_file_starts_afresh(tmp_path):
    path = tmp_path / "trials.jsonl"
    path.touch()
    result, calls = resume(path, 2)
    assert len(calls) == N
    check_log(path, result)


def test_resume_with_the_real_random_search(tmp_path):
    path = tmp_path / "trials.jsonl"
    full = random_search(flaky, SPACE, 9, seed=4, batch_size=2)
    random_search(flaky, SPACE, 5, seed=4, batch_size=2, storage=path)
    lines = path.read_bytes().splitlines(keepends=True)
    fourth = [i for i, line in enumerate(lines) if b'"index"' in line][3]
    kept = lines[: fourth + 1]  # 4 trials (two rounds), then a torn line
    path.write_bytes(b"".join(kept) + lines[fourth + 1][:10])
    objective = Counting(flaky)
    with pytest.warns(UserWarning, match=f"line {len(kept) + 1} is incomplete"):
        result = random_search(objective, SPACE, 9, seed=4, batch_size=2, storage=path)
    assert [key(t) for t in result.trials] == [key(t) for t in full.trials]
    assert objective.calls == [t.params for t in full.trials[4:]]
    check_log(path, result)


def test_resume_a_grid_evaluates_the_lost_points_in_one_batch(tmp_path):
    path = tmp_path / "trials.jsonl"
    full = grid_search(Batched(), SPACE, points=2, storage=path)  # 2 x 2 x 3 points
    assert len(full.trials) == 12 and full.n_failed == 0
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:5]))  # header, the round, 3 trials
    objective = Batched()
    result = grid_search(objective, SPACE, points=2, storage=path)
    assert objective.batch_calls == [9] and objective.calls == 0
    assert [key(t) for t in result.trials] == [key(t) for t in full.trials]
    assert {t.round for t in result.trials} == {0}
    check_log(path, result)


def sleepy(params):
    """``bowl`` after a pause that shrinks with x: later points finish first."""
    time.sleep(0.02 * (1 - params["x"]))
    return bowl(params)


def test_trials_are_logged_as_they_finish_and_resume_from_any_prefix(tmp_path):
    points = [{"x": x, "n": 2, "kind": "a"} for x in (-1.0, 0.0, 1.0, 0.5)]
    path = tmp_path / "trials.jsonl"
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        full = run(
            sleepy, ListStrategy(points, batch_size=4), 4, executor=pool, storage=path
        )
    lines = path.read_bytes().splitlines(keepends=True)
    order = trial_indices(lines)  # lines: the header, the round, 4 trials
    assert sorted(order) == [0, 1, 2, 3] and order != [0, 1, 2, 3]
    for k in range(5):
        path.write_bytes(b"".join(lines[: k + 2]))
        objective = Counting(bowl)
        result = run(objective, ListStrategy(points, batch_size=4), 4, storage=path)
        assert [key(t) for t in result.trials] == [key(t) for t in full.trials]
        assert sorted(p["x"] for p in objective.calls) == sorted(
            points[i]["x"] for i in order[k:]
        )


# ------------------------------------------------------------ refusals


def refused(path, error, match, strategy, objective=bowl):
    before = path.read_bytes()
    with pytest.raises(error, match=match):
        run(objective, strategy, N, storage=path)
    assert path.read_bytes() == before  # byte for byte


@pytest.fixture
def log(tmp_path):
    """A log of 5 trials for Adaptive(seed=0), with a torn last line."""
    path = tmp_path / "trials.jsonl"
    run(flaky, Adaptive(seed=0), 5, storage=path)
    with open(path, "ab") as f:
        f.write(b'{"index": 5, "par')
    return path


def test_another_space_is_refused_and_the_file_untouched(log):
    space = {**SPACE, "x": Real(-2.0, 1.0)}
    match = rf"{re.escape(str(log))} was written for another search space \('x': file .*'low': -1.0"
    with warnings.catch_warnings():  # refused: no "will be overwritten" warning
        warnings.simplefilter("error")
        refused(log, ValueError, match, Adaptive(space, seed=0))
    space = {**SPACE, "extra": Integer(0, 3)}
    with warnings.catch_warnings():  # refused: no "will be overwritten" warning
        warnings.simplefilter("error")
        refused(log, ValueError, r"'extra': file None, now", Adaptive(space, seed=0))


def test_another_seed_is_refused_and_the_file_untouched(log):
    with warnings.catch_warnings():  # refused: no "will be overwritten" warning
        warnings.simplefilter("error")
        refused(log, ValueError, "a different seed or settings", Adaptive(seed=1))


def test_another_strategy_is_refused(log):
    class Other(Adaptive):
        pass

    with warnings.catch_warnings():  # refused: no "will be overwritten" warning
        warnings.simplefilter("error")
        refused(log, ValueError, "written by Adaptive, not by Other", Other(seed=0))


def test_a_used_strategy_is_refused(log):
    strategy = Adaptive(seed=0)
    strategy.tell(strategy.ask(1)[0], 1.0)
    refused(log, ValueError, "must be freshly built", strategy)


def test_a_corrupt_line_in_the_middle_is_refused(log):
    lines = log.read_bytes().splitlines(keepends=True)
    log.write_bytes(b"".join([lines[0], lines[1], b"oops\n", *lines[3:]]))
    match = f"{re.escape(str(log))}: line 3 is not a JSON object"
    refused(log, ValueError, match, Adaptive(seed=0))


@pytest.mark.parametrize(
    "edit, match",
    [
        # lines: the header, then each round's line and its trials
        (lambda rows: rows[:2] + rows[5:], "rounds .* are not 0, 1, 2"),  # batch 1
        (lambda rows: rows[:3] + rows[2:], "trial 0 is stored twice"),
        (lambda rows: rows[:2] + rows[3:], "a round is incomplete but is not the last"),
    ],
    ids=["lost rounds", "duplicate", "incomplete round"],
)
def test_inconsistent_logs_are_refused(tmp_path, edit, match):
    path = tmp_path / "trials.jsonl"
    batch_size = 1 if "rounds" in match else 3
    run(flaky, Adaptive(seed=0, batch_size=batch_size), N, storage=path)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(edit(lines)))
    refused(path, ValueError, match, Adaptive(seed=0, batch_size=batch_size))


def test_a_file_of_another_format_is_refused(tmp_path):
    path = tmp_path / "other.jsonl"
    path.write_text('{"format": "something else"}\n')
    refused(path, ValueError, "not a trials file", Adaptive(seed=0))


# ------------------------------------------------------------ files that are not ours


HEADER = json.dumps({"format": "hpo-trials", "version": 1}).encode()[:-1]


@pytest.mark.parametrize(
    "content",
    [
        b"my notes",  # one line of text, no newline
        b"my notes\n",  # one line of text
        b'{"lr": 0.1, "steps": 200}',  # compact JSON config, no final newline
        b'{"lr": 0.1}\n',  # a JSON object that is no header
        bytes(range(256)) * 40,  # 10 KB of binary
        b"\n\n",
    ],
    ids=["text", "text-newline", "json", "json-newline", "binary", "blank-lines"],
)
def test_a_file_not_written_here_is_refused_byte_for_byte(tmp_path, content):
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    refused(path, ValueError, "is not a trials file of this project", Adaptive(seed=0))


@given(content=st.binary(min_size=1, max_size=300))
def test_any_bytes_but_a_cut_header_are_refused_untouched(content):
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "trials.jsonl"
        path.write_bytes(content)
        strategy = Adaptive(seed=0)
        header = storage.json_line(storage.header(strategy, 1, {}, None))
        cut_header = b"\n" not in content and header.startswith(content)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a cut header is warned about
            try:
                run(bowl, strategy, 2, storage=path)
            except ValueError:
                assert not cut_header
                assert path.read_bytes() == content
            else:
                assert cut_header


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_fifo_or_a_device_is_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        if not path.exists():
            continue
        with pytest.raises(ValueError, match="not a regular file"):
            run(bowl, Adaptive(seed=0), 2, storage=path)
        with pytest.raises(ValueError, match="not a regular file"):
            storage.load(path)


# ------------------------------------------------------------ metadata and load


def test_metadata_is_stored_in_the_header_and_a_mismatch_refused(tmp_path):
    path = tmp_path / "trials.jsonl"
    meta = {"problem": "diabetes", "steps": 200, "tags": ["a", 1.5]}
    first = run(bowl, Adaptive(seed=0), 3, storage=path, metadata=meta)
    assert first.metadata == meta
    assert read_lines(path)[0]["metadata"] == meta
    other = {**meta, "steps": 100}
    # without metadata: every key differs
    refused(path, ValueError, r"'steps': file 200, now None", Adaptive(seed=0))
    before = path.read_bytes()
    with pytest.raises(
        ValueError, match=r"other metadata \('steps': file 200, now 100\)"
    ):
        run(bowl, Adaptive(seed=0), N, storage=path, metadata=other)
    assert path.read_bytes() == before
    again = run(bowl, Adaptive(seed=0), 5, storage=path, metadata=dict(meta))
    assert again.trials[:3] == first.trials and len(again.trials) == 5


@pytest.mark.parametrize(
    "metadata, error",
    [([1], TypeError), ({"x": float("nan")}, TypeError), ({"f": len}, TypeError)],
)
def test_metadata_must_be_a_json_object(tmp_path, metadata, error):
    with pytest.raises(error, match="metadata"):
        run(bowl, Adaptive(seed=0), 1, storage=tmp_path / "t.jsonl", metadata=metadata)
    assert not (tmp_path / "t.jsonl").exists()


def test_load_reads_a_read_only_file_without_writing(tmp_path):
    path = tmp_path / "trials.jsonl"
    done = run(
        flaky, Adaptive(seed=0, batch_size=2), N, storage=path, metadata={"a": 1}
    )
    path.chmod(stat.S_IRUSR)  # read-only (root ignores it; the bytes are checked)
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    loaded = storage.load(path)
    assert loaded.trials == done.trials and loaded.metadata == {"a": 1}
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime
    with pytest.raises(ValueError, match="does not exist"):
        storage.load(tmp_path / "missing.jsonl")
    (tmp_path / "notes.txt").write_text("notes")
    with pytest.raises(ValueError, match="not a trials file"):
        storage.load(tmp_path / "notes.txt")


# ------------------------------------------------------------ a real crash


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_killed_search_resumes_without_losing_or_repeating_trials(tmp_path):
    path, n, seed = tmp_path / "trials.jsonl", 60, 3  # 3 s uninterrupted
    command = [
        sys.executable,
        "-m",
        "tests._resume_script",
        str(path),
        str(n),
        str(seed),
    ]
    process = subprocess.Popen([*command, "0.05"], cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while not path.exists() or path.read_bytes().count(b'"index"') < 6:
            assert process.poll() is None, "the search ended before it was killed"
            assert time.monotonic() < deadline, "the search wrote no trials"
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()  # no-op if already dead
        process.wait()
    assert process.returncode == -signal.SIGKILL
    survived = []
    for line in path.read_bytes().split(b"\n")[1:]:
        try:
            row = json.loads(line)
        except ValueError:  # the torn last line, or b"" after the final newline
            continue
        if "index" in row:  # a trial line, not a round line
            survived.append(search.runner.Trial.from_dict(row))
    assert 5 <= len(survived) < n

    objective = Counting(flaky)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = random_search(
            objective, SPACE, n, seed=seed, batch_size=BATCH_SIZE, storage=path
        )
    full = random_search(flaky, SPACE, n, seed=seed, batch_size=BATCH_SIZE)
    assert [key(t) for t in result.trials] == [key(t) for t in full.trials]
    for t in survived:  # no finished trial lost: read back as it was written
        assert result.trials[t.index] == t
    survivors = {t.index for t in survived}
    lost = [t.params for t in full.trials if t.index not in survivors]
    assert objective.calls == lost  # none repeated
    check_log(path, result)


def test_resume_with_the_real_bayes_search(tmp_path):
    # Bayesian search learns from every tell: a wrong replay would show.
    space = {"x": Real(-1.0, 1.0)}
    path = tmp_path / "trials.jsonl"

    def bayes():  # small settings: the test is about replay, not about the GP
        return BayesSearch(space, seed=1, batch_size=2, n_candidates=64, n_polish=1)

    full = run(parabola, bayes(), 12, storage=path)
    lines = path.read_bytes().splitlines(keepends=True)
    for k in range(1, len(lines)):  # a crash after any line
        path.write_bytes(b"".join(lines[:k]))
        stored = set(trial_indices(lines[:k]))
        objective = Counting(parabola)
        result = run(objective, bayes(), 12, storage=path)
        assert [key(t) for t in result.trials] == [key(t) for t in full.trials]
        assert objective.calls == [
            t.params for t in full.trials if t.index not in stored
        ]
        check_log(path, result)


def parabola(params):
    return (params["x"] - 0.3) ** 2
