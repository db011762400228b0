"""AdamW: Adam with weight decay applied to the weights, not to the gradient."""

from __future__ import annotations

import dataclasses

from optim.adam import Adam


@dataclasses.dataclass(frozen=True, eq=False)
class AdamW(Adam):
    """AdamW (Loshchilov and Hutter 2019): torch.optim.AdamW exactly.

    With Adam's L2 penalty the decay term is divided by ``sqrt(v)`` like the
    gradient, so heavily-updated weights are barely decayed. AdamW shrinks
    every weight by the same factor ``1 - lr * weight_decay`` instead, then
    takes a plain Adam step.

    Parameters
    ----------
    lr, b1, b2, eps, amsgrad, maximize
        As in :class:`Adam`.
    weight_decay : float or array, default 1e-2
        Decoupled decay coefficient, ``>= 0``.

    Notes
    -----
    As in PyTorch the decay is scaled by ``lr`` (the paper's eta_t * lambda
    with the schedule multiplier eta_t = lr); the paper's Algorithm 2 decays by
    ``eta_t * lambda`` with a separate ``lambda``. optax's ``adamw`` scales it
    by ``lr`` too but applies it after the Adam direction is computed, which
    gives the same update.

    References
    ----------
    .. [1] I. Loshchilov, F. Hutter, "Decoupled weight decay regularization",
       ICLR 2019, Algorithm 2, line 12.

    Examples
    --------
    >>> import numpy as np
    >>> opt = AdamW(lr=0.1, weight_decay=0.5)
    >>> x = np.array([1.0, -2.0])
    >>> x, state = opt.step(x, np.zeros(2), opt.init(x))
    >>> x  # zero gradient: only the decay 1 - 0.1 * 0.5 acts
    array([ 0.95, -1.9 ])
    """

    weight_decay: float = 1e-2
    decoupled = True

    def step(self, x, g, state):
        """One AdamW step: return the new ``x`` ``(*batch, d)`` and the new state.

        Update rule (init as Adam's)::

            (1) x = x * (1 - lr * weight_decay)
            (2) return Adam.step(self, x, g, state)

        Line (2) is Adam's lines (1)-(11) without line (3), the L2 term.

        Parameters
        ----------
        x, g : ndarray
            Parameters and gradient, ``(*batch, d)``. Not modified.
        state : AdamState
            From :meth:`init` or the previous step.

        Returns
        -------
        x : ndarray
            ``(*batch, d)``.
        state : AdamState
        """
        lr, weight_decay = self._columns[0], self._columns[4]  # floats or (*batch, 1)
        if "weight_decay" in self._nonzero:
            x = x * (1 - lr * weight_decay)  # (1)
        return Adam.step(self, x, g, state)  # (2)
