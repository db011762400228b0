"""The benchmark harness: timing with warm-up and repeats, the environment, tables.

A suite (a module with ``run(config, env)`` yielding tables) times code with
:func:`measure` or :func:`measure_steps`, reports every time as the median
over the repeats with its spread (wall time, and the CPU time beside it), and
yields :class:`Table` objects that print as Markdown and save as JSON. The
harness asserts nothing about speed: it measures and reports.

Everything runs with the default settings of NumPy, SciPy and torch: the
harness sets no thread count and no environment variable, unless the command
line asks for a BLAS limit (:func:`blas_limit`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import importlib.metadata
import json
import os
import platform
import time
from collections.abc import Callable

import numpy as np

from search.cli.tables import markdown_table

# Environment variables that change how fast NumPy and torch run; printed, never set.
ENV_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_CORETYPE",
)


@dataclasses.dataclass(frozen=True)
class Config:
    """How hard to measure.

    Attributes
    ----------
    quick : bool
        The CI mode: fewer repeats and shorter timed blocks.
    repeats : int
        Timed repeats after the warm-up; the median is reported.
    min_block : float
        Seconds a timed block of steps lasts at least (small steps are
        timed many at a time and divided).
    blas_threads : int or None
        The BLAS thread limit the whole run is under (``--blas-threads``),
        or None: the libraries' defaults.
    """

    quick: bool = False
    repeats: int = 7
    min_block: float = 0.1
    blas_threads: int | None = None

    @classmethod
    def make(
        cls, quick: bool, repeats: int | None = None, blas_threads: int | None = None
    ) -> Config:
        """The full (7 repeats, 0.1 s blocks) or quick (3, 0.01 s) settings."""
        default = 3 if quick else 7
        return cls(quick, repeats or default, 0.01 if quick else 0.1, blas_threads)


@dataclasses.dataclass(frozen=True)
class Timing:
    """Seconds per unit (one step, or one whole run), one entry per repeat.

    Each repeat timed a block of ``number`` units and divided by ``number``:
    ``times`` by the wall clock, ``cpu`` by :func:`cpu_clock` (every thread of
    this process and of the child processes it waited for, so a BLAS whose
    threads spin shows here as CPU time above the wall time).
    """

    times: tuple[float, ...]
    number: int = 1
    cpu: tuple[float, ...] = ()

    @property
    def median(self) -> float:
        """Median wall time over the repeats: the reported time."""
        return float(np.median(self.times))

    def to_dict(self) -> dict:
        """Median, quartiles, min, max, the raw times, and the CPU times, for JSON."""
        q1, q3 = np.percentile(self.times, [25, 75])
        return {
            "median": self.median,
            "q1": float(q1),
            "q3": float(q3),
            "min": min(self.times),
            "max": max(self.times),
            "repeats": len(self.times),
            "number": self.number,
            "times": list(self.times),
            "cpu_median": float(np.median(self.cpu)) if self.cpu else None,
            "cpu_times": list(self.cpu),
        }


def cpu_clock() -> float:
    """CPU seconds of this process (all its threads) and of its waited-for children.

    ``time.process_time`` plus ``resource.getrusage(RUSAGE_CHILDREN)``: a
    child run through ``subprocess.run`` counts once it has ended.
    """
    try:
        import resource
    except ImportError:  # not on Windows: this process only
        return time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def clocks() -> np.ndarray:
    """The wall clock and :func:`cpu_clock` now, ``(2,)`` seconds: differences time code."""
    return np.array([time.perf_counter(), cpu_clock()])


def measure(
    runs: dict, repeats: int, numbers: dict | None = None, *, warmup: bool = True
) -> dict:
    """Time several callables side by side: warm up each, then repeat in turn.

    Each repeat times every callable once, one after the other (round robin),
    so a change in the machine's load during the run hits all of them alike
    and their ratio stays fair.

    Parameters
    ----------
    runs : dict
        Name (any hashable) to callable: ``run(n)`` does ``n`` units of work
        (``n`` steps, or one whole run for ``n = 1``).
    repeats : int
        Timed calls of each callable after the warm-up.
    numbers : dict, optional
        Units per call of each callable (default 1); each time is divided by it.
    warmup : bool, default True
        Call each callable once, untimed, first (False: the caller warmed
        them up more cheaply, e.g. with a smaller run).

    Returns
    -------
    dict
        Name to :class:`Timing`: seconds per unit, one entry per repeat
        (wall: ``time.perf_counter``; CPU: :func:`cpu_clock`).
    """
    numbers = numbers or dict.fromkeys(runs, 1)
    if warmup:
        for name, run in runs.items():
            run(numbers[name])  # warm-up: caches, lazy initialization, first calls
    times = {name: [] for name in runs}
    cpu = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            start, start_cpu = time.perf_counter(), cpu_clock()
            run(numbers[name])
            times[name].append((time.perf_counter() - start) / numbers[name])
            cpu[name].append((cpu_clock() - start_cpu) / numbers[name])
    return {
        name: Timing(tuple(times[name]), numbers[name], tuple(cpu[name]))
        for name in runs
    }


def autorange(run: Callable[[int], object], min_time: float) -> int:
    """Smallest ``n`` in 1, 2, 5, 10, 20, 50, ... with ``run(n)`` lasting ``min_time``.

    Like :meth:`timeit.Timer.autorange`; the calls also serve as warm-up.
    """
    for number in (digit * 10**power for power in range(12) for digit in (1, 2, 5)):
        start = time.perf_counter()
        run(number)
        if time.perf_counter() - start >= min_time:
            break
    return number


def measure_steps(runs: dict, config: Config) -> dict:
    """Per-step times of ``runs`` (``run(n)`` takes ``n`` steps), side by side.

    Small steps (microseconds) are timed as a block of :func:`autorange`
    steps and divided, so timer resolution and loop overhead do not dominate.
    """
    numbers = {name: autorange(run, config.min_block) for name, run in runs.items()}
    return measure(runs, config.repeats, numbers)


def keep_last(fn: Callable[[], object]) -> Callable[[int], None]:
    """Wrap ``fn()`` as ``run(n)`` for :func:`measure`; ``run.last`` is its result."""

    def run(n: int) -> None:
        for _ in range(n):
            run.last = fn()

    return run


def load_average() -> list[float] | None:
    """The 1, 5 and 15 minute load averages, or ``None`` where the OS has none."""
    return list(os.getloadavg()) if hasattr(os, "getloadavg") else None


def optional(name: str):
    """Import and return module ``name``, or ``None`` if it is not installed."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


