"""Tests of ``hpo search`` (search/cli/), in-process and as a real command.

Oracles independent of the code under test: the closed-form least squares
computed here with an explicit column of ones, optimizer runs by hand with
``optim.minimize`` for the printed test loss and the diverged rows, the grid
values written out by hand, and the PNG file signature. Runs are small
(few trials, few steps) so the file stays fast.
"""

import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import surfaces
from optim import SGD, Adam, minimize
from search.cli import main

PNG = b"\x89PNG\r\n\x1a\n"
ROOT = Path(__file__).resolve().parent.parent


def search(capsys, tmp_path, *argv):
    """Run ``hpo search ARGV --out tmp_path/out`` in-process: (stdout, rows, out dir)."""
    out_dir = tmp_path / "out"
    assert main(["search", *argv, "--out", str(out_dir)]) == 0
    out = capsys.readouterr().out
    return out, parse_trials(out), out_dir


def parse_trials(out):
    """The trials table as a list of dicts keyed by the header."""
    lines = out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("trial "))
    assert set(lines[head + 1]) <= {"-", " "}, "a rule under the header"
    # "val loss" (or "final loss") is one column: headers are 2+ spaces apart
    headers = ["loss" if "loss" in h else h for h in re.split(r"\s{2,}", lines[head])]
    rows = []
    for line in lines[head + 2 :]:
        if not line.strip():
            break
        if line.startswith("trial "):  # the header repeated in a long table
            continue
        cells = line.split()
        rows.append(dict(zip(headers, cells[: len(headers)], strict=True)))
        rows[-1]["best"] = line.endswith("<- best")
    return rows


def diabetes_parts(seed=0):
    """The train/validation/test parts of the diabetes data, with a ones column."""
    X, y, _ = surfaces.load_diabetes(scaled=True)
    part = surfaces.split(X, y, rng=seed)

    def ones(A):
        return np.column_stack([A, np.ones(len(A))])

    return (
        (ones(part.X_train), part.y_train),
        (ones(part.X_val), part.y_val),
        (ones(part.X_test), part.y_test),
    )


def mse(A, y, w):
    return float(np.sum((A @ w - y) ** 2) / (2 * len(y)))


def comparison(out):
    """The two rows of the comparison block: {label: (validation, test)}."""
    rows = {}
    for line in out.splitlines():
        match = re.match(
            r"(tuned \w+ \(trial \d+\)|closed form \(lstsq\))\s+(\S+)\s+(\S+)$", line
        )
        if match:
            label = "tuned" if match[1].startswith("tuned") else "closed form"
            rows[label] = (float(match[2]), float(match[3]))
    return rows


def png_size(path):
    """(width, height) from the IHDR chunk, after checking the signature."""
    data = Path(path).read_bytes()
    assert data[:8] == PNG
    return struct.unpack(">II", data[16:24])


def trial_lines(path):
    """The trial rows of a storage file (its lines after the header)."""
    lines = Path(path).read_bytes().split(b"\n")[:-1]  # complete lines only
    rows = [json.loads(line) for line in lines[1:]]
    return [row for row in rows if "index" in row]  # not the round lines


def hpo_command():
    beside = Path(sys.executable).with_name("hpo")
    found = str(beside) if beside.exists() else shutil.which("hpo")
    assert found, "the hpo console script is not installed: pip install -e ."
    return found


# ------------------------------------------------------------ the default problem


