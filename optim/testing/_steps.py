"""Running an optimizer's ``step`` over given gradients: the iterates, for the properties."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from optim._base import Optimizer
    from optim._hyper import Array


def path(opt: Optimizer, x0: Array, gradients: Array) -> Array:
    """The iterates ``x_0, ..., x_k`` ``(k + 1, *batch, d)`` for gradients ``(k, *batch, d)``.

    The gradients are given in advance: step ``t`` receives ``gradients[t -
    1]`` whatever ``x`` is, which isolates the update rule from any function.
    """
    return follow(opt, x0, lambda t, x: gradients[t - 1], len(gradients))


def follow(
    opt: Optimizer, x0: Array, grad: Callable[[int, Array], Array], steps: int
) -> Array:
    """The iterates ``(steps + 1, *batch, d)`` when step ``t`` receives ``grad(t, x)``."""
    x, state = x0, opt.init(x0)
    xs = [x0]
    for t in range(1, steps + 1):
        x, state = opt.step(x, grad(t, x), state)
        xs.append(x)
    return np.stack(xs)
