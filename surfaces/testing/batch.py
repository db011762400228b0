"""A batch of points gives each point's own numbers, from every method alike."""

from __future__ import annotations

import numpy as np

from surfaces._base import Surface
from surfaces.testing._run import (
    EPS,
    Floats,
    K,
    agree,
    given_examples,
    run,
    scale,
    width,
)
from surfaces.testing.strategies import batches


def batch_equals_point_by_point(
    surface: Surface, *, exact: bool = False, max_examples: int | None = None
) -> None:
    """A batch gives each point's own numbers, and every method the same ones.

    ``value(x)[i] = value(x[i])`` and ``grad(x)[i] = grad(x[i])`` for every
    index ``i`` of 1 or 2 leading axes; ``value_and_grad(x)`` and ``s(x)``
    equal ``(value(x), grad(x))``. Bitwise with ``exact=True`` (what this
    project promises for elementwise formulas, see :class:`surfaces.Surface`),
    else to rounding (``K eps F`` for values, ``K eps F / w_j`` for gradient
    coordinates): a batch may add a sum's terms in another order. Catches: a
    mean over every axis where one over the last was meant (``x.size`` for
    ``d``), broadcasting against the wrong axis, one point's numbers used
    for the whole batch, a ``value_and_grad`` sharing work that drifted from
    ``value`` or ``grad``.
    """

    def check(x: Floats) -> None:
        batch = x.shape[:-1]
        f, g = np.asarray(surface.value(x)), np.asarray(surface.grad(x))
        f1 = np.array([surface.value(x[i]) for i in np.ndindex(batch)])
        g1 = np.array([surface.grad(x[i]) for i in np.ndindex(batch)])
        f1, g1 = f1.reshape(batch), g1.reshape((*batch, -1))
        big = max(float(np.max(np.abs(f))), float(np.max(np.abs(f1))))
        tol_f = 0.0 if exact else K * EPS * max(big, scale(surface))
        tol_g = tol_f / width(surface)  # (d,)
        agree(f, f1, tol_f, "value(x)[i] and value(x[i])", x)
        agree(g, g1, tol_g, "grad(x)[i] and grad(x[i])", x)
        for name, (f2, g2) in [
            ("value_and_grad(x)", surface.value_and_grad(x)),
            ("s(x)", surface(x)),
        ]:
            agree(np.asarray(f2), f, tol_f, f"{name}[0] and value(x)", x)
            agree(np.asarray(g2), g, tol_g, f"{name}[1] and grad(x)", x)

    test = given_examples(batches(surface, min_dims=1), check, max_examples)
    run(batch_equals_point_by_point, surface, test)
