"""The hyperparameter loss surface: train with hyperparameters, return the loss.

The outer loop sees training as a black box. :class:`TrainedLoss` turns "run
Adam with ``lr`` and ``b1`` for ``steps`` steps, then measure the validation
loss" into a function of the hyperparameters alone, ``objective(params) ->
float``, which grid, random and Bayesian search minimize. It has no gradient:
each value costs a whole training run, which is why ``objective.batch``
trains many configurations in one vectorized :func:`optim.minimize` call.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, cast

import numpy as np
from numpy.typing import NDArray

from optim import Optimizer, minimize
from optim.schedules import Schedule
from optim.training import Trace
from search import _checks
from search._blas import blas_threads
from search.evaluation import Evaluation
from search.hyperparameters import Config, Hyperparameters
from surfaces import LinearRegression, Surface, kfold

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import ArrayLike

    from optim.training import Fun

# Floats of one (configurations, rows) temporary of a minimize call: see the
# Notes of TrainedLoss (chunks).
CHUNK = 16_000
# Floats of the trained weights and optimizer states kept for continuing
# (see the Notes of TrainedLoss, continuing): 64 MiB; the oldest go first.
SAVED_FLOATS = 2**23


# Where one run of a configuration ended: x (d,) and its optimizer state (rows).
End = tuple[NDArray[np.float64], tuple[Any, ...]]


class _Saved(NamedTuple):
    """Where a configuration's training stopped: its end on each problem."""

    steps: int
    ends: list[End]  # one per problem (fold)
    floats: int


