"""Tests of search.objective.TrainedLoss: the hyperparameter loss surface.

The oracle is the inner loop itself, called directly: ``optim.minimize`` on
the surface (or a minibatch of it seeded like the objective), then the loss
on the held-out data. A single evaluation runs exactly that arithmetic, so
it must match bit for bit; a batch matches it exactly where the math is
elementwise, and to a stated rounding tolerance where it is not.
"""

import math
import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import optim
import search.objective
import surfaces
from optim import SGD, Adam, AdamW, RMSProp, minimize
from search.objective import TrainedLoss
from surfaces import LinearRegression, Quadratic, Rosenbrock, kfold
from tests.strategies import optimizers

EPS = np.finfo(float).eps


# ---------------------------------------------------------------- problems


def regression(intercept=True, l2=0.0):
    """A small synthetic problem: (X_train, y_train, train, val, test)."""
    X, y, _ = surfaces.make_regression(n=80, d=3, noise=0.5, rng=1)
    part = surfaces.split(X, y, rng=2)  # 48 train, 16 val, 16 test rows
    train = LinearRegression(part.X_train, part.y_train, l2=l2, intercept=intercept)
    val = LinearRegression(part.X_val, part.y_val, intercept=intercept)
    test = LinearRegression(part.X_test, part.y_test, intercept=intercept)
    return part.X_train, part.y_train, train, val, test


def direct(opt, train, steps, x0, scorer=None, batch_size=None, seed=0):
    """The oracle: minimize directly, score on ``scorer`` (or the final value)."""
    fun = train
    if batch_size is not None:
        fun = train.minibatch(batch_size, rng=np.random.default_rng(seed))
    trace = minimize(fun, x0, opt, steps)
    if trace.diverged:
        return math.inf
    with np.errstate(all="ignore"):
        score = trace.values[-1] if scorer is None else scorer.value(trace.x)
    return float(score) if np.isfinite(score) else math.inf


# ---------------------------------------------------------------- strategies


@st.composite
def elementwise_configs(draw):
    """SGD or RMSProp configurations: mixed switches, steps, some diverging."""
    name = draw(st.sampled_from(["sgd", "rmsprop"]))
    configs = []
    for _ in range(draw(st.integers(1, 5))):
        p = {
            "lr": draw(st.floats(1e-5, 1.0)),
            "weight_decay": draw(st.sampled_from([0.0, 0.1])),
            "steps": draw(st.integers(0, 8)),
        }
        if name == "sgd":
            p["nesterov"] = draw(st.booleans())
            p["momentum"] = draw(st.floats(0.1 if p["nesterov"] else 0.0, 0.95))
            p["dampening"] = 0.0 if p["nesterov"] else draw(st.floats(0.0, 1.0))
        else:
            p["alpha"] = draw(st.floats(0.0, 0.999))
            p["momentum"] = draw(st.sampled_from([0.0, 0.5]))
            p["centered"] = draw(st.booleans())
        configs.append(p)
    return name, configs


@st.composite
def adam_configs(draw, max_lr=1e-2, max_steps=10, batch_sizes=(None,)):
    """Adam configurations in a convergent regime (small lr, few steps)."""
    configs = []
    for _ in range(draw(st.integers(1, 5))):
        p = {
            "lr": draw(st.floats(1e-4, max_lr)),
            "b1": draw(st.floats(0.0, 0.99)),
            "b2": draw(st.floats(0.9, 0.9999)),
            "amsgrad": draw(st.booleans()),
            "steps": draw(st.integers(0, max_steps)),
        }
        batch_size = draw(st.sampled_from(batch_sizes))
        if batch_size is not None:
            p["batch_size"] = batch_size
        configs.append(p)
    return configs


# ---------------------------------------------------------------- batch == singles


@given(elementwise_configs(), st.sampled_from(surfaces.names()))
def test_batch_equals_single_evaluations_exactly(case, surface):
    name, configs = case
    objective = TrainedLoss(name, surfaces.get(surface), steps=5)
    batched = objective.batch(configs)
    singles = np.array([objective(p) for p in configs])
    assert batched.shape == (len(configs),)
    # elementwise math on the same numbers: bit for bit, inf where diverged
    np.testing.assert_array_equal(batched, singles)
    assert not np.any(np.isnan(batched))


