"""Shared Hypothesis strategies: shapes first, then bounded arrays (STYLE.md)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import optim

# Where each numeric hyperparameter is drawn: inside its valid range, with the
# upper end kept where the dynamics stay finite on the tests' unit-scale problems.
DRAWN = {
    "lr": (0.0, 1.0),
    "momentum": (0.0, 0.99),
    "dampening": (0.0, 1.0),
    "weight_decay": (0.0, 1.0),
    "alpha": (0.0, 0.999),
    "eps": (1e-12, 1e-2),
    "b1": (0.0, 0.99),
    "b2": (0.0, 0.9999),
}
# Switches with a precondition, drawn on their own below.
CONSTRAINED = {"nesterov"}

batch_shapes = hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=3)
dims = st.integers(1, 5)


def finite(low=-10.0, high=10.0):
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def arrays(shape, low=-10.0, high=10.0):
    return hnp.arrays(np.float64, shape, elements=finite(low, high))


@st.composite
def optimizers(draw, name=None, batch=()):
    """An optimizer with hyperparameters drawn in range: scalars or arrays of ``batch``."""
    name = draw(st.sampled_from(sorted(optim.OPTIMIZERS))) if name is None else name
    cls = optim.OPTIMIZERS[name]
    kwargs = {}
    for field in cls.numeric_fields():
        low, high = DRAWN[field]
        as_array = batch != () and draw(st.booleans())
        kwargs[field] = (
            draw(arrays(batch, low, high)) if as_array else draw(finite(low, high))
        )
    for flag in cls.switches():
        if flag not in CONSTRAINED:
            kwargs[flag] = draw(st.booleans())
    if "nesterov" in cls.switches() and draw(st.booleans()):
        # Nesterov needs momentum > 0 everywhere and no dampening.
        kwargs.update(nesterov=True, dampening=0.0, momentum=draw(finite(0.1, 0.99)))
    return cls(**kwargs)
