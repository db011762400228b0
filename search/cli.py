"""The ``hpo`` command line.

``hpo descend`` runs optimizers on a loss surface (an analytic test function,
or least squares on the shipped diabetes data) and prints how close each got
to the known minimizer; ``--plot`` draws their paths and loss curves.

``hpo search`` tunes an optimizer's hyperparameters on a problem (the
diabetes data split into train/validation/test, synthetic data, or a
surface) with grid, random or Bayesian search, through :func:`search.run`:
it prints the trials, the best hyperparameters and a comparison with the
closed-form solution, and writes ``results.json``, ``trials.csv`` and plots.

Every subcommand is one function ``add_<command>(commands)`` that builds its
subparser ``p`` and sets ``p.set_defaults(run=..., parser=p)``, where ``run``
is a function ``run(args, parser) -> int`` (``parser`` for its errors);
:data:`COMMANDS` lists them, so adding a command is writing one such
function and appending it there. Matplotlib is imported only when a plot is
written (in :mod:`search.plots`) and SciPy only when a Bayesian search or a
closed form needs it, so ``hpo --help`` loads NumPy only.

Every error is one line on standard error and exit status 2, checked before
any training wherever it can be (paths written to, ranges, sizes); warnings
are one line each (``hpo: warning: ...``); a search whose every trial
failed exits with status 1.

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
import json
import math
import os
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

import surfaces
from optim import OPTIMIZERS, minimize
from search.bayes_search import BayesSearch
from search.grid_search import GridSearch
from search.objective import TrainedLoss
from search.plots import (
    descend_figure,
    distance_to_nearest,
    image_formats,
    loss_surface_figure,
    trials_figure,
)
from search.random_search import RandomSearch
from search.runner import load, run
from search.space import Categorical, Integer, Real, space_spec

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
    with warnings.catch_warnings():  # restores showwarning on the way out
        warnings.showwarning = _one_line_warning
        try:
            return args.run(args, args.parser)
        except OSError as error:  # a write that failed after the checks (disk full)
            args.parser.exit(2, f"hpo {args.command}: error: {error}\n")
        except KeyboardInterrupt:  # Ctrl-C before the search's own handler
            args.parser.exit(130, "\ninterrupted\n")


def _one_line_warning(message, category, filename, lineno, file=None, line=None):
    """Print a warning as ``hpo: warning: message``, without source lines."""
    print(f"hpo: warning: {message}", file=sys.stderr if file is None else file)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("hpo-from-scratch")
    except PackageNotFoundError:  # run from a source tree that was not installed
        return "unknown (not installed)"


class _Parser(argparse.ArgumentParser):
    """An argparse parser whose errors are one line: ``hpo search: error: ...``."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """Build the ``hpo`` parser, with one subparser per entry of :data:`COMMANDS`."""
    parser = _Parser(
        prog="hpo",
        description="The two loops of hyperparameter optimization, from scratch.",
    )
    parser.add_argument("--version", action="version", version=f"hpo {_version()}")
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
    if steps > MAX_STEPS:
        parser.error(f"argument --steps: at most {MAX_STEPS:,}, got {steps:,}")
    traces = {}
    for name in args.optimizers:
        optimizer = _optimizer(name, args.lr, surface)
        traces[name] = (optimizer, minimize(surface, x0, optimizer, steps))
    # A far start overflows to inf in the table's f(x0) and distances: a
    # result to print, not a warning (minimize runs under its own errstate).
    with np.errstate(over="ignore", invalid="ignore"):
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
    """Before training: matplotlib knows the extension, and the file can be written."""
    known = image_formats()
    if path.suffix.lower().lstrip(".") not in known:
        parser.error(
            f"argument --plot: {str(path)!r} needs an image extension, one of: "
            f"{', '.join(known)}"
        )
    _check_writable_file(path, "--plot", parser)


def _check_writable_file(path: Path, flag: str, parser) -> None:
    """Before training: file ``path`` can be written, and nothing is changed.

    An existing regular file is opened for appending (its content untouched);
    for a new one a test file is created and removed beside it.
    """
    if path.is_dir():
        parser.error(f"argument {flag}: {path} is a directory")
    if path.exists() and not path.is_file():
        parser.error(f"argument {flag}: {path} is not a regular file")
    if not path.parent.is_dir():
        parser.error(f"argument {flag}: directory {path.parent} does not exist")
    try:
        if path.exists():
            with path.open("ab"):
                pass
        else:
            with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".hpo-check-"):
                pass
    except OSError as error:
        parser.error(f"argument {flag}: cannot write {path}: {error.strerror}")


def _check_writable_dir(path: Path, flag: str, parser) -> None:
    """Before training: directory ``path`` can be made and written, with no trace.

    A test directory is made and removed in its nearest existing ancestor.
    """
    if path.exists() and not path.is_dir():
        parser.error(f"argument {flag}: {path} exists and is not a directory")
    ancestor = path
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        parser.error(f"argument {flag}: {ancestor} is not a directory")
    try:
        os.rmdir(tempfile.mkdtemp(dir=ancestor, prefix=".hpo-check-"))
    except OSError as error:
        parser.error(f"argument {flag}: cannot write in {ancestor}: {error.strerror}")


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


# ---------------------------------------------------------------- search

DATA_PROBLEMS = ("diabetes", "synthetic")
STRATEGIES = ("grid", "random", "bayes")
DEFAULT_TRIALS = 30
DEFAULT_SEARCH_STEPS = 200
# Random proposals do not depend on the results, so the runner can train ten
# at a time in one vectorized run; the proposals are the same in any batch size.
RANDOM_BATCH = 10
# Points per dimension of the default grid: at most 10, and at most ~1000 in all.
MAX_GRID_POINTS = 10
DEFAULT_GRID_SIZE = 1000
# Refused before any training, with the count in the message: a grid larger
# than this (it trains in one vectorized run whose temporaries grow with it:
# 10,000 configurations of the diabetes problem take about 4 s and 190 MB
# here, 100,000 would take 2 GB); more steps per trial than this (100,000
# Adam steps on the diabetes data take about 1.5 s a trial); and a round that
# would record more losses than this ((steps + 1) per configuration, 8 bytes
# each: 800 MB).
MAX_GRID_SIZE = 10_000
# What --out gets; a storage file may not be one of them.
OUTPUT_FILES = ("results.json", "trials.csv", "best_so_far.png", "loss_surface.png")
MAX_STEPS = 100_000
MAX_RECORDED = 10**8
# The synthetic problem: make_regression(n, d, noise) with the --seed.
SYNTHETIC = {"n": 200, "d": 10, "noise": 1.0}
# Tuned by default, per optimizer: the learning rate and the decay of the
# gradient average (Adam's b1, SGD's momentum) or of RMSProp's squared one.
DEFAULT_TUNED = {
    "sgd": ("lr", "momentum"),
    "rmsprop": ("lr", "alpha"),
    "adam": ("lr", "b1"),
    "adamw": ("lr", "b1"),
}
# Learning-rate ranges, wide enough to hold both failure modes: too small
# (no progress in the steps given) and too large. SGD's steps scale with the
# gradient: on a quadratic it blows up beyond lr = 2 (1 + momentum) / L (on the
# diabetes data 2/L = 0.57; on Rosenbrock from (-1.2, 1) it diverges from a
# few thousandths on), so the top of its range shows that edge. Adam's and
# RMSProp's steps are about lr whatever the gradient: they do not diverge on
# these problems, but a large lr makes them hop around the minimum instead.
LR_RANGE = {"sgd": (1e-5, 1.0), "rmsprop": (1e-4, 10.0), "adam": (1e-4, 10.0)}
LR_RANGE["adamw"] = LR_RANGE["adam"]
# (low, high, log) of every other numeric hyperparameter.
HYPER_RANGE = {
    "b1": (0.0, 0.99, False),
    "b2": (0.9, 0.9999, False),
    "momentum": (0.0, 0.99, False),
    "dampening": (0.0, 0.99, False),
    "alpha": (0.5, 0.999, False),
    "eps": (1e-10, 1e-2, True),
    "weight_decay": (1e-6, 1.0, True),
    "steps": (10, 1000, True),
}
HYPER_LABEL = {
    "lr": "learning rate lr",
    "b1": "b1, decay of Adam's gradient average",
    "b2": "b2, decay of Adam's squared-gradient average",
    "momentum": "momentum",
    "dampening": "dampening",
    "alpha": "alpha, decay of RMSProp's squared-gradient average",
    "eps": "eps",
    "weight_decay": "weight decay",
    "steps": "optimizer steps",
    "batch_size": "minibatch size (rows)",
}
SPACE_HELP = (
    "which hyperparameters to tune, comma-separated: NAME (its default range), "
    "NAME=LOW:HIGH or NAME=LOW:HIGH:log (a real range; an integer one for steps "
    "and batch_size), NAME=A|B|C (choices; quote it in a shell) or NAME=A (one "
    "value, fixed for every trial). Names: the "
    "optimizer's fields, steps, and batch_size for linear regression. Default: "
    "lr and b1 (Adam, AdamW), lr and momentum (SGD), lr and alpha (RMSProp). "
    "Default ranges: lr log [1e-5, 1] for SGD, log [1e-4, 10] otherwise; "
    + ", ".join(
        f"{k} {'log ' if log else ''}[{lo:g}, {hi:g}]"
        for k, (lo, hi, log) in HYPER_RANGE.items()
    )
    + ", batch_size log [1, rows]; a switch (amsgrad, nesterov, ...) is False|True"
)


def add_search(commands) -> None:
    """Add ``hpo search``: tune hyperparameters, a table, a comparison, plots."""
    p = commands.add_parser(
        "search",
        help="tune an optimizer's hyperparameters with grid, random or Bayesian search",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Tune an optimizer's hyperparameters on a problem. Every trial trains\n"
            "from scratch for --steps steps and is scored on the validation rows\n"
            "(on an analytic surface: by its final loss). Prints the trials, the\n"
            "best hyperparameters and, for linear regression, a comparison with\n"
            "the closed-form least-squares solution on the validation and test\n"
            "rows; writes results.json, trials.csv and plots to --out.\n\n"
            "With no options: Adam's lr and b1 on the diabetes data, 30 trials of\n"
            "Bayesian search."
        ),
        epilog=(
            "examples:\n"
            "  hpo search --strategy grid --points 12\n"
            "  hpo search --optimizer sgd --problem rosenbrock --strategy random "
            "--trials 60\n"
            "  hpo search --space 'lr,b1=0.5|0.9|0.99' --strategy grid\n"
            "  hpo search --storage trials.jsonl   # Ctrl-C, then the same again: "
            "it resumes"
        ),
    )
    problem = p.add_argument_group("problem")
    known = ", ".join([*DATA_PROBLEMS, *surfaces.names()])
    problem.add_argument(
        "--problem",
        default="diabetes",
        type=_search_problem_name,
        metavar="NAME",
        help=f"one of: {known}. diabetes: least squares with an intercept on the "
        "shipped data, split into train/validation/test rows; synthetic: the same "
        f"on make_regression(n={SYNTHETIC['n']}, d={SYNTHETIC['d']}, "
        f"noise={SYNTHETIC['noise']:g}); a surface: the final loss from its start "
        "(default: diabetes)",
    )
    problem.add_argument(
        "--seed",
        type=_seed,
        default=0,
        help="seeds the split (and the synthetic data), the strategy and the "
        "minibatches (default: 0)",
    )
    tuning = p.add_argument_group("search")
    tuning.add_argument(
        "--optimizer",
        default="adam",
        type=_optimizer_name,
        metavar="NAME",
        help=f"one of: {', '.join(OPTIMIZERS)} (default: adam)",
    )
    tuning.add_argument(
        "--strategy",
        default="bayes",
        choices=STRATEGIES,
        help="grid: a product grid, trained in one vectorized run; random: uniform "
        "(log-uniform on log ranges), ten at a time; bayes: a Gaussian process "
        "and expected improvement, one at a time (default: bayes)",
    )
    tuning.add_argument(
        "--trials",
        type=_positive_int,
        metavar="N",
        help=f"trials to run (default: {DEFAULT_TRIALS}; for grid: the whole grid, "
        "N stops it after its first N points)",
    )
    tuning.add_argument(
        "--points",
        type=_positive_int,
        metavar="P",
        help=f"grid only: values per dimension (default: {MAX_GRID_POINTS}, fewer "
        f"when the grid would exceed {DEFAULT_GRID_SIZE} points; a grid of more "
        f"than {MAX_GRID_SIZE:,} points is refused)",
    )
    tuning.add_argument(
        "--steps",
        type=_positive_int,
        default=DEFAULT_SEARCH_STEPS,
        metavar="N",
        help=f"optimizer steps per trial (default: {DEFAULT_SEARCH_STEPS}; at most "
        f"{MAX_STEPS:,})",
    )
    tuning.add_argument("--space", type=_space_items, metavar="SPEC", help=SPACE_HELP)
    running = p.add_argument_group("running")
    running.add_argument(
        "--storage",
        type=Path,
        metavar="FILE",
        help="append every finished trial to FILE (JSON Lines) and resume from it: "
        "rerun the same command after Ctrl-C or a crash and it goes on where it "
        "stopped (--trials may grow); the options it was started with are kept "
        "in its first line and checked; a file this command did not write is "
        "refused, never overwritten (default: no storage)",
    )
    running.add_argument(
        "--workers",
        type=_positive_int,
        default=1,
        metavar="N",
        help="train N trials at a time in N processes, at most one per CPU "
        f"({_max_workers()} here) (default: 1, in this process, where grid and "
        "random batches are vectorized instead)",
    )
    output = p.add_argument_group("output")
    output.add_argument(
        "--out",
        type=Path,
        default=Path("hpo-search-results"),
        metavar="DIR",
        help="directory for results.json, trials.csv, best_so_far.png and (two "
        "tuned hyperparameters) loss_surface.png, created if missing; files of "
        "these names in it are replaced (default: hpo-search-results)",
    )
    output.add_argument(
        "--no-plot", action="store_true", help="write no plots (faster)"
    )
    p.set_defaults(run=run_search, parser=p)


def run_search(args, parser) -> int:
    """Build the objective, space and strategy; check; run the search; report."""
    _check_search_args(args, parser)
    problem = _search_problem(args.problem, args.seed)
    objective = TrainedLoss(
        args.optimizer,
        problem.train,
        val=problem.val,
        test=problem.test,
        steps=args.steps,
        seed=args.seed,
    )
    space = _search_space(args, objective, problem, parser)
    _check_size(args, space, problem, parser)
    strategy = _strategy(args, space)
    n_trials = args.trials or (
        len(strategy.points) if args.strategy == "grid" else DEFAULT_TRIALS
    )
    stored = _check_paths(args, parser)
    print(_search_header(args, problem, space, strategy, n_trials, stored))
    print(flush=True)
    try:
        result = _run_search(args, objective, strategy, n_trials)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        if args.storage is not None:
            print(
                f"the finished trials are in {args.storage}; run the same command "
                "again to resume",
                file=sys.stderr,
            )
        return 130
    except ValueError as error:  # the runner refuses a storage file of another search
        if args.storage is None:
            raise
        parser.error(f"argument --storage: {error}")
    print(_trials_table(result, space, problem))
    print()
    print(_search_summary(result, space, problem, objective))
    written = _write_search_files(args, result, space, problem, objective)
    print()
    print(f"wrote to {args.out}: {', '.join(path.name for path in written)}")
    return _all_failed(result)


def _all_failed(result) -> int:
    """Exit status: 1 (and why, on stderr) if no trial gave a finite value, else 0."""
    if not result.trials or result.best is not None:
        return 0
    n = len(result.trials)
    failed = [t for t in result.trials if t.status == "failed"]
    why = (
        f"all {n} trials failed; the first with {failed[0].message}"
        if len(failed) == n
        else f"no trial of {n} ended with a finite value ({len(failed)} failed, "
        f"{n - len(failed)} diverged)"
    )
    print(f"hpo search: error: {why}", file=sys.stderr)
    return 1


def _max_workers() -> int:
    """The CPUs this process may run on: the bound of ``--workers``.

    Each worker trains on one CPU; more processes than CPUs only wait for
    each other and add memory.
    """
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _check_search_args(args, parser) -> None:
    """Option combinations and limits, before any work."""
    if args.points is not None and args.strategy != "grid":
        parser.error("argument --points: only for --strategy grid")
    if args.steps > MAX_STEPS:
        parser.error(f"argument --steps: at most {MAX_STEPS:,}, got {args.steps:,}")
    if args.workers > _max_workers():
        parser.error(
            f"argument --workers: at most {_max_workers()} (one process per CPU "
            f"this command may use), got {args.workers:,}"
        )
    if args.out.exists() and not args.out.is_dir():
        parser.error(f"argument --out: {args.out} exists and is not a directory")


def _check_paths(args, parser):
    """Before training: ``--out`` and ``--storage`` can be written.

    A storage file that exists must be one this command wrote: it is read
    (:func:`search.load`) and returned, else ``None``.
    """
    _check_writable_dir(args.out, "--out", parser)
    if args.storage is None:
        return None
    outputs = [args.out / name for name in OUTPUT_FILES]
    if any(args.storage.resolve() == path.resolve() for path in outputs):
        parser.error(
            f"argument --storage: {args.storage} is one of the files --out "
            f"replaces ({', '.join(OUTPUT_FILES)}); choose another file"
        )
    _check_writable_file(args.storage, "--storage", parser)
    if not args.storage.exists():
        return None
    try:
        with warnings.catch_warnings():  # a cut last line: the run warns once
            warnings.simplefilter("ignore")
            return load(args.storage)
    except ValueError as error:
        parser.error(f"argument --storage: {error}")


@dataclasses.dataclass(frozen=True)
class _Problem:
    """What a search tunes on: the training surface, held-out data, a description."""

    name: str
    train: surfaces.Surface
    val: surfaces.LinearRegression | None
    test: surfaces.LinearRegression | None
    about: str

    @property
    def linreg(self) -> bool:
        return self.val is not None


def _search_problem(name, seed) -> _Problem:
    """The data split into train/validation/test, or an analytic surface."""
    if name not in DATA_PROBLEMS:
        s = surfaces.get(name)
        start = ", ".join(f"{v:.4g}" for v in np.asarray(s.start, dtype=float))
        about = (
            f"problem: {name} (d = {s.dim}); a trial's score is the loss f(x_T) "
            f"after the steps from x0 = ({start}); minimum f* = {s.minimum:.6g}"
        )
        return _Problem(name, s, None, None, about)
    if name == "diabetes":
        X, y, _ = surfaces.load_diabetes(scaled=True)
        source = f"diabetes (Efron et al. 2004), {X.shape[1]} standardized features"
    else:
        X, y, _ = surfaces.make_regression(**SYNTHETIC, rng=seed)
        source = (
            f"synthetic, make_regression(n={SYNTHETIC['n']}, d={SYNTHETIC['d']}, "
            f"noise={SYNTHETIC['noise']:g}, rng={seed})"
        )
    part = surfaces.split(X, y, rng=seed)
    # The diabetes targets (25 to 346) are not centred: the model needs an intercept.
    train, val, test = (
        surfaces.LinearRegression(Xp, yp, intercept=True)
        for Xp, yp in (
            (part.X_train, part.y_train),
            (part.X_val, part.y_val),
            (part.X_test, part.y_test),
        )
    )
    about = (
        f"data: {source} + intercept; split(seed={seed}): train {train.n}, "
        f"validation {val.n}, test {test.n} rows\n"
        "score: validation loss (1/2n)||Xw - y||^2 of the weights trained from w = 0"
    )
    return _Problem(name, train, val, test, about)


def _search_space(args, objective, problem, parser) -> dict:
    """The dimensions to tune: ``--space``, or the optimizer's defaults."""
    items = args.space or [(name, None) for name in DEFAULT_TUNED[args.optimizer]]
    space = {}
    for name, spec in items:
        if name not in objective.names:
            parser.error(
                f"argument --space: {args.optimizer} has no hyperparameter {name!r}; "
                f"valid: {', '.join(objective.names)}"
            )
        if name in space:
            parser.error(f"argument --space: {name!r} is given twice")
        try:
            space[name] = _dimension(name, spec, args.optimizer, problem)
            for value in _extremes(space[name]):
                objective.check_value(name, value)
        except (TypeError, ValueError) as error:
            parser.error(f"argument --space: {name}: {error}")
    if _most_steps(args, space) > MAX_STEPS:
        parser.error(
            f"argument --space: steps: at most {MAX_STEPS:,}, got "
            f"{_most_steps(args, space):,}"
        )
    return space


