"""Properties of the state: it starts at zero, counts the steps, and updates in place as ``step``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from hypothesis import strategies as st

from optim.testing._property import prop, same
from optim.testing.strategies import optimizers, problem

if TYPE_CHECKING:
    from hypothesis.strategies import DataObject

    from optim._base import Optimizer

# Coordinates for the in-place check: enough that Optimizer.update cuts the
# arrays into column blocks (optim._base.BLOCK entries each).
WIDE = 12_000


@prop()
def init_is_a_zero_state(cls: type[Optimizer], data: DataObject) -> None:
    """``init(x)`` holds zeros of ``x``'s shape, in arrays of its own, and a count of 0.

    Catches: buffers started at one (TensorFlow's RMSProp starts its mean
    square at 1, torch at 0) or at ``x``, a buffer that is ``x`` itself, and
    buffers of the wrong shape.
    """
    opt = data.draw(optimizers(cls), label="optimizer")
    x0, _ = problem(data)
    for entry in opt.init(x0):
        if isinstance(entry, np.ndarray):
            same(entry, np.zeros_like(x0), "a state array from init", x=x0)
            if np.shares_memory(entry, x0):
                raise AssertionError(f"a state array from init is x itself: x={x0!r}")
        else:
            same(entry, 0, "a count in the state from init", x=x0)


@prop()
def state_counts_the_steps(cls: type[Optimizer], data: DataObject) -> None:
    """After ``k`` steps, every number in the state that is not an array is ``k``.

    The step count is what bias corrections, the first momentum step and a
    learning-rate schedule read, and what a resumed run continues from.
    Catches: a count that is not advanced, advanced twice, or restarted.
    """
    opt = data.draw(optimizers(cls), label="optimizer")
    x, gradients = problem(data)
    state = opt.init(x)
    for k, g in enumerate(gradients, start=1):
        x, state = opt.step(x, g, state)
        for entry in state:
            if not isinstance(entry, np.ndarray):
                same(entry, k, f"a count in the state after {k} steps", optimizer=opt)


@prop()
def update_in_place_equals_step(cls: type[Optimizer], data: DataObject) -> None:
    """``update``, which overwrites ``x`` and the state block by block, equals ``step`` bit for bit.

    :meth:`optim.Optimizer.update` is what :func:`optim.minimize` runs on
    large arrays; the arrays here are wide enough to be cut into blocks.
    Catches: state arrays that share memory where ``step`` returns them
    different (one write then corrupts the other), and a step declared
    elementwise (``ELEMENTWISE``) that is not.
    """
    opt = data.draw(optimizers(cls, (2,)), label="optimizer")
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    k = data.draw(st.integers(1, 3), label="steps")
    x0 = rng.normal(size=(2, WIDE))
    x, state = x0, opt.init(x0)
    x_in, state_in = x0.copy(), opt.init(x0)
    for _ in range(k):
        g = rng.normal(size=x0.shape)
        x, state = opt.step(x, g, state)
        state_in = opt.update(x_in, g, state_in)
        same(x_in, x, "x from update against step", optimizer=opt)
        for a, b in zip(state_in, state, strict=True):
            same(a, b, "the state from update against step", optimizer=opt)