class TrainedLoss:
    """The loss after training with given hyperparameters: the outer loop's objective.

    For hyperparameters ``params`` (named like the optimizer's fields, plus
    ``steps`` and ``batch_size``) the objective trains from ``x0`` and
    scores the result::

        x_0 = x0
        x_{t+1} = optimizer(params).step(x_t, grad f_t(x_t))   for t < T = steps
        score = val.value(x_T)      if train is a LinearRegression
        score = train.value(x_T)    for an analytic surface

    where ``f_t`` is ``train`` itself (full batch) or, with ``batch_size``,
    the loss of a random minibatch of its rows (``train.minibatch``). A
    configuration that diverges (see :func:`optim.minimize`) scores ``inf``,
    as does any non-finite score: never NaN, and no warnings.

    Parameters
    ----------
    optimizer : type or str
        An optimizer class (``optim.Adam``) or a registry name (``"adam"``,
        see ``optim.OPTIMIZERS``).
    train : Surface
        A :class:`surfaces.LinearRegression` on the training data, or an
        analytic surface (``surfaces.Rosenbrock()``, ...).
    val : LinearRegression, optional
        The validation data, with the dimension and intercept of ``train``;
        required for linear regression unless ``folds`` is given, not
        allowed for an analytic surface. The score is ``val.value(w)``, which
        includes ``val.l2 / 2 ||w||^2``: build ``val`` with ``l2=0`` (the
        default) to score the plain loss.
    steps : int, default 100
        Optimizer steps of a trial that does not set ``steps`` itself.
    x0 : array_like, optional
        ``(d,)`` start; default zero weights for linear regression and the
        surface's ``start`` otherwise.
    fixed : dict, optional
        Hyperparameters applied to every trial, e.g. ``{"b2": 0.99}``. A
        trial that names one of them again is an error, not an override, and
        ``steps`` cannot be fixed (use the ``steps`` argument).
    folds : int, optional
        ``k >= 2``: score by k-fold cross-validation on ``train`` (split by
        ``surfaces.kfold(n, k, rng=seed)``): train on ``k - 1`` folds, score
        on the held-out one (with ``l2=0``), and average the ``k`` scores;
        ``inf`` if any fold diverged. ``val`` is then optional and unused by
        the score (:meth:`closed_form` still reports it).
    test : LinearRegression, optional
        Test data, for :meth:`test_score` and :meth:`closed_form`.
    seed : int, default 0
        Seeds the folds and the minibatch rows: every run (a single trial, a
        batch, each fold, a test score) draws its rows from a fresh
        ``np.random.default_rng(seed)``, so evaluations are reproducible.
    schedule : {None, "constant", "cosine", "onecycle"}
        Train with a learning-rate schedule (:mod:`search.lr_schedules`)
        over ``steps`` steps, whose peak is the trial's ``lr``: a linear
        warm-up of ``warmup`` steps and a cosine to 0 (``"cosine"``), or
        torch's one cycle rising for ``pct_start`` of the steps
        (``"onecycle"``); ``warmup`` and ``pct_start`` are hyperparameters
        then. A trial may not train longer than ``steps``.

    Attributes
    ----------
    names : tuple of str
        The valid hyperparameter names: the optimizer's fields, ``steps``,
        ``batch_size`` (linear regression only) and the schedule's
        (``warmup``, ``pct_start``).

    Notes
    -----
    **Batching.** ``batch(list)`` groups the configurations by their
    structural choices (the boolean switches and ``batch_size``); each group
    trains in one :func:`optim.minimize` call with every numeric
    hyperparameter an array over the group (a scalar when the whole group
    shares its value). Configurations with different ``steps`` train in
    segments: all of them up to the smallest count, where those that stop
    there are scored, then the others on from their ``x`` and optimizer
    state (``optim.minimize(..., state=...)``), up to the next count, and so
    on: each ends where a run of its own ``steps`` ends, since continuing a
    run equals running it in one go, and the minibatch rows of step ``t``
    do not depend on how many steps follow (one draw per step for the whole
    group).

    **Exactness.** ``objective(params)`` is ``batch([params])[0]``. A batch
    equals the single evaluations bit for bit when the math is elementwise
    (analytic surfaces with SGD or RMSProp). Otherwise they agree to
    rounding: Adam's bias corrections ``b1**t`` use Python's power for a
    scalar and NumPy's for an array (see ``optim.Adam``), and the linear
    regression loss multiplies a stack of weights by ``X`` with one matrix
    product (BLAS gemm) where a single run uses a matrix-vector product
    (gemv), which may sum in another order. Such differences stay at the
    level of rounding for a run that converges; a run that does not (Adam
    with a large ``lr`` hopping around the minimum) amplifies them like any
    perturbation of ``x0``, and its batched and single scores can differ in
    the first digits: its score is ill-conditioned, not wrong.

    **Chunks.** A group trains in chunks of at most ``CHUNK // n``
    configurations (``n`` the most training rows of a problem; ``d`` for
    an analytic surface), one :func:`optim.minimize` call each, so that a
    ``(configurations, n)`` temporary of the loss holds at most ``CHUNK =
    16,000`` floats (125 KiB): below glibc's threshold of 128 KiB, above
    which each step's temporaries are mapped from the OS and returned to it
    (page faults). Measured on the diabetes data (``n = 266``, chunks of 60;
    Adam, 200 steps, one BLAS thread, a fresh process, CPU time per
    configuration): unchunked 0.55 ms at ``K = 200`` (177 page faults per
    configuration) and 0.54 ms at ``K = 10,000``; chunked 0.25 and 0.24 ms.
    Chunks of 90 configurations were as fast, of 120 or more as slow as
    none. Each chunk draws the same minibatch rows (a fresh generator per
    run), and an array hyperparameter stays an array over each chunk, so
    chunked scores equal unchunked ones bit for bit when the math is
    elementwise; for linear regression they agree to rounding, as a batch
    and single runs do: BLAS sums a row of ``w @ X.T`` in an order that
    depends on how many rows the product has.

    **Continuing.** The objective keeps where each configuration's last
    run ended (its weights and optimizer state on each problem), so that a
    later evaluation of the same configuration at *more* steps continues
    that run (``optim.minimize(..., state=...)``, with the minibatch rows
    continued too) instead of starting again: a multi-fidelity search that
    promotes a configuration from 9 to 27 steps pays 18. The scores equal a
    run from ``x0`` bit for bit where the math is elementwise, and to
    rounding otherwise (as batches do). An evaluation at the same or fewer
    steps trains from ``x0``. At most ``SAVED_FLOATS`` floats are kept (the
    oldest runs are forgotten first), none in a pickled copy (a process
    pool's workers start afresh), and :meth:`evaluate` reports the steps
    each evaluation took.

    **Threads.** Each run uses one BLAS thread (``search._blas``), except a
    single configuration on a large regression (``n * d`` multiply-adds of
    at least ``search._blas.LARGE``), where two threads were faster.

    **Invalid configurations.** ``objective(params)`` raises ``ValueError``
    (bad value or unknown name) or ``TypeError`` (wrong type). ``batch``
    checks every configuration before training any and raises on the first
    invalid one, naming it (``params[i]``); the runner then evaluates that
    round one trial at a time, so only the invalid trials fail.

    Examples
    --------
    >>> from optim import SGD
    >>> from surfaces import Rosenbrock
    >>> objective = TrainedLoss(SGD, Rosenbrock(), steps=200, fixed={"momentum": 0.9})
    >>> objective.batch([{"lr": 1e-4}, {"lr": 1e-3}, {"lr": 1e-1}])  # 1e-1 diverges
    array([3.37949068, 0.03519106,        inf])
    >>> objective.batch([{"lr": 1e-3, "steps": 200}, {"lr": 1e-3, "steps": 2000}])
    array([3.51910573e-02, 6.02677127e-09])
    """

    def __init__(
        self,
        optimizer: type[Optimizer] | str,
        train: Surface,
        val: LinearRegression | None = None,
        steps: int = 100,
        x0: ArrayLike | None = None,
        *,
        fixed: Mapping[str, Any] | None = None,
        folds: int | None = None,
        test: LinearRegression | None = None,
        seed: int = 0,
        schedule: str | None = None,
    ) -> None:
        self.optimizer = _checks.optimizer_class("TrainedLoss", optimizer)
        if not isinstance(train, Surface):
            raise TypeError(
                f"TrainedLoss: train must be a surface (LinearRegression or an "
                f"analytic one), got {train!r}"
            )
        self.train = train
        regression = isinstance(train, LinearRegression)
        self.seed = _checks.integer("TrainedLoss", "seed", seed, low=0)
        self.steps = _checks.integer("TrainedLoss", "steps", steps, low=0)
        self.folds = (
            None
            if folds is None
            else _checks.integer("TrainedLoss", "folds", folds, low=2)
        )
        self.val = _held_out("val", val, train)
        self.test = _held_out("test", test, train)
        if regression and val is None and folds is None:
            raise ValueError(
                "TrainedLoss: val (a LinearRegression on the validation data) is "
                "required for linear regression, unless folds is given"
            )
        if folds is not None and not regression:
            raise ValueError(
                f"TrainedLoss: folds needs a LinearRegression train, got {train!r}"
            )
        self.x0 = _start(x0, train)
        # (train, scorer) pairs whose scores are averaged; scorer None: train itself
        self._problems = self._make_problems()
        rows = min(t.n for t, _ in self._problems) if regression else None
        # configurations per minimize call: (chunk, width) temporaries of CHUNK floats
        width = max(t.n if regression else t.dim for t, _ in self._problems)
        self._chunk = max(1, CHUNK // width)
        self.hyperparameters = Hyperparameters(
            self.optimizer, self.steps, rows, fixed, schedule
        )
        # Where each configuration's last run ended (see Notes, continuing).
        self._saved: OrderedDict[tuple[Any, ...], _Saved] = OrderedDict()

    @property
    def names(self) -> tuple[str, ...]:
        """The names a trial may set: the optimizer's fields, ``steps``, ``batch_size``, the schedule's.

        ``batch_size`` only for linear regression.
        """
        return self.hyperparameters.names

    @property
    def fixed(self) -> dict[str, Any]:
        """The checked values given as ``fixed``: the same for every trial."""
        return self.hyperparameters.fixed

    # ------------------------------------------------------------ public

    def __call__(self, params: Mapping[str, Any]) -> float:
        """Train with ``params`` and return the score (``inf`` if it diverged).

        Parameters
        ----------
        params : dict
            Hyperparameters by name (see :attr:`names`); missing ones take
            the values of ``fixed``, then the optimizer's defaults (and the
            ``steps`` argument; full batch).

        Returns
        -------
        float
            The validation loss (linear regression; the mean over the folds
            with ``folds``) or the final loss (analytic surface); ``inf``
            if training diverged or the score overflowed.
        """
        config = self.hyperparameters.config(params, "TrainedLoss")
        return float(self._run([config]).values[0])

    def batch(self, params_list: Sequence[Mapping[str, Any]]) -> NDArray[np.float64]:
        """Scores of ``n`` configurations, trained together (see Notes).

        Parameters
        ----------
        params_list : list of dict
            ``n`` hyperparameter dicts, as for calling the objective.

        Returns
        -------
        ndarray
            ``(n,)`` scores, ``inf`` where training diverged.

        Raises
        ------
        ValueError, TypeError
            If any configuration is invalid (naming it, ``params[i]``),
            before any training.
        """
        return self.evaluate(params_list).values

    def evaluate(self, params_list: Sequence[Mapping[str, Any]]) -> Evaluation:
        """Scores of ``n`` configurations, with the steps each trained to and spent.

        As :meth:`batch` (which returns ``evaluate(...).values``), for
        :func:`search.run`, which records the counts in each
        :class:`~search.Trial`.

        Returns
        -------
        Evaluation
            ``values`` ``(n,)``; ``steps`` ``(n,)``, the budget each was
            trained to; ``gradient_steps`` ``(n,)``, the inner steps each
            one's training took: ``steps`` less the steps it continued from
            (see Notes, continuing), times the number of folds.
        """
        if isinstance(params_list, Mapping):
            raise TypeError(
                "TrainedLoss.batch: params_list must be a list of params dicts, "
                f"got a single dict {params_list!r} (call the objective instead)"
            )
        configs = [
            self.hyperparameters.config(params, f"TrainedLoss.batch: params[{i}]")
            for i, params in enumerate(params_list)
        ]
        return self._run(configs)

    def check_value(self, name: str, value: object) -> float | int | bool | None:
        """Check one hyperparameter on its own (name, type, valid range); return it.

        What a trial would refuse, found before any training: the optimizer's
        range of a numeric field, a bool for a switch, an integer ``steps >=
        0``, a ``batch_size`` within the training rows. Rules that tie several
        hyperparameters together (SGD's nesterov) are checked per trial.

        Raises
        ------
        ValueError or TypeError
            Naming the hyperparameter and the value.
        """
        hyper = self.hyperparameters
        hyper.check_names({name: value}, "TrainedLoss")
        value = hyper.check_value(name, value, "TrainedLoss")
        if name in (*hyper.numeric, *hyper.switches):
            self.optimizer.check_field(name, value)
        return value

    @property
    def has_test(self) -> bool:
        """Whether test data was given (:func:`search.run` then scores the best trial)."""
        return self.test is not None

    def test_score(self, params: Mapping[str, Any]) -> float:
        """Train with ``params`` on all of ``train``; return ``test.value(w)``.

        The same training as a trial's (without folds, the very weights the
        trial scored on ``val``), scored on the test data; ``inf`` if it
        diverged.
        """
        if self.test is None:
            raise ValueError("TrainedLoss.test_score: needs test=LinearRegression(...)")
        config = self.hyperparameters.config(params, "TrainedLoss.test_score")
        scores, _ = self._evaluate([config], [(self.train, self.test)], saved=None)
        return float(scores[0])

    def closed_form(self) -> dict[str, float | None]:
        """Scores of the exact least-squares weights: what training should reach.

        Returns a dict: ``train`` (the training loss at
        ``w* = train.solve()``), ``val`` (scored like a trial: on ``val``, or
        averaged over the folds of each fold's own closed form; ``None``
        without either) and ``test`` (at ``w*``; ``None`` without test data).
        """
        if not isinstance(self.train, LinearRegression):
            raise ValueError(
                "TrainedLoss.closed_form: needs a LinearRegression train, got "
                f"{self.train!r}"
            )
        w = self.train.solve()  # (d,)
        val = None
        if self.folds is not None or self.val is not None:
            total = 0.0
            for train, val_set in self._problems:
                total = total + float(val_set.value(train.solve()))
            val = total / len(self._problems)
        test = None if self.test is None else float(self.test.value(w))
        return {"train": float(self.train.value(w)), "val": val, "test": test}

    def __repr__(self) -> str:
        parts = [self.optimizer.__name__, f"train={self.train!r}"]
        parts += [
            f"{k}={v!r}"
            for k, v in [("val", self.val), ("test", self.test)]
            if v is not None
        ]
        parts += [f"steps={self.steps}", f"fixed={self.fixed!r}"]
        parts += [f"folds={self.folds}", f"seed={self.seed}"]
        if self.hyperparameters.preset.build is not None:
            parts.append(f"schedule={self.hyperparameters.preset.name!r}")
        return f"TrainedLoss({', '.join(parts)})"

    # ------------------------------------------------------------ training

    def _run(self, configs: list[Config]) -> Evaluation:
        """Scores of ``configs`` on the trials' problems, continuing saved runs."""
        scores, begun = self._evaluate(configs, self._problems, saved=self._saved)
        steps = np.array([c.steps for c in configs], dtype=np.int64)  # (n,)
        spent = (steps - begun) * len(self._problems)
        return Evaluation(scores, steps, spent)

    def _evaluate(
        self,
        configs: list[Config],
        problems: list[tuple[Surface, LinearRegression | None]],
        saved: OrderedDict[tuple[Any, ...], _Saved] | None,
    ) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
        """Scores ``(n,)`` and the steps each run began at ``(n,)``.

        One training run per structural group, starting step and problem;
        with ``saved``, a configuration trained before to fewer steps
        continues from there, and each run's end is saved.
        """
        hyper = self.hyperparameters
        begun = np.zeros(len(configs), dtype=np.int64)
        rows_of: dict[tuple[Any, ...], list[int]] = {}  # (group_key, begun) -> indices
        for i, config in enumerate(configs):
            before = None if saved is None else saved.get(_key(config))
            if before is not None and before.steps < config.steps:
                begun[i] = before.steps
            rows_of.setdefault((hyper.group_key(config), begun[i]), []).append(i)
        groups = [[configs[i] for i in rows] for rows in rows_of.values()]
        try:  # every group's optimizer first: invalid values fail before training
            optimizers = [hyper.optimizer_for(group) for group in groups]
        except ValueError:
            for config in configs:  # name the first invalid configuration
                hyper.check_ranges(config)
            raise
        scores = np.empty(len(configs))
        for rows, group, opt in zip(rows_of.values(), groups, optimizers, strict=True):
            for lo in range(0, len(group), self._chunk):  # see Notes: chunks
                part = slice(lo, lo + self._chunk)
                run = _Run(group[part], _part(opt, part), int(begun[rows[0]]))
                scores[rows[part]] = self._mean_score(run, problems, saved)
        return scores, begun

    def _mean_score(
        self,
        run: _Run,
        problems: list[tuple[Surface, LinearRegression | None]],
        saved: OrderedDict[tuple[Any, ...], _Saved] | None,
    ) -> NDArray[np.float64]:
        """Scores ``(n,)`` of one chunk: the mean over the problems (the folds)."""
        # summed in fold order, then divided: the mean of the folds
        total = np.zeros(len(run.group))
        ends = []
        for p, (train, scorer) in enumerate(problems):
            with blas_threads(_matvec(train, run.opt, run.group[0].batch_size)):
                begin = None
                if run.begun:  # every configuration of the run was saved there
                    begin = [saved[_key(c)].ends[p] for c in run.group]  # type: ignore[index]
                score, end = self._train_and_score(run, begin, train, scorer)
            total = total + score
            ends.append(end)
        if saved is not None:
            _save(saved, run.group, ends)
        return total / len(problems)

    def _train_and_score(
        self,
        run: _Run,
        begin: list[End] | None,
        train: Surface,
        scorer: LinearRegression | None,
    ) -> tuple[NDArray[np.float64], list[End]]:
        """Train one chunk on ``train``: scores ``(n,)`` and where each run ended.

        From ``x0`` and a fresh state, or from where the configurations'
        earlier runs ended (``begin``: each one's ``x`` and state, all at
        step ``run.begun``); in segments, one per distinct ``steps`` (see
        Notes, batching).
        """
        n = len(run.group)
        goal = np.array([c.steps for c in run.group]) - run.begun  # (n,) to go
        x, state, opt = self.x0, None, run.opt
        if begin is not None:  # (n, d) and the state's arrays stacked likewise
            x, state = np.stack([x for x, _ in begin]), _stack([s for _, s in begin])
        live = np.arange(n)  # the configurations still training
        values, done = np.empty(n), 0
        ends: list[End | None] = [None] * n
        for target in np.unique(goal):
            fun = self._fun(train, run.group[0].batch_size, run.begun + done)
            trace = minimize(fun, x, opt, int(target) - done, record=False, state=state)
            for k, i in enumerate(live):  # each live configuration's end
                ends[i] = _row(trace, k)
            values[live] = trace.values[-1]
            live, keep = live[goal[live] > target], np.flatnonzero(goal[live] > target)
            if live.size:
                x, state, opt = _take(trace, opt, keep)
            done = int(target)
        finished = cast(list[End], ends)  # every configuration reached its steps
        x_end = np.stack([end[0] for end in finished])  # (n, d)
        # a huge but finite x may overflow on the held-out data: a result, not a warning
        with np.errstate(all="ignore"):
            score = values if scorer is None else scorer.value(x_end)  # (n,)
        score = np.where(np.isfinite(values) & np.isfinite(score), score, np.inf)
        return score, finished

    def _fun(self, train: Surface, batch_size: int | None, skip: int) -> Fun:
        """``train`` itself (full batch), or its minibatches continued after ``skip`` steps."""
        if batch_size is None:
            return train
        rng = np.random.default_rng(self.seed)
        return cast(LinearRegression, train).minibatch(batch_size, rng=rng, skip=skip)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (for a process pool) without the saved runs: a worker starts afresh."""
        return self.__dict__ | {"_saved": OrderedDict()}

    def _make_problems(self) -> list[tuple[Any, Any]]:
        """The (train, scorer) pairs a score averages: one, or one per fold.

        A Surface and ``None``, or two LinearRegressions (so ``Any``).
        """
        if self.folds is None:
            return [(self.train, self.val)]
        train = cast(LinearRegression, self.train)  # folds: checked in __init__
        if self.folds > train.n:
            raise ValueError(
                f"TrainedLoss: folds must be <= the {train.n} training rows, "
                f"got {self.folds}"
            )
        return [
            (train.subset(fit), train.subset(held_out, l2=0.0))
            for fit, held_out in kfold(train.n, self.folds, rng=self.seed)
        ]


class _Run(NamedTuple):
    """A chunk of configurations trained in one minimize call per problem."""

    group: list[Config]
    opt: Optimizer  # its numeric fields arrays over the group (or shared scalars)
    begun: int  # the step every one of them starts from (0: from x0)


def _key(config: Config) -> tuple[Any, ...]:
    """A configuration without its steps: what a longer run of it continues."""
    return (tuple(sorted(config.hyper.items())), config.batch_size, config.schedule)


def _save(
    saved: OrderedDict[tuple[Any, ...], _Saved],
    group: list[Config],
    ends: list[list[End]],
) -> None:
    """Keep where each configuration of ``group`` stopped (``ends[problem][i]``).

    The oldest runs are forgotten once more than ``SAVED_FLOATS`` floats
    are kept.
    """
    for i, config in enumerate(group):
        mine = [per_problem[i] for per_problem in ends]
        floats = sum(x.size + sum(np.size(a) for a in s) for x, s in mine)
        saved.pop(_key(config), None)
        saved[_key(config)] = _Saved(config.steps, mine, floats)
    total = sum(s.floats for s in saved.values())
    while saved and total > SAVED_FLOATS:
        total -= saved.popitem(last=False)[1].floats


def _row(trace: Trace, k: int) -> End:
    """Configuration ``k``'s final ``x`` ``(d,)`` and state (arrays ``(d,)``).

    A run of shared hyperparameters from ``x0`` ``(d,)`` is not batched:
    every configuration has its arrays. Copies, so the run's arrays can go;
    an array the state holds twice (Adam's ``vmax`` is ``v``) stays shared.
    """

    def pick(a: NDArray[np.float64]) -> NDArray[np.float64]:
        return a[k].copy() if a.ndim == 2 else a.copy()

    copies: dict[int, Any] = {}
    for a in trace.state:
        if isinstance(a, np.ndarray) and id(a) not in copies:
            copies[id(a)] = pick(a)
    state = _remake(trace.state, [copies.get(id(a), a) for a in trace.state])
    return pick(trace.x), state


def _take(
    trace: Trace, opt: Optimizer, keep: NDArray[np.intp]
) -> tuple[NDArray[np.float64], tuple[Any, ...] | None, Optimizer]:
    """The rows ``keep`` of a run: its ``x``, its state and its optimizer, to go on.

    An unbatched run (every configuration the same, from ``x0`` ``(d,)``)
    goes on whole.
    """
    if trace.x.ndim == 1:
        return trace.x, trace.state, opt
    arrays: dict[int, Any] = {}
    for a in trace.state:
        if isinstance(a, np.ndarray) and id(a) not in arrays:
            arrays[id(a)] = a[keep]
    state = _remake(trace.state, [arrays.get(id(a), a) for a in trace.state])
    return trace.x[keep], state, _part(opt, keep)


def _stack(states: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    """One state for the batch of ``states``: arrays stacked ``(n, d)``.

    The other fields (the step count ``t``) are the same in every state of a
    run (its configurations all began at one step). An array the states hold
    twice is stacked once and held twice.
    """
    first = states[0]
    stacked: dict[int, Any] = {}
    fields = []
    for j, a in enumerate(first):
        if not isinstance(a, np.ndarray):
            fields.append(a)
        elif id(a) in stacked:
            fields.append(stacked[id(a)])
        else:
            stacked[id(a)] = np.stack([s[j] for s in states])
            fields.append(stacked[id(a)])
    return _remake(first, fields)


def _remake(state: tuple[Any, ...], fields: list[Any]) -> tuple[Any, ...]:
    """A state of ``state``'s type (a NamedTuple, or a plain tuple) holding ``fields``."""
    return cast(tuple[Any, ...], getattr(type(state), "_make", type(state))(fields))


def _part(opt: Optimizer, part: slice | NDArray[np.intp]) -> Optimizer:
    """``opt`` for the configurations ``part`` of its batch: each array field sliced.

    A field that is an array over the whole group stays an array over the
    chunk (``optimizer_for`` would make a value the chunk happens to share a
    scalar, whose arithmetic may differ in the last bit, see Notes).
    """
    hyper = opt.hyperparameters()
    arrays: dict[str, Any] = {
        k: _sliced(v, part)
        for k, v in hyper.items()
        if isinstance(v, np.ndarray | Schedule)
    }
    return dataclasses.replace(opt, **arrays) if arrays else opt


def _sliced(value: Any, part: slice | NDArray[np.intp]) -> Any:
    """``value``'s entries ``part`` of the batch: an array, or a schedule's arrays.

    A schedule (the lr of :mod:`search.lr_schedules`) is rebuilt with each of
    its array arguments sliced, its child schedules and milestone lists too.
    """
    if isinstance(value, np.ndarray):
        return value[part] if value.ndim else value
    if isinstance(value, list | tuple):
        return type(value)(_sliced(v, part) for v in value)
    if isinstance(value, Schedule):
        fields = [f.name for f in dataclasses.fields(value) if f.init]
        return dataclasses.replace(
            value, **{k: _sliced(getattr(value, k), part) for k in fields}
        )
    return value


def _matvec(train: Surface, opt: Optimizer, batch_size: int | None) -> int:
    """Multiply-adds of the run's matrix-vector product, for :func:`blas_threads`.

    ``n * d`` for one weight vector on ``n`` rows of a LinearRegression
    (``batch_size`` rows with minibatches); ``0`` for a batch of weight
    vectors (matrix-matrix products, see ``search._blas``) and for an
    analytic surface.
    """
    if opt.batch_shape != () or not isinstance(train, LinearRegression):
        return 0
    return (train.n if batch_size is None else batch_size) * train.dim


def _held_out(name: str, data: object, train: Surface) -> LinearRegression | None:
    """Check validation or test data: a LinearRegression shaped like ``train``."""
    if data is None:
        return None
    if not isinstance(train, LinearRegression):
        raise ValueError(
            f"TrainedLoss: {name} is only for a LinearRegression train (an analytic "
            f"surface is scored by its own value), got train={train!r}"
        )
    if not isinstance(data, LinearRegression):
        raise TypeError(f"TrainedLoss: {name} must be a LinearRegression, got {data!r}")
    if data.dim != train.dim or data.intercept != train.intercept:
        raise ValueError(
            f"TrainedLoss: {name} must have the features and intercept of train "
            f"(dim {train.dim}, intercept={train.intercept}), got {data!r}"
        )
    return data


def _start(x0: ArrayLike | None, train: Surface) -> NDArray[np.float64]:
    """The start ``(d,)``: zeros for linear regression, ``start`` otherwise."""
    if x0 is None:
        if isinstance(train, LinearRegression):
            return np.zeros(train.dim)
        return np.array(train.start, dtype=np.float64)
    try:
        x = np.array(x0, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(f"TrainedLoss: x0 must be numbers, got {x0!r}") from err
    if x.shape != (train.dim,) or not np.all(np.isfinite(x)):
        raise ValueError(
            f"TrainedLoss: x0 must be finite with shape ({train.dim},), got {x0!r}"
        )
    return x