def _most_steps(args, space) -> int:
    """The most steps a trial trains: ``--steps``, or the largest tuned value."""
    return max(_extremes(space["steps"])) if "steps" in space else args.steps


def _extremes(dim) -> list:
    """The values that decide whether every point of ``dim`` is valid.

    Its bounds (every valid range is an interval), or each of its choices.
    """
    if isinstance(dim, Categorical):
        return list(dim.choices)
    return [dim.low, dim.high]


def _check_size(args, space, problem, parser) -> None:
    """Refuse a grid, or a round of training, too large for memory, with the count."""
    if args.strategy == "grid":
        points = args.points or _grid_points(space)
        size = math.prod(
            len(d.choices)
            if isinstance(d, Categorical)
            else min(points, d.high - d.low + 1)
            if isinstance(d, Integer)
            else points
            for d in space.values()
        )
        if size > MAX_GRID_SIZE:
            parser.error(
                f"argument --points: a grid of {size:,} points; at most "
                f"{MAX_GRID_SIZE:,} (fewer --points or dimensions)"
            )
        per_round = size
    else:
        per_round = RANDOM_BATCH if args.strategy == "random" else args.workers
    steps = _most_steps(args, space)
    # (steps + 1) losses per configuration; a tuned steps also records the path
    per_config = (steps + 1) * (1 + problem.train.dim * ("steps" in space))
    if per_round * per_config > MAX_RECORDED:
        parser.error(
            f"argument --steps: {per_round:,} configurations of {steps:,} steps at "
            f"once would record {per_round * per_config:,} numbers; at most "
            f"{MAX_RECORDED:,} (fewer steps or grid points)"
        )


