"""Properties of every registered surface: one table of cases, one test per property.

Each surface is checked against oracles that do not share its code: central
finite differences of its own value (for the gradient), its stored minimizers
(value and gradient there, Newton's method for their accuracy) and
single-point calls (for the batch contract). The tolerances are derived per
surface in the comments of the tables below. The worked examples and the
tests of one surface are in ``test_surfaces_examples.py``. NumPy's
RuntimeWarnings (overflow, invalid value, division by zero) are errors.
"""

import re
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

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


@st.composite
def points(draw, s, shape=()):
    """``(*shape, d)`` points inside ``s.bounds``, coordinate by coordinate."""
    low, high = s.bounds
    columns = [
        draw(hnp.arrays(np.float64, shape, elements=st.floats(float(lo), float(hi))))
        for lo, hi in zip(low, high, strict=True)
    ]
    return np.stack(columns, axis=-1)


batch_shapes = hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=4)


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
    d, k = s.dim, N_MINIMIZERS.get(s.name, 1)
    low, high = s.bounds
    for a in (low, high, s.start):
        assert a.shape == (d,) and a.dtype == np.float64
    assert np.all(low < high)
    assert s.minimizers.shape == (k, d) and s.minimizers.dtype == np.float64
    assert np.all((low <= s.minimizers) & (s.minimizers <= high))
    assert isinstance(s.minimum, float)
    # The start is inside the domain, away from every minimizer, not stationary.
    assert np.all((low <= s.start) & (s.start <= high))
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


# --- gradients against finite differences ------------------------------------
#
# The central difference (f(x + h e_j) - f(x - h e_j)) / 2h differs from the
# derivative by at most h^2 M3 / 6 (M3 bounds |d^3 f / dx_j^3| on the domain)
# plus the rounding error of the two values divided by 2h. Dividing by the
# actual step (x + h) - (x - h) removes the rounding of the stencil points.
#
# Low-degree polynomials (the first seven surfaces of the registry): the step
# is h = 1e-6 max(1, |x_j|) and the tolerance 1e-7 (1 + |f|). Rounding is about
# eps F / h <= 2.2e-10 F, with F the size of f's terms (at most ~15 (1 + |f|)
# for these polynomials on their domains, e.g. the camel's x1^6 / 6 against its
# -1.05 x1^4), so <= 3.3e-9 (1 + |f|); truncation, h^2 |f'''| / 6, is
# <= 1e-8 (1 + |f|) everywhere (largest at Beale's corners, where |f| ~ 1e5).
# So 1e-7 (1 + |f|) has a margin of 10 (measured on 3000 random points per
# surface: 80), while a wrong term in a gradient whose size is about |f| fails
# by far.
RELATIVE_FD = {
    "quadratic",
    "rosenbrock",
    "beale",
    "booth",
    "matyas",
    "himmelblau",
    "three_hump_camel",
}


