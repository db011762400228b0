"""Worked examples and the tests of one surface at a time.

Values and gradients computed by hand (here, not by the module) at simple
points; the published digits of the minimizers and minima; Quadratic's
spectrum against ``np.linalg.eigvalsh``. Exact arithmetic is compared
exactly; elsewhere with a tolerance of a few eps times the size of the terms.
The properties that every surface shares are the kit ``surfaces.testing``,
run on every shipped surface by ``tests/test_surfaces_testing.py``.
"""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import surfaces
from surfaces import (
    Ackley,
    Beale,
    Booth,
    Branin,
    GoldsteinPrice,
    Hartmann6,
    Himmelblau,
    Matyas,
    Quadratic,
    Rastrigin,
    Rosenbrock,
    SixHumpCamel,
    StyblinskiTang,
    ThreeHumpCamel,
)
from surfaces.quadratic import _rotation
from tests.strategies import arrays

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")  # NumPy's warnings

EPS = np.finfo(np.float64).eps


# --- constructor arguments of Quadratic and Rosenbrock ------------------------
# (the dim of every surface is tested in test_surfaces.py)


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Rosenbrock(dim=1), ValueError, "dim must be >= 2, got 1"),
        (lambda: Quadratic(eigenvalues=[1.0, 0.0]), ValueError, "eigenvalues"),
        (lambda: Quadratic(eigenvalues=[1.0, -2.0]), ValueError, "eigenvalues"),
        (lambda: Quadratic(eigenvalues=[1.0, np.nan]), ValueError, "eigenvalues"),
        (lambda: Quadratic(eigenvalues=[1.0, np.inf]), ValueError, "eigenvalues"),
        (lambda: Quadratic(eigenvalues=[]), ValueError, "eigenvalues"),
        (lambda: Quadratic(eigenvalues=[[1.0, 2.0]]), ValueError, "eigenvalues"),
        (lambda: Quadratic(eigenvalues=["a"]), TypeError, "eigenvalues"),
        (lambda: Quadratic(eigenvalues=[1, 2], dim=3), ValueError, "dim=3"),
        (lambda: Quadratic(eigenvalues=[1], condition=2), ValueError, "condition=2"),
        (lambda: Quadratic(condition=0.5), ValueError, "condition .* got 0.5"),
        (lambda: Quadratic(condition=np.nan), ValueError, "condition .* got nan"),
        (lambda: Quadratic(condition=np.inf), ValueError, "condition .* got inf"),
        (lambda: Quadratic(condition=10, dim=1), ValueError, "condition .* got 10"),
        (lambda: Quadratic(condition="10"), TypeError, "condition .* got '10'"),
        (lambda: Quadratic(condition=True), TypeError, "condition .* got True"),
        (lambda: Quadratic(dim=2.5), TypeError, "dim must be an integer, got 2.5"),
        (lambda: Quadratic(rotate="yes"), TypeError, "rotate .* got 'yes'"),
        (lambda: Quadratic(seed="x"), TypeError, "seed .* got 'x'"),
        (lambda: Quadratic(seed=-1), ValueError, "seed .* got -1"),
    ],
)
def test_bad_constructor_arguments_are_named(make, error, message):
    with pytest.raises(error, match=message):
        make()


# --- Quadratic: its curvature attributes are the spectrum of A ---------------