def _dimension(name, spec, optimizer, problem):
    """One dimension of the space from its ``--space`` item (``None``: the default)."""
    flags = OPTIMIZERS[optimizer].FLAGS
    integer = name in ("steps", "batch_size")
    if spec is None:
        if name in flags:
            return Categorical([False, True])
        if name == "lr":
            return Real(*LR_RANGE[optimizer], log=True)
        if name == "batch_size":
            return Integer(1, problem.train.n, log=True)
        low, high, log = HYPER_RANGE[name]
        return (Integer if integer else Real)(low, high, log=log)
    if "|" in spec or ":" not in spec:  # choices, or one value: fixed
        return Categorical([_choice(text, name in flags) for text in spec.split("|")])
    parts = spec.split(":")
    if len(parts) not in (2, 3) or len(parts) == 3 and parts[2].lower() != "log":
        raise ValueError(f"expected LOW:HIGH, LOW:HIGH:log or A|B|C, got {spec!r}")
    if name in flags:
        raise ValueError(f"{name} is a switch: write {name} or {name}=False|True")
    convert = int if integer else float
    try:
        low, high = convert(parts[0]), convert(parts[1])
    except ValueError:
        kind = "integers" if integer else "numbers"
        raise ValueError(f"LOW and HIGH must be {kind}, got {spec!r}") from None
    return (Integer if integer else Real)(low, high, log=len(parts) == 3)