# The others: a fixed step h near its optimum (48 eps F / M3)^(1/3) and the
# tolerance h^2 M3 / 6 + 16 eps F / h. Each value is computed with an error
# below 16 eps F, where F bounds the sum of the absolute values of the terms
# that are added, plus |slope| |argument| for each cosine (the rounding of its
# argument, amplified); 16 is a generous count of roundings.
def fd_case(s):
    """``(h, M3, F)`` for the surfaces not in RELATIVE_FD, derived in the comments."""
    d = s.dim
    if s.name == "rastrigin":
        # f''' = 10 (2 pi)^3 sin(2 pi x_j); per coordinate terms 10 + 26.3 + 10,
        # and 10 cos(theta) has slope <= 10 at |theta| <= 2 pi 5.12 = 32.2.
        return 2e-5, 10 * (2 * np.pi) ** 3, (46.3 + 322.0) * d
    if s.name == "styblinski_tang":
        # f''' = 12 x_j <= 60; terms (625 + 400 + 25) / 2 per coordinate
        return 1e-4, 60.0, 525.0 * d
    if s.name == "ackley":
        # Away from the cone point (r >= 0.1, see the test): along e_j,
        # |r'| <= 1, |r''| <= 1/r, |r'''| <= 3/r^2, so the funnel's third
        # derivative is <= a (b^3 + 3 b^2 / r + 3 b / r^2) <= 1224; with
        # |m'| <= c, |m''| <= c^2, |m'''| <= c^3 the ripples' is
        # <= e (c^3 + 3 c^3 + c^3) <= 3372. Terms: a, e, a e^(-b r), e^m,
        # and e^m cos(theta) has slope <= e at |theta| <= 2 pi 32.768 = 206.
        return 1e-5, 1224.0 + 3372.0, 2 * (20 + np.e) + np.e * 206
    if s.name == "six_hump_camel":
        # f''' = -50.4 x1 + 40 x1^3 <= 1232 on |x1| <= 3, 96 x2 <= 192;
        # terms 36 + 170.1 + 243 + 6 + 16 + 64 of the expanded sextic
        return 1e-5, 1232.0, 535.1
    if s.name == "goldstein_price":
        # Third derivatives bounded by sum |coefficient| 2^degree of the
        # expanded octic's third partials (computed with SymPy): 4.53e7.
        # |p| <= 1 + 25 * 123 and |q| <= 30 + 100 * 478 with all terms taken
        # positive, and f = p q doubles the relative error: F = 2 |p| |q|.
        return 4e-5, 4.53e7, 2 * 3076.0 * 47830.0
    if s.name == "branin":
        # h' = -2 b x1 + c in [-0.99, 2.89], h'' = -2 b, so
        # (h^2)''' = 6 h' h'' <= 4.48, plus s (1 - t) = 9.61 from the cosine;
        # |h| <= 15 + 12.92 + 15.92 + 6 = 49.8, terms h^2 + 9.61 + 10.
        return 1e-4, 4.48 + 9.61, 49.8**2 + 19.61
    if s.name == "hartmann6":
        # Bump i along e_j: |(alpha e^(-z))'''| <= alpha A^(3/2) max_s
        # e^(-s^2) (8 s^3 + 12 s) = 7.41 alpha A^(3/2) (with s = sqrt(A) |y|);
        # summed over the bumps, worst column j (321; the constants are
        # checked against the published ones by test_hartmann6_by_hand).
        # Terms: alpha_i e^(-z_i).
        column = s.alpha @ s.A**1.5
        return 3e-6, 7.41 * column.max(), s.alpha.sum()
    raise KeyError(s.name)


def fd_step_and_tolerance(s, x):
    """``(h, tol)``: the step ``(d,)`` for each coordinate and the error bound."""
    if s.name in RELATIVE_FD:
        return 1e-6 * np.maximum(1.0, np.abs(x)), 1e-7 * (1.0 + abs(s.value(x)))
    h, m3, f_scale = fd_case(s)
    return np.full(s.dim, h), h**2 * m3 / 6 + 16 * EPS * f_scale / h


@over_cases
@given(data=st.data())
def test_grad_matches_central_differences(s, data):
    x = data.draw(points(s))
    if s.name == "ackley":
        # Not differentiable at 0, and its third derivative grows like 1/r^2.
        assume(np.sqrt(np.mean(x**2)) >= 0.1)
    h, tol = fd_step_and_tolerance(s, x)
    x_plus, x_minus = x + np.diag(h), x - np.diag(h)  # (d, d): row j moves x_j
    fd = (s.value(x_plus) - s.value(x_minus)) / np.diag(x_plus - x_minus)
    assert np.all(np.abs(s.grad(x) - fd) <= tol), (s.grad(x), fd, tol)