@given(adam_configs(), st.sampled_from([Adam, AdamW]))
def test_adam_batch_equals_singles_to_rounding(configs, cls):
    objective = TrainedLoss(cls, Rosenbrock(), steps=5)
    batched = objective.batch(configs)
    singles = np.array([objective(p) for p in configs])
    # b1**t by NumPy (array) vs Python (scalar) may differ in the last bit: each
    # step moves x by <= lr * (1 + 4 eps) instead of lr, so after <= 10 steps x
    # differs by <= 40 eps lr and f (|grad f| <= ~250 near the start) by far
    # less than 1e-12 relative
    np.testing.assert_allclose(batched, singles, rtol=1e-12, atol=0)


@given(adam_configs(max_lr=0.1, max_steps=20, batch_sizes=(None, 8, 48)))
def test_linear_regression_batch_equals_singles_to_rounding(configs):
    _, _, train, val, _ = regression()
    objective = TrainedLoss(Adam, train, val, steps=5)
    batched = objective.batch(configs)
    singles = np.array([objective(p) for p in configs])
    # A stack of weights meets X in one matrix product (BLAS gemm), one weight
    # vector in a matrix-vector product (gemv): sums in another order, each
    # within ~d eps relative; with lr <= 0.1 and <= 20 steps the runs converge
    # and these errors stay within 1e-10 relative (a measured 1e-14)
    np.testing.assert_allclose(batched, singles, rtol=1e-10, atol=0)
    # one configuration is the same computation either way: bit for bit
    np.testing.assert_array_equal(objective.batch(configs[:1]), singles[:1])


def test_differing_steps_read_each_configuration_at_its_own_count():
    # SGD with lr = 10 on eigenvalues (1, 2) multiplies x by -9 and -19 per step:
    # finite after 5 steps, overflowing long before 300
    s = Quadratic(eigenvalues=[1.0, 2.0], rotate=False)
    objective = TrainedLoss(SGD, s)
    configs = [
        {"lr": 10.0, "steps": 5},
        {"lr": 10.0, "steps": 300},
        {"lr": 0.5, "steps": 3},
        {"lr": 10.0, "steps": 0},
    ]
    batched = objective.batch(configs)
    expected = [direct(SGD(lr=p["lr"]), s, p["steps"], s.start) for p in configs]
    np.testing.assert_array_equal(batched, expected)
    np.testing.assert_array_equal(batched, [objective(p) for p in configs])
    assert np.isfinite(batched[0]) and batched[1] == math.inf
    assert batched[3] == s.value(s.start)  # zero steps: the start's loss


# ---------------------------------------------------------------- chunks


class ShapeRecording(Rosenbrock):
    """Rosenbrock that records the batch shape of every evaluation."""

    def value_and_grad(self, x):
        self.shapes.add(np.shape(x)[:-1])
        return super().value_and_grad(x)


class RowsRecording(LinearRegression):
    """A LinearRegression that records the batch shape of every evaluation."""

    def value_and_grad(self, w):
        self.shapes.add(np.shape(w)[:-1])
        return super().value_and_grad(w)


@pytest.mark.parametrize(("cls", "other"), [(SGD, "momentum"), (Adam, "b1")])
def test_chunked_batch_equals_one_chunk_exactly_where_the_math_is_elementwise(
    cls, other, monkeypatch
):
    # 11 configurations in chunks of 3 (CHUNK // d with d = 2): learning rates
    # from converging to diverging, two step counts, and the second value shared
    # by the first chunk only (still an array there: a whole group's arithmetic)
    lrs = [*np.logspace(-5, -2, 10), 1e100]
    configs = [
        {"lr": lr, "steps": 20 + 15 * (i % 2), other: 0.9 if i < 3 else 0.4 + 0.05 * i}
        for i, lr in enumerate(lrs)
    ]
    whole = TrainedLoss(cls, Rosenbrock()).batch(configs)
    monkeypatch.setattr(search.objective, "CHUNK", 3 * 2)
    surface = ShapeRecording()
    surface.shapes = set()
    chunked = TrainedLoss(cls, surface).batch(configs)
    # 11 = 3 + 3 + 3 + 2; after 20 steps a chunk goes on with its 35-step ones
    assert {(3,), (2,)} <= surface.shapes <= {(3,), (2,), (1,)}
    np.testing.assert_array_equal(chunked, whole)
    assert np.isinf(whole).any() and np.isfinite(whole).any()