def _choice(text, flag):
    """A categorical choice from text: a bool for a switch, else a number if it is one."""
    word = text.strip()
    if flag or word.lower() in ("true", "false"):
        if word.lower() not in ("true", "false"):
            raise ValueError(f"a switch takes True or False, got {word!r}")
        return word.lower() == "true"
    for convert in (int, float):
        try:
            return convert(word)
        except ValueError:
            pass
    return word


def _grid_points(space) -> int:
    """Default points per dimension: at most 10, the grid at most ~1000 points."""
    k = sum(not isinstance(d, Categorical) for d in space.values())
    points = MAX_GRID_POINTS
    while points > 2 and points**k > DEFAULT_GRID_SIZE:
        points -= 1
    return points


def _strategy(args, space):
    """The strategy object for ``--strategy``, seeded by ``--seed``."""
    if args.strategy == "grid":
        return GridSearch(space, args.points or _grid_points(space))
    if args.strategy == "random":
        return RandomSearch(space, seed=args.seed, batch_size=RANDOM_BATCH)
    # One proposal per round, each using every result so far; with N workers,
    # N proposals per round (the GP's constant liar), one per process.
    return BayesSearch(space, seed=args.seed, batch_size=args.workers)


def _settings(args) -> dict:
    """What must not change between runs sharing a storage file."""
    return {
        "problem": args.problem,
        "optimizer": args.optimizer,
        "strategy": args.strategy,
        "steps": args.steps,
        "seed": args.seed,
        "points": args.points,
    }


