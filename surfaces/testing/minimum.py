"""The stated minimizers and minimum: attained there, and nothing lower anywhere.

Two sides of one statement: at each stated minimizer the value is the
stated minimum and the gradient vanishes (to the accuracy of the stated
digits, ``RHO``), and no drawn point of the bounds goes below it.
"""

from __future__ import annotations

from typing import cast

import numpy as np
from hypothesis import strategies as st

from surfaces._base import Surface
from surfaces.testing._run import EPS, Floats, K, given_examples, run, scale, width
from surfaces.testing.strategies import near_minimizers, points

RHO = 1e-8  # accuracy of a stated minimizer, relative to the bounds' width
HESSIAN_STEP = 1e-4  # step of the Hessian estimate at a minimizer


def minimizers_attain_the_minimum(
    surface: Surface, *, max_examples: int | None = None
) -> None:
    """At every stated minimizer the value is the stated minimum and the gradient vanishes.

    Each minimizer is taken to be within ``delta_j = RHO w_j`` of an exact
    one, where the gradient is 0; so, by Taylor's theorem, with ``|H|`` the
    entrywise absolute Hessian (central differences of the gradient)::

        |f - minimum| <= delta^T |H| delta + K eps F
        |g_i|         <= 2 (|H| delta)_i + K eps F / w_i

    (twice the leading terms, for the next ones). Deterministic:
    ``max_examples`` is unused. Catches: a wrong stated minimum (a sign, a
    rounded value, another source's), a minimizer that is not one (a typo
    in a coordinate, a local minimizer, a saddle), or one given to too few
    digits.
    """

    def check() -> None:
        w = width(surface)
        delta = RHO * w  # (d,)
        for m in surface.minimizers:
            f, g = float(surface.value(m)), np.asarray(surface.grad(m))
            H = np.abs(_hessian(surface, m))  # (d, d)
            F = max(abs(f), scale(surface))
            tol_f = float(delta @ H @ delta) + K * EPS * F
            tol_g = 2 * H @ delta + K * EPS * F / w  # (d,)
            if not abs(f - surface.minimum) <= tol_f:
                raise AssertionError(
                    f"at the stated minimizer x = {m.tolist()} the value is {f!r}, "
                    f"not the stated minimum {surface.minimum!r} (difference "
                    f"{abs(f - surface.minimum):.3g} > tolerance {tol_f:.3g})"
                )
            if not np.all(np.abs(g) <= tol_g):
                raise AssertionError(
                    f"at the stated minimizer x = {m.tolist()} the gradient is "
                    f"{g.tolist()}, not 0 (tolerance {tol_g.tolist()})"
                )

    run(minimizers_attain_the_minimum, surface, check)


def nothing_below_the_minimum(
    surface: Surface, *, max_examples: int | None = None
) -> None:
    """No point of the bounds has a value below the stated minimum (minus ``K eps F``).

    Per example, up to 7 points anywhere in the bounds and one near a
    stated minimizer (:func:`near_minimizers`). Catches: a minimum stated
    too high (rounded up, or taken from another scaling of the formula), a
    local minimizer stated as the global one, a wrong constant term (which
    the gradient cannot see).
    """

    def check(x: Floats) -> None:
        f = np.asarray(surface.value(x))  # (n,)
        i = int(np.argmin(f))
        tol = K * EPS * max(float(np.max(np.abs(f))), scale(surface))
        if not f[i] >= surface.minimum - tol:
            raise AssertionError(
                f"at x = {x[i].tolist()} the value is {float(f[i])!r}, below the "
                f"stated minimum {surface.minimum!r} (by "
                f"{surface.minimum - f[i]:.3g} > tolerance {tol:.3g})"
            )

    test = given_examples(_candidates(surface), check, max_examples)
    run(nothing_below_the_minimum, surface, test)


@st.composite
def _candidates(draw: st.DrawFn, surface: Surface) -> Floats:
    """``(n, d)``: up to 7 points anywhere in the bounds, and one near a minimizer."""
    uniform = draw(points(surface, (draw(st.integers(0, 7)),)))  # (n - 1, d)
    return np.concatenate([uniform, draw(near_minimizers(surface))[None]])


def _hessian(surface: Surface, x: Floats) -> Floats:
    """``(d, d)``: central differences of the gradient, steps ``HESSIAN_STEP w``."""
    h = HESSIAN_STEP * width(surface)
    steps = np.diag(h)  # (d, d): row j moves x_j
    rows = (surface.grad(x + steps) - surface.grad(x - steps)) / (2 * h[:, None])
    return cast(Floats, (rows + rows.T) / 2)
