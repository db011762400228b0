"""GaussianProcess: interpolation, std >= 0, the LML gradient, a worked 1-D case, the kernel."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.special import gamma, kv

from search.gp import GaussianProcess, cholesky, matern52

seeds = st.integers(0, 2**32 - 1)


def smooth(X):
    """A smooth test function on [0, 1]^k with O(1) values."""
    return np.sin(3 * X[:, 0]) + np.cos(2 * X.sum(axis=1)) + X[:, -1] ** 2


def spread_points(rng, n, k):
    """``n`` points of [0, 1]^k, no two closer than 0.05 (a well-posed interpolation)."""
    X = rng.random((1, k))
    while len(X) < n:
        x = rng.random(k)
        if np.min(np.linalg.norm(X - x, axis=1)) > 0.05:
            X = np.vstack([X, x])
    return X


# --- the kernel ----------------------------------------------------------------


@given(hnp.arrays(np.float64, (4, 3), elements=st.floats(0, 1)), st.floats(0.05, 5))
def test_matern52_is_the_general_matern_formula_at_nu_5_2(X, length):
    # R&W eq. 4.14: k(r) = 2^(1-nu) / Gamma(nu) (sqrt(2 nu) r / l)^nu K_nu(sqrt(2 nu) r / l),
    # evaluated with SciPy's Bessel function K_nu: an independent oracle of eq. 4.17.
    nu, signal = 2.5, 1.7
    K = matern52(X, X, np.full(3, length), signal)
    r = np.linalg.norm(X[:, None] - X[None], axis=-1) / length
    # Where r < 1e-6 the oracle overflows (s^nu K_nu(s) is inf * 0); there
    # k = signal (1 - 5 r^2 / 6 + ...) = signal to 1e-12.
    far = r > 1e-6
    s = np.sqrt(2 * nu) * r[far]
    general = signal * 2 ** (1 - nu) / gamma(nu) * s**nu * kv(nu, s)
    np.testing.assert_allclose(K[far], general, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(K[~far], signal, rtol=1e-12)


def test_matern52_has_one_length_scale_per_dimension():
    # Stretching dimension j and its length scale together changes nothing.
    rng = np.random.default_rng(0)
    X1, X2 = rng.random((3, 2)), rng.random((4, 2))
    stretch = np.array([10.0, 1.0])
    lengths = np.array([0.3, 0.7])
    np.testing.assert_allclose(
        matern52(X1 * stretch, X2 * stretch, lengths * stretch, 1.0),
        matern52(X1, X2, lengths, 1.0),
        rtol=1e-13,
    )


def test_cholesky_adds_jitter_only_when_needed():
    A = np.array([[2.0, 1.0], [1.0, 2.0]])
    (L, _), jitter = cholesky(A)
    assert jitter == 0
    np.testing.assert_allclose(np.tril(L) @ np.tril(L).T, A)
    singular = np.ones((3, 3))  # rank 1: plain Cholesky fails
    (L, _), jitter = cholesky(singular)
    assert 0 < jitter <= 1e-2
    np.testing.assert_allclose(np.tril(L) @ np.tril(L).T, singular + jitter * np.eye(3))


# --- fitting and prediction --------------------------------------------------------


@given(seeds, st.integers(2, 12), st.integers(1, 3))
def test_tiny_noise_interpolates_the_data(seed, n, k):
    rng = np.random.default_rng(seed)
    X = spread_points(rng, n, k)
    y = 100 * smooth(X) + 7  # any scale and offset: the GP standardizes
    gp = GaussianProcess(noise_bounds=(1e-12, 1e-10), seed=seed).fit(X, y)
    mean, std = gp.predict(X)
    # With noise variance <= 1e-10 of the standardized variance, the mean
    # misses each y by about noise * alpha and the std is about sqrt(noise).
    span = np.ptp(y) if np.ptp(y) > 0 else 1.0
    np.testing.assert_allclose(mean, y, rtol=0, atol=1e-6 * span)
    assert np.all(std <= 1e-4 * gp.y_std)


@given(
    st.integers(1, 8).flatmap(
        lambda n: st.tuples(
            hnp.arrays(np.float64, (n, 2), elements=st.floats(0, 1)),
            hnp.arrays(np.float64, n, elements=st.floats(-1e6, 1e6)),
        )
    ),
    hnp.arrays(np.float64, (5, 2), elements=st.floats(-0.5, 1.5)),
    seeds,
)
def test_std_is_never_negative(data, Xs, seed):
    # Duplicate inputs with different outputs, constant outputs, points far
    # outside the cube: the variance may round below zero, the std may not.
    X, y = data
    gp = GaussianProcess(seed=seed).fit(X, y)
    for points in (Xs, X):
        mean, std = gp.predict(points)
        assert np.all(np.isfinite(mean))
        assert np.all(std >= 0) and np.all(np.isfinite(std))


@given(seeds, st.data())
def test_lml_gradient_equals_central_differences(seed, data):
    rng = np.random.default_rng(seed)
    X = rng.random((10, 2))
    gp = GaussianProcess(seed=seed).fit(X, smooth(X) + 0.1 * rng.standard_normal(10))
    # Hyperparameters where K is well conditioned (noise >= 1e-4), so the
    # differences are not swamped by rounding: error ~ eps * |lml| * cond / h.
    theta = np.log(
        [
            data.draw(st.floats(0.05, 3.0)),
            data.draw(st.floats(0.05, 3.0)),
            data.draw(st.floats(0.1, 10.0)),
            data.draw(st.floats(1e-4, 1.0)),
        ]
    )
    lml, grad = gp.log_marginal_likelihood(theta)
    h = 1e-5
    central = np.array(
        [
            (
                gp.log_marginal_likelihood(theta + h * e)[0]
                - gp.log_marginal_likelihood(theta - h * e)[0]
            )
            / (2 * h)
            for e in np.eye(4)
        ]
    )
    # Truncation error ~ h^2 |lml'''| and rounding ~ 1e-16 |lml| cond(K) / h.
    np.testing.assert_allclose(grad, central, rtol=1e-5, atol=1e-5 * (1 + abs(lml)))


def test_the_fit_maximizes_the_lml():
    rng = np.random.default_rng(1)
    X = rng.random((15, 2))
    gp = GaussianProcess(seed=1).fit(X, smooth(X))
    lml, grad = gp.log_marginal_likelihood(gp.theta)
    assert lml == pytest.approx(gp.lml, rel=1e-10)
    # A maximum within the bounds: no random point of the box does better.
    bounds = gp.log_bounds(2)
    for theta in rng.uniform(bounds[:, 0], bounds[:, 1], (50, 4)):
        assert gp.log_marginal_likelihood(theta)[0] <= lml + 1e-6


def test_a_worked_one_dimensional_case():
    # Two points, fixed hyperparameters: R&W eq. 2.25-2.26 by hand with the
    # 2 x 2 inverse. y = (1, 3): y_mean = 2, y_std = 1, z = (-1, 1).
    X, y = np.array([[0.0], [1.0]]), np.array([1.0, 3.0])
    length, s2, noise = 0.5, 1.5, 0.01
    gp = GaussianProcess().fit(X, y, theta=np.log([length, s2, noise]), optimize=False)

    def k(r):
        a = np.sqrt(5) * abs(r) / length
        return s2 * (1 + a + a * a / 3) * np.exp(-a)

    c = k(1.0)
    det = (s2 + noise) ** 2 - c * c
    Kinv = np.array([[s2 + noise, -c], [-c, s2 + noise]]) / det
    for x in (0.25, 0.5, 2.0):
        ks = np.array([k(x - 0.0), k(x - 1.0)])
        mean = 2 + 1 * ks @ Kinv @ np.array([-1.0, 1.0])
        var = s2 - ks @ Kinv @ ks
        m, s = gp.predict([[x]])
        assert m[0] == pytest.approx(mean, rel=1e-12)
        assert s[0] == pytest.approx(np.sqrt(var), rel=1e-10)
    m, s = gp.predict([[0.5]])
    assert m[0] == pytest.approx(2.0, rel=1e-14)  # the midpoint, by symmetry
    m, s = gp.predict([[50.0]])  # far away: the prior (mean y_mean, std y_std sqrt(s2))
    assert m[0] == pytest.approx(2.0, abs=1e-12)
    assert s[0] == pytest.approx(np.sqrt(s2), rel=1e-12)


@given(seeds)
def test_predict_gradients_equal_central_differences(seed):
    rng = np.random.default_rng(seed)
    X = rng.random((8, 3))
    gp = GaussianProcess(seed=seed).fit(X, smooth(X))
    Xs = rng.random((4, 3))
    mean, std, dmean, dstd = gp.predict(Xs, return_grad=True)
    h = 1e-6
    for j, e in enumerate(np.eye(3)):
        up, down = gp.predict(Xs + h * e), gp.predict(Xs - h * e)
        # rounding ~ 1e-16 |mean| / h, truncation ~ h^2
        assert np.all(
            np.abs(dmean[:, j] - (up[0] - down[0]) / (2 * h))
            <= 1e-5 * (1 + np.abs(mean))
        )
        ok = std > 1e-3 * gp.y_std  # away from std = 0, where std is not differentiable
        np.testing.assert_allclose(
            dstd[ok, j], ((up[1] - down[1]) / (2 * h))[ok], rtol=1e-4, atol=1e-5
        )


def test_same_seed_same_fit():
    rng = np.random.default_rng(3)
    X = rng.random((12, 2))
    a = GaussianProcess(seed=5).fit(X, smooth(X))
    b = GaussianProcess(seed=5).fit(X, smooth(X))
    np.testing.assert_array_equal(a.theta, b.theta)


def test_constant_outputs_and_a_single_point():
    gp = GaussianProcess(seed=0).fit([[0.2, 0.3], [0.8, 0.1]], [4.0, 4.0])
    mean, std = gp.predict([[0.5, 0.5]])
    assert mean[0] == pytest.approx(4.0) and std[0] >= 0
    gp = GaussianProcess(seed=0).fit([[0.5]], [2.0])
    mean, std = gp.predict([[0.5], [0.9]])
    assert mean == pytest.approx([2.0, 2.0])


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="length_bounds"):
        GaussianProcess(length_bounds=(1.0, 0.1))
    with pytest.raises(TypeError, match="n_restarts"):
        GaussianProcess(n_restarts=1.5)
    gp = GaussianProcess()
    with pytest.raises(RuntimeError, match="fit"):
        gp.predict([[0.5]])
    with pytest.raises(ValueError, match="X must have shape"):
        gp.fit([0.1, 0.2], [1.0, 2.0])
    with pytest.raises(ValueError, match="y must have shape"):
        gp.fit([[0.1], [0.2]], [1.0])
    with pytest.raises(ValueError, match="finite"):
        gp.fit([[0.1], [0.2]], [1.0, np.nan])
    gp.fit([[0.1], [0.2]], [1.0, 2.0])
    with pytest.raises(ValueError, match="Xs must have shape"):
        gp.predict([[0.1, 0.2]])
    with pytest.raises(ValueError, match="optimize=False needs theta"):
        gp.fit([[0.1], [0.2]], [1.0, 2.0], optimize=False)
