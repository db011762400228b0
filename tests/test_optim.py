"""Worked examples, exact batching, hyperparameters and minimize (the shared properties: test_optim_testing.py)."""

import dataclasses
import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import optim
from optim import SGD, Adam, AdamW, Range, RMSProp, minimize
from tests.strategies import arrays, batch_shapes, dims, optimizers

# ---------------------------------------------------------------- worked examples


def test_sgd_momentum_first_two_steps_by_hand():
    opt = SGD(lr=0.1, momentum=0.5, dampening=0.2)
    x, state = np.array([1.0]), opt.init(np.array([1.0]))
    x, state = opt.step(x, np.array([2.0]), state)
    # step 1: b = g = 2 (no dampening on the first step); x = 1 - 0.1 * 2 = 0.8
    assert x[0] == pytest.approx(0.8, abs=1e-15)
    x, state = opt.step(x, np.array([4.0]), state)
    # step 2: b = 0.5 * 2 + 0.8 * 4 = 4.2; x = 0.8 - 0.42 = 0.38
    assert state.b[0] == pytest.approx(4.2, abs=1e-15)
    assert x[0] == pytest.approx(0.38, abs=1e-15)


def test_sgd_nesterov_first_step_by_hand():
    opt = SGD(lr=0.1, momentum=0.9, nesterov=True)
    x, _ = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    # b = g = 2; g' = g + 0.9 b = 3.8; x = 1 - 0.38
    assert x[0] == pytest.approx(0.62, abs=1e-15)


def test_rmsprop_first_step_by_hand():
    opt = RMSProp(lr=0.01, alpha=0.75, eps=0.0)
    x, state = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    # v = 0.25 * 4 = 1; x = 1 - 0.01 * 2 / 1
    assert state.v[0] == pytest.approx(1.0, abs=1e-15)
    assert x[0] == pytest.approx(0.98, abs=1e-15)


def test_rmsprop_centered_first_step_by_hand():
    opt = RMSProp(lr=0.01, alpha=0.75, eps=0.0, centered=True)
    x, state = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    # v = 1, ga = 0.25 * 2 = 0.5, avg = sqrt(1 - 0.25); x = 1 - 0.02 / sqrt(0.75)
    assert x[0] == pytest.approx(1 - 0.02 / math.sqrt(0.75), abs=1e-15)


def test_adam_two_steps_by_hand():
    opt = Adam(lr=0.1, b1=0.5, b2=0.75, eps=0.0)
    x, state = np.array([0.0]), opt.init(np.array([0.0]))
    x, state = opt.step(x, np.array([2.0]), state)
    assert x[0] == pytest.approx(-0.1, abs=1e-15)  # first step: lr * sign(g)
    x, state = opt.step(x, np.array([-2.0]), state)
    # m = 0.5 * 1 + 0.5 * -2 = -0.5; v = 0.75 * 1 + 0.25 * 4 = 1.75
    # m_hat = -0.5 / 0.75; v_hat = 1.75 / (1 - 0.5625)
    m_hat, v_hat = -0.5 / 0.75, 1.75 / 0.4375
    assert x[0] == pytest.approx(-0.1 - 0.1 * m_hat / math.sqrt(v_hat), abs=1e-15)


def test_adamw_decays_before_the_adam_step():
    x0 = np.array([2.0])
    x, _ = AdamW(lr=0.1, weight_decay=0.5, eps=0.0).step(
        x0, np.array([3.0]), AdamW().init(x0)
    )
    assert x[0] == pytest.approx(2.0 * (1 - 0.05) - 0.1, abs=1e-15)
    y, _ = Adam(lr=0.1, weight_decay=0.5, eps=0.0).step(
        x0, np.array([3.0]), Adam().init(x0)
    )
    assert y[0] == pytest.approx(2.0 - 0.1, abs=1e-15)  # L2 only changes g's size here


