"""TPE search: the tree-structured Parzen estimator (optuna's default sampler).

Instead of modelling the objective ``y(x)``, TPE models where good and bad
points lie (Bergstra et al. 2011). It splits the results told so far at a
quantile into a *good* group (the ``n_good`` best) and a *bad* group (the
rest), fits a Parzen estimator (a mixture of one kernel per point, plus a
broad prior kernel) to each, ``l(x)`` to the good and ``g(x)`` to the bad,
draws candidates from ``l`` and proposes the one with the largest
``log l(x) - log g(x)``: where good points are dense and bad ones sparse.
Maximizing ``l / g`` maximizes expected improvement under the model's
assumptions (Bergstra et al. 2011, section 4.1).

Everything happens in the unit cube of :mod:`search.space`: a log-scaled
dimension is modelled in its warped coordinate (each order of magnitude gets
equal room), an ``Integer`` owns a cell of ``[0, 1]`` per value and a
``Categorical`` one position per choice. The kernels (:class:`ParzenEstimator`):

* ``Real``: a Gaussian centred at the observation, truncated to ``[0, 1]``
  (:func:`log_truncnorm`);
* ``Integer``: the same Gaussian's mass over each integer's cell
  (:func:`log_cell_mass`), a probability per value that sums to one;
* ``Categorical``: the observed choice gets weight ``1 + eps``, every choice
  ``eps``, normalized (:func:`categorical_kernels`, optuna's rule, a form of
  Aitchison and Aitken's kernel).

The rules, chosen as optuna's defaults (optuna 5.1's ``TPESampler``),
stated so that the numbers can be checked by hand:

* split: ``n_good = gamma(n) = min(ceil(0.1 n), 25)`` of the ``n`` results
  (:func:`default_gamma`, optuna's ``default_gamma``; Watanabe 2023,
  section 3, compares it, "linear", with hyperopt's ``ceil(0.25 sqrt(n))``);
* bandwidth: the "magic clip" of hyperopt and optuna (:func:`bandwidths`):
  a kernel's width is the larger gap to its sorted neighbours, clipped to
  ``[1 / min(100, n + 2), 1]`` (optuna's ``consider_magic_clip=True``;
  Watanabe 2023, section 3, "magic clipping"; optuna 5.1 uses it for the
  multivariate TPE too, where earlier versions used Scott's rule
  ``0.2 n^(-1 / (k + 4))``, after BOHB);
* prior: one more kernel, centred at ``0.5`` with width ``1`` (the whole
  range) and weight ``prior_weight`` against weight 1 for each observation
  (uniform weights; optuna 5 also ramps down the weights of old observations
  beyond 25, which this file does not);
* candidates: ``n_candidates = 24`` draws from ``l``;
* ``multivariate=True``: one product kernel per observation (the kernel of a
  point is the product of its coordinates' kernels, so ``l`` and ``g`` model
  how the coordinates go together: Falkner et al. 2018, optuna's
  ``multivariate=True``); ``False``: one mixture per coordinate, each
  coordinate drawn and chosen by itself (Bergstra et al. 2011's
  independent TPE).

Failed and diverged trials. A ``nan`` (failed) result is left out of the
model, as optuna leaves out a failed trial (and as :class:`BayesSearch` does):
it says nothing about the objective. An ``inf`` (diverged) result, and any
non-finite one, ranks after every finite result, so it is always in the bad
group: the region where training diverges is one to avoid (optuna: a
trial whose value is ``inf`` completes and sorts last). Both stay in
``seen``, so they are never proposed again.

Batches: the constant liar (Ginsbourger et al. 2010), as optuna's
``constant_liar=True``: a point asked and not yet told joins the bad group,
as if told a value worse than every result (it does not count in ``n``, as
in optuna), so the next proposal of the batch moves away from it.

Resume: every random draw comes from ``self.rng`` (the start-up draws as
:class:`RandomSearch` makes them, the kernels, the candidates), so replaying
the same ``ask``/``tell`` sequence with the same seed proposes the same
points, and :meth:`TPESearch.state_dict` is the generator's state.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from search import _checks
from search.dimensions import Categorical, Integer, unwarp, warp
from search.random_search import RandomSearch
from search.space import Dimension, from_unit, param_key, to_unit

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

# SciPy (scipy.special, scipy.stats) is imported inside the functions that use
# it: it takes a few tenths of a second, and `import search` stays fast.


def default_gamma(n: int) -> int:
    """Optuna's split: the ``min(ceil(0.1 n), 25)`` best of ``n`` results are good.

    >>> [default_gamma(n) for n in (1, 10, 11, 100, 250, 1000)]
    [1, 1, 2, 10, 25, 25]
    """
    return min(math.ceil(0.1 * n), 25)


# ------------------------------------------------------------------ the kernels


def gauss_mass(lo: ArrayLike, hi: ArrayLike) -> NDArray[np.float64]:
    """``Phi(hi) - Phi(lo)``, the standard normal's mass in ``[lo, hi]`` (``lo <= hi``).

    Computed on the side of the lower tail, where ``Phi`` has its digits::

        (1) return where(lo >= 0, ndtr(-lo) - ndtr(-hi), ndtr(hi) - ndtr(lo))

    >>> float(gauss_mass(-np.inf, 0.0)), float(gauss_mass(8.0, 9.0)) > 0
    (0.5, True)
    """
    from scipy.special import ndtr

    lo, hi = np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64)
    return np.where(lo >= 0, ndtr(-lo) - ndtr(-hi), ndtr(hi) - ndtr(lo))  # (1)


def log_truncnorm(x: ArrayLike, mu: ArrayLike, sigma: ArrayLike) -> NDArray[np.float64]:
    """Log density at ``x`` of ``N(mu, sigma^2)`` truncated to ``[0, 1]`` (broadcast).

    In lines::

        (1) z = (x - mu) / sigma
        (2) log_z = log(gauss_mass(-mu / sigma, (1 - mu) / sigma))
        (3) return -0.5 * z**2 - log(sqrt(2 * pi) * sigma) - log_z

    ``log_z`` is the log of the Gaussian's mass inside ``[0, 1]``, which the
    truncation divides by so that the density integrates to one there.

    >>> from scipy.stats import truncnorm
    >>> x, mu, sigma = 0.9, 0.2, 0.3
    >>> exact = truncnorm.pdf(x, -mu / sigma, (1 - mu) / sigma, loc=mu, scale=sigma)
    >>> bool(np.isclose(np.exp(log_truncnorm(x, mu, sigma)), exact))
    True
    """
    x, mu, sigma = (np.asarray(a, dtype=np.float64) for a in (x, mu, sigma))
    z = (x - mu) / sigma  # (1)
    log_z = np.log(gauss_mass(-mu / sigma, (1 - mu) / sigma))  # (2)
    return -0.5 * z**2 - np.log(np.sqrt(2 * np.pi) * sigma) - log_z  # (3)


def log_cell_mass(
    a: ArrayLike, b: ArrayLike, mu: ArrayLike, sigma: ArrayLike
) -> NDArray[np.float64]:
    """Log probability of the cell ``[a, b]`` under ``N(mu, sigma^2)`` truncated to ``[0, 1]``.

    In lines::

        (1) mass = gauss_mass((a - mu) / sigma, (b - mu) / sigma)
        (2) return log(mass) - log(gauss_mass(-mu / sigma, (1 - mu) / sigma))

    An ``Integer``'s cells tile ``[0, 1]``, so these probabilities of its
    values sum to one (the discretized kernel; optuna's for ``step``).

    >>> cells = np.linspace(0, 1, 5)  # four values, four cells
    >>> p = np.exp(log_cell_mass(cells[:-1], cells[1:], 0.3, 0.2))
    >>> bool(np.isclose(p.sum(), 1.0))
    True
    """
    a, b, mu, sigma = (np.asarray(v, dtype=np.float64) for v in (a, b, mu, sigma))
    with np.errstate(divide="ignore"):  # a far cell's mass may underflow to 0
        mass = gauss_mass((a - mu) / sigma, (b - mu) / sigma)  # (1)
        return np.log(mass) - np.log(gauss_mass(-mu / sigma, (1 - mu) / sigma))  # (2)


def bandwidths(mu: ArrayLike) -> NDArray[np.float64]:
    """Kernel widths ``(n, k)`` for centres ``mu`` ``(n, k)`` in ``[0, 1]``: the magic clip.

    Each column (coordinate) on its own: sort the centres, take each one's
    larger gap to its neighbours (the bounds 0 and 1 count as neighbours of
    the ends only when ``n == 1``: for ``n >= 2`` an end uses its inner gap,
    optuna's ``consider_endpoints=False``), then clip to ``[1 / min(100,
    n + 2), 1]``: with ``n + 1`` kernels (the prior too) no kernel is
    narrower than the range shared among them, nor ever below 1% of it::

        (1) s = sort(mu, axis=0)
        (2) left = diff(s, axis=0, prepend=0.0)
        (3) right = diff(s, axis=0, append=1.0)
        (4) left[0], right[-1] = right[0], left[-1]
        (5) width = maximum(left, right)
        (6) width = take_along_axis(width, rank, axis=0)
        (7) return clip(width, 1 / min(100, n + 2), 1.0)

    Line (4) runs only for ``n >= 2``; ``rank`` ``(n, k)`` holds each
    centre's place in its sorted column, so (6) puts the widths back in the
    order of ``mu``.

    Examples
    --------
    >>> bandwidths([[0.5]])  # one point: the larger gap to a bound
    array([[0.5]])
    >>> bandwidths([[0.1], [0.2], [0.9]])  # clipped below at 1 / min(100, 5)
    array([[0.2],
           [0.7],
           [0.7]])
    """
    mu = np.asarray(mu, dtype=np.float64)
    n = mu.shape[0]
    s = np.sort(mu, axis=0)  # (1)
    # the gaps to the lower and upper neighbours (or to the bounds 0 and 1)
    left = np.diff(s, axis=0, prepend=0.0)  # (2)
    right = np.diff(s, axis=0, append=1.0)  # (3)
    if n >= 2:  # the ends: their inner gap only
        left[0], right[-1] = right[0], left[-1]  # (4)
    width = np.maximum(left, right)  # (5)
    # each centre's place in its sorted column (stable: ties keep their order)
    rank = np.argsort(np.argsort(mu, axis=0, kind="stable"), axis=0, kind="stable")
    width = np.take_along_axis(width, rank, axis=0)  # (6)
    return np.clip(width, 1 / min(100, n + 2), 1.0)  # (7)


def categorical_kernels(
    index: ArrayLike, c: int, prior_weight: float
) -> NDArray[np.float64]:
    """The kernels ``(n + 1, c)`` of a ``Categorical`` of ``c`` choices: a row each.

    Row ``i < n`` is the kernel of an observation of choice ``index[i]``,
    the last row the prior (uniform); optuna's rule, with ``n + 1`` kernels::

        (1) eps = prior_weight / (n + 1)
        (2) P = (onehot + eps) / (1 + c * eps)
        (3) return vstack([P, full((1, c), 1 / c)])

    ``onehot`` ``(n, c)`` marks each observation's choice. So an observation
    keeps most of its kernel on its choice and lends ``eps`` to every other
    (Aitchison and Aitken's kernel, with a smoothing that fades as ``n``
    grows).

    >>> categorical_kernels([1], 3, 1.0)  # eps = 1/2: (1 + 1/2) / (5/2) = 0.6
    array([[0.2       , 0.6       , 0.2       ],
           [0.33333333, 0.33333333, 0.33333333]])
    """
    index = np.asarray(index, dtype=np.intp)
    n = index.shape[0]
    eps = prior_weight / (n + 1)  # (1)
    onehot = np.arange(c) == index[:, None]  # (n, c)
    P = (onehot + eps) / (1 + c * eps)  # (2)
    return np.vstack([P, np.full((1, c), 1 / c)])  # (3)


def _cells(
    dim: Integer, x: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The cells ``[a, b]`` in ``[0, 1]`` of the integers at unit positions ``x`` ``(m,)``."""
    lo, hi = dim.low - 0.5, dim.high + 0.5  # the interval mapped onto [0, 1]
    v = np.clip(np.rint(unwarp(np.clip(x, 0, 1), lo, hi, dim.log)), dim.low, dim.high)
    return warp(v - 0.5, lo, hi, dim.log), warp(v + 0.5, lo, hi, dim.log)


