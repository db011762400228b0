"""What ``hpo search`` sets up before it trains: problem, space, strategy, all checked.

Each ``--space`` item is a name with its default range
(:func:`search.defaults.default_space`), ``NAME=LOW:HIGH[:log]`` (a range),
``NAME=A|B|C`` (choices) or ``NAME=A`` (one fixed value). Every range is an
interval, so checking its bounds (and each choice) against the objective
(:meth:`search.TrainedLoss.check_value`) refuses a bad range before any
trial; the grid, the steps and the numbers a round records are bounded, and
the paths written to are tried, before any training too.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import warnings

from optim import OPTIMIZERS, Optimizer
from search import (
    ASHA,
    BayesSearch,
    Categorical,
    GridSearch,
    Hyperband,
    Integer,
    RandomSearch,
    Real,
    SearchResult,
    Strategy,
    SuccessiveHalving,
    TPESearch,
    TrainedLoss,
    load,
)
from search.cli import _args, problems
from search.cli._args import MAX_STEPS
from search.cli.problems import Problem
from search.defaults import DEFAULT_TUNED, Dimension, default_space
from search.lr_schedules import PRESETS

# Random proposals do not depend on the results, so the runner can train ten
# at a time in one vectorized run; the proposals are the same in any batch size.
RANDOM_BATCH = 10
# Points per dimension of the default grid: at most 10, and at most ~1000 in all.
MAX_GRID_POINTS = 10
DEFAULT_GRID_SIZE = 1000
# Refused before any training, with the count in the message: a grid larger
# than this (it trains in one vectorized run whose temporaries grow with it:
# 10,000 configurations of the diabetes problem take about 4 s and 190 MB
# here, 100,000 would take 2 GB), and a round that would record more losses
# than this ((steps + 1) per configuration, 8 bytes each: 800 MB).
MAX_GRID_SIZE = 10_000
MAX_RECORDED = 10**8
DEFAULT_TRIALS = 30
# What --out gets; a storage file may not be one of them.
OUTPUT_FILES = (
    *("results.json", "trials.csv", "best_so_far.png", "loss_surface.png"),
    "rungs.png",
)

Space = dict[str, Dimension]


@dataclasses.dataclass(frozen=True)
class Tuning:
    """A search as ``hpo search`` set it up: everything its report shows."""

    args: argparse.Namespace
    problem: Problem
    objective: TrainedLoss
    space: Space
    strategy: Strategy
    n_trials: int


# The multi-fidelity strategies: budgets of steps, and the best go on.
MULTI_FIDELITY = {"hyperband": Hyperband, "sha": SuccessiveHalving, "asha": ASHA}
FIDELITY_OPTIONS = ("min_steps", "max_steps", "eta")


def settings(args: argparse.Namespace) -> dict:
    """What must not change between runs sharing a storage file."""
    kept = {
        "problem": args.problem,
        "optimizer": args.optimizer,
        "strategy": args.strategy,
        "steps": args.steps,
        "seed": args.seed,
        "points": args.points,
    }
    if args.strategy in MULTI_FIDELITY:  # (files of other strategies: as before)
        kept |= {name: getattr(args, name) for name in FIDELITY_OPTIONS}
    if args.schedule != "constant":  # (files without a schedule: as before)
        kept["schedule"] = args.schedule
    return kept


def set_up(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Tuning:
    """The problem, objective, space and strategy of the options, checked."""
    _check_args(args, parser)
    problem = problems.problem(args.problem, args.seed)
    # a multi-fidelity search trains up to --max-steps: its schedule spans those
    steps = (
        args.max_steps
        if args.strategy in MULTI_FIDELITY and args.max_steps
        else args.steps
    )
    objective = TrainedLoss(
        args.optimizer,
        problem.train,
        val=problem.val,
        test=problem.test,
        steps=steps,
        seed=args.seed,
        schedule=args.schedule,
    )
    space = build_space(args, objective, problem, parser)
    check_size(args, space, problem, parser)
    strategy = _strategy(args, space, parser)
    return Tuning(args, problem, objective, space, strategy, _n_trials(args, strategy))


def _n_trials(args: argparse.Namespace, strategy: Strategy) -> int:
    """``--trials``, or the default of the strategy (see ``--trials --help``)."""
    if args.trials:
        return int(args.trials)
    if isinstance(strategy, GridSearch):
        return len(strategy.points)
    if isinstance(strategy, SuccessiveHalving):  # Hyperband too: one pass
        return strategy.n_trials
    if isinstance(strategy, ASHA):  # as many as Hyperband's pass with its settings
        options = {k: getattr(strategy, k) for k in ("budgets", "eta")}
        return Hyperband(
            strategy.config_space,
            min_steps=options["budgets"][0],
            max_steps=options["budgets"][-1],
            eta=options["eta"],
        ).n_trials
    return DEFAULT_TRIALS


def _strategy(args, space: Space, parser: argparse.ArgumentParser) -> Strategy:
    """The strategy object for ``--strategy``, seeded by ``--seed``."""
    if args.strategy == "grid":
        return GridSearch(space, args.points or grid_points(space))
    if args.strategy == "random":
        return RandomSearch(space, seed=args.seed, batch_size=RANDOM_BATCH)
    if args.strategy in MULTI_FIDELITY:
        options = {k: getattr(args, k) for k in FIDELITY_OPTIONS}
        options["max_steps"] = options["max_steps"] or args.steps
        options["eta"] = options["eta"] or 3
        _check_fidelity(args, space, parser)
        strategy = MULTI_FIDELITY[args.strategy](space, seed=args.seed, **options)
        if strategy.largest_rung() > MAX_GRID_SIZE:
            parser.error(
                f"argument --min-steps: {len(strategy.budgets)} budgets from "
                f"{strategy.budgets[0]:,} steps start {strategy.largest_rung():,} "
                f"configurations at once; at most {MAX_GRID_SIZE:,} (a larger "
                "--min-steps or --eta)"
            )
        return strategy
    # One proposal per round, each using every result so far; with N workers,
    # N proposals per round (the model's constant liar), one per process.
    if args.strategy == "tpe":
        return TPESearch(space, seed=args.seed, batch_size=args.workers)
    return BayesSearch(space, seed=args.seed, batch_size=args.workers)


def _check_fidelity(
    args: argparse.Namespace, space: Space, parser: argparse.ArgumentParser
) -> None:
    """The budgets of a multi-fidelity strategy: steps are not tuned, eta >= 2."""
    if "steps" in space:
        parser.error(
            f"argument --space: steps is the budget that --strategy {args.strategy} "
            "sets (--min-steps to --max-steps); do not tune it"
        )
    if args.eta is not None and args.eta < 2:
        parser.error(f"argument --eta: must be an integer >= 2, got {args.eta}")
    top = args.max_steps or args.steps
    if args.min_steps is not None and args.min_steps > top:
        which = "--max-steps" if args.max_steps else "--steps (the default max steps)"
        parser.error(
            f"argument --min-steps: must be at most {which} = {top:,}, got "
            f"{args.min_steps:,}"
        )


def _check_args(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """Option combinations and limits, before any work."""
    if args.points is not None and args.strategy != "grid":
        parser.error("argument --points: only for --strategy grid")
    for name in FIDELITY_OPTIONS:
        if getattr(args, name) is not None and args.strategy not in MULTI_FIDELITY:
            flag = "--" + name.replace("_", "-")
            parser.error(f"argument {flag}: only for --strategy hyperband, sha or asha")
    if (args.max_steps or 0) > MAX_STEPS:
        parser.error(
            f"argument --max-steps: at most {MAX_STEPS:,}, got {args.max_steps:,}"
        )
    if args.steps > MAX_STEPS:
        parser.error(f"argument --steps: at most {MAX_STEPS:,}, got {args.steps:,}")
    if args.workers > _args.max_workers():
        parser.error(
            f"argument --workers: at most {_args.max_workers()} (one process per CPU "
            f"this command may use), got {args.workers:,}"
        )
    if args.out.exists() and not args.out.is_dir():
        parser.error(f"argument --out: {args.out} exists and is not a directory")


def check_paths(
    args: argparse.Namespace, parser: argparse.ArgumentParser
) -> SearchResult | None:
    """Before training: ``--out`` and ``--storage`` can be written.

    A storage file that exists must be one this command wrote: it is read
    (:func:`search.load`) and returned, else ``None``.
    """
    _args.check_writable_dir(args.out, "--out", parser)
    if args.storage is None:
        return None
    outputs = [args.out / name for name in OUTPUT_FILES]
    if any(args.storage.resolve() == path.resolve() for path in outputs):
        parser.error(
            f"argument --storage: {args.storage} is one of the files --out "
            f"replaces ({', '.join(OUTPUT_FILES)}); choose another file"
        )
    _args.check_writable_file(args.storage, "--storage", parser)
    if not args.storage.exists():
        return None
    try:
        with warnings.catch_warnings():  # a cut last line: the run warns once
            warnings.simplefilter("ignore")
            return load(args.storage)
    except ValueError as error:
        parser.error(f"argument --storage: {error}")


def build_space(
    args: argparse.Namespace,
    objective: TrainedLoss,
    problem: Problem,
    parser: argparse.ArgumentParser,
) -> Space:
    """The dimensions to tune: ``--space``, or the optimizer's defaults."""
    # by default the optimizer's usual pair, and the schedule's argument
    tuned = [*DEFAULT_TUNED[args.optimizer], *PRESETS[args.schedule].defaults]
    items = args.space or [(name, None) for name in tuned]
    space: Space = {}
    for name, spec in items:
        owner = [k for k, p in PRESETS.items() if name in p.defaults]
        if name not in objective.names and owner:
            parser.error(
                f"argument --space: {name} is an argument of --schedule {owner[0]}; "
                f"add --schedule {owner[0]}"
            )
        if name not in objective.names:
            parser.error(
                f"argument --space: {args.optimizer} has no hyperparameter {name!r}; "
                f"valid: {', '.join(objective.names)}"
            )
        if name in space:
            parser.error(f"argument --space: {name!r} is given twice")
        try:
            space[name] = _dimension(
                name, spec, args.optimizer, problem, objective.steps
            )
            for value in _extremes(space[name]):
                objective.check_value(name, value)
        except (TypeError, ValueError) as error:
            parser.error(f"argument --space: {name}: {error}")
    if most_steps(args, space) > MAX_STEPS:
        parser.error(
            f"argument --space: steps: at most {MAX_STEPS:,}, got "
            f"{most_steps(args, space):,}"
        )
    return space


