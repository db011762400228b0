"""Properties every optimizer has, or every optimizer with a given hyperparameter.

Purity, batches equal to stacked single runs, ``lr = 0`` standing still,
``maximize`` as minimizing ``-f``, the two forms of weight decay, and, at
``eps = 0``, the scale invariance of adaptive methods and no step where the
gradient is zero.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from hypothesis import strategies as st

from optim.testing._property import close, fields, prop, same
from optim.testing._steps import follow, path
from optim.testing.strategies import floats, hyperparameters, make, optimizers, problem

if TYPE_CHECKING:
    from hypothesis.strategies import DataObject

    from optim._base import Optimizer
    from optim._hyper import Array


def _arrays(state: Any) -> list[Array]:
    return [a for a in state if isinstance(a, np.ndarray)]


@prop()
def step_is_pure(cls: type[Optimizer], data: DataObject) -> None:
    """``step`` changes none of its inputs and gives the same result when called again.

    Catches: an update written in place into ``x``, the gradient or the state
    (as torch's in-place code, ported to NumPy arrays, does), and hidden
    state (a counter on the optimizer, a global random generator).
    """
    opt = data.draw(optimizers(cls), label="optimizer")
    x0, gradients = problem(data)
    x, state = x0, opt.init(x0)
    for g in gradients:
        given = [x.copy(), g.copy(), *(a.copy() for a in _arrays(state))]
        x1, state1 = opt.step(x, g, state)
        again = opt.step(x, g, state)
        for before, after in zip(given, [x, g, *_arrays(state)], strict=True):
            same(after, before, "an input after step", optimizer=opt, x=x, g=g)
        same(again[0], x1, "x from a second call of step", optimizer=opt, x=x, g=g)
        for a, b in zip(_arrays(again[1]), _arrays(state1), strict=True):
            same(a, b, "the state from a second call of step", optimizer=opt, x=x)
        x, state = x1, state1


@prop()
def batch_equals_stacked_single_runs(cls: type[Optimizer], data: DataObject) -> None:
    """A batch with array hyperparameters equals single runs of its rows, stacked.

    Catches: a hyperparameter array broadcast along the coordinates instead
    of the batch, a reduction over the whole array (a norm, a mean) that
    mixes configurations, and state shared between rows.
    """
    n = data.draw(st.integers(1, 3), label="batch size")
    kw = data.draw(hyperparameters(cls, (n,)), label="hyperparameters")
    x0, gradients = problem(data, (n,))
    batched = path(make(cls, kw), x0, gradients)
    for i in range(n):
        row = {k: v[i] if isinstance(v, np.ndarray) else v for k, v in kw.items()}
        single = path(make(cls, row), x0[i], gradients[:, i])
        what = f"row {i} of a batched run"
        close(batched[:, i], single, what, hyperparameters=kw, gradients=gradients)


@prop("lr")
def lr_zero_never_moves(cls: type[Optimizer], data: DataObject) -> None:
    """With ``lr = 0``, ``x`` stays where it is, whatever the other hyperparameters.

    Catches: a weight decay or a momentum term not scaled by ``lr`` (AdamW's
    decay taken as ``x * (1 - weight_decay)``), and ``eps`` or a bias
    correction that moves ``x`` on its own. An ``eps`` is drawn positive:
    at ``eps = 0`` a step can be ``0 * inf`` (centered RMSProp with
    ``alpha = 0`` divides by a variance of 0), undefined in any form.
    """
    eps = (
        {"eps": data.draw(floats(1e-3, 1.0), label="eps")}
        if "eps" in fields(cls)
        else {}
    )
    opt = data.draw(optimizers(cls, lr=0.0, **eps), label="optimizer")
    x0, gradients = problem(data)
    xs = path(opt, x0, gradients)
    same(xs, np.broadcast_to(x0, xs.shape), "the iterates at lr = 0", optimizer=opt)


@prop("maximize")
def maximize_is_minimizing_the_negative(cls: type[Optimizer], data: DataObject) -> None:
    """``maximize=True`` on gradients ``g`` takes exactly the steps of minimizing with ``-g``.

    With weight decay too, as torch has it: the gradient is negated first,
    then the decay is applied (the decay still pulls ``x`` towards 0).
    Catches: ``maximize`` ignored, the step's sign flipped at the end
    instead of the gradient's (the decay then pushes ``x`` away), and the
    negation applied after weight decay.
    """
    kw = data.draw(hyperparameters(cls), label="hyperparameters")
    x0, gradients = problem(data)
    up = path(make(cls, kw | {"maximize": True}), x0, gradients)
    down = path(make(cls, kw | {"maximize": False}), x0, -gradients)
    same(up, down, "maximize on g against minimize on -g", hyperparameters=kw)


def _coupled(cls: type[Optimizer]) -> bool:
    return not cls.DECOUPLED_WEIGHT_DECAY


@prop("weight_decay", when=_coupled)
def weight_decay_adds_the_ridge_gradient(
    cls: type[Optimizer], data: DataObject
) -> None:
    """Weight decay ``w`` equals adding the gradient ``w x`` of the penalty ``w/2 ||x||^2``.

    For an optimizer that declares the coupled form
    (``DECOUPLED_WEIGHT_DECAY = False``: SGD, RMSProp, Adam). Catches: the
    sign or the operator of the decay term, the decay applied after the
    moments or to the step instead of the gradient (the decoupled form in an
    optimizer that promises the L2 penalty), and ``x`` of the wrong step.
    """
    kw = data.draw(hyperparameters(cls, weight_decay=0.0), label="hyperparameters")
    w = data.draw(st.floats(0.0, 1.0), label="weight_decay")
    sign = -1.0 if kw.get("maximize") else 1.0  # maximize negates the gradient
    x0, gradients = problem(data)
    k = len(gradients)
    decayed = path(make(cls, kw | {"weight_decay": w}), x0, gradients)
    ridge = follow(
        make(cls, kw), x0, lambda t, x: sign * (sign * gradients[t - 1] + w * x), k
    )
    close(decayed, ridge, "decay against the ridge gradient", hyperparameters=kw, w=w)


def _decoupled(cls: type[Optimizer]) -> bool:
    return cls.DECOUPLED_WEIGHT_DECAY


@prop("weight_decay", "lr", when=_decoupled)
def weight_decay_shrinks_x_before_the_step(
    cls: type[Optimizer], data: DataObject
) -> None:
    """Decoupled decay: the undecayed step taken from ``x * (1 - lr * weight_decay)``.

    For an optimizer that declares the decoupled form
    (``DECOUPLED_WEIGHT_DECAY = True``: AdamW, Loshchilov and Hutter 2019).
    Catches: the decay added to the gradient (Adam's L2 penalty, which
    AdamW exists to avoid), the decay not scaled by ``lr``, and the decay
    applied after the step, to the new ``x``.
    """
    kw = data.draw(hyperparameters(cls, weight_decay=0.0), label="hyperparameters")
    w = data.draw(st.floats(0.0, 1.0), label="weight_decay")
    x0, gradients = problem(data)
    decayed = path(make(cls, kw | {"weight_decay": w}), x0, gradients)
    plain = make(cls, kw)
    x, state, xs = x0, plain.init(x0), [x0]
    for g in gradients:
        x, state = plain.step(x * (1 - kw["lr"] * w), g, state)
        xs.append(x)
    close(
        decayed, np.stack(xs), "decay against shrink-then-step", hyperparameters=kw, w=w
    )


def _eps_zero(cls: type[Optimizer]) -> dict[str, float]:
    """``eps = 0``, and no weight decay (its ``w x`` term neither scales nor vanishes)."""
    return {"eps": 0.0} | (
        {"weight_decay": 0.0} if "weight_decay" in fields(cls) else {}
    )


@prop("eps")
def eps_zero_ignores_a_power_of_two_gradient_scale(
    cls: type[Optimizer], data: DataObject
) -> None:
    """With ``eps = 0`` (and no weight decay), gradients ``2**s g`` take the same steps as ``g``.

    An adaptive method divides the gradient by a root mean square of past
    gradients, so the scale cancels; with a power of two it cancels
    exactly, bit for bit. Catches: a denominator that is not homogeneous of
    degree one in ``g`` (the square root missing, ``v`` averaging ``|g|``
    or ``g`` instead of ``g**2``, ``sqrt`` inside a square), and ``eps`` used
    where it is meant to be zero.
    """
    opt = data.draw(optimizers(cls, **_eps_zero(cls)), label="optimizer")
    s = data.draw(st.integers(-20, 20), label="s")
    x0, gradients = problem(data)
    scaled = path(opt, x0, gradients * 2.0**s)
    same(
        scaled,
        path(opt, x0, gradients),
        f"the iterates with gradients * 2**{s}",
        optimizer=opt,
    )


@prop("eps")
def eps_zero_takes_no_step_where_the_gradient_is_zero(
    cls: type[Optimizer], data: DataObject
) -> None:
    """With ``eps = 0``, a coordinate whose gradient has always been 0 does not move.

    Its step is ``0 / 0`` as written; the limit as ``eps -> 0+`` is 0 (for
    any ``eps > 0`` the step is exactly 0), which is what this project
    computes (torch computes NaN, and the run would be marked diverged).
    Catches: a guard against ``0 / 0`` that is missing, inverted, or put
    where the gradient is not zero.
    """
    opt = data.draw(optimizers(cls, **_eps_zero(cls)), label="optimizer")
    x0, gradients = problem(data)
    still = np.array(
        data.draw(
            st.lists(st.booleans(), min_size=x0.shape[-1], max_size=x0.shape[-1]),
            label="never a gradient",
        )
    )
    gradients = np.where(still, 0.0, gradients)
    xs = path(opt, x0, gradients)
    same(
        xs[:, ..., still],
        np.broadcast_to(x0[..., still], xs[:, ..., still].shape),
        "coordinates with zero gradients",
        optimizer=opt,
        gradients=gradients,
    )
