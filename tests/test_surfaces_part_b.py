"""Tests of seven analytic surfaces: six-hump camel, Goldstein-Price, Rastrigin,
Ackley, Styblinski-Tang, Branin and Hartmann6.

Each surface is checked against independent oracles: central finite
differences of its own value (for the gradient), values and gradients worked
out by hand, the published minimizers and minima (with the precision of their
printed digits), Newton's method (for the accuracy of the stored minimizers),
and single-point calls (for the batch contract). NumPy's RuntimeWarnings
(overflow, invalid value, division by zero) are errors.
"""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from surfaces.ackley import Ackley
from surfaces.branin import Branin
from surfaces.goldstein_price import GoldsteinPrice
from surfaces.hartmann6 import Hartmann6
from surfaces.rastrigin import Rastrigin
from surfaces.six_hump_camel import SixHumpCamel
from surfaces.styblinski_tang import StyblinskiTang

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")  # NumPy's warnings

EPS = np.finfo(np.float64).eps
SCALABLE = {"rastrigin": Rastrigin, "ackley": Ackley, "styblinski_tang": StyblinskiTang}
FIXED = {
    "six_hump_camel": (SixHumpCamel, 2),
    "goldstein_price": (GoldsteinPrice, 2),
    "branin": (Branin, 2),
    "hartmann6": (Hartmann6, 6),
}
NAMES = [*FIXED, *SCALABLE]

# Hartmann6's constants typed again from Surjanovic & Bingham's page (P as
# 1e-4 times integers), so that the hand computations below check the module's
# transcription.
H6_ALPHA = [1.0, 1.2, 3.0, 3.2]
H6_A = [
    [10, 3, 17, 3.5, 1.7, 8],
    [0.05, 10, 17, 0.1, 8, 14],
    [3, 3.5, 1.7, 10, 17, 8],
    [17, 8, 0.05, 10, 0.1, 14],
]
H6_P = [
    [1312, 1696, 5569, 124, 8283, 5886],
    [2329, 4135, 8307, 3736, 1004, 9991],
    [2348, 1451, 3522, 2883, 3047, 6650],
    [4047, 8828, 8732, 5743, 1091, 381],
]


@st.composite
def surfaces(draw, name):
    if name in SCALABLE:
        return SCALABLE[name](draw(st.integers(1, 5)))
    return FIXED[name][0]()


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


