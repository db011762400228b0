"""``hpo descend``: the inner loop. Optimizers on a surface, a table, a plot.

Each optimizer trains with :func:`optim.minimize` from the same start, with
its default settings for the surface (:func:`search.defaults.default_lr`)
or one ``--lr`` for all; the table says how close each got to the known
minimizer (for ``linreg``: to the closed-form least-squares solution).
Uses only ``optim``, ``surfaces`` and the defaults; the figure comes from
:mod:`search.plots`, which imports matplotlib when it draws.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Any

import numpy as np

import surfaces
from optim import OPTIMIZERS, Optimizer, Trace, minimize
from search.cli import _args
from search.cli.problems import DIABETES, LINREG, fmt_point, problem
from search.cli.tables import text_table
from search.defaults import (
    ANALYTIC_LR,
    EXTRA,
    LINREG_LR,
    default_hyperparameters,
    default_lr,
)
from search.plots import distance_to_nearest, image_formats

STEPS = {LINREG: 1000}
DEFAULT_STEPS = 2000
DEFAULT_OPTIMIZERS = ("sgd", "rmsprop", "adam")

PLOT_HELP = (
    "write the figure to FILE (PNG, or another format matplotlib knows by the "
    "extension): the paths over the contours (2-D surfaces) or the distance to "
    "the minimizer (d > 2), and the loss above the minimum, against the step"
)

# name -> (optimizer, its trace), in the order of --optimizers
Runs = dict[str, tuple[Optimizer, Trace]]


def add_descend(commands: argparse._SubParsersAction) -> None:
    """Add ``hpo descend``: optimizers on a surface, a table, and a plot."""
    p = commands.add_parser(
        "descend",
        help="run optimizers on a loss surface and compare them with its minimizer",
        description=(
            "Run optimizers on a loss surface from the same start, print a table "
            "of how close each got to the known minimizer, and optionally plot "
            "their paths and loss curves. With no options: SGD (momentum 0.9), "
            "RMSProp and Adam on Rosenbrock's valley from (-1.2, 1)."
        ),
    )
    _add_problem_options(p.add_argument_group("problem"))
    _add_training_options(p.add_argument_group("training"))
    output = p.add_argument_group("output")
    output.add_argument("--plot", type=Path, metavar="FILE", help=PLOT_HELP)
    p.set_defaults(run=run_descend, parser=p)


def _add_problem_options(group) -> None:
    """Options of ``descend`` that choose the surface and the start."""
    known = ", ".join([*surfaces.names(), LINREG])
    group.add_argument(
        "--surface",
        default="rosenbrock",
        type=_args.surface_name,
        metavar="NAME",
        help=f"one of: {known}; '{LINREG}' is least squares with an intercept on "
        "the training part of the diabetes data (default: rosenbrock)",
    )
    group.add_argument(
        "--start",
        type=_args.point,
        metavar="X1,X2,...",
        help="start point (default: the surface's customary start; zero weights "
        "for linreg); write --start=-1.2,1 when the first coordinate is negative",
    )
    group.add_argument(
        "--seed",
        type=_args.seed,
        default=0,
        help="seed of the train/validation/test split of linreg (default: 0; the "
        "runs themselves are deterministic)",
    )


def _add_training_options(group) -> None:
    """Options of ``descend`` that choose the optimizers and their settings."""
    group.add_argument(
        "--optimizers",
        default=",".join(DEFAULT_OPTIMIZERS),
        type=_args.optimizer_names,
        metavar="A,B,...",
        help=f"comma-separated, from: {', '.join(OPTIMIZERS)} "
        f"(default: {','.join(DEFAULT_OPTIMIZERS)})",
    )
    group.add_argument(
        "--lr",
        type=_args.learning_rate,
        metavar="LR",
        help=f"one learning rate for every optimizer (default: {_lr_help()})",
    )
    group.add_argument(
        "--steps",
        type=_args.positive_int,
        metavar="N",
        help=f"optimizer steps (default: {DEFAULT_STEPS}; {STEPS[LINREG]} for "
        f"{LINREG})",
    )


def _lr_help() -> str:
    analytic = ", ".join(f"{k} {v:g}" for k, v in ANALYTIC_LR.items())
    linreg = ", ".join(f"{k} {v:g}" for k, v in LINREG_LR.items())
    momentum = EXTRA["sgd"]["momentum"]
    return f"{analytic}; for {LINREG}: sgd 1/L, {linreg}; SGD has momentum {momentum:g}"


def run_descend(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Train each optimizer with :func:`optim.minimize`, print the table, plot."""
    surface = _surface(args.surface, args.seed)
    x0 = _start(surface, args.start, parser)
    if args.plot is not None:
        _args.check_plot_path(args.plot, image_formats(), parser)
    steps = args.steps or STEPS.get(args.surface, DEFAULT_STEPS)
    if steps > _args.MAX_STEPS:
        parser.error(f"argument --steps: at most {_args.MAX_STEPS:,}, got {steps:,}")
    runs: Runs = {}
    for name in args.optimizers:
        optimizer = _optimizer(name, args.lr, surface)
        runs[name] = (optimizer, minimize(surface, x0, optimizer, steps))
    # A far start overflows to inf in the table's f(x0) and distances: a
    # result to print, not a warning (minimize runs under its own errstate).
    with np.errstate(over="ignore", invalid="ignore"):
        print(_header(args, surface, x0, steps))
        print()
        print(_table(surface, runs, args.surface == LINREG))
        if args.plot is not None:
            _save_plot(args, surface, x0, steps, runs)
    return 0


