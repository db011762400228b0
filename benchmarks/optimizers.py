"""Optimizer benchmarks: per-step time, and Adam on Rosenbrock, against torch.optim.

Two tables, each comparing like with like in one run (ratios torch / ours,
so > 1 means ours is faster), with quality columns that check both sides
compute the same numbers:

1. the time of one ``opt.step(x, g, state)`` at d = 2, 1e3, 1e6, against
   ``torch.optim`` with ``foreach=False`` and with its default;
2. 10,000 Adam steps (2,000 with ``--quick``) on 2-D Rosenbrock through
   :func:`optim.minimize`, against the same loop written in torch, with and
   without recording.

torch is optional: without it the torch columns and the targets are skipped.
"""

from __future__ import annotations

import functools

import numpy as np

import surfaces
from benchmarks import harness
from benchmarks.harness import Column, Table
from optim import SGD, Adam, AdamW, RMSProp, minimize

# (label, our optimizer, torch.optim class, its keyword arguments): the same rule.
CASES = [
    ("SGD", SGD(lr=1e-3), "SGD", {"lr": 1e-3}),
    (
        "SGD momentum=0.9",
        SGD(lr=1e-3, momentum=0.9),
        "SGD",
        {"lr": 1e-3, "momentum": 0.9},
    ),
    ("RMSProp", RMSProp(lr=1e-2), "RMSprop", {"lr": 1e-2}),
    ("Adam", Adam(lr=1e-3), "Adam", {"lr": 1e-3}),
    ("AdamW", AdamW(lr=1e-3), "AdamW", {"lr": 1e-3}),
]
DIMS = (2, 1_000, 1_000_000)
CHECK_STEPS = 5  # steps after which our x and torch's are compared
# ATen splits an elementwise op over threads only above this many elements
# (at::internal::GRAIN_SIZE), so more torch threads are timed only from here.
GRAIN = 32_768
STEPS = 10_000  # Adam steps on Rosenbrock
QUICK_STEPS = 2_000  # in --quick (CI) mode: the same loop, shorter
LR = 1e-3
TORCH_MISSING = "torch is not installed: the torch columns and the targets are skipped."


def run(config: harness.Config, env: dict):
    """Yield the per-step table, then the Rosenbrock table."""
    torch = harness.optional("torch")
    yield step_table(config, env, torch)
    yield rosenbrock_table(config, torch)


def _problem(d: int):
    """The same start ``x0`` and fixed gradient ``g`` ``(d,)`` for both sides (seed 0)."""
    rng = np.random.default_rng(0)
    return rng.standard_normal(d), rng.standard_normal(d)


def _our_steps(opt, x0, g):
    """``run(n)``: ``n`` of our steps with the fixed gradient ``g``, state carried."""
    x, state = x0, opt.init(x0)

    def run(n):
        nonlocal x, state
        for _ in range(n):
            x, state = opt.step(x, g, state)
        return x

    return run


def _torch_steps(torch, name, kwargs, x0, g, *, foreach):
    """``run(n)``: ``n`` torch.optim steps on a float64 tensor with fixed ``.grad``."""
    p = torch.tensor(x0, requires_grad=True)  # float64, as x0
    p.grad = torch.tensor(g)
    opt = getattr(torch.optim, name)([p], foreach=foreach, **kwargs)

    def run(n):
        with torch.no_grad():
            for _ in range(n):
                opt.step()
        return p.detach().numpy()

    return run


def _thread_counts(env: dict) -> tuple[list[int], str]:
    """Thread counts to time torch with: 1, then BLAS's (or torch's default) if > 1."""
    if env["blas"]["threads"]:
        other, source = env["blas"]["threads"], "numpy's BLAS thread count"
    else:
        other = env["torch_threads"]
        source = "torch's default, as numpy's BLAS thread count is unknown"
    if other > 1:
        return [1, other], f"1 and {other} ({source})"
    return [1], "1"


