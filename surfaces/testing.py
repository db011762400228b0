"""The property kit for surfaces: check your own surface as the project checks its own.

``check_surface(s)`` runs every property below on a surface ``s`` with this
project's interface (:class:`surfaces.Surface`: ``value``, ``grad``,
``value_and_grad``, ``s(x)``, ``dim``, ``bounds``, ``minimizers``,
``minimum``, ``start``, ``name``) and raises an ``AssertionError`` naming the
surface, the property and the shrunk counterexample (the point ``x``). Each
property is also a public function of the surface, listed in
:data:`PROPERTIES`, whose docstring says which bugs it catches; the
Hypothesis strategies they draw from are :func:`points`, :func:`batches` and
:func:`near_minimizers`. Importing this module imports Hypothesis (the
``test`` extra installs it); nothing else in the library imports it, and it
uses nothing from ``optim`` or ``search``.

Tolerances. One rounding model serves every property: a value ``f(x)`` is
computed within ``K eps F`` of the exact one, with ``eps`` float64's machine
epsilon, ``K = 1024`` and ``F`` the scale of ``f`` there: the largest ``|f|``
compared, and at least ``|f(start)| + |minimum|``, which stands for the size
of the terms ``f`` is made of where ``f`` itself cancels to nearly 0
(Rastrigin near its minimum adds terms of 10 to get 0). ``K`` allows a few
roundings per term and the loss of almost three digits to cancellation in a
formula: the central differences of Goldstein-Price, whose polynomial
factors cancel, need ``K = 310`` at the worst of 2e6 random points, those of
the other shipped surfaces 4 or less. A gradient coordinate ``j`` is
computed within ``K eps F / w_j``, ``w`` the widths of the bounds. Stated
minimizers are taken to be accurate to ``RHO w_j`` in each coordinate
(``RHO = 1e-8``: eight digits; Hartmann6's published minimizer, good to one
unit in the eighth decimal, uses 40% of the gradient's tolerance), the
stated minimum to rounding.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import numpy as np
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.typing import NDArray

from surfaces._base import Surface

Floats = NDArray[np.float64]

EPS = float(np.finfo(np.float64).eps)
K = 1024.0  # roundings' worth of error in one value (see the module docstring)
RHO = 1e-8  # accuracy of a stated minimizer, relative to the bounds' width
STEP = 1e-6  # central-difference step, relative to the bounds' width
MARGIN = 1e-4  # box around each minimizer skipped by the gradient check
HESSIAN_STEP = 1e-4  # step of the Hessian estimate at a minimizer
ATTRIBUTES = ("bounds", "minimizers", "minimum", "start")  # no method may change

__all__ = [
    "PROPERTIES",
    "attributes_are_consistent",
    "batch_equals_point_by_point",
    "batches",
    "check_surface",
    "gradient_matches_central_differences",
    "inputs_are_not_modified",
    "minimizers_attain_the_minimum",
    "near_minimizers",
    "nothing_below_the_minimum",
    "points",
    "shapes_follow_the_batch_contract",
]


def check_surface(surface: Surface, *, max_examples: int | None = None) -> list[str]:
    """Run every property on ``surface``; raise ``AssertionError`` at the first failure.

    The properties run in the order of :data:`PROPERTIES`, the cheap and
    structural first, so that a broken surface fails on the simplest
    statement. Every one applies to any surface with the interface whose
    stated minimizers are stationary points (a minimum on the edge of the
    bounds, where the gradient need not vanish, is outside this interface).

    Parameters
    ----------
    surface : Surface
        A :class:`surfaces.Surface`, or any object with its interface.
    max_examples : int, optional
        Examples per Hypothesis property; the loaded Hypothesis profile's by
        default.

    Returns
    -------
    list of str
        The names of the properties that ran (and passed).

    Raises
    ------
    AssertionError
        Naming the surface, the property and the shrunk counterexample.

    Examples
    --------
    >>> from surfaces import Booth, Rosenbrock
    >>> check_surface(Booth(), max_examples=5)[-1]
    'nothing_below_the_minimum'
    >>> s = Rosenbrock(dim=3)
    >>> s.minimum = 1e-3  # a wrong stated minimum
    >>> check_surface(s, max_examples=5)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    AssertionError: Rosenbrock(dim=3) fails the property minimizers_attain_the_minimum: ...
    """
    for prop in PROPERTIES:
        prop(surface, max_examples=max_examples)
    return [prop.__name__ for prop in PROPERTIES]


# --- strategies ---------------------------------------------------------------

# Coordinates are drawn in [-1, 1] and mapped to the bounds: one array per
# example (not one per coordinate, 3 times faster), shrinking towards the
# centre of the domain.
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


@st.composite
def _candidates(draw: st.DrawFn, surface: Surface) -> Floats:
    """``(n, d)``: up to 7 points anywhere in the bounds, and one near a minimizer."""
    uniform = draw(points(surface, (draw(st.integers(0, 7)),)))  # (n - 1, d)
    return np.concatenate([uniform, draw(near_minimizers(surface))[None]])


# --- the properties -------------------------------------------------------------


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

    _run(attributes_are_consistent, surface, check)


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

    test = _given(batches(surface), check, max_examples)
    _run(shapes_follow_the_batch_contract, surface, test)
    _run(shapes_follow_the_batch_contract, surface, lambda: _wrong_dim(surface))


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

    test = _given(batches(surface), check, max_examples)
    _run(inputs_are_not_modified, surface, test)


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
        tol_f = 0.0 if exact else K * EPS * max(big, _scale(surface))
        tol_g = tol_f / _width(surface)  # (d,)
        _agree(f, f1, tol_f, "value(x)[i] and value(x[i])", x)
        _agree(g, g1, tol_g, "grad(x)[i] and grad(x[i])", x)
        for name, (f2, g2) in [
            ("value_and_grad(x)", surface.value_and_grad(x)),
            ("s(x)", surface(x)),
        ]:
            _agree(np.asarray(f2), f, tol_f, f"{name}[0] and value(x)", x)
            _agree(np.asarray(g2), g, tol_g, f"{name}[1] and grad(x)", x)

    test = _given(batches(surface, min_dims=1), check, max_examples)
    _run(batch_equals_point_by_point, surface, test)


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
        width = _width(surface)
        delta = RHO * width  # (d,)
        for m in surface.minimizers:
            f, g = float(surface.value(m)), np.asarray(surface.grad(m))
            H = np.abs(_hessian(surface, m))  # (d, d)
            scale = max(abs(f), _scale(surface))
            tol_f = float(delta @ H @ delta) + K * EPS * scale
            tol_g = 2 * H @ delta + K * EPS * scale / width  # (d,)
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

    _run(minimizers_attain_the_minimum, surface, check)


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
        h = STEP * _width(surface)  # (d,)
        d1, f1 = _central_differences(surface, x, h)
        d2, f2 = _central_differences(surface, x, 2 * h)
        noise = K * EPS * max(f1, f2, _scale(surface)) / h  # (d,)
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

    test = _given(points(surface), check, max_examples)
    _run(gradient_matches_central_differences, surface, test)


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
        tol = K * EPS * max(float(np.max(np.abs(f))), _scale(surface))
        if not f[i] >= surface.minimum - tol:
            raise AssertionError(
                f"at x = {x[i].tolist()} the value is {float(f[i])!r}, below the "
                f"stated minimum {surface.minimum!r} (by "
                f"{surface.minimum - f[i]:.3g} > tolerance {tol:.3g})"
            )

    test = _given(_candidates(surface), check, max_examples)
    _run(nothing_below_the_minimum, surface, test)


# Every property, in the order check_surface runs them: the cheap and
# structural first, so that a broken surface fails on the simplest statement.
PROPERTIES: tuple[Callable[..., None], ...] = (
    attributes_are_consistent,
    shapes_follow_the_batch_contract,
    inputs_are_not_modified,
    batch_equals_point_by_point,
    minimizers_attain_the_minimum,
    gradient_matches_central_differences,
    nothing_below_the_minimum,
)


# --- helpers ----------------------------------------------------------------------


def _run(prop: Callable[..., None], surface: Surface, test: Callable[[], None]) -> None:
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


def _given(
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


def _agree(a: Floats, b: Floats, tol: float | Floats, what: str, x: Floats) -> None:
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


def _width(surface: Surface) -> Floats:
    """``(d,)``: the widths ``w`` of the bounds."""
    low, high = surface.bounds
    return high - low


def _scale(surface: Surface) -> float:
    """``|f(start)| + |minimum|``: the least scale ``F`` of the values (module docstring)."""
    return abs(float(surface.value(surface.start))) + abs(surface.minimum)


def _near_a_minimizer(surface: Surface, x: Floats) -> bool:
    """Whether ``x`` is within ``MARGIN w`` of a stated minimizer in every coordinate."""
    offsets = np.abs(x - surface.minimizers) / _width(surface)  # (k, d)
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


def _hessian(surface: Surface, x: Floats) -> Floats:
    """``(d, d)``: central differences of the gradient, steps ``HESSIAN_STEP w``."""
    h = HESSIAN_STEP * _width(surface)
    steps = np.diag(h)  # (d, d): row j moves x_j
    rows = (surface.grad(x + steps) - surface.grad(x - steps)) / (2 * h[:, None])
    return cast(Floats, (rows + rows.T) / 2)