def _choice_index(dim: Categorical, x: NDArray[np.float64]) -> NDArray[np.intp]:
    """The choice indices of unit positions ``x`` ``(m,)`` (as ``from_unit`` picks them)."""
    c = len(dim.choices)
    return np.minimum((np.clip(x, 0, 1) * c).astype(np.intp), c - 1)


class ParzenEstimator:
    """A mixture of kernels in ``[0, 1]^k``: one per observation, and a prior.

    Fitted to observations ``U`` ``(n, k)`` (unit positions) when built (see
    ``__init__`` for the lines). Kernel ``i`` (weight ``w[i]``) is centred at ``mu[i]`` with widths
    ``sigma[i]`` (:func:`bandwidths`); the last is the prior, centred with
    the whole range as its width. Per coordinate the kernel is a truncated
    Gaussian (``Real``), its mass on the integer's cell (``Integer``) or a
    row of :func:`categorical_kernels` (``Categorical``).

    Parameters
    ----------
    space : dict
        The ``k`` dimensions, in the order of ``U``'s columns.
    U : array_like
        ``(n, k)`` observed unit positions, ``n >= 0``.
    prior_weight : float, default 1.0
        The prior's weight against 1 per observation, ``> 0``.
    joint : bool, default True
        One product kernel per observation (:meth:`log_pdf` of the joint
        mixture, :meth:`sample` a kernel per point); else each coordinate's
        own mixture (independent coordinates).

    Examples
    --------
    >>> from search.space import Real
    >>> est = ParzenEstimator({"x": Real(0.0, 1.0)}, [[0.2]])
    >>> est.w, est.mu.ravel(), est.sigma.ravel()
    (array([0.5, 0.5]), array([0.2, 0.5]), array([0.8, 1. ]))
    """

    def __init__(
        self,
        space: dict[str, Dimension],
        U: ArrayLike,
        prior_weight: float = 1.0,
        joint: bool = True,
    ) -> None:
        """Fit the mixture to ``U`` ``(n, k)``: weights, centres and widths.

        In lines::

            (1) w = append(ones(n), prior_weight) / (n + prior_weight)
            (2) mu = vstack([U, full((1, k), 0.5)])
            (3) sigma = vstack([bandwidths(U), ones((1, k))])
        """
        self.space, self.joint = space, joint
        k = len(space)
        U = np.asarray(U, dtype=np.float64).reshape(-1, k)  # (n, k)
        n = U.shape[0]
        self.w = np.append(np.ones(n), prior_weight) / (n + prior_weight)  # (1)
        self.mu = np.vstack([U, np.full((1, k), 0.5)])  # (2)
        self.sigma = np.vstack([bandwidths(U), np.ones((1, k))])  # (3)
        # the kernel tables of the categorical coordinates, by coordinate
        self.tables = {
            j: categorical_kernels(
                _choice_index(dim, U[:, j]), len(dim.choices), prior_weight
            )
            for j, dim in enumerate(space.values())
            if isinstance(dim, Categorical)
        }

    def log_kernels(self, j: int, x: ArrayLike) -> NDArray[np.float64]:
        """Log kernels ``(m, n + 1)`` of coordinate ``j`` at unit positions ``x`` ``(m,)``."""
        x = np.asarray(x, dtype=np.float64)
        dim = list(self.space.values())[j]
        mu, sigma = self.mu[:, j], self.sigma[:, j]  # (n + 1,) each
        if isinstance(dim, Categorical):
            return np.log(self.tables[j][:, _choice_index(dim, x)].T)
        if isinstance(dim, Integer):
            a, b = _cells(dim, x)
            return log_cell_mass(a[:, None], b[:, None], mu, sigma)
        return log_truncnorm(x[:, None], mu, sigma)

    def log_marginal(self, j: int, x: ArrayLike) -> NDArray[np.float64]:
        """Log density ``(m,)`` of coordinate ``j`` alone at unit positions ``x`` ``(m,)``.

        The mixture of the coordinate's kernels: the marginal of the joint
        density, and the density of coordinate ``j`` when ``joint`` is false.
        """
        from scipy.special import logsumexp

        return logsumexp(np.log(self.w) + self.log_kernels(j, x), axis=1)

    def log_pdf(self, X: ArrayLike) -> NDArray[np.float64]:
        """Log density ``(m,)`` at unit points ``X`` ``(m, k)``.

        For a ``Real`` a density in the unit coordinate, for an ``Integer``
        or ``Categorical`` a probability: jointly, or as a product of the
        coordinates' mixtures::

            (1a) return logsumexp(log(w) + K.sum(axis=2), axis=1)
            (1b) return stack(marginals, axis=1).sum(axis=1)

        ``K`` ``(m, n + 1, k)`` holds the log kernels (``joint``: 1a);
        ``marginals`` each coordinate's :meth:`log_marginal` (1b).
        """
        from scipy.special import logsumexp

        X = np.asarray(X, dtype=np.float64)  # (m, k)
        if self.joint:
            K = np.stack(
                [self.log_kernels(j, X[:, j]) for j in range(X.shape[1])], axis=2
            )  # (m, n + 1, k)
            return logsumexp(np.log(self.w) + K.sum(axis=2), axis=1)  # (1a)
        marginals = [self.log_marginal(j, X[:, j]) for j in range(X.shape[1])]
        return np.stack(marginals, axis=1).sum(axis=1)  # (1b)

    def sample(self, rng: np.random.Generator, m: int) -> NDArray[np.float64]:
        """``m`` points ``(m, k)`` drawn from the mixture, in the unit cube.

        A kernel is picked by weight for each point (``joint``) or for each
        coordinate of each point, then each coordinate is drawn from its
        kernel: a truncated Gaussian by its inverse CDF (an ``Integer`` lands
        in a cell with the cell's probability), a categorical row by its
        cumulative sums::

            (1) i = rng.choice(n + 1, size=(m, 1 if joint else k), p=w)
            (2) X = mu + sigma * truncnorm.ppf(R, -mu / sigma, (1 - mu) / sigma)
            (3) x = (sum(R[:, j, None] > cumsum(P, axis=1), axis=1) + 0.5) / c

        with ``R`` ``(m, k)`` uniform in ``[0, 1)``, ``mu`` and ``sigma``
        ``(m, k)`` the picked kernels' centres and widths (2, every
        coordinate at once), ``P`` ``(m, c)`` their rows of the table of a
        categorical coordinate ``j`` (3, which replaces that column of ``X``).
        """
        from scipy.stats import truncnorm

        k, joint, w = len(self.space), self.joint, self.w
        n = len(w) - 1
        i = rng.choice(n + 1, size=(m, 1 if joint else k), p=w)  # (1)
        i = np.broadcast_to(i, (m, k))
        R = rng.random((m, k))
        mu = np.take_along_axis(self.mu, i, axis=0)  # (m, k): mu[i[r, j], j]
        sigma = np.take_along_axis(self.sigma, i, axis=0)
        X = mu + sigma * truncnorm.ppf(R, -mu / sigma, (1 - mu) / sigma)  # (2)
        X = np.clip(X, 0.0, 1.0)
        for j, table in self.tables.items():
            P, c = table[i[:, j]], table.shape[1]  # (m, c)
            x = (np.sum(R[:, j, None] > np.cumsum(P, axis=1), axis=1) + 0.5) / c  # (3)
            X[:, j] = np.minimum(x, 1 - 0.5 / c)  # rounding: at most the last
        return X