def test_defaults_equal_torch_optim():
    # torch.optim's documented defaults (torch 2.x).
    assert (SGD().lr, SGD().momentum, SGD().dampening, SGD().weight_decay) == (
        1e-3,
        0,
        0,
        0,
    )
    assert (RMSProp().lr, RMSProp().alpha, RMSProp().eps) == (1e-2, 0.99, 1e-8)
    assert (Adam().lr, Adam().b1, Adam().b2, Adam().eps, Adam().weight_decay) == (
        1e-3,
        0.9,
        0.999,
        1e-8,
        0.0,
    )
    assert AdamW().weight_decay == 1e-2


# ------------------------------------------------------------------- purity, batching


# Centered RMSProp takes sqrt(v - ga**2), which rounding can make slightly
# negative for drawn gradients (NaN, as in torch): not what these tests are about.
IGNORE_SQRT_OF_ROUNDING = np.errstate(invalid="ignore")


@IGNORE_SQRT_OF_ROUNDING
@given(data=st.data(), n=st.integers(1, 4), d=dims, steps=st.integers(1, 6))
def test_batched_run_equals_stack_of_single_runs(data, n, d, steps):
    opt = data.draw(optimizers(batch=(n,)))
    x0 = data.draw(arrays((n, d)))
    grads = data.draw(arrays((steps, n, d)))
    x, state = x0, opt.init(x0)
    for g in grads:
        x, state = opt.step(x, g, state)
    for i in range(n):
        single = type(opt)(**_row(opt.hyperparameters(), i))
        xi, si = x0[i], single.init(x0[i])
        for g in grads:
            xi, si = single.step(xi, g[i], si)
        if isinstance(opt, Adam):
            # Bias corrections b1**t: Python's pow for a scalar (as torch), NumPy's
            # vectorized pow for an array; they may differ in the last bit, which
            # moves each step by ~1e-16 relative (see Adam's Notes).
            scale = np.abs(x0[i]).max() + 7 * np.max(opt.lr)
            np.testing.assert_allclose(x[i], xi, rtol=0, atol=1e-14 * scale)
        else:
            # Elementwise math on the same numbers in the same order: exact.
            np.testing.assert_array_equal(x[i], xi)


def _row(params, i):
    return {k: v[i] if isinstance(v, np.ndarray) else v for k, v in params.items()}


# ------------------------------------------------------------------------------ theory


@given(
    n=st.integers(20, 60),
    p=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
    l2=st.sampled_from([0.0, 0.1]),
)
def test_trained_linear_regression_weights_reach_the_closed_form(n, p, seed, l2):
    from surfaces import LinearRegression

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    X[:, 0] += 0.1 * rng.normal(size=n)
    y = X @ rng.normal(size=p) + 0.1 * rng.normal(size=n)
    problem = LinearRegression(X, y, l2=l2)
    L, mu = problem.smoothness, problem.strong_convexity
    if L / mu > 100:
        return  # the theorem holds, but the run would be long; well-conditioned only
    w_star = problem.solve()
    # GD at 1/L: error falls by (1 - mu/L) per step; run to 1e-12 of the start.
    # (with mu = L, as for p = 1, one step at 1/L is exact)
    steps = 1 if mu >= L else math.ceil(math.log(1e-12) / math.log(1 - mu / L))
    trace = minimize(problem, np.zeros(p), SGD(lr=1 / L), steps)
    assert np.linalg.norm(trace.x - w_star) <= 1e-8 * np.linalg.norm(w_star)


# ------------------------------------------------ hyperparameters by name, equality