def test_default_problem_prints_table_comparison_and_writes_files(capsys, tmp_path):
    out, rows, out_dir = search(capsys, tmp_path, "--trials", "7", "--steps", "60")
    # header: problem, split sizes, optimizer, strategy, trials
    assert "Adam on diabetes" in out and "Bayesian search" in out
    train, val, test = diabetes_parts()
    sizes = f"train {len(train[1])}, validation {len(val[1])}, test {len(test[1])}"
    assert sizes in out and "7 trials of 60 steps" in out
    # the table: one row per trial, the default space, one best
    assert [int(r["trial"]) for r in rows] == list(range(7))
    assert all(
        1e-4 <= float(r["lr"]) <= 10 and 0 <= float(r["b1"]) <= 0.99 for r in rows
    )
    assert all(r["status"] == "ok" for r in rows)
    assert sum(r["best"] for r in rows) == 1
    best = next(r for r in rows if r["best"])
    assert float(best["loss"]) == min(float(r["loss"]) for r in rows)
    # the comparison block against an independent closed form
    w = np.linalg.lstsq(*train, rcond=None)[0]
    block = comparison(out)
    np.testing.assert_allclose(
        block["closed form"], (mse(*val, w), mse(*test, w)), rtol=1e-5
    )
    # the tuned model: retrain the best trial by hand and score it on both parts
    document = json.loads((out_dir / "results.json").read_text())
    params = document["best_params"]
    trace = minimize(surfaces.LinearRegression(train[0][:, :-1], train[1], intercept=True),
                     np.zeros(11), Adam(**params), 60)  # fmt: skip
    expected = (mse(*val, trace.x), mse(*test, trace.x))
    np.testing.assert_allclose(block["tuned"], expected, rtol=1e-5)
    # results.json: valid, strict JSON with every trial
    assert len(document["trials"]) == 7
    assert document["trials"][document["best"]]["params"] == params
    assert document["space"]["lr"] == {
        "type": "real",
        "low": 1e-4,
        "high": 10.0,
        "log": True,
    }
    assert document["split"] == {"train": 266, "val": 88, "test": 88}
    # trials.csv: a header and a line per trial
    csv_lines = (out_dir / "trials.csv").read_text().splitlines()
    assert csv_lines[0].startswith("index,round,status,value") and len(csv_lines) == 8
    # the plots: PNGs of the figure's size (inches x dpi)
    assert png_size(out_dir / "best_so_far.png") == (960, 600)
    assert png_size(out_dir / "loss_surface.png") == (960, 768)
    assert "wrote to" in out and "loss_surface.png" in out


def test_no_plot_writes_only_the_data_files(capsys, tmp_path):
    _, _, out_dir = search(
        capsys, tmp_path, "--trials", "3", "--steps", "5", "--no-plot"
    )
    assert sorted(p.name for p in out_dir.iterdir()) == ["results.json", "trials.csv"]


def test_grid_of_two_hyperparameters_writes_the_heat_map(capsys, tmp_path):
    out, rows, out_dir = search(
        capsys, tmp_path, "--strategy", "grid", "--points", "3", "--steps", "20"
    )
    assert "a 3 x 3 grid, 9 trials" in out
    # 3 points of [1e-4, 10] evenly spaced in log: 1e-4, 10**-1.5, 10; of [0, 0.99]: 0, 0.495, 0.99
    lrs = [float(r["lr"]) for r in rows]
    b1s = [float(r["b1"]) for r in rows]
    np.testing.assert_allclose(lrs, np.repeat([1e-4, 10**-1.5, 10.0], 3), rtol=1e-3)
    np.testing.assert_allclose(b1s, np.tile([0.0, 0.495, 0.99], 3), rtol=1e-3)
    assert png_size(out_dir / "loss_surface.png")[0] > 0


def test_grid_with_a_categorical_dimension(capsys, tmp_path):
    out, rows, out_dir = search(
        capsys, tmp_path, "--strategy", "grid", "--points", "2", "--steps", "10",
        "--space", "lr=0.1:1:log,b1=0.5|0.9|0.99",
    )  # fmt: skip
    assert "b1 in {0.5, 0.9, 0.99}" in out
    assert [(float(r["lr"]), float(r["b1"])) for r in rows] == [
        (lr, b1) for lr in (0.1, 1.0) for b1 in (0.5, 0.9, 0.99)
    ]
    assert (out_dir / "loss_surface.png").read_bytes()[:8] == PNG


def test_one_hyperparameter_makes_no_heat_map(capsys, tmp_path):
    _, rows, out_dir = search(
        capsys, tmp_path, "--space", "lr", "--strategy", "random", "--trials", "4",
        "--steps", "10",
    )  # fmt: skip
    assert len(rows) == 4 and set(rows[0]) >= {"lr", "loss"} and "b1" not in rows[0]
    assert (out_dir / "best_so_far.png").exists()
    assert not (out_dir / "loss_surface.png").exists()


def test_a_rule_across_hyperparameters_fails_its_trials_not_the_search(
    capsys, tmp_path
):
    # each range is valid alone; nesterov with momentum 0 is not: those fail
    out, rows, _ = search(
        capsys, tmp_path, "--optimizer", "sgd", "--strategy", "grid", "--points",
        "2", "--steps", "10", "--space", "lr=0.01:0.1:log,momentum=0:0.9,nesterov",
    )  # fmt: skip
    failed = [r for r in rows if r["status"] == "failed"]
    assert [(float(r["momentum"]), r["nesterov"]) for r in failed] == [
        (0.0, "True"),
        (0.0, "True"),
    ]
    assert all(r["loss"] == "-" for r in failed)
    assert "8 trials: 6 ok, 0 diverged, 2 failed" in out
    assert "nesterov=True needs momentum > 0" in out


