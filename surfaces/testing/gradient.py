"""The gradient against central differences of the value, with a measured tolerance."""

from __future__ import annotations

import numpy as np
from hypothesis import assume

from surfaces._base import Surface
from surfaces.testing._run import EPS, Floats, K, given_examples, run, scale, width
from surfaces.testing.strategies import points

STEP = 1e-6  # central-difference step, relative to the bounds' width
MARGIN = 1e-4  # box around each minimizer skipped by the gradient check


def gradient_matches_central_differences(
    surface: Surface, *, max_examples: int | None = None
) -> None:
    """``grad`` equals central differences of ``value`` at drawn points in the bounds.

    With steps ``h_j = STEP w_j``, the central difference ::

        D(h)_j = (f(x + h_j e_j) - f(x - h_j e_j)) / (2 h_j)

    (divided by the step actually taken) is ``f'_j + c_j h_j^2 + O(h^4)``
    plus rounding below ``N_j = K eps F / h_j`` (``F`` over both stencils).
    So ``D(2h) - D(h) = 3 c h^2`` up to ``1.5 N``, and ``|D(h) - f'| <=
    |D(2h) - D(h)| / 3 + 1.5 N``: the tolerance ``|D(2h) - D(h)| + 2 N``
    measures the curvature at ``x`` instead of assuming a bound on the third
    derivative. Points within ``MARGIN w_j`` of a stated minimizer in every
    coordinate are skipped: a minimum may be a cone point, where ``f`` is not
    differentiable (Ackley's); :func:`minimizers_attain_the_minimum` checks
    the gradient there. The surface must be defined ``2 STEP w`` beyond its
    bounds. Catches: a wrong sign, factor or term in any coordinate of the
    gradient, swapped coordinates, the gradient of another formula.
    """

    def check(x: Floats) -> None:
        assume(not _near_a_minimizer(surface, x))
        h = STEP * width(surface)  # (d,)
        d1, f1 = _central_differences(surface, x, h)
        d2, f2 = _central_differences(surface, x, 2 * h)
        noise = K * EPS * max(f1, f2, scale(surface)) / h  # (d,)
        tol = np.abs(d2 - d1) + 2 * noise
        g = np.asarray(surface.grad(x))
        bad = ~(np.abs(g - d1) <= tol)  # NaN is bad too
        if np.any(bad):
            j = int(np.flatnonzero(bad)[0])
            raise AssertionError(
                f"at x = {x.tolist()}: grad(x) = {g.tolist()} but central "
                f"differences give {d1.tolist()}: coordinate {j} differs by "
                f"{abs(g[j] - d1[j]):.3g} > tolerance {tol[j]:.3g}"
            )

    test = given_examples(points(surface), check, max_examples)
    run(gradient_matches_central_differences, surface, test)


def _near_a_minimizer(surface: Surface, x: Floats) -> bool:
    """Whether ``x`` is within ``MARGIN w`` of a stated minimizer in every coordinate."""
    offsets = np.abs(x - surface.minimizers) / width(surface)  # (k, d)
    return bool(np.any(np.all(offsets < MARGIN, axis=-1)))


def _central_differences(
    surface: Surface, x: Floats, h: Floats
) -> tuple[Floats, float]:
    """``(d,)`` central differences of ``value`` at ``x`` with steps ``h``, and max ``|f|``."""
    x_plus, x_minus = x + np.diag(h), x - np.diag(h)  # (d, d): row j moves x_j
    f_plus, f_minus = surface.value(x_plus), surface.value(x_minus)  # (d,) each
    # dividing by the step actually taken removes the rounding of x +- h
    fd = (f_plus - f_minus) / np.diag(x_plus - x_minus)
    return fd, float(max(np.max(np.abs(f_plus)), np.max(np.abs(f_minus))))