# DESIGN.md section 4's valid ranges, written out here independently of the code.
NONNEG, BELOW_ONE, UNIT = (0, math.inf, True), (0, 1, True), (0, 1, False)
DOCUMENTED = {
    "sgd": dict(lr=NONNEG, momentum=BELOW_ONE, dampening=UNIT, weight_decay=NONNEG),
    "rmsprop": dict(
        lr=NONNEG, alpha=BELOW_ONE, eps=NONNEG, weight_decay=NONNEG, momentum=BELOW_ONE
    ),
    "adam": dict(
        lr=NONNEG, b1=BELOW_ONE, b2=BELOW_ONE, eps=NONNEG, weight_decay=NONNEG
    ),
}
DOCUMENTED["adamw"] = DOCUMENTED["adam"]
SWITCHES = {
    "sgd": ("nesterov", "maximize"),
    "rmsprop": ("centered", "maximize"),
    "adam": ("amsgrad", "maximize"),
    "adamw": ("amsgrad", "maximize"),
}


@pytest.mark.parametrize("name", sorted(optim.OPTIMIZERS))
def test_numeric_fields_and_switches_list_every_field_once_in_field_order(name):
    cls = optim.OPTIMIZERS[name]
    fields = [f.name for f in dataclasses.fields(cls)]
    numeric, switches = cls.numeric_fields(), cls.switches()
    assert sorted([*numeric, *switches]) == sorted(fields)
    assert list(numeric) == [f for f in fields if f in numeric]
    assert numeric == {k: Range(*v) for k, v in DOCUMENTED[name].items()}
    assert switches == SWITCHES[name]
    for field in dataclasses.fields(cls):  # the defaults: bools exactly for switches
        assert isinstance(field.default, bool) == (field.name in switches)


def _reordered(cls):
    """A subclass declaring its ranges in reverse order: nothing may depend on it."""
    ranges = dict(reversed(cls.numeric_fields().items()))
    return dataclasses.dataclass(frozen=True, eq=False)(
        type(f"Reordered{cls.__name__}", (cls,), {"RANGES": ranges})
    )


REORDERED = {name: _reordered(cls) for name, cls in optim.OPTIMIZERS.items()}


@IGNORE_SQRT_OF_ROUNDING
@given(data=st.data(), batch=batch_shapes, d=dims)
def test_hyperparameters_are_read_by_name_not_by_declaration_order(data, batch, d):
    name = data.draw(st.sampled_from(sorted(optim.OPTIMIZERS)))
    opt = data.draw(optimizers(name=name, batch=batch))
    other = REORDERED[name](**opt.hyperparameters())
    assert list(other.numeric_fields()) == list(opt.numeric_fields())
    x, grads = data.draw(arrays((*batch, d))), data.draw(arrays((3, *batch, d)))
    xa, sa, xb, sb = x, opt.init(x), x, other.init(x)
    for g in grads:
        (xa, sa), (xb, sb) = opt.step(xa, g, sa), other.step(xb, g, sb)
    np.testing.assert_array_equal(xa, xb)


@given(data=st.data(), batch=batch_shapes, d=dims)
def test_adamw_is_a_decay_of_x_then_an_adam_step_without_l2(data, batch, d):
    adamw = data.draw(optimizers(name="adamw", batch=batch))
    adam = Adam(**(adamw.hyperparameters() | {"weight_decay": 0.0}))
    lr, decay = (np.asarray(adamw.lr)[..., None], np.asarray(adamw.weight_decay))
    x, grads = data.draw(arrays((*batch, d))), data.draw(arrays((3, *batch, d)))
    xw, sw, xa, sa = x, adamw.init(x), x, adam.init(x)
    for g in grads:
        xw, sw = adamw.step(xw, g, sw)
        xa, sa = adam.step(xa * (1 - lr * decay[..., None]), g, sa)
        np.testing.assert_array_equal(xw, xa)
        for a, b in zip(sw, sa, strict=True):
            np.testing.assert_array_equal(a, b)