# ---------------------------------------------------------------- gradients
#
# The central difference (f(x + h e_j) - f(x - h e_j)) / 2h differs from the
# derivative by at most h^2 M3 / 6 (M3 bounds |d^3 f / dx_j^3| on the domain)
# plus the rounding error of the two values divided by 2h. Each value is
# computed with an error below 16 eps F, where F bounds the sum of the absolute
# values of the terms that are added, plus |slope| |argument| for each cosine
# (the rounding of its argument, amplified); 16 is a generous count of
# roundings. So |grad - fd| <= h^2 M3 / 6 + 16 eps F / h, with h near its
# optimum (48 eps F / M3)^(1/3). Dividing by the actual step (x + h) - (x - h)
# removes the rounding of the stencil points themselves.
def fd_case(name, d):
    """``(h, M3, F)`` for each surface; the bounds are derived in the comments."""
    if name == "rastrigin":
        # f''' = 10 (2 pi)^3 sin(2 pi x_j); per coordinate terms 10 + 26.3 + 10,
        # and 10 cos(theta) has slope <= 10 at |theta| <= 2 pi 5.12 = 32.2.
        return 2e-5, 10 * (2 * np.pi) ** 3, (46.3 + 322.0) * d
    if name == "styblinski_tang":
        # f''' = 12 x_j <= 60; terms (625 + 400 + 25) / 2 per coordinate
        return 1e-4, 60.0, 525.0 * d
    if name == "ackley":
        # Away from the cone point (r >= 0.1, see the test): along e_j,
        # |r'| <= 1, |r''| <= 1/r, |r'''| <= 3/r^2, so the funnel's third
        # derivative is <= a (b^3 + 3 b^2 / r + 3 b / r^2) <= 1224; with
        # |m'| <= c, |m''| <= c^2, |m'''| <= c^3 the ripples' is
        # <= e (c^3 + 3 c^3 + c^3) <= 3372. Terms: a, e, a e^(-b r), e^m,
        # and e^m cos(theta) has slope <= e at |theta| <= 2 pi 32.768 = 206.
        return 1e-5, 1224.0 + 3372.0, 2 * (20 + np.e) + np.e * 206
    if name == "six_hump_camel":
        # f''' = -50.4 x1 + 40 x1^3 <= 1232 on |x1| <= 3, 96 x2 <= 192;
        # terms 36 + 170.1 + 243 + 6 + 16 + 64 of the expanded sextic
        return 1e-5, 1232.0, 535.1
    if name == "goldstein_price":
        # Third derivatives bounded by sum |coefficient| 2^degree of the
        # expanded octic's third partials (computed with SymPy): 4.53e7.
        # |p| <= 1 + 25 * 123 and |q| <= 30 + 100 * 478 with all terms taken
        # positive, and f = p q doubles the relative error: F = 2 |p| |q|.
        return 4e-5, 4.53e7, 2 * 3076.0 * 47830.0
    if name == "branin":
        # h' = -2 b x1 + c in [-0.99, 2.89], h'' = -2 b, so
        # (h^2)''' = 6 h' h'' <= 4.48, plus s (1 - t) = 9.61 from the cosine;
        # |h| <= 15 + 12.92 + 15.92 + 6 = 49.8, terms h^2 + 9.61 + 10.
        return 1e-4, 4.48 + 9.61, 49.8**2 + 19.61
    if name == "hartmann6":
        # Bump i along e_j: |(alpha e^(-z))'''| <= alpha A^(3/2) max_s
        # e^(-s^2) (8 s^3 + 12 s) = 7.41 alpha A^(3/2) (with s = sqrt(A) |y|);
        # summed over the bumps, worst column j. Terms: alpha_i e^(-z_i).
        column = np.array(H6_ALPHA) @ np.array(H6_A) ** 1.5
        return 3e-6, 7.41 * column.max(), sum(H6_ALPHA)
    raise KeyError(name)


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_gradient_matches_central_differences(name, data):
    s = data.draw(surfaces(name))
    x = data.draw(points(s))
    if name == "ackley":
        # Not differentiable at 0, and its third derivative grows like 1/r^2.
        assume(np.sqrt(np.mean(x**2)) >= 0.1)
    h, m3, f_scale = fd_case(name, s.dim)
    tol = h**2 * m3 / 6 + 16 * EPS * f_scale / h
    x_plus, x_minus = x + h * np.eye(s.dim), x - h * np.eye(s.dim)  # (d, d)
    fd = (s.value(x_plus) - s.value(x_minus)) / np.diag(x_plus - x_minus)
    assert np.all(np.abs(s.grad(x) - fd) <= tol), (s.grad(x), fd, tol)


# ---------------------------------------------------------------- minima
#
# What is published, and how accurate the stored minimizers are, for d
# coordinates:
#   delta: bound on each coordinate's error in the stored minimizers;
#   half: half a unit in the last printed digit of the published minimum;
#   rf, rg: rounding bounds for the value and each gradient component near the
#       minimizer (16 eps times the sum of the absolute values of the terms).
# Exact minimizers (Goldstein-Price, Rastrigin, Ackley) are checked exactly.
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


def build(name, d=3):
    return SCALABLE[name](d) if name in SCALABLE else FIXED[name][0]()


def hessian(s, x, h=1e-6):
    """Central differences of the gradient (itself checked against the value)."""
    steps = h * np.eye(s.dim)
    columns = (s.grad(x + steps) - s.grad(x - steps)) / (2 * h)  # (d, d)
    return (columns + columns.T) / 2


@pytest.mark.parametrize("name", NAMES)
def test_value_at_minimizers_is_the_minimum(name):
    s = build(name)
    f = s.value(s.minimizers)
    if name not in INEXACT:
        assert np.all(f == s.minimum)
        return
    c = INEXACT[name](s.dim)
    for x, fx in zip(s.minimizers, f, strict=True):
        # f(x* + delta) - f(x*) <= |H| |delta|^2 / 2, with |delta|^2 <= d delta^2.
        quad = np.linalg.norm(hessian(s, x), 2) * s.dim * c["delta"] ** 2 / 2
        tol = c["half"] + c["rf"] + quad
        assert abs(fx - s.minimum) <= tol, (fx - s.minimum, tol)


