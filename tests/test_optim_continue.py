"""Training that continues: ``minimize(..., state=trace.state)`` picks up where it stopped.

Training ``k`` steps, then ``T - k`` more from the first run's ``x`` and
``state``, must equal training ``T`` steps in one call, bit for bit, for
every optimizer, batched, on the pure path and on the in-place path
(``optim.training.IN_PLACE`` shrunk so a small problem takes it).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import optim.training
from optim import OPTIMIZERS, SGD, Adam, minimize
from surfaces import LinearRegression, Rosenbrock, make_regression
from tests.strategies import optimizers

# Centered RMSProp's sqrt(v - ga**2) can be NaN from rounding (as in torch).
IGNORE_SQRT_OF_ROUNDING = np.errstate(invalid="ignore")


def assert_same(a, b):
    np.testing.assert_array_equal(a, b, strict=True)


def assert_same_state(a, b):
    assert type(a) is type(b)
    for mine, theirs in zip(a, b, strict=True):
        assert_same(np.asarray(mine), np.asarray(theirs))


@IGNORE_SQRT_OF_ROUNDING
@pytest.mark.parametrize("in_place", [False, True])
@given(data=st.data(), total=st.integers(1, 40))
def test_k_steps_then_the_rest_equal_all_steps_in_one_call(data, total, in_place):
    opt = data.draw(optimizers(batch=(3,)))
    k = data.draw(st.integers(0, total))
    surface = Rosenbrock(dim=4)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(optim.training, "IN_PLACE", 1 if in_place else 10**9)
        whole = minimize(surface, surface.start, opt, total)
        first = minimize(surface, surface.start, opt, k)
        rest = minimize(surface, first.x, opt, total - k, state=first.state)
    assert_same(rest.x, whole.x)
    assert_same(rest.values, whole.values[k:])
    assert_same(rest.path, whole.path[k:])
    assert_same(rest.diverged, whole.diverged)
    assert_same_state(rest.state, whole.state)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_a_minibatch_run_continues_with_its_rows_skipped(name):
    X, y, _ = make_regression(60, 3, noise=0.1, rng=0)
    problem = LinearRegression(X, y)
    opt = OPTIMIZERS[name](lr=np.array([1e-3, 1e-2]))
    whole = minimize(problem.minibatch(8, rng=1), np.zeros(3), opt, 50)
    first = minimize(problem.minibatch(8, rng=1), np.zeros(3), opt, 20)
    # minimize called fun 21 times; the continued run's first call is the 21st
    fun = problem.minibatch(8, rng=1, skip=20)
    rest = minimize(fun, first.x, opt, 30, state=first.state)
    assert_same(rest.x, whole.x)
    assert_same_state(rest.state, whole.state)


def test_the_given_state_is_not_modified_on_either_path():
    surface = Rosenbrock(dim=4)
    opt = Adam(lr=np.array([1e-3, 1e-2]))
    first = minimize(surface, surface.start, opt, 5)
    copies = [np.copy(a) for a in first.state]
    for limit in (1, 10**9):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(optim.training, "IN_PLACE", limit)
            minimize(surface, first.x, opt, 5, state=first.state)
        for a, before in zip(first.state, copies, strict=True):
            assert_same(np.asarray(a), before)


def test_a_state_of_another_optimizer_or_shape_is_refused():
    surface = Rosenbrock()
    sgd = minimize(surface, surface.start, SGD(lr=1e-3), 3)
    with pytest.raises(TypeError, match="state must be a AdamState of Adam"):
        minimize(surface, sgd.x, Adam(), 3, state=sgd.state)
    with pytest.raises(TypeError, match="state must be"):
        minimize(surface, sgd.x, SGD(), 3, state=[0, None])
    batched = SGD(lr=np.array([1e-3, 1e-2]), momentum=0.9)
    with pytest.raises(ValueError, match="shape of x"):
        minimize(
            surface, surface.start, batched, 3, state=SGD(momentum=0.9).init([0.0, 0.0])
        )