def test_equality_compares_class_and_values():
    assert Adam() == Adam() and hash(Adam()) == hash(Adam()) and Adam() is not Adam()
    assert Adam(lr=1) == Adam(lr=1.0)  # validation makes both floats
    assert Adam(lr=np.array([0.1, 0.2])) == Adam(lr=[0.1, 0.2])
    assert Adam(lr=np.array([0.1, 0.2])) != Adam(lr=[0.1, 0.3])
    assert Adam(lr=np.array([0.1])) != Adam(lr=0.1)  # batch (1,), not ()
    assert Adam(lr=np.ones(2)) != Adam(lr=np.ones((2, 1)))
    assert Adam(amsgrad=True) != Adam()
    assert AdamW(weight_decay=0.0) != Adam()  # configurations, not behaviour
    assert Adam() != "Adam()" and Adam() != (1e-3, 0.9, 0.999, 1e-8, 0.0)
    zeros, signed = Adam(eps=np.array([0.0, 1.0])), Adam(eps=np.array([-0.0, 1.0]))
    assert zeros == signed and hash(zeros) == hash(signed)  # as np.array_equal
    assert len({SGD(), SGD(), SGD(lr=0.5), RMSProp()}) == 3


@given(data=st.data(), batch=batch_shapes)
def test_optimizers_are_equal_exactly_when_their_hyperparameters_are(data, batch):
    name = data.draw(st.sampled_from(sorted(optim.OPTIMIZERS)))
    a = data.draw(optimizers(name=name, batch=batch))
    as_lists = {
        k: v.tolist() if isinstance(v, np.ndarray) else v
        for k, v in a.hyperparameters().items()
    }
    copy = type(a)(**as_lists)
    assert copy == a and hash(copy) == hash(a)
    b = data.draw(optimizers(name=name, batch=batch))
    same = all(
        np.shape(u) == np.shape(v) and np.array_equal(u, v)
        for u, v in zip(
            a.hyperparameters().values(), b.hyperparameters().values(), strict=True
        )
    )
    assert (a == b) == same and (a != b) != same


# ---------------------------------------------------------------- bad input

INVALID = st.sampled_from([-1.0, -1e-9, math.nan, math.inf, -math.inf])


@given(name=st.sampled_from(sorted(optim.OPTIMIZERS)), data=st.data())
def test_invalid_hyperparameter_raises_value_error_naming_it(name, data):
    cls = optim.OPTIMIZERS[name]
    field = data.draw(st.sampled_from(list(cls.numeric_fields())))
    low, high, high_open = cls.numeric_fields()[field]
    bad = data.draw(
        st.one_of(INVALID, st.just(high + 0.5) if math.isfinite(high) else INVALID)
        | (st.just(high) if high_open and math.isfinite(high) else INVALID)
    )
    as_array = data.draw(st.booleans())
    value = np.array([0.0 if low == 0 else low, bad]) if as_array else bad
    with pytest.raises(ValueError, match=field):
        cls(**{field: value})


@given(name=st.sampled_from(sorted(optim.OPTIMIZERS)), data=st.data())
def test_wrongly_typed_hyperparameter_raises_type_error_naming_it(name, data):
    cls = optim.OPTIMIZERS[name]
    field = data.draw(st.sampled_from([*cls.numeric_fields(), *cls.switches()]))
    value = data.draw(st.sampled_from(["0.1", None, {"a": 1}, object()]))
    if field in cls.switches():
        value = data.draw(st.sampled_from([value, 1, 0.0]))
    with pytest.raises(TypeError, match=field):
        cls(**{field: value})


def test_nesterov_needs_momentum_and_no_dampening():
    with pytest.raises(ValueError, match="nesterov"):
        SGD(nesterov=True)
    with pytest.raises(ValueError, match="nesterov"):
        SGD(momentum=0.9, dampening=0.1, nesterov=True)
    with pytest.raises(ValueError, match="nesterov"):
        SGD(momentum=np.array([0.9, 0.0]), nesterov=True)


def test_hyperparameter_shapes_must_broadcast():
    with pytest.raises(ValueError, match="broadcast"):
        Adam(lr=np.ones(3), b1=np.full(2, 0.5))
    assert Adam(lr=np.ones((2, 1)), b1=np.full(3, 0.5)).batch_shape == (2, 3)


