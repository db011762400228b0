"""The interface's contract: attributes, the shapes of a batch, untouched inputs.

The cheap and structural properties, which :func:`check_surface` runs first:
what the attributes are, what shapes the four ways of evaluating return
(and that a wrong last axis is refused), and that evaluating changes
neither the argument nor the surface.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from surfaces._base import Surface
from surfaces.testing._run import Floats, given_examples, run
from surfaces.testing.strategies import batches

ATTRIBUTES = ("bounds", "minimizers", "minimum", "start")  # no method may change


def attributes_are_consistent(
    surface: Surface, *, max_examples: int | None = None
) -> None:
    """The attributes have their documented types and shapes, inside the bounds.

    ``dim`` an int ``d >= 1``, ``name`` a str, ``bounds`` two finite float64
    ``(d,)`` arrays with ``low < high``, ``minimizers`` ``(k, d)`` and
    ``start`` ``(d,)``, finite float64 and inside the bounds, ``minimum`` a
    finite float. Deterministic: ``max_examples`` is unused (accepted so that
    every property is called alike). Catches: a start or a minimizer outside
    the domain (a typo in a coordinate, a lost sign), bounds given as
    ``(high, low)``, one minimizer given as ``(d,)`` where ``(k, d)`` is
    promised, integer or non-finite attributes.
    """

    def check() -> None:
        d, (low, high) = surface.dim, surface.bounds
        if not (isinstance(d, int) and not isinstance(d, bool) and d >= 1):
            raise AssertionError(f"dim must be an int >= 1, got {d!r}")
        if not isinstance(surface.name, str):
            raise AssertionError(f"name must be a str, got {surface.name!r}")
        k = len(surface.minimizers)
        for what, a, shape in [
            ("bounds[0]", low, (d,)),
            ("bounds[1]", high, (d,)),
            ("minimizers", surface.minimizers, (k, d)),
            ("start", surface.start, (d,)),
        ]:
            if not _finite_floats(a, shape):
                raise AssertionError(
                    f"{what} must be a finite float64 array of shape {shape}, got {a!r}"
                )
        if not np.all(low < high):
            raise AssertionError(f"bounds must have low < high, got {low}, {high}")
        m = surface.minimum
        if not (isinstance(m, float) and np.isfinite(m)):
            raise AssertionError(f"minimum must be a finite float, got {m!r}")
        for what, a in [("minimizers", surface.minimizers), ("start", surface.start)]:
            if not np.all((low <= a) & (a <= high)):
                raise AssertionError(
                    f"{what} {a.tolist()} must lie in the bounds "
                    f"{low.tolist()}, {high.tolist()}"
                )

    run(attributes_are_consistent, surface, check)


def shapes_follow_the_batch_contract(
    surface: Surface, *, max_examples: int | None = None
) -> None:
    """Points ``(*batch, d)`` give finite float64 values ``(*batch,)``, gradients ``(*batch, d)``.

    For 0, 1 and 2 leading axes, from ``value``, ``grad``,
    ``value_and_grad`` and ``s(x)``; and an ``x`` whose last axis is not
    ``dim`` is a ``ValueError`` for each of them. Catches: a sum over every
    axis (``x.sum()`` for ``x.sum(axis=-1)``), coordinates stacked on the
    first axis (``np.stack([g1, g2])`` without ``axis=-1``: right for one
    point only), a lost axis (``x[..., 0]`` where ``x[..., :1]`` was
    meant), overflow inside the bounds, and a surface that reads past or
    short of its ``dim`` coordinates without complaint.
    """

    def check(x: Floats) -> None:
        batch, d = x.shape[:-1], surface.dim
        (fv, gv), (fc, gc) = surface.value_and_grad(x), surface(x)
        for what, a, shape in [
            ("value(x)", surface.value(x), batch),
            ("grad(x)", surface.grad(x), (*batch, d)),
            ("value_and_grad(x)[0]", fv, batch),
            ("value_and_grad(x)[1]", gv, (*batch, d)),
            ("s(x)[0]", fc, batch),
            ("s(x)[1]", gc, (*batch, d)),
        ]:
            a = np.asarray(a)
            if a.shape != shape or a.dtype != np.float64:
                raise AssertionError(
                    f"at x = {x.tolist()} of shape {x.shape}: {what} has shape "
                    f"{a.shape} and dtype {a.dtype}, expected {shape} and float64"
                )
            if not np.all(np.isfinite(a)):
                raise AssertionError(
                    f"at x = {x.tolist()}: {what} = {a.tolist()} is not finite"
                )

    test = given_examples(batches(surface), check, max_examples)
    run(shapes_follow_the_batch_contract, surface, test)
    run(shapes_follow_the_batch_contract, surface, lambda: _wrong_dim(surface))


def inputs_are_not_modified(
    surface: Surface, *, max_examples: int | None = None
) -> None:
    """``value``, ``grad``, ``value_and_grad`` and ``s(x)`` change neither ``x`` nor the surface.

    Catches: in-place arithmetic on the argument (``x -= c`` where
    ``y = x - c`` was meant: a float64 ``x`` is not copied on the way in),
    and a method that changes the surface's own ``bounds``, ``minimizers``,
    ``minimum`` or ``start`` (through a view, or a cache that is not one).
    """

    def check(x: Floats) -> None:
        before, attributes = x.copy(), _attributes(surface)
        for name, method in _methods(surface):
            method(x)
            if not np.array_equal(x, before):
                raise AssertionError(
                    f"{name} changed its argument x = {before.tolist()} to {x.tolist()}"
                )
            now = _attributes(surface)
            for what, old, new in zip(ATTRIBUTES, attributes, now, strict=True):
                if not np.array_equal(old, new):
                    raise AssertionError(
                        f"{name} at x = {x.tolist()} changed {what} from "
                        f"{old.tolist()} to {new.tolist()}"
                    )

    test = given_examples(batches(surface), check, max_examples)
    run(inputs_are_not_modified, surface, test)


def _finite_floats(a: object, shape: tuple[int, ...]) -> bool:
    """Whether ``a`` is a non-empty finite float64 array of ``shape``."""
    return (
        isinstance(a, np.ndarray)
        and a.dtype == np.float64
        and a.shape == shape
        and a.size > 0
        and bool(np.all(np.isfinite(a)))
    )


def _methods(surface: Surface) -> list[tuple[str, Callable[[Floats], object]]]:
    """The four ways to evaluate a surface, by name."""
    return [
        ("value", surface.value),
        ("grad", surface.grad),
        ("value_and_grad", surface.value_and_grad),
        ("s(x)", surface),
    ]


def _attributes(surface: Surface) -> list[Floats]:
    """Copies of the :data:`ATTRIBUTES` (``bounds`` stacked to ``(2, d)``)."""
    return [np.array(getattr(surface, name)) for name in ATTRIBUTES]


def _wrong_dim(surface: Surface) -> None:
    """Raise ``AssertionError`` unless every method refuses a last axis other than ``dim``."""
    d = surface.dim
    # too long, no axis at all; and when d > 1, too short and d on another axis
    shapes = [(d + 1,), (2, d + 1), ()] + [(d - 1,), (2, d, 1)] * (d > 1)
    for shape in shapes:
        for name, method in _methods(surface):
            try:
                method(np.zeros(shape))
            except ValueError:
                continue
            raise AssertionError(
                f"{name} accepted x of shape {shape}, whose last axis is not "
                f"dim = {d}: expected a ValueError"
            )
