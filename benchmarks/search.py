"""Search benchmarks: grid, random, Bayesian and TPE search against optuna's samplers.

Four tables, each comparing side by side in one run:

1. **Search quality**: the median simple regret (best value found minus the
   known minimum) after 10, 25 and 50 evaluations over 10 seeds, with its
   interquartile range, on Branin (2-D), Hartmann-6 (6-D) and an
   inner-trained objective (Adam on the diabetes data, tuning ``lr`` and
   ``b1``), for our grid, random and Bayesian search and optuna's
   TPESampler and GPSampler;
2. **Strategy overhead**: the time spent in the strategy itself (``ask`` +
   ``tell``) per trial over a 50-trial run on Branin, ours against optuna's;
3. **Grid evaluation**: a 20 x 20 grid of the inner-trained objective
   evaluated in one vectorized run by :func:`search.run`, against a loop of
   single evaluations and against optuna's GridSampler.

4. **TPE against optuna's TPESampler** (:mod:`benchmarks.search_tpe`):
   median regret at 50 and 100 evaluations and overhead per trial.

optuna is optional: without it the suite runs our strategies only and says
so. optuna's GPSampler needs torch: without torch it is skipped, and so said.
The targets of the issue are judged from the measurements, never assumed.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import inspect
import math
import time
from collections.abc import Callable

import numpy as np

import surfaces
from benchmarks import harness
from benchmarks.harness import Column, Table
from optim import Adam
from search import BayesSearch, GridSearch, RandomSearch, Real, TrainedLoss
from search import run as run_search
from search.cli import problems
from search.results import running_best
from search.space import grid

SEEDS = 10  # seeds of the quality table
QUICK_SEEDS = 2
BUDGETS = (10, 25, 50)  # evaluations after which the regret is read
QUICK_BUDGETS = (5, 10)  # CI smoke test: optuna's GP is still in its 10 random trials
OVERHEAD_TRIALS = 50  # trials of the overhead run (one run, seed 0)
QUICK_OVERHEAD_TRIALS = 12  # optuna's GP models the last 2
INNER_STEPS = 100  # Adam steps of the inner-trained objective of the quality table
REFERENCE_POINTS = 40  # per dimension: the dense grid giving that objective's minimum
QUICK_REFERENCE_POINTS = 20
GRID_POINTS = 20  # per dimension: the timed grid (20 x 20 = 400 configurations)
QUICK_GRID_POINTS = 10
GRID_STEPS = 200  # Adam steps of the timed grid's objective
GRID_REPEATS = 5  # at most, timed repeats of the grid (optuna's takes seconds)
QUICK_GRID_REPEATS = 1
SPLIT_SEED = 0  # surfaces.split(X, y, rng=SPLIT_SEED): the diabetes parts

GP = "optuna GP"  # optuna's GPSampler at torch's default thread count
GP_ONE_THREAD = "optuna GP, 1 torch thread"
OPTUNA_MISSING = (
    "optuna is not installed: only our strategies run, and the optuna rows "
    "and the targets that compare with them are skipped."
)
GP_MISSING = (
    "torch is not installed, and optuna's GPSampler needs it: the GP rows and "
    "the targets that compare with it are skipped."
)


def run(config: harness.Config, env: dict):
    """Yield the quality, overhead and grid tables, TPE against optuna's, multi-fidelity."""
    optuna, torch = optuna_module(), harness.optional("torch")
    gp = optuna is not None and torch is not None
    threads = harness.threads_note(env, config)
    yield quality_table(config, optuna, gp, threads)
    yield overhead_table(config, optuna, gp, threads)
    yield grid_table(config, optuna, threads)
    from benchmarks import search_tpe  # it builds on this module's problems

    yield search_tpe.tpe_table(config, optuna, threads)
    from benchmarks import search_fidelity

    yield from search_fidelity.run_suite(config, optuna)


def optuna_module():
    """The optuna module with its logging at WARNING (no line per trial), or None."""
    optuna = harness.optional("optuna")
    if optuna is not None:
        optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna


