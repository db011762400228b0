"""The ``hpo`` command line.

``hpo descend`` runs optimizers on a loss surface (an analytic test function,
or least squares on the shipped diabetes data) and prints how close each got
to the known minimizer; ``--plot`` draws their paths and loss curves.

Every subcommand is one function ``add_<command>(commands)`` that builds its
subparser ``p`` and sets ``p.set_defaults(run=..., parser=p)``, where ``run``
is a function ``run(args, parser) -> int`` (``parser`` for its errors);
:data:`COMMANDS` lists them, so adding a command is writing one such
function and appending it there. Matplotlib is imported only when a plot is
written (in :mod:`search.plots`), so ``import search.cli`` is NumPy-only.

Examples
--------
>>> main(["descend", "--optimizers", "sgd,adam", "--steps", "100"])
hpo descend: rosenbrock (d = 2), 100 steps from x0 = (-1.2, 1)
start loss f(x0) = 24.2; minimum f* = 0 at (1, 1)
<BLANKLINE>
optimizer    hyperparameters         final loss  f - f*    dist to minimizer  steps  diverged
-----------  ----------------------  ----------  --------  -----------------  -----  --------
sgd          lr=0.001, momentum=0.9  0.143067    1.43e-01  7.22e-01           100    no
adam         lr=0.02                 4.04789     4.05e+00  2.01e+00           100    no
(minimizer)  known                   0           0         0                  -      -
0
"""

from __future__ import annotations

import argparse
import dataclasses
import math
from pathlib import Path

import numpy as np

import surfaces
from optim import OPTIMIZERS, minimize
from search.plots import descend_figure, distance_to_nearest, image_formats

LINREG = "linreg"
# Learning rates of the analytic surfaces, chosen on Rosenbrock from
# (-1.2, 1) in 2000 steps: each optimizer makes real progress along the
# valley and none diverges (SGD with momentum reaches the minimizer; Adam and
# RMSProp end within about 0.1 of it, RMSProp hovering at the scale of its lr).
ANALYTIC_LR = {"sgd": 1e-3, "rmsprop": 1e-2, "adam": 2e-2, "adamw": 2e-2}
# Linear regression on the diabetes data: the targets are in the hundreds,
# so Adam's per-coordinate step (about lr) must be a few units to reach the
# intercept (about 150) in a few hundred steps; Adam then settles on the
# closed form (its steps shrink with the gradient, while v remembers the
# early large gradients), whereas RMSProp, whose v forgets within ~100 steps,
# keeps hovering at a distance of the order of its lr. SGD's lr is 1/L (below).
LINREG_LR = {"rmsprop": 0.3, "adam": 5.0, "adamw": 5.0}
# Heavy-ball momentum for SGD: on a quadratic with Hessian eigenvalues in
# [mu, L], mu > 0, gradient descent with momentum m in [0, 1) converges for
# any 0 < lr < 2 (1 + m) / L, so lr = 1/L with m = 0.9 is provably safe.
EXTRA = {"sgd": {"momentum": 0.9}}
STEPS = {LINREG: 1000}
DEFAULT_STEPS = 2000
DEFAULT_OPTIMIZERS = ("sgd", "rmsprop", "adam")

PLOT_HELP = (
    "write the figure to FILE (PNG, or another format matplotlib knows by the "
    "extension): the paths over the contours (2-D surfaces) or the distance to "
    "the minimizer (d > 2), and the loss above the minimum, against the step"
)


