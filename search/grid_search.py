"""Grid search: every point of a product grid, once, in order."""

from __future__ import annotations

from typing import Any

import numpy as np

from search import _checks
from search.space import Dimension, grid
from search.strategy import Strategy


class GridSearch(Strategy):
    """Propose the points of the product grid :func:`~search.space.grid` in turn.

    Each Real and Integer dimension is cut into ``points`` values evenly
    spaced in its (warped) range, both ends included; each Categorical gives
    all its choices. The grid evaluated whole is the hyperparameter loss
    surface itself, ready to draw as a heat map.

    Parameters
    ----------
    space : dict
        Name -> dimension.
    points : int or dict, default 10
        Values per dimension: one int for all, or ``name -> int``.
    shuffle : bool, default False
        Visit the grid in a random order (``self.rng``) instead of grid order
        (last dimension fastest): a stopped search then covers the space
        evenly instead of the first rows only.
    seed : None, int or np.random.Generator
        Seeds the shuffle.

    Attributes
    ----------
    points : list of dict
        The full grid, in visiting order.
    batch_size : int
        ``len(points)``: the runner evaluates the whole grid in one round.

    Notes
    -----
    ``ask(n)`` returns the next ``n`` points not yet asked or told; when the
    grid is exhausted it returns fewer, and then ``[]``.

    Examples
    --------
    >>> from search.space import Integer, Categorical
    >>> s = GridSearch({"k": Integer(1, 3), "opt": Categorical(["sgd", "adam"])})
    >>> len(s.points), s.batch_size
    (6, 6)
    >>> s.ask(2)
    [{'k': 1, 'opt': 'sgd'}, {'k': 1, 'opt': 'adam'}]
    >>> len(s.ask(10)), s.ask()
    (4, [])
    """

    def __init__(
        self,
        space: dict[str, Dimension],
        points: int | dict[str, int] = 10,
        shuffle: bool = False,
        seed: int | np.random.Generator | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.shuffle = shuffle = _checks.flag("GridSearch", "shuffle", shuffle)
        self.points = grid(self.space, points)
        if shuffle:
            self.points = [
                self.points[i] for i in self.rng.permutation(len(self.points))
            ]
        self.batch_size = len(self.points)
        self._next = 0  # points before this index have all been claimed

    def state_dict(self) -> dict[str, Any]:
        """What the next proposals depend on besides the results told: JSON-able.

        :func:`search.run` stores it after each ``ask``; a resumed search is
        told its stored results and given this back (:meth:`load_state_dict`)
        instead of asking every stored round again.
        """
        state: dict[str, Any] = {"next": self._next}
        if self.shuffle:  # the rng shuffled the grid: another seed, another search
            state["rng"] = self.rng.bit_generator.state
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned (after the results are told)."""
        self._next = int(state["next"])
        if self.shuffle:
            self.rng.bit_generator.state = state["rng"]

    def ask(self, n: int = 1) -> list[dict[str, Any]]:
        """The next ``n`` unseen grid points (fewer when the grid runs out)."""
        n = self.check_n(n)
        proposals: list[dict[str, Any]] = []
        while len(proposals) < n and self._next < len(self.points):
            params = self.points[self._next]
            self._next += 1
            if self.claim(params):  # skip points already told
                proposals.append(dict(params))
        return proposals
