"""What the multi-fidelity strategies share: budgets of inner steps, and a sampler.

A multi-fidelity search spends gradient steps where they pay: it trains many
configurations for a few steps, and only the best of them for more. Its
*budget* is ``steps``, the inner optimizer steps of a trial, which it adds to
each proposal, so that :class:`search.TrainedLoss` trains ``{"lr": 0.01,
"steps": 33}`` for 33 steps, continuing the 11-step run of the same
configuration where it stopped. The budgets form a geometric ladder of
*rungs* from ``min_steps`` up to ``max_steps``::

    s_max = the largest s with min_steps * eta**s <= max_steps
    r_i   = round(max_steps / eta**(s_max - i))        i = 0, ..., s_max

so the top rung is ``max_steps`` exactly, and each rung ``eta`` times the one
below. New configurations come from a *sampler*, any strategy over the space
without ``steps`` (random by default, as in Hyperband; a model, TPE or
Bayesian, gives the BOHB-style variant of Falkner et al. 2018). The sampler is
told each configuration's *first* result, at the lowest budget it was
trained to, so its model is one of low-fidelity results.

:class:`search.successive_halving.SuccessiveHalving`,
:class:`search.successive_halving.Hyperband` and :class:`search.asha.ASHA`
decide which configuration goes to which rung.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, ClassVar

from search import _checks
from search.random_search import RandomSearch
from search.space import Integer, check_space, param_key
from search.strategy import Strategy

if TYPE_CHECKING:
    import numpy as np

    from search.space import Dimension

# The default lowest budget is max_steps // eta**DEFAULT_LEVELS: four rungs.
DEFAULT_LEVELS = 3


def ladder(min_steps: int, max_steps: int, eta: int) -> list[int]:
    """The budgets ``r_0 < ... < r_s_max`` of the rungs (see the module docstring).

    Examples
    --------
    >>> ladder(11, 300, 3)
    [11, 33, 100, 300]
    >>> ladder(1, 81, 3)
    [1, 3, 9, 27, 81]
    """
    s_max = 0
    while min_steps * eta ** (s_max + 1) <= max_steps:
        s_max += 1
    return [round(max_steps / eta ** (s_max - i)) for i in range(s_max + 1)]


class MultiFidelity(Strategy):
    """Base class: the rungs' budgets, the sampler, the results by configuration.

    Parameters
    ----------
    space : dict
        Name -> dimension: the configurations (without ``steps``, which the
        strategy adds).
    seed : None, int or np.random.Generator
        Seeds ``self.rng``, which the default sampler shares.
    min_steps : int, optional
        The lowest budget, ``>= 1``; default ``max_steps // eta**3`` (at
        least 1): four rungs.
    max_steps : int
        The highest budget: what a configuration is trained to at the top.
    eta : int, default 3
        The ratio of successive budgets, ``>= 2``; also how many
        configurations compete for each promotion.
    sampler : Strategy, optional
        Proposes the new configurations: a fresh strategy over ``space``
        with ``state_dict``; default ``RandomSearch(space, seed=self.rng)``.
    batch_size : int, optional
        Proposals per round of the runner; default the largest rung of the
        strategy, so that a rung trains in one batched call.

    Attributes
    ----------
    space : dict
        ``space`` and ``"steps"``: ``Integer(r_0, max_steps, log=True)``.
    budgets : list of int
        The rungs' budgets ``r_0 < ... < r_s_max``.
    sampler : Strategy
        Where new configurations come from.
    """

    # A rung waits for its results before it promotes: ask(n) may give fewer
    # than n, then more once those results are told (search.strategy).
    WAITS_FOR_RESULTS: ClassVar[bool] = True

    def __init__(
        self,
        space: dict[str, Dimension],
        seed: int | np.random.Generator | None = 0,
        *,
        min_steps: int | None = None,
        max_steps: int,
        eta: int = 3,
        sampler: Strategy | None = None,
        batch_size: int | None = None,
    ) -> None:
        owner = type(self).__name__
        configs = check_space(space)
        if "steps" in configs:
            raise ValueError(
                f"{owner}: space must not hold 'steps': it is the budget that "
                f"{owner} sets (min_steps to max_steps)"
            )
        max_steps = _checks.integer(owner, "max_steps", max_steps, low=1)
        self.eta = _checks.integer(owner, "eta", eta, low=2)
        if min_steps is None:
            min_steps = max(1, max_steps // self.eta**DEFAULT_LEVELS)
        min_steps = _checks.integer(owner, "min_steps", min_steps, low=1)
        if min_steps > max_steps:
            raise ValueError(
                f"{owner}: min_steps must be <= max_steps = {max_steps}, got {min_steps}"
            )
        self.budgets = ladder(min_steps, max_steps, self.eta)
        steps = Integer(self.budgets[0], max_steps, log=True)
        super().__init__({**configs, "steps": steps}, seed, batch_size=1)
        self.config_space = configs
        self.sampler = self._check_sampler(sampler)
        self.results: dict[tuple[Any, ...], float] = {}  # param_key -> value
        self._first: set[tuple[Any, ...]] = set()  # configurations told the sampler
        size = self.largest_rung() if batch_size is None else batch_size
        self.batch_size = _checks.integer(owner, "batch_size", size, low=1)

    def largest_rung(self) -> int:
        """The most configurations of one rung (the default ``batch_size``)."""
        raise NotImplementedError

    def _check_sampler(self, sampler: Strategy | None) -> Strategy:
        """The sampler: the default, or a fresh strategy over the configurations."""
        owner = type(self).__name__
        if sampler is None:
            return RandomSearch(self.config_space, seed=self.rng)
        needs = ("ask", "tell", "state_dict", "load_state_dict")
        if not all(callable(getattr(sampler, m, None)) for m in needs):
            raise TypeError(
                f"{owner}: sampler must be a strategy with ask, tell, state_dict and "
                f"load_state_dict (RandomSearch, BayesSearch, TPESearch), got "
                f"{sampler!r}"
            )
        if getattr(sampler, "space", None) != self.config_space:
            raise ValueError(
                f"{owner}: sampler must search the same space (without 'steps'), "
                f"got a sampler over {getattr(sampler, 'space', None)!r}"
            )
        if sampler.seen or sampler.history:
            raise ValueError(f"{owner}: sampler must be fresh (never asked or told)")
        return sampler

    # ------------------------------------------------------------ for subclasses

    def new_configs(self, n: int) -> list[dict[str, Any]]:
        """Up to ``n`` new configurations from the sampler (fewer: it ran out)."""
        return self.sampler.ask(n) if n > 0 else []

    def proposal(self, config: dict[str, Any], rung: int) -> dict[str, Any]:
        """``config`` at the budget of ``rung``, claimed as seen."""
        params = {**config, "steps": self.budgets[rung]}
        self.claim(params)
        return params

    def value(self, config: dict[str, Any], rung: int) -> float | None:
        """The result told for ``config`` at ``rung``'s budget; ``None`` if none yet."""
        params = {**config, "steps": self.budgets[rung]}
        return self.results.get(param_key(self.space, params))

    def top(
        self, configs: list[dict[str, Any]], rung: int, k: int
    ) -> list[dict[str, Any]]:
        """The ``k`` of ``configs`` with the lowest results at ``rung`` (all told).

        ``nan`` (failed) and ``inf`` (diverged) rank last; ties keep the
        order of ``configs`` (a stable sort).
        """
        return sorted(configs, key=lambda c: _rank(self.value(c, rung)))[:k]

    # ------------------------------------------------------------ ask / tell

    def tell(self, params: dict[str, Any], value: float) -> None:
        """Record ``value`` for ``params`` (a configuration and its ``steps``).

        A configuration's first result is also told to the sampler.
        """
        super().tell(params, value)
        self.results[param_key(self.space, params)] = float(value)
        config = {k: v for k, v in params.items() if k != "steps"}
        key = param_key(self.config_space, config)
        if key not in self._first:
            self._first.add(key)
            self.sampler.tell(config, value)

    def state_dict(self) -> dict[str, Any]:
        """The rng, the sampler's state and the rungs: JSON-able (see :func:`search.run`)."""
        return {
            "rng": self.rng.bit_generator.state,
            "sampler": self.sampler.state_dict(),  # type: ignore[attr-defined]
            "rungs": self.rung_state(),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned (after the results are told)."""
        self.rng.bit_generator.state = state["rng"]
        self.sampler.load_state_dict(state["sampler"])  # type: ignore[attr-defined]
        self.load_rung_state(state["rungs"])

    def rung_state(self) -> Any:
        """Which configuration is where in the rungs, as JSON (by each subclass)."""
        raise NotImplementedError

    def load_rung_state(self, rungs: Any) -> None:
        """Restore what :meth:`rung_state` returned (by each subclass)."""
        raise NotImplementedError


def _rank(value: float | None) -> float:
    """A result as a sort key: ``nan`` and ``inf`` last."""
    return value if value is not None and math.isfinite(value) else math.inf