@pytest.mark.parametrize("name", NAMES)
def test_gradient_vanishes_at_minimizers(name):
    s = build(name)
    g = s.grad(s.minimizers)
    if name not in INEXACT:
        assert np.all(g == 0.0)
        return
    c = INEXACT[name](s.dim)
    for x, gx in zip(s.minimizers, g, strict=True):
        # grad(x* + delta) = H delta + O(|delta|^2): factor 2 for the O().
        norm_h = np.linalg.norm(hessian(s, x), 2)
        tol = 2 * norm_h * np.sqrt(s.dim) * c["delta"] + c["rg"]
        assert np.all(np.abs(gx) <= tol), (gx, tol)


@pytest.mark.parametrize("name", INEXACT)
def test_stored_minimizers_are_as_accurate_as_claimed(name):
    # Newton's method on the gradient converges to the exact stationary point,
    # up to its own limit: gradient rounding over the smallest curvature.
    s = build(name)
    c = INEXACT[name](s.dim)
    for x_star in s.minimizers:
        x = x_star.copy()
        for _ in range(6):
            x = x - np.linalg.solve(hessian(s, x), s.grad(x))
        limit = c["rg"] / np.linalg.eigvalsh(hessian(s, x)).min()
        assert np.all(np.abs(x - x_star) <= c["delta"] + limit), x - x_star


# Published short digits (Surjanovic & Bingham, Jamil & Yang): each stored
# value must round to them. One unit where the source truncates instead of
# rounding: six-hump camel's -0.7126 stands for -0.712656.
SHORT = {
    "six_hump_camel": ([[0.0898, -0.7126], [-0.0898, 0.7126]], 1e-4, -1.0316, 5e-5),
    "goldstein_price": ([[0.0, -1.0]], 0.0, 3.0, 0.0),
    "branin": (
        [[-np.pi, 12.275], [np.pi, 2.275], [9.42478, 2.475]],
        5e-6,
        0.397887,
        5e-7,
    ),
    "hartmann6": (
        [[0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573]],
        np.array([5e-6, 5e-7, 5e-7, 5e-7, 5e-7, 5e-5]),
        -3.32237,
        5e-6,
    ),
}


@pytest.mark.parametrize("name", SHORT)
def test_agrees_with_published_short_digits(name):
    s = FIXED[name][0]()
    x_pub, x_tol, f_pub, f_tol = SHORT[name]
    assert s.minimizers.shape == np.shape(x_pub)
    assert np.all(np.abs(s.minimizers - np.array(x_pub)) <= x_tol)
    assert abs(s.minimum - f_pub) <= f_tol


def test_styblinski_tang_root_and_minimum_by_hand():
    # Newton on 4 x^3 - 32 x + 5 (converged to the last bit), not the module.
    x = -2.9
    for _ in range(8):
        x = x - (4 * x**3 - 32 * x + 5) / (12 * x**2 - 32)
    s = StyblinskiTang(dim=4)
    assert np.all(np.abs(s.minimizers - x) <= EPS * 3)
    assert abs(x - (-2.903534)) <= 5e-7  # Surjanovic & Bingham's digits
    # The formula at the printed minimizer -2.903534 is within
    # f'' delta^2 / 2 = 17.3 (5e-7)^2 = 4.3e-12 of the minimum, -39.1661657...
    # per coordinate: Surjanovic & Bingham's printed -39.16599 is a typo.
    per_coord = 0.5 * ((-2.903534) ** 4 - 16 * (-2.903534) ** 2 + 5 * (-2.903534))
    assert abs(s.minimum / 4 - per_coord) <= 4.3e-12 + 5e-15 + 16 * EPS * 110
    assert -39.16617 < s.minimum / 4 < -39.16616


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_no_point_beats_the_minimum(name, data):
    s = data.draw(surfaces(name))
    x = data.draw(points(s))
    # Rounding near the minimum is below 1e-12 for all seven (values there
    # are sums of terms below 1e3).
    assert s.value(x) >= s.minimum - 1e-12