def startup_trials(optuna) -> int:
    """Random start-up trials of optuna's GPSampler before its model proposes.

    Read from the default of its ``n_startup_trials`` argument (the public
    signature), the count the samplers here run with.
    """
    parameter = inspect.signature(optuna.samplers.GPSampler).parameters
    return int(parameter["n_startup_trials"].default)


def greenlet_note() -> str:
    """Whether optuna's GPSampler runs with greenlet (its fast path), in words."""
    if importlib.util.find_spec("greenlet") is None:
        return (
            "greenlet is not installed, so optuna's GPSampler optimizes its "
            "acquisition with sequential L-BFGS-B (it warns): slower than a user "
            "with greenlet gets."
        )
    return "greenlet is installed, so optuna's GPSampler runs its batched fast path."


def missing_notes(optuna, gp: bool) -> list[str]:
    """The notes saying which peers are absent, if any."""
    if optuna is None:
        return [OPTUNA_MISSING]
    return [] if gp else [GP_MISSING]


# --- problems -----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Problem:
    """A black box to minimize over a space, with its known (or reference) minimum."""

    name: str
    space: dict
    objective: Callable
    minimum: float


class SurfaceValue:
    """``objective(params)``: an analytic surface's value at the point ``params``.

    The coordinates are ``x0, x1, ...`` in order; no ``batch`` method, so
    :func:`search.run` evaluates one trial at a time, as optuna does.
    """

    def __init__(self, surface):
        self.surface = surface
        self.names = [f"x{i}" for i in range(surface.dim)]

    def __call__(self, params) -> float:
        """The surface's value at ``params``, a float."""
        return float(self.surface.value(np.array([params[n] for n in self.names])))


def surface_problem(surface) -> Problem:
    """The surface over its bounds: one ``Real(low_i, high_i)`` per coordinate."""
    low, high = surface.bounds
    objective = SurfaceValue(surface)
    space = {
        name: Real(float(lo), float(hi))
        for name, lo, hi in zip(objective.names, low, high, strict=True)
    }
    return Problem(type(surface).__name__, space, objective, surface.minimum)


def adam_space() -> dict:
    """Adam's learning rate (log scale) and first-moment decay."""
    return {"lr": Real(1e-3, 10.0, log=True), "b1": Real(0.0, 0.99)}


def diabetes_objective(steps: int) -> TrainedLoss:
    """Validation loss after ``steps`` full-batch Adam steps on the diabetes data.

    Linear regression with an intercept on the training part of
    ``surfaces.split(X, y, rng=0)`` (standardized features), from zero
    weights, scored on the validation part.
    """
    data = problems.problem("diabetes", SPLIT_SEED)  # the problem hpo search tunes
    return TrainedLoss(Adam, train=data.train, val=data.val, steps=steps)


def trained_problem(points: int) -> Problem:
    """The inner-trained objective; its minimum: the best of a ``points``-per-dim grid."""
    space, objective = adam_space(), diabetes_objective(INNER_STEPS)
    values = objective.batch(grid(space, points))  # one vectorized run
    return Problem("Adam on diabetes", space, objective, float(np.min(values)))


# --- the searches ---------------------------------------------------------------


def grid_size(budget: int, k: int) -> int:
    """Points per dimension for a grid of about ``budget`` points in ``k`` dimensions.

    The largest ``n`` with ``n**k <= budget``, but at least 2 (a 6-D grid of
    2 per dimension has 64 points: only its first ``budget`` are evaluated).
    """
    n = 1
    while (n + 1) ** k <= budget:
        n += 1
    return max(n, 2)


def _distributions(optuna, space: dict) -> dict:
    """The optuna distributions of a space of ``Real`` dimensions."""
    return {
        name: optuna.distributions.FloatDistribution(dim.low, dim.high, log=dim.log)
        for name, dim in space.items()
    }


def _sampler(optuna, method: str, seed: int):
    """The seeded optuna sampler of ``method`` ("optuna TPE" or "optuna GP")."""
    if method == "optuna TPE":
        return optuna.samplers.TPESampler(seed=seed)
    return optuna.samplers.GPSampler(seed=seed)


