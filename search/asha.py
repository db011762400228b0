"""ASHA: asynchronous successive halving, which never waits for a rung to fill.

Synchronous successive halving promotes from a rung only once all its
configurations have results, so workers idle while the last ones finish.
ASHA (Li et al. 2020, Algorithm 2) promotes as soon as a configuration is
among the best ``1 / eta`` of the results its rung has so far, and otherwise
starts a new configuration at the bottom: every request for work gets some.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from search.multi_fidelity import MultiFidelity

if TYPE_CHECKING:
    import numpy as np

    from search.space import Dimension


class ASHA(MultiFidelity):
    """Asynchronous successive halving (Li et al. 2020, Algorithm 2).

    Each proposal, in turn::

        for k = s_max - 1, ..., 0:                       the highest rung first
            done = the configurations with a result at rung k
            top = the best floor(len(done) / eta) of them
            if some of top is not yet at rung k + 1:
                propose the first of those at r_{k+1} steps
        otherwise propose a new configuration at r_0 steps

    Parameters are those of :class:`search.multi_fidelity.MultiFidelity`
    (``batch_size``: the workers, or by default the first rung's
    ``eta**s_max`` proposals per round). ASHA proposes without end; run it
    with the ``n_trials`` you can afford. Promotions continue training
    (:class:`search.TrainedLoss`), and a round of the runner is one batched
    call per budget. With :func:`search.run` every result of a round is told
    before the next one, so ASHA's asynchrony shows only with an executor
    and a ``batch_size`` of its workers.

    Attributes
    ----------
    rungs : list of list of dict
        The configurations proposed at each rung's budget, in order.

    References
    ----------
    .. [1] L. Li, K. Jamieson, A. Rostamizadeh, E. Gonina, J. Ben-tzur,
       M. Hardt, B. Recht and A. Talwalkar, "A system for massively
       parallel hyperparameter tuning", MLSys 2020.

    Examples
    --------
    >>> from search.space import Real
    >>> asha = ASHA({"lr": Real(1e-4, 1.0, log=True)}, max_steps=9)
    >>> first = asha.ask(3)  # nothing to promote yet: new ones at 1 step
    >>> for k, params in enumerate(first):
    ...     asha.tell(params, float(k))
    >>> [p["steps"] for p in asha.ask(3)]  # the best of three goes on at once
    [3, 1, 1]
    """

    def __init__(
        self,
        space: dict[str, Dimension],
        seed: int | np.random.Generator | None = 0,
        **options: Any,
    ) -> None:
        super().__init__(space, seed, **options)
        self.rungs: list[list[dict[str, Any]]] = [[] for _ in self.budgets]

    def largest_rung(self) -> int:
        """The default ``batch_size``: ``eta**s_max`` proposals per round."""
        return int(self.eta ** (len(self.budgets) - 1))

    def ask(self, n: int = 1) -> list[dict[str, Any]]:
        """Up to ``n`` proposals: promotions first, then new configurations."""
        n = self.check_n(n)
        proposals: list[dict[str, Any]] = []
        while len(proposals) < n and (promoted := self._promotion()) is not None:
            proposals.append(promoted)
        new = self.new_configs(n - len(proposals))
        self.rungs[0].extend(new)
        return proposals + [self.proposal(config, 0) for config in new]

    def _promotion(self) -> dict[str, Any] | None:
        """The next promotion, highest rung first; ``None`` if none is due."""
        for k in range(len(self.budgets) - 2, -1, -1):
            done = [c for c in self.rungs[k] if self.value(c, k) is not None]
            above = self.rungs[k + 1]
            for config in self.top(done, k, len(done) // self.eta):
                if config not in above:
                    above.append(config)
                    return self.proposal(config, k + 1)
        return None

    def rung_state(self) -> list[list[dict[str, Any]]]:
        """The configurations proposed at each rung, in order."""
        return self.rungs

    def load_rung_state(self, rungs: list[list[dict[str, Any]]]) -> None:
        """Restore what :meth:`rung_state` returned."""
        self.rungs = [list(rung) for rung in rungs]