def step_table(config, env, torch) -> Table:
    """Per-step time of every optimizer at every d, ours and torch's side by side."""
    counts, counts_text = _thread_counts(env) if torch else ([None], "")
    rows = []
    for label, opt, name, kwargs in CASES:
        for d in DIMS:
            x0, g = _problem(d)
            row = {"optimizer": label, "d": d}
            if torch is not None:
                row["max_dx"] = _agreement(torch, opt, name, kwargs, problem=(x0, g))
            for threads in counts if d >= GRAIN else counts[:1]:
                runs = _step_runs(torch, opt, name, kwargs, problem=(x0, g))
                with harness.torch_threads(torch, threads):
                    timings = harness.measure_steps(runs, config)
                rows.append({**row, **{k: t.to_dict() for k, t in timings.items()}})
                if torch is not None:
                    rows[-1]["threads"] = threads
                    _ratios(rows[-1])
    return Table(
        name="step_time",
        title="Per-step time of each optimizer (median; torch/ours > 1: ours is faster)",
        columns=_step_columns(torch is not None),
        rows=rows,
        notes=_step_notes(config, torch, counts_text),
    )


def _step_runs(torch, opt, name, kwargs, *, problem) -> dict:
    """Fresh steppers from the same ``problem = (x0, g)``: ours, and torch's two foreach settings."""
    x0, g = problem
    runs = {"ours": _our_steps(opt, x0, g)}
    if torch is not None:
        runs["torch_loop"] = _torch_steps(torch, name, kwargs, x0, g, foreach=False)
        runs["torch_default"] = _torch_steps(torch, name, kwargs, x0, g, foreach=None)
    return runs


def _ratios(row: dict) -> None:
    """Add the ratios torch/ours, and the issue's target on its own row (in place)."""
    ours = row["ours"]["median"]
    row["ratio_loop"] = row["torch_loop"]["median"] / ours
    row["ratio_default"] = row["torch_default"]["median"] / ours
    # The target: Adam at d = 1e6 no slower than torch.optim.Adam(foreach=False)
    # at the same thread count; numpy's elementwise ops run on one thread.
    if row["optimizer"] == "Adam" and row["d"] == 1_000_000 and row["threads"] == 1:
        row["target"] = harness.target(row["ratio_loop"], 1.0)


def _agreement(torch, opt, name, kwargs, *, problem) -> float:
    """Largest |x_ours - x_torch| after CHECK_STEPS steps from the same ``problem = (x0, g)``."""
    x0, g = problem
    ours = _our_steps(opt, x0, g)(CHECK_STEPS)
    theirs = _torch_steps(torch, name, kwargs, x0, g, foreach=False)(CHECK_STEPS)
    return float(np.max(np.abs(ours - theirs)))


def _step_columns(with_torch: bool) -> list[Column]:
    """Columns of the per-step table (the torch ones only with torch)."""
    columns = [
        Column("optimizer", "optimizer"),
        Column("d", "d", lambda d: f"{d:,}"),
        Column("ours", "ours", harness.fmt_timing),
    ]
    if with_torch:
        columns += [
            Column("threads", "torch threads"),
            Column("torch_loop", "torch foreach=False", harness.fmt_timing),
            Column("ratio_loop", "torch/ours", harness.fmt_ratio),
            Column("torch_default", "torch default", harness.fmt_timing),
            Column("ratio_default", "torch/ours", harness.fmt_ratio),
            Column("max_dx", f"max abs dx ({CHECK_STEPS} steps)", lambda v: f"{v:.1e}"),
            Column("target", "target", harness.fmt_target),
        ]
    return columns


def _step_notes(config, torch, counts_text: str) -> list[str]:
    """What each column measures, and how."""
    notes = [
        f"Time per step: after a warm-up, {config.repeats} rounds in which ours "
        "and torch's two settings take turns, each timing a block of n steps (n "
        "the smallest of 1, 2, 5, 10, ... with a block lasting >= "
        f"{config.min_block:g} s) divided by n; the median over the rounds, and ± "
        "half the min-max range relative to it (the JSON file has quartiles and "
        "raw times).",
        "ours: `x, state = opt.step(x, g, state)` in a Python loop, state carried, "
        "x a float64 (d,) array from x0 ~ N(0, 1), g a fixed N(0, 1) gradient.",
    ]
    if torch is None:
        return [*notes, TORCH_MISSING]
    return notes + [
        "torch: `opt.step()` of torch.optim.SGD/RMSprop/Adam/AdamW in a Python "
        "loop under torch.no_grad(), one float64 tensor from the same x0 with "
        "`.grad` fixed to the same g, same hyperparameters. 'torch default' is "
        f"foreach=None, {_default_foreach(torch)}.",
        f"torch threads (torch.set_num_threads): {counts_text}. numpy's "
        "elementwise ops run on one thread, so 1 is the like-for-like count; more "
        f"threads are timed only at d >= {GRAIN} (ATen's grain size: below it "
        "torch's elementwise ops use one thread anyway).",
        "torch/ours: ratio of the medians; > 1 means ours is faster.",
        f"max abs dx: largest |x_ours - x_torch| after {CHECK_STEPS} steps from "
        "the same x0 with the same g (torch foreach=False): the same float64 math.",
        "target (from the issue): Adam at d = 1e6 no slower than "
        "torch.optim.Adam(foreach=False) at one thread: met when torch/ours >= 1.",
    ]


