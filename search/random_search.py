"""Random search: independent uniform draws in the unit cube."""

from __future__ import annotations

from typing import Any

from search.space import MAX_ENUMERATE, all_keys, sample, size
from search.strategy import Strategy

# Draws per requested point before RandomSearch stops relying on luck.
MAX_TRIES = 100


class RandomSearch(Strategy):
    """Propose points drawn uniformly in ``[0, 1]^k`` and mapped by ``from_unit``.

    Uniform in the unit cube means log-uniform for ``log=True`` dimensions.
    Random search beats a grid of the same size when only a few dimensions
    matter: every trial tries a new value of each dimension (Bergstra and
    Bengio, 2012).

    Parameters
    ----------
    space : dict
        Name -> dimension.
    seed : None, int or np.random.Generator
        Seeds ``self.rng``; the same seed gives the same proposals.
    batch_size : int, default 1
        Proposals per round of the runner.

    Notes
    -----
    No point is proposed twice. A draw whose params were already asked or
    told is redrawn, up to ``MAX_TRIES`` draws per point (with a Real
    dimension, repeats have probability ~0). If all of them repeat, in a
    space of Integer and Categorical dimensions only with at most
    ``MAX_ENUMERATE`` points, the point is picked uniformly among the unseen
    ones instead. So ``ask(n)`` returns fewer than ``n`` points (possibly
    ``[]``) only when the space is exhausted, or, for a larger discrete
    space, nearly so (more than ~95% seen); it never loops forever.

    Points are drawn one at a time: ``ask(n)`` proposes exactly what ``n``
    calls of ``ask(1)`` would, so a search replayed in other batch sizes
    makes the same proposals.

    References
    ----------
    .. [1] J. Bergstra and Y. Bengio, "Random search for hyper-parameter
       optimization", JMLR 13, 2012.

    Examples
    --------
    >>> from search.space import Integer, Real
    >>> s = RandomSearch({"lr": Real(1e-4, 1.0, log=True)}, seed=0)
    >>> [1e-4 <= p["lr"] <= 1.0 for p in s.ask(3)]
    [True, True, True]
    >>> small = RandomSearch({"k": Integer(1, 3)}, seed=0)
    >>> sorted(p["k"] for p in small.ask(5)), small.ask()
    ([1, 2, 3], [])
    """

    # Unseen keys of a small discrete space, listed at the first fallback.
    _rest: list[tuple[Any, ...]] | None = None

    def ask(self, n: int = 1) -> list[dict[str, Any]]:
        """Up to ``n`` new random points (fewer only when the space runs out)."""
        n = self.check_n(n)
        proposals: list[dict[str, Any]] = []
        # One point at a time, so ask(n) proposes what n calls of ask(1) would.
        while len(proposals) < n and (params := self._draw()) is not None:
            proposals.append(params)
        return proposals

    def state_dict(self) -> dict[str, Any]:
        """What the next proposals depend on besides the results told: JSON-able.

        :func:`search.run` stores it after each ``ask``; a resumed search is
        told its stored results and given this back (:meth:`load_state_dict`)
        instead of asking every stored round again.
        """
        return {"rng": self.rng.bit_generator.state}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned (after the results are told)."""
        self.rng.bit_generator.state = state["rng"]

    def _draw(self) -> dict[str, Any] | None:
        """One new point: up to MAX_TRIES draws, then a pick among the unseen."""
        for _ in range(MAX_TRIES):
            (params,) = sample(self.space, self.rng, 1)
            if self.claim(params):
                return params
        rest = self._unseen()
        if not rest:
            return None
        params = dict(zip(self.space, rest[self.rng.integers(len(rest))], strict=True))
        self.claim(params)
        return params

    def _unseen(self) -> list[tuple[Any, ...]]:
        """Keys of the unseen points of a small all-discrete space (``[]`` otherwise)."""
        if self._rest is None:  # listed once, at the first fallback, in grid order
            small = size(self.space) <= MAX_ENUMERATE
            self._rest = all_keys(self.space) if small else []
        self._rest = [key for key in self._rest if key not in self.seen]
        return self._rest
