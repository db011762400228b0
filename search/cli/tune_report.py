"""What ``hpo search`` prints and writes: the header, the trials, the summary, files.

The trials table has one row per trial in order, its header repeated every
:data:`HEADER_EVERY` rows; the summary counts the statuses, names the best
hyperparameters and, for data, compares the tuned model with the closed
form on the validation and test rows. ``--out`` gets ``results.json``
(settings, space, split, closed form and every trial), ``trials.csv`` and
the figures of :mod:`search.plots`.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from optim import OPTIMIZERS
from search import Categorical, GridSearch, Integer, SearchResult, TrainedLoss, Trial
from search.cli.problems import Problem, fmt_point
from search.cli.tables import text_table
from search.cli.tune_setup import Tuning, settings
from search.multi_fidelity import MultiFidelity
from search.space import space_spec

# Longer tables repeat their header every so many rows.
HEADER_EVERY = 50
STRATEGY_NAMES = {
    "grid": "grid search",
    "random": "random search",
    "bayes": "Bayesian search (Gaussian process, expected improvement)",
    "tpe": "TPE search (tree-structured Parzen estimators)",
    "hyperband": "Hyperband (successive halving in brackets)",
    "sha": "successive halving",
    "asha": "asynchronous successive halving (ASHA)",
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


# ---------------------------------------------------------------- header


def header(tuning: Tuning, stored: SearchResult | None) -> str:
    """Lines above the table: what is tuned, on what, and how."""
    args, space = tuning.args, tuning.space
    optimizer = OPTIMIZERS[args.optimizer].__name__
    trials = f"{tuning.n_trials} trials"
    if isinstance(tuning.strategy, GridSearch):
        points = tuning.strategy.points
        shape = " x ".join(str(len({_key(p[name]) for p in points})) for name in space)
        trials = f"a {shape} grid, {min(tuning.n_trials, len(points))} trials"
    parallel = f", {args.workers} processes" if args.workers > 1 else ""
    steps = _steps(tuning)
    lines = [
        f"hpo search: {optimizer} on {args.problem}, {STRATEGY_NAMES[args.strategy]}, "
        f"{trials} of {steps} (seed {args.seed}{parallel})",
        _about(tuning.problem),
        "space: " + ", ".join(_fmt_dimension(n, d) for n, d in space.items()),
    ]
    if args.storage is not None:
        count = 0 if stored is None else len(stored.trials)
        state = f"{count} trials stored, resuming" if count else "a new search"
        lines.append(f"storage: {args.storage} ({state})")
    return "\n".join(lines)


def _steps(tuning: Tuning) -> str:
    """How long the trials train: ``200 steps``, ``tuned steps``, or the budgets."""
    if isinstance(tuning.strategy, MultiFidelity):
        return f"budgets of {', '.join(map(str, tuning.strategy.budgets))} steps"
    steps = "tuned steps" if "steps" in tuning.space else f"{tuning.args.steps} steps"
    if tuning.args.schedule != "constant":
        steps += f", {tuning.args.schedule} schedule"
    return steps


def _about(problem: Problem) -> str:
    """The problem: the data and its split and score, or the surface and its start."""
    train, rows = problem.train, problem.rows
    if rows is None:
        return (
            f"problem: {problem.name} (d = {train.dim}); a trial's score is the loss "
            f"f(x_T) after the steps from x0 = {fmt_point(train.start)}; minimum "
            f"f* = {train.minimum:.6g}"
        )
    return (
        f"data: {problem.source} + intercept; split(seed={problem.seed}): train "
        f"{rows['train']}, validation {rows['val']}, test {rows['test']} rows\n"
        "score: validation loss (1/2n)||Xw - y||^2 of the weights trained from w = 0"
    )


def _key(value) -> tuple:
    """A hashable key telling ``True`` from ``1`` (as the space does)."""
    return (type(value) is bool, value)


def _fmt_dimension(name: str, dim) -> str:
    """``lr in [0.0001, 10] (log)``, ``k in 1..9``, ``amsgrad in {False, True}``."""
    if isinstance(dim, Categorical):
        return f"{name} in {{{', '.join(map(str, dim.choices))}}}"
    scale = " (log scale)" if dim.log else ""
    if isinstance(dim, Integer):
        return f"{name} in {dim.low}..{dim.high}{scale}"
    return f"{name} in [{dim.low:g}, {dim.high:g}]{scale}"


def _fmt_param(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _value_name(problem: Problem) -> str:
    return "val loss" if problem.linreg else "final loss"


# ---------------------------------------------------------------- trials, summary


def trials_table(tuning: Tuning, result: SearchResult) -> str:
    """One row per trial, in order: hyperparameters, value, status, seconds.

    A multi-fidelity strategy's space has ``steps`` too: each trial's budget.
    """
    space, best = tuning.strategy.space, result.best
    head = ["trial", *space, _value_name(tuning.problem), "status", "seconds", ""]
    right = [True, *(not isinstance(d, Categorical) for d in space.values())]
    right += [True, False, True, False]
    rows = []
    for t in result.trials:
        value = f"{t.value:.6g}" if t.status == "ok" else "-"
        mark = "<- best" if best is not None and t.index == best.index else ""
        params = [_fmt_param(t.params[name]) for name in space]
        rows.append([str(t.index), *params, value, t.status, f"{t.seconds:.4f}", mark])
    # no rule over the best mark: its header is empty
    return text_table(head, rows, right=right, repeat=HEADER_EVERY)


def summary(tuning: Tuning, result: SearchResult) -> str:
    """Counts, the best hyperparameters, and the comparison with the closed form."""
    n = len(result.trials)
    ok = n - result.n_diverged - result.n_failed
    lines = [
        f"{n} trials: {ok} ok, {result.n_diverged} diverged, {result.n_failed} failed"
    ]
    if result.gradient_steps is not None:
        lines.append(
            f"gradient steps: {result.gradient_steps:,} in all, "
            f"{result.gradient_steps / max(n, 1):,.1f} per trial"
        )
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
        f"{_value_name(tuning.problem)} {best.value:.6g}"
    )
    lines.append("")
    if not tuning.problem.linreg:
        f_star = tuning.problem.train.minimum
        lines.append(
            f"known minimum f* = {f_star:.6g}; the best trial ends "
            f"{best.value - f_star:.3g} above it"
        )
        return "\n".join(lines)
    # the runner scores the best trial on the test rows the problem always has
    test_score = math.nan if result.test_score is None else result.test_score
    lines.append(_comparison(tuning.objective, best, test_score))
    return "\n".join(lines)


def _comparison(objective: TrainedLoss, best: Trial, test_score: float) -> str:
    """The tuned model beside the closed form, on validation and test rows."""
    val, test = _closed_form_scores(objective)
    rows = [
        [
            f"tuned {objective.optimizer.__name__} (trial {best.index})",
            f"{best.value:.6g}",
            f"{test_score:.6g}",
        ],
        ["closed form (lstsq)", f"{val:.6g}", f"{test:.6g}"],
    ]
    head = ["", "validation loss", "test loss"]
    lines = [text_table(head, rows, right=[False, True, True], rule=False)]
    lines.append(
        "(the closed form is the exact minimizer of the training loss; the test\n"
        "rows are used once, to score the best trial after the search)"
    )
    if best.value < val and test_score < test:
        lines.append(
            "the tuned run beats the closed form on validation and on test: stopping\n"
            "short of the training minimum acted as a regularizer"
        )
    elif best.value < val:
        lines.append(
            "the tuned run beats the closed form on validation but not on test: its\n"
            "edge was partly fitted to the validation rows, by choosing among trials"
        )
    return "\n".join(lines)


def _closed_form_scores(objective: TrainedLoss) -> tuple[float, float]:
    """The closed form's validation and test losses (hpo search holds out both)."""
    closed = objective.closed_form()
    val, test = closed["val"], closed["test"]
    if val is None or test is None:
        raise ValueError("hpo search: the problem must hold validation and test rows")
    return val, test