def test_synthetic_problem(capsys, tmp_path):
    out, rows, _ = search(
        capsys, tmp_path, "--problem", "synthetic", "--optimizer", "rmsprop",
        "--strategy", "random", "--trials", "5", "--steps", "30",
    )  # fmt: skip
    assert "synthetic, make_regression" in out and "train 120" in out
    assert {"lr", "alpha"} <= set(rows[0]) and len(rows) == 5
    assert set(comparison(out)) == {"tuned", "closed form"}


# ------------------------------------------------------------ a surface


def test_surface_problem_marks_the_diverged_trials(capsys, tmp_path):
    out, rows, out_dir = search(
        capsys, tmp_path, "--problem", "rosenbrock", "--optimizer", "sgd",
        "--strategy", "random", "--trials", "10", "--steps", "50",
    )  # fmt: skip
    assert "SGD on rosenbrock" in out and "minimum f* = 0" in out
    assert "closed form" not in out  # no data, no comparison with least squares
    # each trial's status against a run by hand from Rosenbrock's start, with the
    # exact hyperparameters of results.json (the table rounds them to 4 digits)
    document = json.loads((out_dir / "results.json").read_text())
    for row, trial in zip(rows, document["trials"], strict=True):
        trace = minimize(
            surfaces.Rosenbrock(), np.array([-1.2, 1.0]), SGD(**trial["params"]), 50
        )
        assert (
            row["status"] == trial["status"] == ("diverged" if trace.diverged else "ok")
        )
        if not trace.diverged:
            assert float(row["loss"]) == pytest.approx(trace.values[-1], rel=1e-5)
            assert trial["value"] == pytest.approx(trace.values[-1], rel=1e-12)
    statuses = [r["status"] for r in rows]
    assert "diverged" in statuses and "ok" in statuses  # the default range has both
    assert document["minimum"] == 0.0 and document["closed_form"] is None
    assert document["n_diverged"] == statuses.count("diverged")
    assert (out_dir / "loss_surface.png").read_bytes()[:8] == PNG


# ------------------------------------------------------------ storage and workers


def test_storage_resumes_with_more_trials(capsys, tmp_path):
    storage = tmp_path / "trials.jsonl"
    args = [
        "--strategy",
        "random",
        "--steps",
        "20",
        "--storage",
        str(storage),
        "--no-plot",
    ]
    _, first, out_dir = search(capsys, tmp_path, *args, "--trials", "4")
    stored = trial_lines(storage)
    assert len(stored) == 4
    before = json.loads((out_dir / "results.json").read_text())["trials"]
    out, rows, out_dir = search(capsys, tmp_path, *args, "--trials", "7")
    assert "4 trials stored, resuming" in out
    after = json.loads((out_dir / "results.json").read_text())["trials"]
    assert len(after) == len(rows) == 7
    assert after[:4] == before  # the first run's trials, as they were
    assert trial_lines(storage)[:4] == stored and len(trial_lines(storage)) == 7


def test_storage_of_another_space_or_steps_exits_2_untouched(capsys, tmp_path):
    storage = tmp_path / "trials.jsonl"
    args = ["--strategy", "random", "--trials", "3", "--steps", "10", "--no-plot"]
    search(capsys, tmp_path, *args, "--storage", str(storage))
    content = storage.read_bytes()
    for other in (["--space", "lr,b2"], ["--steps", "11"], ["--optimizer", "adamw"]):
        with pytest.raises(SystemExit) as exit_:
            main(["search", *args, *other, "--storage", str(storage),
                  "--out", str(tmp_path / "other")])  # fmt: skip
        assert exit_.value.code == 2
        err = capsys.readouterr().err
        assert "--storage" in err and ("another search" in err), err
        assert len(err.splitlines()) == 1, err
        assert storage.read_bytes() == content
    assert not (tmp_path / "other").exists()
    # the settings live in the storage file's header: there is no other file
    assert [p.name for p in tmp_path.iterdir() if p.name != "out"] == [storage.name]
    header = json.loads(storage.read_bytes().splitlines()[0])
    assert header["metadata"] == {
        "problem": "diabetes",
        "optimizer": "adam",
        "strategy": "random",
        "steps": 10,
        "seed": 0,
        "points": None,
    }