def test_chunked_linear_regression_equals_one_chunk_to_rounding(monkeypatch):
    # Two groups (full batch and minibatches of 8), 10 configurations each, in
    # chunks of 3 (CHUNK // 48 training rows); the largest learning rates diverge
    X_train, y_train, train, val, _ = regression()
    configs = [
        {"lr": lr, "steps": 300, "batch_size": b}
        for b in (None, 8)
        for lr in np.logspace(-3, 1, 10)
    ]
    whole = TrainedLoss(SGD, train, val).batch(configs)
    monkeypatch.setattr(search.objective, "CHUNK", 3 * train.n)
    recording = RowsRecording(X_train, y_train, intercept=True)
    recording.shapes = set()
    chunked = TrainedLoss(SGD, recording, val).batch(configs)
    assert recording.shapes == {(3,), (1,)}  # 10 = 3 + 3 + 3 + 1, per group
    # the same configurations diverge, chunked or not
    np.testing.assert_array_equal(np.isinf(chunked), np.isinf(whole))
    assert np.isinf(whole).any() and np.isfinite(whole).any()
    # BLAS sums a row of w @ X.T in an order that depends on how many rows the
    # product has, so chunks agree to rounding (each product within ~d eps
    # relative); SGD on least squares contracts errors when it converges, and
    # they stay within 1e-10 relative
    finite = np.isfinite(whole)
    np.testing.assert_allclose(chunked[finite], whole[finite], rtol=1e-10, atol=0)


def test_batch_of_nothing_is_empty():
    _, _, train, val, _ = regression()
    out = TrainedLoss(Adam, train, val).batch([])
    assert out.shape == (0,) and out.dtype == np.float64


# ---------------------------------------------------------------- oracles


@given(st.data(), st.sampled_from(surfaces.names()), st.integers(0, 12))
def test_analytic_objective_is_the_final_value_of_a_direct_run(data, surface, steps):
    s = surfaces.get(surface)
    opt = data.draw(optimizers())  # scalar hyperparameters, any switches
    objective = TrainedLoss(type(opt), s, steps=steps)
    assert objective(opt.hyperparameters()) == direct(opt, s, steps, s.start)


@pytest.mark.parametrize("batch_size", [None, 1, 10])
@pytest.mark.parametrize("cls", [SGD, RMSProp, Adam])
def test_regression_objective_is_the_validation_loss_of_a_direct_run(cls, batch_size):
    _, _, train, val, _ = regression()
    params = {"lr": 0.05}
    objective = TrainedLoss(cls, train, val, steps=30, seed=7)
    if batch_size is not None:
        params["batch_size"] = batch_size
    expected = direct(cls(lr=0.05), train, 30, np.zeros(4), val, batch_size, seed=7)
    assert objective(params) == expected
    assert objective(params) == objective(params)  # reproducible minibatches


def test_x0_is_the_start():
    _, _, train, val, _ = regression()
    x0 = np.array([1.0, -2.0, 0.5, 3.0])
    objective = TrainedLoss(SGD, train, val, steps=4, x0=x0)
    assert objective({"lr": 0.1}) == direct(SGD(lr=0.1), train, 4, x0, val)


def test_registry_name_is_the_class():
    s = Rosenbrock()
    by_name = TrainedLoss("Adam", s, steps=7)
    assert by_name.optimizer is Adam
    assert by_name({"lr": 0.01}) == TrainedLoss(Adam, s, steps=7)({"lr": 0.01})


def test_names_are_the_fields_plus_steps_and_batch_size():
    _, _, train, val, _ = regression()
    assert TrainedLoss(Adam, train, val).names == (
        *("lr", "b1", "b2", "eps", "weight_decay", "amsgrad", "maximize"),
        *("steps", "batch_size"),
    )
    # an analytic surface has no rows to sample: no batch_size
    assert TrainedLoss(SGD, Rosenbrock()).names == (
        *("lr", "momentum", "dampening", "nesterov", "weight_decay", "maximize"),
        "steps",
    )


# ---------------------------------------------------------------- divergence