@contextlib.contextmanager
def blas_limit(n: int | None):
    """Limit every loaded BLAS to ``n`` threads in the block (threadpoolctl); None: no limit.

    The ``--blas-threads`` option, and the "one thread" side of the thread
    comparisons. Refuses a limit without threadpoolctl rather than ignore it.
    """
    if n is None:
        yield
        return
    threadpoolctl = optional("threadpoolctl")
    if threadpoolctl is None:
        raise RuntimeError("a BLAS thread limit needs threadpoolctl, not installed")
    with threadpoolctl.threadpool_limits(limits=n, user_api="blas"):
        yield


def threadpools() -> list[dict]:
    """Every thread pool loaded now (BLAS, OpenMP): library, API and thread count.

    From ``threadpoolctl.threadpool_info()``; empty without threadpoolctl.
    """
    threadpoolctl = optional("threadpoolctl")
    if threadpoolctl is None:
        return []
    return [
        {
            "user_api": info["user_api"],
            "internal_api": info["internal_api"],
            "library": os.path.basename(info.get("filepath") or ""),
            "version": info.get("version"),
            "num_threads": info["num_threads"],
        }
        for info in threadpoolctl.threadpool_info()
    ]


def threads_note(env: dict, config: Config) -> str:
    """The note saying at how many threads the BLAS and torch ran in a table.

    The defaults, unless ``--blas-threads`` limited the BLAS for the run.
    """
    torch = (
        f"; torch at its default {env['torch_threads']} threads unless a note "
        "above says otherwise"
        if env["torch"]
        else ""
    )
    if config.blas_threads is None:
        blas = env["blas"]["threads"]
        blas = "unknown" if blas is None else blas
        return (
            "Threads: default settings: NumPy/SciPy's BLAS at its own default "
            f"({blas} threads at the start, see the environment){torch}; the "
            "benchmark sets no thread count and no environment variable."
        )
    n = config.blas_threads
    return (
        f"Threads: every BLAS limited to {n} thread(s) for the whole run "
        f"(--blas-threads {n}, threadpoolctl){torch}; no environment variable is set."
    )


