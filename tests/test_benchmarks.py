"""`python -m benchmarks --quick` runs end to end: tables on stdout, strict JSON on disk.

The benchmarks assert nothing about speed, and neither does this test: it
checks that the harness runs every suite (optimizers, search), prints its
tables, and writes every expected key, with and without the peers (torch,
optuna), so the benchmarks cannot rot. Targets are checked to be computed
from the measurements, not to be met.
"""

import importlib.util
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HAS_TORCH = importlib.util.find_spec("torch") is not None
HAS_OPTUNA = importlib.util.find_spec("optuna") is not None
OPTIMIZERS = {"SGD", "SGD momentum=0.9", "RMSProp", "Adam", "AdamW"}
DIMS = {2, 1_000, 1_000_000}
PROBLEMS = ["Branin", "Hartmann6", "Adam on diabetes"]
OURS = ["grid", "random", "bayes"]
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
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    # Strict JSON: NaN and Infinity are not JSON, so refuse them.
    data = json.loads(out.read_text(), parse_constant=_refuse)
    return proc.stdout, data


def _refuse(name):
    raise ValueError(f"not strict JSON: {name}")


def _tables(data):
    tables = data["suites"]["optimizers"]["tables"]
    assert [t["name"] for t in tables] == ["step_time", "rosenbrock_adam"]
    return tables


def _check_common(stdout, data):
    """What every run prints and writes, with torch or without."""
    for text in ("## Environment", "OPENBLAS_CORETYPE", "| optimizer | d | ours |"):
        assert text in stdout
    assert "| recording | ours (minimize) |" in stdout
    env = data["environment"]
    for key in ("python", "numpy", "scipy", "torch", "cpu_count", "blas", "env"):
        assert key in env
    assert {"name", "threads", "threads_source"} <= set(env["blas"])
    assert "OPENBLAS_CORETYPE" in env["env"]
    assert data["config"]["quick"] is True and data["seconds"] > 0
    steps, rosen = _tables(data)
    assert {(r["optimizer"], r["d"]) for r in steps["rows"]} == {
        (o, d) for o in OPTIMIZERS for d in DIMS
    }
    for row in steps["rows"] + rosen["rows"]:
        timing = row["ours"]
        assert 0 < timing["min"] <= timing["median"] <= timing["max"]
        assert timing["repeats"] == len(timing["times"]) == data["config"]["repeats"]
    assert [r["record"] for r in rosen["rows"]] == [True, False]
    assert all(math.isfinite(r["ours_loss"]) for r in rosen["rows"])
    return steps, rosen


def _check_search(stdout, data, optuna, gp):
    """The search suite's three tables; ``optuna``/``gp``: whether those peers ran."""
    tables = data["suites"]["search"]["tables"]
    assert [t["name"] for t in tables] == [
        "search_quality",
        "search_overhead",
        "grid_evaluation",
    ]
    quality, overhead, grid = tables
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
            ours = row[f"regret_{max(budgets)}"]["median"]
            theirs = gp_rows[0][f"regret_{max(budgets)}"]["median"]
            assert row["target"] == {
                "ours": ours,
                "optuna_gp": theirs,
                "met": ours <= theirs,
            }
    assert [r["method"] for r in overhead["rows"]] == ["random", "bayes"] + methods[3:]
    for row in overhead["rows"]:
        assert len(row["times"]) == row["trials"] and row["median"] > 0
    bayes = overhead["rows"][1]
    assert ("target" in bayes) == gp
    if gp:
        ratio = overhead["rows"][-1]["median"] / bayes["median"]
        assert bayes["target"] == {"ratio": ratio, "required": 1.0, "met": ratio >= 1}
    rows = {r["method"]: r for r in grid["rows"]}
    assert list(rows) == ["batched", "loop"] + ["optuna"] * optuna
    batched = rows["batched"]["time"]["median"]
    for name, required in (("loop", 5.0), ("optuna", 10.0)):
        if name in rows:
            row = rows[name]
            ratio = row["time"]["median"] / batched
            assert row["target"] == {
                "ratio": ratio,
                "required": required,
                "met": ratio >= required,
            }
            # the same grid, the same values up to rounding, the same best point
            assert row["median_rel"] < 1e-9 and row["n_inf"] == 0
            assert row["best_params"] == rows["batched"]["best_params"]
            assert math.isclose(row["best"], rows["batched"]["best"], rel_tol=1e-9)


@pytest.mark.slow  # a whole benchmark run in a subprocess
def test_quick_run_prints_tables_and_writes_json(tmp_path):
    stdout, data = _run(tmp_path)
    steps, rosen = _check_common(stdout, data)
    _check_search(stdout, data, optuna=HAS_OPTUNA, gp=HAS_OPTUNA and HAS_TORCH)
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
    assert targets[0]["target"]["met"] == (targets[0]["ratio_loop"] >= 1)
    for row in rosen["rows"]:
        fastest = min(row["ratio_loop"], row["ratio_default"])
        assert row["target"] == {
            "ratio": fastest,
            "required": 10.0,
            "met": fastest >= 10,
        }
        assert row["max_dx"] < 1e-9 and math.isclose(
            row["torch_loss"], row["ours_loss"]
        )


@pytest.mark.slow  # a whole benchmark run in a subprocess
def test_quick_run_without_torch_or_optuna_skips_their_columns(tmp_path):
    stdout, data = _run(tmp_path, "--repeats", "1", hide_torch=True)
    steps, rosen = _check_common(stdout, data)
    _check_search(stdout, data, optuna=False, gp=False)
    assert stdout.count("optuna is not installed") == 3  # a note under each table
    assert data["environment"]["torch"] is None
    assert stdout.count("torch is not installed") == 2  # a note under each table
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
