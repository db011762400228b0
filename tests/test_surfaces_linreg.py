"""Tests of surfaces.linear_regression: the loss, its gradient and the closed forms.

Tolerances are derived from rounding-error bounds (helpers below) or from the
condition number; the oracles are independent computations (explicit ones
column, centered data, hand-computed small problems, published values).
"""

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from surfaces import load_diabetes, make_regression
from surfaces.linear_regression import METHODS, LinearRegression

EPS = np.finfo(float).eps
# gradual underflow adds an absolute error of at most half of this per
# operation (fl(a op b) = (a op b)(1 + delta) + eta), which the relative
# bounds below miss when entries like 1e-158 are squared
SUB = np.finfo(float).smallest_subnormal
coord = st.floats(-3.0, 3.0, allow_subnormal=False)


# ---------------------------------------------------------------- strategies


@st.composite
def problems(draw, max_n=8, max_p=4):
    """Any small problem: X (n, p), y (n,), l2, intercept; entries in [-3, 3]."""
    n, p = draw(st.integers(1, max_n)), draw(st.integers(1, max_p))
    X = draw(arrays(np.float64, (n, p), elements=coord))
    y = draw(arrays(np.float64, (n,), elements=coord))
    l2 = draw(st.just(0.0) | st.floats(0.0, 2.0, allow_subnormal=False))
    return X, y, l2, draw(st.booleans())