@contextlib.contextmanager
def torch_threads(torch, n: int | None):
    """Run the block with ``torch.set_num_threads(n)``; restore the old count after.

    Does nothing when ``torch`` is None (not installed).
    """
    if torch is None:
        yield
        return
    old = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(old)


# --- the environment --------------------------------------------------------


def environment() -> dict:
    """Versions, CPU, BLAS and its threads, and the thread-related environment.

    Call it before any suite runs (and before ``--blas-threads`` limits
    anything). torch is imported here (if it can be) to report the version
    and default thread count that the suites will see, after the BLAS is
    probed, so ``blas`` is NumPy's own library; then SciPy's linear algebra,
    so that ``threadpools`` lists every BLAS and OpenMP pool the suites will
    use, with its thread count at the start.
    """
    affinity = getattr(os, "sched_getaffinity", None)
    blas = blas_info()
    torch = optional("torch")
    optional("scipy.linalg")  # loads SciPy's own BLAS, to list its threads
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(affinity(0)) if affinity else os.cpu_count(),
        "numpy": np.__version__,
        "scipy": _version("scipy"),
        "torch": torch.__version__ if torch else None,
        "torch_threads": torch.get_num_threads() if torch else None,
        "threadpoolctl": _version("threadpoolctl"),
        "optuna": _version("optuna"),
        # optuna's GPSampler optimizes its acquisition in batches with greenlet,
        # sequentially (slower, with a warning) without it.
        "greenlet": _version("greenlet"),
        "blas": blas,
        "threadpools": threadpools(),
        "env": {name: os.environ.get(name) for name in ENV_VARS},
        # Other processes compete for the cores: a high load means noisy times.
        "load_average": load_average(),
    }


def _torch(env: dict) -> str:
    """The torch version and its default thread count, or "not installed"."""
    if env["torch"] is None:
        return "not installed"
    return f"{env['torch']} (default {env['torch_threads']} threads)"


def _load(load) -> str:
    """The load averages as ``1.02, 0.80, 0.51``, or "unknown"."""
    return ", ".join(f"{v:.2f}" for v in load) if load else "unknown"