@pytest.mark.filterwarnings("error")
def test_diverged_configurations_score_inf_never_win_and_never_warn():
    _, _, train, val, _ = regression()
    objective = TrainedLoss(SGD, train, val, steps=300)
    # gradient descent is stable for lr < 2/L (L ~ 1.2 here); beyond, the error
    # along the top eigenvector grows by |1 - lr L| per step: for lr >= 10 by
    # more than 10, so past the largest float (1.8e308) within 300 steps
    lrs = np.geomspace(1e-3, 1e3, 13)
    scores = objective.batch([{"lr": float(lr)} for lr in lrs])
    assert not np.any(np.isnan(scores))
    assert np.all(scores[lrs >= 10] == math.inf)
    assert np.all(np.isfinite(scores[lrs < 2 / train.smoothness]))
    assert np.isfinite(scores.min()) and lrs[np.argmin(scores)] < 2 / train.smoothness
    assert objective({"lr": 1e3}) == math.inf


@pytest.mark.filterwarnings("error")
def test_finite_weights_that_overflow_on_validation_score_inf_without_warning():
    # one step of lr = 1e150 from 0 lands on w = lr X^T y / n = 2.5e147: finite
    # on the tiny training features, but (1e10 w)^2 overflows on validation
    train = LinearRegression([[1e-3], [2e-3]], [1.0, 2.0])
    val = LinearRegression([[1e10]], [1.0])
    trace = minimize(train, [0.0], SGD(lr=1e150), 1)
    assert not trace.diverged and np.all(np.isfinite(trace.x))
    objective = TrainedLoss(SGD, train, val, steps=1)
    assert objective({"lr": 1e150}) == math.inf
    assert objective.batch([{"lr": 1e150}, {"lr": 0.1}])[0] == math.inf


# ---------------------------------------------------------------- quality


def test_validation_loss_approaches_the_closed_form():
    _, _, train, val, _ = regression()
    L, mu = train.smoothness, train.strong_convexity
    steps = 200
    objective = TrainedLoss(SGD, train, val, steps=steps)
    score = objective({"lr": 1 / L})
    # gradient descent with lr = 1/L: ||w_k - w*|| <= (1 - mu/L)^k ||w*|| from 0;
    # val is quadratic, so f_val(w) - f_val(w*) <= |g_val(w*)| delta + L_val delta^2 / 2
    w = train.solve()
    delta = (1 - mu / L) ** steps * np.linalg.norm(w)
    bound = np.linalg.norm(val.grad(w)) * delta + val.smoothness * delta**2 / 2
    reference = objective.closed_form()["val"]
    assert reference == val.value(w)
    assert bound < 1e-8 * reference  # the bound says something
    assert abs(score - reference) <= bound + 1e-12 * reference


def test_adam_on_the_diabetes_data_reaches_the_closed_form():
    X, y, _ = surfaces.load_diabetes()
    part = surfaces.split(X, y, rng=0)
    train = LinearRegression(part.X_train, part.y_train, intercept=True)
    val = LinearRegression(part.X_val, part.y_val, intercept=True)
    objective = TrainedLoss(Adam, train, val, steps=1000)
    # targets ~150: Adam's steps of about lr = 5 reach the intercept quickly
    assert objective({"lr": 5.0}) == pytest.approx(objective.closed_form()["val"], 1e-6)


# ---------------------------------------------------------------- folds


@pytest.mark.parametrize("params", [{"lr": 0.1}, {"lr": 0.1, "batch_size": 5}])
def test_folds_average_the_held_out_losses(params):
    X, y, train, _, _ = regression(l2=0.01)
    k, seed, steps = 4, 3, 20
    objective = TrainedLoss(Adam, train, folds=k, steps=steps, seed=seed)
    total = 0.0
    for fit, held_out in kfold(len(y), k, rng=seed):
        fold_train = LinearRegression(X[fit], y[fit], l2=0.01, intercept=True)
        fold_val = LinearRegression(X[held_out], y[held_out], intercept=True)
        batch_size = params.get("batch_size")
        w0 = np.zeros(4)
        total += direct(Adam(lr=0.1), fold_train, steps, w0, fold_val, batch_size, seed)
    assert objective(params) == total / k
    batched = objective.batch([params, {"lr": 1e3, "b1": 0.0, "steps": 0}])
    assert batched[0] == pytest.approx(total / k, rel=1e-12)  # gemm vs gemv


def test_folds_score_inf_if_any_fold_diverges():
    _, _, train, _, _ = regression()
    objective = TrainedLoss(SGD, train, folds=3, steps=60)
    assert objective({"lr": 1e3}) == math.inf
    assert np.isfinite(objective({"lr": 0.1}))


