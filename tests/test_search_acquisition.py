"""Log expected improvement: the closed form, monotonicity, and log space far in the tail."""

from __future__ import annotations

import warnings

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import norm

from search.acquisition import expected_improvement, log_expected_improvement, log_h


def finite(low, high):
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


means = finite(-1e3, 1e3)
ULPS = 8 * np.finfo(float).eps  # monotone up to rounding
stds = finite(1e-3, 1e3)


def ei_closed_form(mean, std, best):
    """Jones et al. (1998) eq. 15, straight from scipy.stats: accurate for moderate z."""
    z = (best - mean) / std
    return std * (z * norm.cdf(z) + norm.pdf(z))


def log_h_mpmath(z):
    """log(z Phi(z) + phi(z)) with 60 significant digits."""
    with mpmath.workdps(60):
        z = mpmath.mpf(z)
        return float(mpmath.log(z * mpmath.ncdf(z) + mpmath.npdf(z)))


@given(means, finite(0, 1e3), means)
def test_ei_is_never_negative_and_log_ei_never_nan(mean, std, best):
    ei = expected_improvement(mean, std, best)
    assert ei >= 0
    assert not np.isnan(log_expected_improvement(mean, std, best))


@given(means, stds, finite(-5, 5))
def test_equals_the_closed_form_at_moderate_z(mean, std, z):
    best = mean + z * std
    # |z| <= 5: h(z) >= h(-5) ~ 5e-8 and no cancellation worth the name in
    # z Phi(z) + phi(z) at 1e-8 relative; the two routes agree to rounding.
    assert expected_improvement(mean, std, best) == pytest.approx(
        ei_closed_form(mean, std, best), rel=1e-8, abs=1e-300
    )


@given(means, stds, stds, means)
def test_grows_with_std_at_fixed_mean(mean, s1, s2, best):
    # dEI/dstd = phi(z) > 0; where phi(z) is below rounding, EI = best - mean
    # for both to a few ulp
    low, high = sorted([s1, s2])
    a = log_expected_improvement(mean, low, best)
    b = log_expected_improvement(mean, high, best)
    assert a <= b + ULPS * abs(b)


@given(means, means, stds, means)
def test_falls_as_the_mean_rises(m1, m2, std, best):
    # dEI/dmean = -Phi(z) < 0
    low, high = sorted([m1, m2])
    a = log_expected_improvement(low, std, best)
    b = log_expected_improvement(high, std, best)
    assert a >= b - ULPS * abs(b)


def test_finite_and_increasing_down_to_z_minus_1000():
    z = np.linspace(-1e3, 5, 200_001)  # step 0.005: crosses every branch
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        log_ei = log_expected_improvement(0.0, 1.0, z)
    assert np.all(np.isfinite(log_ei))
    # d log h / dz = Phi(z) / h(z) > 0, about |z| in the tail: strictly increasing
    assert np.all(np.diff(log_ei) > 0)
    # where EI itself underflows (h(-40) = 9e-352), its log still carries the value
    assert expected_improvement(0.0, 1.0, -40.0) == 0.0
    assert log_expected_improvement(0.0, 1.0, -40.0) == pytest.approx(
        -808.2985683566, rel=1e-12
    )


@pytest.mark.parametrize(
    "z",
    [
        -1e3,
        -300.0,
        -40.0,
        -20.0,
        -5.0,
        -1.0 - 1e-9,
        -1.0,
        -1.0 + 1e-9,
        -0.5,
        0.0,
        3.0,
        30.0,
    ],
)
def test_agrees_with_mpmath(z):
    # 1e-10 relative across the branches of Ament et al. eq. 9, including
    # both sides of the switch at z = -1.
    expected = log_h_mpmath(z)
    assert log_h(z) == pytest.approx(expected, rel=1e-10)
    std = 2.5
    assert log_expected_improvement(3.0, std, 3.0 + z * std) == pytest.approx(
        np.log(std) + expected, rel=1e-10
    )


def test_far_tail_uses_the_asymptote_without_loss():
    # Beyond -1 / sqrt(eps) the bracket of branch (2) is 1 / z^2 to machine
    # precision; mpmath agrees.
    for z in (-1e8, -1e12):
        assert log_h(z) == pytest.approx(log_h_mpmath(z), rel=1e-12)


def test_zero_std_is_the_certain_improvement():
    assert log_expected_improvement(1.0, 0.0, 3.0) == pytest.approx(np.log(2.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert log_expected_improvement(3.0, 0.0, 3.0) == -np.inf
        assert log_expected_improvement(5.0, 0.0, 3.0) == -np.inf
    assert expected_improvement([1.0, 5.0], [0.0, 0.0], 3.0).tolist() == [2.0, 0.0]


def test_broadcasts():
    out = log_expected_improvement(np.zeros((3, 1)), np.ones(4), 0.5)
    assert out.shape == (3, 4)


@given(finite(-10, 10), finite(1e-2, 1e2), finite(-10, 10))
def test_gradients_equal_central_differences(mean, std, best):
    value, dmean, dstd = log_expected_improvement(mean, std, best, return_grad=True)
    h = 1e-5 * std  # moves z by 1e-5: truncation ~ 1e-10 relative
    fm = (
        log_expected_improvement(mean + h, std, best)
        - log_expected_improvement(mean - h, std, best)
    ) / (2 * h)
    fs = (
        log_expected_improvement(mean, std + h, best)
        - log_expected_improvement(mean, std - h, best)
    ) / (2 * h)
    # rounding of the difference ~ 1e-16 |log_ei| / h
    tol = 1e-15 * (1 + abs(value)) / h
    assert dmean == pytest.approx(fm, rel=1e-6, abs=tol)
    assert dstd == pytest.approx(fs, rel=1e-6, abs=tol)


def test_negative_std_is_refused():
    with pytest.raises(ValueError, match="std must be >= 0"):
        log_expected_improvement(0.0, -1.0, 0.0)