# ------------------------------------------------------------------ the strategy


class TPESearch(RandomSearch):
    """Tree-structured Parzen estimator search: propose where ``l(x) / g(x)`` is largest.

    The first proposals are random, drawn as :class:`RandomSearch` draws them
    (it is one, until the model takes over), while fewer than ``n_initial``
    results that are not ``nan`` have been told. Then each proposal
    (:meth:`_propose`, its numbered lines the algorithm)::

        split the results: the gamma(n) best are good, the rest bad   (split)
        fit l to the good, g to the bad and the pending points         (estimators)
        draw n_candidates points from l                                (ParzenEstimator.sample)
        propose the new one with the largest log l(x) - log g(x)      (_propose)

    See the module docstring for the kernels, the rules and their sources.

    Parameters
    ----------
    space : dict
        Name -> ``Real``/``Integer``/``Categorical``.
    seed : None, int or np.random.Generator, default 0
        The only source of randomness.
    n_initial : int, default 10
        Random proposals until this many results (not ``nan``) are told,
        ``>= 0`` (optuna's ``n_startup_trials``, same default).
    multivariate : bool, default True
        One product kernel per observation (joint) or independent
        coordinates.
    batch_size : int, default 1
        Proposals per round of the runner (the constant liar spreads them).
    gamma : callable, default :func:`default_gamma`
        ``gamma(n) -> int``: how many of ``n`` results are good (at most the
        finite ones are).
    n_candidates : int, default 24
        Draws from ``l`` per proposal, ``>= 1``.
    prior_weight : float, default 1.0
        The prior kernel's weight against 1 per observation, ``> 0``.

    Notes
    -----
    A proposal is never repeated: the best candidate not asked or told before
    is proposed, and when all of them were (a small discrete space), a
    random new point (as :class:`RandomSearch`, which also lists the unseen
    points of a nearly exhausted finite space). ``tell`` takes a point of the
    space, exactly its names: a params dict with another key (such as
    ``"steps"``) is a ``ValueError`` (:meth:`Strategy.tell`).

    References
    ----------
    .. [1] J. Bergstra, R. Bardenet, Y. Bengio and B. Kégl, "Algorithms for
       hyper-parameter optimization", NeurIPS 2011 (TPE, section 4).
    .. [2] S. Watanabe, "Tree-structured Parzen estimator: understanding its
       algorithm components and their roles for better empirical
       performance", arXiv:2304.11127, 2023 (the split, the bandwidth, the
       prior: the defaults used here).
    .. [3] optuna's ``TPESampler`` (``gamma``, ``n_startup_trials=10``,
       ``n_ei_candidates=24``, ``prior_weight=1.0``, ``constant_liar``),
       https://optuna.readthedocs.io/en/stable/reference/samplers/generated/optuna.samplers.TPESampler.html
    .. [4] S. Falkner, A. Klein and F. Hutter, "BOHB: robust and efficient
       hyperparameter optimization at scale", ICML 2018 (multivariate KDE).
    .. [5] J. Aitchison and C. G. G. Aitken, "Multivariate binary
       discrimination by the kernel method", Biometrika 63, 1976.
    .. [6] D. Ginsbourger, R. Le Riche and L. Carraro, "Kriging is
       well-suited to parallelize optimization", Springer, 2010 (constant liar).

    Examples
    --------
    >>> from search.space import Real
    >>> s = TPESearch({"x": Real(-2.0, 2.0)}, seed=0, n_initial=5)
    >>> for _ in range(30):
    ...     (p,) = s.ask()
    ...     s.tell(p, (p["x"] - 1) ** 2)
    >>> abs(s.best[0]["x"] - 1) < 0.1
    True
    >>> l, g = s.densities("x", [1.0, -1.5])  # the good and bad densities there
    >>> bool(l[0] > l[1])
    True
    """

    def __init__(
        self,
        space: dict[str, Dimension],
        seed: int | np.random.Generator | None = 0,
        *,
        n_initial: int = 10,
        multivariate: bool = True,
        batch_size: int = 1,
        gamma: Callable[[int], int] = default_gamma,
        n_candidates: int = 24,
        prior_weight: float = 1.0,
    ) -> None:
        super().__init__(space, seed=seed, batch_size=batch_size)
        owner = type(self).__name__
        self.n_initial = _checks.integer(owner, "n_initial", n_initial, low=0)
        self.multivariate = _checks.flag(owner, "multivariate", multivariate)
        if not callable(gamma):
            raise TypeError(
                f"{owner}: gamma must be a callable n -> int, got {gamma!r}"
            )
        self.gamma = gamma
        self.n_candidates = _checks.integer(owner, "n_candidates", n_candidates, low=1)
        self.prior_weight = _checks.real(owner, "prior_weight", prior_weight)
        if not self.prior_weight > 0:
            raise ValueError(f"{owner}: prior_weight must be > 0, got {prior_weight!r}")
        # the results that are not nan: their index in history, unit position, value
        self._told: list[int] = []
        self._units: list[NDArray[np.float64]] = []
        self._y: list[float] = []
        # param_key -> unit position of points asked and not yet told
        self._pending: dict[tuple[Any, ...], NDArray[np.float64]] = {}

    # ------------------------------------------------------------ ask / tell

    def ask(self, n: int = 1) -> list[dict[str, Any]]:
        """Up to ``n`` new proposals: random at first, then by the model (one at a time)."""
        n = self.check_n(n)
        proposals: list[dict[str, Any]] = []
        while len(proposals) < n:
            params = self._draw() if len(self._y) < self.n_initial else self._propose()
            if params is None:
                break  # a finite space, exhausted
            self._pending[param_key(self.space, params)] = to_unit(self.space, params)
            proposals.append(params)
        return proposals

    def tell(self, params: dict[str, Any], value: float) -> None:
        """Record ``value``: a ``nan`` stays out of the model, the rest enter it."""
        super().tell(params, value)
        u = self._pending.pop(param_key(self.space, params), None)
        if not math.isnan(value):
            self._told.append(len(self.history) - 1)
            self._units.append(to_unit(self.space, params) if u is None else u)
            self._y.append(float(value))

    def state_dict(self) -> dict[str, Any]:
        """The random state, and the settings (a resume with others is refused): JSON-able."""
        settings = {
            "n_initial": self.n_initial,
            "multivariate": self.multivariate,
            "n_candidates": self.n_candidates,
            "prior_weight": self.prior_weight,
        }
        return super().state_dict() | {"settings": settings}

    # ----------------------------------------------------------------- model

    def _gamma(self, n: int) -> int:
        """``gamma(n)``, checked: an int in ``[0, n]``."""
        return _checks.integer(type(self).__name__, f"gamma({n})", self.gamma(n), 0, n)

    def _ranks(self) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        """Indices into the results (``nan`` left out) of the good ones and the bad ones.

        The ``gamma(n)`` best are good, but never a non-finite one; ties keep
        the order they were told in::

            (1) y = array(self._y)
            (2) n_good = min(self._gamma(len(y)), int(isfinite(y).sum()))
            (3) order = argsort(where(isfinite(y), y, inf), kind="stable")
            (4) return order[:n_good], order[n_good:]
        """
        y = np.array(self._y)  # (1)
        n_good = min(self._gamma(len(y)), int(np.isfinite(y).sum()))  # (2)
        order = np.argsort(np.where(np.isfinite(y), y, np.inf), kind="stable")  # (3)
        return order[:n_good], order[n_good:]  # (4)

    def split(
        self,
    ) -> tuple[list[tuple[dict[str, Any], float]], list[tuple[dict[str, Any], float]]]:
        """The told ``(params, value)`` pairs, good and bad, best first (``nan`` left out)."""
        good, bad = self._ranks()
        return (
            [self.history[self._told[i]] for i in good],
            [self.history[self._told[i]] for i in bad],
        )

    def estimators(self) -> tuple[ParzenEstimator, ParzenEstimator]:
        """The good density ``l`` and the bad density ``g`` the next proposal uses.

        The bad group takes the pending points too (the constant liar)::

            (1) good, bad = self._ranks()
            (2) U = array(self._units).reshape(-1, k)
            (3) lie = array(list(self._pending.values())).reshape(-1, k)
            (4) L = ParzenEstimator(self.space, U[good], pw, joint)
            (5) G = ParzenEstimator(self.space, vstack([U[bad], lie]), pw, joint)

        ``U`` ``(n, k)`` holds the results' unit positions, ``lie`` those of
        the pending points; ``pw, joint = prior_weight, multivariate``.
        ``L.log_pdf`` is ``log l``, ``G.log_pdf`` is ``log g``.
        """
        k, pw, joint = len(self.space), self.prior_weight, self.multivariate
        good, bad = self._ranks()  # (1)
        U = np.array(self._units).reshape(-1, k)  # (2)
        lie = np.array(list(self._pending.values())).reshape(-1, k)  # (3)
        L = ParzenEstimator(self.space, U[good], pw, joint)  # (4)
        G = ParzenEstimator(self.space, np.vstack([U[bad], lie]), pw, joint)  # (5)
        return L, G

    def densities(
        self, name: str, values: Sequence[Any]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """``l`` and ``g`` ``(m,)`` of hyperparameter ``name`` at ``values``: marginals.

        The densities of :meth:`estimators` in that one coordinate (the
        others summed out): per unit of the unit coordinate for a ``Real``
        (per unit of ``log`` scale, rescaled, for a log one), probabilities
        for an ``Integer``'s or a ``Categorical``'s values.
        """
        if name not in self.space:
            raise ValueError(
                f"{type(self).__name__}: name must be one of {list(self.space)}, "
                f"got {name!r}"
            )
        j, dim = list(self.space).index(name), self.space[name]
        x = np.array([dim.to_unit(v) for v in values], dtype=np.float64)  # (m,)
        L, G = self.estimators()
        return np.exp(L.log_marginal(j, x)), np.exp(G.log_marginal(j, x))

    def _propose(self) -> dict[str, Any] | None:
        """One new proposal by the model (what ``ask`` calls after the start-up).

        Draw candidates from the good density and rank them by the ratio::

            (1) L, G = self.estimators()
            (2) X = L.sample(self.rng, self.n_candidates)
            (3) score = L.log_pdf(X) - G.log_pdf(X)
            (4) order = argsort(-score, kind="stable")

        and propose the first candidate in ``order`` that is new. With
        independent coordinates (``multivariate=False``) each coordinate
        takes its own best candidate value: that point (the best of all
        combinations of the candidates' coordinates) is put first among the
        candidates before (3). If no candidate is new, a random new point.
        """
        L, G = self.estimators()  # (1)
        X = L.sample(self.rng, self.n_candidates)  # (2)
        if not self.multivariate:
            X = np.vstack([_best_coordinates(X, L, G), X])
        score = L.log_pdf(X) - G.log_pdf(X)  # (3)
        order = np.argsort(-score, kind="stable")  # (4)
        for i in order:
            params = from_unit(self.space, X[i])
            if self.claim(params):
                return params
        return self._draw()


def _best_coordinates(
    X: NDArray[np.float64], L: ParzenEstimator, G: ParzenEstimator
) -> NDArray[np.float64]:
    """The point ``(1, k)`` whose each coordinate is the candidates' best for it."""
    k = X.shape[1]
    ratio = np.stack(
        [L.log_marginal(j, X[:, j]) - G.log_marginal(j, X[:, j]) for j in range(k)],
        axis=1,
    )  # (m, k)
    return X[np.argmax(ratio, axis=0), np.arange(k)][None]
