"""Thread benchmarks: default settings against one BLAS thread, quiet and busy.

NumPy and SciPy each load a BLAS with a thread per core. On the small
matrices of this project (a 30-point Gaussian process, 400 configurations
of 11 weights) those threads gain little, and when another program keeps a
core busy they wait on each other. One table, each row a job timed with the
default settings and with every BLAS limited to one thread, side by side:

* ``bayes_search``, 30 trials on the diabetes objective (in this process);
* a 400-configuration grid, ``grid_search`` of Adam on diabetes (in this process);
* ``hpo search``, the README's command with no options, as a whole process
  (``python -m search.cli search``, this interpreter), writing into a
  temporary directory;

each with nothing started in the background and with one busy core (a
spinning child process, :func:`benchmarks.background.busy_core`). With
``--quick`` the in-process jobs run with the busy core only.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks import harness
from benchmarks import search as search_suite
from benchmarks.background import background
from benchmarks.harness import Column, Table
from search import bayes_search, default_space, grid_search

ROOT = Path(__file__).resolve().parents[1]  # the source tree the child runs
BAYES_TRIALS = 30
GRID_POINTS = 20  # 20 x 20 = 400 configurations
STEPS = 200  # Adam steps a trial, as hpo search's default
REPEATS = 3  # at most, timed runs of each job and setting (quick: 1)
THREADS_TARGET = 1.2  # default / one thread with a busy core, at most
HPO_COMMAND = ("search",)  # the README's `hpo search`: no options
HPO_TARGETS = {False: 5.0, True: 8.0}  # default wall seconds, quiet / busy, at most
HPO_TIMEOUT = 600.0
ONE_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")


def run(config: harness.Config, env: dict):
    """Yield the one table: every job, default against one thread, quiet and busy."""
    yield threads_table(config, env)


def _jobs(config) -> dict:
    """Job name -> (where it runs, default run(n), one-thread run(n), warm-up)."""
    objective = search_suite.diabetes_objective(STEPS)
    space, grid_space = default_space("adam"), search_suite.adam_space()

    def bayes(trials):
        return lambda: bayes_search(objective, space, trials, seed=0)

    def grid(points):
        return lambda: grid_search(objective, grid_space, points=points)

    hpo = [sys.executable, "-m", "search.cli", *HPO_COMMAND]
    limit = config.blas_threads
    return {
        f"bayes_search, {BAYES_TRIALS} trials on diabetes": (
            "in-process",
            _in_process(bayes(BAYES_TRIALS), None),
            _in_process(bayes(BAYES_TRIALS), 1),
            bayes(6),  # past the 5 initial points: imports SciPy, fits the GP
        ),
        f"{GRID_POINTS**2}-configuration grid (Adam on diabetes)": (
            "in-process",
            _in_process(grid(GRID_POINTS), None),
            _in_process(grid(GRID_POINTS), 1),
            grid(5),
        ),
        "hpo search (the README's command)": (
            "whole process",
            _child(hpo, limit),
            _child(hpo, 1),
            _child([*hpo, "--trials", "6"], limit),
        ),
    }


def _in_process(job, threads: int | None):
    """``run(n)``: ``job()`` ``n`` times, every BLAS limited to ``threads`` (None: as is)."""

    def run(n):
        with harness.blas_limit(threads):
            for _ in range(n):
                job()

    return run


def _child(command: list, threads: int | None):
    """``run(n)``: ``command`` ``n`` times as a child process writing to a temporary dir.

    With ``threads`` the child's BLAS is limited through the variables it
    reads at start-up; without, its environment is this process's own.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT), env.get("PYTHONPATH")])
    )
    if threads is not None:
        env.update(dict.fromkeys(ONE_THREAD_VARS, str(threads)))

    def run(n=1):
        for _ in range(n):
            with tempfile.TemporaryDirectory(prefix="hpo-benchmark-") as tmp:
                proc = subprocess.run(
                    [*command, "--out", os.path.join(tmp, "out")],
                    cwd=tmp,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=HPO_TIMEOUT,
                )
            if proc.returncode != 0:
                raise RuntimeError(f"{' '.join(command)} failed: {proc.stderr}")

    return run