def _run_search(args, objective, strategy, n_trials):
    """Run the search: in this process, or with a process pool for ``--workers``."""
    # A progress line rewritten in place is for a terminal, not for a log file.
    kwargs = {
        "storage": args.storage,
        "progress": sys.stderr.isatty(),
        "metadata": _settings(args),
    }
    if args.workers == 1:
        return run(objective, strategy, n_trials, **kwargs)
    from search.pool import worker_pool  # multiprocessing: imported when used

    # Its workers exit if this process is killed; leaving the block by Ctrl-C
    # stops them at once (their running trials are dropped: a rerun redoes
    # them) and the KeyboardInterrupt goes on to run_search's "interrupted".
    with worker_pool(args.workers) as executor:
        return run(objective, strategy, n_trials, executor=executor, **kwargs)


# ---------------------------------------------------------------- search output


def _search_header(args, problem, space, strategy, n_trials, stored) -> str:
    """Lines above the table: what is tuned, on what, and how."""
    optimizer = OPTIMIZERS[args.optimizer].__name__
    how = {
        "grid": "grid search",
        "random": "random search",
        "bayes": "Bayesian search (Gaussian process, expected improvement)",
    }[args.strategy]
    trials = f"{n_trials} trials"
    if args.strategy == "grid":
        shape = " x ".join(
            str(len({_key(p[name]) for p in strategy.points})) for name in space
        )
        trials = f"a {shape} grid, {min(n_trials, len(strategy.points))} trials"
    parallel = f", {args.workers} processes" if args.workers > 1 else ""
    steps = "tuned steps" if "steps" in space else f"{args.steps} steps"
    lines = [
        f"hpo search: {optimizer} on {args.problem}, {how}, {trials} of "
        f"{steps} (seed {args.seed}{parallel})",
        problem.about,
        "space: " + ", ".join(_fmt_dimension(n, d) for n, d in space.items()),
    ]
    if args.storage is not None:
        count = 0 if stored is None else len(stored.trials)
        state = f"{count} trials stored, resuming" if count else "a new search"
        lines.append(f"storage: {args.storage} ({state})")
    return "\n".join(lines)