def test_valid_edge_values_are_accepted():
    SGD(lr=0.0, momentum=0.0, dampening=1.0)
    Adam(b1=0.0, b2=0.0, eps=0.0)
    RMSProp(alpha=0.0, eps=0.0, momentum=0.0)


@given(
    bad=st.sampled_from(
        [
            ("steps", -1, ValueError),
            ("steps", 2.5, TypeError),
            ("steps", True, TypeError),
            ("tol", -1.0, ValueError),
            ("tol", math.nan, ValueError),
            ("record", "yes", TypeError),
            ("x0", [math.nan, 1.0], ValueError),
            ("x0", 3.0, ValueError),
            ("x0", ["a", "b"], TypeError),
            ("fun", 42, TypeError),
            ("optimizer", "adam", TypeError),
            ("optimizer", Adam, TypeError),  # the class, not an instance
            ("x0", "1.5", TypeError),
            ("x0", ["1", "2"], TypeError),
            ("x0", [True, False], TypeError),
            ("x0", [1j, 2.0], TypeError),
            ("x0", [[1.0, 2.0], [3.0]], ValueError),  # ragged
        ]
    )
)
def test_minimize_rejects_bad_arguments_naming_them(bad):
    name, value, error = bad
    args = {
        "fun": lambda x: ((x**2).sum(-1), 2 * x),
        "x0": [1.0, 2.0],
        "optimizer": SGD(),
        "steps": 3,
    }
    kwargs = {}
    if name in args:
        args[name] = value
    else:
        kwargs[name] = value
    with pytest.raises(error, match=name):
        minimize(args["fun"], args["x0"], args["optimizer"], args["steps"], **kwargs)


def test_minimize_rejects_a_fun_with_wrong_output_shapes():
    with pytest.raises(ValueError, match="fun"):
        minimize(lambda x: (x.sum(), x), [1.0, 2.0], SGD(lr=np.ones(3)), 2)


@pytest.mark.parametrize(
    ("fun", "error", "shown"),
    [
        (lambda x: (x * x).sum(-1), TypeError, "value, grad"),  # the value only
        (lambda x: ((x * x).sum(-1), 2j * x), TypeError, "complex"),
        (lambda x: ((x * x).sum(-1), (2 * x).astype(str)), TypeError, "<U"),
    ],
)
def test_minimize_rejects_a_fun_that_does_not_return_real_value_and_grad(
    fun, error, shown
):
    with pytest.raises(error, match=f"fun.*{re.escape(shown)}"):
        minimize(fun, [1.0, 2.0], SGD(), 2)


def test_minimize_names_x0_and_the_batch_when_they_do_not_broadcast():
    message = r"x0 of shape \(3, 2\).*\(4,\)"
    with pytest.raises(ValueError, match=message):
        minimize(quadratic, np.zeros((3, 2)), Adam(lr=np.full(4, 1e-3)), 5)


@pytest.mark.parametrize(
    "value",
    [
        ["0.1", "0.2"],
        np.array([True, False]),
        [0.1, True],
        np.array([0.1 + 0j, 0.2]),
        np.array([None, None]),
        [0.1, None],
        np.array(0.5 + 0j),
        np.array(True),
        [[0.1, 0.2], [0.3]],
    ],
    ids=repr,
)
@pytest.mark.parametrize("name", sorted(optim.OPTIMIZERS))
def test_array_hyperparameters_are_as_strict_as_scalars(name, value):
    # A string, a bool, a complex number or None alone is a TypeError; so is
    # an array or a list with one inside (NumPy would convert all but None).
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ComplexWarning on the way
        with pytest.raises(TypeError, match=f"{optim.OPTIMIZERS[name].__name__}: lr"):
            optim.OPTIMIZERS[name](lr=value)


