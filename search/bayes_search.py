"""Bayesian search: a Gaussian process models the objective, log-EI picks the next point.

Each ``ask`` after the initial design:

1. fits a :class:`~search.gp.GaussianProcess` to the finite results so far
   (log-transformed where that fits them better, see below);
2. scores quasi-random candidates and perturbed copies of the best points by
   log expected improvement (:mod:`search.acquisition`);
3. polishes the best few candidates, and the best few quasi-random ones
   (spread out, so that a distant peak of EI is polished too), with
   L-BFGS-B, using the gradients of the posterior and of log-EI;
4. proposes the best-scoring candidate not asked or told before.

The encoding (what the GP sees) is :class:`search.encoding.Encoding`: a
position in ``[0, 1]`` for each ``Real`` and ``Integer``, a one-hot block for
each ``Categorical``. Every candidate is snapped to a feasible point before it
is scored, so every score is the score of a point that can be proposed.
Polishing moves the ``Real`` and ``Integer`` coordinates (integers are
snapped after); a candidate's categorical block is held fixed, since a
relaxed one-hot vector between two choices means nothing to the objective
(the candidates already try every choice).

The output transform. Losses of good and bad hyperparameters often differ by
orders of magnitude, and a GP fitted to the raw values spends itself on the
large ones; a log compresses them. But on a smooth surface whose minimum is
near zero, the log turns the minimum into a sharp spike that the GP models
badly. So ``log_transform="auto"`` (the default) lets the data decide: it
fits the GP to ``y`` and to ``log(y)`` and keeps the one under which the
observed ``y`` are more likely, comparing the GP's log marginal likelihood
plus the log-Jacobian of the map ``y -> t`` (Box and Cox's criterion, 1964,
with the GP as the model); this costs a second GP fit per proposal.
``True`` always takes the log, ``False`` never.
The log is ``log(y)`` when all ``y > 0`` and ``log(y - min(y) + c)``,
``c = median(y) - min(y)``, otherwise: the shift keeps the best point from
becoming an outlier at ``log(0)``. When half the results tie at the minimum,
that ``c`` is 0; then ``c = max(y) - min(y)``, or 1 if all are equal (any
``c`` models equal values alike). The GP standardizes whatever it is given.

Failed (``nan``) and diverged (``inf``) results are left out of the model
(an infinite value would wreck the standardization) but stay in ``seen``, so
they are never proposed again.

Batches (``ask(n)`` with ``n > 1``, and points asked but not yet told) use
the constant liar (Ginsbourger et al. 2010): each pending point is given the
value ``min(y)`` in a copy of the data (with the hyperparameters fitted to
the real data), which removes its neighbourhood's improvement, and the next
point is chosen against that. So ``n`` distinct points come out.

Refits. The GP's hyperparameters are refitted by maximum likelihood at every
new result up to ``REFIT_ALWAYS`` results, and after that only once the
results have grown by ``REFIT_GROWTH`` percent since the last refit
(:func:`refit_due`); in between, the last hyperparameters are kept and the GP
is only factorized again with the new data. See :func:`refit_due` for why.

Everything random (the Sobol scrambling, the GP restarts, the perturbations)
comes from ``self.rng``: replaying the same ``ask``/``tell`` sequence with
the same seed gives the same proposals.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from search import _checks
from search._blas import blas_threads
from search.acquisition import log_expected_improvement
from search.encoding import Encoding
from search.gp import GaussianProcess
from search.space import (
    MAX_ENUMERATE,
    Dimension,
    all_units,
    from_unit,
    param_key,
    size,
    to_unit,
)
from search.strategy import Strategy

if TYPE_CHECKING:
    from typing import Literal

    from numpy.typing import ArrayLike, NDArray

# SciPy is imported inside the functions that use it (it takes 0.3 to 0.7 s):
# `import search` and `hpo --help` stay fast until a model is fitted.

# Perturbed copies of the best results among the candidates: N_LOCAL around
# each of the N_TOP best, Gaussian with these standard deviations in turn.
# They refine an incumbent more finely than the Sobol points' spacing.
N_TOP, N_LOCAL, SCALES = 5, 32, (0.01, 0.03, 0.1)
# The hyperparameter refit rule of refit_due: at every new result up to
# REFIT_ALWAYS results, then each time they have grown by REFIT_GROWTH percent.
REFIT_ALWAYS, REFIT_GROWTH = 100, 10


class BayesSearch(Strategy):
    """Gaussian-process Bayesian search with log expected improvement.

    Parameters
    ----------
    space : dict
        Name -> ``Real``/``Integer``/``Categorical``.
    seed : None, int or np.random.Generator
        The only source of randomness.
    n_initial : int, optional
        Proposals from a scrambled Sobol sequence before the model takes
        over (default ``max(5, 2 k)`` for ``k`` dimensions). The model also
        waits for two finite results.
    batch_size : int, default 1
        Proposals per round of the runner.
    log_transform : {"auto", True, False}, default "auto"
        Model ``log(y)`` (shifted when some ``y <= 0``) instead of ``y``:
        when the data are likelier so (``"auto"``, see the module docstring),
        always, or never.
    n_candidates : int, default 2048
        Quasi-random candidates scored per proposal.
    n_polish : int, default 5
        Best candidates, and best quasi-random candidates, polished with
        L-BFGS-B (``0``: none).
    n_restarts : int, default 1
        Random restarts of the GP's hyperparameter fit (besides its fixed
        start and the previous fit's hyperparameters).

    Attributes
    ----------
    gp : GaussianProcess
        The model of the last model-based proposal.

    References
    ----------
    .. [1] J. Snoek, H. Larochelle and R. P. Adams, "Practical Bayesian
       optimization of machine learning algorithms", NeurIPS 2012.
    .. [2] D. Ginsbourger, R. Le Riche and L. Carraro, "Kriging is well-suited
       to parallelize optimization", in Computational Intelligence in
       Expensive Optimization Problems, Springer, 2010 (constant liar).
    .. [3] S. Ament et al., "Unexpected improvements to expected improvement
       for Bayesian optimization", NeurIPS 2023 (log-EI).

    Examples
    --------
    >>> from search.space import Real
    >>> s = BayesSearch({"x": Real(-2.0, 2.0)}, seed=0, n_initial=3)
    >>> for _ in range(8):
    ...     (p,) = s.ask()
    ...     s.tell(p, (p["x"] - 1) ** 2)
    >>> abs(s.best[0]["x"] - 1) < 0.05
    True
    """

    def __init__(
        self,
        space: dict[str, Dimension],
        seed: int | np.random.Generator | None = None,
        *,
        n_initial: int | None = None,
        batch_size: int = 1,
        log_transform: bool | Literal["auto"] = "auto",
        n_candidates: int = 2048,
        n_polish: int = 5,
        n_restarts: int = 1,
    ) -> None:
        from scipy.stats import qmc

        super().__init__(space, seed=seed, batch_size=batch_size)
        owner = type(self).__name__
        k = len(self.space)
        self.n_initial = (
            max(5, 2 * k)
            if n_initial is None
            else _checks.integer(owner, "n_initial", n_initial, low=1)
        )
        if log_transform not in (True, False, "auto"):
            raise ValueError(
                f"{owner}: log_transform must be True, False or 'auto', got {log_transform!r}"
            )
        self.log_transform = log_transform
        self._kinds = {True: ["log"], False: ["identity"], "auto": ["identity", "log"]}[
            log_transform
        ]
        self._kind = self._kinds[0]
        self.n_candidates = _checks.integer(owner, "n_candidates", n_candidates, low=1)
        self.n_polish = _checks.integer(owner, "n_polish", n_polish, low=0)
        self.encoding = Encoding(self.space)
        self._width = self.encoding.width  # K, the GP's input dimension
        self._finite_size = size(self.space)
        # every point of a finite space, encoded, when needed
        self._all: NDArray[np.float64] | None = None
        self._sobol = qmc.Sobol(k, scramble=True, seed=_draw_seed(self.rng))
        self.gp = GaussianProcess(
            n_restarts=_checks.integer(owner, "n_restarts", n_restarts, low=0),
            seed=self.rng,
        )
        # encodings (K,) and values of the finite results
        self._X: list[NDArray[np.float64]] = []
        self._y: list[float] = []
        # param_key -> encoding of points asked, not yet told
        self._pending: dict[tuple[Any, ...], NDArray[np.float64]] = {}
        self._n_asked = 0
        # kind of transform -> fitted hyperparameters
        self._theta: dict[str, NDArray[np.float64]] = {}
        self._n_fitted = 0  # number of results the model was last fitted to
        self._n_refit = 0  # ... and its hyperparameters last refitted to

    # ------------------------------------------------------------- encoding

    def encode(self, params: dict[str, Any]) -> NDArray[np.float64]:
        """The GP input ``(K,)`` of ``params`` (:class:`search.encoding.Encoding`)."""
        return self.encoding.encode(to_unit(self.space, params)[None])[0]

    def decode(self, e: ArrayLike) -> dict[str, Any]:
        """The params dict of an encoding ``(K,)`` (categorical block by argmax)."""
        return from_unit(self.space, self.encoding.decode(np.asarray(e)[None])[0])

    def snap(self, E: ArrayLike) -> NDArray[np.float64]:
        """Snap encodings ``(m, K)`` to feasible points (:meth:`search.encoding.Encoding.snap`)."""
        return self.encoding.snap(E)

    # ------------------------------------------------------------ ask / tell

    def ask(self, n: int = 1) -> list[dict[str, Any]]:
        """Up to ``n`` new distinct proposals (fewer only when the space is exhausted)."""
        n = self.check_n(n)
        proposals: list[dict[str, Any]] = []
        for _ in range(n):
            initial = self._n_asked < self.n_initial or len(self._y) < 2
            params = self._initial() if initial else self._from_model()
            if params is None:
                params = self._any_unseen()
            if params is None:
                break
            self._n_asked += 1
            self._pending[param_key(self.space, params)] = self.encode(params)
            proposals.append(params)
        return proposals

    def tell(self, params: dict[str, Any], value: float) -> None:
        """Record ``value``; only a finite one enters the model."""
        super().tell(params, value)
        self._pending.pop(param_key(self.space, params), None)
        if math.isfinite(value):
            self._X.append(self.encode(params))
            self._y.append(float(value))

    def state_dict(self) -> dict[str, Any]:
        """What the next proposals depend on besides the results told: JSON-able.

        The random stream (shared with the GP's restarts), the position in the
        initial Sobol design, and the fitted GP hyperparameters that warm-start
        the next fit. :func:`search.run` stores it after each ``ask``, so a
        resumed search is told its stored results and given this back
        (:meth:`load_state_dict`): one GP fit, at its next ``ask``, instead of
        one for every stored round.
        """
        return {
            "rng": self.rng.bit_generator.state,
            "sobol": int(self._sobol.num_generated),
            "n_asked": self._n_asked,
            "theta": {kind: theta.tolist() for kind, theta in self._theta.items()},
            "kind": self._kind,
            "n_fitted": self._n_fitted,
            "n_refit": self._n_refit,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned (after the results are told)."""
        self.rng.bit_generator.state = state["rng"]
        self._sobol.reset()
        self._sobol.fast_forward(int(state["sobol"]))
        self._n_asked = int(state["n_asked"])
        self._theta = {k: np.array(v, dtype=float) for k, v in state["theta"].items()}
        self._kind = state["kind"]
        self._n_fitted = int(state["n_fitted"])
        # a state stored before the refit rule: its last fit was a refit
        self._n_refit = int(state.get("n_refit", self._n_fitted))

    def _initial(self) -> dict[str, Any] | None:
        """The next new point of the scrambled Sobol sequence (bounded tries)."""
        for _ in range(64):
            params = from_unit(self.space, self._sobol.random(1)[0])
            if self.claim(params):
                return params
        return None

    def _any_unseen(self) -> dict[str, Any] | None:
        """A new point when the usual proposals are all taken: enumerate or sample."""
        if self._finite_size <= MAX_ENUMERATE:
            for e in self.rng.permutation(self._all_points()):
                params = self.decode(e)
                if self.claim(params):
                    return params
            return None
        for _ in range(256):
            params = self.decode(self.snap(self.rng.random((1, self._width)))[0])
            if self.claim(params):
                return params
        return None

    def _all_points(self) -> NDArray[np.float64]:
        """Every point of a finite space, encoded: ``(size, K)`` (listed once)."""
        if self._all is None:
            self._all = self.encoding.encode(all_units(self.space))
        return self._all

    # ----------------------------------------------------------------- model

    def transform(
        self, y: ArrayLike, kind: str | None = None
    ) -> tuple[NDArray[np.float64], float]:
        """The modelled values ``t`` of ``y`` and ``sum(log(dt/dy))``.

        ``kind`` is ``"identity"`` or ``"log"`` (``log(y)`` if all ``y > 0``,
        else the shifted log of the module docstring); default: the kind in use.
        """
        y = np.asarray(y, dtype=float)
        kind = self._kind if kind is None else kind
        if kind == "identity":
            return y, 0.0
        if y.min() > 0:
            t = np.log(y)
        else:
            low = y.min()
            c = np.median(y) - low
            c = c if c > 0 else (y.max() - low) or 1.0  # ties at the minimum
            t = np.log(y - low + c)
        return t, -t.sum()

    def _fit(self) -> float:
        """Fit the GP to the results, then condition it on the pending points (constant liar).

        With ``log_transform="auto"`` both kinds are fitted and the one under
        which the original ``y`` are more likely wins: the GP's log marginal
        likelihood of ``t`` plus the log-Jacobian of ``y -> t`` (Box and Cox's
        criterion; standardization is part of the map). The hyperparameters
        of each kind are refitted when :func:`refit_due` says so, else kept.
        """
        X, y = np.array(self._X), np.array(self._y)  # (n, K), (n,)
        if len(y) != self._n_fitted:  # new results: refit or refactorize
            refit = refit_due(len(y), self._n_refit)  # always at the first fit
            evidence: dict[str, float] = {}
            for kind in self._kinds:
                t, log_jac = self.transform(y, kind)
                gp = self.gp.fit(X, t, theta=self._theta.get(kind), optimize=refit)
                if gp.theta is not None:  # always, after fit
                    self._theta[kind] = gp.theta
                e = self.gp.lml - len(y) * np.log(self.gp.y_std) + log_jac
                evidence[kind] = e if np.isfinite(e) else -np.inf
            self._kind = max(evidence, key=lambda kind: evidence[kind])  # first on ties
            self._n_fitted = len(y)
            self._n_refit = len(y) if refit else self._n_refit
        if self._pending:
            X = np.vstack([X, *self._pending.values()])
            y = np.concatenate([y, np.full(len(self._pending), y.min())])
        t, _ = self.transform(y)
        self.gp.fit(X, t, theta=self._theta[self._kind], optimize=False)
        return t.min()

    def _from_model(self) -> dict[str, Any] | None:
        """The best-scoring new candidate by log-EI, or ``None``."""
        with blas_threads():  # small matrices: one BLAS thread (search._blas)
            best = self._fit()
            E = self._candidates()
            score = self._score(E, best)
            E, score = self._polish(E, score, best)
        for i in np.argsort(-score, kind="stable"):
            params = self.decode(E[i])
            if self.claim(params):
                return params
        return None

    def _score(self, E: NDArray[np.float64], best: float) -> NDArray[np.float64]:
        mean, std = self.gp.predict(E)
        return log_expected_improvement(mean, std, best)

    def _candidates(self) -> NDArray[np.float64]:
        """Snapped candidates ``(m, K)``: Sobol points, then perturbed best points.

        A finite space of at most ``n_candidates`` points is enumerated
        instead.
        """
        from scipy.stats import qmc

        if self._finite_size <= self.n_candidates:
            return self._all_points()
        m = math.ceil(math.log2(self.n_candidates))
        sobol = qmc.Sobol(self._width, scramble=True, seed=_draw_seed(self.rng))
        sobol = sobol.random_base2(m)
        X = np.array(self._X)
        top = X[np.argsort(self._y, kind="stable")[:N_TOP]]  # (b, K)
        scale = np.resize(SCALES, N_LOCAL)[:, None, None]  # (N_LOCAL, 1, 1)
        noise = self.rng.standard_normal((N_LOCAL, *top.shape))
        local = top + scale * noise  # (N_LOCAL, b, K)
        return self.snap(
            np.vstack([sobol[: self.n_candidates], local.reshape(-1, self._width)])
        )

    def _polish(
        self, E: NDArray[np.float64], score: NDArray[np.float64], best: float
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Polish the best candidates by L-BFGS-B on log-EI; append the results.

        The candidates are polished together, as one problem whose objective
        is the sum of their (independent) negative log-EIs: one call of the
        model per iteration instead of one per candidate.
        """
        import scipy.optimize

        if self.n_polish == 0 or self._finite_size <= self.n_candidates:
            return E, score
        order = np.argsort(-score, kind="stable")
        sobol = order[order < self.n_candidates]  # the first rows are Sobol points
        X0 = E[np.union1d(order[: self.n_polish], sobol[: self.n_polish])]  # (p, K)
        # categorical columns stay put: their bounds are their values
        low = np.where(self.encoding.categorical, X0, 0.0).ravel()
        high = np.where(self.encoding.categorical, X0, 1.0).ravel()

        def negative(x: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
            X = x.reshape(X0.shape)
            mean, std, dmean, dstd = self.gp.predict(X, return_grad=True)
            value, d_mean, d_std = log_expected_improvement(
                mean, std, best, return_grad=True
            )
            # at a result itself (std = 0, mean = best) there is no improvement
            value = np.where(np.isfinite(value), value, -1e4)
            grad = d_mean[:, None] * dmean + d_std[:, None] * dstd  # (p, K)
            return -value.sum(), -grad.ravel()

        res = scipy.optimize.minimize(
            negative,
            X0.ravel(),
            jac=True,
            method="L-BFGS-B",
            bounds=np.column_stack([low, high]),
            options={"maxiter": 100},
        )
        P = self.snap(res.x.reshape(X0.shape))
        return np.vstack([E, P]), np.concatenate([score, self._score(P, best)])


def refit_due(n: int, n_refit: int) -> bool:
    """Whether the GP's hyperparameters are refitted at ``n`` results, last at ``n_refit``.

    Rule: at every new result while ``n <= REFIT_ALWAYS`` (100); after that,
    once the results have grown by ``REFIT_GROWTH`` percent (10) since the
    last refit: at 110, 121, 134, ..., about every 90 results near 1000.
    Between refits the GP keeps its hyperparameters and is only factorized
    again (one Cholesky per kind of output transform).

    Why: the hyperparameters maximize a likelihood that sums over the ``n``
    results, and ``m`` new results move that maximum by about ``m / n`` of
    the way to where they pull it, so a fixed relative growth keeps them
    equally fresh at every ``n``. A refit (its random restarts included)
    costs tens of likelihood evaluations of ``O(n^3)`` each, against one
    ``O(n^3)`` Cholesky for keeping the hyperparameters; one refit per
    ``n / 10`` results spreads its cost to ``O(n^2)`` per result. On Branin
    at one BLAS thread this took the overhead per trial at 200 results from
    about 380 ms to about 80 ms (the last trials of a 200-trial search, load
    3 to 4; the benchmarks' 45 ms is for 200 random results told at once).
    Below 100 results a refit costs
    milliseconds to tens of them and the hyperparameters still move fast,
    so every result refits: searches of the usual budgets (the benchmarks
    run 50) are unchanged by the rule. The rule depends only on the counts
    of results, so a search resumed from its stored results and state
    refits where an uninterrupted one does.

    Examples
    --------
    >>> n_refit, refits = 0, []
    >>> for n in range(1, 1001):  # one new result at a time
    ...     if refit_due(n, n_refit):
    ...         n_refit = n
    ...         refits.append(n)
    >>> len(refits), refits[98:104], refits[-2:]
    (123, [99, 100, 110, 121, 134, 148], [840, 924])
    """
    return n <= REFIT_ALWAYS or 100 * n >= (100 + REFIT_GROWTH) * n_refit


def _draw_seed(rng: np.random.Generator) -> int:
    """A seed for SciPy's Sobol engine, drawn from ``rng``'s own stream.

    Given the Generator itself, SciPy spawns a child from its SeedSequence,
    whose spawn count is not part of ``rng.bit_generator.state``: the
    state that :meth:`BayesSearch.state_dict` stores would then not decide
    the next scrambles (and SciPy has changed this policy between versions).
    """
    return int(rng.integers(2**63))