def _key(value):
    """A hashable key telling ``True`` from ``1`` (as the space does)."""
    return (type(value) is bool, value)


def _fmt_dimension(name, dim) -> str:
    """``lr in [0.0001, 10] (log)``, ``k in 1..9``, ``amsgrad in {False, True}``."""
    if isinstance(dim, Categorical):
        return f"{name} in {{{', '.join(map(str, dim.choices))}}}"
    scale = " (log scale)" if dim.log else ""
    if isinstance(dim, Integer):
        return f"{name} in {dim.low}..{dim.high}{scale}"
    return f"{name} in [{dim.low:g}, {dim.high:g}]{scale}"


def _fmt_param(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _value_name(problem) -> str:
    return "val loss" if problem.linreg else "final loss"


# Longer tables repeat their header every so many rows.
HEADER_EVERY = 50


def _trials_table(result, space, problem) -> str:
    """One row per trial, in order: hyperparameters, value, status, seconds."""
    best = result.best
    headers = ["trial", *space, _value_name(problem), "status", "seconds", ""]
    numeric = [True, *(not isinstance(d, Categorical) for d in space.values())]
    numeric += [True, False, True, False]
    rows = []
    for t in result.trials:
        value = f"{t.value:.6g}" if t.status == "ok" else "-"
        mark = "<- best" if best is not None and t.index == best.index else ""
        params = [_fmt_param(t.params[name]) for name in space]
        rows.append([str(t.index), *params, value, t.status, f"{t.seconds:.4f}", mark])
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells):
        return "  ".join(
            c.rjust(w) if right else c.ljust(w)
            for c, w, right in zip(cells, widths, numeric, strict=True)
        ).rstrip()

    rule = ["-" * w for w in widths[:-1]] + [""]  # no rule over the best mark
    lines = [line(headers), line(rule)]
    for i, row in enumerate(rows):
        if i and i % HEADER_EVERY == 0:
            lines.append(line(headers))
        lines.append(line(row))
    return "\n".join(lines)


