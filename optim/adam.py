"""Adam: momentum on the gradient, RMSProp's scaling, and bias correction."""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import numpy as np

from optim._base import INF, Optimizer


class AdamState(NamedTuple):
    """Adam's state, each buffer ``(*batch, d)``.

    ``m`` first moment, ``v`` second moment, ``vmax`` running maximum of ``v``
    (used when ``amsgrad``), ``t`` the step count.
    """

    t: int
    m: np.ndarray
    v: np.ndarray
    vmax: np.ndarray


@dataclasses.dataclass(frozen=True, eq=False)
class Adam(Optimizer):
    """Adam (Kingma and Ba 2015), with AMSGrad as an option: torch.optim.Adam exactly.

    Adam keeps moving averages of the gradient ``m`` and of its square ``v``,
    corrects both for their start at zero, and steps by ``m / sqrt(v)``: a
    step of about ``lr`` per coordinate whatever the gradient's scale.

    Parameters
    ----------
    lr : float or array, default 1e-3
        Learning rate (alpha in the paper), ``>= 0``.
    b1, b2 : float or array, default 0.9, 0.999
        Decay rates of the first and second moments (beta_1, beta_2), in ``[0, 1)``.
    eps : float or array, default 1e-8
        Added to the root of the second moment (outside the root), ``>= 0``.
    weight_decay : float or array, default 0
        L2 penalty coefficient added to the gradient, ``>= 0`` (see AdamW
        for the decoupled form).
    amsgrad : bool, default False
        Divide by the running maximum of ``v`` (Reddi et al. 2018).
    maximize : bool, default False
        Ascend instead of descend.

    Notes
    -----
    Symbols: ``x`` parameters (theta), ``g`` gradient, ``m`` and ``v`` the
    paper's m_t and v_t, ``bc1 = 1 - b1**t`` and ``bc2 = 1 - b2**t`` the bias
    corrections. Lines (9) and (11) are Algorithm 1's last three lines:
    ``x - lr * m_hat / (sqrt(v_hat) + eps)`` with ``m_hat = m / bc1`` and
    ``v_hat = v / bc2``, written as PyTorch evaluates it. Like PyTorch,
    AMSGrad keeps the maximum of the raw ``v`` and bias-corrects it; the
    paper's AMSGrad has no bias correction. optax's ``adam`` adds ``eps``
    the same way, with an option ``eps_root`` inside the root.

    ``eps = 0`` is allowed, as in PyTorch (it makes the step invariant to
    scaling the gradient by a power of two, exactly). Where every gradient so
    far is zero (started at a minimizer), ``m = vmax = 0`` and the step is
    ``0 / 0``: PyTorch computes NaN, here line (10) makes it 0, its limit as
    ``eps -> 0+`` (for any ``eps > 0`` the step is exactly 0), so such a run
    stays where it is instead of being marked diverged by
    :func:`optim.minimize`, and no NaN is computed. Only that case differs
    from PyTorch: where ``m`` is non-zero line (10) changes nothing, and
    where ``m = 0`` with ``vmax > 0`` the step is 0 either way. Refusing
    ``eps = 0`` would lose the scale invariance; the guard costs nothing
    when every ``eps > 0``.

    Lines (7)-(8) use Python's ``**`` for scalar ``b1``, ``b2`` (as PyTorch
    does) and NumPy's vectorized power for arrays; the two may differ in the
    last bit, so a batched run matches single runs to about 1e-16 relative
    rather than bit for bit.

    References
    ----------
    .. [1] D. P. Kingma, J. Ba, "Adam: A method for stochastic optimization",
       ICLR 2015, Algorithm 1.
    .. [2] S. J. Reddi, S. Kale, S. Kumar, "On the convergence of Adam and
       beyond", ICLR 2018, Algorithm 2 (AMSGrad).

    Examples
    --------
    >>> import numpy as np
    >>> opt = Adam(lr=0.1)
    >>> x = np.array([1.0, -2.0])
    >>> x, state = opt.step(x, np.array([3.0, -0.5]), opt.init(x))
    >>> x  # the first step moves each coordinate by lr (up to eps)
    array([ 0.9, -1.9])
    """

    lr: float = 1e-3
    b1: float = 0.9
    b2: float = 0.999
    eps: float = 1e-8
    weight_decay: float = 0.0
    amsgrad: bool = False
    maximize: bool = False

    RANGES = {
        "lr": (0.0, INF, True),
        "b1": (0.0, 1.0, True),
        "b2": (0.0, 1.0, True),
        "eps": (0.0, INF, True),
        "weight_decay": (0.0, INF, True),
    }
    FLAGS = ("amsgrad", "maximize")
    # Adam adds weight decay to the gradient (L2); AdamW decays x instead.
    decoupled = False

    def init(self, x) -> AdamState:
        """Zero state for parameters ``x`` ``(*batch, d)``."""
        zeros = np.zeros(np.shape(x))
        return AdamState(t=0, m=zeros, v=zeros, vmax=zeros)

    def step(self, x, g, state):
        """One Adam step: return the new ``x`` ``(*batch, d)`` and the new state.

        Update rule (init: m = 0, v = 0, vmax = 0, t = 0)::

            (1) t = t + 1
            (2) g = -g if maximize else g
            (3) g = g + weight_decay * x
            (4) m = m + (1 - b1) * (g - m)
            (5) v = b2 * v + (1 - b2) * g * g
            (6) vmax = maximum(vmax, v) if amsgrad else v
            (7) bc1 = 1 - b1**t
            (8) bc2 = 1 - b2**t
            (9) denom = sqrt(vmax) / bc2**0.5 + eps
            (10) denom = where(m == 0, 1.0, denom)
            (11) x = x - lr / bc1 * m / denom

        Line (3) runs only if some ``weight_decay`` is non-zero (in AdamW it
        never runs: AdamW decays ``x`` itself before these lines). Line (10)
        runs only if some ``eps`` is zero: where ``m = 0`` the step is 0
        whatever ``denom`` is, so a denominator of 1 there turns ``0 / 0`` (a
        gradient that was zero at every step) into ``0 / 1`` (see Notes).

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
        # Hyperparameters as floats or (*batch, 1) columns, in RANGES order.
        lr, b1, b2, eps, weight_decay = self._columns
        maximize, amsgrad = self.maximize, self.amsgrad
        t, m, v, vmax = state
        t = t + 1  # (1)
        g = -g if maximize else g  # (2)
        if "weight_decay" in self._nonzero and not self.decoupled:
            g = g + weight_decay * x  # (3)
        m = m + (1 - b1) * (g - m)  # (4)
        v = b2 * v + (1 - b2) * g * g  # (5)
        vmax = np.maximum(vmax, v) if amsgrad else v  # (6)
        bc1 = 1 - b1**t  # (7)
        bc2 = 1 - b2**t  # (8)
        denom = np.sqrt(vmax) / bc2**0.5 + eps  # (9)
        if "eps" in self._haszero:
            denom = np.where(m == 0, 1.0, denom)  # (10)
        x = x - lr / bc1 * m / denom  # (11)
        return x, AdamState(t, m, v, vmax)
