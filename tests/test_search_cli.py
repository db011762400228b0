"""Tests of the ``hpo`` command line (search/cli/), in-process and as a real command.

The oracles are independent of the code under test: the start loss of
Rosenbrock computed by hand, the closed-form least-squares solution computed
here with an explicit column of ones, and the PNG file signature.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from search.cli import main
from surfaces import load_diabetes, split

ROSENBROCK_START_LOSS = 24.2  # 100 (1 - 1.2^2)^2 + (1 + 1.2)^2 = 19.36 + 4.84


def run(capsys, *argv):
    """Run ``hpo descend ARGV`` in-process; return (stdout, rows by optimizer)."""
    assert main(["descend", *argv]) == 0
    out = capsys.readouterr().out
    return out, parse_table(out)


def parse_table(out):
    """Rows of the printed table as dicts keyed by the header, by first cell."""
    lines = out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("optimizer"))
    assert set(lines[head + 1]) <= {"-", " "}, "a rule under the header"
    headers = re.split(r"\s{2,}", lines[head])
    rows = {}
    for line in lines[head + 2 :]:
        if not line.strip():
            break
        cells = re.split(r"\s{2,}", line.strip())
        assert len(cells) == len(headers), line
        rows[cells[0]] = dict(zip(headers, cells, strict=True))
    return rows


def hpo_command():
    """The installed console script of this interpreter (pip install -e .)."""
    beside = Path(sys.executable).with_name("hpo")
    found = str(beside) if beside.exists() else shutil.which("hpo")
    assert found, "the hpo console script is not installed: pip install -e ."
    return found


def test_descend_help_as_a_real_command():
    done = subprocess.run(
        [hpo_command(), "descend", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    for option in (
        "--surface",
        "--optimizers",
        "--lr",
        "--steps",
        "--start",
        "--seed",
        "--plot",
        "linreg",
        "rosenbrock",
    ):
        assert option in done.stdout


def test_top_level_help_lists_descend(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    assert "descend" in capsys.readouterr().out


def test_default_run_makes_progress_on_rosenbrock(capsys):
    out, rows = run(capsys)
    assert "rosenbrock" in out.splitlines()[0]
    assert list(rows)[:3] == ["sgd", "rmsprop", "adam"]
    start_dist = np.hypot(1 - (-1.2), 1 - 1)  # from (-1.2, 1) to (1, 1)
    for name in ("sgd", "rmsprop", "adam"):
        row = rows[name]
        assert row["steps"] == "2000" and row["diverged"] == "no"
        assert float(row["final loss"]) < ROSENBROCK_START_LOSS / 100
        # real progress along the valley: within 0.25 of (1, 1) (measured:
        # sgd 2e-4, adam 0.06, rmsprop 0.11), from 2.2 away
        assert float(row["dist to minimizer"]) < 0.25 < start_dist
    assert rows["(minimizer)"]["final loss"] == "0"


def test_start_option_and_start_loss(capsys):
    out, rows = run(capsys, "--start=0,0", "--optimizers", "adam", "--steps", "5")
    assert "x0 = (0, 0)" in out
    assert "f(x0) = 1;" in out  # Rosenbrock at the origin: (1 - 0)^2
    assert list(rows) == ["adam", "(minimizer)"]
    assert float(rows["adam"]["final loss"]) < 1


def closed_form_loss(seed):
    """Least squares with an explicit ones column on the training part: f*."""
    X, y, _ = load_diabetes(scaled=True)
    part = split(X, y, rng=seed)
    A = np.column_stack([part.X_train, np.ones(len(part.y_train))])  # (n, 11)
    w = np.linalg.lstsq(A, part.y_train, rcond=None)[0]
    return np.mean((A @ w - part.y_train) ** 2) / 2


def test_linreg_reaches_the_closed_form(capsys):
    out, rows = run(capsys, "--surface", "linreg")
    f_star = closed_form_loss(seed=0)
    assert f"f* = {f_star:.6g}" in out
    # losses are printed to 6 significant digits: relative rounding <= 5e-6
    assert float(rows["(closed form)"]["final loss"]) == pytest.approx(f_star, 5e-6)
    for name in ("sgd", "adam"):
        # Measured at the defaults (seed 0, 1000 steps): about 1.5e-13 for
        # both, the rounding level of weights of size ~150; 1e-6 is a margin.
        assert float(rows[name]["dist to closed form"]) < 1e-6
        assert float(rows[name]["f - f*"]) < 1e-9 * f_star
        assert float(rows[name]["final loss"]) == pytest.approx(f_star, rel=5e-6)
    # no optimizer does better than the minimum, beyond rounding
    for name in ("sgd", "rmsprop", "adam"):
        assert float(rows[name]["f - f*"]) >= -1e-12 * f_star


def test_linreg_seed_changes_the_split(capsys):
    out0, _ = run(capsys, "--surface", "linreg", "--steps", "1", "--seed", "0")
    out1, _ = run(capsys, "--surface", "linreg", "--steps", "1", "--seed", "1")
    assert f"f* = {closed_form_loss(1):.6g}" in out1
    assert out0 != out1


def test_plot_writes_a_png(capsys, tmp_path):
    target = tmp_path / "out.png"
    out, _ = run(capsys, "--steps", "100", "--plot", str(target))
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 10_000
    assert f"wrote {target}" in out


def test_plot_of_linreg_writes_a_png(capsys, tmp_path):
    target = tmp_path / "linreg.png"
    run(capsys, "--surface", "linreg", "--steps", "50", "--plot", str(target))
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


@pytest.mark.filterwarnings("error")
def test_divergence_is_a_row_not_a_crash(capsys, tmp_path):
    target = tmp_path / "div.png"
    _, rows = run(
        capsys,
        "--lr",
        "10",
        "--optimizers",
        "sgd",
        "--steps",
        "50",
        "--plot",
        str(target),
    )
    assert rows["sgd"]["final loss"] == "inf"
    assert rows["sgd"]["diverged"].startswith("yes")
    assert target.stat().st_size > 10_000


@pytest.mark.filterwarnings("error")
def test_divergence_to_huge_values_plots_without_warnings(capsys, tmp_path):
    # On Goldstein-Price SGD's last finite loss is near the float64 maximum,
    # which made matplotlib's log-axis autoscaling overflow.
    target = tmp_path / "gp.png"
    _, rows = run(
        capsys,
        "--surface",
        "goldstein_price",
        "--optimizers",
        "sgd,adam",
        "--steps",
        "100",
        "--plot",
        str(target),
    )
    assert rows["sgd"]["diverged"].startswith("yes")
    assert rows["adam"]["diverged"] == "no"
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--surface", "nosuch"], "known: quadratic, rosenbrock"),
        (["--optimizers", "sgd,nadam"], "unknown optimizer 'nadam'; known: sgd"),
        (["--lr", "-1"], "--lr"),
        (["--lr", "nan"], "--lr"),
        (["--steps", "0"], "--steps"),
        (["--steps", "2.5"], "--steps"),
        (["--seed", "-1"], "--seed"),
        (["--start", "1,2,3"], "d = 2 coordinates, got 3"),
        (["--start", "1,x"], "--start"),
        (["--plot", "/no/such/dir/out.png"], "does not exist"),
        (["--plot", "out.xyz"], "needs an image extension, one of: "),
    ],
)
def test_bad_options_exit_with_status_2(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_:
        main(["descend", *argv])
    assert exit_.value.code == 2
    out, err = capsys.readouterr()
    assert "hpo descend: error:" in err and message in err
    assert out == ""  # rejected before any training


def test_no_command_exits_with_status_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        main([])
    assert exit_.value.code == 2


def test_import_does_not_load_matplotlib():
    code = "import search.cli, sys; assert 'matplotlib' not in sys.modules"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_descend_trains_with_the_library_defaults(capsys):
    from search import default_hyperparameters
    from surfaces import LinearRegression

    _, rows = run(capsys, "--surface", "linreg", "--steps", "1", "--seed", "2")
    X, y, _ = load_diabetes(scaled=True)
    part = split(X, y, rng=2)
    train = LinearRegression(part.X_train, part.y_train, intercept=True)
    for name in ("sgd", "rmsprop", "adam"):
        settings = default_hyperparameters(name, train)
        shown = ", ".join(f"{k}={v:.4g}" for k, v in settings.items())
        assert rows[name]["hyperparameters"] == shown


def test_import_search_does_not_load_argparse():
    code = "import search, sys; assert 'argparse' not in sys.modules"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_python_dash_m_runs_the_command(tmp_path):
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-m", "search.cli", "descend", "--steps", "3"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(root)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("hpo descend: rosenbrock (d = 2), 3 steps")
