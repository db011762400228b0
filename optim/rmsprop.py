"""RMSProp: divide the gradient by a running root mean square of its past values."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from optim._base import INF, Optimizer
from optim._hyper import Range
from optim._lerp import lerp

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from optim._hyper import Array, Hyper


class RMSPropState(NamedTuple):
    """RMSProp's state, each buffer ``(*batch, d)``.

    ``v`` the mean square of the gradient, ``ga`` the mean gradient (used when
    ``centered``), ``b`` the momentum buffer, ``t`` the step count.
    """

    t: int
    v: Array
    ga: Array
    b: Array


@dataclasses.dataclass(frozen=True, eq=False)
class RMSProp(Optimizer):
    """RMSProp (Hinton's lecture 6e): torch.optim.RMSprop exactly.

    Each coordinate's step is the gradient divided by the root of a moving
    average of its squares, so coordinates with large gradients take smaller
    steps: a per-coordinate learning rate.

    Parameters
    ----------
    lr : float, array or schedule (:mod:`optim.schedules`), default 1e-2
        Learning rate, ``>= 0``.
    alpha : float or array, default 0.99
        Decay of the moving averages, in ``[0, 1)``.
    eps : float or array, default 1e-8
        Added to the root mean square (outside the square root), ``>= 0``.
    weight_decay : float or array, default 0
        L2 penalty coefficient added to the gradient, ``>= 0``.
    momentum : float or array, default 0
        Momentum of the normalized step, in ``[0, 1)``.
    centered : bool, default False
        Divide by an estimate of the standard deviation (Graves 2013) instead
        of the root mean square.
    maximize : bool, default False
        Ascend instead of descend.

    Notes
    -----
    Symbols: ``x`` parameters, ``g`` gradient, ``v`` mean square of ``g``
    (E[g^2] in the lecture), ``ga`` mean of ``g``, ``avg`` the denominator,
    ``b`` momentum buffer. PyTorch adds ``eps`` outside the square root, as
    here; optax's ``rmsprop`` adds it inside (``sqrt(v + eps)``) and TensorFlow
    initializes ``v`` to ones.

    ``eps = 0`` is allowed, as in PyTorch (the step is then exactly invariant
    to scaling the gradient by a power of two). Where ``g = avg = 0`` (for
    instance a gradient zero at every step so far, as when started at a
    minimizer) ``g / avg`` is ``0 / 0``: PyTorch computes NaN, here line
    (7) of :meth:`step` makes it 0, its limit as ``eps -> 0+`` (for any
    ``eps > 0`` it is exactly 0), so the run stays put instead of being
    marked diverged by :func:`optim.minimize`, and no NaN is computed.
    Nothing else differs: where ``g != 0`` line (7) changes nothing. The
    centered form can still divide a non-zero ``g`` by ``avg = 0`` (a
    constant gradient with ``alpha = 0``): an infinite step, as in PyTorch.
    Refusing ``eps = 0`` would lose the scale invariance; the guard costs
    nothing when every ``eps > 0``.

    References
    ----------
    .. [1] T. Tieleman, G. Hinton, "Lecture 6.5 - rmsprop", COURSERA: Neural
       Networks for Machine Learning, 2012.
    .. [2] A. Graves, "Generating sequences with recurrent neural networks",
       arXiv:1308.0850, 2013, eqs. (38)-(41) (the centered form).

    Examples
    --------
    >>> import numpy as np
    >>> opt = RMSProp(lr=0.01, alpha=0.0, eps=0.0)
    >>> x = np.array([1.0, -2.0])
    >>> x, state = opt.step(x, np.array([3.0, -0.5]), opt.init(x))
    >>> x  # with alpha = 0 each coordinate moves by lr * sign(g)
    array([ 0.99, -1.99])
    """

    lr: Hyper = 1e-2
    alpha: Hyper = 0.99
    eps: Hyper = 1e-8
    weight_decay: Hyper = 0.0
    momentum: Hyper = 0.0
    centered: bool = False
    maximize: bool = False

    RANGES = {
        "lr": Range(0.0, INF, True),
        "alpha": Range(0.0, 1.0, True),
        "eps": Range(0.0, INF, True),
        "weight_decay": Range(0.0, INF, True),
        "momentum": Range(0.0, 1.0, True),
    }
    FLAGS = ("centered", "maximize")
    ELEMENTWISE = True

    def init(self, x: ArrayLike) -> RMSPropState:
        """Zero state for parameters ``x`` ``(*batch, d)``, each buffer its own array."""
        shape = np.shape(x)
        return RMSPropState(
            t=0, v=np.zeros(shape), ga=np.zeros(shape), b=np.zeros(shape)
        )

    def step(
        self, x: Array, g: Array, state: RMSPropState
    ) -> tuple[Array, RMSPropState]:
        """One RMSProp step: return the new ``x`` ``(*batch, d)`` and the new state.

        As published: the lecture's rule ([1], with ``alpha = 0.9``), and
        Graves's centered form with momentum ([2], eqs. 38-41, with
        ``delta`` his weight change; init ``v = ga = delta = 0``)::

            v = alpha * v + (1 - alpha) * g**2                         [1]
            x = x - lr * g / sqrt(v)                                   [1]

            v = alpha * v + (1 - alpha) * g**2                         eq. 38
            ga = alpha * ga + (1 - alpha) * g                          eq. 39
            delta = momentum * delta - lr * g / sqrt(v - ga**2 + eps)  eq. 40
            x = x + delta                                              eq. 41

        As computed (init: v = 0, ga = 0, b = 0, t = 0)::

            (1) t = t + 1
            (2) g = -g if maximize else g
            (3) g = g + weight_decay * x
            (4) v = alpha * v + (1 - alpha) * g * g
            (5) ga = lerp(ga, g, 1 - alpha)
            (6) avg = sqrt(v - ga * ga) + eps if centered else sqrt(v) + eps
            (7) avg = where(g == 0, 1.0, avg)
            (8) b = momentum * b + g / avg
            (9a) x = x - lr * b
            (9b) x = x - lr * (g / avg)

        Where and why they differ:

        * (2), (3): torch's options, not in the papers: ascent, and the
          gradient of the L2 penalty ``weight_decay / 2 * ||x||**2``.
        * (5): eq. 39 as torch's ``lerp`` computes it
          (:func:`optim._lerp.lerp`, from the nearer end): equal in exact
          arithmetic, not always in the last bit; kept to agree with torch
          (at ``alpha = 0`` it is ``g`` exactly, and the variance 0).
        * (6): ``eps`` outside the root, as torch (Graves adds it inside,
          the lecture has none); ``sqrt(v)`` unless ``centered``.
        * (7): a guard against ``0 / 0`` where ``eps = 0`` (see Notes).
        * (8), (9a): the buffer is ``b = -delta / lr``, and ``lr`` scales the
          step instead of the buffer (torch's convention): the same iterates
          while ``lr`` is constant, not when it changes.
        * (9b): the step without momentum; it divides before scaling by
          ``lr`` (torch's ``addcdiv`` scales first), so that it equals
          (8)-(9a) with ``momentum = 0`` bit for bit.

        Line (3) runs only if some ``weight_decay`` is non-zero, line (5)
        only if ``centered``, and line (7) only if some ``eps`` is zero:
        where ``g = 0``, ``g / avg`` is 0 whatever ``avg`` is, so a
        denominator of 1 there turns ``0 / 0`` (``g = avg = 0``) into
        ``0 / 1``. Lines (8)-(9a) run if some ``momentum`` is non-zero, line
        (9b) otherwise.

        Parameters
        ----------
        x, g : ndarray
            Parameters and gradient, ``(*batch, d)``. Not modified.
        state : RMSPropState
            From :meth:`init` or the previous step.

        Returns
        -------
        x : ndarray
            ``(*batch, d)``.
        state : RMSPropState
        """
        c = self.columns_for(state)  # name -> float or (*batch, 1) column
        lr, alpha, eps, momentum = c["lr"], c["alpha"], c["eps"], c["momentum"]
        weight_decay = c["weight_decay"]
        maximize, centered = self.maximize, self.centered
        t, v, ga, b = state
        t = t + 1  # (1)
        g = -g if maximize else g  # (2)
        if "weight_decay" in self._nonzero:
            g = g + weight_decay * x  # (3)
        v = alpha * v + (1 - alpha) * g * g  # (4)
        if centered:
            ga = lerp(ga, g, 1 - alpha)  # (5)
        avg = np.sqrt(v - ga * ga) + eps if centered else np.sqrt(v) + eps  # (6)
        if "eps" in self._haszero:
            avg = np.where(g == 0, 1.0, avg)  # (7)
        if "momentum" in self._nonzero:
            b = momentum * b + g / avg  # (8)
            x = x - lr * b  # (9a)
        else:
            x = x - lr * (g / avg)  # (9b)
        return x, RMSPropState(t, v, ga, b)