def _surface(name: str, seed: int) -> surfaces.Surface:
    """The surface called ``name``; for linreg, the diabetes training loss."""
    return problem("diabetes", seed).train if name == LINREG else surfaces.get(name)


def _optimizer(name: str, lr: float | None, surface: surfaces.Surface) -> Optimizer:
    """Build optimizer ``name`` with ``lr`` (or its default for ``surface``)."""
    settings = default_hyperparameters(name, surface)
    if lr is not None:
        settings["lr"] = lr
    return OPTIMIZERS[name](**settings)


def _start(
    surface: surfaces.Surface,
    start: np.ndarray | None,
    parser: argparse.ArgumentParser,
) -> np.ndarray:
    """The start ``(d,)``: ``--start`` checked against the surface's dimension."""
    if start is None:
        return np.asarray(surface.start, dtype=np.float64)
    if start.size != surface.dim:
        parser.error(
            f"argument --start: {surface.name} has d = {surface.dim} coordinates, "
            f"got {start.size}: {fmt_point(start)}"
        )
    return start


# ---------------------------------------------------------------- output


def _header(args, surface, x0, steps) -> str:
    """Lines above the table: the problem, the start and the minimum."""
    head = (
        f"hpo descend: {args.surface} (d = {surface.dim}), {steps} steps from "
        f"x0 = {_fmt_start(surface, x0)}"
    )
    minimum = f"minimum f* = {surface.minimum:.6g} at " + " and ".join(
        fmt_point(m) for m in surface.minimizers[:4]
    )
    if len(surface.minimizers) > 4:
        minimum += f" (+{len(surface.minimizers) - 4} more)"
    if args.surface == LINREG:
        minimum = f"closed-form (lstsq) loss f* = {surface.minimum:.6g}"
    lines = [head, f"start loss f(x0) = {float(surface.value(x0)):.6g}; {minimum}"]
    if args.surface == LINREG:
        lines.append(_linreg_info(surface, args.seed))
    return "\n".join(lines)


def _linreg_info(s, seed) -> str:
    """The data and the Hessian's eigenvalue range behind SGD's default lr."""
    return (
        f"data: {DIABETES}, training part of split(seed={seed}): "
        f"{s.n} rows, {s.p} standardized features + intercept\n"
        f"Hessian eigenvalues in [mu, L] = [{s.strong_convexity:.4g}, "
        f"{s.smoothness:.4g}]; SGD's default lr is 1/L = {default_lr('sgd', s):.4g}"
    )


def _table(surface, runs: Runs, linreg: bool) -> str:
    """The fixed-width table: one row per optimizer, then the reference row."""
    target = "closed form" if linreg else "minimizer"
    header = ["optimizer", "hyperparameters", "final loss", "f - f*"]
    header += [f"dist to {target}", "steps", "diverged"]
    rows = [_row(name, *run, surface) for name, run in runs.items()]
    reference = "lstsq" if linreg else "known"
    rows.append(
        [f"({target})", reference, f"{surface.minimum:.6g}", "0", "0", "-", "-"]
    )
    return text_table(header, rows)


def _row(name, optimizer, trace, surface) -> list[str]:
    """One table row: the settings, where the run ended, and whether it diverged."""
    final = float(trace.values[-1]) + 0.0  # + 0.0 turns -0.0 into 0.0
    dist = float(distance_to_nearest(trace.x, surface.minimizers))
    diverged = "no"
    if trace.diverged:
        diverged = f"yes, step {int(np.argmax(~np.isfinite(trace.values)))}"
    return [
        name,
        _fmt_hyper(optimizer),
        f"{final:.6g}",
        f"{final - surface.minimum:.2e}",
        f"{dist:.2e}",
        str(trace.steps),
        diverged,
    ]


def _fmt_hyper(optimizer: Optimizer) -> str:
    """``lr``, a non-zero weight decay and every other field off its default."""
    defaults = {field.name: field.default for field in dataclasses.fields(optimizer)}
    parts = []
    for name, value in optimizer.hyperparameters().items():
        shown = name == "lr" or name == "weight_decay" and value != 0
        if shown or value != defaults[name]:
            text = f"{value:.4g}" if isinstance(value, float) else f"{value}"
            parts.append(f"{name}={text}")
    return ", ".join(parts)


def _fmt_start(surface, x0) -> str:
    """The start as a point, or ``0`` for the zero weights of a long vector."""
    return "0" if surface.dim > 3 and not np.any(x0) else fmt_point(x0)


def _save_plot(args, surface, x0, steps, runs: Runs) -> None:
    """Write the two-panel figure of :func:`search.plots.descend_figure`."""
    from search.plots import descend_figure

    # legend labels name the settings: "sgd (lr=0.001, momentum=0.9)"
    labels = {name: f"{name} ({_fmt_hyper(opt)})" for name, (opt, _) in runs.items()}
    paths: dict[str, Any] = {labels[n]: trace.path for n, (_, trace) in runs.items()}
    values = {labels[name]: trace.values for name, (_, trace) in runs.items()}
    solution = "closed-form solution" if args.surface == LINREG else "minimizer"
    what = args.surface
    if args.surface == LINREG:
        what = f"least squares on the diabetes data (d = {surface.dim})"
    title = f"hpo descend: {what}, {steps} steps from {_fmt_start(surface, x0)}"
    fig = descend_figure(surface, paths, values, title=title, solution=solution)
    fig.savefig(args.plot)
    print(f"\nwrote {args.plot}")
