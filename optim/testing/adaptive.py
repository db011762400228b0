"""Properties of the adaptive methods: RMSProp (``alpha``, ``eps``) and Adam (``b1``, ``b2``, ``eps``).

Each update rule is stated in closed form, as the papers write the moving
averages (weighted sums of past gradients, not recursions), and checked
against the iterates on drawn gradient sequences; plus Adam's first step and
AMSGrad's monotone denominator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from optim.testing._property import close, prop
from optim.testing._steps import path
from optim.testing.strategies import floats, hyperparameters, make, plain, problem

if TYPE_CHECKING:
    from hypothesis.strategies import DataObject

    from optim._base import Optimizer
    from optim._hyper import Array


def average(gradients: Array, beta: float) -> Array:
    """``(1 - beta) * sum_(j <= t) beta**(t - j) g_j`` for each ``t``: ``(k, *shape)``.

    The exponential moving average started at 0, as a weighted sum.
    """
    k = len(gradients)
    t, j = np.arange(1, k + 1)[:, None], np.arange(1, k + 1)[None, :]
    weights = np.where(j <= t, (1 - beta) * beta ** np.maximum(t - j, 0), 0.0)
    averages: Array = np.tensordot(weights, gradients, axes=1)
    return averages


def _iterates(x0: Array, steps: Array) -> Array:
    """``x_0, x_0 + s_1, ...``: ``(k + 1, *shape)``; NaN once a step is undefined."""
    sums = np.concatenate([np.zeros((1, *x0.shape)), np.cumsum(steps, axis=0)])
    xs: Array = x0 + sums
    return xs


@prop("lr", "alpha", "eps")
def rmsprop_divides_by_a_root_mean_square(
    cls: type[Optimizer], data: DataObject
) -> None:
    """RMSProp's step is ``-lr g_t / (sqrt(v_t) + eps)``, ``v_t`` the moving average of ``g**2``.

    ``v_t = (1 - alpha) sum_j alpha**(t - j) g_j**2`` (Tieleman and Hinton
    2012, started at 0 as torch does); centered, ``v_t - ga_t**2`` with
    ``ga_t`` the average of ``g`` (Graves 2013, eqs. 38-40); with momentum,
    steps ``s_t = momentum s_(t-1) - lr g_t / avg_t`` (torch's buffer).
    Catches: ``alpha`` and ``1 - alpha`` exchanged, ``g`` for ``g**2``, the
    centered variance with a wrong sign or without the square, ``eps``
    inside the root, and a momentum buffer of the wrong form.
    """
    kw = data.draw(hyperparameters(cls, **plain(cls)), label="hyperparameters")
    x0, gradients = problem(data)
    alpha, eps, lr = kw["alpha"], kw["eps"], kw["lr"]
    v = average(gradients * gradients, alpha)
    centered = bool(kw.get("centered"))
    var = v - average(gradients, alpha) ** 2 if centered else v
    # centered: cancellation in v - ga**2 where the variance is tiny against v
    defined = var >= 1e-6 * v if centered else np.ones(var.shape, bool)
    u = np.where(
        defined, gradients / (np.sqrt(np.where(defined, var, 0)) + eps), np.nan
    )
    steps, s = [], 0 * x0
    for u_t in u:  # s_t = momentum s_(t-1) - lr u_t
        s = kw.get("momentum", 0.0) * s - lr * u_t
        steps.append(s)
    xs = path(make(cls, kw), x0, gradients)
    rtol = 1e-9 if centered else 1e-12
    close(
        xs,
        _iterates(x0, np.stack(steps)),
        "RMSProp's iterates",
        rtol=rtol,
        hyperparameters=kw,
        gradients=gradients,
    )


@prop("lr", "b1", "b2", "eps")
def adam_follows_bias_corrected_moments(cls: type[Optimizer], data: DataObject) -> None:
    """Adam's step is ``-lr m_hat / (sqrt(v_hat) + eps)`` with bias-corrected moving averages.

    Algorithm 1 of Kingma and Ba (2015), averages as weighted sums:
    ``m_hat = (1 - b1) sum_j b1**(t - j) g_j / (1 - b1**t)``, ``v_hat`` the
    same of ``g**2`` with ``b2``; with ``amsgrad``, the running maximum of
    the uncorrected ``v`` is bias-corrected instead (torch's form). Catches:
    a missing or misplaced bias correction, ``eps`` scaled by it (the
    paper's "efficient" form with ``eps_hat``), ``b1`` and ``b2`` exchanged,
    the moments' terms swapped, and AMSGrad's maximum taken of the wrong
    quantity.
    """
    kw = data.draw(hyperparameters(cls, **plain(cls)), label="hyperparameters")
    x0, gradients = problem(data)
    b1, b2, eps, lr = kw["b1"], kw["b2"], kw["eps"], kw["lr"]
    t = np.arange(1, len(gradients) + 1).reshape(-1, *[1] * x0.ndim)
    m_hat = average(gradients, b1) / (1 - b1**t)
    v = average(gradients * gradients, b2)
    if kw.get("amsgrad"):
        v = np.maximum.accumulate(v, axis=0)
    steps = -lr * m_hat / (np.sqrt(v / (1 - b2**t)) + eps)
    xs = path(make(cls, kw), x0, gradients)
    close(
        xs,
        _iterates(x0, steps),
        "Adam's iterates",
        hyperparameters=kw,
        gradients=gradients,
    )


@prop("lr", "b1", "b2", "eps")
def adam_first_step_moves_each_coordinate_by_lr(
    cls: type[Optimizer], data: DataObject
) -> None:
    """Adam's first step moves each coordinate by ``lr |g| / (|g| + eps)``: by ``lr``, up to ``eps``.

    Whatever the gradient's scale, and whatever ``b1`` and ``b2``: at
    ``t = 1`` the bias corrections turn both moments into ``g`` and
    ``g**2``. Catches: a missing bias correction (the first step is then
    ``lr (1 - b1) / sqrt(1 - b2)``, 3.2 lr at the defaults), and ``eps``
    scaled by it.
    """
    kw = data.draw(hyperparameters(cls, **plain(cls)), label="hyperparameters")
    x0, gradients = problem(data, steps=(1, 1))
    g = gradients[0]
    xs = path(make(cls, kw), x0, gradients)
    expected = x0 - kw["lr"] * g / (np.abs(g) + kw["eps"])
    size = np.max(np.abs(x0)) + kw["lr"]  # x - step rounds at this scale
    what = "x after the first step"
    close(xs[1], expected, what, scale=size, hyperparameters=kw, g=g, x=x0)


@prop("lr", "b1", "b2", "eps", "amsgrad")
def amsgrad_denominator_never_decreases(cls: type[Optimizer], data: DataObject) -> None:
    """With ``amsgrad``, the root of the second moment that divides the step never decreases.

    With ``b1 = 0`` and ``eps = 0`` the step is ``-lr g_t sqrt(1 - b2**t) /
    sqrt(vmax_t)``, so ``sqrt(vmax_t)`` can be read off the steps; AMSGrad
    (Reddi et al. 2018) keeps it non-decreasing, which is what repairs
    Adam's convergence proof. Catches: the maximum not kept between steps,
    taken of the bias-corrected ``v`` or of the gradient, and ``amsgrad``
    ignored.
    """
    fixed = plain(cls, b1=0.0, eps=0.0, amsgrad=True)
    kw = data.draw(hyperparameters(cls, **fixed), label="hyperparameters")
    kw["lr"] = data.draw(floats(0.01, 1.0), label="lr")
    x0, gradients = problem(data, steps=(2, 8))
    xs = path(make(cls, kw), x0, gradients)
    s = np.diff(xs, axis=0)
    t = np.arange(1, len(gradients) + 1).reshape(-1, *[1] * x0.ndim)
    with np.errstate(all="ignore"):
        root = kw["lr"] * np.abs(gradients) / np.abs(s) * np.sqrt(1 - kw["b2"] ** t)
        # the rounding of x_t and x_(t-1) in s, relative, and of the formula
        rel = 4 * np.spacing(np.abs(xs[1:]) + np.abs(xs[:-1])) / np.abs(s) + 1e-12
    root = np.where(gradients != 0, root, np.nan)  # read off where g_t != 0
    low = root * (1 - rel)
    before = np.fmax.accumulate(np.concatenate([[0 * x0], low[:-1]]), axis=0)
    if np.any(root * (1 + rel) < before):
        raise AssertionError(
            f"sqrt(vmax) decreased: {root!r} (read off the steps), with "
            f"hyperparameters={kw!r}, gradients={gradients!r}"
        )
    if not np.all(np.isfinite(root[gradients != 0])):
        raise AssertionError(f"undefined steps {s!r} for gradients {gradients!r}")