def optuna_search(optuna, method, problem, n_trials, seed) -> np.ndarray:
    """``n_trials`` ask-and-tell trials of optuna's sampler; the values ``(n,)``."""
    study = optuna.create_study(sampler=_sampler(optuna, method, seed))
    distributions = _distributions(optuna, problem.space)
    values = []
    for _ in range(n_trials):
        trial = study.ask(distributions)
        value = problem.objective(trial.params)
        if math.isfinite(value):
            study.tell(trial, value)
        else:  # a diverged run: failed for optuna, never the best
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
        values.append(value)
    return np.array(values)


def regrets(optuna, method, problem, budgets, seed) -> tuple[list, float]:
    """Simple regret after each budget, and the wall time of the whole search.

    Ours go through :func:`search.run` (the library's own loop); optuna's
    through ``study.ask``/``study.tell``. Grid search runs one grid per
    budget (see :func:`grid_size`); the others one search of the largest.
    """
    start = time.perf_counter()
    if method == "grid":
        best = []
        for budget in budgets:
            strategy = GridSearch(problem.space, grid_size(budget, len(problem.space)))
            result = run_search(problem.objective, strategy, budget)
            best.append(float(result.best_so_far()[-1]))
    else:
        n = max(budgets)
        if method in ("random", "bayes"):
            strategy = {"random": RandomSearch, "bayes": BayesSearch}[method]
            result = run_search(
                problem.objective, strategy(problem.space, seed=seed), n
            )
            values = [t.value for t in result.trials]
        else:
            values = optuna_search(optuna, method, problem, n, seed)
        curve = running_best(values)
        best = [float(curve[b - 1]) for b in budgets]
    seconds = time.perf_counter() - start
    return [b - problem.minimum for b in best], seconds


def _methods(optuna, gp: bool) -> list[str]:
    """The strategies compared: ours, then optuna's where available."""
    methods = ["grid", "random", "bayes"]
    if optuna is not None:
        methods.append("optuna TPE")
        if gp:
            methods.append("optuna GP")
    return methods


# --- table 1: search quality -----------------------------------------------------


def _summary(values) -> dict:
    """Median and quartiles of the regrets over the seeds, and the raw list."""
    q1, median, q3 = np.percentile(values, [25, 50, 75])
    return {
        "median": float(median),
        "q1": float(q1),
        "q3": float(q3),
        "iqr": float(q3 - q1),
        "values": [float(v) for v in values],
    }


def quality_table(config, optuna, gp: bool, threads: str) -> Table:
    """Median simple regret (and IQR) per problem, strategy and budget."""
    budgets = QUICK_BUDGETS if config.quick else BUDGETS
    seeds = QUICK_SEEDS if config.quick else SEEDS
    problems = [
        surface_problem(surfaces.Branin()),
        surface_problem(surfaces.Hartmann6()),
        trained_problem(QUICK_REFERENCE_POINTS if config.quick else REFERENCE_POINTS),
    ]
    methods = _methods(optuna, gp)
    rows = []
    for problem in problems:
        for method in methods:
            # Grid search is deterministic: one run serves every seed.
            runs = [
                regrets(optuna, method, problem, budgets, seed)
                for seed in (range(1) if method == "grid" else range(seeds))
            ]
            row = {
                "problem": problem.name,
                "dim": len(problem.space),
                "minimum": problem.minimum,
                "method": method,
                "seeds": len(runs),
                "seconds": float(np.median([s for _, s in runs])),
            }
            if method == "grid":
                k = len(problem.space)
                row["evaluations"] = [min(b, grid_size(b, k) ** k) for b in budgets]
            for j, budget in enumerate(budgets):
                row[f"regret_{budget}"] = _summary([r[j] for r, _ in runs])
            rows.append(row)
    startup = startup_trials(optuna) if gp else None
    quality_targets(rows, max(budgets), startup)
    return Table(
        name="search_quality",
        title=f"Search quality: simple regret after {', '.join(map(str, budgets))} "
        f"evaluations, median [25th, 75th percentile] over {seeds} seeds "
        "(lower is better)",
        columns=_quality_columns(budgets),
        rows=rows,
        notes=[
            *_quality_notes(
                config, problems, budgets, seeds=seeds, optuna=optuna, gp=gp
            ),
            threads,
        ],
    )