def test_workers_give_the_trials_of_a_single_process(capsys, tmp_path):
    # SGD with small learning rates converges, so the batched and the
    # one-at-a-time runs agree to rounding (see TrainedLoss, Exactness)
    args = ["--optimizer", "sgd", "--space", "lr=1e-4:1e-2:log,momentum",
            "--strategy", "random", "--trials", "4", "--steps", "30", "--no-plot"]  # fmt: skip
    out, parallel, _ = search(capsys, tmp_path, *args, "--workers", "2")
    assert "2 processes" in out
    _, serial, _ = search(capsys, tmp_path, *args)
    assert [(r["lr"], r["momentum"]) for r in parallel] == [
        (r["lr"], r["momentum"]) for r in serial
    ]
    np.testing.assert_allclose(
        [float(r["loss"]) for r in parallel],
        [float(r["loss"]) for r in serial],
        rtol=1e-5,
    )


# ------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--strategy", "anneal"], "invalid choice"),
        (["--trials", "0"], "must be an integer >= 1"),
        (["--problem", "mnist"], "unknown problem"),
        (["--optimizer", "lbfgs"], "unknown optimizer"),
        (["--space", "lr,gamma"], "no hyperparameter 'gamma'"),
        (["--space", "lr,lr"], "given twice"),
        (["--space", "lr=1:0.1"], "--space: lr:"),
        (["--space", "lr=a:b"], "must be numbers"),
        (["--space", "lr=1e-3:1:lin"], "LOW:HIGH:log"),
        (["--space", "amsgrad=0:1"], "is a switch"),
        (["--space", "lr="], "expected NAME"),
        (["--points", "3"], "only for --strategy grid"),
    ],
)
def test_bad_options_exit_with_status_2(capsys, tmp_path, argv, message):
    with pytest.raises(SystemExit) as exit_:
        main(["search", *argv, "--out", str(tmp_path / "out")])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_out_must_not_be_a_file(capsys, tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(SystemExit) as exit_:
        main(["search", "--out", str(target)])
    assert exit_.value.code == 2 and "not a directory" in capsys.readouterr().err


# ------------------------------------------------------------ a real command


def test_search_help_as_a_real_command():
    done = subprocess.run(
        [hpo_command(), "search", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    for option in ("--problem", "--optimizer", "--strategy", "--trials", "--points",
                   "--steps", "--space", "--storage", "--workers", "--out",
                   "--no-plot", "diabetes", "rosenbrock"):  # fmt: skip
        assert option in done.stdout


def test_sigkill_mid_search_then_rerun_loses_no_trial(tmp_path):
    storage, n = tmp_path / "trials.jsonl", 24
    command = [hpo_command(), "search", "--trials", str(n), "--steps", "50",
               "--storage", str(storage), "--out", str(tmp_path / "out"), "--no-plot"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            if storage.exists() and storage.read_bytes().count(b'"index"') >= 2:
                break  # at least two trials
            time.sleep(0.01)
        assert process.poll() is None, "the search ended before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL
    kept = trial_lines(storage)  # the complete lines (a last one may be cut)
    assert 2 <= len(kept) < n
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    assert f"{len(kept)} trials stored, resuming" in done.stdout
    rows = trial_lines(storage)
    assert sorted(row["index"] for row in rows) == list(range(n))
    assert rows[: len(kept)] == kept  # nothing lost, nothing rewritten
    document = json.loads((tmp_path / "out" / "results.json").read_text())
    assert len(document["trials"]) == n


def test_ctrl_c_exits_130_and_says_how_to_resume(tmp_path):
    storage = tmp_path / "trials.jsonl"
    command = [hpo_command(), "search", "--trials", "200", "--steps", "50",
               "--storage", str(storage), "--out", str(tmp_path / "out")]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(trial_lines_or_none(storage)) < 2:
            time.sleep(0.01)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert "interrupted" in err and "again to resume" in err
    assert 2 <= len(trial_lines(storage)) < 200
    assert not (tmp_path / "out").exists()  # nothing written for a partial search


def trial_lines_or_none(path):
    return trial_lines(path) if path.exists() and path.stat().st_size else []


@pytest.mark.parametrize(
    ("optimizer", "problem"), [("sgd", "rosenbrock"), ("rmsprop", "diabetes")]
)
def test_the_default_space_is_the_librarys(capsys, tmp_path, optimizer, problem):
    from search import default_space
    from search.space import space_spec

    _, _, out_dir = search(
        capsys, tmp_path, "--optimizer", optimizer, "--problem", problem,
        "--strategy", "random", "--trials", "2", "--steps", "5", "--no-plot",
    )  # fmt: skip
    document = json.loads((out_dir / "results.json").read_text())
    assert document["space"] == space_spec(default_space(optimizer))
