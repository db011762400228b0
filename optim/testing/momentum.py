"""Properties of gradient descent with momentum: any optimizer with ``lr``, ``momentum``, ``dampening``.

Torch's SGD semantics, stated as closed forms and theorems: plain gradient
descent at ``momentum = 0``, the three-term recurrence of heavy ball (with
dampening from the second step on), Nesterov's look-ahead, the rates of
gradient descent and heavy ball on quadratics, and convergence to the ridge
solution under weight decay.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from hypothesis import strategies as st

from optim.testing._property import close, prop
from optim.testing._steps import follow, path
from optim.testing.strategies import (
    arrays,
    floats,
    hyperparameters,
    make,
    plain,
    problem,
    quadratics,
)

if TYPE_CHECKING:
    from hypothesis.strategies import DataObject

    from optim._base import Optimizer

SGD_FIELDS = ("lr", "momentum", "dampening")


@prop(*SGD_FIELDS)
def momentum_zero_is_gradient_descent(cls: type[Optimizer], data: DataObject) -> None:
    """With ``momentum = 0``, each step is ``x - lr * g``, whatever the dampening.

    Catches: a buffer used without momentum (dampening then scales the
    step), the learning rate applied twice or not at all, and the sign of
    the step.
    """
    kw = data.draw(
        hyperparameters(cls, **plain(cls, momentum=0.0)), label="hyperparameters"
    )
    x0, gradients = problem(data)
    xs = path(make(cls, kw), x0, gradients)
    expected = x0 - kw["lr"] * np.concatenate([[0 * x0], np.cumsum(gradients, axis=0)])
    close(
        xs,
        expected,
        "the iterates of gradient descent",
        hyperparameters=kw,
        gradients=gradients,
    )


@prop(*SGD_FIELDS)
def momentum_is_a_three_term_recurrence(cls: type[Optimizer], data: DataObject) -> None:
    """Steps ``s_t = x_t - x_(t-1)`` obey ``s_1 = -lr g_1``, ``s_t = momentum s_(t-1) - lr (1 - dampening) g_t``.

    Heavy ball (Polyak 1964) as torch computes it: the first buffer is the
    gradient itself, so dampening acts from the second step on. Catches:
    dampening on the first step, the buffer's terms swapped or of the wrong
    sign, ``momentum`` and ``1 - dampening`` exchanged, and a buffer that
    restarts or is not kept between steps.
    """
    kw = data.draw(hyperparameters(cls, **plain(cls)), label="hyperparameters")
    x0, gradients = problem(data, steps=(2, 6))
    xs = path(make(cls, kw), x0, gradients)
    mu, lr, keep = kw["momentum"], kw["lr"], 1 - kw["dampening"]
    s = -lr * gradients[0]
    expected = [x0, x0 + s]
    for g in gradients[1:]:
        s = mu * s - lr * (keep if mu > 0 else 1.0) * g
        expected.append(expected[-1] + s)
    close(
        xs,
        np.stack(expected),
        "the heavy-ball iterates",
        hyperparameters=kw,
        gradients=gradients,
    )


@prop(*SGD_FIELDS, "nesterov")
def nesterov_looks_ahead(cls: type[Optimizer], data: DataObject) -> None:
    """Nesterov's step is ``-lr g_t + momentum * s_t``, with ``s_t`` classical momentum's step.

    Torch's form of Sutskever et al. (2013): the classical buffer ``b_t``
    is kept, and the step is ``-lr (g_t + momentum b_t)``; classical
    momentum's step is ``-lr b_t``. Catches: the switch ignored or inverted,
    the look-ahead taken with the old buffer, and its sign.
    """
    fixed = plain(cls, dampening=0.0)
    kw = data.draw(hyperparameters(cls, **fixed), label="hyperparameters")
    kw["momentum"] = data.draw(floats(0.05, 0.95), label="momentum")
    x0, gradients = problem(data)
    classical = np.diff(path(make(cls, kw), x0, gradients), axis=0)
    ahead = path(make(cls, kw | {"nesterov": True}), x0, gradients)
    expected = ahead[:-1] + (-kw["lr"] * gradients + kw["momentum"] * classical)
    what = "x after Nesterov's step from the x before"
    close(ahead[1:], expected, what, hyperparameters=kw, gradients=gradients)


@prop(*SGD_FIELDS)
def gradient_descent_at_one_over_L_contracts(
    cls: type[Optimizer], data: DataObject
) -> None:
    """On a quadratic with curvatures in ``[mu, L]``, ``lr = 1/L`` shrinks ``||x - x*||`` by ``1 - mu/L`` per step.

    The classical rate of gradient descent on a strongly convex smooth
    function (Nesterov 2004, Theorem 2.1.15 for quadratics). Catches: a
    learning rate applied at the wrong scale (too small is slower than the
    rate, too large overshoots), and a gradient of the wrong sign.
    """
    q = data.draw(quadratics(log_condition=(0.0, 2.5)), label="quadratic")
    opt = make(cls, plain(cls, lr=1 / q.L, momentum=0.0))
    x0 = data.draw(arrays(q.c.shape), label="x0")
    xs = follow(opt, x0, lambda t, x: q.grad(x), 100)
    err = np.linalg.norm(xs - q.c, axis=-1)
    bound = (1 - q.mu / q.L) * err[:-1] + 1e-13 * err[0]  # plus rounding
    if not np.all(err[1:] <= bound):
        t = int(np.argmax(err[1:] > bound))
        raise AssertionError(
            f"||x - x*|| went from {err[t]} to {err[t + 1]}, bound {bound[t]}; mu={q.mu}, L={q.L}"
        )


@prop(*SGD_FIELDS)
def heavy_ball_reaches_the_optimal_rate(cls: type[Optimizer], data: DataObject) -> None:
    """With Polyak's settings, heavy ball converges at ``(sqrt(k) - 1) / (sqrt(k) + 1)``, ``k = L/mu``.

    ``lr = 4 / (sqrt(L) + sqrt(mu))**2`` and ``momentum = rate**2`` (Polyak
    1964). Catches: momentum applied with the wrong weight or the buffer
    updated out of order, which lose the acceleration or diverge.
    """
    q = data.draw(quadratics(log_condition=(1.5, 3.0)), label="quadratic")
    kappa = q.L / q.mu
    rate = (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)
    lr = 4 / (math.sqrt(q.L) + math.sqrt(q.mu)) ** 2
    opt = make(cls, plain(cls, lr=lr, momentum=rate**2, dampening=0.0))
    steps = math.ceil(math.log(1e-13) / math.log(rate))  # down to ~1e-13
    xs = follow(opt, q.c + 1.0, lambda t, x: q.grad(x), steps)
    err = np.linalg.norm(xs - q.c, axis=-1)
    # Maxima over windows remove the modes' turning; at the extreme
    # eigenvalues a Jordan block adds a factor (c1 + c2 t), at most
    # 2**(4 / steps) < 1.06 per step here (steps >= 76 for kappa >= 10**1.5).
    a, b = steps // 4, steps // 2
    measured = (err[b:].max() / err[a:b].max()) ** (1 / (b - a))
    if not 0.94 * rate <= measured <= 1.06 * rate:
        raise AssertionError(
            f"rate {measured}, expected {rate} (L/mu = {kappa}, {steps} steps)"
        )


@prop(*SGD_FIELDS, "weight_decay")
def weight_decay_reaches_the_ridge_solution(
    cls: type[Optimizer], data: DataObject
) -> None:
    """With weight decay ``w``, gradient descent on a quadratic converges to ``(H + w I)^-1 H x*``.

    The minimizer of ``f(x) + w/2 ||x||^2``, the ridge solution, in closed
    form. Catches: a decay of the wrong size or sign, and one that does not
    act on every coordinate.
    """
    q = data.draw(quadratics(log_condition=(0.0, 1.0)), label="quadratic")
    w = data.draw(floats(0.01, 1.0), label="weight_decay")
    L, mu = q.L + w, q.mu + w  # the curvatures with the penalty
    opt = make(cls, plain(cls, lr=1 / L, momentum=0.0, weight_decay=w))
    rho = 1 - mu / L  # the contraction per step; 0 when H + w I is a multiple of I
    steps = 1 if rho < 1e-12 else math.ceil(math.log(1e-12) / math.log(rho))
    xs = follow(opt, np.zeros_like(q.c), lambda t, x: q.grad(x), steps)
    ridge = np.linalg.solve(q.H + w * np.eye(len(q.c)), q.H @ q.c)
    close(xs[-1], ridge, "the limit under weight decay", rtol=1e-8, w=w, H=q.H, c=q.c)


@prop(*SGD_FIELDS, "nesterov")
def nesterov_needs_momentum_and_no_dampening(
    cls: type[Optimizer], data: DataObject
) -> None:
    """``nesterov=True`` is refused with ``momentum = 0`` or ``dampening > 0``, as torch refuses it.

    The look-ahead needs a buffer, and torch's form of it assumes an
    undamped one. Catches: a missing or loosened check (Nesterov at
    ``momentum = 0`` is then plain gradient descent under another name).
    """
    kw = data.draw(hyperparameters(cls, nesterov=True), label="hyperparameters")
    bad = {"momentum": 0.0} if data.draw(st.booleans(), label="momentum 0") else {}
    bad = bad or {"dampening": data.draw(floats(1e-3, 1.0), label="dampening")}
    try:
        cls(**(kw | bad))
    except ValueError:
        pass
    else:
        raise AssertionError(f"nesterov accepted with {bad}: {kw | bad}")
    good = {
        "momentum": data.draw(floats(0.05, 0.95), label="momentum"),
        "dampening": 0.0,
    }
    cls(**(kw | good))  # and built with momentum > 0, no dampening