def quality_targets(rows: list, budget: int, startup: int | None) -> None:
    """The issue's target on our Bayesian rows: regret no worse than optuna's GP.

    Judged on Branin and Hartmann-6, from the medians at the largest budget;
    no verdict when that budget is within optuna's ``startup`` random trials
    (its GP has not proposed a point yet: the comparison is with random search).
    """
    key = f"regret_{budget}"
    for row in rows:
        if row["method"] != "bayes" or row["problem"] not in ("Branin", "Hartmann6"):
            continue
        gp = [
            r
            for r in rows
            if r["problem"] == row["problem"] and r["method"] == "optuna GP"
        ]
        if gp and budget <= startup:
            row["target"] = harness.no_verdict(
                f"optuna GP in its {startup} random start-up trials"
            )
        elif gp:
            ours, theirs = row[key]["median"], gp[0][key]["median"]
            row["target"] = {"ours": ours, "optuna_gp": theirs, "met": ours <= theirs}


def _fmt_regret(s: dict) -> str:
    """``median [q1, q3]``; the quartiles only when they differ."""
    if s["q1"] == s["q3"]:
        return f"{s['median']:.3g}"
    return f"{s['median']:.3g} [{s['q1']:.3g}, {s['q3']:.3g}]"


def _fmt_quality_target(t: dict) -> str:
    if t["met"] is None:
        return harness.fmt_target(t)
    verdict = "met" if t["met"] else "not met"
    sign = "<=" if t["met"] else ">"
    return f"{verdict} ({t['ours']:.3g} {sign} GP's {t['optuna_gp']:.3g})"


def _quality_columns(budgets) -> list[Column]:
    columns = [
        Column("problem", "problem"),
        Column("method", "strategy"),
    ]
    columns += [Column(f"regret_{b}", f"regret @ {b}", _fmt_regret) for b in budgets]
    columns += [
        Column("seconds", "time per search", harness.fmt_seconds),
        Column("target", "target @ " + str(max(budgets)), _fmt_quality_target),
    ]
    return columns


def _quality_notes(config, problems, budgets, *, seeds, optuna, gp) -> list[str]:
    trained = problems[-1]
    points = QUICK_REFERENCE_POINTS if config.quick else REFERENCE_POINTS
    sizes = ", ".join(
        f"{n} x {n} = {n * n}" for n in (grid_size(b, 2) for b in budgets)
    )
    notes = [
        "Simple regret: the lowest value among the first n evaluations minus the "
        "problem's minimum, for n = " + ", ".join(map(str, budgets)) + " (one "
        f"search of {max(budgets)} evaluations per seed, read at each n); the "
        f"median over seeds 0..{seeds - 1} and, in brackets, the interquartile "
        "range (25th and 75th percentiles; the JSON file has every seed's value)."
        + (
            f" Quick mode: {seeds} seeds and at most {max(budgets)} evaluations, "
            f"not {SEEDS} and {max(BUDGETS)}, and a {points} x {points} reference "
            f"grid, not {REFERENCE_POINTS} x {REFERENCE_POINTS}."
            if config.quick
            else ""
        ),
        "Problems: Branin (2-D, minimum 5/(4 pi)) and Hartmann-6 (6-D, minimum "
        "-3.32237) over their bounds, one Real(low, high) per coordinate, "
        "objective surface.value(x); and 'Adam on diabetes': TrainedLoss(Adam, "
        "train=LinearRegression on the training part of the diabetes split "
        f"(seed {SPLIT_SEED}) with intercept=True, val=the validation part, "
        f"steps={INNER_STEPS}) over lr in [1e-3, 10] (log) and b1 in [0, 0.99]. "
        "Its minimum is not known: the regret is measured from the best value "
        f"of a dense {points} x {points} grid of that space "
        f"({trained.minimum:.6g}, computed once by objective.batch), so a "
        "negative regret means a search beat every point of that grid.",
        "grid: GridSearch(space, n) with n per dimension the largest such that "
        f"n^k <= the budget ({sizes} points in 2-D), evaluated up to the "
        "budget. In 6-D even 2 per "
        "dimension is 64 points: the first n of that grid in its order (last "
        "coordinate fastest) are evaluated. A grid has no seed: one run, so no "
        "spread. Every budget is its own grid, not the prefix of a larger one.",
        "random: RandomSearch(space, seed=s); bayes: BayesSearch(space, seed=s) "
        "with its defaults (n_initial = max(5, 2k) Sobol points first). Ours run "
        "through search.run (one trial per round).",
        "time per search: wall time of one search of the largest budget "
        "(objective included; a grid: all its budgets' grids), median over "
        "the seeds.",
    ]
    return notes + _peer_notes(optuna, gp, max(budgets))