def main(argv=None) -> int:
    """Run the ``hpo`` command line with ``argv`` (default: ``sys.argv[1:]``).

    Parameters
    ----------
    argv : list of str, optional
        The arguments after the program name.

    Returns
    -------
    int
        The exit status, 0 on success (bad options raise ``SystemExit(2)``
        from argparse, with a message on stderr).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.run(args, args.parser)


def build_parser() -> argparse.ArgumentParser:
    """Build the ``hpo`` parser, with one subparser per entry of :data:`COMMANDS`."""
    parser = argparse.ArgumentParser(
        prog="hpo",
        description="The two loops of hyperparameter optimization, from scratch.",
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", title="commands"
    )
    for add in COMMANDS:
        add(commands)
    return parser


# ---------------------------------------------------------------- descend


def add_descend(commands) -> None:
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
        type=_surface_name,
        metavar="NAME",
        help=f"one of: {known}; '{LINREG}' is least squares with an intercept on "
        "the training part of the diabetes data (default: rosenbrock)",
    )
    group.add_argument(
        "--start",
        type=_point,
        metavar="X1,X2,...",
        help="start point (default: the surface's customary start; zero weights "
        "for linreg); write --start=-1.2,1 when the first coordinate is negative",
    )
    group.add_argument(
        "--seed",
        type=_seed,
        default=0,
        help="seed of the train/validation/test split of linreg (default: 0; the "
        "runs themselves are deterministic)",
    )


def _add_training_options(group) -> None:
    """Options of ``descend`` that choose the optimizers and their settings."""
    group.add_argument(
        "--optimizers",
        default=",".join(DEFAULT_OPTIMIZERS),
        type=_optimizer_names,
        metavar="A,B,...",
        help=f"comma-separated, from: {', '.join(OPTIMIZERS)} "
        f"(default: {','.join(DEFAULT_OPTIMIZERS)})",
    )
    group.add_argument(
        "--lr",
        type=_learning_rate,
        metavar="LR",
        help=f"one learning rate for every optimizer (default: {_lr_help()})",
    )
    group.add_argument(
        "--steps",
        type=_positive_int,
        metavar="N",
        help=f"optimizer steps (default: {DEFAULT_STEPS}; {STEPS[LINREG]} for "
        f"{LINREG})",
    )


def run_descend(args, parser) -> int:
    """Train each optimizer with :func:`optim.minimize`, print the table, plot."""
    surface, info = _problem(args.surface, args.seed)
    x0 = _start(surface, args.start, parser)
    if args.plot is not None:
        _check_plot_path(args.plot, parser)
    steps = args.steps or STEPS.get(args.surface, DEFAULT_STEPS)
    traces = {}
    for name in args.optimizers:
        optimizer = _optimizer(name, args.lr, surface)
        traces[name] = (optimizer, minimize(surface, x0, optimizer, steps))
    print(_header(args.surface, surface, x0, steps, info))
    print()
    print(_table(surface, traces, args.surface == LINREG))
    if args.plot is not None:
        _save_plot(args, parser, surface, x0, steps, traces)
    return 0


def _problem(name, seed):
    """The surface called ``name`` and a line about it (for linreg: the data)."""
    if name != LINREG:
        return surfaces.get(name), ""
    X, y, _ = surfaces.load_diabetes(scaled=True)
    part = surfaces.split(X, y, rng=seed)
    # The targets (25 to 346) are not centred, so the model needs an intercept.
    s = surfaces.LinearRegression(part.X_train, part.y_train, intercept=True)
    info = (
        f"data: diabetes (Efron et al. 2004), training part of split(seed={seed}): "
        f"{s.n} rows, {s.p} standardized features + intercept\n"
        f"Hessian eigenvalues in [mu, L] = [{s.strong_convexity:.4g}, "
        f"{s.smoothness:.4g}]; SGD's default lr is 1/L = {1 / s.smoothness:.4g}"
    )
    return s, info


def _optimizer(name, lr, surface):
    """Build optimizer ``name`` with ``lr`` (or its default for ``surface``)."""
    if lr is None and surface.name == LINREG:
        lr = 1.0 / surface.smoothness if name == "sgd" else LINREG_LR[name]
    elif lr is None:
        lr = ANALYTIC_LR[name]
    return OPTIMIZERS[name](lr=lr, **EXTRA.get(name, {}))


def _start(surface, start, parser) -> np.ndarray:
    """The start ``(d,)``: ``--start`` checked against the surface's dimension."""
    if start is None:
        return np.asarray(surface.start, dtype=np.float64)
    if start.size != surface.dim:
        parser.error(
            f"argument --start: {surface.name} has d = {surface.dim} coordinates, "
            f"got {start.size}: {_fmt_point(start)}"
        )
    return start


# ---------------------------------------------------------------- output


def _header(name, surface, x0, steps, info) -> str:
    """Lines above the table: the problem, the start and the minimum."""
    head = (
        f"hpo descend: {name} (d = {surface.dim}), {steps} steps from "
        f"x0 = {_fmt_start(surface, x0)}"
    )
    minimum = f"minimum f* = {surface.minimum:.6g} at " + " and ".join(
        _fmt_point(m) for m in surface.minimizers[:4]
    )
    if len(surface.minimizers) > 4:
        minimum += f" (+{len(surface.minimizers) - 4} more)"
    if name == LINREG:
        minimum = f"closed-form (lstsq) loss f* = {surface.minimum:.6g}"
    lines = [head, f"start loss f(x0) = {float(surface.value(x0)):.6g}; {minimum}"]
    return "\n".join(lines + ([info] if info else []))