@st.composite
def conditioned(draw, ridge=None):
    """A well-conditioned problem: X = sqrt(n) U diag(s) V^T with s in [0.5, 2].

    So X^T X / n has eigenvalues s^2 in [0.25, 4]; with an intercept the ones
    column could still be nearly in the span of X, so tests filter on the
    condition number of the full Hessian and scale tolerances with it.
    """
    p, intercept = draw(st.integers(1, 4)), draw(st.booleans())
    n = draw(st.integers(p + int(intercept) + 1, p + 7))
    s = draw(arrays(np.float64, (p,), elements=st.floats(0.5, 2.0)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    U = np.linalg.qr(rng.standard_normal((n, p)))[0]  # (n, p) orthonormal columns
    V = np.linalg.qr(rng.standard_normal((p, p)))[0]  # (p, p) orthogonal
    X = math.sqrt(n) * (U * s) @ V.T
    y = draw(arrays(np.float64, (n,), elements=coord))
    if ridge is None:
        l2 = draw(st.just(0.0) | st.floats(0.0, 2.0))
    else:
        l2 = draw(ridge)
    return X, y, l2, intercept


# ------------------------------------------------------ independent oracles


def design(X, intercept):
    """[X, 1] formed independently of the surface."""
    return np.column_stack([X, np.ones(len(X))]) if intercept else X


def penalty_mask(p, intercept):
    return np.concatenate([np.ones(p), np.zeros(int(intercept))])


def reference_hessian(X, l2, intercept):
    A = design(X, intercept)
    return A.T @ A / len(X) + l2 * np.diag(penalty_mask(X.shape[1], intercept))


def value_rounding_bound(A, y, l2, w):
    """Bound on |fl(f(w)) - f(w)| to first order in eps.

    Each residual r_i is a dot product of length d plus y_i, with absolute
    rounding error <= (d + 1) eps R_i, R_i = (|A| |w|)_i + |y_i| (Higham 2002,
    Eq. 3.5); squaring and summing n terms adds (n + 2) eps sum(R_i^2);
    each of the (n + 1)(d + 3) operations may add SUB / 2 on underflow.
    """
    n, d = A.shape
    R = np.abs(A) @ np.abs(w).T + np.abs(y)[:, None]  # (n, k) for w (k, d)
    rounding = (
        (2 * d + n + 6) * EPS * ((R**2).sum(axis=0) / (2 * n) + l2 * (w**2).sum(-1))
    )
    return rounding + (n + 1) * (d + 3) * SUB


def grad_rounding_bound(A, y, l2, w):
    """Bound on |fl(g(w)) - g(w)| coordinate-wise (same dot-product bound).

    Underflow: r_i carries (d + 1) SUB / 2, multiplied by |A_ij| <= max|A| in
    the sum; the n products and the last operations add SUB / 2 each.
    """
    n, d = A.shape
    R = np.abs(A) @ np.abs(w) + np.abs(y)  # (n,) bounds |r| and its terms
    rounding = (n + d + 4) * EPS * (np.abs(A).T @ R) / n + 3 * EPS * l2 * np.abs(w)
    return rounding + (n + d + 4) * (1 + np.abs(A).max()) * SUB


def solve_tolerance(X, y, l2, intercept, w):
    """Forward error bound of a backward-stable least-squares solve.

    For min ||A w - b|| with A = [X; sqrt(n l2) P]: ||dw|| <~ c eps kappa(A)
    (||w|| + kappa(A) ||r|| / ||A||) (Golub and Van Loan 2013, Thm 5.3.1);
    Cholesky on the normal equations replaces kappa(A) by kappa(H) =
    kappa(A)^2. Both are below c eps kappa(H) (||w|| + ||r|| / sigma_min(A))
    with sigma_min(A) = sqrt(n mu); c = 10 (n + d) covers the constants.
    """
    H = reference_hessian(X, l2, intercept)
    mu, L = np.linalg.eigvalsh(H)[[0, -1]]
    n, d = len(X), H.shape[0]
    r = design(X, intercept) @ w - y
    r_aug = math.sqrt(
        r @ r + n * l2 * np.sum((penalty_mask(X.shape[1], intercept) * w) ** 2)
    )
    return (
        10 * (n + d) * EPS * (L / mu) * (np.linalg.norm(w) + r_aug / math.sqrt(n * mu))
    )


def condition(X, l2, intercept):
    mu, L = np.linalg.eigvalsh(reference_hessian(X, l2, intercept))[[0, -1]]
    return L / mu if mu > 0 else np.inf


# ---------------------------------------------------------------- worked examples


def test_worked_example_by_hand():
    # X = [1, 2, 3]^T, y = [1, 2, 2]: X^T X = 14, X^T y = 11, so w* = 11/14;
    # residuals w* x - y = (-3, -6, 5)/14, f* = (9 + 36 + 25)/196 / (2*3) = 5/84
    s = LinearRegression([[1.0], [2.0], [3.0]], [1.0, 2.0, 2.0])
    for method in METHODS:
        np.testing.assert_allclose(s.solve(method), [11 / 14], rtol=1e-14)
    assert s.minimum == pytest.approx(5 / 84, rel=1e-14)
    # at w = 0: f = (1 + 4 + 4)/6 = 3/2 and g = -X^T y / 3 = -11/3
    assert float(s.value([0.0])) == pytest.approx(3 / 2, rel=1e-15)
    assert float(s.grad([0.0])[0]) == pytest.approx(-11 / 3, rel=1e-15)
    # Hessian X^T X / 3 = 14/3, so L = mu = 14/3
    assert s.smoothness == pytest.approx(14 / 3, rel=1e-14)
    assert s.strong_convexity == pytest.approx(14 / 3, rel=1e-14)


def test_worked_example_ridge_and_intercept_by_hand():
    X, y = [[1.0], [2.0], [3.0]], [1.0, 2.0, 2.0]
    # ridge l2 = 1: (14/3 + 1) w = 11/3, w = 11/17
    ridge = LinearRegression(X, y, l2=1.0)
    # intercept: slope = S_xy / S_xx = 1/2, intercept = 5/3 - 2 * 1/2 = 2/3
    line = LinearRegression(X, y, intercept=True)
    # both, l2 = 1: centered x = (-1, 0, 1), y - 5/3 = (-2, 1, 1)/3;
    # (2/3 + 1) w = (1/3)(2/3 + 1/3) = 1/3 -> w = 1/5, b = 5/3 - 2/5 = 19/15
    both = LinearRegression(X, y, l2=1.0, intercept=True)
    for method in METHODS:
        np.testing.assert_allclose(ridge.solve(method), [11 / 17], rtol=1e-14)
        np.testing.assert_allclose(line.solve(method), [1 / 2, 2 / 3], rtol=1e-13)
        np.testing.assert_allclose(both.solve(method), [1 / 5, 19 / 15], rtol=1e-13)
    # the intercept is not penalized: value at (0, b) has no b^2 term
    assert float(both.value([0.0, 1.0])) == pytest.approx((0 + 1 + 1) / 6, rel=1e-15)


def test_diabetes_ols_matches_published_coefficients():
    # Efron et al. (2004), Figure 1: the lasso path ends at the OLS fit on
    # covariates with unit sum of squares, coefficients (to the nearest
    # integer) below, sum of |beta| = 3460. Ours are standardized (unit
    # variance), so beta = our w * sqrt(n).
    published = [-10, -240, 520, 324, -792, 477, 101, 177, 751, 68]
    X, y, _ = load_diabetes(scaled=True)
    w = LinearRegression(X, y, intercept=True).solve()
    beta = w[:-1] * math.sqrt(len(y))
    np.testing.assert_allclose(beta, published, atol=0.5)
    assert np.abs(beta).sum() == pytest.approx(3460, abs=2)
    assert w[-1] == pytest.approx(y.mean(), rel=1e-12)  # centered features


# ---------------------------------------------------------------- gradient


@given(problems(), st.data())
def test_gradient_matches_central_differences(problem, data):
    X, y, l2, intercept = problem
    s = LinearRegression(X, y, l2=l2, intercept=intercept)
    w = data.draw(arrays(np.float64, (s.dim,), elements=coord))
    A, h = design(X, intercept), 1e-3
    # f is quadratic, so (f(w + h e) - f(w - h e)) / 2h is exactly g.e (no
    # truncation error); what remains is rounding: of the two values, divided
    # by 2h; of w +- h (steps off by eps (|w| + h) / 2 each, which move the
    # quotient by eps (|w| + h) (|g| / h + curvature)); and of g itself.
    # Factor 4 for safety.
    steps = w + h * np.eye(s.dim), w - h * np.eye(s.dim)  # (d, d) each
    fd = (s.value(steps[0]) - s.value(steps[1])) / (2 * h)
    g = s.grad(w)
    value_err = sum(value_rounding_bound(A, y, l2, ws) for ws in steps) / (2 * h)
    curvature = np.linalg.eigvalsh(reference_hessian(X, l2, intercept))[-1]
    step_err = EPS * (np.abs(w) + h) * (np.abs(g) / h + curvature)
    tol = 4 * (value_err + step_err + grad_rounding_bound(A, y, l2, w))
    assert np.all(np.abs(fd - g) <= tol), (fd, g, tol)


@given(problems(), st.data())
def test_hessian_vector_identity(problem, data):
    # grad is affine: grad(w1) - grad(w2) = H (w1 - w2) with H formed here
    X, y, l2, intercept = problem
    s = LinearRegression(X, y, l2=l2, intercept=intercept)
    w1, w2 = (data.draw(arrays(np.float64, (s.dim,), elements=coord)) for _ in "12")
    A, H = design(X, intercept), reference_hessian(X, l2, intercept)
    lhs, rhs = s.grad(w1) - s.grad(w2), H @ (w1 - w2)
    # rounding of both gradients, plus of H (w1 - w2): H's entries carry
    # (n + 2) eps |A|^T |A| / n, the product adds d eps |H| |w1 - w2|
    H_abs = np.abs(A).T @ np.abs(A) / len(X) + l2
    hv_err = (len(X) + s.dim + 4) * (EPS * H_abs @ np.abs(w1 - w2) + 3 * SUB)
    tol = 2 * (grad_rounding_bound(A, y, l2, w1) + grad_rounding_bound(A, y, l2, w2))
    assert np.all(np.abs(lhs - rhs) <= tol + 2 * hv_err)


@given(problems(), st.data())
def test_batched_equals_point_by_point(problem, data):
    X, y, l2, intercept = problem
    s = LinearRegression(X, y, l2=l2, intercept=intercept)
    W = data.draw(arrays(np.float64, (3, 4, s.dim), elements=coord))
    f, g = s.value(W), s.grad(W)
    assert f.shape == (3, 4) and g.shape == (3, 4, s.dim)
    A = design(X, intercept)
    # matmul over a stack may sum in another order than over one vector
    # (gemm vs gemv), so equal up to twice the rounding bound of each
    for i in range(3):
        for j in range(4):
            w = W[i, j]
            f_tol = 2 * value_rounding_bound(A, y, l2, w[None])[0]
            assert abs(f[i, j] - s.value(w)) <= f_tol
            g_tol = 2 * grad_rounding_bound(A, y, l2, w)
            assert np.all(np.abs(g[i, j] - s.grad(w)) <= g_tol)
    vf, vg = s.value_and_grad(W)
    np.testing.assert_array_equal(vf, f)  # the same operations: bit for bit
    np.testing.assert_array_equal(vg, g)


# ---------------------------------------------------------------- closed forms


@given(conditioned())
def test_solve_methods_agree_and_gradient_vanishes(problem):
    X, y, l2, intercept = problem
    assume(condition(X, l2, intercept) < 1e8)
    s = LinearRegression(X, y, l2=l2, intercept=intercept)
    mask = penalty_mask(X.shape[1], intercept)
    w_ref = np.linalg.lstsq(  # independent: augmented system formed here
        np.vstack([design(X, intercept), math.sqrt(len(X) * l2) * np.diag(mask)]),
        np.concatenate([y, np.zeros(s.dim)]),
        rcond=None,
    )[0]
    tol = solve_tolerance(X, y, l2, intercept, w_ref)
    L = s.smoothness
    for method in METHODS:
        w = s.solve(method)
        assert w.shape == (s.dim,)
        assert np.linalg.norm(w - w_ref) <= tol, method
        # |g(w)| = |H (w - w*)| + rounding of g
        g_tol = L * tol + np.linalg.norm(
            grad_rounding_bound(design(X, intercept), y, l2, w)
        )
        assert np.linalg.norm(s.grad(w)) <= g_tol, method


@given(conditioned(ridge=st.floats(0.01, 2.0)))
def test_ridge_solution_satisfies_normal_equations(problem):
    X, y, l2, intercept = problem
    assume(condition(X, l2, intercept) < 1e8)
    s = LinearRegression(X, y, l2=l2, intercept=intercept)
    A, H = design(X, intercept), reference_hessian(X, l2, intercept)
    rhs = A.T @ y / len(X)
    for method in METHODS:
        w = s.solve(method)
        # residual of (X^T X / n + l2 P^T P) w = X^T y / n: |H| |dw| + rounding
        tol = s.smoothness * solve_tolerance(X, y, l2, intercept, w)
        tol += np.linalg.norm(grad_rounding_bound(A, y, l2, w))
        assert np.linalg.norm(H @ w - rhs) <= tol, method


@given(conditioned())
def test_intercept_equals_centered_fit(problem):
    # with an unpenalized intercept b, the optimal b makes the mean residual
    # zero, so w solves the ridge problem on centered data, b = ybar - xbar.w
    X, y, l2, _ = problem
    assume(condition(X, l2, True) < 1e8)
    n, p = X.shape
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    A = np.vstack([Xc, math.sqrt(n * l2) * np.eye(p)])  # (n + p, p)
    w_c = np.linalg.lstsq(A, np.concatenate([yc, np.zeros(p)]), rcond=None)[0]
    expected = np.append(w_c, y.mean() - X.mean(axis=0) @ w_c)
    s = LinearRegression(X, y, l2=l2, intercept=True)
    tol = solve_tolerance(X, y, l2, True, expected)
    for method in METHODS:
        assert np.linalg.norm(s.solve(method) - expected) <= 2 * tol, method


@given(st.integers(1, 5), st.integers(0, 6), st.integers(0, 2**32 - 1))
def test_noise_free_data_gives_back_the_true_weights(d, extra, seed):
    X, y, w_true = make_regression(n=d + extra, d=d, noise=0.0, rng=seed)
    kappa = condition(X, 0.0, False)
    assume(kappa < 1e10)  # a square Gaussian X is occasionally near singular
    s = LinearRegression(X, y)
    tol = solve_tolerance(X, y, 0.0, False, w_true)
    for method in METHODS:
        assert np.linalg.norm(s.solve(method) - w_true) <= tol, method


def test_rank_deficient_methods():
    # a duplicated column: w = (a, b) with a + b = c all minimize; the
    # minimum-norm one splits c evenly. cholesky and qr refuse.
    x = np.array([1.0, 2.0, 3.0, 4.0])
    X, y = np.column_stack([x, x]), 2 * x + np.array([0.1, -0.1, 0.1, -0.1])
    s = LinearRegression(X, y)
    c = (x @ y) / (x @ x)
    for method in ("lstsq", "svd"):
        np.testing.assert_allclose(s.solve(method), [c / 2, c / 2], rtol=1e-12)
    for method in ("cholesky", "qr"):
        with pytest.raises(ValueError, match="singular"):
            s.solve(method)
    # with l2 > 0 the Hessian is nonsingular and all methods agree
    r = LinearRegression(X, y, l2=0.1)
    w = r.solve("lstsq")
    for method in METHODS:
        np.testing.assert_allclose(r.solve(method), w, rtol=1e-10)


def known_svd(n, d, cond, seed):
    """X = sqrt(n) U diag(s) V^T with s from 1 down to 1 / cond (log-spaced)."""
    rng = np.random.default_rng(seed)
    U = np.linalg.qr(rng.standard_normal((n, d)))[0]  # (n, d) orthonormal columns
    V = np.linalg.qr(rng.standard_normal((d, d)))[0]  # (d, d) orthogonal
    s = np.logspace(0.0, -math.log10(cond), d)
    return math.sqrt(n) * (U * s) @ V.T, U, s, V


@pytest.mark.parametrize("cond", [1e9, 1e12])
def test_qr_solves_full_rank_ill_conditioned_data(cond):
    # cond(X^T X) = cond^2 is far beyond 1 / eps, but X itself has full
    # numerical rank: QR works on X, so it must not call X rank deficient.
    n, d = 30, 5
    X, U, s, V = known_svd(n, d, cond, seed=0)
    w_true = np.random.default_rng(1).standard_normal(d)
    y = X @ w_true  # zero residual up to rounding, so no cond^2 term below
    exact = V @ (U.T @ y / s) / math.sqrt(n)  # X^+ y from the known SVD
    problem = LinearRegression(X, y)
    w_qr, w_lstsq = problem.solve("qr"), problem.solve("lstsq")
    # backward stable solves: ||dw|| <= c eps cond ||w|| (Golub and Van Loan
    # 2013, Thm 5.3.1, r ~ 0), c = 10 (n + d) as in solve_tolerance
    tol = 10 * (n + d) * EPS * cond * np.linalg.norm(exact)
    assert np.linalg.norm(w_qr - exact) <= tol
    assert np.linalg.norm(w_qr - w_lstsq) <= 2 * tol
    # and a cond-free check: the normal equations' residual X^T (X w - y) is
    # that of a nearby problem, c eps ||X||^2 ||w||
    norm_X = math.sqrt(n)  # = s_max sqrt(n)
    residual = np.linalg.norm(X.T @ (X @ w_qr - y))
    assert residual <= 10 * (n + d) * EPS * norm_X**2 * np.linalg.norm(w_qr)


def test_qr_refuses_numerically_rank_deficient_data():
    # s_min / s_max = 1e-16 < max(n, d) eps: rank 4 to working precision
    X, _, _, _ = known_svd(30, 5, 1e16, seed=2)
    assert np.linalg.matrix_rank(X) == 4  # the independent verdict
    problem = LinearRegression(X, np.ones(30))
    with pytest.raises(ValueError, match="singular"):
        problem.solve("qr")


def test_fewer_rows_than_weights_gives_minimum_norm():
    X, y = np.array([[1.0, 2.0, 2.0]]), np.array([3.0])
    s = LinearRegression(X, y)
    expected = X[0] * 3.0 / 9.0  # x (x.x)^-1 y: the minimum-norm interpolant
    np.testing.assert_allclose(s.solve("svd"), expected, rtol=1e-14)
    np.testing.assert_allclose(s.solve("lstsq"), expected, rtol=1e-14)
    assert s.strong_convexity == 0.0
    with pytest.raises(ValueError, match="lstsq"):
        s.solve("cholesky")


# ---------------------------------------------------------------- curvature


@given(problems())
def test_smoothness_and_strong_convexity_are_hessian_eigenvalues(problem):
    X, y, l2, intercept = problem
    s = LinearRegression(X, y, l2=l2, intercept=intercept)
    H = reference_hessian(X, l2, intercept)
    eig = np.linalg.eigvalsh(H)
    # the two Hessians differ by rounding, (n + 2) eps |X|^T |X| / n entrywise;
    # eigenvalues move by at most the norm of that difference (Weyl)
    A = design(X, intercept)
    # (each eigvalsh adds c d eps |H|): 2 (n + d + 4) eps |H_abs|_F covers both
    H_abs = np.abs(A).T @ np.abs(A) / len(X) + l2
    tol = 2 * (len(X) + s.dim + 4) * (EPS * np.linalg.norm(H_abs) + s.dim * SUB)
    assert abs(s.smoothness - eig[-1]) <= tol
    assert abs(s.strong_convexity - max(eig[0], 0.0)) <= tol
    assert s.strong_convexity >= 0.0
    assert s.hessian.shape == (s.dim, s.dim)


def test_attributes_and_repr():
    X, y, _ = make_regression(n=10, d=3, rng=0)
    s = LinearRegression(X, y, l2=0.5, intercept=True)
    assert s.dim == 4 and s.n == 10 and s.name == "linreg"
    np.testing.assert_array_equal(s.start, np.zeros(4))
    np.testing.assert_array_equal(s.minimizers, s.solve()[None])
    assert s.minimum == float(s.value(s.solve()))
    low, high = s.bounds
    w = s.solve()
    assert np.all(low < w) and np.all(w < high) and np.all(high - low >= 2.0)
    assert repr(s) == "LinearRegression(n=10, p=3, l2=0.5, intercept=True, dim=4)"
    with pytest.raises(ValueError):
        s.hessian[0, 0] = 1.0  # read-only: a cached property must not be edited


# ---------------------------------------------------------------- minibatch


def test_minibatch_full_batch_is_exact():
    X, y, _ = make_regression(n=12, d=3, rng=1)
    s = LinearRegression(X, y, l2=0.3, intercept=True)
    W = np.random.default_rng(2).normal(size=(5, s.dim))
    f, g = s.minibatch(12, rng=3)(W)
    A = design(X, True)
    # the rows come in a random order, so the sums round differently
    np.testing.assert_array_less(
        np.abs(f - s.value(W)), 2 * value_rounding_bound(A, y, 0.3, W)
    )
    for k in range(5):
        assert np.all(
            np.abs(g[k] - s.grad(W[k])) <= 2 * grad_rounding_bound(A, y, 0.3, W[k])
        )


def test_minibatch_of_one_row_is_that_rows_loss():
    X, y, _ = make_regression(n=6, d=2, rng=4)
    s = LinearRegression(X, y, l2=0.2)
    w = np.array([0.3, -0.7])
    r = X @ w - y  # one row i: f = r_i^2 / 2 + l2/2 |w|^2, g = r_i x_i + l2 w
    fun = s.minibatch(1, rng=5)
    for _ in range(20):
        f, g = fun(w)
        i = int(np.argmin(np.abs(g - (r[:, None] * X + 0.2 * w)).sum(axis=1)))
        np.testing.assert_allclose(g, r[i] * X[i] + 0.2 * w, rtol=1e-13)
        assert f == pytest.approx(r[i] ** 2 / 2 + 0.1 * w @ w, rel=1e-13)


def test_minibatch_gradient_is_unbiased():
    # rows g_i = r_i x_i + l2 P w average to the full gradient; the mean of b
    # rows drawn without replacement has variance (sigma^2 / b)(n - b)/(n - 1)
    # per coordinate, so the average of m draws is within 5 standard errors
    n, b, m, l2 = 20, 5, 4000, 0.1
    X, y, _ = make_regression(n=n, d=3, rng=6)
    s = LinearRegression(X, y, l2=l2)
    w = np.array([0.5, -1.0, 2.0])
    rows = (X @ w - y)[:, None] * X + l2 * w  # (n, d)
    fun = s.minibatch(b, rng=7)
    mean = np.mean([fun(w)[1] for _ in range(m)], axis=0)
    se = np.sqrt(rows.var(axis=0) / b * (n - b) / (n - 1) / m)
    assert np.all(np.abs(mean - s.grad(w)) <= 5 * se), (mean, s.grad(w), se)
    # and a wrong scale (dividing by n instead of b) would be caught
    assert np.all(np.abs(mean * b / n - s.grad(w)) > 5 * se)


def test_minibatch_same_rows_for_the_batch_and_reproducible():
    X, y, _ = make_regression(n=15, d=2, rng=8)
    s = LinearRegression(X, y)
    w1, w2 = np.array([1.0, 2.0]), np.array([-3.0, 0.5])
    f, g = s.minibatch(4, rng=9)(np.stack([w1, w2]))
    # with the same seed, a single w sees the rows the batch saw
    f1, g1 = s.minibatch(4, rng=9)(w1)
    f2, g2 = s.minibatch(4, rng=9)(w2)
    np.testing.assert_allclose(f, [f1, f2], rtol=1e-13)
    np.testing.assert_allclose(g, [g1, g2], rtol=1e-13)
    a, b = s.minibatch(4, rng=10), s.minibatch(4, rng=10)
    values = [(a(w1)[0], b(w1)[0]) for _ in range(5)]
    assert all(u == v for u, v in values)
    assert len({u for u, _ in values}) > 1  # successive calls draw new rows


# ---------------------------------------------------------------- features and subset


@given(problems())
def test_features_are_the_given_x_without_the_ones_column(problem):
    X, y, l2, intercept = problem
    given_X = X.copy()
    s = LinearRegression(X, y, l2=l2, intercept=intercept)
    X[...] = 7.0  # the surface keeps its own copy
    assert s.features.shape == given_X.shape == (s.n, s.p)
    np.testing.assert_array_equal(s.features, given_X)
    np.testing.assert_array_equal(design(s.features, intercept), s.X)
    for stored in (s.features, s.X, s.y):
        assert not stored.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        s.features[0, 0] = 1.0


@given(problems(), st.data())
def test_subset_of_every_row_is_the_same_surface(problem, data):
    X, y, l2, intercept = problem
    s = LinearRegression(X, y, l2=l2, intercept=intercept)
    w = data.draw(arrays(np.float64, (3, s.dim), elements=coord))
    for rows in (np.arange(s.n), np.ones(s.n, dtype=bool), list(range(s.n))):
        t = s.subset(rows)
        assert (t.n, t.p, t.dim, t.l2, t.intercept) == (s.n, s.p, s.dim, l2, intercept)
        # the same rows in the same order: the same stored problem ...
        for a, b in ((t.X, s.X), (t.y, s.y), (t.P, s.P)):
            np.testing.assert_array_equal(a, b)
        # ... so the same loss (to rounding: BLAS may sum copies at other
        # addresses in another order, so not asserted bit for bit)
        A = design(X, intercept)
        bound = value_rounding_bound(A, y, l2, w)
        assert np.all(np.abs(t.value(w) - s.value(w)) <= 2 * bound)
        for k in range(3):
            g_tol = 2 * grad_rounding_bound(A, y, l2, w[k])
            assert np.all(np.abs(t.grad(w[k]) - s.grad(w[k])) <= g_tol)


@given(problems(), st.data())
def test_subset_is_the_loss_on_those_rows(problem, data):
    X, y, l2, intercept = problem
    n = len(y)
    s = LinearRegression(X, y, l2=l2, intercept=intercept)
    rows = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=2 * n))
    w = data.draw(arrays(np.float64, (1, s.dim), elements=coord))
    A, b = design(X, intercept)[rows], y[rows]  # independent oracle
    P = penalty_mask(X.shape[1], intercept)
    r = A @ w[0] - b
    expected = r @ r / (2 * len(rows)) + l2 / 2 * np.sum((P * w[0]) ** 2)
    got = s.subset(np.array(rows)).value(w)
    assert np.all(np.abs(got - expected) <= 2 * value_rounding_bound(A, b, l2, w))
    mask = np.zeros(n, dtype=bool)
    mask[rows] = True  # a mask selects each row once, in order
    np.testing.assert_array_equal(s.subset(mask).y, y[np.unique(rows)])


