"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import numpy as np

from optim import _hyper
from optim._base import INF, Optimizer


class SGDState(NamedTuple):
    """SGD's state: the step count ``t`` and the momentum buffer ``b`` ``(*batch, d)``."""

    t: int
    b: np.ndarray


@dataclasses.dataclass(frozen=True, eq=False)
class SGD(Optimizer):
    """Gradient descent, optionally with (Nesterov) momentum: torch.optim.SGD exactly.

    Plain SGD walks downhill by ``lr`` times the gradient. Momentum keeps a
    running sum ``b`` of past gradients, so steps grow along directions the
    gradient keeps pointing to and cancel where it oscillates (the heavy ball).

    Parameters
    ----------
    lr : float or array, default 1e-3
        Learning rate, ``>= 0``.
    momentum : float or array, default 0
        Momentum factor, in ``[0, 1)``.
    dampening : float or array, default 0
        Dampening of the gradient added to the buffer, in ``[0, 1]``.
    nesterov : bool, default False
        Nesterov momentum; needs ``momentum > 0`` and ``dampening == 0``.
    weight_decay : float or array, default 0
        L2 penalty coefficient, ``>= 0`` (added to the gradient).
    maximize : bool, default False
        Ascend instead of descend.

    Every numeric hyperparameter may be an array broadcastable to the batch
    shape of ``x`` ``(*batch, d)``: one value per configuration.

    Notes
    -----
    Symbols: ``x`` parameters (theta), ``g`` gradient, ``b`` momentum buffer,
    ``t`` step count. As in PyTorch, the first buffer is the gradient itself
    (no dampening on step 1), and momentum multiplies the step *after*
    scaling by ``lr`` is folded in (``x - lr * b``); Sutskever et al. (2013)
    and optax's ``sgd`` fold ``lr`` into the buffer instead, which differs
    when ``lr`` changes over time. Polyak's heavy ball with step ``a`` and
    momentum ``m`` is this rule with ``lr = a`` and ``momentum = m``.

    References
    ----------
    .. [1] B. T. Polyak, "Some methods of speeding up the convergence of
       iteration methods", USSR Comput. Math. Math. Phys. 4(5), 1964.
    .. [2] I. Sutskever, J. Martens, G. Dahl, G. Hinton, "On the importance of
       initialization and momentum in deep learning", ICML 2013.

    Examples
    --------
    >>> import numpy as np
    >>> opt = SGD(lr=0.1)
    >>> x = np.array([1.0, -2.0])
    >>> x, state = opt.step(x, 2 * x, opt.init(x))  # gradient of ||x||^2
    >>> x
    array([ 0.8, -1.6])
    """

    lr: float = 1e-3
    momentum: float = 0.0
    dampening: float = 0.0
    nesterov: bool = False
    weight_decay: float = 0.0
    maximize: bool = False

    RANGES = {
        "lr": (0.0, INF, True),
        "momentum": (0.0, 1.0, True),
        "dampening": (0.0, 1.0, False),
        "weight_decay": (0.0, INF, True),
    }
    FLAGS = ("nesterov", "maximize")

    def __post_init__(self):
        super().__post_init__()
        if self.nesterov and (
            np.any(np.asarray(self.momentum) <= 0) or _hyper.nonzero(self.dampening)
        ):
            raise ValueError(
                "SGD: nesterov=True needs momentum > 0 and dampening = 0, got "
                f"momentum={self.momentum!r}, dampening={self.dampening!r}"
            )

    def init(self, x) -> SGDState:
        """Zero state for parameters ``x`` ``(*batch, d)``: ``t = 0``, ``b = 0``."""
        return SGDState(t=0, b=np.zeros(np.shape(x)))

    def step(self, x, g, state):
        """One SGD step: return the new ``x`` ``(*batch, d)`` and the new state.

        Update rule (init: b = 0, t = 0)::

            (1) t = t + 1
            (2) g = -g if maximize else g
            (3) g = g + weight_decay * x
            (4) b = g if t == 1 else momentum * b + (1 - dampening) * g
            (5) g = g + momentum * b if nesterov else where(momentum > 0, b, g)
            (6) x = x - lr * g

        Line (3) runs only if some ``weight_decay`` is non-zero, and lines
        (4)-(5) only if some ``momentum`` is non-zero; with all of them zero
        the result is the same, the lines are skipped for speed.

        Parameters
        ----------
        x, g : ndarray
            Parameters and gradient, ``(*batch, d)``. Not modified.
        state : SGDState
            From :meth:`init` or the previous step.

        Returns
        -------
        x : ndarray
            ``(*batch, d)``.
        state : SGDState
        """
        # Hyperparameters as floats or (*batch, 1) columns, in RANGES order.
        lr, momentum, dampening, weight_decay = self._columns
        maximize, nesterov = self.maximize, self.nesterov
        t, b = state
        t = t + 1  # (1)
        g = -g if maximize else g  # (2)
        if "weight_decay" in self._nonzero:
            g = g + weight_decay * x  # (3)
        if "momentum" in self._nonzero:
            b = g if t == 1 else momentum * b + (1 - dampening) * g  # (4)
            g = g + momentum * b if nesterov else np.where(momentum > 0, b, g)  # (5)
        x = x - lr * g  # (6)
        return x, SGDState(t, b)
