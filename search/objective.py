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
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from optim import Optimizer, minimize
from search import _checks
from search._blas import blas_threads
from search.hyperparameters import Config, Hyperparameters
from surfaces import LinearRegression, Surface, kfold

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import ArrayLike, NDArray

    from optim.training import Fun

# Floats of one (configurations, rows) temporary of a minimize call: see the
# Notes of TrainedLoss (chunks).
CHUNK = 16_000


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

    Attributes
    ----------
    names : tuple of str
        The valid hyperparameter names: the optimizer's fields, ``steps``,
        and ``batch_size`` (linear regression only).

    Notes
    -----
    **Batching.** ``batch(list)`` groups the configurations by their
    structural choices (the boolean switches and ``batch_size``); each group
    trains in one :func:`optim.minimize` call with every numeric
    hyperparameter an array over the group (a scalar when the whole group
    shares its value). Configurations with different ``steps`` run the
    group's largest count with the path recorded, and each one is read at
    its own count, ``path[steps_i, i]``: the same iterate a run of
    ``steps_i`` steps ends at, because the minibatch rows of step ``t`` do
    not depend on how many steps follow (one draw per step for the whole
    group). Recording costs ``(max steps + 1) * n * d`` floats, only when
    the steps differ.

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
        self.hyperparameters = Hyperparameters(self.optimizer, self.steps, rows, fixed)

    @property
    def names(self) -> tuple[str, ...]:
        """The names a trial may set: the optimizer's fields, ``steps``, ``batch_size``.

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
        return float(self._evaluate([config], self._problems)[0])

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
        if isinstance(params_list, Mapping):
            raise TypeError(
                "TrainedLoss.batch: params_list must be a list of params dicts, "
                f"got a single dict {params_list!r} (call the objective instead)"
            )
        configs = [
            self.hyperparameters.config(params, f"TrainedLoss.batch: params[{i}]")
            for i, params in enumerate(params_list)
        ]
        return self._evaluate(configs, self._problems)

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
        return float(self._evaluate([config], [(self.train, self.test)])[0])

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
        return f"TrainedLoss({', '.join(parts)})"

    # ------------------------------------------------------------ training

    def _evaluate(
        self,
        configs: list[Config],
        problems: list[tuple[Surface, LinearRegression | None]],
    ) -> NDArray[np.float64]:
        """Scores ``(n,)``: one training run per structural group and problem."""
        hyper = self.hyperparameters
        rows_of: dict[tuple[Any, ...], list[int]] = {}  # group_key -> indices
        for i, config in enumerate(configs):
            rows_of.setdefault(hyper.group_key(config), []).append(i)
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
                scores[rows[part]] = self._mean_score(
                    group[part], _part(opt, part), problems
                )
        return scores

    def _mean_score(
        self,
        group: list[Config],
        opt: Optimizer,
        problems: list[tuple[Surface, LinearRegression | None]],
    ) -> NDArray[np.float64]:
        """Scores ``(n,)`` of one chunk: the mean over the problems (the folds)."""
        # summed in fold order, then divided: the mean of the folds
        total = np.zeros(len(group))
        for train, scorer in problems:
            with blas_threads(_matvec(train, opt, group[0].batch_size)):
                total = total + self._train_and_score(group, opt, train, scorer)
        return total / len(problems)

    def _train_and_score(
        self,
        group: list[Config],
        opt: Optimizer,
        train: Surface,
        scorer: LinearRegression | None,
    ) -> NDArray[np.float64]:
        """Train one group with ``opt`` on ``train`` in one minimize call; ``(n,)``."""
        n = len(group)
        steps = np.array([c.steps for c in group])  # (n,)
        batch_size = group[0].batch_size
        fun: Fun = train  # full batch: the surface itself
        if batch_size is not None:  # only a LinearRegression has a batch_size
            rng = np.random.default_rng(self.seed)
            fun = cast(LinearRegression, train).minibatch(batch_size, rng=rng)
        record = bool(np.any(steps != steps[0]))
        trace = minimize(fun, self.x0, opt, int(steps.max()), record=record)
        # (T + 1, n) and (n, d): each configuration at its own step count
        values = _per_config(trace.values, opt.batch_shape, n)[steps, np.arange(n)]
        if trace.path is not None:  # recorded
            x = _per_config(trace.path, opt.batch_shape, n)[steps, np.arange(n)]
        else:
            x = _per_config(trace.x[None], opt.batch_shape, n)[0]
        # a huge but finite x may overflow on the held-out data: a result, not a warning
        with np.errstate(all="ignore"):
            score = values if scorer is None else scorer.value(x)  # (n,)
        return np.where(np.isfinite(values) & np.isfinite(score), score, np.inf)

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


def _part(opt: Optimizer, part: slice) -> Optimizer:
    """``opt`` for the configurations ``part`` of its batch: each array field sliced.

    A field that is an array over the whole group stays an array over the
    chunk (``optimizer_for`` would make a value the chunk happens to share a
    scalar, whose arithmetic may differ in the last bit, see Notes).
    """
    hyper = opt.hyperparameters()
    arrays: dict[str, Any] = {
        k: v[part] for k, v in hyper.items() if isinstance(v, np.ndarray)
    }
    return dataclasses.replace(opt, **arrays) if arrays else opt


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


def _per_config(
    a: NDArray[np.float64], batch_shape: tuple[int, ...], n: int
) -> NDArray[np.float64]:
    """``a`` ``(T, *batch, ...)`` as ``(T, n, ...)``: broadcast an unbatched run."""
    if batch_shape == ():
        return np.broadcast_to(a[:, None], (a.shape[0], n, *a.shape[1:]))
    return a


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
