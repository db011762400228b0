"""Running a property of a surface: Hypothesis from any script, a named failure, tolerances.

A property is a public function ``prop(surface, *, max_examples=None)``
whose checks raise ``AssertionError``. :func:`run` calls one check and
re-raises any failure (a crash of the surface included) as an
``AssertionError`` that names the surface, the property and the first
paragraph of its docstring, then the detail. :func:`given_examples` makes a
check of drawn points a Hypothesis test that runs outside pytest too. The
rest are the pieces of the rounding model (see :mod:`surfaces.testing`):
``EPS``, ``K``, the widths ``w`` of the bounds and the least scale ``F``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from surfaces._base import Surface

Floats = NDArray[np.float64]

EPS = float(np.finfo(np.float64).eps)
K = 1024.0  # roundings' worth of error in one value (see surfaces.testing)


def run(prop: Callable[..., None], surface: Surface, test: Callable[[], None]) -> None:
    """Run ``test``; re-raise any failure as an ``AssertionError`` naming ``prop``."""
    try:
        test()
    except Exception as err:  # a crash of the surface fails the property too
        first = (prop.__doc__ or "").strip().split("\n\n")[0]
        summary = " ".join(first.replace("``", "").split())
        notes = "\n".join(getattr(err, "__notes__", []))
        kind = "" if isinstance(err, AssertionError) else f"{type(err).__name__}: "
        raise AssertionError(
            f"{surface!r} fails the property {prop.__name__}: {summary}\n"
            f"{kind}{err}\n{notes}".rstrip()
        ) from err


def given_examples(
    strategy: st.SearchStrategy[Floats],
    check: Callable[..., None],
    max_examples: int | None,
) -> Callable[[], None]:
    """``check`` as a Hypothesis test on ``strategy``, runnable from any script.

    ``max_examples`` defaults to the loaded profile's. No deadline (a user's
    surface may be slow), no example database (a failing example of one
    surface is not replayed on another), one failure reported and no
    explain phase (the message is the shrunk example).
    """
    chosen = settings().max_examples if max_examples is None else max_examples
    config = settings(
        max_examples=chosen,
        deadline=None,
        database=None,
        report_multiple_bugs=False,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    return config(given(strategy)(check))


def agree(a: Floats, b: Floats, tol: float | Floats, what: str, x: Floats) -> None:
    """Raise ``AssertionError`` unless ``a``, ``b`` have one shape and ``|a - b| <= tol``."""
    if a.shape != b.shape:
        raise AssertionError(
            f"at x = {x.tolist()}: {what} have shapes {a.shape} and {b.shape}"
        )
    diff = np.abs(a - b)
    if not np.all(diff <= tol):
        raise AssertionError(
            f"at x = {x.tolist()}: {what} differ by up to {np.max(diff):.3g} "
            f"(tolerance {np.max(tol):.3g}): {a.tolist()} and {b.tolist()}"
        )


def width(surface: Surface) -> Floats:
    """``(d,)``: the widths ``w`` of the bounds."""
    low, high = surface.bounds
    return high - low


def scale(surface: Surface) -> float:
    """``|f(start)| + |minimum|``: the least scale ``F`` of the values (see :mod:`surfaces.testing`)."""
    return abs(float(surface.value(surface.start))) + abs(surface.minimum)