def _search_summary(result, space, problem, objective) -> str:
    """Counts, the best hyperparameters, and the comparison with the closed form."""
    n = len(result.trials)
    ok = n - result.n_diverged - result.n_failed
    lines = [
        f"{n} trials: {ok} ok, {result.n_diverged} diverged, {result.n_failed} failed"
    ]
    failures = {t.message for t in result.trials if t.status == "failed"}
    for message in sorted(failures)[:3]:
        lines.append(f"  failed: {message}")
    best = result.best
    if best is None:
        lines.append("no trial ended with a finite value: no best hyperparameters")
        return "\n".join(lines)
    params = ", ".join(f"{k}={_fmt_param(v)}" for k, v in best.params.items())
    lines.append(
        f"best hyperparameters (trial {best.index}): {params}; "
        f"{_value_name(problem)} {best.value:.6g}"
    )
    lines.append("")
    if not problem.linreg:
        f_star = problem.train.minimum
        lines.append(
            f"known minimum f* = {f_star:.6g}; the best trial ends "
            f"{best.value - f_star:.3g} above it"
        )
        return "\n".join(lines)
    closed = objective.closed_form()
    optimizer = objective.optimizer.__name__
    table = [
        ["", "validation loss", "test loss"],
        [
            f"tuned {optimizer} (trial {best.index})",
            f"{best.value:.6g}",
            f"{result.test_score:.6g}",
        ],
        ["closed form (lstsq)", f"{closed['val']:.6g}", f"{closed['test']:.6g}"],
    ]
    widths = [max(len(r[i]) for r in table) for i in range(3)]
    for row in table:
        lines.append(
            "  ".join(
                [row[0].ljust(widths[0])]
                + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
            )
        )
    lines.append(
        "(the closed form is the exact minimizer of the training loss; the test\n"
        "rows are used once, to score the best trial after the search)"
    )
    if best.value < closed["val"] and result.test_score < closed["test"]:
        lines.append(
            "the tuned run beats the closed form on validation and on test: stopping\n"
            "short of the training minimum acted as a regularizer"
        )
    elif best.value < closed["val"]:
        lines.append(
            "the tuned run beats the closed form on validation but not on test: its\n"
            "edge was partly fitted to the validation rows, by choosing among trials"
        )
    return "\n".join(lines)


