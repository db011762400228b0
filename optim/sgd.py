"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from optim import _hyper
from optim._base import INF, Optimizer
from optim._hyper import Range

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from optim._hyper import Array, Hyper


class SGDState(NamedTuple):
    """SGD's state: the step count ``t`` and the momentum buffer ``b`` ``(*batch, d)``."""

    t: int
    b: Array


@dataclasses.dataclass(frozen=True, eq=False)
class SGD(Optimizer):
    """Gradient descent, optionally with (Nesterov) momentum: torch.optim.SGD exactly.

    Plain SGD walks downhill by ``lr`` times the gradient. Momentum keeps a
    running sum ``b`` of past gradients, so steps grow along directions the
    gradient keeps pointing to and cancel where it oscillates (the heavy ball).

    Parameters
    ----------
    lr : float, array or schedule (:mod:`optim.schedules`), default 1e-3
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
    ``t`` step count. :meth:`step` gives the published rule, the lines as
    computed (PyTorch's) and why they differ. optax's ``sgd`` keeps ``lr``
    in the buffer, as Sutskever et al. do. Polyak's heavy ball with step
    ``a`` and momentum ``m`` is this rule with ``lr = a`` and
    ``momentum = m``.

    References
    ----------
    .. [1] B. T. Polyak, "Some methods of speeding up the convergence of
       iteration methods", USSR Comput. Math. Math. Phys. 4(5), 1964.
    .. [2] I. Sutskever, J. Martens, G. Dahl, G. Hinton, "On the importance of
       initialization and momentum in deep learning", ICML 2013, eqs. 1-4.

    Examples
    --------
    >>> import numpy as np
    >>> opt = SGD(lr=0.1)
    >>> x = np.array([1.0, -2.0])
    >>> x, state = opt.step(x, 2 * x, opt.init(x))  # gradient of ||x||^2
    >>> x
    array([ 0.8, -1.6])
    """

    lr: Hyper = 1e-3
    momentum: Hyper = 0.0
    dampening: Hyper = 0.0
    nesterov: bool = False
    weight_decay: Hyper = 0.0
    maximize: bool = False

    RANGES = {
        "lr": Range(0.0, INF, True),
        "momentum": Range(0.0, 1.0, True),
        "dampening": Range(0.0, 1.0, False),
        "weight_decay": Range(0.0, INF, True),
    }
    FLAGS = ("nesterov", "maximize")
    ELEMENTWISE = True

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.nesterov and (
            np.any(np.asarray(self.momentum) <= 0) or _hyper.nonzero(self.dampening)
        ):
            raise ValueError(
                "SGD: nesterov=True needs momentum > 0 and dampening = 0, got "
                f"momentum={self.momentum!r}, dampening={self.dampening!r}"
            )

    def init(self, x: ArrayLike) -> SGDState:
        """Zero state for parameters ``x`` ``(*batch, d)``: ``t = 0``, ``b = 0``."""
        return SGDState(t=0, b=np.zeros(np.shape(x)))

    def step(self, x: Array, g: Array, state: SGDState) -> tuple[Array, SGDState]:
        """One SGD step: return the new ``x`` ``(*batch, d)`` and the new state.

        As published: classical momentum and Nesterov's accelerated gradient
        in the form of Sutskever et al. (2013), eqs. 1-4 (``mu`` momentum,
        ``eps`` learning rate, ``v`` velocity, init ``v = 0``)::

            v = mu * v - eps * grad f(theta)             eq. 1 (classical)
            v = mu * v - eps * grad f(theta + mu * v)    eq. 3 (Nesterov)
            theta = theta + v                            eqs. 2 and 4

        As computed (init: b = 0, t = 0)::

            (1) t = t + 1
            (2) g = -g if maximize else g
            (3) g = g + weight_decay * x
            (4) b = g if t == 1 else momentum * b + (1 - dampening) * g
            (5) g = g + momentum * b if nesterov else where(momentum > 0, b, g)
            (6) x = x - lr * g

        Where and why they differ:

        * (2), (3): torch's options, not in the paper: ascent, and the
          gradient of the L2 penalty ``weight_decay / 2 * ||x||**2``.
        * (4), (6): the buffer is ``b = -v / lr``, and ``lr`` scales the step
          instead of the buffer (torch's convention): the same iterates while
          ``lr`` is constant, not when it changes. The first buffer is the
          gradient itself (as ``v`` after one step from 0), so torch's
          ``dampening`` acts from step 2 on.
        * (5): Nesterov takes the gradient at ``x = theta + mu * v``, the
          point where the paper evaluates it: the same iterates after this
          change of variables, with no second gradient evaluation (torch's
          form). ``where``: a configuration with ``momentum = 0`` steps by
          its gradient, as torch does without a buffer.

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
        c = self.columns_for(state)  # name -> float or (*batch, 1) column
        lr, momentum, dampening = c["lr"], c["momentum"], c["dampening"]
        weight_decay = c["weight_decay"]
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