def _peer_notes(optuna, gp: bool, budget: int) -> list[str]:
    """What the peer ran, what is missing, and the target against it."""
    notes = []
    if optuna is not None:
        notes.append(
            f"optuna {optuna.__version__}: TPESampler(seed=s)"
            + (" and GPSampler(seed=s)" if gp else "")
            + ", defaults (10 random startup trials), the same space as "
            "FloatDistributions (log for lr), driven by study.ask/study.tell; "
            "optuna.logging at WARNING."
        )
        if gp:
            notes.append(greenlet_note())
    notes += missing_notes(optuna, gp)
    notes.append(
        "target (from the issue): our Bayesian search's median regret at "
        f"{budget} evaluations no worse than optuna's GPSampler on Branin "
        "and Hartmann-6."
    )
    if gp and budget <= startup_trials(optuna):
        notes.append(
            f"No verdict in this run: after {budget} evaluations optuna's "
            f"GPSampler has made only its {startup_trials(optuna)} random start-up "
            "trials (n_startup_trials), so its column is random search, not its GP."
        )
    return notes


# --- table 2: strategy overhead --------------------------------------------------


class OurStepper:
    """One trial at a time of our strategy; times ``ask`` + ``tell`` only."""

    def __init__(self, strategy, objective):
        self.strategy, self.objective = strategy, objective

    def step(self) -> np.ndarray:
        """Run one trial; return the wall and CPU seconds spent in ask and tell, ``(2,)``."""
        start = harness.clocks()
        (params,) = self.strategy.ask(1)
        asked = harness.clocks()
        value = self.objective(params)
        told = harness.clocks()
        self.strategy.tell(params, value)
        return asked - start + harness.clocks() - told


class OptunaStepper:
    """One trial at a time of an optuna study; times ``study.ask`` + ``study.tell``."""

    def __init__(self, optuna, sampler, space, objective):
        self.study = optuna.create_study(sampler=sampler)
        self.distributions = _distributions(optuna, space)
        self.objective = objective

    def step(self) -> np.ndarray:
        """Run one trial; return the wall and CPU seconds spent in ask and tell, ``(2,)``."""
        start = harness.clocks()
        trial = self.study.ask(self.distributions)
        asked = harness.clocks()
        value = self.objective(trial.params)
        told = harness.clocks()
        self.study.tell(trial, value)
        return asked - start + harness.clocks() - told


class OneThreadStepper:
    """A stepper whose trials run with torch at one thread, restored after each.

    optuna's GPSampler runs on torch, whose default thread count (one a core)
    can make it several times slower on a busy 2-core machine: its rows are
    shown both ways, and judged against the faster.
    """

    def __init__(self, stepper, torch):
        self.stepper, self.torch = stepper, torch

    def step(self) -> np.ndarray:
        """Run one trial of the stepper at one torch thread; its wall and CPU seconds."""
        with harness.torch_threads(self.torch, 1):
            return self.stepper.step()


