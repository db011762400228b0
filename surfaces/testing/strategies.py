"""Hypothesis strategies for surface tests: points, batches, points near a minimizer.

Coordinates are drawn in ``[-1, 1]`` and mapped to the bounds: one array per
example (not one per coordinate, 3 times faster), shrinking towards the
centre of the domain.
"""

from __future__ import annotations

from typing import cast

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from surfaces._base import Surface
from surfaces.testing._run import Floats

UNIT = st.floats(-1.0, 1.0)
SHAPES = {
    min_dims: hnp.array_shapes(min_dims=min_dims, max_dims=2, min_side=1, max_side=4)
    for min_dims in (0, 1)
}


@st.composite
def points(draw: st.DrawFn, surface: Surface, shape: tuple[int, ...] = ()) -> Floats:
    """``(*shape, d)`` points inside ``surface.bounds``: ``centre + u * half-width``."""
    low, high = surface.bounds
    u = draw(hnp.arrays(np.float64, (*shape, surface.dim), elements=UNIT))
    x = (low + high) / 2 + u * ((high - low) / 2)
    return cast(Floats, np.clip(x, low, high))  # in case u = 1 rounds up


@st.composite
def batches(draw: st.DrawFn, surface: Surface, min_dims: int = 0) -> Floats:
    """``(*batch, d)`` points in the bounds, ``batch`` of ``min_dims`` to 2 axes."""
    return draw(points(surface, draw(SHAPES[min_dims])))


@st.composite
def near_minimizers(draw: st.DrawFn, surface: Surface) -> Floats:
    """``(d,)``: a stated minimizer moved by up to ``10^-e`` widths, ``e`` in 1..8.

    Clipped to the bounds: where a minimum stated too high shows first.
    """
    low, high = surface.bounds
    m = surface.minimizers[draw(st.integers(0, len(surface.minimizers) - 1))]
    u = draw(hnp.arrays(np.float64, m.shape, elements=UNIT))
    radius = 10.0 ** -draw(st.integers(1, 8))
    return cast(Floats, np.clip(m + radius * u * (high - low), low, high))
