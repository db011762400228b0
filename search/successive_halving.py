"""Successive halving and Hyperband: brackets of rungs, the best third promoted.

Successive halving (Jamieson and Talwalkar 2016) trains ``n``
configurations for the lowest budget, keeps the best ``1 / eta`` of them,
trains those ``eta`` times longer, and so on up to the highest budget.
Hyperband (Li et al. 2018, Algorithm 1) hedges against the choice of ``n``:
it runs successive halving in several *brackets*, from the most aggressive
(many configurations, the lowest budget) to plain random search at the
highest budget, each bracket about the same total of steps.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from search.multi_fidelity import MultiFidelity

if TYPE_CHECKING:
    import numpy as np

    from search.space import Dimension

# A rung of a bracket, as stored by state_dict (JSON):
# {"rung": i (its budget is budgets[i]), "planned": configurations it should
#  hold, "configs": those it holds, "issued": how many were proposed,
#  "closed": no configuration will be added}.
Rung = dict[str, Any]


def _bottom(rung: int, planned: int) -> Rung:
    """A bracket's first rung, empty: ``planned`` configurations to come at ``rung``."""
    return {
        "rung": rung,
        "planned": planned,
        "configs": [],
        "issued": 0,
        "closed": False,
    }


class SuccessiveHalving(MultiFidelity):
    """Successive halving over the rungs' budgets, with ``eta**s_max`` configurations.

    One bracket (Li et al. 2018, the bracket ``s = s_max``)::

        n_0 = eta**s_max configurations from the sampler, trained for r_0 steps
        for i = 1, ..., s_max:
            n_i = floor(n_{i-1} / eta)
            the n_i best of rung i - 1 are trained on to r_i steps

    Parameters are those of :class:`search.multi_fidelity.MultiFidelity`.
    A rung is proposed as soon as the one below it has all its results; a
    configuration promoted from ``r_{i-1}`` to ``r_i`` steps is the same
    params dict with ``steps = r_i``, and :class:`search.TrainedLoss`
    continues its training (``r_i - r_{i-1}`` more steps). When the sampler
    runs out of new configurations (a small finite space), the bracket holds
    fewer. ``ask`` gives ``[]`` once the bracket is done: run it with
    ``n_trials = strategy.n_trials``.

    Attributes
    ----------
    brackets : list of list of dict
        Each bracket's rungs opened so far (see ``Rung`` in this module).
    n_trials : int
        The evaluations of the planned brackets.

    References
    ----------
    .. [1] K. Jamieson and A. Talwalkar, "Non-stochastic best arm
       identification and hyperparameter optimization", AISTATS 2016.
    .. [2] L. Li, K. Jamieson, G. DeSalvo, A. Rostamizadeh and A. Talwalkar,
       "Hyperband: a novel bandit-based approach to hyperparameter
       optimization", JMLR 18(185), 2018.

    Examples
    --------
    >>> from search.space import Real
    >>> sh = SuccessiveHalving({"lr": Real(1e-4, 1.0, log=True)}, max_steps=27)
    >>> sh.budgets, sh.n_trials
    ([1, 3, 9, 27], 40)
    >>> first = sh.ask(27)  # the bottom rung: 27 configurations at 1 step
    >>> for k, params in enumerate(first):
    ...     sh.tell(params, float(k))  # the first ones are the best
    >>> [p["steps"] for p in sh.ask(27)]  # the best 9 go on to 3 steps
    [3, 3, 3, 3, 3, 3, 3, 3, 3]
    """

    def __init__(
        self,
        space: dict[str, Dimension],
        seed: int | np.random.Generator | None = 0,
        **options: Any,
    ) -> None:
        super().__init__(space, seed, **options)
        plan = list(enumerate(self.plan()))  # (bracket b, its configurations n)
        self.brackets: list[list[Rung]] = [[_bottom(self.first(b), n)] for b, n in plan]
        self.n_trials = sum(
            sum(n // self.eta**j for j in range(len(self.budgets) - self.first(b)))
            for b, n in plan
        )

    def plan(self) -> list[int]:
        """The configurations of each bracket's bottom rung: ``[eta**s_max]``."""
        return [self.eta ** (len(self.budgets) - 1)]

    def first(self, b: int) -> int:
        """The rung where bracket ``b`` starts: 0 (the lowest budget)."""
        return 0

    def largest_rung(self) -> int:
        """The most configurations of one rung: the first bracket's bottom."""
        return max(self.plan())

    def ask(self, n: int = 1) -> list[dict[str, Any]]:
        """Up to ``n`` proposals: promotions and new configurations, bracket by bracket.

        A bracket whose current rung waits for results lets the next bracket
        go on, so a round holds what is ready, up to ``n``; fewer when every
        bracket waits for results or is done (``[]`` when all are done).
        """
        n = self.check_n(n)
        proposals: list[dict[str, Any]] = []
        for bracket in self.brackets:
            while len(proposals) < n and (
                more := self._advance(bracket, n - len(proposals))
            ):
                proposals += more
        return proposals

    def _advance(self, bracket: list[Rung], room: int) -> list[dict[str, Any]]:
        """Up to ``room`` proposals of ``bracket``'s current rung; ``[]`` if it waits."""
        rung = bracket[-1]
        if not rung["closed"]:  # the bottom rung, still filling
            wanted = min(room, rung["planned"] - len(rung["configs"]))
            new = self.new_configs(wanted)
            rung["configs"] += new
            # the sampler ran out (a small finite space): the rung holds fewer
            rung["closed"] = (
                len(new) < wanted or len(rung["configs"]) == rung["planned"]
            )
        if rung["issued"] < len(rung["configs"]):
            todo = rung["configs"][rung["issued"] : rung["issued"] + room]
            rung["issued"] += len(todo)
            return [self.proposal(config, rung["rung"]) for config in todo]
        i = rung["rung"]
        done = all(self.value(c, i) is not None for c in rung["configs"])
        k = len(rung["configs"]) // self.eta
        if rung["closed"] and done and i + 1 < len(self.budgets) and k > 0:
            best = self.top(rung["configs"], i, k)
            bracket.append(
                {
                    "rung": i + 1,
                    "planned": k,
                    "configs": best,
                    "issued": 0,
                    "closed": True,
                }
            )
            return self._advance(bracket, room)
        return []

    def rung_state(self) -> list[list[Rung]]:
        """The brackets' rungs opened so far."""
        return self.brackets

    def load_rung_state(self, rungs: list[list[Rung]]) -> None:
        """Restore what :meth:`rung_state` returned."""
        self.brackets = [[dict(rung) for rung in bracket] for bracket in rungs]


class Hyperband(SuccessiveHalving):
    """Hyperband: successive halving in ``s_max + 1`` brackets (Li et al. 2018, Algorithm 1).

    Bracket ``s = s_max, ..., 0`` starts ``n_s`` configurations at the
    budget ``r_{s_max - s}`` and halves them up to ``max_steps``::

        n_s = ceil((s_max + 1) / (s + 1) * eta**s)
        successive halving from rung s_max - s with n_s configurations

    Bracket ``s_max`` is :class:`SuccessiveHalving`; bracket ``0`` is
    random search at the highest budget. Each spends about ``(s_max + 1)``
    times ``max_steps`` steps per configuration it ends with, so no guess of
    how early a configuration shows its worth is bet on alone. The brackets
    run side by side: a bracket whose rung waits for results lets the next
    one propose. ``ask`` gives ``[]`` after one pass of all brackets (one
    Hyperband iteration): run it with ``n_trials = strategy.n_trials``.

    Examples
    --------
    >>> from search.space import Real
    >>> hb = Hyperband({"lr": Real(1e-4, 1.0, log=True)}, max_steps=27)
    >>> hb.plan(), hb.n_trials  # configurations per bracket, evaluations
    ([27, 12, 6, 4], 69)
    """

    def plan(self) -> list[int]:
        """``n_s`` for ``s = s_max, ..., 0``: each bracket's configurations."""
        s_max = len(self.budgets) - 1
        return [
            math.ceil((s_max + 1) / (s + 1) * self.eta**s) for s in range(s_max, -1, -1)
        ]

    def first(self, b: int) -> int:
        """The rung where bracket ``b`` (``s = s_max - b``) starts: ``b``."""
        return b