def gp_steppers(optuna, space, objective, told=()) -> dict:
    """The GPSampler of optuna (seed 0), at torch's default threads and at one thread.

    Each on its own in-memory study, holding ``told`` (``(params, value)``
    pairs) as completed trials first.
    """
    torch = harness.optional("torch")
    steppers = {}
    for name in (GP, GP_ONE_THREAD):
        stepper = OptunaStepper(optuna, _sampler(optuna, GP, 0), space, objective)
        stepper.study.add_trials(
            [
                optuna.trial.create_trial(
                    params=params, distributions=stepper.distributions, value=value
                )
                for params, value in told
            ]
        )
        steppers[name] = stepper if name == GP else OneThreadStepper(stepper, torch)
    return steppers


def overhead_table(config, optuna, gp: bool, threads: str) -> Table:
    """Seconds per trial inside the strategy, ours and optuna's, on Branin."""
    n = QUICK_OVERHEAD_TRIALS if config.quick else OVERHEAD_TRIALS
    problem = surface_problem(surfaces.Branin())
    steppers = {
        "random": OurStepper(RandomSearch(problem.space, seed=0), problem.objective),
        "bayes": OurStepper(BayesSearch(problem.space, seed=0), problem.objective),
    }
    if optuna is not None:
        steppers["optuna TPE"] = OptunaStepper(
            optuna, _sampler(optuna, "optuna TPE", 0), problem.space, problem.objective
        )
    if gp:
        steppers.update(gp_steppers(optuna, problem.space, problem.objective))
    times = {name: [] for name in steppers}
    for _ in range(n):  # trial i of every strategy in turn: load hits all alike
        for name, stepper in steppers.items():
            times[name].append(stepper.step())
    rows = [_overhead_row(name, np.array(t)) for name, t in times.items()]
    by_name = {r["method"]: r for r in rows}
    if gp:
        fastest = min(by_name[GP]["median"], by_name[GP_ONE_THREAD]["median"])
        for row in rows:
            row["gp_ratio"] = fastest / row["median"]
        startup = startup_trials(optuna)
        # The median trial must be one where optuna's GP proposes, not a random one.
        by_name["bayes"]["target"] = (
            harness.target(by_name["bayes"]["gp_ratio"], 1.0)
            if n > 2 * startup
            else harness.no_verdict(
                f"optuna GP in its {startup} random start-up trials"
            )
        )
    return Table(
        name="search_overhead",
        title=f"Strategy overhead: time in ask + tell per trial over a {n}-trial "
        "run on Branin (faster optuna GP/this > 1: this strategy is cheaper)",
        columns=[
            Column("method", "strategy"),
            Column("median", "per trial (median)", harness.fmt_seconds),
            Column("cpu_median", "CPU per trial (median)", harness.fmt_seconds),
            Column("q1", "25th pct", harness.fmt_seconds),
            Column("q3", "75th pct", harness.fmt_seconds),
            Column("last", "last 10 trials (median)", harness.fmt_seconds),
            Column("mean", "mean", harness.fmt_seconds),
            Column("total", f"total ({n} trials)", harness.fmt_seconds),
            Column("gp_ratio", "faster optuna GP / this", harness.fmt_ratio),
            Column("target", "target", harness.fmt_target),
        ],
        rows=rows,
        notes=[*_overhead_notes(config, n, optuna, gp), threads],
    )


def _overhead_row(name: str, t: np.ndarray) -> dict:
    """Summary of one strategy's per-trial times ``t`` ``(trials, 2)``: wall, CPU."""
    wall, cpu = t[:, 0], t[:, 1]
    q1, median, q3 = np.percentile(wall, [25, 50, 75])
    return {
        "method": name,
        "trials": len(wall),
        "median": float(median),
        "cpu_median": float(np.median(cpu)),
        "q1": float(q1),
        "q3": float(q3),
        "mean": float(np.mean(wall)),
        "last": float(np.median(wall[-10:])),
        "total": float(np.sum(wall)),
        "times": [float(s) for s in wall],
        "cpu_times": [float(s) for s in cpu],
    }