def _dimension(
    name: str, spec: str | None, optimizer: str, problem: Problem, horizon: int
):
    """One dimension of the space from its ``--space`` item (``None``: the default).

    A schedule's ``warmup`` is an integer, by default up to a quarter of the
    ``horizon`` (the steps the schedule spans); its ``pct_start`` a real, by
    default in ``[0.05, 0.5]``.
    """
    if spec is None and name == "warmup":
        return Integer(0, max(1, horizon // 4))
    if spec is None and name == "pct_start":
        return Real(0.05, 0.5)
    if spec is None:
        rows = None if problem.rows is None else problem.rows["train"]
        return default_space(optimizer, [name], rows=rows)[name]
    cls: type[Optimizer] = OPTIMIZERS[optimizer]
    switch = name in cls.switches()
    if "|" in spec or ":" not in spec:  # choices, or one value: fixed
        return Categorical([_choice(text, switch) for text in spec.split("|")])
    parts = spec.split(":")
    if len(parts) not in (2, 3) or len(parts) == 3 and parts[2].lower() != "log":
        raise ValueError(f"expected LOW:HIGH, LOW:HIGH:log or A|B|C, got {spec!r}")
    if switch:
        raise ValueError(f"{name} is a switch: write {name} or {name}=False|True")
    integer = name in ("steps", "batch_size", "warmup")
    convert = int if integer else float
    try:
        low, high = convert(parts[0]), convert(parts[1])
    except ValueError:
        kind = "integers" if integer else "numbers"
        raise ValueError(f"LOW and HIGH must be {kind}, got {spec!r}") from None
    if integer:
        return Integer(int(low), int(high), log=len(parts) == 3)
    return Real(low, high, log=len(parts) == 3)


def _choice(text: str, switch: bool):
    """A categorical choice from text: a bool for a switch, else a number if it is one."""
    word = text.strip()
    if switch or word.lower() in ("true", "false"):
        if word.lower() not in ("true", "false"):
            raise ValueError(f"a switch takes True or False, got {word!r}")
        return word.lower() == "true"
    for convert in (int, float):
        try:
            return convert(word)
        except ValueError:
            pass
    return word


def most_steps(args: argparse.Namespace, space: Space) -> int:
    """The most steps a trial trains: ``--steps``, ``--max-steps`` or the largest tuned value."""
    if args.strategy in MULTI_FIDELITY:
        return int(args.max_steps or args.steps)
    return max(_extremes(space["steps"])) if "steps" in space else args.steps


def _extremes(dim) -> list:
    """The values that decide whether every point of ``dim`` is valid.

    Its bounds (every valid range is an interval), or each of its choices.
    """
    if isinstance(dim, Categorical):
        return list(dim.choices)
    return [dim.low, dim.high]


def grid_points(space: Space) -> int:
    """Default points per dimension: at most 10, the grid at most ~1000 points."""
    k = sum(not isinstance(d, Categorical) for d in space.values())
    points = MAX_GRID_POINTS
    while points > 2 and points**k > DEFAULT_GRID_SIZE:
        points -= 1
    return points


def check_size(
    args: argparse.Namespace,
    space: Space,
    problem: Problem,
    parser: argparse.ArgumentParser,
) -> None:
    """Refuse a grid, or a round of training, too large for memory, with the count."""
    if args.strategy == "grid":
        size = _grid_size(space, args.points or grid_points(space))
        if size > MAX_GRID_SIZE:
            parser.error(
                f"argument --points: a grid of {size:,} points; at most "
                f"{MAX_GRID_SIZE:,} (fewer --points or dimensions)"
            )
        per_round = size
    elif args.strategy in MULTI_FIDELITY:  # its rungs are checked when it is built
        return
    else:
        per_round = RANDOM_BATCH if args.strategy == "random" else args.workers
    steps = most_steps(args, space)
    per_config = steps + 1  # the losses of a configuration's run
    if per_round * per_config > MAX_RECORDED:
        parser.error(
            f"argument --steps: {per_round:,} configurations of {steps:,} steps at "
            f"once would record {per_round * per_config:,} numbers; at most "
            f"{MAX_RECORDED:,} (fewer steps or grid points)"
        )


def _grid_size(space: Space, points: int) -> int:
    """Points of the grid of ``points`` per dimension, without making the product.

    Each axis keeps its distinct values only (a log-scaled Integer may have
    fewer than ``points``).
    """
    return math.prod(_axis_size(d, points) for d in space.values())


def _axis_size(dim: Dimension, points: int) -> int:
    """The number of values of ``dim.grid(points)`` (an upper bound past the limit)."""
    if isinstance(dim, Categorical):
        return len(dim.choices)
    if points <= MAX_GRID_SIZE:  # cheap to build: count exactly
        return len(dim.grid(points))
    # Past the limit the grid is refused anyway; this bound is exact for a
    # Real and for an Integer without the log warp.
    return min(points, dim.high - dim.low + 1) if isinstance(dim, Integer) else points