def _default_foreach(torch) -> str:
    """What torch's default ``foreach=None`` resolves to for a CPU float64 tensor."""
    try:  # private API, so only reported; a later torch may move it
        from torch.optim.optimizer import _default_to_fused_or_foreach

        _, foreach = _default_to_fused_or_foreach([torch.zeros(1)], False)
    except (ImportError, AttributeError, TypeError):
        return "which torch resolves for itself (could not ask which)"
    return f"which torch resolves to foreach={foreach} for CPU tensors"


# --- Adam on Rosenbrock -----------------------------------------------------


def _ours_rosenbrock(steps: int, record: bool):
    """Our loop: minimize(Rosenbrock, start, Adam(lr=1e-3), steps); returns the Trace."""
    surface = surfaces.Rosenbrock()
    return minimize(surface, surface.start, Adam(lr=LR), steps, record=record)


def _torch_rosenbrock_fun(torch, x):
    """Rosenbrock's value and gradient in torch ops: surfaces.Rosenbrock's lines."""
    a = x[:-1]
    r = x[1:] - a * a
    s = 1.0 - a
    t = 200.0 * r
    f = (100.0 * r * r + s * s).sum()
    g = torch.zeros_like(x)
    g[:-1] = -2.0 * (a * t + s)
    g[1:] = g[1:] + t
    return f, g


def _torch_rosenbrock(torch, steps: int, foreach, record: bool):
    """The same loop in torch: value and gradient at every iterate, ``steps`` Adam steps.

    With ``record`` the value and the iterate go into preallocated tensors
    each step, as minimize's ``values`` and ``path``. Returns the final x
    (a NumPy copy) and the final value.
    """
    start = surfaces.Rosenbrock().start
    x = torch.tensor(start, requires_grad=True)  # float64, as start
    opt = torch.optim.Adam([x], lr=LR, foreach=foreach)
    if record:
        values = torch.empty(steps + 1, dtype=torch.float64)
        path = torch.empty(steps + 1, len(start), dtype=torch.float64)
    with torch.no_grad():
        for k in range(steps + 1):
            f, g = _torch_rosenbrock_fun(torch, x)
            if record:
                values[k] = f
                path[k] = x
            if k == steps:
                break
            x.grad = g
            opt.step()
    return x.detach().numpy().copy(), float(f)


def rosenbrock_table(config, torch) -> Table:
    """Adam on Rosenbrock: minimize against the same loop in torch, like with like.

    10,000 steps (2,000 with ``--quick``), recording and not recording.
    """
    steps = QUICK_STEPS if config.quick else STEPS
    runs = {
        (record, key): run
        for record in (True, False)
        for key, run in _rosenbrock_runs(torch, steps, record).items()
    }
    with harness.torch_threads(torch, 1):  # d = 2: more threads cannot help
        timings = harness.measure(runs, config.repeats)  # all take turns
    rows = []
    for record in (True, False):
        row = {"record": record, "steps": steps}
        row.update({k: t.to_dict() for (r, k), t in timings.items() if r == record})
        done = {k: run for (r, k), run in runs.items() if r == record}
        trace = done["ours"].last
        row.update(ours_loss=float(trace.values[-1]), ours_x=trace.x.tolist())
        if torch is not None:
            row.update(_torch_quality(done, row))
        rows.append(row)
    if not np.array_equal(rows[0]["ours_x"], rows[1]["ours_x"]):
        raise RuntimeError(f"minimize: record=True and False disagree: {rows}")
    return Table(
        name="rosenbrock_adam",
        title=f"{steps:,} Adam steps (lr={LR:g}) on 2-D Rosenbrock from (-1.2, 1): "
        "whole run (median; torch/ours > 1: ours is faster)",
        columns=_rosenbrock_columns(torch is not None),
        rows=rows,
        notes=_rosenbrock_notes(config, torch, steps, rows[0]["ours_x"]),
    )