def _overhead_notes(config, n, optuna, gp) -> list[str]:
    notes = [
        "Per trial: the wall time (and CPU time, all threads) of ask plus tell "
        "(not the objective's "
        "evaluation, which is timed apart and left out), for each of the "
        f"{n} trials of one run with seed 0; the median over the trials, its "
        "quartiles, the median of the last 10 (a model's cost grows with the "
        "trials), the mean and the sum. The strategies take turns trial by "
        "trial, so a change in the machine's load hits all alike."
        + (f" Quick mode: {n} trials, not {OVERHEAD_TRIALS}." if config.quick else ""),
        "Ours: strategy.ask(1) and strategy.tell(params, value) of "
        "RandomSearch(space, seed=0) and BayesSearch(space, seed=0) (defaults: "
        "5 Sobol points, then the GP and log-EI).",
    ]
    if optuna is not None:
        notes.append(
            "optuna: study.ask(distributions) and study.tell(trial, value) of an "
            "in-memory study with TPESampler(seed=0) and GPSampler(seed=0) "
            "(defaults: 10 random startup trials, which are cheap, then the "
            "model); the GP runs on torch, at its default thread count ('optuna "
            "GP') and at one thread ('optuna GP, 1 torch thread', "
            "torch.set_num_threads(1) around each trial): on a busy 2-core machine "
            "the default can be several times slower."
        )
        if gp:
            notes.append(greenlet_note())
    notes += missing_notes(optuna, gp)
    notes.append(
        "target (from an earlier issue): our Bayesian search has less overhead "
        "per trial than optuna's GPSampler: met when faster GP/this >= 1 on the "
        "bayes row (ratio of the medians, against the faster of optuna's two "
        "thread settings). The issue's target at n = 200 observations is in "
        "the scale suite."
    )
    if gp and n <= 2 * startup_trials(optuna):
        notes.append(
            f"No verdict in this run: {startup_trials(optuna)} of optuna GP's "
            f"{n} trials are random start-up trials (no model), so its median is "
            "a random trial's cost; a verdict needs more than half of them modelled."
        )
    return notes


# --- table 3: grid evaluation ---------------------------------------------------


def grid_table(config, optuna, threads: str) -> Table:
    """One vectorized run of a whole grid, against a loop and against optuna."""
    points = QUICK_GRID_POINTS if config.quick else GRID_POINTS
    repeats = min(config.repeats, QUICK_GRID_REPEATS if config.quick else GRID_REPEATS)
    space, objective = adam_space(), diabetes_objective(GRID_STEPS)
    configs = grid(space, points)  # (lr, b1) in grid order, b1 fastest
    runs = {
        "batched": harness.keep_last(lambda: _batched(objective, space, points)),
        "loop": harness.keep_last(lambda: [objective(p) for p in configs]),
    }
    if optuna is not None:
        runs["optuna"] = harness.keep_last(
            lambda: _optuna_grid(optuna, objective, space, points)
        )
    timings = harness.measure(runs, repeats)
    batched = np.array(runs["batched"].last)
    rows = []
    for name, timing in timings.items():
        values = np.array(runs[name].last)  # (n,) in grid order
        rows.append(_grid_row(name, timing, values, batched, configs))
    by_name = {r["method"]: r for r in rows}
    for row in rows:
        row["speedup"] = row["time"]["median"] / by_name["batched"]["time"]["median"]
    by_name["loop"]["target"] = harness.target(by_name["loop"]["speedup"], 5.0)
    if "optuna" in by_name:
        by_name["optuna"]["target"] = harness.target(by_name["optuna"]["speedup"], 10.0)
    return Table(
        name="grid_evaluation",
        title=f"Grid evaluation: {len(configs)} configurations ({points} lr x "
        f"{points} b1) of Adam on diabetes, {GRID_STEPS} steps each "
        "(this/batched > 1: batched is faster)",
        columns=[
            Column("method", "evaluation"),
            Column("time", "whole grid", harness.fmt_timing),
            Column("per_config", "per configuration", harness.fmt_seconds),
            Column("speedup", "this/batched", harness.fmt_ratio),
            Column("best", "best value", lambda v: f"{v:.6g}"),
            Column("best_params", "best (lr, b1)", _fmt_params),
            Column("median_rel", "median rel. diff", lambda v: f"{v:.1e}"),
            Column("max_rel", "max rel. diff", lambda v: f"{v:.1e}"),
            Column("target", "target", harness.fmt_target),
        ],
        rows=rows,
        notes=[*_grid_notes(config, points, repeats, optuna), threads],
    )


