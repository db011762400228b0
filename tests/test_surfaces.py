"""What every registered surface shares beyond the property kit: one table of cases.

The properties that any surface must have (gradient against finite
differences, value and gradient at the stated minimizers, nothing below the
minimum, batched equal to point by point, shapes, purity, attributes inside
the bounds) are the kit ``surfaces.testing``, run on every case of the
table below by ``test_surfaces_testing.py``. Here: the package and its
registry, the attributes' conventions (how many minimizers, a start that is
not stationary), ``Surface.__init__``'s checks, the accuracy of the stored
minimizers (Newton's method), and the messages of the errors. The worked
examples and the tests of one surface are in ``test_surfaces_examples.py``.
NumPy's RuntimeWarnings (overflow, invalid value, division by zero) are
errors.
"""

import re
import subprocess
import sys

import numpy as np
import pytest

import surfaces
from surfaces import SURFACES, LinearRegression, Quadratic, Surface

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")  # NumPy's warnings

EPS = np.finfo(np.float64).eps

# The documented dimension of each fixed-dimension surface; every other
# registered surface is defined in any dimension from its smallest up.
FIXED_DIM = {
    "beale": 2,
    "booth": 2,
    "matyas": 2,
    "himmelblau": 2,
    "three_hump_camel": 2,
    "six_hump_camel": 2,
    "goldstein_price": 2,
    "branin": 2,
    "hartmann6": 6,
}
MIN_DIM = {"quadratic": 1, "rosenbrock": 2, "rastrigin": 1, "ackley": 1}
MIN_DIM["styblinski_tang"] = 1
N_MINIMIZERS = {"himmelblau": 4, "six_hump_camel": 2, "branin": 3}  # else 1

# Every surface in every dimension from its smallest to 6, and Quadratic with
# a condition number, a given diagonal spectrum and in one dimension.
CASES = {
    "quadratic": Quadratic(),
    "quadratic-k100-d5": Quadratic(condition=100.0, dim=5, seed=3),
    "quadratic-diagonal": Quadratic(eigenvalues=[0.5, 2.0, 7.0], rotate=False),
    "quadratic-d1": Quadratic(eigenvalues=[3.0]),
    **{name: surfaces.get(name) for name in FIXED_DIM},
    **{
        f"{name}-{d}": surfaces.get(name, dim=d)
        for name, low in MIN_DIM.items()
        if name != "quadratic"
        for d in range(low, 7)
    },
}
over_cases = pytest.mark.parametrize("s", list(CASES.values()), ids=list(CASES))


def test_the_cases_cover_the_registry():
    assert {s.name for s in CASES.values()} == set(surfaces.names())
    assert set(FIXED_DIM) | set(MIN_DIM) == set(surfaces.names())
    assert not set(FIXED_DIM) & set(MIN_DIM)


# --- the package: what importing it costs, what it offers -----------------