def test_subset_keeps_l2_and_intercept_unless_l2_is_given():
    X, y, _ = make_regression(n=10, d=3, rng=11)
    s = LinearRegression(X, y, l2=0.5, intercept=True)
    held_out = s.subset([7, 8, 9], l2=0.0)  # a validation fold: no penalty
    assert (held_out.l2, held_out.intercept, held_out.dim) == (0.0, True, 4)
    np.testing.assert_array_equal(held_out.features, X[7:])
    assert s.subset([0, 1]).l2 == 0.5
    with pytest.raises(ValueError, match="l2"):
        s.subset([0, 1], l2=-1.0)


@pytest.mark.parametrize(
    ("rows", "error", "message"),
    [
        ([], ValueError, r"rows must select at least one row"),
        (np.zeros(5, dtype=bool), ValueError, r"rows must select at least one row"),
        ([[0, 1]], ValueError, r"rows must select .*got \[\[0, 1\]\]"),
        ([0, 5], ValueError, r"rows must be indices in \[0, 5\), got \[0, 5\]"),
        ([-1], ValueError, r"rows must be indices in \[0, 5\), got \[-1\]"),
        (np.ones(4, dtype=bool), ValueError, r"rows as a boolean mask .*\(5,\)"),
        ([0.0, 1.0], TypeError, r"rows must be integer indices .*got \[0.0, 1.0\]"),
        ("0", TypeError, r"rows must be integer indices .*got '0'"),
        (None, TypeError, r"rows must be integer indices .*got None"),
        ([[0], [1, 2]], ValueError, r"rows must be a 1-d array"),
    ],
)
def test_bad_rows_are_refused_naming_rows(rows, error, message):
    s = LinearRegression(np.ones((5, 2)), np.arange(5.0))
    with pytest.raises(error, match=f"^LinearRegression.subset: {message}"):
        s.subset(rows)


