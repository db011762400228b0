"""Hypothesis strategies for optimizer tests: hyperparameters, gradients, quadratics.

Shapes first, then bounded arrays. Hyperparameters are drawn from
each class's declared ranges (:meth:`optim.Optimizer.numeric_fields`) and
switches, so the strategies work for any optimizer with this project's
interface, a user's included.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

if TYPE_CHECKING:
    from hypothesis.strategies import DataObject, DrawFn, SearchStrategy

    from optim._base import Optimizer
    from optim._hyper import Array, Range

# Upper end drawn for a range open to infinity (lr, eps, weight_decay): large
# enough that eps and weight decay are not negligible next to unit gradients.
SPAN = 1.0
# Margin below an excluded upper end (b1, b2, alpha, momentum < 1): at
# 1 - 1e-3 the bias corrections and averages are still well conditioned.
MARGIN = 1e-3
# Gradients and points are drawn in [-LIMIT, LIMIT].
LIMIT = 10.0


def floats(low: float, high: float) -> SearchStrategy[float]:
    """Finite floats in ``[low, high]``; none in ``(0, 1e-100)``, where products underflow.

    A hyperparameter of 1e-308 (Hypothesis likes the smallest normal float)
    makes subnormal products, whose rounding spoils relations that hold
    exactly otherwise; such values are drawn as 0 instead (if 0 is allowed).
    """
    tiny = 1e-100 if low <= 0.0 <= high else 0.0
    values = st.floats(low, high, allow_nan=False, allow_subnormal=False)
    return values.map(lambda v: 0.0 if abs(v) < tiny else v)


def interval(allowed: Range) -> tuple[float, float]:
    """Where a field is drawn: its declared range, with the ends made finite."""
    low, high, high_open = float(allowed.low), float(allowed.high), allowed.high_open
    if math.isinf(high):
        return low, low + SPAN
    return low, high - MARGIN * (high - low) if high_open else high


def arrays(shape: tuple[int, ...], limit: float = LIMIT) -> SearchStrategy[Array]:
    """Float64 arrays of ``shape`` with entries in ``[-limit, limit]``."""
    return hnp.arrays(np.float64, shape, elements=floats(-limit, limit))


def values(allowed: Range) -> SearchStrategy[float]:
    """A value of a field: one of its ends one time in five, else anywhere in it.

    The ends are where the lines that skip work live (``momentum = 0``
    takes no buffer, ``eps = 0`` runs the guard against ``0 / 0``,
    ``dampening = 1``); Hypothesis alone seldom draws them exactly.
    """
    low, high = interval(allowed)
    ends = [low] if allowed.high_open else [low, high]
    # A decay rate in [0, 1) below 1e-3 is drawn as 0: 1 - b rounds away
    # 1e-16 of it, a relative error of 1e-16 / b in b, which the steps can
    # magnify past any tolerance (a moment divided by eps alone).
    floor = 1e-3 if allowed.high_open and high < 1 <= allowed.high else 0.0
    pick = st.tuples(st.integers(0, 4), st.sampled_from(ends), floats(low, high))
    return pick.map(lambda p: p[1] if p[0] == 0 or abs(p[2]) < floor else p[2])


@st.composite
def hyperparameters(
    draw: DrawFn,
    cls: type[Optimizer],
    batch: tuple[int, ...] = (),
    /,
    **fixed: Any,
) -> dict[str, Any]:
    """Keyword arguments of ``cls``: every field drawn, except those in ``fixed``.

    A numeric field is a float from :func:`values` or, if ``batch`` is not
    ``()``, possibly an array of shape ``batch`` of them; a switch is a
    bool. ``lr`` is drawn without the weight on its ends: at ``lr = 0``
    every step is trivially right (it has a property of its own).
    """
    kwargs: dict[str, Any] = {}
    for name, allowed in cls.numeric_fields().items():
        one = floats(*interval(allowed)) if name == "lr" else values(allowed)
        as_array = batch != () and draw(st.booleans())
        many = hnp.arrays(np.float64, batch, elements=one)
        kwargs[name] = draw(many if as_array else one)
    for name in cls.switches():
        kwargs[name] = draw(st.booleans())
    return kwargs | fixed


def make(cls: type[Optimizer], kwargs: dict[str, Any]) -> Optimizer:
    """``cls(**kwargs)``; a combination ``cls`` refuses is rejected, not a failure.

    Rules that tie fields together (SGD's nesterov needs momentum > 0 and no
    dampening) are the class's own: the draw is discarded.
    """
    try:
        return cls(**kwargs)
    except ValueError:
        assume(False)
        raise  # not reached: assume(False) raises


def plain(cls: type[Optimizer], **fixed: Any) -> dict[str, Any]:
    """``fixed``, and the fields that add terms of their own switched off.

    No weight decay, no ascent, no Nesterov look-ahead: for properties that
    state the plain update rule (each of those has a property of its own).
    """
    off = {"weight_decay": 0.0, "maximize": False, "nesterov": False}
    known = {*cls.numeric_fields(), *cls.switches()}
    return {k: v for k, v in off.items() if k in known} | fixed


def optimizers(
    cls: type[Optimizer], batch: tuple[int, ...] = (), /, **fixed: Any
) -> SearchStrategy[Optimizer]:
    """Instances of ``cls`` with drawn hyperparameters (see :func:`hyperparameters`)."""
    return hyperparameters(cls, batch, **fixed).map(lambda kw: make(cls, kw))


def problem(
    data: DataObject, batch: tuple[int, ...] = (), steps: tuple[int, int] = (1, 6)
) -> tuple[Array, Array]:
    """A start ``x0`` ``(*batch, d)`` and gradients ``(k, *batch, d)`` for ``k`` steps."""
    d = data.draw(st.integers(1, 4), label="d")
    k = data.draw(st.integers(*steps), label="steps")
    x0 = data.draw(arrays((*batch, d)), label="x0")
    gradients = data.draw(gradient_sequences((*batch, d), k), label="gradients")
    return x0, gradients


def gradient_sequences(shape: tuple[int, ...], steps: int) -> SearchStrategy[Array]:
    """Gradients for ``steps`` steps, ``(steps, *shape)``, at a drawn power-of-ten scale.

    Scales from 1e-3 to 1e3 (an adaptive method must not care; a plain one
    must scale with them), zeros included. Entries below 1e-6 of the scale
    are set to zero, so that squares and powers of two of them never
    underflow, which would spoil relations that hold exactly otherwise.
    """
    scales = st.integers(-3, 3).map(lambda k: 10.0**k)
    unit = arrays((steps, *shape), 1.0).map(lambda a: np.where(abs(a) < 1e-6, 0.0, a))
    return st.tuples(unit, scales).map(lambda p: p[0] * p[1])


class Quadratic(NamedTuple):
    """``f(x) = 1/2 (x - c)^T H (x - c)``: Hessian ``H`` ``(d, d)``, minimizer ``c`` ``(d,)``.

    ``mu`` and ``L`` are the least and largest eigenvalues of ``H``.
    """

    H: Array
    c: Array
    mu: float
    L: float

    def grad(self, x: Array) -> Array:
        """``H (x - c)`` for ``x`` ``(*batch, d)``."""
        return (x - self.c) @ self.H  # H is symmetric


@st.composite
def quadratics(
    draw: DrawFn,
    d: tuple[int, int] = (2, 5),
    log_condition: tuple[float, float] = (0, 3),
) -> Quadratic:
    """A random quadratic: eigenvalues from 1 to ``10**log_condition``, a random rotation.

    ``log_condition = (0, 1)`` draws well-conditioned ones, ``(2, 3)``
    ill-conditioned ones.
    """
    n = draw(st.integers(*d), label="d")
    kappa = 10.0 ** draw(floats(*log_condition), label="log10 condition")
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1), label="seed"))
    q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    eig = np.geomspace(1.0, kappa, n)  # both ends present: mu = 1, L = kappa
    H = (q * eig) @ q.T
    H = (H + H.T) / 2
    return Quadratic(H=H, c=rng.normal(size=n), mu=1.0, L=kappa)