@given(
    condition=st.floats(1.0, 1e6),
    dim=st.integers(2, 6),
    rotate=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_quadratic_curvatures_are_the_extreme_eigenvalues(condition, dim, rotate, seed):
    s = Quadratic(condition=condition, dim=dim, rotate=rotate, seed=seed)
    assert np.array_equal(s.A, s.A.T)
    lam = np.linalg.eigvalsh(s.A)  # ascending
    np.linalg.cholesky(s.A)  # raises unless A is positive definite
    # A = Q diag(lam) Q^T carries rounding of a few d * eps * L, and eigvalsh is
    # backward stable (error <= c d eps ||A||); 16 d eps L bounds both.
    tol = 16 * dim * EPS * s.smoothness
    assert lam[0] > 0
    assert abs(s.strong_convexity - lam[0]) <= tol
    assert abs(s.smoothness - lam[-1]) <= tol
    assert s.strong_convexity == 1.0 and s.smoothness == condition


@given(
    eigenvalues=st.lists(st.floats(1e-3, 1e3), min_size=1, max_size=6),
    seed=st.integers(0, 2**32 - 1),
)
def test_quadratic_rotation_keeps_the_given_spectrum(eigenvalues, seed):
    s = Quadratic(eigenvalues=eigenvalues, seed=seed)
    assert s.dim == len(eigenvalues)
    tol = 16 * s.dim * EPS * max(eigenvalues)  # as above
    np.testing.assert_allclose(
        np.linalg.eigvalsh(s.A), np.sort(eigenvalues), rtol=0, atol=tol
    )
    assert s.smoothness == max(eigenvalues)
    assert s.strong_convexity == min(eigenvalues)


@given(x=arrays((5,), -2.0, 2.0))  # in the bounds [-2, 2]^5
def test_quadratic_value_is_between_mu_and_l_bounds(x):
    s = Quadratic(condition=100.0, dim=5, seed=3)
    r2 = x @ x
    # mu/2 |x|^2 <= f(x) <= L/2 |x|^2, up to rounding of d * eps * L |x|^2
    slack = 8 * s.dim * EPS * s.smoothness * r2
    f = s.value(x)
    assert s.strong_convexity / 2 * r2 - slack <= f <= s.smoothness / 2 * r2 + slack


def test_quadratic_eigenvalues_are_geometric_and_seeded():
    s = Quadratic(condition=10.0, dim=3, rotate=False)
    np.testing.assert_allclose(s.eigenvalues, [1.0, 10**0.5, 10.0], rtol=1e-15)
    assert np.array_equal(s.A, np.diag(s.eigenvalues))
    assert np.array_equal(Quadratic(seed=5).A, Quadratic(seed=5).A)
    assert not np.array_equal(Quadratic(seed=5).A, Quadratic(seed=6).A)
    assert Quadratic(eigenvalues=[3.0]).dim == 1


def ks_distance_to_uniform(u):
    """Kolmogorov-Smirnov distance of a sample in [0, 1] to the uniform law."""
    u, n = np.sort(u), len(u)
    i = np.arange(1, n + 1)
    return max(np.max(i / n - u), np.max(u - (i - 1) / n))


# With n = 2000 draws, the uniform law gives a distance above 1.95 / sqrt(n)
# with probability 0.001 (Kolmogorov's limit law); the seeds are fixed, so
# the test is deterministic.
N_DRAWS = 2000
KS_LIMIT = 1.95 / math.sqrt(N_DRAWS)


def test_quadratic_rotation_turns_an_axis_to_a_uniform_direction():
    # eigenvalues (1, 1, 2): A = I + q q^T, q the rotated third axis. If the
    # rotation is Haar, q is uniform on the sphere S^2, and then |q_1| is
    # uniform on [0, 1] (Archimedes' hat-box theorem): A_11 - 1 = q_1^2.
    a11 = [
        Quadratic(eigenvalues=[1.0, 1.0, 2.0], seed=s).A[0, 0] for s in range(N_DRAWS)
    ]
    q1 = np.sqrt(np.maximum(np.array(a11) - 1.0, 0.0))  # rounding may give -eps
    assert ks_distance_to_uniform(q1) < KS_LIMIT


@pytest.mark.parametrize("d", [1, 2, 3, 5])
def test_quadratic_rotation_is_orthogonal_with_random_signs(d):
    # A does not see the column signs of Q (Q diag(lam) Q^T), so the sign fix
    # of the Haar construction is checked on Q itself: LAPACK's QR alone gives
    # the same signs every time (Q[0, 0] = 1 for d = 1, < 0 for d > 1;
    # det Q = (-1)^(d-1)); Haar measure on O(d) gives each sign of Q[0, 0] and
    # of det Q with probability 1/2 (here within 4.5 standard errors).
    rotations = [_rotation(d, np.random.default_rng(s)) for s in range(N_DRAWS)]
    for Q in rotations[:50]:
        np.testing.assert_allclose(Q.T @ Q, np.eye(d), rtol=0, atol=10 * d * EPS)
    signs = np.array([[Q[0, 0] > 0, np.linalg.det(Q) > 0] for Q in rotations])
    assert np.all(np.abs(signs.mean(axis=0) - 0.5) < 0.05)


# --- published digits ---------------------------------------------------------

# Published short digits (Surjanovic & Bingham, Jamil & Yang, Wikipedia): each
# stored minimizer and minimum must round to them, within (x_tol, f_tol). One
# unit where the source truncates instead of rounding: six-hump camel's -0.7126
# stands for -0.712656, and Wikipedia's Himmelblau 3.131312 and -1.848126
# for 3.1313125 and -1.8481265.
SHORT = {
    "himmelblau": (
        [
            [3.0, 2.0],
            [-2.805118, 3.131312],
            [-3.779310, -3.283186],
            [3.584428, -1.848126],
        ],
        1e-6,
        0.0,
        0.0,
    ),
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
    s = surfaces.get(name)
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


# --- worked examples, computed by hand -----------------------------------------


def test_quadratic_by_hand():
    s = Quadratic(eigenvalues=[1.0, 4.0], rotate=False)
    # A = diag(1, 4): f(1, -2) = (1 * 1 + 4 * 4) / 2 = 8.5, g = (1, -8)
    assert s.value([1.0, -2.0]) == 8.5
    assert np.array_equal(s.grad([1.0, -2.0]), [1.0, -8.0])


def test_rosenbrock_by_hand():
    s = Rosenbrock()
    # at the start (-1.2, 1): x2 - x1^2 = -0.44, 1 - x1 = 2.2
    # f = 100 * 0.1936 + 4.84 = 24.2 (the value More et al. 1981 report)
    # df/dx1 = -400 * (-1.2) * (-0.44) - 2 * 2.2 = -215.6, df/dx2 = 200 * -0.44
    np.testing.assert_allclose(s.value(s.start), 24.2, rtol=1e-14)
    np.testing.assert_allclose(s.grad(s.start), [-215.6, -88.0], rtol=1e-14)
    # 3-D at (1, 1, 0): term 1 is 0, term 2 is 100 (0 - 1)^2 = 100;
    # g = (0, 0 + (-400 * 1 * (0 - 1) - 0), 200 * (0 - 1)) = (0, 400, -200)
    s3 = Rosenbrock(dim=3)
    assert s3.value([1.0, 1.0, 0.0]) == 100.0
    assert np.array_equal(s3.grad([1.0, 1.0, 0.0]), [0.0, 400.0, -200.0])
    assert np.array_equal(Rosenbrock(dim=4).start, [-1.2, 1.0, -1.2, 1.0])
    assert np.array_equal(Rosenbrock(dim=3).start, [-1.2, 1.0, -1.2])


def test_beale_by_hand():
    s = Beale()
    # at (0, 0) the residuals are (1.5, 2.25, 2.625):
    # f = 2.25 + 5.0625 + 6.890625; df/dx1 = 2 (1.5 + 2.25 + 2.625) (-1)
    assert s.value([0.0, 0.0]) == 14.203125
    assert np.array_equal(s.grad([0.0, 0.0]), [-12.75, 0.0])
    # at (1, 1): same residuals, x2^k - 1 = 0, df/dx2 = 2 (1.5 + 2 * 2.25 + 3 * 2.625)
    assert s.value([1.0, 1.0]) == 14.203125
    assert np.array_equal(s.grad([1.0, 1.0]), [0.0, 27.75])


def test_booth_by_hand():
    s = Booth()
    # at (0, 0): residuals -7 and -5; f = 49 + 25
    # g = (2 * -7 + 4 * -5, 4 * -7 + 2 * -5)
    assert s.value([0.0, 0.0]) == 74.0
    assert np.array_equal(s.grad([0.0, 0.0]), [-34.0, -38.0])


def test_matyas_by_hand():
    s = Matyas()
    # at (1, 2): f = 0.26 * 5 - 0.48 * 2 = 0.34; g = (0.52 - 0.96, 1.04 - 0.48)
    # (decimal coefficients are not binary numbers: agree to a few eps)
    np.testing.assert_allclose(s.value([1.0, 2.0]), 0.34, rtol=1e-14)
    np.testing.assert_allclose(s.grad([1.0, 2.0]), [-0.44, 0.56], rtol=1e-14)


def test_himmelblau_by_hand():
    s = Himmelblau()
    # at (0, 0): residuals -11 and -7; f = 121 + 49; g = (2 * -7, 2 * -11)
    assert s.value([0.0, 0.0]) == 170.0
    assert np.array_equal(s.grad([0.0, 0.0]), [-14.0, -22.0])
    # at (1, 1): residuals -9 and -5; f = 81 + 25;
    # g = (4 * -9 + 2 * -5, 2 * -9 + 4 * -5)
    assert s.value([1.0, 1.0]) == 106.0
    assert np.array_equal(s.grad([1.0, 1.0]), [-46.0, -38.0])


def test_three_hump_camel_by_hand():
    s = ThreeHumpCamel()
    # at (1, 1): f = 2 - 1.05 + 1/6 + 1 + 1 = 187/60
    # g = (4 - 4.2 + 1 + 1, 1 + 2) = (1.8, 3)
    np.testing.assert_allclose(s.value([1.0, 1.0]), 187 / 60, rtol=1e-14)
    np.testing.assert_allclose(s.grad([1.0, 1.0]), [1.8, 3.0], rtol=1e-14)


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


# Hartmann6's constants typed again from Surjanovic & Bingham's page (P as
# 1e-4 times integers), so that the hand computation checks the module's
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


def test_hartmann6_constants_are_the_published_ones():
    s = Hartmann6()
    assert np.array_equal(s.alpha, H6_ALPHA) and np.array_equal(s.A, H6_A)
    assert np.array_equal(s.P, np.array(H6_P) / 1e4)


@pytest.mark.parametrize(
    "x", [[0.5] * 6, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [0.0, 1.0, 0.0, 1.0, 0.0, 1.0]]
)
def test_hartmann6_by_hand(x):
    s = Hartmann6()
    f, g = hartmann6_by_hand(x)
    assert s.value(x) == pytest.approx(f, rel=1e-14, abs=1e-15)
    np.testing.assert_allclose(s.grad(x), g, rtol=1e-13, atol=16 * EPS * 200)