def _write_search_files(args, result, space, problem, objective) -> list:
    """results.json, trials.csv and the plots in ``--out``; the paths written."""
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    document = {
        "command": "hpo search",
        "settings": {**_settings(args), "trials": len(result.trials)},
        "space": space_spec(space),
        "split": None,
        "closed_form": None,
        "minimum": None,
        "best_params": None if result.best is None else result.best.params,
        "best_value": None if result.best is None else result.best.value,
        **json.loads(result.to_json()),
    }
    if problem.linreg:
        document["split"] = {
            "train": problem.train.n,
            "val": problem.val.n,
            "test": problem.test.n,
        }
        document["closed_form"] = objective.closed_form()
    else:
        document["minimum"] = problem.train.minimum
    written = [out / "results.json", out / "trials.csv"]
    written[0].write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    result.to_csv(written[1])
    if not args.no_plot:
        written += _save_search_plots(args, result, space, problem, objective)
    return written


def _save_search_plots(args, result, space, problem, objective) -> list:
    """The best-so-far figure, and the heat map for two tuned hyperparameters."""
    values = np.array([t.value for t in result.trials])
    status = [t.status for t in result.trials]
    optimizer = objective.optimizer.__name__
    steps = "tuned steps" if "steps" in space else f"{args.steps} steps"
    title = (
        f"{optimizer} on {args.problem}: {args.strategy} search, "
        f"{len(values)} trials of {steps}"
    )
    if problem.linreg:
        ylabel = "validation loss, (1/2n)||Xw - y||²"
        reference = (objective.closed_form()["val"], "closed-form weights (lstsq)")
    else:
        # The gap to the known minimum, positive, so a log scale can show it;
        # below float64's resolution of f* it is rounding noise: floored there.
        f_star = problem.train.minimum
        floor = np.finfo(float).eps * max(abs(f_star), 1.0)
        with np.errstate(invalid="ignore"):  # inf - f* stays inf, nan stays nan
            values = np.where(
                np.isfinite(values), np.maximum(values - f_star, floor), values
            )
        ylabel = "final loss above the minimum, f(x_T) - f*"
        reference = None
    written = [args.out / "best_so_far.png"]
    fig = trials_figure(
        values, status=status, title=title, ylabel=ylabel, reference=reference
    )
    fig.savefig(written[0])
    if len(space) == 2:
        labels = {name: HYPER_LABEL.get(name, name) for name in space}
        fig = loss_surface_figure(
            space,
            [t.params for t in result.trials],
            values,
            status=status,
            labels=labels,
            title=title,
            colorbar_label=ylabel,
        )
        written.append(args.out / "loss_surface.png")
        fig.savefig(written[1])
    return written


def _search_problem_name(text: str) -> str:
    key = text.strip().lower().replace("-", "_")
    if key not in DATA_PROBLEMS and key not in surfaces.names():
        known = ", ".join([*DATA_PROBLEMS, *surfaces.names()])
        raise argparse.ArgumentTypeError(f"unknown problem {text!r}; known: {known}")
    return key


def _optimizer_name(text: str) -> str:
    key = text.strip().lower()
    if key not in OPTIMIZERS:
        raise argparse.ArgumentTypeError(
            f"unknown optimizer {text!r}; known: {', '.join(OPTIMIZERS)}"
        )
    return key


def _space_items(text: str) -> list:
    """``"lr=1e-4:1:log,b1"`` -> ``[("lr", "1e-4:1:log"), ("b1", None)]`` (syntax only)."""
    items = []
    for item in text.split(","):
        name, _, spec = item.partition("=")
        name = name.strip()
        if not name.isidentifier() or "=" in item and not spec.strip():
            raise argparse.ArgumentTypeError(
                f"expected NAME, NAME=LOW:HIGH[:log] or NAME=A|B|C separated by "
                f"commas, got {item!r} in {text!r}"
            )
        items.append((name, spec.strip() or None))
    return items


COMMANDS = (add_descend, add_search)
