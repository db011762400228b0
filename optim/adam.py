"""Adam: momentum on the gradient, RMSProp's scaling, and bias correction."""

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


class AdamState(NamedTuple):
    """Adam's state, each buffer ``(*batch, d)``.

    ``m`` first moment, ``v`` second moment, ``vmax`` running maximum of ``v``
    (used when ``amsgrad``), ``t`` the step count.
    """

    t: int
    m: Array
    v: Array
    vmax: Array


@dataclasses.dataclass(frozen=True, eq=False)
class Adam(Optimizer):
    """Adam (Kingma and Ba 2015), with AMSGrad as an option: torch.optim.Adam exactly.

    Adam keeps moving averages of the gradient ``m`` and of its square ``v``,
    corrects both for their start at zero, and steps by ``m / sqrt(v)``: a
    step of about ``lr`` per coordinate whatever the gradient's scale.

    Parameters
    ----------
    lr : float, array or schedule (:mod:`optim.schedules`), default 1e-3
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
    corrections. :meth:`step` gives Algorithm 1 as published and the lines as
    computed, which are PyTorch's; :func:`adam_update` holds the lines that
    AdamW shares. optax's ``adam`` adds ``eps`` the same way, with an option
    ``eps_root`` inside the root.

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

    lr: Hyper = 1e-3
    b1: Hyper = 0.9
    b2: Hyper = 0.999
    eps: Hyper = 1e-8
    weight_decay: Hyper = 0.0
    amsgrad: bool = False
    maximize: bool = False

    RANGES = {
        "lr": Range(0.0, INF, True),
        "b1": Range(0.0, 1.0, True),
        "b2": Range(0.0, 1.0, True),
        "eps": Range(0.0, INF, True),
        "weight_decay": Range(0.0, INF, True),
    }
    FLAGS = ("amsgrad", "maximize")
    ELEMENTWISE = True

    def init(self, x: ArrayLike) -> AdamState:
        """Zero state for parameters ``x`` ``(*batch, d)``; ``vmax`` is ``v`` unless ``amsgrad``."""
        shape = np.shape(x)
        v = np.zeros(shape)
        vmax = np.zeros(shape) if self.amsgrad else v
        return AdamState(t=0, m=np.zeros(shape), v=v, vmax=vmax)

    def step(self, x: Array, g: Array, state: AdamState) -> tuple[Array, AdamState]:
        """One Adam step: return the new ``x`` ``(*batch, d)`` and the new state.

        As published: Algorithm 1 of Kingma and Ba (2015), with ``lr`` for
        alpha and ``g`` the gradient at ``x`` (init: m = 0, v = 0, t = 0)::

            t = t + 1
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g**2
            m_hat = m / (1 - b1**t)
            v_hat = v / (1 - b2**t)
            x = x - lr * m_hat / (sqrt(v_hat) + eps)

        As computed: lines (1)-(2) here, then lines (3)-(11) of
        :func:`adam_update` (AdamW's step shares them)::

            (1) g = -g if maximize else g
            (2) g = g + weight_decay * x

        Where and why they differ: (1) and (2) are torch's options, not in
        the paper: ascent, and the gradient of the L2 penalty
        ``weight_decay / 2 * ||x||**2`` (AdamW decays ``x`` instead). Line
        (2) runs only if some ``weight_decay`` is non-zero. The other
        differences are listed in :func:`adam_update`.

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
        weight_decay = c["weight_decay"]
        g = -g if self.maximize else g  # (1)
        if "weight_decay" in self._nonzero:
            g = g + weight_decay * x  # (2)
        return adam_update(
            x,
            g,
            state,
            lr=c["lr"],
            b1=c["b1"],
            b2=c["b2"],
            eps=c["eps"],
            amsgrad=self.amsgrad,
            guard="eps" in self._haszero,
        )


def adam_update(
    x: Array,
    g: Array,
    state: AdamState,
    *,
    lr: Hyper,
    b1: Hyper,
    b2: Hyper,
    eps: Hyper,
    amsgrad: bool,
    guard: bool,
) -> tuple[Array, AdamState]:
    """Adam's moments, bias corrections and step: the lines Adam and AdamW share.

    The hyperparameters are floats or ``(*batch, 1)`` columns; ``g`` is the
    gradient after the callers' lines (1)-(2), ``guard`` is true if some
    ``eps`` is zero. Lines as computed (Algorithm 1 as published is in
    :meth:`Adam.step`)::

        (3) t = t + 1
        (4) m = lerp(m, g, 1 - b1)
        (5) v = b2 * v + (1 - b2) * g * g
        (6) vmax = maximum(vmax, v) if amsgrad else v
        (7) bc1 = 1 - b1**t
        (8) bc2 = 1 - b2**t
        (9) denom = sqrt(vmax) / bc2**0.5 + eps
        (10) denom = where(m == 0, 1.0, denom)
        (11) x = x - lr / bc1 * m / denom

    Where and why they differ from Algorithm 1:

    * (4): ``m = b1 * m + (1 - b1) * g`` as torch's ``lerp`` computes it
      (:func:`optim._lerp.lerp`, from the nearer end): equal in exact
      arithmetic, not always in the last bit; kept to agree with torch.
    * (6): AMSGrad (Reddi et al. 2018, Algorithm 2) as torch has it: the
      maximum of the raw ``v``, bias-corrected in line (9) (the paper's has
      no bias correction); without ``amsgrad``, ``vmax`` is ``v``.
    * (7)-(9), (11): the bias corrections are folded into the step size
      ``lr / bc1`` and the denominator, so ``m_hat`` and ``v_hat`` are never
      formed: ``lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps)`` is
      ``lr * m_hat / (sqrt(v_hat) + eps)`` in exact arithmetic, with two
      scalar factors instead of two array divisions (torch's order).
      ``eps`` stays outside the root, as in Algorithm 1.
    * (10): a guard against ``0 / 0`` where ``eps = 0``; it runs only if
      ``guard``: where ``m = 0`` the step is 0 whatever ``denom`` is, so a
      denominator of 1 there turns ``0 / 0`` into ``0 / 1`` (see
      :class:`Adam`'s Notes).

    Parameters
    ----------
    x, g : ndarray
        Parameters and gradient, ``(*batch, d)``. Not modified.
    state : AdamState
        From :meth:`Adam.init` or the previous step.
    lr, b1, b2, eps : float or ndarray
        As in :class:`Adam`, arrays with a trailing axis ``(*batch, 1)``.
    amsgrad, guard : bool
        Divide by the running maximum of ``v``; run line (10).

    Returns
    -------
    x : ndarray
        ``(*batch, d)``.
    state : AdamState
    """
    t, m, v, vmax = state
    t = t + 1  # (3)
    m = lerp(m, g, 1 - b1)  # (4)
    v = b2 * v + (1 - b2) * g * g  # (5)
    vmax = np.maximum(vmax, v) if amsgrad else v  # (6)
    bc1 = 1 - b1**t  # (7)
    bc2 = 1 - b2**t  # (8)
    denom = np.sqrt(vmax) / bc2**0.5 + eps  # (9)
    if guard:
        denom = np.where(m == 0, 1.0, denom)  # (10)
    x = x - lr / bc1 * m / denom  # (11)
    return x, AdamState(t, m, v, vmax)