def test_import_and_a_rotated_quadratic_load_no_scipy():
    # Quadratic's rotation is NumPy's QR (not scipy.stats.ortho_group, which
    # costs 0.75 s to import); SciPy is imported only by the solvers that use it
    code = (
        "import sys, surfaces; surfaces.Quadratic(dim=4); surfaces.load_diabetes(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'scipy'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_public_names_are_importable_from_the_package():
    # datasets.py's names, as before its rename from data.py
    from surfaces import Split, kfold, load_diabetes, make_regression, split  # noqa: F401

    names = {"Split", "kfold", "load_diabetes", "make_regression", "split"}
    assert names <= set(surfaces.__all__)
    assert all(hasattr(surfaces, name) for name in surfaces.__all__)


# --- the registry and the constructors ---------------------------------------


@pytest.mark.parametrize("name", surfaces.names())
def test_registry_name_and_default_construction(name):
    cls = SURFACES[name]
    assert cls.name == name
    assert type(surfaces.get(name)) is cls and isinstance(cls(), cls)
    assert type(surfaces.get(name.upper().replace("_", "-"))) is cls


def test_registry_rejects_unknown_names():
    with pytest.raises(
        ValueError, match="name must be one of quadratic, rosenbrock, .*; got 'sphere'"
    ):
        surfaces.get("sphere")
    with pytest.raises(TypeError, match="name must be a string, got 3"):
        surfaces.get(3)


@pytest.mark.parametrize("name", FIXED_DIM)
def test_fixed_dimension_surfaces_accept_only_their_dim(name):
    d, cls = FIXED_DIM[name], SURFACES[name].__name__
    assert surfaces.get(name).dim == surfaces.get(name, dim=d).dim == d
    with pytest.raises(ValueError, match=rf"^{cls}: dim must be {d}, got {d + 1}$"):
        surfaces.get(name, dim=d + 1)
    with pytest.raises(ValueError, match=rf"^{cls}: dim must be >= 1, got 0$"):
        surfaces.get(name, dim=0)
    for bad in (2.0, True, "2"):
        message = rf"^{cls}: dim must be an integer, got {re.escape(repr(bad))}$"
        with pytest.raises(TypeError, match=message):
            surfaces.get(name, dim=bad)


@pytest.mark.parametrize("name", MIN_DIM)
def test_variable_dimension_surfaces_reject_bad_dim(name):
    cls, low = SURFACES[name].__name__, MIN_DIM[name]
    for dim in (low - 1, -2):
        message = rf"^{cls}: dim must be >= {low}, got {dim}$"
        with pytest.raises(ValueError, match=message):
            surfaces.get(name, dim=dim)
    for dim in (2.0, "3", True, np.float64(3.0)):
        message = rf"^{cls}: dim must be an integer, got {re.escape(repr(dim))}$"
        with pytest.raises(TypeError, match=message):
            surfaces.get(name, dim=dim)


@pytest.mark.parametrize("name", MIN_DIM)
def test_variable_dimension_surfaces_take_any_dim(name):
    for d in (3, np.int64(7)):
        s = surfaces.get(name, dim=d)
        assert type(s.dim) is int and s.dim == d and s.start.shape == (d,)


# --- the attributes: Surface.__init__ converts and checks them ---------------


@over_cases
def test_attributes(s):
    # Types, shapes and bounds are the kit's attributes_are_consistent; here
    # the count of minimizers, and a start away from them, not stationary.
    assert len(s.minimizers) == N_MINIMIZERS.get(s.name, 1)
    assert np.min(np.linalg.norm(s.minimizers - s.start, axis=-1)) > 0.5
    assert s.value(s.start) > s.minimum + 1.0
    assert np.linalg.norm(s.grad(s.start)) > 1e-3


class Toy(Surface):
    """A surface that passes its attributes to ``Surface.__init__``."""

    def __init__(self, **changes):
        good = dict(dim=2, bounds=(-1, 1), minimizers=[0, 0], minimum=0, start=[1, 0])
        super().__init__(**{**good, **changes})


def test_surface_init_converts_to_float64_arrays():
    start, high = [0.5, -0.5], np.array([1.0, 2.0])
    s = Toy(bounds=(-1, high), minimizers=[[0, 0], [0.5, 0.5]], start=start)
    assert np.array_equal(s.bounds[0], [-1.0, -1.0])  # a number, broadcast
    assert np.array_equal(s.bounds[1], high) and s.bounds[1] is not high  # a copy
    assert s.minimizers.shape == (2, 2) and Toy().minimizers.shape == (1, 2)
    assert s.minimum == 0.0 and type(s.minimum) is float and type(s.dim) is int
    start[0] = 0.0  # the surface keeps its own copy
    assert np.array_equal(s.start, [0.5, -0.5])
    for a in (*s.bounds, s.minimizers, s.start):
        assert a.dtype == np.float64


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        (dict(dim=0), ValueError, "dim must be >= 1, got 0"),
        (dict(dim=2.0), TypeError, "dim must be an integer"),
        (dict(bounds=([-1, -1, -1], 1)), ValueError, r"bounds\[0\] .* \(2,\)"),
        (dict(bounds=(-1, np.inf)), ValueError, r"bounds\[1\] must be finite"),
        (dict(bounds=(-1, "a")), TypeError, r"bounds\[1\] must be an array of real"),
        (dict(bounds=(1, -1)), ValueError, "bounds must have low < high"),
        (dict(bounds=([-1, 1], 1)), ValueError, "bounds must have low < high"),
        (dict(minimizers=[0, 0, 0]), ValueError, r"minimizers .* \(k, 2\)"),
        (dict(minimizers=np.zeros((0, 2))), ValueError, r"minimizers .* \(k, 2\)"),
        (dict(minimizers=np.zeros((1, 1, 2))), ValueError, "minimizers .* shape"),
        (dict(minimizers=[0, np.nan]), ValueError, "minimizers must be finite"),
        (dict(minimizers=[0, 2]), ValueError, "minimizers must lie in bounds"),
        (dict(minimum=np.nan), ValueError, "minimum must be finite"),
        (dict(minimum=[0.0]), ValueError, r"minimum must have shape \(\)"),
        (dict(start=0.5), ValueError, r"start must have shape \(2,\)"),
        (dict(start=[0, 0, 0]), ValueError, r"start must have shape \(2,\)"),
        (dict(start=[0, -1.5]), ValueError, "start must lie in bounds"),
        (dict(start=[0, np.nan]), ValueError, r"start must be finite, got a value nan"),
        (dict(start=[0, None]), TypeError, r"start .* real numbers, got \[0, None\]"),
        (dict(start=["a", 0]), TypeError, r"start .* real numbers, got \['a', 0\]"),
    ],
)
def test_surface_init_names_the_surface_and_the_attribute(changes, error, message):
    with pytest.raises(error, match=f"^Toy: {message}"):
        Toy(**changes)