def _rosenbrock_runs(torch, steps: int, record: bool) -> dict:
    """``run(n)`` for ours and torch's two foreach settings; ``run.last`` the result."""
    runs = {
        "ours": harness.keep_last(functools.partial(_ours_rosenbrock, steps, record))
    }
    if torch is not None:
        for key, foreach in (("torch_loop", False), ("torch_default", None)):
            loop = functools.partial(_torch_rosenbrock, torch, steps, foreach, record)
            runs[key] = harness.keep_last(loop)
    return runs


def _torch_quality(runs: dict, row: dict) -> dict:
    """Ratios, target, torch's final loss, and how far its final x is from ours.

    Stops with an error if a final x of torch is not ``np.allclose`` to ours.
    """
    ours_x = np.array(row["ours_x"])
    dx = []
    for key in ("torch_loop", "torch_default"):
        x, _ = runs[key].last
        if not np.allclose(x, ours_x):
            raise RuntimeError(f"final x differ: ours {ours_x}, torch ({key}) {x}")
        dx.append(float(np.max(np.abs(x - ours_x))))
    ours = row["ours"]["median"]
    quality = {
        "torch_loss": runs["torch_loop"].last[1],
        "max_dx": max(dx),
        "ratio_loop": row["torch_loop"]["median"] / ours,
        "ratio_default": row["torch_default"]["median"] / ours,
    }
    # The target: our loop at least 10 times faster than torch's faster variant.
    fastest = min(quality["ratio_loop"], quality["ratio_default"])
    quality["target"] = harness.target(fastest, 10.0)
    return quality


def _rosenbrock_columns(with_torch: bool) -> list[Column]:
    """Columns of the Rosenbrock table (the torch ones only with torch)."""
    columns = [
        Column("record", "recording", lambda r: "values + path" if r else "none"),
        Column("ours", "ours (minimize)", harness.fmt_timing),
    ]
    if with_torch:
        columns += [
            Column("torch_loop", "torch foreach=False", harness.fmt_timing),
            Column("ratio_loop", "torch/ours", harness.fmt_ratio),
            Column("torch_default", "torch default", harness.fmt_timing),
            Column("ratio_default", "torch/ours", harness.fmt_ratio),
        ]
    columns.append(Column("ours_loss", "final loss (ours)", lambda v: f"{v:.6g}"))
    if with_torch:
        columns += [
            Column("torch_loss", "final loss (torch)", lambda v: f"{v:.6g}"),
            Column("max_dx", "max abs dx (final x)", lambda v: f"{v:.1e}"),
            Column("target", "target", harness.fmt_target),
        ]
    return columns


def _rosenbrock_notes(config, torch, steps, x) -> list[str]:
    """What each side does, exactly, and how it is timed."""
    notes = [
        f"Time: the whole run, median of {config.repeats} runs after a warm-up "
        "run, ± half the min-max range relative to it; every loop of the table "
        "(both rows, every column) runs once in turn in each repeat."
        + (f" Quick mode: {steps:,} steps, not {STEPS:,}." if config.quick else ""),
        f"ours: `optim.minimize(surfaces.Rosenbrock(), start, Adam(lr={LR:g}), "
        f"{steps}, record=...)`: value and gradient at each of the {steps + 1} "
        "iterates, a finiteness check of both (the divergence guard), "
        f"{steps} `opt.step` calls. It always stores each value; record=True "
        "('values + path') also stores each iterate, record=False ('none') not.",
        f"Final x (ours): ({x[0]:.12g}, {x[1]:.12g}); the minimizer is (1, 1).",
    ]
    if torch is None:
        return [*notes, TORCH_MISSING]
    return notes + [
        "torch: x a float64 leaf tensor, the same value and gradient lines in "
        f"torch ops, then `x.grad = g; opt.step()` with torch.optim.Adam(lr={LR:g}, "
        "foreach=False or default) under torch.no_grad(), at 1 thread (d = 2). "
        "'values + path' stores the value and x into preallocated tensors each "
        "step; 'none' stores nothing (so ours does a little more work there).",
        "max abs dx: largest |x_ours - x_torch| between the final points (both "
        "torch variants); the run stops with an error unless np.allclose.",
        "target (from the issue): our loop at least 10 times faster than "
        "torch's: met when torch/ours >= 10 against the faster torch variant.",
    ]
