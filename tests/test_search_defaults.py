"""Tests of search/defaults.py: the default learning rates and search ranges.

The oracles are independent of the tables: the claims their comments make
(each default trains without diverging and makes progress; SGD's ``1/L``
with ``L`` computed here from an explicit ones column), and the optimizers'
own valid ranges (``check_field``), which every default range must lie in.
"""

import numpy as np
import pytest

import search
from optim import OPTIMIZERS, SGD, Adam, minimize
from search import Categorical, Integer, Real
from search.defaults import (
    ANALYTIC_LR,
    LINREG_LR,
    LR_RANGE,
    default_hyperparameters,
    default_lr,
    default_space,
)
from surfaces import LinearRegression, Rosenbrock, load_diabetes, split


def diabetes_train(seed=0):
    X, y, _ = load_diabetes(scaled=True)
    part = split(X, y, rng=seed)
    return LinearRegression(part.X_train, part.y_train, intercept=True), part


# ------------------------------------------------------------ learning rates


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_default_settings_make_progress_on_rosenbrock_without_diverging(name):
    s = Rosenbrock()
    optimizer = OPTIMIZERS[name](**default_hyperparameters(name, s))
    trace = minimize(s, s.start, optimizer, 2000, record=False)
    start = float(s.value(np.asarray(s.start, dtype=float)))  # 24.2
    assert not trace.diverged
    # the comment's claim: real progress along the valley, within 0.25 of (1, 1)
    assert float(trace.values[-1]) < start / 100
    assert np.linalg.norm(trace.x - 1.0) < 0.25


def test_sgd_on_least_squares_steps_one_over_the_largest_eigenvalue():
    train, part = diabetes_train()
    A = np.column_stack([part.X_train, np.ones(len(part.y_train))])  # (n, 11)
    L = np.linalg.eigvalsh(A.T @ A / len(A)).max()
    assert default_lr("sgd", train) == pytest.approx(1 / L, rel=1e-10)
    assert default_hyperparameters(SGD, train) == {
        "lr": default_lr(SGD, train),
        "momentum": 0.9,
    }


@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_default_settings_reach_the_closed_form_on_the_diabetes_data(name):
    train, _ = diabetes_train()
    optimizer = OPTIMIZERS[name](**default_hyperparameters(name, train))
    trace = minimize(train, np.zeros(train.dim), optimizer, 1000, record=False)
    # weights of size ~150: 1e-6 is far above rounding, far below any real gap
    assert np.linalg.norm(trace.x - train.solve()) < 1e-6


def test_every_default_learning_rate_lies_in_its_search_range():
    for name, (low, high) in LR_RANGE.items():
        assert low <= ANALYTIC_LR[name] <= high
        if name in LINREG_LR:
            assert low <= LINREG_LR[name] <= high


def test_names_classes_and_case_give_the_same_defaults():
    s = Rosenbrock()
    assert default_lr("adam", s) == default_lr(Adam, s) == default_lr(" ADAM ", s)
    assert default_space(Adam) == default_space("adam") == default_space("Adam")


def test_the_tables_are_read_only():
    with pytest.raises(TypeError):
        ANALYTIC_LR["sgd"] = 1.0  # type: ignore[index]


# ------------------------------------------------------------ spaces


def every_name(cls):
    return [*cls.numeric_fields(), *cls.switches(), "steps", "batch_size"]


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_default_range_lies_in_the_optimizers_valid_range(name):
    cls = OPTIMIZERS[name]
    space = default_space(name, every_name(cls), rows=266)
    assert list(space) == every_name(cls)
    for hyper, dim in space.items():
        values = dim.choices if isinstance(dim, Categorical) else (dim.low, dim.high)
        if hyper in ("steps", "batch_size"):
            assert isinstance(dim, Integer) and dim.log and dim.low >= 1
            continue
        for value in values:
            cls.check_field(hyper, value)  # raises if outside the valid range
    for switch in cls.switches():
        assert space[switch] == Categorical([False, True])
    assert space["batch_size"].high == 266
    assert isinstance(space["lr"], Real) and space["lr"].log


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_the_default_space_is_the_learning_rate_and_a_decay(name):
    space = default_space(name)
    decay = {"sgd": "momentum", "rmsprop": "alpha"}.get(name, "b1")
    assert list(space) == ["lr", decay]
    assert space["lr"].log and not space[decay].log
    assert 0 <= space[decay].low < space[decay].high < 1


def test_the_default_space_trains_as_an_objective():
    # every point of the default space is a valid trial of TrainedLoss
    objective = search.TrainedLoss("sgd", Rosenbrock(), steps=5)
    result = search.random_search(objective, default_space("sgd"), 6, seed=0)
    assert result.n_failed == 0


# ------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: default_lr("nadam", Rosenbrock()), ValueError, "optimizer must be"),
        (lambda: default_lr(Adam(), Rosenbrock()), TypeError, "optimizer must be"),
        (lambda: default_lr(type("MyAdam", (Adam,), {}), Rosenbrock()), ValueError,
         "no defaults for others"),
        (lambda: default_lr("adam", "rosenbrock"), TypeError, "surface must be"),
        (lambda: default_hyperparameters("sgd", None), TypeError, "surface must be"),
        (lambda: default_space("adam", "lr"), TypeError, "names must be a list"),
        (lambda: default_space("adam", ["lr", 3]), TypeError, "names must be str"),
        (lambda: default_space("adam", ["gamma"]), ValueError,
         "Adam has no hyperparameter 'gamma'"),
        (lambda: default_space("adam", ["lr", "lr"]), ValueError, "'lr' twice"),
        (lambda: default_space("adam", ["batch_size"]), ValueError, "needs rows"),
        (lambda: default_space("adam", ["batch_size"], rows=0), ValueError,
         "rows must be >= 1, got 0"),
        (lambda: default_space("adam", ["batch_size"], rows=2.5), TypeError,
         "rows must be an int"),
        (lambda: default_space("adam", ["batch_size"], rows=True), TypeError,
         "rows must be an int"),
    ],
)  # fmt: skip
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match="^default_") as info:
        call()
    assert message in str(info.value)


def test_a_flat_least_squares_loss_has_no_default_sgd_step():
    flat = LinearRegression(np.zeros((5, 2)), np.ones(5))
    with pytest.raises(ValueError, match="smoothness L = 0"):
        default_lr("sgd", flat)


def test_exported_from_search():
    assert search.default_space is default_space
    assert search.default_lr is default_lr
    assert search.default_hyperparameters is default_hyperparameters