# ---------------------------------------------------------------- batch contract
#
# Elementwise formulas give bitwise equal results in a batch. A sum of d <= 6
# terms over the last axis (Rastrigin, Styblinski-Tang and Ackley values,
# Ackley's means, Hartmann6's sums and einsum) may be added in another order
# in a batch than for one point (NumPy does not promise one order): the result
# then moves by at most (d - 1) eps S, S the sum of the absolute values of the
# terms, and Ackley's and Hartmann6's exponentials pass on at most as much
# again. So 8 eps S, with S: Rastrigin 46.3 d + 10 d, Styblinski-Tang 525 d,
# Ackley 2 (a + e) and a b + c e < 22, Hartmann6 8.4 and 200 (see above), and
# S = 0 (exact) for the elementwise ones.
def batch_scale(name, d):
    return {
        "rastrigin": (56.3 * d, 0.0),
        "styblinski_tang": (525.0 * d, 0.0),
        "ackley": (2 * (20 + np.e), 22.0),
        "hartmann6": (8.4, 200.0),
    }.get(name, (0.0, 0.0))


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_batch_equals_point_by_point(name, data):
    s = data.draw(surfaces(name))
    shape = data.draw(batch_shapes)
    x = data.draw(points(s, shape))  # (*shape, d)
    f, g = s.value(x), s.grad(x)
    assert f.shape == shape and g.shape == (*shape, s.dim)
    assert f.dtype == np.float64 and g.dtype == np.float64
    f_scale, g_scale = batch_scale(name, s.dim)
    for idx in np.ndindex(*shape):
        assert abs(f[idx] - s.value(x[idx])) <= 8 * EPS * f_scale
        assert np.all(np.abs(g[idx] - s.grad(x[idx])) <= 8 * EPS * g_scale)


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_value_and_grad_equals_value_grad_and_call(name, data):
    s = data.draw(surfaces(name))
    x = data.draw(points(s, data.draw(batch_shapes)))
    x_before = x.copy()
    f, g = s.value_and_grad(x)
    np.testing.assert_array_equal(f, s.value(x))
    np.testing.assert_array_equal(g, s.grad(x))
    f_call, g_call = s(x)
    np.testing.assert_array_equal(f_call, f)
    np.testing.assert_array_equal(g_call, g)
    np.testing.assert_array_equal(x, x_before)  # inputs are never modified


@pytest.mark.parametrize("name", NAMES)
def test_accepts_lists_and_integers(name):
    s = build(name)
    x = [[int(v) for v in np.round(s.start)]]
    np.testing.assert_array_equal(s.value(x), s.value(np.array(x, dtype=float)))
    np.testing.assert_array_equal(s.grad(x), s.grad(np.array(x, dtype=float)))


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("method", ["value", "grad", "value_and_grad"])
def test_wrong_last_axis_is_a_value_error(name, method):
    s = build(name)
    for bad in (np.zeros(s.dim + 1), np.zeros((3, s.dim - 1)), np.float64(1.0)):
        with pytest.raises(ValueError, match=r"x must have shape \(\*batch, \d+\)"):
            getattr(s, method)(bad)


@pytest.mark.parametrize("name", SCALABLE)
@pytest.mark.parametrize(
    ("dim", "error"),
    [
        (0, ValueError),
        (-2, ValueError),
        (2.0, TypeError),
        ("3", TypeError),
        (True, TypeError),
    ],
)
def test_scalable_constructor_rejects_bad_dim(name, dim, error):
    with pytest.raises(error, match=rf"dim .*{dim!r}"):
        SCALABLE[name](dim)


@pytest.mark.parametrize("name", FIXED)
def test_fixed_constructor_accepts_only_its_dim(name):
    cls, d = FIXED[name]
    assert cls().dim == cls(dim=d).dim == d
    with pytest.raises(ValueError, match=rf"dim must be {d}, got {d + 1}"):
        cls(dim=d + 1)
    with pytest.raises(ValueError, match="dim must be >= 1, got 0"):
        cls(dim=0)
    with pytest.raises(TypeError, match="dim must be an integer, got 2.0"):
        cls(dim=2.0)


