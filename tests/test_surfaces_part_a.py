"""Tests of Quadratic, Rosenbrock, Beale, Booth, Matyas, Himmelblau, ThreeHumpCamel.

Each surface is checked against oracles that do not share its code: central
finite differences for the gradient, the published minimizers, hand-computed
values and gradients, and (for Quadratic) ``np.linalg.eigvalsh``.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from surfaces.beale import Beale
from surfaces.booth import Booth
from surfaces.himmelblau import Himmelblau
from surfaces.matyas import Matyas
from surfaces.quadratic import Quadratic
from surfaces.rosenbrock import Rosenbrock
from surfaces.three_hump_camel import ThreeHumpCamel

EPS = np.finfo(np.float64).eps

CASES = {
    "quadratic": Quadratic(),
    "quadratic-k100-d5": Quadratic(condition=100.0, dim=5, seed=3),
    "quadratic-diagonal": Quadratic(eigenvalues=[0.5, 2.0, 7.0], rotate=False),
    "rosenbrock": Rosenbrock(),
    "rosenbrock-3": Rosenbrock(dim=3),
    "rosenbrock-6": Rosenbrock(dim=6),
    "beale": Beale(),
    "booth": Booth(),
    "matyas": Matyas(),
    "himmelblau": Himmelblau(),
    "three_hump_camel": ThreeHumpCamel(),
}
over_surfaces = pytest.mark.parametrize("s", list(CASES.values()), ids=list(CASES))


def points(s, batch=()):
    """Points of shape (*batch, d) in the surface's box ``bounds``."""
    low, high = s.bounds
    unit = hnp.arrays(
        np.float64, (*batch, s.dim), elements=st.floats(0.0, 1.0, allow_nan=False)
    )
    return unit.map(lambda u: low + u * (high - low))


batch_shapes = hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=4)


# --- the contract: attributes, shapes, registry names ------------------------


@pytest.mark.parametrize(
    ("cls", "name"),
    [
        (Quadratic, "quadratic"),
        (Rosenbrock, "rosenbrock"),
        (Beale, "beale"),
        (Booth, "booth"),
        (Matyas, "matyas"),
        (Himmelblau, "himmelblau"),
        (ThreeHumpCamel, "three_hump_camel"),
    ],
)
def test_registry_name_and_default_construction(cls, name):
    assert cls.name == name
    assert isinstance(cls(), cls)  # the registry calls cls()


@over_surfaces
def test_attributes_have_the_documented_shapes(s):
    d = s.dim
    low, high = s.bounds
    assert low.shape == high.shape == (d,) and np.all(low < high)
    assert s.minimizers.ndim == 2 and s.minimizers.shape[1] == d
    assert np.all((low <= s.minimizers) & (s.minimizers <= high))
    assert s.start.shape == (d,) and np.all((low <= s.start) & (s.start <= high))
    assert isinstance(s.minimum, float)
    assert s.value(s.start) > s.minimum  # the start is not already a solution
    for a in (low, high, s.minimizers, s.start):
        assert a.dtype == np.float64


# --- gradients against finite differences ------------------------------------


@over_surfaces
@given(data=st.data())
def test_grad_matches_central_differences(s, data):
    x = data.draw(points(s))
    h = 1e-6 * np.maximum(1.0, np.abs(x))
    fd = np.empty(s.dim)
    for i in range(s.dim):
        xp, xm = x.copy(), x.copy()
        xp[i] += h[i]
        xm[i] -= h[i]
        # divide by the step actually taken, which x +- h rounds
        fd[i] = (s.value(xp) - s.value(xm)) / (xp[i] - xm[i])
    # Error of the central difference: rounding, about eps * F / h <= 2.2e-10 F
    # with F the size of f's terms (at most ~15 (1 + |f|) for these polynomials
    # on their domains, e.g. the camel's x1^6 / 6 against its -1.05 x1^4), so
    # <= 3.3e-9 (1 + |f|); truncation, h^2 |f'''| / 6, is <= 1e-8 (1 + |f|)
    # everywhere (largest at Beale's corners, where |f| ~ 1e5). So 1e-7 (1 + |f|)
    # has a margin of 10 (measured on 3000 random points per surface: 80), while
    # a wrong term in a gradient whose size is about |f| fails by far.
    tol = 1e-7 * (1.0 + abs(s.value(x)))
    np.testing.assert_allclose(s.grad(x), fd, rtol=0, atol=tol)


# --- minimizers, minimum ----------------------------------------------------

