"""`python -m benchmarks --quick` runs end to end: tables on stdout, strict JSON on disk.

The benchmarks assert nothing about speed, and neither does this test: it
checks that the harness runs every suite (optimizers, search, scale,
threads), prints its tables, and writes every expected key, with and
without the peers (torch, optuna), so the benchmarks cannot rot. Targets are
checked to be computed from the measurements, not to be met, and to give no
verdict where the run cannot judge (optuna still in its random start-up).
The busy core of the thread rows is checked to be gone after a block, an
exception, Ctrl-C, and the death of the process that started it; a run
with default settings is checked to limit no thread pool.
"""

import contextlib
import importlib.util
import json
import math
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks import __main__ as cli
from benchmarks import harness
from benchmarks import search as search_suite
from benchmarks.background import busy_core

ROOT = Path(__file__).resolve().parents[1]
HAS_TORCH = importlib.util.find_spec("torch") is not None
HAS_OPTUNA = importlib.util.find_spec("optuna") is not None
OPTIMIZERS = {"SGD", "SGD momentum=0.9", "RMSProp", "Adam", "AdamW"}
DIMS = {2, 1_000, 1_000_000}
PROBLEMS = ["Branin", "Hartmann6", "Adam on diabetes"]
OURS = ["grid", "random", "bayes"]
GP_ROWS = ["optuna GP", "optuna GP, 1 torch thread"]  # torch's default threads, one
# Run the package's __main__ with `import torch` and `import optuna` failing, as
# if not installed (an import hook: a None in sys.modules would break SciPy's
# own torch check).
WITHOUT_TORCH = """
import importlib.abc, runpy, sys

class NoTorch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in ("torch", "optuna"):
            raise ModuleNotFoundError(f"No module named {name!r} (hidden)")

sys.meta_path.insert(0, NoTorch())
sys.argv = ["benchmarks", *sys.argv[1:]]
runpy.run_module("benchmarks", run_name="__main__", alter_sys=True)
"""