def threads_table(config, env: dict) -> Table:
    """Each job with the default settings and at one BLAS thread, quiet and busy."""
    jobs = _jobs(config)
    repeats = 1 if config.quick else min(config.repeats, REPEATS)
    for _, _, _, warmup in jobs.values():
        warmup()  # imports, first calls, files in the page cache: untimed
    rows = []
    for busy in (False, True):
        with background(busy):
            for name, (where, default, one, _) in jobs.items():
                in_process = where == "in-process"
                if config.quick and in_process and not busy:
                    continue  # --quick: the in-process jobs with the busy core only
                load = (harness.load_average() or [None])[0]
                timings = harness.measure(
                    {"default": default, "one": one}, repeats, warmup=False
                )
                rows.append(_row(name, where, busy, load, timings))
    return Table(
        name="threads",
        title="Default settings against one BLAS thread, with nothing and with one "
        "busy core in the background (default/one thread near 1: the defaults "
        "cost nothing)",
        columns=[
            Column("job", "job"),
            Column("where", "runs"),
            Column("background", "background"),
            Column("load", "load (1 min) before", lambda v: f"{v:.2f}"),
            Column("default", _default_header(config), harness.fmt_timing),
            Column("one", "one BLAS thread", harness.fmt_timing),
            Column("ratio", "default/one thread", lambda r: f"{r:.3g}"),
            Column("target", "target", harness.fmt_target),
        ],
        rows=rows,
        notes=_notes(config, env, repeats),
    )


def _default_header(config) -> str:
    if config.blas_threads is None:
        return "default settings"
    return f"--blas-threads {config.blas_threads}"


def _row(name: str, where: str, busy: bool, load, timings: dict) -> dict:
    """The row of one job in one background, with its target judged."""
    default, one = timings["default"].to_dict(), timings["one"].to_dict()
    row = {
        "job": name,
        "where": where,
        "background": "one busy core" if busy else "none",
        "busy": busy,
        "load": load,
        "default": default,
        "one": one,
        "ratio": default["median"] / one["median"],
    }
    if where == "whole process":  # hpo search: its wall time with the defaults
        row["target"] = harness.target(
            default["median"], HPO_TARGETS[busy], "<=", unit=" s"
        )
    elif busy:
        row["target"] = harness.target(row["ratio"], THREADS_TARGET, "<=")
    return row


def _notes(config, env: dict, repeats: int) -> list[str]:
    blas = env["blas"]["threads"]
    return [
        f"Time: the whole job, median of {repeats} run(s) of each setting, the "
        "two settings taking turns, after one untimed smaller run of each job "
        "(imports, first calls, files in the page cache); ± half the min-max "
        "range relative to the median; CPU: all threads of this process and of "
        "the waited-for child (hpo search), so spinning BLAS threads show as "
        "CPU time above the wall time."
        + (
            " Quick mode: one run each, and the in-process jobs with the busy "
            "core only."
            if config.quick
            else ""
        ),
        "default settings: the BLAS libraries as loaded "
        + (
            f"({blas} threads each at the start, see the environment); nothing "
            "is limited by the benchmark."
            if config.blas_threads is None
            else f"under this run's --blas-threads {config.blas_threads} (in "
            "the child: the variables below set to it)."
        )
        + " one BLAS thread: in this process, threadpoolctl.threadpool_limits(1, "
        "user_api='blas') around the job; for the child, "
        + ", ".join(f"{v}=1" for v in ONE_THREAD_VARS)
        + " in its environment.",
        "background 'one busy core': a child process started for these rows, "
        "this interpreter running `python -c` with a spin loop (`while True: "
        "pass`, which also checks every million iterations that its parent is "
        "alive and exits if not), killed and waited for when the rows end, "
        "however they end. 'none': "
        "nothing started; the load column shows what else ran (1-minute load "
        "average before the row).",
        f"bayes_search: search.bayes_search(objective, default_space('adam'), "
        f"{BAYES_TRIALS}, seed=0) with objective TrainedLoss(Adam, diabetes "
        f"training part, val=its validation part, steps={STEPS}): the job of "
        "hpo search without the command line. grid: search.grid_search("
        f"objective, lr in [1e-3, 10] (log) x b1 in [0, 0.99], points={GRID_POINTS}"
        "), one batched run.",
        f"hpo search: `{sys.executable} -m search.cli "
        + " ".join(HPO_COMMAND)
        + " --out TMP/out`, run in a new temporary directory with this source "
        "tree first on PYTHONPATH: the README's `hpo search`, with its plots "
        "and files, start-up and imports included.",
        f"targets (from the issue): with one busy core, default/one thread <= "
        f"{THREADS_TARGET:g} for bayes_search and the grid; hpo search with "
        f"the defaults under {HPO_TARGETS[False]:g} s with nothing in the "
        f"background and under {HPO_TARGETS[True]:g} s with one busy core "
        "(medians, wall time).",
    ]