# Tolerances at the minimizers. Everywhere but Himmelblau the minimizers are
# exact binary numbers at which every residual is exactly 0, so value and
# gradient are exactly 0. Himmelblau's three irrational minimizers are rounded
# to double (error <= 4.4e-16 per coordinate), so each residual u is at most
# about |grad u| * 4.4e-16 + rounding 11 * eps ~ 1e-14: f = u1^2 + u2^2 <= 1e-27
# and |grad f| <= 2 (|u1| |grad u1| + |u2| |grad u2|) <= 1e-12.
AT_MINIMUM_TOL = {"himmelblau": (1e-26, 1e-12)}


@over_surfaces
def test_minimizers_attain_the_minimum_with_zero_gradient(s):
    tol_f, tol_g = AT_MINIMUM_TOL.get(s.name, (0.0, 0.0))
    f, g = s.value(s.minimizers), s.grad(s.minimizers)
    assert np.all(np.abs(f - s.minimum) <= tol_f), f
    assert np.all(np.linalg.norm(g, axis=-1) <= tol_g), g


@over_surfaces
@given(data=st.data())
def test_no_point_of_the_domain_is_below_the_minimum(s, data):
    x = data.draw(points(s, (8,)))
    # slack for rounding next to a minimum of 0, where f's terms are O(1)
    assert np.all(s.value(x) >= s.minimum - 1e-12)


def test_himmelblau_minimizers_match_the_published_digits():
    # Wikipedia, "Himmelblau's function": six decimals, two of them truncated
    # rather than rounded (3.131312, -1.848126), so agree within 1e-6.
    published = [
        [3.0, 2.0],
        [-2.805118, 3.131312],
        [-3.779310, -3.283186],
        [3.584428, -1.848126],
    ]
    s = Himmelblau()
    assert s.minimizers.shape == (4, 2)
    np.testing.assert_allclose(s.minimizers, published, rtol=0, atol=1e-6)


# --- batches, purity, errors -------------------------------------------------


@over_surfaces
@given(data=st.data())
def test_batched_equals_point_by_point(s, data):
    shape = data.draw(batch_shapes)
    x = data.draw(points(s, shape))
    f, g = s.value(x), s.grad(x)
    assert f.shape == shape and g.shape == (*shape, s.dim)
    for i in np.ndindex(shape):
        # exact: every surface reduces only along the contiguous last axis
        assert s.value(x[i]) == f[i]
        assert np.array_equal(s.grad(x[i]), g[i])


@over_surfaces
@given(data=st.data())
def test_value_and_grad_equals_value_then_grad(s, data):
    x = data.draw(points(s, data.draw(batch_shapes)))
    before = x.copy()
    f, g = s.value_and_grad(x)
    assert np.array_equal(f, s.value(x)) and np.array_equal(g, s.grad(x))
    f2, g2 = s(x)
    assert np.array_equal(f2, f) and np.array_equal(g2, g)
    assert np.array_equal(x, before)  # inputs are never modified


@over_surfaces
def test_wrong_last_axis_is_a_value_error(s):
    for shape in [(s.dim + 1,), (3, s.dim - 1), (2, s.dim, 1), ()]:
        with pytest.raises(ValueError, match=r"shape \(\*batch, \d+\)"):
            s.value(np.zeros(shape))
        with pytest.raises(ValueError, match="shape"):
            s.value_and_grad(np.zeros(shape))


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Rosenbrock(dim=1), ValueError, "dim must be >= 2, got 1"),
        (lambda: Rosenbrock(dim=2.0), TypeError, "dim must be an integer, got 2.0"),
        (lambda: Rosenbrock(dim=True), TypeError, "dim must be an integer, got True"),
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
        (lambda: Quadratic(dim=0), ValueError, "dim must be >= 1, got 0"),
        (lambda: Quadratic(dim=2.5), TypeError, "dim must be an integer, got 2.5"),
        (lambda: Quadratic(rotate="yes"), TypeError, "rotate .* got 'yes'"),
        (lambda: Quadratic(seed="x"), TypeError, "seed .* got 'x'"),
        (lambda: Quadratic(seed=-1), ValueError, "seed .* got -1"),
        (lambda: Beale(dim=3), TypeError, "dim"),
    ],
)
def test_bad_constructor_arguments_are_named(make, error, message):
    with pytest.raises(error, match=message):
        make()


# --- Quadratic: its curvature attributes are the spectrum of A -------------


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


@given(data=st.data())
def test_quadratic_value_is_between_mu_and_l_bounds(data):
    s = CASES["quadratic-k100-d5"]
    x = data.draw(points(s))
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


# --- worked examples, computed by hand ---------------------------------------


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


def test_quadratic_by_hand():
    s = Quadratic(eigenvalues=[1.0, 4.0], rotate=False)
    # A = diag(1, 4): f(1, -2) = (1 * 1 + 4 * 4) / 2 = 8.5, g = (1, -8)
    assert s.value([1.0, -2.0]) == 8.5
    assert np.array_equal(s.grad([1.0, -2.0]), [1.0, -8.0])