# --- minimizers, minimum ------------------------------------------------------
#
# Exact minimizers, where every term of f is exactly at its minimum (all the
# surfaces not listed below), have exactly the minimum value and a zero
# gradient. For the others, with d coordinates:
#   delta: bound on each coordinate's error in the stored minimizers;
#   half: half a unit in the last printed digit of the published minimum;
#   rf, rg: rounding bounds for the value and each gradient component near the
#       minimizer (16 eps times the sum of the absolute values of the terms).
INEXACT = {
    # Gavana's digits come from a numerical search: 40-digit Newton gives
    # (0.0898420131003181, -0.7126564030207396), errors 5.8e-10 and 2.5e-10.
    # Minimum printed to 15 decimals; terms below 4 (value) and 12 (gradient).
    "six_hump_camel": lambda d: dict(
        delta=1e-9, half=5e-16, rf=16 * EPS * 4, rg=16 * EPS * 12
    ),
    # DiceKriging's / Gavana's 8 decimals, accurate to one unit of the last
    # (0.20168952 for 0.2016895110...). Minimum printed to 14 decimals; terms
    # alpha_i e^(-z_i) <= 8.4 in total, 2 alpha_i A_ij |y_ij| <= 200.
    "hartmann6": lambda d: dict(
        delta=1e-8, half=5e-15, rf=16 * EPS * 8.4, rg=16 * EPS * 200
    ),
    # The root of 4 x^3 - 32 x + 5, rounded once to double. Minimum
    # -39.16616570377142 per coordinate (14 decimals); terms per coordinate
    # 0.5 (71 + 135 + 15) in the value, 0.5 (98 + 93 + 5) in the gradient.
    "styblinski_tang": lambda d: dict(
        delta=3 * EPS, half=5e-15 * d, rf=16 * EPS * 110 * d, rg=16 * EPS * 98
    ),
    # pi, 3 pi, 12.275, ... rounded to double (|x| <= 12.3); the minimum
    # 5 / (4 pi) rounded; terms 10 + 9.6 + h^2 in the value, and
    # 2 |h'| (2.5 + 11.5 + 15 + 6) + 9.6 <= 184 in the gradient.
    "branin": lambda d: dict(
        delta=16 * EPS, half=EPS, rf=16 * EPS * 20, rg=16 * EPS * 184
    ),
}

# Himmelblau's three irrational minimizers are rounded to double (error
# <= 4.4e-16 per coordinate), so each residual u is at most about
# |grad u| * 4.4e-16 + rounding 11 eps ~ 1e-14: f = u1^2 + u2^2 <= 1e-27, and
# each gradient component, 2 (u1 du1/dx_j + u2 du2/dx_j) with
# |du/dx_j| <= 2 |x_j| + 1 <= 8.6, is <= 2 (8.6e-14 + 8.6e-14) = 3.4e-13 < 5e-13
# (so |grad f| <= 7.1e-13).
AT_MINIMUM_TOL = {"himmelblau": (1e-26, 5e-13)}


def hessian(s, x, h=1e-6):
    """Central differences of the gradient (itself checked against the value)."""
    steps = h * np.eye(s.dim)
    columns = (s.grad(x + steps) - s.grad(x - steps)) / (2 * h)  # (d, d)
    return (columns + columns.T) / 2


def at_minimizers_tolerance(s):
    """``(tol_f, tol_g)``, each ``(k,)``: value and gradient component bounds."""
    k = len(s.minimizers)
    if s.name not in INEXACT:
        tol_f, tol_g = AT_MINIMUM_TOL.get(s.name, (0.0, 0.0))
        return np.full(k, tol_f), np.full(k, tol_g)
    c = INEXACT[s.name](s.dim)
    norm_h = np.array([np.linalg.norm(hessian(s, x), 2) for x in s.minimizers])
    # f(x* + delta) - f(x*) <= |H| |delta|^2 / 2, with |delta|^2 <= d delta^2;
    # grad(x* + delta) = H delta + O(|delta|^2): factor 2 for the O().
    tol_f = c["half"] + c["rf"] + norm_h * s.dim * c["delta"] ** 2 / 2
    tol_g = 2 * norm_h * np.sqrt(s.dim) * c["delta"] + c["rg"]
    return tol_f, tol_g