def _run(tmp_path, *args, hide_torch=False):
    """Run the benchmarks in a subprocess; return (stdout, parsed JSON)."""
    out = tmp_path / "results.json"
    command = ["-c", WITHOUT_TORCH] if hide_torch else ["-m", "benchmarks"]
    proc = subprocess.run(
        [sys.executable, *command, "--quick", "--json", str(out), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,  # a guard against a hang, not a speed check
    )
    assert proc.returncode == 0, proc.stderr
    # Strict JSON: NaN and Infinity are not JSON, so refuse them.
    data = json.loads(out.read_text(), parse_constant=_refuse)
    return proc.stdout, data


def _refuse(name):
    raise ValueError(f"not strict JSON: {name}")


def _check_scale(stdout, data, torch, gp):
    """The scale suite: large d, batched grid, Bayesian search at n; its targets."""
    tables = data["suites"]["scale"]["tables"]
    assert [t["name"] for t in tables] == ["large_d_adam", "batched_grid", "bayes_at_n"]
    large, batch, bayes = (t["rows"] for t in tables)
    for text in (
        "| d | steps a run | runs | ours (minimize) |",
        "| K configurations |",
    ):
        assert text in stdout
    assert [r["d"] for r in large] == [1_000_000, 10_000_000]
    for row in large:
        timing = row["ours"]
        assert len(timing["times"]) == len(timing["cpu_times"]) == timing["repeats"]
        assert ("target" in row) == torch
        if torch:
            ratio = row["ours"]["median"] / row["torch"]["median"]
            required = {1_000_000: 0.85, 10_000_000: 0.5}[row["d"]]
            _check_target(row["target"], ratio, required, "<=")
            assert row["max_dx"] < 1e-9  # the same float64 math
    assert [r["K"] for r in batch] == [200, 2_000]  # quick mode
    for row in batch:
        assert row["per_config"] == row["time"]["median"] / row["K"]
        assert row["ratio"] == row["per_config"] / batch[0]["per_config"]
        assert 0 < row["finite"] <= row["K"]
    assert "target" not in batch[0]
    _check_target(batch[1]["target"], batch[1]["ratio"], 1.5, "<=")
    methods = ["bayes"] + GP_ROWS * gp
    assert [(r["method"], r["n"]) for r in bayes] == [(m, 200) for m in methods]
    for row in bayes:
        assert len(row["times"]) == len(row["cpu_times"]) == row["trials"]
        assert row["mean"] == pytest.approx(statistics.mean(row["times"]))
    assert ("target" in bayes[0]) == gp
    if gp:
        # against the faster of optuna's two thread settings
        ratio = bayes[0]["mean"] / min(bayes[1]["mean"], bayes[2]["mean"])
        _check_target(bayes[0]["target"], ratio, 0.5, "<=")


def _check_threads(stdout, data):
    """The thread suite: default against one thread, quiet and busy; its targets."""
    (table,) = data["suites"]["threads"]["tables"]
    assert table["name"] == "threads"
    assert "| job | runs | background |" in stdout
    assert "background 'one busy core': a child process" in stdout
    rows = [(r["job"].split(",")[0].split(" (")[0], r["busy"]) for r in table["rows"]]
    assert rows == [  # quick mode: the in-process jobs with the busy core only
        ("hpo search", False),
        ("bayes_search", True),
        ("400-configuration grid", True),
        ("hpo search", True),
    ]
    for row in table["rows"]:
        assert row["ratio"] == row["default"]["median"] / row["one"]["median"]
        assert row["default"]["cpu_median"] > 0 and row["one"]["cpu_median"] > 0
        if row["job"].startswith("hpo search"):
            seconds = 8.0 if row["busy"] else 5.0
            _check_target(row["target"], row["default"]["median"], seconds, "<=")
            assert row["target"]["unit"] == " s"
        else:
            _check_target(row["target"], row["ratio"], 1.2, "<=")


def _tables(data):
    tables = data["suites"]["optimizers"]["tables"]
    assert [t["name"] for t in tables] == ["step_time", "rosenbrock_adam"]
    return tables


def _check_common(stdout, data):
    """What every run prints and writes, with torch or without."""
    for text in ("## Environment", "OPENBLAS_CORETYPE", "| optimizer | d | ours |"):
        assert text in stdout
    assert "| recording | ours (minimize) |" in stdout
    assert "load average (1, 5, 15 min) at the start" in stdout
    assert "BLAS limit for this run: none (default settings" in stdout
    env = data["environment"]
    for key in ("python", "numpy", "scipy", "torch", "cpu_count", "blas", "env"):
        assert key in env
    assert {"name", "threads", "threads_source"} <= set(env["blas"])
    assert "OPENBLAS_CORETYPE" in env["env"]
    assert len(env["load_average"]) == 3
    _check_no_limit(env, data["suites"])
    assert data["config"]["quick"] is True and data["seconds"] > 0
    assert data["config"]["blas_threads"] is None and data["cpu_seconds"] > 0
    steps, rosen = _tables(data)
    assert {(r["optimizer"], r["d"]) for r in steps["rows"]} == {
        (o, d) for o in OPTIMIZERS for d in DIMS
    }
    for row in steps["rows"] + rosen["rows"]:
        timing = row["ours"]
        assert 0 < timing["min"] <= timing["median"] <= timing["max"]
        assert timing["repeats"] == len(timing["times"]) == data["config"]["repeats"]
        assert len(timing["cpu_times"]) == timing["repeats"]
        assert timing["cpu_median"] == statistics.median(timing["cpu_times"])
    assert [r["record"] for r in rosen["rows"]] == [True, False]
    assert all(math.isfinite(r["ours_loss"]) for r in rosen["rows"])
    return steps, rosen


def _check_no_limit(env, suites):
    """Default settings: every suite and table saw each pool as it was at the start.

    A table's pools are read as the suite hands it over, inside any limit
    the suite had set around it.
    """
    start = {p["library"]: p["num_threads"] for p in env["threadpools"]}
    assert any(p["user_api"] == "blas" for p in env["threadpools"])
    for suite in suites.values():
        for pools in [suite["threadpools"]] + [
            t["threadpools"] for t in suite["tables"]
        ]:
            seen = {p["library"]: p["num_threads"] for p in pools}
            assert seen.keys() & start
            assert all(seen[lib] == start[lib] for lib in seen.keys() & start)


def _startup():
    """optuna GPSampler's random start-up trials (its default n_startup_trials)."""
    return search_suite.startup_trials(importlib.import_module("optuna"))


def _check_target(target, ratio, required, op):
    """A target judged in the run from ``ratio``: not hard-coded, not assumed met."""
    met = ratio >= required if op == ">=" else ratio <= required
    assert target["ratio"] == ratio and target["required"] == required
    assert target["op"] == op and target["met"] is met


def _check_search(stdout, data, optuna, gp):
    """The search suite's four tables; ``optuna``/``gp``: whether those peers ran."""
    tables = data["suites"]["search"]["tables"]
    assert [t["name"] for t in tables] == [
        "search_quality",
        "search_overhead",
        "grid_evaluation",
        "tpe_vs_optuna",
        "search_fidelity",
    ]
    quality, overhead, grid, tpe, fidelity = tables
    for text in ("| problem | strategy | regret @ ", "| strategy | per trial (median)"):
        assert text in stdout
    assert "| evaluation | whole grid |" in stdout
    methods = OURS + ["optuna TPE"] * optuna + ["optuna GP"] * gp
    assert [(r["problem"], r["method"]) for r in quality["rows"]] == [
        (p, m) for p in PROBLEMS for m in methods
    ]
    budgets = [
        int(k.split("_")[1]) for k in quality["columns"] if k.startswith("regret_")
    ]
    assert budgets == sorted(budgets) and max(budgets) <= 25  # quick mode
    (seeds,) = {r["seeds"] for r in quality["rows"] if r["method"] != "grid"}
    assert seeds >= 2
    for row in quality["rows"]:
        assert row["seeds"] == (1 if row["method"] == "grid" else seeds)
        for b in budgets:
            r = row[f"regret_{b}"]
            assert len(r["values"]) == row["seeds"]
            assert r["q1"] <= r["median"] <= r["q3"] and math.isfinite(r["median"])
            if row["problem"] != "Adam on diabetes":  # a known global minimum
                assert min(r["values"]) >= -1e-9
        # more evaluations never raise the best value found
        medians = [row[f"regret_{b}"]["median"] for b in budgets]
        assert row["method"] == "grid" or medians == sorted(medians, reverse=True)
        gp_rows = [
            q
            for q in quality["rows"]
            if q["problem"] == row["problem"] and q["method"] == "optuna GP"
        ]
        has_target = row["method"] == "bayes" and row["problem"] != PROBLEMS[2] and gp
        assert ("target" in row) == bool(has_target)
        if has_target:
            # Quick mode: optuna's GP is still in its random start-up trials.
            startup = _startup()
            assert max(budgets) <= startup and gp_rows
            why = f"optuna GP in its {startup} random start-up trials"
            assert row["target"] == {"met": None, "why": why}
            assert f"| no verdict: {why} |" in stdout
    if gp:
        assert f"No verdict in this run: after {max(budgets)} evaluations" in stdout
        assert stdout.count("greenlet is installed, so optuna's GPSampler") >= 2
    peers = ["optuna TPE"] * optuna + GP_ROWS * gp
    assert [r["method"] for r in overhead["rows"]] == ["random", "bayes", *peers]
    for row in overhead["rows"]:
        assert len(row["times"]) == row["trials"] and row["median"] > 0
        assert len(row["cpu_times"]) == row["trials"]
    bayes = overhead["rows"][1]
    assert ("target" in bayes) == gp
    if gp:  # the ratio against the faster of optuna's two thread settings
        fastest = min(r["median"] for r in overhead["rows"] if r["method"] in GP_ROWS)
        assert all(r["gp_ratio"] == fastest / r["median"] for r in overhead["rows"])
    if gp:  # most of optuna's trials random: its median is a random trial's
        startup, n = _startup(), bayes["trials"]
        assert n <= 2 * startup and bayes["target"]["met"] is None
        assert f"No verdict in this run: {startup} of optuna GP's {n} trials" in stdout
    rows = {r["method"]: r for r in grid["rows"]}
    assert list(rows) == ["batched", "loop"] + ["optuna"] * optuna
    batched = rows["batched"]["time"]["median"]
    for name, required in (("loop", 5.0), ("optuna", 10.0)):
        if name in rows:
            row = rows[name]
            ratio = row["time"]["median"] / batched
            _check_target(row["target"], ratio, required, ">=")
            # the same grid, the same values up to rounding, the same best point
            assert row["median_rel"] < 1e-9 and row["n_inf"] == 0
            assert row["best_params"] == rows["batched"]["best_params"]
            assert math.isclose(row["best"], rows["batched"]["best"], rel_tol=1e-9)
    _check_tpe(tpe, optuna)
    _check_fidelity(fidelity, optuna)


def _check_fidelity(table, optuna):
    """Steps to random search's regrets: ratios from the row's own steps, targets judged."""
    methods = ["random", "successive halving", "hyperband", "asha", "hyperband + tpe"]
    methods += ["optuna hyperband pruner"] * optuna
    problems = ["Adam on diabetes", "SGD on Rosenbrock", "SGD on a quadratic"]
    assert [(r["problem"], r["method"]) for r in table["rows"]] == [
        (p, m) for p in problems for m in methods
    ]
    for row in table["rows"]:
        random = next(
            r
            for r in table["rows"]
            if r["problem"] == row["problem"] and r["method"] == "random"
        )
        assert -1 <= row["rho"] <= 1 and not row["rho_top"] > 1
        for key in ("early", "final"):
            assert random[f"steps_{key}"] > 0  # random reaches its own median
            steps = row[f"steps_{key}"]
            ratio = None if steps is None else random[f"steps_{key}"] / steps
            assert row[f"ratio_{key}"] == ratio
        if row["method"] == "random":
            assert "verdict" not in row
        elif row["ratio_final"] is None:
            assert row["verdict"]["met"] is None
        else:
            _check_target(row["verdict"], row["ratio_final"], 5.0, ">=")
        assert ("vs_optuna" in row) == (optuna and row["method"] == "hyperband")
        if "vs_optuna" in row:
            peer = next(
                r["steps_final"]
                for r in table["rows"]
                if r["problem"] == row["problem"]
                and r["method"] == "optuna hyperband pruner"
            )
            ours = row["steps_final"]
            if ours is None:
                assert row["vs_optuna"]["met"] is None
            elif peer is None:
                assert row["vs_optuna"]["met"] is True
            else:
                _check_target(row["vs_optuna"], peer / ours, 1.0, ">=")


def _check_tpe(table, optuna):
    """TPE against optuna's: regrets and times read from the run, targets judged."""
    assert [r["problem"] for r in table["rows"]] == ["Branin", "Hartmann6"]
    for row in table["rows"]:
        names = ["ours", "optuna"] if optuna else ["ours"]
        for name in names:
            regret = row[f"{name}_regret"]
            assert len(regret["values"]) == row["seeds"] >= 2
            assert min(regret["values"]) >= -1e-9 and row[f"{name}_time"] > 0
        assert ("time_target" in row) == optuna
        if optuna:
            ratio = row["optuna_time"] / row["ours_time"]
            _check_target(row["time_target"], ratio, 1.0, ">=")
            ratio = row["ours_regret"]["median"] / row["optuna_regret"]["median"]
            _check_target(row["regret_target"], ratio, 1.0, "<=")


@pytest.mark.slow  # a whole benchmark run in a subprocess
def test_quick_run_prints_tables_and_writes_json(tmp_path):
    stdout, data = _run(tmp_path)
    steps, rosen = _check_common(stdout, data)
    _check_search(stdout, data, optuna=HAS_OPTUNA, gp=HAS_OPTUNA and HAS_TORCH)
    _check_scale(stdout, data, torch=HAS_TORCH, gp=HAS_OPTUNA and HAS_TORCH)
    _check_threads(stdout, data)
    if not HAS_OPTUNA:
        assert "optuna is not installed" in stdout
    if not HAS_TORCH:
        assert "torch is not installed" in stdout
        return
    assert data["environment"]["torch"] and data["environment"]["torch_threads"] >= 1
    assert "torch foreach=False" in stdout and "target" in stdout
    for row in steps["rows"]:
        assert row["ratio_loop"] == row["torch_loop"]["median"] / row["ours"]["median"]
        assert row["max_dx"] < 1e-12  # the same float64 math, 5 steps
    targets = [r for r in steps["rows"] if "target" in r]
    assert [(r["optimizer"], r["d"], r["threads"]) for r in targets] == [
        ("Adam", 1_000_000, 1)
    ]
    _check_target(targets[0]["target"], targets[0]["ratio_loop"], 1.0, ">=")
    for row in rosen["rows"]:
        fastest = min(row["ratio_loop"], row["ratio_default"])
        _check_target(row["target"], fastest, 10.0, ">=")
        assert row["max_dx"] < 1e-9 and math.isclose(
            row["torch_loss"], row["ours_loss"]
        )


@pytest.mark.slow  # a whole benchmark run in a subprocess
def test_quick_run_without_torch_or_optuna_skips_their_columns(tmp_path):
    # The thread suite uses neither torch nor optuna: left out here.
    suites = [
        arg for name in ("optimizers", "search", "scale") for arg in ("--only", name)
    ]
    stdout, data = _run(tmp_path, "--repeats", "1", *suites, hide_torch=True)
    steps, rosen = _check_common(stdout, data)
    _check_search(stdout, data, optuna=False, gp=False)
    _check_scale(stdout, data, torch=False, gp=False)
    assert "threads" not in data["suites"]
    # a note under each table of the search suite and under the Bayes-at-n one
    assert stdout.count("optuna is not installed") == 6
    assert data["environment"]["torch"] is None
    # a note under each optimizer table and under the large-d one
    assert stdout.count("torch is not installed") == 3
    assert "torch foreach=False" not in stdout
    for row in steps["rows"] + rosen["rows"]:
        assert not {"torch_loop", "torch_default", "target"} & set(row)


def test_unknown_suite_is_refused(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--only", "nope"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "invalid choice: 'nope'" in proc.stderr


# --- the busy core -------------------------------------------------------------

# Starts a busy core, prints its pid, and waits to be interrupted or killed;
# once interrupted it stays alive, so only busy_core's own cleanup can have
# ended the loop (not the loop noticing that its parent is gone).
HOLD_BUSY_CORE = """
import time
from benchmarks.background import busy_core
try:
    with busy_core() as proc:
        print(proc.pid, flush=True)
        time.sleep(120)
except KeyboardInterrupt:
    print("interrupted", flush=True)
    time.sleep(120)
"""


def _gone(pid, timeout=30.0):
    """Whether process ``pid`` ended (or is a zombie nobody reaped yet) in ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:  # at least one look, even with timeout=0
        try:
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state in ("Z", "X"):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def test_busy_core_is_killed_after_the_block_and_after_an_exception():
    with busy_core() as proc:
        assert proc.poll() is None  # spinning
    assert proc.returncode == -signal.SIGKILL  # killed and waited for
    with pytest.raises(RuntimeError, match="a failing benchmark"):
        with busy_core() as proc:
            assert proc.poll() is None
            raise RuntimeError("a failing benchmark")
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("how", ["ctrl-c", "sigkill"])
def test_busy_core_is_gone_when_its_parent_is_interrupted_or_killed(how):
    parent = subprocess.Popen(
        [sys.executable, "-c", HOLD_BUSY_CORE],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    pid = int(parent.stdout.readline())
    try:
        assert not _gone(pid, timeout=0.5)  # it runs while its parent does
        if how == "ctrl-c":  # KeyboardInterrupt in the parent: its finally kills
            parent.send_signal(signal.SIGINT)
            assert parent.stdout.readline() == "interrupted\n"
            assert parent.poll() is None  # the parent lives on
        else:  # no finally runs: the loop sees its parent gone and exits
            parent.kill()
        assert _gone(pid)
    finally:  # never leave a spinning process behind, even when the test fails
        parent.kill()
        parent.wait()
        if not _gone(pid, timeout=0):
            with contextlib.suppress(ProcessLookupError):  # ended meanwhile
                os.kill(pid, signal.SIGKILL)  # the busy loop this test started


# --- thread limits: none by default ------------------------------------------

# `python -m benchmarks` with one more suite, the probe below (this module's
# run), in a fresh process: the test session's own BLAS limit (conftest) is
# not inherited.
WITH_PROBE = """
import sys
from benchmarks import SUITES
from benchmarks import __main__ as cli
SUITES["probe"] = "tests.test_benchmarks"
sys.exit(cli.main(sys.argv[1:]))
"""


def run(config, env):
    """A suite for the tests: a table of the BLAS thread counts it runs under."""
    pools = [p for p in harness.threadpools() if p["user_api"] == "blas"]
    yield harness.Table("probe", "Probe", [harness.Column("library", "BLAS")], pools)


def _probe(tmp_path, *args):
    """Run the probe suite alone; return the JSON results."""
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            WITH_PROBE,
            "--only",
            "probe",
            "--json",
            str(out),
            *args,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(out.read_text())


def _blas(pools):
    """Library file name -> thread count, of every BLAS in ``pools``."""
    return {p["library"]: p["num_threads"] for p in pools if p["user_api"] == "blas"}


def test_a_default_run_limits_no_blas_and_the_flag_limits_every_one(tmp_path):
    data = _probe(tmp_path)
    start = _blas(data["environment"]["threadpools"])
    assert max(start.values()) > 1  # else a limit of 1 could not be told apart
    inside = _blas(data["suites"]["probe"]["tables"][0]["rows"])
    assert inside == start and data["config"]["blas_threads"] is None
    data = _probe(tmp_path, "--blas-threads", "1")
    inside = _blas(data["suites"]["probe"]["tables"][0]["rows"])
    assert inside.keys() == start.keys() and set(inside.values()) == {1}
    assert data["config"]["blas_threads"] == 1


def test_blas_limit_applies_in_its_block_only():
    before = _blas(harness.threadpools())
    with harness.blas_limit(None):
        assert _blas(harness.threadpools()) == before
    with harness.blas_limit(3):  # not the session's limit (conftest: 1)
        assert set(_blas(harness.threadpools()).values()) == {3}
    assert _blas(harness.threadpools()) == before


def test_blas_threads_must_be_positive(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.parse(["--blas-threads", "0"])
    assert exit_.value.code == 2
    assert "--blas-threads must be >= 1, got 0" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["text", "other json", "directory", "no folder"])
def test_json_path_that_is_not_ours_is_refused_before_any_suite_runs(
    tmp_path, capsys, kind
):
    path = tmp_path / "README.md"
    if kind == "text":
        path.write_text("# my notes\n")
    elif kind == "other json":
        path.write_text('{"name": "my package"}\n')
    elif kind == "directory":
        path.mkdir()
    else:
        path = tmp_path / "missing" / "results.json"
    before = path.read_text() if path.is_file() else None
    with pytest.raises(SystemExit) as exit_:
        cli.parse(["--json", str(path)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]  # after the usage, a one-line error
    assert last.startswith(f"python -m benchmarks: error: --json {path}: ")
    if before is not None:
        assert path.read_text() == before  # left as it was
    assert not (tmp_path / "missing").exists()


def test_a_previous_results_file_is_replaced_whole(tmp_path):
    path = tmp_path / "results.json"
    harness.write_json(path, {"environment": {"old": 1}, "suites": {}})
    assert cli.parse(["--json", str(path)]).json == path  # ours: accepted
    harness.write_json(path, {"environment": {"new": 2}, "suites": {"a": None}})
    assert json.loads(path.read_text()) == {
        "environment": {"new": 2},
        "suites": {"a": None},
    }
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]  # no temporary left


# --- targets --------------------------------------------------------------------


def test_a_target_is_judged_from_the_measured_value_both_ways():
    assert harness.target(10.0, 10.0)["met"] and not harness.target(9.9, 10.0)["met"]
    assert harness.target(0.5, 0.5, "<=")["met"]
    assert not harness.target(0.51, 0.5, "<=")["met"]
    assert harness.fmt_target(harness.target(0.4, 0.5, "<=")) == "met (<= 0.5x)"
    assert harness.fmt_target(harness.target(9.0, 8.0, "<=", " s")) == (
        "not met (<= 8 s)"
    )
    assert harness.fmt_target(harness.no_verdict("why")) == "no verdict: why"
    with pytest.raises(ValueError, match="op must be"):
        harness.target(1.0, 1.0, "<")


def _quality_rows(gp_regret):
    """A Branin bayes row and an optuna GP row, with median regrets at 10."""
    return [
        {"problem": "Branin", "method": m, "regret_10": {"median": r}}
        for m, r in (("bayes", 1.0), ("optuna GP", gp_regret))
    ]


@pytest.mark.parametrize("startup", [10, 11])
def test_no_quality_verdict_while_optuna_is_in_its_start_up_trials(startup):
    rows = _quality_rows(2.0)
    search_suite.quality_targets(rows, 10, startup)
    why = f"optuna GP in its {startup} random start-up trials"
    assert rows[0]["target"] == {"met": None, "why": why}


@pytest.mark.parametrize(("gp_regret", "met"), [(2.0, True), (0.5, False)])
def test_quality_verdict_once_optuna_models(gp_regret, met):
    rows = _quality_rows(gp_regret)
    search_suite.quality_targets(rows, 10, 9)
    assert rows[0]["target"] == {"ours": 1.0, "optuna_gp": gp_regret, "met": met}