# ---------------------------------------------------------------- bad input


negative = st.floats(max_value=-np.finfo(float).tiny)  # to -inf; never -0.0


@given(problems(), negative | st.just(math.nan))
def test_bad_l2(problem, l2):
    X, y, _, intercept = problem
    with pytest.raises(ValueError, match="l2"):
        LinearRegression(X, y, l2=l2, intercept=intercept)


@given(problems(), st.sampled_from([math.nan, math.inf, -math.inf]), st.data())
def test_nonfinite_data(problem, bad, data):
    X, y, l2, intercept = problem
    n, p = X.shape
    if data.draw(st.booleans()):
        X[data.draw(st.integers(0, n - 1)), data.draw(st.integers(0, p - 1))] = bad
        name = "X"
    else:
        y[data.draw(st.integers(0, n - 1))] = bad
        name = "y"
    with pytest.raises(ValueError, match=f"{name} must be finite"):
        LinearRegression(X, y, l2=l2, intercept=intercept)


@given(problems(), st.integers(-3, 3).filter(bool))
def test_wrong_shapes(problem, extra):
    X, y, _, _ = problem
    wrong = len(y) + extra if len(y) + extra >= 0 else len(y) - extra
    with pytest.raises(ValueError, match="y must have shape"):
        LinearRegression(X, np.zeros(wrong))
    with pytest.raises(ValueError, match="X must have shape"):
        LinearRegression(X.ravel(), y)
    with pytest.raises(ValueError, match="X must have shape"):
        LinearRegression(X[:0], y[:0])  # no rows
    s = LinearRegression(X, y)
    with pytest.raises(ValueError, match="x must have shape"):
        s.value(np.zeros(s.dim + abs(extra)))


