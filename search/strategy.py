"""The base class of every search strategy: ``ask`` for proposals, ``tell`` results.

A strategy proposes, nothing else; the runner evaluates. The contract:

* ``ask(n)`` returns at most ``n`` distinct params dicts, none of them asked
  or told before; fewer (possibly none) only when the strategy has nothing
  new to propose (an exhausted grid, a finite space all seen), or, for a
  strategy with ``WAITS_FOR_RESULTS`` (multi-fidelity search, whose rungs
  wait for the results of the rung below), nothing new until the results of
  what it proposed are told. ``[]`` means done: the runner stops there.
* ``tell(params, value)`` records a result; ``value`` may be ``inf``
  (diverged) or ``nan`` (failed).
* Determinism: proposals depend only on the space, the seed, the other
  constructor arguments and the sequence of ``ask``/``tell`` calls so far.
  All randomness comes from ``self.rng = np.random.default_rng(seed)``, so a
  search resumed by replaying its log proposes what it proposed before.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, ClassVar

import numpy as np

from search import _checks
from search.space import Dimension, check_space, param_key, to_unit


class Strategy:
    """What all strategies share: the space, the seeded rng, seen points, history.

    Subclasses implement ``ask(n)``: check ``n`` with ``self.check_n(n)``
    and keep each proposal only if ``self.claim(params)`` is true (it marks
    the point as seen). A subclass that learns from results extends ``tell``
    and calls ``super().tell(params, value)`` first.

    Parameters
    ----------
    space : dict
        Name -> ``Real``/``Integer``/``Categorical``, validated by
        :func:`~search.space.check_space`.
    seed : None, int or np.random.Generator
        Seeds ``self.rng = np.random.default_rng(seed)``.
    batch_size : int, default 1
        How many proposals the runner asks for per round, ``>= 1``.

    Attributes
    ----------
    rng : np.random.Generator
        The only source of randomness.
    seen : set of tuple
        :func:`~search.space.param_key` of every point asked or told.
    history : list of (dict, float)
        Every ``(params, value)`` told, in order.

    Examples
    --------
    >>> from search.space import Integer
    >>> class Counter(Strategy):  # proposes k = 0, 1, 2, 3 in turn
    ...     def ask(self, n=1):
    ...         n, new = self.check_n(n), []
    ...         for k in range(4):
    ...             if len(new) < n and self.claim({"k": k}):
    ...                 new.append({"k": k})
    ...         return new
    >>> s = Counter({"k": Integer(0, 9)})
    >>> s.ask(2), s.ask(5)
    ([{'k': 0}, {'k': 1}], [{'k': 2}, {'k': 3}])
    >>> s.tell({"k": 0}, 1.5)
    >>> s.tell({"k": 1}, float("inf"))
    >>> s.history
    [({'k': 0}, 1.5), ({'k': 1}, inf)]
    >>> s.best
    ({'k': 0}, 1.5)
    """

    # True if ask(n) may give fewer than n (not none) and more once results
    # are told: a rung that waits for the one below (search.multi_fidelity).
    WAITS_FOR_RESULTS: ClassVar[bool] = False

    def __init__(
        self,
        space: dict[str, Dimension],
        seed: int | np.random.Generator | None = None,
        batch_size: int = 1,
    ) -> None:
        self.space = check_space(space)
        owner = type(self).__name__
        seed = _checks.seed(owner, seed)
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.batch_size = _checks.integer(owner, "batch_size", batch_size, low=1)
        self.seen: set[tuple[Any, ...]] = set()
        self.history: list[tuple[dict[str, Any], float]] = []

    def check_n(self, n: int) -> int:
        """Validate the ``n`` of ``ask(n)``: an int ``>= 1``."""
        return _checks.integer(type(self).__name__, "n", n, low=1)

    def claim(self, params: dict[str, Any]) -> bool:
        """Mark ``params`` as seen; ``True`` if it was new (so it may be proposed)."""
        key = param_key(self.space, params)
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def ask(self, n: int = 1) -> list[dict[str, Any]]:
        """Up to ``n`` new distinct params dicts (implemented by each strategy)."""
        raise NotImplementedError(f"{type(self).__name__} must implement ask(n)")

    def tell(self, params: dict[str, Any], value: float) -> None:
        """Record the objective ``value`` of ``params`` (``inf``/``nan`` allowed).

        ``params`` must be a valid point of the space (checked by mapping it
        to the unit cube); it is marked as seen and appended to ``history``.
        """
        owner = type(self).__name__
        if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
            raise TypeError(f"{owner}: value must be a real number, got {value!r}")
        to_unit(self.space, params)  # raises if params is not a point of the space
        self.seen.add(param_key(self.space, params))
        self.history.append((dict(params), float(value)))

    @property
    def best(self) -> tuple[dict[str, Any], float] | None:
        """The told ``(params, value)`` with the smallest finite value, or ``None``."""
        finite = [(p, v) for p, v in self.history if math.isfinite(v)]
        return min(finite, key=lambda pv: pv[1]) if finite else None