def _version(name: str) -> str | None:
    """Installed version of distribution ``name`` (without importing it), or None."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _cpu_model() -> str:
    """The CPU's model name (from /proc/cpuinfo on Linux), else platform's guess."""
    with contextlib.suppress(OSError):
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def blas_info() -> dict:
    """NumPy's BLAS: name, version, thread count, and where the count came from.

    With threadpoolctl installed the count is the library's own answer;
    without it, the variable the library reads (:func:`_threads_from_env`),
    else unknown.
    """
    info = dict.fromkeys(
        ("name", "version", "architecture", "threads", "threads_source")
    )
    with contextlib.suppress(Exception):  # mode="dicts" needs numpy >= 1.25
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info.update(name=blas.get("name"), version=blas.get("version"))
    threadpoolctl = optional("threadpoolctl")
    if threadpoolctl is not None:
        libs = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
        # NumPy's own copy first (wheels ship it in numpy.libs), not SciPy's or torch's.
        libs.sort(key=lambda i: "numpy" not in i.get("filepath", ""))
        if libs:
            info.update(
                name=libs[0]["internal_api"],
                version=libs[0].get("version"),
                architecture=libs[0].get("architecture"),  # OpenBLAS's core type
                threads=libs[0]["num_threads"],
                threads_source="threadpoolctl",
            )
            return info
    info.update(_threads_from_env(str(info["name"])))
    return info


def _threads_from_env(name: str) -> dict:
    """The BLAS thread count set by environment variable, in the order it reads them."""
    mkl = "mkl" in name.lower()
    order = (
        ("MKL_NUM_THREADS",) if mkl else ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS")
    )
    for var in (*order, "OMP_NUM_THREADS"):
        value = os.environ.get(var, "")
        if value.isdigit() and int(value) > 0:
            return {"threads": int(value), "threads_source": var}
    return {
        "threads": None,
        "threads_source": "unknown: threadpoolctl is not installed and no "
        "*_NUM_THREADS is set (OpenBLAS and MKL then use one thread per core)",
    }


def environment_markdown(env: dict) -> str:
    """The environment as a Markdown list."""
    blas = env["blas"]
    threads = blas["threads"] if blas["threads"] is not None else "?"
    lines = [
        "## Environment",
        "",
        f"- Python {env['python']} ({env['implementation']}), {env['platform']}",
        f"- CPU: {env['cpu']}; {env['cpu_count']} logical CPUs, "
        f"{env['cpus_usable']} usable by this process; load average "
        f"(1, 5, 15 min) at the start: {_load(env['load_average'])}",
        f"- numpy {env['numpy']}, scipy {env['scipy'] or 'not installed'}, "
        f"torch {_torch(env)}, "
        f"threadpoolctl {env['threadpoolctl'] or 'not installed'}",
        f"- optuna {env['optuna'] or 'not installed'}, " + _greenlet(env["greenlet"]),
        f"- BLAS: {blas['name']} {blas['version'] or ''}"
        + (f" ({blas['architecture']} kernels)" if blas["architecture"] else "")
        + f", threads: {threads} "
        f"({blas['threads_source']})",
        "- Thread pools at the start (threadpoolctl): " + _pools(env["threadpools"]),
        "- "
        + ", ".join(
            f"{k}={v if v is not None else '(unset)'}" for k, v in env["env"].items()
        ),
    ]
    return "\n".join(lines)


def _greenlet(version: str | None) -> str:
    """Whether optuna's GPSampler has its fast path (greenlet), in words."""
    if version is None:
        return (
            "greenlet not installed: optuna's GPSampler optimizes its acquisition "
            "sequentially (slower than a user with greenlet gets)"
        )
    return f"greenlet {version} (optuna's GPSampler uses it for its batched fast path)"


def _pools(pools: list[dict]) -> str:
    """The thread pools as ``openblas 0.3.30 (libscipy_openblas.so): 2 threads; ...``."""
    if not pools:
        return "unknown (threadpoolctl is not installed)"
    return "; ".join(
        f"{p['internal_api']} {p['version'] or ''} ({p['library']}): "
        f"{p['num_threads']} threads"
        for p in pools
    )


# --- tables -----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Column:
    """A table column: the row key, its header, and how to show a value."""

    key: str
    header: str
    fmt: Callable[[object], str] = str

    def show(self, value) -> str:
        """The cell text: ``fmt(value)``, or "-" for a missing value."""
        return "-" if value is None else self.fmt(value)


