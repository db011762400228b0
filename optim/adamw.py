"""AdamW: Adam with weight decay applied to the weights, not to the gradient."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from optim.adam import Adam, AdamState, adam_update

if TYPE_CHECKING:
    from optim._hyper import Array, Hyper


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
    A subclass of :class:`Adam` for its hyperparameters, state and
    :meth:`~Adam.init`; its :meth:`step` is its own and shares Adam's lines
    (3)-(11), :func:`~optim.adam.adam_update`. optax's ``adamw`` scales the
    decay by ``lr`` too but applies it after the Adam direction is computed,
    which gives the same update.

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

    weight_decay: Hyper = 1e-2
    ELEMENTWISE = True  # its own step: declared again (Optimizer.is_elementwise)
    DECOUPLED_WEIGHT_DECAY = True

    def step(self, x: Array, g: Array, state: AdamState) -> tuple[Array, AdamState]:
        """One AdamW step: return the new ``x`` ``(*batch, d)`` and the new state.

        As published: Algorithm 2 of Loshchilov and Hutter (2019), AdamW,
        with ``eta`` the schedule multiplier, ``alpha`` the step size,
        ``lambda`` the decay and ``g`` the gradient at ``x`` (init: m = 0,
        v = 0, t = 0)::

            t = t + 1
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g**2
            m_hat = m / (1 - b1**t)
            v_hat = v / (1 - b2**t)
            x = x - eta * (alpha * m_hat / (sqrt(v_hat) + eps) + lambda * x)

        As computed: lines (1)-(2) here, then Adam's lines (3)-(11) in
        :func:`~optim.adam.adam_update`::

            (1) g = -g if maximize else g
            (2) x = x * (1 - lr * weight_decay)

        Where and why they differ:

        * (1): torch's option, not in the paper: ascent.
        * (2): the decay is ``lr * weight_decay``, the paper's ``eta *
          lambda`` with ``eta = lr`` and ``alpha = 1`` (torch's convention:
          one learning rate scales both terms). It comes before the Adam
          step, which does not depend on ``x``: the same update as the
          paper's last line in exact arithmetic (torch's order).
        * (3)-(11): as in Adam (``lerp`` form of the first moment, bias
          corrections folded into the step size and the denominator).

        Line (2) runs only if some ``weight_decay`` is non-zero.

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
        c = self.columns_for(state)  # name -> float or (*batch, 1) column
        lr, weight_decay = c["lr"], c["weight_decay"]
        g = -g if self.maximize else g  # (1)
        if "weight_decay" in self._nonzero:
            x = x * (1 - lr * weight_decay)  # (2)
        return adam_update(
            x,
            g,
            state,
            lr=lr,
            b1=c["b1"],
            b2=c["b2"],
            eps=c["eps"],
            amsgrad=self.amsgrad,
            guard="eps" in self._haszero,
        )
