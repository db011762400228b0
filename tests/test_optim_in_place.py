"""The in-place path of minimize: ``Optimizer.update`` equals ``step`` bit for bit.

From ``optim.training.IN_PLACE`` entries on, minimize steps in place
(:meth:`optim.Optimizer.update`, on column blocks of about
``optim._base.BLOCK`` entries); below, it takes the pure ``step``. The tests
shrink both limits (monkeypatch) so that small drawn problems take every path,
and compare against the pure path, which is what the other tests check.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import optim
import optim._base
import optim.training
from optim import SGD, Adam, AdamW, Optimizer, minimize
from tests.strategies import arrays, batch_shapes, optimizers

# Centered RMSProp's sqrt(v - ga**2) can be NaN from rounding (as in torch).
IGNORE_SQRT_OF_ROUNDING = np.errstate(invalid="ignore")


def assert_same(a, b):
    """Equal bit for bit, NaN where NaN: the in-place path computes the same numbers."""
    assert np.shape(a) == np.shape(b)
    np.testing.assert_array_equal(a, b, strict=True)


@IGNORE_SQRT_OF_ROUNDING
@given(
    data=st.data(),
    batch=batch_shapes,
    d=st.integers(1, 9),
    block=st.integers(1, 20),
)
def test_update_overwrites_x_and_state_with_what_step_returns(data, batch, d, block):
    opt = data.draw(optimizers(batch=batch))
    x = data.draw(arrays((*batch, d)))
    state = opt.init(x)
    owned_x, owned = x.copy(), optim.training._own(state)
    buffers = [a for a in owned if isinstance(a, np.ndarray)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(optim._base, "BLOCK", block)
        for _ in range(3):  # from the zero state, then from drawn states
            g = data.draw(arrays((*batch, d)))
            g_before = g.copy()
            x, state = opt.step(x, g, state)
            owned = opt.update(owned_x, g, owned)
            assert_same(owned_x, x)
            for mine, pure in zip(owned, state, strict=True):
                if isinstance(pure, np.ndarray):
                    assert_same(mine, pure)
                else:
                    assert mine == pure  # the step count
            assert_same(g, g_before)
    # the state returned holds the same arrays, overwritten
    assert [a for a in owned if isinstance(a, np.ndarray)] == buffers


def diverging_quadratic(x):
    """Half of ``a x**2 + x`` with some negative curvatures: large steps run off.

    Its gradient is infinite once some ``|x_i| > 100``, where ``x`` is still
    finite: a diverged configuration must then stay exactly where it stopped
    although its momentum would move it.
    """
    a = np.linspace(-0.5, 2.0, x.shape[-1])
    g = np.where(np.abs(x) > 100.0, np.inf, a * x + 1.0)
    return (0.5 * a * x * x + x).sum(-1), g


@IGNORE_SQRT_OF_ROUNDING
@given(
    data=st.data(),
    k=st.integers(1, 4),
    d=st.integers(1, 7),
    block=st.integers(1, 10),
    steps=st.integers(0, 40),
)
def test_minimize_in_place_equals_the_pure_path_with_divergences(
    data, k, d, block, steps
):
    opt = data.draw(optimizers(batch=(k,)))
    lr = np.geomspace(1e-3, 1e4, k)  # the largest diverge within a few steps
    opt = dataclasses.replace(opt, lr=lr)
    x0 = data.draw(arrays((k, d), -2.0, 2.0))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(optim.training, "IN_PLACE", 10**12)
        pure = minimize(diverging_quadratic, x0, opt, steps)
        patch.setattr(optim.training, "IN_PLACE", 1)
        patch.setattr(optim._base, "BLOCK", block)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            in_place = minimize(diverging_quadratic, x0, opt, steps)
    for name in ("x", "values", "path", "diverged", "steps"):
        assert_same(getattr(in_place, name), getattr(pure, name))


def test_the_diverging_case_above_does_diverge_and_freeze():
    # Guards the test above against a problem where nothing diverges.
    lr = np.array([1e-3, 1e4])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(optim.training, "IN_PLACE", 1)
        patch.setattr(optim._base, "BLOCK", 2)
        opt = SGD(lr=lr, momentum=0.9)  # momentum would move a frozen x
        trace = minimize(diverging_quadratic, np.ones((2, 5)), opt, 40)
    assert trace.diverged.tolist() == [False, True]
    k = np.argmax(np.isinf(trace.values[:, 1]))
    assert 0 < k < 40 and np.all(trace.path[k:, 1] == trace.path[k, 1])
    assert np.all(np.isfinite(trace.path[k, 1]))  # stopped by its gradient


def test_a_large_run_takes_the_in_place_path_and_matches_the_pure_one(monkeypatch):
    d = optim.training.IN_PLACE  # one configuration at the limit: in place
    calls = []
    update = Adam.update

    def counting(self, *args):
        calls.append(1)
        return update(self, *args)

    monkeypatch.setattr(Adam, "update", counting)
    x0 = np.linspace(-1.0, 1.0, d)
    opt = Adam(lr=np.array([0.1, 1e3]), amsgrad=True, weight_decay=0.1)
    trace = minimize(diverging_quadratic, x0, opt, 5, record=False)
    assert len(calls) == 5
    monkeypatch.setattr(optim.training, "IN_PLACE", 10**12)
    pure = minimize(diverging_quadratic, x0, opt, 5, record=False)
    assert_same(trace.x, pure.x)
    assert_same(trace.values, pure.values)


@pytest.mark.parametrize("where", ["x", "g"])
def test_a_single_non_finite_entry_of_a_large_array_is_a_divergence(where):
    # Above DOT_MAX entries the quick test sums instead of taking a dot product.
    d = 2 * optim.training.DOT_MAX

    def fun(x):  # arctan is bounded with a bounded gradient
        g = 1 / (1 + x * x)
        if where == "g":
            g[..., -1] = np.where(x[..., -1] < 0.9, np.inf, g[..., -1])
        return np.arctan(x).sum(-1), g

    # where="g": only the second moves x[-1] = 1 below 0.9; where="x": the
    # second's decay 1 - lr * weight_decay overflows x, value and grad stay finite
    lr = np.array([0.0, 0.6])
    opt = SGD(lr=lr) if where == "g" else AdamW(lr=np.array([0.0, 1e200]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trace = minimize(fun, np.ones(d), opt, 3)
    assert trace.diverged.tolist() == [False, True]
    if where == "g":  # marked where its gradient stopped being finite, x still is
        assert np.all(np.isfinite(trace.x[1]))


@dataclasses.dataclass(frozen=True, eq=False)
class NormalizedGD(Optimizer):
    """A step along ``g / ||g||``: each entry depends on every entry of ``g``."""

    lr: float = 0.1
    RANGES = {"lr": optim.Range(0.0, np.inf, True)}

    def init(self, x):
        return optim.SGDState(t=0, b=np.zeros(np.shape(x)))

    def step(self, x, g, state):
        norm = np.sqrt((g * g).sum(-1, keepdims=True))
        return x - self.lr * g / norm, optim.SGDState(state.t + 1, state.b)


def test_an_optimizer_that_is_not_elementwise_is_never_cut_into_blocks(monkeypatch):
    monkeypatch.setattr(optim._base, "BLOCK", 1)
    opt, x, g = NormalizedGD(), np.ones((2, 6)), np.arange(12.0).reshape(2, 6)
    expected, _ = opt.step(x, g, opt.init(x))
    owned = x.copy()
    opt.update(owned, g, opt.init(x))
    assert_same(owned, expected)
    # minimize takes its pure step whatever the size
    monkeypatch.setattr(optim.training, "IN_PLACE", 1)
    trace = minimize(lambda x: ((x * x).sum(-1), 2 * x), x, opt, 3)
    state = opt.init(x)
    for _ in range(3):
        x, state = opt.step(x, 2 * x, state)
    assert_same(trace.x, x)


def test_shipped_optimizers_are_elementwise_and_a_subclass_with_its_own_step_is_not():
    assert all(cls.is_elementwise() for cls in optim.OPTIMIZERS.values())
    assert not Optimizer.is_elementwise() and not NormalizedGD.is_elementwise()

    class Clipped(Adam):  # its own step, a global norm: never cut into blocks
        def step(self, x, g, state):
            norm = np.sqrt((g * g).sum(-1, keepdims=True))
            return super().step(x, g / np.maximum(norm, 1.0), state)

    class Renamed(Adam):  # Adam's step: still elementwise
        pass

    assert not Clipped.is_elementwise() and Renamed.is_elementwise()
    x = np.linspace(-2.0, 2.0, 3 * optim.training.IN_PLACE)
    opt = Clipped(lr=0.1)
    trace = minimize(lambda x: ((x * x).sum(-1) / 2, x.copy()), x, opt, 3)
    state = opt.init(x)
    for _ in range(3):
        x, state = opt.step(x, x.copy(), state)
    assert_same(trace.x, x)


@pytest.mark.parametrize(
    "opt",
    [SGD(lr=0.1, momentum=0.9), Adam(lr=0.1), optim.RMSProp(lr=0.01, momentum=0.5)],
)
def test_a_fun_whose_gradient_is_x_itself_trains_as_with_a_copy(opt, monkeypatch):
    # grad of |x|^2 / 2 returned as x itself: SGD's first buffer is g's block,
    # which the in-place step must store before it overwrites x.
    monkeypatch.setattr(optim.training, "IN_PLACE", 1)
    monkeypatch.setattr(optim._base, "BLOCK", 3)
    x0 = np.linspace(0.5, 1.5, 7)
    same = minimize(lambda x: ((x * x).sum(-1) / 2, x), x0, opt, 4)
    copy = minimize(lambda x: ((x * x).sum(-1) / 2, x.copy()), x0, opt, 4)
    assert_same(same.x, copy.x)
    assert_same(same.values, copy.values)


class SharedInit(Adam):
    """Adam whose init returns the same zero arrays at every call (a cache)."""

    def init(self, x):
        if not hasattr(SharedInit, "cached"):
            zeros = np.zeros(np.shape(x))
            SharedInit.cached = optim.AdamState(0, zeros.copy(), zeros, zeros)
        return SharedInit.cached


def test_minimize_steps_in_copies_of_the_state_init_returns(monkeypatch):
    monkeypatch.setattr(optim.training, "IN_PLACE", 1)
    opt, x0 = SharedInit(lr=0.1), np.ones(4)
    first = minimize(diverging_quadratic, x0, opt, 10)
    assert np.all(SharedInit.cached.m == 0) and np.all(SharedInit.cached.v == 0)
    second = minimize(diverging_quadratic, x0, opt, 10)
    assert_same(first.path, second.path)
    assert_same(x0, np.ones(4))


def test_update_takes_a_state_that_is_a_plain_tuple():
    # A user's optimizer may keep its state in a plain tuple, not a NamedTuple:
    # update (minimize in place, from 16,000 entries) rebuilds it all the same.
    class PlainSGD(SGD):
        def init(self, x):
            return tuple(super().init(x))

        def step(self, x, g, state):
            x, new = super().step(x, g, optim.SGDState(*state))
            return x, tuple(new)

    opt = PlainSGD(lr=0.1, momentum=0.9)
    x0 = np.random.default_rng(0).normal(size=(2, 12_000))
    x, state = x0.copy(), opt.init(x0)
    expected, plain = opt.step(x0, x0, opt.init(x0))
    state = opt.update(x, x.copy(), state)
    assert type(state) is tuple and state[0] == 1
    np.testing.assert_array_equal(x, expected)
    np.testing.assert_array_equal(state[1], plain[1])