@over_cases
def test_minimizers_attain_the_minimum_with_zero_gradient(s):
    f, g = s.value(s.minimizers), s.grad(s.minimizers)  # (k,), (k, d)
    tol_f, tol_g = at_minimizers_tolerance(s)
    assert np.all(np.abs(f - s.minimum) <= tol_f), (f - s.minimum, tol_f)
    assert np.all(np.abs(g) <= tol_g[:, None]), (g, tol_g)


@pytest.mark.parametrize(
    "s", [s for s in CASES.values() if s.name in INEXACT], ids=lambda s: repr(s)
)
def test_stored_minimizers_are_as_accurate_as_claimed(s):
    # Newton's method on the gradient converges to the exact stationary point,
    # up to its own limit: gradient rounding over the smallest curvature.
    c = INEXACT[s.name](s.dim)
    for x_star in s.minimizers:
        x = x_star.copy()
        for _ in range(6):
            x = x - np.linalg.solve(hessian(s, x), s.grad(x))
        limit = c["rg"] / np.linalg.eigvalsh(hessian(s, x)).min()
        assert np.all(np.abs(x - x_star) <= c["delta"] + limit), x - x_star


@over_cases
@given(data=st.data())
def test_no_point_of_the_domain_is_below_the_minimum(s, data):
    x = data.draw(points(s, (8,)))
    # Rounding near the minimum is below 1e-12 for all of them (values there
    # are sums of terms below 1e3).
    assert np.all(s.value(x) >= s.minimum - 1e-12)


# --- batches, purity, errors --------------------------------------------------
#
# Elementwise formulas give bitwise equal results in a batch, and so do the
# sums of Quadratic and Rosenbrock. Other sums of d <= 6 terms over the last
# axis (Rastrigin, Styblinski-Tang and Ackley values, Ackley's means,
# Hartmann6's sums and einsum) may be added in another order in a batch than
# for one point (NumPy does not promise one order): the result then moves by
# at most (d - 1) eps S, S the sum of the absolute values of the terms, and
# Ackley's and Hartmann6's exponentials pass on at most as much again. So
# 8 eps S, with S: Rastrigin 46.3 d + 10 d, Styblinski-Tang 525 d, Ackley
# 2 (a + e) and a b + c e < 22, Hartmann6 8.4 and 200 (see above).
def batch_scale(s):
    """``S`` for the value and for the gradient; 0 where a batch is exact."""
    return {
        "rastrigin": (56.3 * s.dim, 0.0),
        "styblinski_tang": (525.0 * s.dim, 0.0),
        "ackley": (2 * (20 + np.e), 22.0),
        "hartmann6": (8.4, 200.0),
    }.get(s.name, (0.0, 0.0))


@over_cases
@given(data=st.data())
def test_batched_equals_point_by_point(s, data):
    shape = data.draw(batch_shapes)
    x = data.draw(points(s, shape))  # (*shape, d)
    f, g = s.value(x), s.grad(x)
    assert f.shape == shape and g.shape == (*shape, s.dim)
    assert f.dtype == np.float64 and g.dtype == np.float64
    f_scale, g_scale = batch_scale(s)
    for i in np.ndindex(shape):
        assert abs(f[i] - s.value(x[i])) <= 8 * EPS * f_scale
        assert np.all(np.abs(g[i] - s.grad(x[i])) <= 8 * EPS * g_scale)


@over_cases
@given(data=st.data())
def test_value_and_grad_equals_value_grad_and_call(s, data):
    x = data.draw(points(s, data.draw(batch_shapes)))
    before = x.copy()
    f, g = s.value_and_grad(x)
    assert np.array_equal(f, s.value(x)) and np.array_equal(g, s.grad(x))
    f2, g2 = s(x)
    assert np.array_equal(f2, f) and np.array_equal(g2, g)
    assert np.array_equal(x, before)  # inputs are never modified


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