@dataclasses.dataclass
class Table:
    """A result table: rows of raw values (saved as JSON), shown through ``columns``.

    A row may lack a key or hold ``None`` (e.g. torch not installed): shown "-".
    """

    name: str
    title: str
    columns: list[Column]
    rows: list[dict] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)

    def markdown(self) -> str:
        """The title, a Markdown table, and the notes as a list."""
        header = [c.header for c in self.columns]
        cells = [[c.show(row.get(c.key)) for c in self.columns] for row in self.rows]
        lines = [f"### {self.title}", "", markdown_table(header, cells)]
        lines += [""] + [f"- {note}" for note in self.notes]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """Name, title, column headers, raw rows and notes, for the JSON file."""
        return {
            "name": self.name,
            "title": self.title,
            "columns": {c.key: c.header for c in self.columns},
            "rows": self.rows,
            "notes": self.notes,
        }


def fmt_seconds(s: float) -> str:
    """Seconds with three significant digits in ns, µs, ms or s."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if s >= scale:
            return f"{s / scale:.3g} {unit}"
    return f"{s / 1e-9:.3g} ns"


def fmt_timing(t: dict) -> str:
    """``median ±h% (CPU c)``: h is half the min-max range, relative to the median.

    ``c`` is the median CPU time (all threads), when it was measured.
    """
    spread = (t["max"] - t["min"]) / (2 * t["median"]) if t["median"] > 0 else 0.0
    text = f"{fmt_seconds(t['median'])} ±{spread:.0%}"
    if t.get("cpu_median") is not None:
        text += f" (CPU {fmt_seconds(max(t['cpu_median'], 0.0))})"
    return text


def fmt_ratio(r: float) -> str:
    """A speed ratio such as ``4.81x``."""
    return f"{r:.3g}x"


def fmt_target(target: dict) -> str:
    """``met`` or ``not met`` with the requirement, or ``no verdict: why``."""
    if target["met"] is None:
        return f"no verdict: {target['why']}"
    verdict = "met" if target["met"] else "not met"
    unit = target.get("unit", "x")
    return f"{verdict} ({target['op']} {target['required']:g}{unit})"


def target(ratio: float, required: float, op: str = ">=", unit: str = "x") -> dict:
    """A target judged from a measured value: ``ratio op required``.

    ``op`` is ``">="`` (a speed ratio such as torch/ours, higher is better)
    or ``"<="`` (a cost ratio such as ours/torch, or seconds, lower is
    better); ``unit`` is how the requirement prints (``x`` or `` s``).
    """
    if op not in (">=", "<="):
        raise ValueError(f"target: op must be '>=' or '<=', got {op!r}")
    met = ratio >= required if op == ">=" else ratio <= required
    return {"ratio": ratio, "required": required, "op": op, "met": bool(met)} | (
        {} if unit == "x" else {"unit": unit}
    )


def no_verdict(why: str) -> dict:
    """A target that this run cannot judge, and why (shown in its place)."""
    return {"met": None, "why": why}


def json_refusal(path) -> str | None:
    """Why ``path`` may not receive the results, or ``None`` if it may.

    A new file may be written, and a file this command wrote before (a JSON
    object with its keys) replaced; anything else is left as it is, so that
    a mistyped ``--json README.md`` costs nothing. Checked before any suite
    runs.
    """
    if os.path.isdir(path):
        return "is a directory; give a file name"
    if not os.path.exists(path):
        parent = os.path.dirname(os.path.abspath(path))
        return None if os.path.isdir(parent) else f"folder {parent} does not exist"
    try:
        with open(path) as f:
            old = json.load(f)
    except (OSError, UnicodeDecodeError, ValueError):
        old = None
    if isinstance(old, dict) and {"environment", "suites"} <= old.keys():
        return None
    return "exists and is not a results file of this command; not replaced"


def write_json(path, results: dict) -> None:
    """Write ``results`` as strict JSON (non-finite numbers become null).

    Written to a temporary file beside ``path`` and renamed over it, so an
    interrupted write leaves the previous results whole.
    """
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(_finite(results), f, indent=1, allow_nan=False)
        f.write("\n")
    os.replace(tmp, path)


def _finite(obj):
    """``obj`` with every NaN or infinite float replaced by None (JSON has neither)."""
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    return obj