# ---------------------------------------------------------------- files


def write_files(tuning: Tuning, result: SearchResult) -> list[Path]:
    """results.json, trials.csv and the plots in ``--out``; the paths written."""
    args, problem = tuning.args, tuning.problem
    args.out.mkdir(parents=True, exist_ok=True)
    best = result.best
    document = {
        "command": "hpo search",
        "settings": {**settings(args), "trials": len(result.trials)},
        "space": space_spec(tuning.space),
        "split": None,
        "closed_form": None,
        "minimum": None,
        "best_params": None if best is None else best.params,
        "best_value": None if best is None else best.value,
        **json.loads(result.to_json()),
    }
    if problem.rows is not None:
        document["split"] = problem.rows
        document["closed_form"] = tuning.objective.closed_form()
    else:
        document["minimum"] = problem.train.minimum
    written = [args.out / "results.json", args.out / "trials.csv"]
    written[0].write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    result.to_csv(written[1])
    if not args.no_plot:
        written += save_plots(tuning, result)
    return written


def save_plots(tuning: Tuning, result: SearchResult) -> list[Path]:
    """The best-so-far figure, and the heat map for two tuned hyperparameters.

    A multi-fidelity search draws its rungs instead of the heat map: its
    trials are scored at different budgets.
    """
    from search.plots import loss_surface_figure, rungs_figure, trials_figure

    args, space, problem = tuning.args, tuning.space, tuning.problem
    values = np.array([t.value for t in result.trials])
    optimizer = tuning.objective.optimizer.__name__
    steps = _steps(tuning)
    title = (
        f"{optimizer} on {args.problem}: {args.strategy} search, "
        f"{len(values)} trials of {steps}"
    )
    if problem.linreg:
        ylabel = "validation loss, (1/2n)||Xw - y||²"
        val, _ = _closed_form_scores(tuning.objective)
        reference = (val, "closed-form weights (lstsq)")
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
        result, values=values, title=title, ylabel=ylabel, reference=reference
    )
    fig.savefig(written[0])
    if isinstance(tuning.strategy, MultiFidelity):
        written.append(args.out / "rungs.png")
        rungs_figure(result, title=title, ylabel=ylabel).savefig(written[-1])
    elif len(space) == 2:
        labels = {name: HYPER_LABEL.get(name, name) for name in space}
        fig = loss_surface_figure(
            result,
            space,
            values=values,
            labels=labels,
            title=title,
            colorbar_label=ylabel,
        )
        written.append(args.out / "loss_surface.png")
        fig.savefig(written[-1])
    return written
