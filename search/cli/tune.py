"""``hpo search``: the outer loop. Tune an optimizer's hyperparameters on a problem.

Sets up the objective (:class:`search.TrainedLoss` on the problem's
training rows, scored on its validation rows), the space and the strategy,
checking everything that can be checked before training
(:mod:`search.cli.tune_setup`), then runs :func:`search.run` (in this
process, or a pool for ``--workers``) and reports
(:mod:`search.cli.tune_report`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import surfaces
from optim import OPTIMIZERS
from search import SearchResult, run
from search.cli import _args
from search.cli import tune_report as report
from search.cli.problems import DATA_PROBLEMS, SYNTHETIC
from search.cli.tune_setup import (
    DEFAULT_GRID_SIZE,
    DEFAULT_TRIALS,
    MAX_GRID_POINTS,
    MAX_GRID_SIZE,
    Tuning,
    check_paths,
    set_up,
    settings,
)
from search.defaults import HYPER_RANGE

STRATEGIES = ("grid", "random", "bayes", "tpe", "hyperband", "sha", "asha")
DEFAULT_SEARCH_STEPS = 200

DESCRIPTION = (
    "Tune an optimizer's hyperparameters on a problem. Every trial trains\n"
    "from scratch for --steps steps and is scored on the validation rows\n"
    "(on an analytic surface: by its final loss). Prints the trials, the\n"
    "best hyperparameters and, for linear regression, a comparison with\n"
    "the closed-form least-squares solution on the validation and test\n"
    "rows; writes results.json, trials.csv and plots to --out.\n\n"
    "With no options: Adam's lr and b1 on the diabetes data, 30 trials of\n"
    "Bayesian search."
)
EPILOG = (
    "examples:\n"
    "  hpo search --strategy grid --points 12\n"
    "  hpo search --optimizer sgd --problem rosenbrock --strategy random "
    "--trials 60\n"
    "  hpo search --space 'lr,b1=0.5|0.9|0.99' --strategy grid\n"
    "  hpo search --strategy hyperband --max-steps 300   # most trials stop early\n"
    "  hpo search --storage trials.jsonl   # Ctrl-C, then the same again: "
    "it resumes"
)
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


def add_search(commands: argparse._SubParsersAction) -> None:
    """Add ``hpo search``: tune hyperparameters, a table, a comparison, plots."""
    p = commands.add_parser(
        "search",
        help="tune an optimizer's hyperparameters with grid, random or Bayesian search",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=DESCRIPTION,
        epilog=EPILOG,
    )
    _add_problem_options(p.add_argument_group("problem"))
    _add_search_options(p.add_argument_group("search"))
    _add_running_options(p.add_argument_group("running"))
    _add_output_options(p.add_argument_group("output"))
    p.set_defaults(run=run_search, parser=p)


def _add_problem_options(group) -> None:
    """Options of ``search`` that choose the problem and the seed."""
    known = ", ".join([*DATA_PROBLEMS, *surfaces.names()])
    group.add_argument(
        "--problem",
        default="diabetes",
        type=_args.problem_name,
        metavar="NAME",
        help=f"one of: {known}. diabetes: least squares with an intercept on the "
        "shipped data, split into train/validation/test rows; synthetic: the same "
        f"on make_regression(n={SYNTHETIC['n']}, d={SYNTHETIC['d']}, "
        f"noise={SYNTHETIC['noise']:g}); a surface: the final loss from its start "
        "(default: diabetes)",
    )
    group.add_argument(
        "--seed",
        type=_args.seed,
        default=0,
        help="seeds the split (and the synthetic data), the strategy and the "
        "minibatches (default: 0)",
    )


def _add_search_options(group) -> None:
    """Options of ``search`` that choose the optimizer, strategy, budget, space."""
    group.add_argument(
        "--optimizer",
        default="adam",
        type=_args.optimizer_name,
        metavar="NAME",
        help=f"one of: {', '.join(OPTIMIZERS)} (default: adam)",
    )
    group.add_argument(
        "--strategy",
        default="bayes",
        choices=STRATEGIES,
        help="grid: a product grid, trained in one vectorized run; random: uniform "
        "(log-uniform on log ranges), ten at a time; bayes: a Gaussian process "
        "and expected improvement, one at a time; tpe: optuna's default sampler, "
        "the tree-structured Parzen estimator, one at a time; hyperband, sha "
        "(successive halving), asha (asynchronous successive halving): "
        "multi-fidelity, each trial trains for a budget of --min-steps to "
        "--max-steps steps and only the best go on, continuing their training "
        "(default: bayes)",
    )
    group.add_argument(
        "--trials",
        type=_args.positive_int,
        metavar="N",
        help=f"trials to run (default: {DEFAULT_TRIALS}; for grid: the whole grid, "
        "for hyperband and sha: one pass of their brackets, for asha: as many as "
        "hyperband's; a smaller N stops them early)",
    )
    group.add_argument(
        "--points",
        type=_args.positive_int,
        metavar="P",
        help=f"grid only: values per dimension (default: {MAX_GRID_POINTS}, fewer "
        f"when the grid would exceed {DEFAULT_GRID_SIZE} points; a grid of more "
        f"than {MAX_GRID_SIZE:,} points is refused)",
    )
    group.add_argument(
        "--steps",
        type=_args.positive_int,
        default=DEFAULT_SEARCH_STEPS,
        metavar="N",
        help=f"optimizer steps per trial (default: {DEFAULT_SEARCH_STEPS}; at most "
        f"{_args.MAX_STEPS:,})",
    )
    group.add_argument(
        "--space", type=_args.space_items, metavar="SPEC", help=SPACE_HELP
    )
    group.add_argument(
        "--schedule",
        default="constant",
        choices=("constant", "cosine", "onecycle"),
        help="the learning rate over the --steps steps of a trial: constant; "
        "cosine: a linear warm-up of 'warmup' steps from 1%% of lr, then half a "
        "cosine down to 0; onecycle: torch's OneCycleLR, up for 'pct_start' of the "
        "steps to lr, then down. warmup and pct_start are hyperparameters: tuned "
        "by default with the optimizer's pair, or named in --space "
        "(e.g. --space 'lr,warmup=0:50'), fixed as warmup=10 (default: constant)",
    )
    group.add_argument(
        "--max-steps",
        type=_args.positive_int,
        metavar="N",
        help="hyperband, sha, asha: the highest budget, the steps of a trial that "
        "reaches the top rung (default: --steps)",
    )
    group.add_argument(
        "--min-steps",
        type=_args.positive_int,
        metavar="N",
        help="hyperband, sha, asha: the lowest budget (default: max steps // eta**3, "
        "at least 1); the budgets are max steps / eta**k down to it",
    )
    group.add_argument(
        "--eta",
        type=_args.positive_int,
        metavar="K",
        help="hyperband, sha, asha: each budget is K times the one below, and the "
        "best 1/K of a rung goes on, K >= 2 (default: 3)",
    )


def _add_running_options(group) -> None:
    """Options of ``search`` that say where trials are stored and run."""
    group.add_argument(
        "--storage",
        type=Path,
        metavar="FILE",
        help="append every finished trial to FILE (JSON Lines) and resume from it: "
        "rerun the same command after Ctrl-C or a crash and it goes on where it "
        "stopped (--trials may grow); the options it was started with are kept "
        "in its first line and checked; a file this command did not write is "
        "refused, never overwritten (default: no storage)",
    )
    group.add_argument(
        "--workers",
        type=_args.positive_int,
        default=1,
        metavar="N",
        help="train N trials at a time in N processes, at most one per CPU "
        f"({_args.max_workers()} here) (default: 1, in this process, where grid and "
        "random batches are vectorized instead)",
    )


def _add_output_options(group) -> None:
    """Options of ``search`` that say what is written where."""
    group.add_argument(
        "--out",
        type=Path,
        default=Path("hpo-search-results"),
        metavar="DIR",
        help="directory for results.json, trials.csv, best_so_far.png and (two "
        "tuned hyperparameters) loss_surface.png, or (hyperband, sha, asha) "
        "rungs.png, created if missing; files of "
        "these names in it are replaced (default: hpo-search-results)",
    )
    group.add_argument("--no-plot", action="store_true", help="write no plots (faster)")


def run_search(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Build the objective, space and strategy; check; run the search; report."""
    tuning = set_up(args, parser)
    stored = check_paths(args, parser)
    print(report.header(tuning, stored))
    print(flush=True)
    result = _search(tuning, parser)
    if result is None:  # interrupted
        return 130
    print(report.trials_table(tuning, result))
    print()
    print(report.summary(tuning, result))
    written = report.write_files(tuning, result)
    print()
    print(f"wrote to {args.out}: {', '.join(path.name for path in written)}")
    return _all_failed(result)