def test_array_hyperparameters_are_read_only_copies_of_the_callers():
    lr = np.array([0.1, 0.2])
    opt = Adam(lr=lr, eps=0.0)
    lr[0] = -5.0  # the caller's array changes; the frozen optimizer does not
    assert opt.lr.tolist() == [0.1, 0.2] and not opt.lr.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        opt.lr[0] = 3.0
    x = np.zeros((2, 1))
    x1, _ = opt.step(x, np.ones((2, 1)), opt.init(x))
    assert x1[:, 0].tolist() == [-0.1, -0.2]  # Adam's first step: lr * sign(g)
    given = np.array([0.3])
    checked = Adam.check_field("lr", given)  # the same copy as construction's
    assert checked is not given and not checked.flags.writeable


# --------------------------------------------------------------------- minimize


def quadratic(x):
    return (x * x).sum(axis=-1), 2 * x


def test_minimize_broadcasts_x0_over_the_hyperparameter_batch():
    lrs = np.array([[0.1, 0.2, 0.3], [0.01, 0.02, 0.03]])
    trace = minimize(quadratic, [1.0, -1.0], SGD(lr=lrs), 5)
    assert trace.x.shape == (2, 3, 2)
    assert trace.values.shape == (6, 2, 3) and trace.path.shape == (6, 2, 3, 2)
    # On ||x||^2, GD multiplies x by (1 - 2 lr) per step.
    np.testing.assert_allclose(trace.x[..., 0], (1 - 2 * lrs) ** 5, rtol=1e-14)


def test_minimize_without_record_keeps_values_but_no_path():
    trace = minimize(quadratic, [1.0], SGD(lr=0.1), 4, record=False)
    assert trace.path is None and trace.values.shape == (5,)


def test_minimize_stops_early_at_tol():
    trace = minimize(quadratic, [1.0], SGD(lr=0.25), 1000, tol=1e-6)
    # x_k = 0.5**k, ||g|| = 2 * 0.5**k <= 1e-6 first at k = 21
    assert trace.steps == 21 and trace.values.shape == (22,)


def test_diverging_configuration_is_frozen_without_warnings_or_touching_the_others():
    lrs = np.array([0.1, 10.0, 0.3])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trace = minimize(quadratic, [1.0, 2.0], SGD(lr=lrs), 400)
    assert trace.diverged.tolist() == [False, True, False]
    assert np.isinf(trace.values[-1, 1]) and not np.isnan(trace.values).any()
    k = np.argmax(np.isinf(trace.values[:, 1]))  # the first non-finite step
    assert np.all(np.isfinite(trace.values[:k, 1]))
    assert np.all(trace.path[k:, 1] == trace.path[k, 1])  # frozen from there on
    for i in (0, 2):
        single = minimize(quadratic, [1.0, 2.0], SGD(lr=lrs[i]), 400)
        np.testing.assert_array_equal(trace.path[:, i], single.path)


def test_non_finite_gradient_with_finite_value_counts_as_diverged():
    def fun(x):
        g = np.where(x > 5, np.inf, 2 * x)
        return (x * x).sum(-1), g

    trace = minimize(
        fun, [1.0], SGD(lr=np.array([-0.0, 0.0]) + np.array([0.1, 2.0])), 10
    )
    assert trace.diverged.tolist() == [False, True]
    assert np.isinf(trace.values[-1, 1]) and np.isfinite(trace.values[-1, 0])


def test_a_non_finite_x_is_diverged_although_value_and_grad_stay_finite():
    # arctan is bounded with a bounded gradient, so only x shows the trouble:
    # AdamW's decay 1 - lr * weight_decay = -9999 overflows x to inf.
    def fun(x):
        return np.arctan(x).sum(-1), 1 / (1 + x * x)

    lrs = np.array([1e-3, 1e6])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trace = minimize(fun, [1.0, -2.0], AdamW(lr=lrs), 200)
    assert trace.diverged.tolist() == [False, True]
    k = np.argmax(np.isinf(trace.values[:, 1]))  # where it was marked
    assert k > 0 and not np.all(np.isfinite(trace.path[k, 1]))
    assert np.all(np.isfinite(trace.path[:k, 1])) and np.all(
        trace.values[k:, 1] == np.inf
    )
    single = minimize(fun, [1.0, -2.0], AdamW(lr=lrs[0]), 200)
    np.testing.assert_array_equal(trace.path[:, 0], single.path)


