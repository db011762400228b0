"""Careless input to ``hpo``, tried through the real command as a new user would.

Each case of the first-contact review: the command must end with one line on
standard error (no traceback, no usage block) and exit status 2 before any
training, leave every file it did not create byte for byte, and write no
settings file of its own; a search whose every trial failed exits 1.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UNWRITABLE = Path("/proc/hpo-test")  # not even root may create files in /proc


def hpo(*argv, cwd):
    """Run the installed ``hpo`` console script; return the CompletedProcess."""
    beside = Path(sys.executable).with_name("hpo")
    command = str(beside) if beside.exists() else shutil.which("hpo")
    assert command, "the hpo console script is not installed: pip install -e ."
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [command, *argv], capture_output=True, text=True, timeout=120, cwd=cwd, env=env
    )


def one_line_error(done, status=2):
    """The run failed with ``status`` and said why in one line: return that line."""
    assert done.returncode == status, (done.returncode, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr and "usage:" not in done.stderr
    return lines[0]


# ------------------------------------------------------------ files it did not write


@pytest.mark.parametrize(
    "content",
    [
        b"remember the milk",  # a one-line note without a newline
        b'{"lr":0.1,"steps":200}',  # a compact JSON config without a final newline
        bytes(range(256)) * 40,  # 10 KB of binary
    ],
    ids=["one-line text", "compact json", "binary"],
)
def test_storage_on_a_file_it_did_not_write_is_refused_untouched(tmp_path, content):
    notes = tmp_path / "notes.txt"
    notes.write_bytes(content)
    done = hpo("search", "--storage", str(notes), "--trials", "2", cwd=tmp_path)
    line = one_line_error(done)
    assert "--storage" in line and "not a trials file of this project" in line
    assert notes.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    assert "trial" not in done.stdout  # refused before the search began


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_storage_on_a_fifo_is_refused_without_hanging(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    line = one_line_error(hpo("search", "--storage", "pipe", cwd=tmp_path))
    assert "not a regular file" in line


def test_rerun_with_other_steps_is_refused_and_there_is_one_file(tmp_path):
    args = ["search", "--strategy", "random", "--trials", "3", "--no-plot"]
    first = hpo(*args, "--steps", "10", "--storage", "t.jsonl", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    content = (tmp_path / "t.jsonl").read_bytes()
    done = hpo(*args, "--steps", "20", "--storage", "t.jsonl", cwd=tmp_path)
    line = one_line_error(done)
    assert "'steps': file 10, now 20" in line
    assert (tmp_path / "t.jsonl").read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "hpo-search-results",
        "t.jsonl",
    ]


def test_a_cut_last_line_is_one_warning_line(tmp_path):
    args = ["search", "--strategy", "random", "--steps", "10", "--no-plot"]
    assert (
        hpo(*args, "--trials", "3", "--storage", "t.jsonl", cwd=tmp_path).returncode
        == 0
    )
    with open(tmp_path / "t.jsonl", "ab") as file:
        file.write(b'{"index": 3, "par')  # a crash while writing a line
    done = hpo(*args, "--trials", "4", "--storage", "t.jsonl", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    warning = [line for line in done.stderr.splitlines() if "warning" in line]
    assert len(warning) == 1 and warning[0].startswith("hpo: warning: ")
    # lines: the header, the round of 3, its 3 trials; then the cut one
    assert "line 6 is incomplete" in warning[0] and "warnings.warn" not in done.stderr


def test_a_cut_file_of_other_settings_is_refused_without_a_warning(tmp_path):
    args = ["search", "--strategy", "random", "--no-plot", "--trials", "3"]
    assert (
        hpo(*args, "--steps", "10", "--storage", "t.jsonl", cwd=tmp_path).returncode
        == 0
    )
    with open(tmp_path / "t.jsonl", "ab") as file:
        file.write(b'{"index": 3, "par')
    content = (tmp_path / "t.jsonl").read_bytes()
    done = hpo(*args, "--steps", "20", "--storage", "t.jsonl", cwd=tmp_path)
    assert "'steps': file 10, now 20" in one_line_error(done)  # no "overwritten"
    assert (tmp_path / "t.jsonl").read_bytes() == content


# ------------------------------------------------------------ sizes and ranges


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--workers", "100000"], "--workers: at most"),
        (["--strategy", "grid", "--points", "100000"], "a grid of 10,000,000,000"),
        (["--steps", "100000000000000000000"], "--steps: at most 100,000"),
        (["--strategy", "grid", "--points", "100", "--steps", "100000"], "record"),
        (["--space", "lr=-1:1"], "lr must be finite and in [0, inf), got -1.0"),
        (["--space", "b1=a|b"], "b1 must be a number, got 'a'"),
        (["--space", "lr,b1=0:1"], "b1 must be finite and in [0, 1), got 1.0"),
        (["--space", "lr,batch_size=1:100000"], "batch_size must be in [1, "),
        (["--space", "lr,steps=10:1000000"], "steps: at most 100,000"),
        (["--space", "lr,steps=100|1000000"], "steps: at most 100,000, got 1,000,000"),
        (["--storage", "hpo-search-results/results.json"], "one of the files --out"),
        (["--space", "amsgrad=yes|no"], "a switch takes True or False"),
        (["--out", str(UNWRITABLE)], "--out: cannot write in /proc"),
        (["--storage", str(UNWRITABLE / "t.jsonl")], "--storage: directory"),
        (["--storage", "/proc/t.jsonl"], "--storage: cannot write"),
    ],
)
def test_careless_input_fails_in_one_line_before_training(tmp_path, argv, message):
    done = hpo("search", *argv, cwd=tmp_path)
    line = one_line_error(done)
    assert line.startswith("hpo search: error: argument --") and message in line, line
    assert done.stdout == ""  # nothing ran: not even the header was printed
    assert list(tmp_path.iterdir()) == []


def test_descend_with_too_many_steps_fails_in_one_line(tmp_path):
    done = hpo("descend", "--steps", "100000000000000000000", cwd=tmp_path)
    assert "--steps: at most 100,000" in one_line_error(done)
    assert done.stdout == ""


def test_fixed_steps_in_the_space_run(tmp_path):
    done = hpo(
        "search", "--space", "lr,steps=5", "--strategy", "random", "--trials", "2",
        "--no-plot", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_descend_plot_in_an_unwritable_place_fails_before_training(tmp_path):
    done = hpo("descend", "--plot", "/proc/paths.png", cwd=tmp_path)
    assert "--plot: cannot write /proc/paths.png" in one_line_error(done)
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("argv", "says", "n_failed"),
    [
        # each value is valid alone, but SGD's nesterov needs momentum > 0 (default 0)
        (
            ["--space", "lr,nesterov=True", "--steps", "5"],
            [
                "hpo search: error: all 3 trials failed",
                "nesterov=True needs momentum > 0",
            ],
            3,
        ),
        # learning rates far above 2 / L: every trial diverges
        (
            ["--space", "lr=1:10", "--steps", "500"],
            ["no trial of 3 ended with a finite value (0 failed, 3 diverged)"],
            0,
        ),
    ],
    ids=["failed", "diverged"],
)
def test_a_search_with_no_finite_trial_exits_1_and_says_why(
    tmp_path, argv, says, n_failed
):
    done = hpo(
        "search", "--optimizer", "sgd", "--strategy", "random", "--trials", "3",
        "--no-plot", *argv, cwd=tmp_path,
    )  # fmt: skip
    line = one_line_error(done, status=1)
    assert line.startswith("hpo search: error: ")
    for text in says:
        assert text in line
    document = json.loads((tmp_path / "hpo-search-results/results.json").read_text())
    assert document["n_failed"] == n_failed  # the record is written all the same


def test_a_far_start_prints_inf_without_a_runtime_warning(tmp_path):
    done = hpo("descend", "--start=1e308,1e308", "--steps", "5", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and "inf" in done.stdout


# ------------------------------------------------------------ small things


def test_version_names_the_installed_distribution(tmp_path):
    from importlib.metadata import version

    done = hpo("--version", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.strip() == f"hpo {version('hpo-from-scratch')}"


def test_help_imports_neither_scipy_nor_matplotlib():
    # what keeps `hpo --help` fast: SciPy and matplotlib load only when used
    code = (
        "import sys; from search.cli import build_parser; build_parser(); "
        "print(sorted(m for m in ('scipy', 'matplotlib') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_grid_size_check_counts_each_axis_distinct_values():
    from search.cli.tune_setup import _grid_size
    from search.space import Categorical, Integer, Real

    # 10 points even in log over [1, 20], by hand: 1, 1.39, 1.95, 2.71, 3.78,
    # 5.27, 7.33, 10.2, 14.3, 20, rounded: 1 twice, so 9 distinct integers
    space = {
        "steps": Integer(1, 20, log=True),
        "lr": Real(0.1, 1.0),
        "opt": Categorical(["a", "b"]),
    }
    assert _grid_size(space, 10) == 9 * 10 * 2
    # past the limit: counted, not built
    assert _grid_size({"k": Integer(1, 5)}, 100_000) == 5
    assert _grid_size({"x": Real(0.0, 1.0), "y": Real(0.0, 1.0)}, 100_000) == 10**10