def _search(tuning: Tuning, parser: argparse.ArgumentParser) -> SearchResult | None:
    """Run the search; ``None`` if Ctrl-C stopped it (said on standard error)."""
    args = tuning.args
    try:
        return _run(tuning)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        if args.storage is not None:
            print(
                f"the finished trials are in {args.storage}; run the same command "
                "again to resume",
                file=sys.stderr,
            )
        return None
    except ValueError as error:  # the runner refuses a storage file of another search
        if args.storage is None:
            raise
        parser.error(f"argument --storage: {error}")


def _run(tuning: Tuning) -> SearchResult:
    """Run the search: in this process, or with a process pool for ``--workers``."""
    args = tuning.args
    # A progress line rewritten in place is for a terminal, not for a log file.
    kwargs = {
        "storage": args.storage,
        "progress": sys.stderr.isatty(),
        "metadata": settings(args),
    }
    if args.workers == 1:
        return run(tuning.objective, tuning.strategy, tuning.n_trials, **kwargs)
    from search.pool import worker_pool  # multiprocessing: imported when used

    # Its workers exit if this process is killed; leaving the block by Ctrl-C
    # stops them at once (their running trials are dropped: a rerun redoes
    # them) and the KeyboardInterrupt goes on to _search's "interrupted".
    with worker_pool(args.workers) as executor:
        return run(
            tuning.objective,
            tuning.strategy,
            tuning.n_trials,
            executor=executor,
            **kwargs,
        )


def _all_failed(result: SearchResult) -> int:
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