def _batched(objective, space, points) -> list:
    """The grid through search.run: one round, one objective.batch call."""
    strategy = GridSearch(space, points=points)
    result = run_search(objective, strategy, len(strategy.points))
    return [t.value for t in result.trials]  # in grid order


def _optuna_grid(optuna, objective, space, points) -> list:
    """The same grid with optuna's GridSampler and study.optimize; values in grid order."""
    axes = {name: dim.grid(points) for name, dim in space.items()}
    sampler = optuna.samplers.GridSampler(axes, seed=0)
    study = optuna.create_study(sampler=sampler)
    lr, b1 = space["lr"], space["b1"]

    def trial_objective(trial):
        return objective(
            {
                "lr": trial.suggest_float("lr", lr.low, lr.high, log=True),
                "b1": trial.suggest_float("b1", b1.low, b1.high),
            }
        )

    n = math.prod(len(a) for a in axes.values())
    study.optimize(trial_objective, n_trials=n)
    found = {(t.params["lr"], t.params["b1"]): t.value for t in study.trials}
    return [found.get((p["lr"], p["b1"]), math.nan) for p in grid(space, points)]


def _grid_row(name, timing, values, batched, configs) -> dict:
    """Time, best point, and how far the values are from the batched ones."""
    with np.errstate(all="ignore"):
        rel = np.abs(values - batched) / np.abs(batched)
    finite = np.isfinite(values)
    i = int(np.argmin(np.where(finite, values, np.inf)))
    return {
        "method": name,
        "configurations": len(configs),
        "time": timing.to_dict(),
        "per_config": timing.median / len(configs),
        "best": float(values[i]),
        "best_params": configs[i],
        "n_inf": int(np.sum(~finite)),
        "median_rel": float(np.median(rel)),
        "max_rel": float(np.max(rel)),
    }


def _fmt_params(p: dict) -> str:
    return f"({p['lr']:.3g}, {p['b1']:.3g})"


def _grid_notes(config, points, repeats, optuna) -> list[str]:
    n = points * points
    notes = [
        f"Time: the whole grid, median of {repeats} round(s) after a warm-up "
        "run, each evaluation taking its turn in every round, ± half the min-max "
        "range relative to it."
        + (
            f" Quick mode: {points} x {points} = {n} configurations, not "
            f"{GRID_POINTS} x {GRID_POINTS}."
            if config.quick
            else ""
        ),
        f"Objective: TrainedLoss(Adam, train=diabetes training part, val=its "
        f"validation part, steps={GRID_STEPS}), intercept=True, over lr in "
        f"[1e-3, 10] (log, {points} values) x b1 in [0, 0.99] ({points} values).",
        f"batched: search.run(objective, GridSearch(space, points={points}), "
        f"{n}): one round, one objective.batch call, one vectorized Adam run of "
        f"all {n} configurations (matrix products: BLAS). loop: "
        "objective(params) for each configuration in turn.",
        "median/max rel. diff: |value - batched value| / |batched value| over the "
        "configurations. The batch trains with matrix-matrix products where a "
        "single run uses matrix-vector products, so they agree to rounding for "
        "runs that converge; a run that does not (a large lr hopping around "
        "the minimum) amplifies rounding and can differ in early digits (see "
        "TrainedLoss's notes).",
    ]
    if optuna is None:
        notes.append(OPTUNA_MISSING)
    else:
        notes.append(
            f"optuna: GridSampler over the same {points} x {points} values "
            f"(seed=0), study.optimize(objective, n_trials={n}) calling "
            "objective(params) through trial.suggest_float, in-memory storage."
        )
    notes.append(
        "targets (from the issue): batched at least 5 times faster than the loop "
        "and at least 10 times faster than optuna: met when this/batched >= 5 "
        "(loop) and >= 10 (optuna)."
    )
    return notes