def test_adamw_at_a_huge_learning_rate_on_ackley_is_marked_diverged():
    from surfaces import Ackley

    s = Ackley()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trace = minimize(s, s.start, AdamW(lr=1e6), 1000)
    assert trace.diverged and trace.values[-1] == np.inf


@pytest.mark.parametrize(
    "opt",
    [
        Adam(lr=0.1, eps=0.0),
        Adam(lr=0.1, eps=0.0, amsgrad=True),
        AdamW(lr=0.1, eps=0.0, weight_decay=0.5),
        RMSProp(lr=0.1, eps=0.0),
        RMSProp(lr=0.1, eps=0.0, centered=True),
        RMSProp(lr=0.1, eps=0.0, momentum=0.9),
    ],
    ids=repr,
)
def test_eps_zero_takes_no_step_on_a_zero_gradient(opt):
    # Started at the minimizer of ||x||^2 the gradient is exactly 0: m = v = 0
    # and the step is 0 / 0, taken as 0 (its limit as eps -> 0+; torch: NaN).
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trace = minimize(quadratic, [0.0, 0.0], opt, 5)
    assert not trace.diverged and not trace.path.any() and not trace.values.any()
    # One coordinate at 0, one not: the first stays, the second moves as alone.
    both = minimize(quadratic, [0.0, 1.0], opt, 5)
    alone = minimize(quadratic, [1.0], opt, 5)
    assert not both.path[:, 0].any()
    np.testing.assert_array_equal(both.path[:, 1], alone.path[:, 0])


def test_adam_eps_zero_first_step_by_hand_with_a_zero_coordinate():
    opt = Adam(lr=0.1, eps=np.array([0.0, 1e-8]))
    x = np.array([[0.0, 3.0], [0.0, 3.0]])
    x1, _ = opt.step(x, np.array([[0.0, 2.0], [0.0, 2.0]]), opt.init(x))
    assert x1[:, 0].tolist() == [0.0, 0.0]  # g = 0: no step (not 0 / 0 = NaN)
    # g = 2: m_hat = 2, sqrt(v_hat) = 2, x = 3 - lr * 2 / (2 + eps)
    assert x1[0, 1] == pytest.approx(2.9, abs=1e-15)
    assert x1[1, 1] == pytest.approx(3.0 - 0.1 * 2.0 / (2.0 + 1e-8), abs=1e-15)


@given(data=st.data(), n=st.integers(1, 3), d=dims)
def test_minimize_equals_a_hand_loop_of_steps(data, n, d):
    opt = data.draw(optimizers(batch=(n,)))
    x0 = data.draw(arrays((n, d), -2, 2))
    target = data.draw(arrays((n, d), -2, 2))

    def fun(x):
        r = x - target
        return 0.5 * (r * r).sum(-1), r

    trace = minimize(fun, x0, opt, 7)
    ok = ~trace.diverged  # (e.g. centered RMSProp's sqrt of a rounding-negative)
    x, state = x0, opt.init(x0)
    with np.errstate(invalid="ignore"):
        for k in range(7):
            np.testing.assert_array_equal(trace.path[k][ok], x[ok])
            x, state = opt.step(x, fun(x)[1], state)
    np.testing.assert_array_equal(trace.x[ok], x[ok])


def test_zero_steps_returns_the_start():
    trace = minimize(quadratic, [3.0], Adam(), 0)
    assert (
        trace.steps == 0
        and trace.values.tolist() == [9.0]
        and trace.x.tolist() == [3.0]
    )