def test_folds_closed_form_is_the_mean_of_the_folds_closed_forms():
    X, y, train, val, _ = regression()
    objective = TrainedLoss(SGD, train, val, folds=3, seed=5)
    total = 0.0
    for fit, held_out in kfold(len(y), 3, rng=5):
        w = LinearRegression(X[fit], y[fit], intercept=True).solve()
        total += LinearRegression(X[held_out], y[held_out], intercept=True).value(w)
    assert objective.closed_form()["val"] == total / 3


# ------------------------------------------------------- test_score, closed_form


def test_test_score_and_closed_form_against_direct_computation():
    _, _, train, val, test = regression()
    objective = TrainedLoss(Adam, train, val, steps=25, test=test)
    params = {"lr": 0.2, "b1": 0.5}
    expected = direct(Adam(lr=0.2, b1=0.5), train, 25, np.zeros(4), test)
    assert objective.test_score(params) == expected
    w = train.solve()
    assert objective.closed_form() == {
        "train": float(train.value(w)),
        "val": float(val.value(w)),
        "test": float(test.value(w)),
    }
    assert TrainedLoss(Adam, train, val).closed_form()["test"] is None


# ---------------------------------------------------------------- fixed


def test_fixed_values_apply_to_every_trial():
    _, _, train, val, _ = regression()
    fixed = {"momentum": 0.9, "batch_size": 8, "nesterov": True}
    with_fixed = TrainedLoss(SGD, train, val, steps=10, fixed=fixed)
    without = TrainedLoss(SGD, train, val, steps=10)
    for params in [{"lr": 0.01}, {"lr": 0.05, "steps": 3}]:
        assert with_fixed(params) == without({**params, **fixed})
    configs = [{"lr": 0.01}, {"lr": 0.05}]
    np.testing.assert_allclose(
        with_fixed.batch(configs),
        [without({**p, **fixed}) for p in configs],
        rtol=1e-12,
    )


def test_a_trial_cannot_override_a_fixed_value():
    _, _, train, val, _ = regression()
    objective = TrainedLoss(Adam, train, val, fixed={"b1": 0.5})
    with pytest.raises(ValueError, match="b1"):
        objective({"lr": 0.1, "b1": 0.9})


# ---------------------------------------------------------------- pickle


def test_pickle_round_trip_gives_the_same_scores():
    _, _, train, val, test = regression()
    objective = TrainedLoss(
        "adamw", train, val, steps=12, fixed={"b2": 0.99}, folds=3, test=test, seed=4
    )
    clone = pickle.loads(pickle.dumps(objective))
    configs = [{"lr": 0.1, "batch_size": 6}, {"lr": 0.02, "amsgrad": True}]
    for p in configs:
        assert clone(p) == objective(p)
        assert clone.test_score(p) == objective.test_score(p)
    np.testing.assert_array_equal(clone.batch(configs), objective.batch(configs))


# ---------------------------------------------------------------- bad input


BAD_PARAMS = [
    ({"lr": 0.1, "lrr": 0.1}, ValueError, r"'lrr'.*valid: lr, b1"),
    ({"b1": 1.5}, ValueError, "b1"),
    ({"b2": -0.1}, ValueError, "b2"),
    ({"lr": float("nan")}, ValueError, "lr"),
    ({"lr": "fast"}, TypeError, "lr"),
    ({"lr": [0.1, 0.2]}, TypeError, "lr"),
    ({"eps": True}, TypeError, "eps"),
    ({"amsgrad": 1}, TypeError, "amsgrad"),
    ({"steps": -1}, ValueError, "steps"),
    ({"steps": 2.5}, TypeError, "steps"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"batch_size": 49}, ValueError, "batch_size"),  # 48 training rows
    ({"batch_size": 4.0}, TypeError, "batch_size"),
    ([("lr", 0.1)], TypeError, "params"),
]


@pytest.mark.parametrize(("params", "error", "match"), BAD_PARAMS)
def test_bad_hyperparameters_raise_naming_them(params, error, match):
    _, _, train, val, _ = regression()
    objective = TrainedLoss(Adam, train, val)
    with pytest.raises(error, match=match):
        objective(params)
    # a batch raises too, naming the configuration, before training any
    with pytest.raises(error, match=r"params\[1\]"):
        objective.batch([{"lr": 0.1}, params])