def test_linear_regression_sets_its_attributes_itself():
    # It does not call Surface.__init__: minimizers, minimum and bounds are
    # computed lazily (and minimizers read-only), dim and start in __init__.
    X = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    s = LinearRegression(X, np.array([1.0, 2.0, 3.0]))
    assert s.dim == 2 and np.array_equal(s.start, [0.0, 0.0])
    assert s.minimizers.shape == (1, 2) and not s.minimizers.flags.writeable
    assert s.minimum == s.value(s.minimizers[0]) and s.bounds[0].shape == (2,)


# --- the accuracy of the stored minimizers -----------------------------------
#
# The kit (minimizers_attain_the_minimum) takes every stated minimizer to be
# accurate to 1e-8 of the domain's width. Where the minimizers are not exact
# (the others are: every term of f exactly at its minimum, or, for
# Himmelblau's irrational ones, rounded once to double), Newton's method
# checks the accuracy each one claims:
#   delta: bound on each coordinate's error in the stored minimizers;
#   rg: rounding bound for each gradient component near the minimizer
#       (16 eps times the sum of the absolute values of its terms).
INEXACT = {
    # Gavana's digits come from a numerical search: 40-digit Newton gives
    # (0.0898420131003181, -0.7126564030207396), errors 5.8e-10 and 2.5e-10.
    # Gradient terms below 12.
    "six_hump_camel": dict(delta=1e-9, rg=16 * EPS * 12),
    # DiceKriging's / Gavana's 8 decimals, accurate to one unit of the last
    # (0.20168952 for 0.2016895110...); gradient terms 2 alpha_i A_ij |y_ij|
    # <= 200.
    "hartmann6": dict(delta=1e-8, rg=16 * EPS * 200),
    # The root of 4 x^3 - 32 x + 5, rounded once to double; gradient terms
    # per coordinate 0.5 (98 + 93 + 5).
    "styblinski_tang": dict(delta=3 * EPS, rg=16 * EPS * 98),
    # pi, 3 pi, 12.275, ... rounded to double (|x| <= 12.3); gradient terms
    # 2 |h'| (2.5 + 11.5 + 15 + 6) + 9.6 <= 184.
    "branin": dict(delta=16 * EPS, rg=16 * EPS * 184),
}


def hessian(s, x, h=1e-6):
    """Central differences of the gradient (itself checked against the value)."""
    steps = h * np.eye(s.dim)
    columns = (s.grad(x + steps) - s.grad(x - steps)) / (2 * h)  # (d, d)
    return (columns + columns.T) / 2


@pytest.mark.parametrize(
    "s", [s for s in CASES.values() if s.name in INEXACT], ids=lambda s: repr(s)
)
def test_stored_minimizers_are_as_accurate_as_claimed(s):
    # Newton's method on the gradient converges to the exact stationary point,
    # up to its own limit: gradient rounding over the smallest curvature.
    c = INEXACT[s.name]
    for x_star in s.minimizers:
        x = x_star.copy()
        for _ in range(6):
            x = x - np.linalg.solve(hessian(s, x), s.grad(x))
        limit = c["rg"] / np.linalg.eigvalsh(hessian(s, x)).min()
        assert np.all(np.abs(x - x_star) <= c["delta"] + limit), x - x_star


@pytest.mark.parametrize(
    "s",
    [s for s in CASES.values() if s.name not in {*INEXACT, "himmelblau"}],
    ids=lambda s: repr(s),
)
def test_exact_minimizers_give_the_minimum_exactly(s):
    # Every term of f is exactly at its minimum there, so no rounding at all
    # (the kit allows K eps F, for any surface); Himmelblau's irrational
    # minimizers are rounded to double.
    assert np.all(s.value(s.minimizers) == s.minimum)
    assert np.all(s.grad(s.minimizers) == 0.0)


# --- inputs and errors ----------------------------------------------------------
# (batches, purity and the ValueError for a wrong last axis: the kit's
# batch_equals_point_by_point, inputs_are_not_modified and
# shapes_follow_the_batch_contract; here, lists and the error's message)


@over_cases
def test_accepts_lists_and_integers(s):
    x = [[int(v) for v in np.round(s.start)]]
    np.testing.assert_array_equal(s.value(x), s.value(np.array(x, dtype=float)))
    np.testing.assert_array_equal(s.grad(x), s.grad(np.array(x, dtype=float)))


@over_cases
@pytest.mark.parametrize("method", ["value", "grad", "value_and_grad", "__call__"])
def test_wrong_last_axis_is_a_value_error(s, method):
    d = s.dim
    # too long, too short, d on another axis, no axis at all
    shapes = [(d + 1,), (3, d - 1), (2, d, d + 1), ()] + [(2, d, 1)] * (d > 1)
    for bad in [*map(np.zeros, shapes), np.float64(1.0)]:
        with pytest.raises(ValueError, match=rf"x must have shape \(\*batch, {d}\)"):
            getattr(s, method)(bad)