@given(st.text().filter(lambda m: m not in METHODS))
def test_bad_method(method):
    s = LinearRegression([[1.0], [2.0]], [1.0, 3.0])
    with pytest.raises(
        ValueError, match="method must be one of lstsq, qr, svd, cholesky; got"
    ):
        s.solve(method)


@pytest.mark.parametrize("method", [None, 1, ["qr"]])
def test_method_that_is_not_a_string_is_a_type_error(method):
    s = LinearRegression([[1.0], [2.0]], [1.0, 3.0])
    with pytest.raises(TypeError, match=r"method must be a string, got"):
        s.solve(method)


@given(st.sampled_from([0, 1, "yes", None, 1.0]))
def test_bad_intercept(intercept):
    with pytest.raises(TypeError, match="intercept"):
        LinearRegression([[1.0]], [1.0], intercept=intercept)


@given(st.sampled_from(["0.1", None, [0.1], True]))
def test_bad_l2_type(l2):
    with pytest.raises(TypeError, match="l2"):
        LinearRegression([[1.0]], [1.0], l2=l2)


@given(st.integers(-5, 0) | st.integers(7, 20), st.sampled_from([2.0, True, "3"]))
def test_bad_batch_size(size, not_int):
    s = LinearRegression(np.ones((6, 2)), np.ones(6))
    with pytest.raises(ValueError, match="batch_size"):
        s.minibatch(size)
    with pytest.raises(TypeError, match="batch_size"):
        s.minibatch(not_int)