# ---------------------------------------------------------------- attributes
EXPECTED = {  # registry name -> (class, number of global minimizers)
    "six_hump_camel": (SixHumpCamel, 2),
    "goldstein_price": (GoldsteinPrice, 1),
    "rastrigin": (Rastrigin, 1),
    "ackley": (Ackley, 1),
    "styblinski_tang": (StyblinskiTang, 1),
    "branin": (Branin, 3),
    "hartmann6": (Hartmann6, 1),
}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("d", [1, 4])
def test_attributes(name, d):
    cls, k = EXPECTED[name]
    s = cls(d) if name in SCALABLE else cls()
    assert cls.name == name and s.dim == (d if name in SCALABLE else FIXED[name][1])
    low, high = s.bounds
    for a in (low, high, s.start):
        assert a.shape == (s.dim,) and a.dtype == np.float64
    assert np.all(low < high)
    assert s.minimizers.shape == (k, s.dim) and s.minimizers.dtype == np.float64
    assert np.all((low <= s.minimizers) & (s.minimizers <= high))
    assert isinstance(s.minimum, float)
    # The start is inside the domain, away from every minimizer, not stationary.
    assert np.all((low <= s.start) & (s.start <= high))
    assert np.min(np.linalg.norm(s.minimizers - s.start, axis=-1)) > 0.5
    assert s.value(s.start) > s.minimum + 1.0
    assert np.linalg.norm(s.grad(s.start)) > 1e-3


# ---------------------------------------------------------------- worked examples
#
# Values and gradients computed by hand (here, not by the module) at simple
# points. Exact integer arithmetic is compared exactly; elsewhere with a
# tolerance of a few eps times the size of the terms.
def test_six_hump_camel_by_hand():
    s = SixHumpCamel()
    # f(1, 1) = (4 - 2.1 + 1/3) 1 + 1 + (-4 + 4) 1 = 97/30
    assert s.value([1.0, 1.0]) == pytest.approx(97 / 30, rel=4 * EPS)
    # g1 = 8 - 8.4 + 2 + 1, g2 = 1 - 8 + 16
    np.testing.assert_allclose(
        s.grad([1.0, 1.0]), [2.6, 9.0], rtol=0, atol=16 * EPS * 8
    )
    # (-1, 0): f = 4 - 2.1 + 1/3, g = (-8 + 8.4 - 2, -1); x2 = 0 kills the rest
    assert s.value([-1.0, 0.0]) == pytest.approx(4 - 2.1 + 1 / 3, rel=4 * EPS)
    np.testing.assert_allclose(
        s.grad([-1.0, 0.0]), [-1.6, -1.0], rtol=0, atol=16 * EPS * 8
    )


def test_goldstein_price_by_hand():
    s = GoldsteinPrice()
    # (1, 1): u = 3, v = 3, s = -1, w = 37; f = (1 + 27)(30 + 37) = 1876;
    # dp = 2*3*3 + 9*(-2) = 0, dq1 = -148 - 44, dq2 = 222 + 66
    assert s.value([1.0, 1.0]) == 1876.0
    np.testing.assert_array_equal(s.grad([1.0, 1.0]), [28 * -192, 28 * 288])
    # (0, 0): u = 1, v = 19, s = 0; f = 20 * 30; dp = 38 - 14 = 24, dq = 0
    assert s.value([0.0, 0.0]) == 600.0
    np.testing.assert_array_equal(s.grad([0.0, 0.0]), [24 * 30, 24 * 30])


def test_rastrigin_by_hand():
    s = Rastrigin(dim=3)
    x = [0.5, -1.0, 0.25]
    # 30 + (0.25 + 10) + (1 - 10) + (0.0625 - 0)
    assert s.value(x) == pytest.approx(31.3125, abs=16 * EPS * 60)
    # 2 x + 20 pi sin(2 pi x): sin(pi) = sin(-2 pi) = 0, sin(pi / 2) = 1
    np.testing.assert_allclose(
        s.grad(x), [1.0, -2.0, 0.5 + 20 * math.pi], rtol=0, atol=1e-13
    )