def _table(surface, traces, linreg) -> str:
    """The fixed-width table: one row per optimizer, then the reference row."""
    target = "closed form" if linreg else "minimizer"
    headers = ["optimizer", "hyperparameters", "final loss", "f - f*"]
    headers += [f"dist to {target}", "steps", "diverged"]
    rows = [_row(name, *run, surface) for name, run in traces.items()]
    reference = "lstsq" if linreg else "known"
    rows.append(
        [f"({target})", reference, f"{surface.minimum:.6g}", "0", "0", "-", "-"]
    )
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    rule = ["-" * w for w in widths]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [headers, rule, *rows]
    )


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


def _fmt_hyper(optimizer) -> str:
    """``lr``, a non-zero weight decay and every other field off its default."""
    parts = []
    for field in dataclasses.fields(optimizer):
        value = getattr(optimizer, field.name)
        shown = field.name == "lr" or field.name == "weight_decay" and value != 0
        if shown or value != field.default:
            parts.append(
                f"{field.name}={value:.4g}"
                if isinstance(value, float)
                else f"{field.name}={value}"
            )
    return ", ".join(parts)


def _fmt_start(surface, x0) -> str:
    """The start as a point, or ``0`` for the zero weights of a long vector."""
    return "0" if surface.dim > 3 and not np.any(x0) else _fmt_point(x0)


def _fmt_point(x) -> str:
    """``(1, -1.2)``: a short, exact-enough rendering of a point."""
    return "(" + ", ".join(f"{v:.4g}" for v in np.asarray(x, dtype=float)) + ")"


def _save_plot(args, parser, surface, x0, steps, traces) -> None:
    """Write the two-panel figure of :func:`search.plots.descend_figure`."""
    # legend labels name the settings: "sgd (lr=0.001, momentum=0.9)"
    labels = {name: f"{name} ({_fmt_hyper(opt)})" for name, (opt, _) in traces.items()}
    paths = {labels[name]: trace.path for name, (_, trace) in traces.items()}
    values = {labels[name]: trace.values for name, (_, trace) in traces.items()}
    solution = "closed-form solution" if args.surface == LINREG else "minimizer"
    problem = args.surface
    if args.surface == LINREG:
        problem = f"least squares on the diabetes data (d = {surface.dim})"
    title = f"hpo descend: {problem}, {steps} steps from {_fmt_start(surface, x0)}"
    fig = descend_figure(surface, paths, values, title=title, solution=solution)
    fig.savefig(args.plot)
    print(f"\nwrote {args.plot}")


def _check_plot_path(path, parser) -> None:
    """Before training: the directory exists and matplotlib knows the extension."""
    if not path.parent.is_dir():
        parser.error(f"argument --plot: directory {path.parent} does not exist")
    known = image_formats()
    if path.suffix.lower().lstrip(".") not in known:
        parser.error(
            f"argument --plot: {str(path)!r} needs an image extension, one of: "
            f"{', '.join(known)}"
        )


# ---------------------------------------------------------------- option types


def _surface_name(text: str) -> str:
    key = text.strip().lower().replace("-", "_")
    if key != LINREG and key not in surfaces.names():
        known = ", ".join([*surfaces.names(), LINREG])
        raise argparse.ArgumentTypeError(f"unknown surface {text!r}; known: {known}")
    return key


def _optimizer_names(text: str) -> tuple[str, ...]:
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in OPTIMIZERS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown optimizer {', '.join(map(repr, unknown)) or repr(text)}; "
            f"known: {', '.join(OPTIMIZERS)}"
        )
    return tuple(dict.fromkeys(names))  # drop repeats, keep the order


def _learning_rate(text: str) -> float:
    try:
        lr = float(text)
    except ValueError:
        lr = math.nan
    if not (0 <= lr < math.inf):
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text!r}")
    return lr


def _positive_int(text: str) -> int:
    return _int_at_least(text, 1)


def _seed(text: str) -> int:
    return _int_at_least(text, 0)


def _int_at_least(text: str, low: int) -> int:
    try:
        n = int(text)
    except ValueError:
        n = low - 1
    if n < low:
        raise argparse.ArgumentTypeError(f"must be an integer >= {low}, got {text!r}")
    return n


def _point(text: str) -> np.ndarray:
    try:
        x = np.array([float(v) for v in text.split(",")])
    except ValueError:
        x = np.array([math.nan])
    if not np.all(np.isfinite(x)):
        raise argparse.ArgumentTypeError(
            f"must be finite numbers separated by commas, e.g. 1.5,-2; got {text!r}"
        )
    return x


def _lr_help() -> str:
    analytic = ", ".join(f"{k} {v:g}" for k, v in ANALYTIC_LR.items())
    linreg = ", ".join(f"{k} {v:g}" for k, v in LINREG_LR.items())
    return f"{analytic}; for {LINREG}: sgd 1/L, {linreg}; SGD has momentum 0.9"


COMMANDS = (add_descend,)