def test_cross_field_rule_of_the_optimizer_names_the_configuration():
    _, _, train, val, _ = regression()
    objective = TrainedLoss(SGD, train, val, fixed={"nesterov": True})
    assert np.isfinite(objective({"lr": 0.01, "momentum": 0.9}))
    with pytest.raises(ValueError, match="nesterov"):
        objective({"lr": 0.01})  # momentum 0
    with pytest.raises(ValueError, match=r"params\[2\].*nesterov"):
        objective.batch([{"momentum": 0.5}, {"momentum": 0.9}, {"momentum": 0.0}])


def test_batch_size_is_unknown_for_an_analytic_surface():
    with pytest.raises(ValueError, match="'batch_size'.*valid"):
        TrainedLoss(SGD, Rosenbrock())({"batch_size": 2})


def test_batch_wants_a_list_of_dicts():
    with pytest.raises(TypeError, match="params_list"):
        TrainedLoss(SGD, Rosenbrock()).batch({"lr": 0.1})


def test_test_score_needs_test_data_and_closed_form_needs_regression():
    _, _, train, val, _ = regression()
    with pytest.raises(ValueError, match="test"):
        TrainedLoss(Adam, train, val).test_score({"lr": 0.1})
    with pytest.raises(ValueError, match="LinearRegression"):
        TrainedLoss(Adam, Rosenbrock()).closed_form()


def _bad_constructions():
    _, _, train, val, test = regression()
    other = LinearRegression(np.ones((3, 2)), np.ones(3))
    rosen = Rosenbrock()
    return [
        (dict(optimizer="adagrad", train=train, val=val), ValueError, "optimizer"),
        (dict(optimizer=Adam(), train=train, val=val), TypeError, "optimizer"),
        (dict(optimizer=Adam, train=np.ones(3), val=val), TypeError, "train"),
        (dict(optimizer=Adam, train=train), ValueError, "val"),
        (dict(optimizer=Adam, train=train, val=other), ValueError, "val"),
        (dict(optimizer=Adam, train=train, val=val, test=other), ValueError, "test"),
        (dict(optimizer=Adam, train=train, val=np.ones(3)), TypeError, "val"),
        (dict(optimizer=Adam, train=rosen, val=val), ValueError, "val"),
        (dict(optimizer=Adam, train=rosen, folds=3), ValueError, "folds"),
        (dict(optimizer=Adam, train=train, folds=1), ValueError, "folds"),
        (dict(optimizer=Adam, train=train, folds=49), ValueError, "folds"),
        (dict(optimizer=Adam, train=train, folds=2.0), TypeError, "folds"),
        (dict(optimizer=Adam, train=train, val=val, steps=-3), ValueError, "steps"),
        (dict(optimizer=Adam, train=train, val=val, steps=1.5), TypeError, "steps"),
        (dict(optimizer=Adam, train=train, val=val, seed=-1), ValueError, "seed"),
        (dict(optimizer=Adam, train=train, val=val, seed="a"), TypeError, "seed"),
        (dict(optimizer=Adam, train=train, val=val, x0=[0.0]), ValueError, "x0"),
        (dict(optimizer=Adam, train=rosen, x0=[np.inf, 0.0]), ValueError, "x0"),
        (dict(optimizer=Adam, train=rosen, x0=["a", "b"]), TypeError, "x0"),
        (dict(optimizer=Adam, train=rosen, fixed={"bb": 1}), ValueError, "'bb'"),
        (dict(optimizer=Adam, train=rosen, fixed={"b1": 2.0}), ValueError, "b1"),
        (dict(optimizer=Adam, train=rosen, fixed={"steps": 5}), ValueError, "steps"),
        (dict(optimizer=Adam, train=rosen, fixed=[1]), TypeError, "fixed"),
    ]


@pytest.mark.parametrize("case", range(len(_bad_constructions())))
def test_bad_arguments_raise_naming_them(case):
    kwargs, error, match = _bad_constructions()[case]
    with pytest.raises(error, match=match):
        TrainedLoss(**kwargs)


def test_every_registered_optimizer_can_be_tuned():
    _, _, train, val, _ = regression()
    for name, cls in optim.OPTIMIZERS.items():
        objective = TrainedLoss(name, train, val, steps=3)
        assert objective.optimizer is cls
        assert np.isfinite(objective({"lr": 1e-3}))