def test_ackley_by_hand():
    s = Ackley(dim=2)
    # x = (1, 1): r = 1, cos(2 pi) = 1, so f = 20 - 20 e^(-0.2) + e - e and
    # each gradient component is a b e^(-b) / d = 2 e^(-0.2) (sin(2 pi) = 0).
    assert s.value([1.0, 1.0]) == pytest.approx(20 - 20 * math.exp(-0.2), rel=1e-14)
    np.testing.assert_allclose(
        s.grad([1.0, 1.0]), [2 * math.exp(-0.2)] * 2, rtol=1e-14, atol=1e-14
    )
    s1 = Ackley(dim=1)
    # x = 0.5: r = 0.5, cos(pi) = -1: f = -20 e^(-0.1) - e^(-1) + 20 + e
    expected = -20 * math.exp(-0.1) - math.exp(-1) + 20 + math.e
    assert s1.value([0.5]) == pytest.approx(expected, rel=1e-14)
    np.testing.assert_allclose(
        s1.grad([0.5]), [4 * math.exp(-0.1)], rtol=1e-14, atol=1e-14
    )
    # x = (-3, 0): sign flips with x, u = (-sqrt(2), 0)
    g = s.grad([-3.0, 0.0])
    r = 3 / math.sqrt(2)
    funnel = 20 * 0.2 * math.exp(-0.2 * r) * -math.sqrt(2) / 2
    np.testing.assert_allclose(g, [funnel, 0.0], rtol=1e-13, atol=1e-13)


def test_ackley_origin_is_exact_and_quiet():
    s = Ackley(dim=3)
    x = np.array([[0.0, 0.0, 0.0], [-0.0, 0.0, -0.0], [1e-300, 0.0, 0.0]])
    np.testing.assert_array_equal(s.value(x[:2]), [0.0, 0.0])
    np.testing.assert_array_equal(s.grad(x[:2]), np.zeros((2, 3)))
    assert np.all(np.isfinite(s.grad(x)))  # underflowing radius: no 0/0 either


def test_styblinski_tang_by_hand():
    s = StyblinskiTang(dim=2)
    # (1 - 16 + 5)/2 + (1 - 16 - 5)/2 = -5 - 10; g = 2 x^3 - 16 x + 2.5
    assert s.value([1.0, -1.0]) == -15.0
    np.testing.assert_array_equal(s.grad([1.0, -1.0]), [-11.5, 16.5])
    assert StyblinskiTang(dim=1).value([2.0]) == 0.5 * (16 - 64 + 10)


def test_branin_by_hand():
    s = Branin()
    # (0, 0): h = -6, f = 36 + 10 (1 - 1/(8 pi)) + 10; g = (2 (-6) 5/pi, 2 (-6))
    assert s.value([0.0, 0.0]) == pytest.approx(56 - 10 / (8 * math.pi), rel=4 * EPS)
    np.testing.assert_allclose(s.grad([0.0, 0.0]), [-60 / math.pi, -12.0], rtol=4 * EPS)
    # (pi, 2.275) is a minimizer: h = 2.275 - 1.275 + 5 - 6 = 0, cos = -1
    assert s.value([math.pi, 2.275]) == pytest.approx(
        10 / (8 * math.pi), abs=16 * EPS * 20
    )


def hartmann6_by_hand(x):
    """Scalar loops over the constants typed above, with math.exp."""
    f, g = 0.0, [0.0] * 6
    for alpha, a_row, p_row in zip(H6_ALPHA, H6_A, H6_P, strict=True):
        y = [x[j] - p_row[j] / 1e4 for j in range(6)]
        e = alpha * math.exp(-sum(a_row[j] * y[j] ** 2 for j in range(6)))
        f -= e
        for j in range(6):
            g[j] += 2 * a_row[j] * y[j] * e
    return f, g


@pytest.mark.parametrize(
    "x", [[0.5] * 6, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [0.0, 1.0, 0.0, 1.0, 0.0, 1.0]]
)
def test_hartmann6_by_hand(x):
    s = Hartmann6()
    f, g = hartmann6_by_hand(x)
    assert s.value(x) == pytest.approx(f, rel=1e-14, abs=1e-15)
    np.testing.assert_allclose(s.grad(x), g, rtol=1e-13, atol=16 * EPS * 200)