@pytest.mark.parametrize(
    ("X", "y", "name"),
    [
        ([[1.0, 2.0], [3.0]], [1.0, 2.0], "X"),
        ([[1.0], [2.0]], [[1.0], [2.0, 3.0]], "y"),
    ],
)
def test_ragged_data_is_a_value_error_naming_it(X, y, name):
    with pytest.raises(ValueError, match=f"LinearRegression: {name} must be.*rows"):
        LinearRegression(X, y)


def test_an_overflowing_hessian_is_a_clear_value_error():
    # X^T X overflows float64 at |X| ~ 1e200; lstsq, qr and svd never form
    # it, so they still solve (scaling X by c scales w* by 1 / c)
    X, y, _ = make_regression(n=20, d=3, rng=3)
    s = LinearRegression(X * 1e200, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for read in (
            lambda: s.smoothness,
            lambda: s.strong_convexity,
            lambda: s.hessian,
            lambda: s.solve("cholesky"),
        ):
            with pytest.raises(ValueError, match="overflows float64.*rescale X"):
                read()
        w = LinearRegression(X, y).solve()
        for method in ("lstsq", "qr", "svd"):
            # X * 1e200 rounds each entry (1e200 is not a power of 2): eps
            # relative, times cond(X) < 10 here, covered by 1e-13
            np.testing.assert_allclose(s.solve(method) * 1e200, w, rtol=1e-13)
        # with a ridge, svd's filter s / (s^2 + n l2) must not overflow s^2
        ridge = LinearRegression(X * 1e200, y, l2=0.1)
        np.testing.assert_allclose(ridge.solve("svd"), ridge.solve("lstsq"), rtol=1e-13)


def test_a_huge_ridge_solves_without_overflow():
    # l2 = 1e308: n * l2 overflows, sqrt(n) * sqrt(l2) and hypot(s, sqrt(n l2))
    # do not. The minimizer X^T y / (n l2 + ...) is about 1e-308.
    n = 20
    X, y, _ = make_regression(n=n, d=3, rng=4)
    s = LinearRegression(X, y, l2=1e308)
    expected = X.T @ y / n / 1e308  # H = X^T X / n + l2 I = l2 I to 1e-308
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert s.smoothness == pytest.approx(1e308, rel=1e-14)
        # the ridge filter and the normal equations: relative 1e-13, plus the
        # spacing of subnormal numbers (5e-324) for a few roundings
        for method in ("svd", "cholesky"):
            np.testing.assert_allclose(
                s.solve(method), expected, rtol=1e-13, atol=1e-320
            )
        # the augmented system [X; sqrt(n l2) I] has residual ||y|| >> ||A|| ||w||:
        # a backward-stable solve is then only good to eps ||y|| / sigma_min(A)
        # (Golub and Van Loan 2013, Thm 5.3.1), sigma_min(A) >= sqrt(n l2)
        bound = 10 * (n + 3) * EPS * np.linalg.norm(y) / math.sqrt(n * 1e308)
        for method in ("lstsq", "qr"):
            assert np.linalg.norm(s.solve(method) - expected) <= bound, method


@pytest.mark.parametrize("l2", [10**400, math.inf], ids=["10**400", "inf"])
def test_an_l2_beyond_float64_is_a_value_error(l2):
    with pytest.raises(ValueError, match="l2 must be finite"):
        LinearRegression([[1.0]], [1.0], l2=l2)


def test_complex_data_is_a_type_error():
    with pytest.raises(TypeError, match="X must be an array of real numbers"):
        LinearRegression([[1j]], [1.0])


def test_bad_rng_names_the_argument():
    s = LinearRegression(np.ones((6, 2)), np.ones(6))
    with pytest.raises(TypeError, match="rng must be"):
        s.minibatch(2, rng="seed")
