"""Schedules: the property kit on every schedule (drawn arguments, batched), bad arguments, resuming.

Conformance with torch is in ``tests/test_optim_schedules_torch.py``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optim.training
from optim import OPTIMIZERS, SGD, Adam, AdamW, minimize
from optim import schedules as S
from optim.schedules.decay import ExponentialLR
from optim.testing import check_schedule
from surfaces import Rosenbrock


def factory(name: str, batch: int = 0):
    """``seed -> schedule``: random valid arguments (arrays over ``batch`` rows if ``batch``)."""

    def make(seed: int):
        rng = np.random.default_rng(seed)
        size = batch or None
        n = lambda lo, hi: rng.integers(lo, hi, size=size)  # noqa: E731
        u = lambda lo, hi: rng.uniform(lo, hi, size=size)  # noqa: E731

        def kids():
            return [
                S.LinearLR(u(0.05, 1), total_iters=n(1, 30)),
                S.CosineAnnealingLR(T_max=n(1, 80), eta_min=u(0, 1e-3)),
            ]

        return {
            "ConstantLR": lambda: S.ConstantLR(u(0.05, 1), total_iters=n(1, 50)),
            "LinearLR": lambda: S.LinearLR(u(0.05, 1), u(0, 1), total_iters=n(1, 50)),
            "StepLR": lambda: S.StepLR(n(1, 40), gamma=u(0.1, 1)),
            "MultiStepLR": lambda: S.MultiStepLR(
                [n(0, 20), n(20, 60), 100], gamma=u(0.1, 1)
            ),
            "ExponentialLR": lambda: S.ExponentialLR(u(0.9, 1)),
            "PolynomialLR": lambda: S.PolynomialLR(n(1, 200), power=u(0, 3)),
            "CosineAnnealingLR": lambda: S.CosineAnnealingLR(
                n(1, 200), eta_min=u(0, 1e-2)
            ),
            "CosineAnnealingWarmRestarts": lambda: S.CosineAnnealingWarmRestarts(
                n(1, 50), T_mult=n(1, 3), eta_min=u(0, 1e-2)
            ),
            "OneCycleLR": lambda: S.OneCycleLR(
                u(0.01, 1),
                total_steps=n(300, 400),
                pct_start=u(0.1, 0.9),
                three_phase=bool(rng.integers(2)),
                anneal_strategy=["cos", "linear"][rng.integers(2)],
            ),
            "CyclicLR": lambda: S.CyclicLR(
                u(0, 0.1),
                u(0.1, 1),
                n(1, 40),
                n(1, 40),
                mode=["triangular", "triangular2", "exp_range"][rng.integers(3)],
                gamma=u(0.9, 1),
            ),
            "SequentialLR": lambda: S.SequentialLR(kids(), [n(0, 40)]),
            "ChainedScheduler": lambda: S.ChainedScheduler(
                [
                    S.ConstantLR(u(0.1, 1), total_iters=n(1, 20)),
                    S.ExponentialLR(u(0.95, 1)),
                ]
            ),
        }[name]()

    return make


@pytest.mark.parametrize("name", sorted(S.SCHEDULES))
def test_every_schedule_passes_the_kit_batched(name):
    assert len(check_schedule(factory(name, batch=3), max_examples=5)) == 5


@pytest.mark.parametrize("name", ["CosineAnnealingLR", "SequentialLR", "OneCycleLR"])
def test_single_schedules_pass_the_kit(name):
    check_schedule(factory(name), max_examples=5)


@dataclasses.dataclass(frozen=True, eq=False)
class LateExponential(ExponentialLR):
    """A closed form one step late: gamma ** t instead of gamma ** (t - 1)."""

    def _closed(self, base, e):
        return base * self.gamma ** (np.asarray(e) + 1)


@dataclasses.dataclass(frozen=True, eq=False)
class NegativeCosine(S.CosineAnnealingLR):
    """Annealing below zero: eta_min - (base - eta_min) at the minimum."""

    def _start(self, lr, base):
        return lr

    def _next(self, lr, e, base):
        return base * np.cos(np.pi * e / self.T_max)

    def _closed(self, base, e):
        return base * np.cos(np.pi * e / self.T_max)


@pytest.mark.parametrize(
    ("schedule", "prop"),
    [
        (LateExponential(0.5), "closed_form_equals_step_by_step"),
        (NegativeCosine(T_max=3), "lrs_are_finite_and_nonnegative"),
    ],
)
def test_the_kit_rejects_a_wrong_schedule(schedule, prop):
    with pytest.raises(AssertionError, match=f"fails the property {prop}"):
        check_schedule(schedule, max_examples=20)


def test_check_schedule_refuses_a_class():
    with pytest.raises(TypeError, match="check_schedule: source must be"):
        check_schedule(S.StepLR)


BAD = [
    (S.StepLR, {"step_size": -1}, ValueError, "step_size"),
    (S.StepLR, {"step_size": 2.5}, TypeError, "step_size"),
    (S.StepLR, {"step_size": 3, "gamma": 1.5}, ValueError, "gamma"),
    (S.ExponentialLR, {"gamma": 0.0}, ValueError, "gamma"),
    (S.ExponentialLR, {"gamma": np.array([0.5, np.nan])}, ValueError, "gamma"),
    (
        S.MultiStepLR,
        {"milestones": [5, 3]},
        ValueError,
        "milestones must be increasing",
    ),
    (S.MultiStepLR, {"milestones": [-1, 3]}, ValueError, "milestones"),
    (S.MultiStepLR, {"milestones": 3}, TypeError, "milestones"),
    (S.CosineAnnealingLR, {"T_max": 0}, ValueError, "T_max"),
    (S.CosineAnnealingLR, {"T_max": 10, "eta_min": -1.0}, ValueError, "eta_min"),
    (S.CosineAnnealingWarmRestarts, {"T_0": 5, "T_mult": 0}, ValueError, "T_mult"),
    (S.ConstantLR, {"factor": 0.0}, ValueError, "factor"),
    (S.LinearLR, {"start_factor": 0.5, "total_iters": 0}, ValueError, "total_iters"),
    (S.LinearLR, {"end_factor": 2.0}, ValueError, "end_factor"),
    (S.PolynomialLR, {"power": -1.0}, ValueError, "power"),
    (S.CyclicLR, {"base_lr": 0.1, "max_lr": 1.0, "mode": "sine"}, ValueError, "mode"),
    (S.CyclicLR, {"base_lr": -0.1, "max_lr": 1.0}, ValueError, "base_lr"),
    (S.OneCycleLR, {"max_lr": 1.0}, ValueError, "total_steps"),
    (
        S.OneCycleLR,
        {"max_lr": 1.0, "total_steps": 10, "pct_start": 0.1},
        ValueError,
        "pct_start",
    ),
    (
        S.OneCycleLR,
        {"max_lr": 1.0, "total_steps": 10, "pct_start": 1.5},
        ValueError,
        "pct_start",
    ),
    (
        S.StepLR,
        {"step_size": np.array([1, 2]), "gamma": np.array([0.5, 0.5, 0.5])},
        ValueError,
        "broadcast",
    ),
    (
        S.SequentialLR,
        {"schedulers": [S.ExponentialLR(0.5)], "milestones": [3]},
        ValueError,
        "milestones",
    ),
    (S.SequentialLR, {"schedulers": [], "milestones": []}, ValueError, "schedulers"),
    (
        S.ChainedScheduler,
        {"schedulers": [S.ExponentialLR(0.5, base_lr=0.1)]},
        ValueError,
        "base_lr",
    ),
    (
        S.ChainedScheduler,
        {"schedulers": [S.OneCycleLR(1.0, total_steps=9)]},
        TypeError,
        "schedulers",
    ),
]


@pytest.mark.parametrize(
    ("cls", "kwargs", "error", "name"),
    BAD,
    ids=[f"{c.__name__}-{n}" for c, _, _, n in BAD],
)
def test_invalid_arguments_raise_naming_them(cls, kwargs, error, name):
    with pytest.raises(error, match=re.escape(cls.__name__) + ".*" + re.escape(name)):
        cls(**kwargs)


def test_onecycle_beyond_its_steps_is_an_error_as_in_torch():
    s = S.OneCycleLR(1.0, total_steps=10)
    assert s.lrs(1.0, 11).shape == (11,)
    with pytest.raises(ValueError, match="n must be <= 11"):
        s.lrs(1.0, 12)
    with pytest.raises(ValueError, match="n must be <= 11 .*, got 12"):
        minimize(Rosenbrock(), [0.0, 0.0], Adam(lr=s), 12)


@settings(max_examples=6)
@pytest.mark.parametrize("in_place", [False, True])
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(0, 100))
def test_k_steps_then_the_rest_continue_the_schedule(name, in_place, seed, k):
    # a batch of warm-up-then-cosine schedules, and batched weight decay
    lr = factory("SequentialLR", batch=3)(seed)
    opt = OPTIMIZERS[name](
        lr=dataclasses.replace(lr, base_lr=np.array([1e-3, 1e-2, 3e-2]))
    )
    surface = Rosenbrock(dim=4)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(optim.training, "IN_PLACE", 1 if in_place else 10**9)
        whole = minimize(surface, surface.start, opt, 100)
        first = minimize(surface, surface.start, opt, k)
        rest = minimize(surface, first.x, opt, 100 - k, state=first.state)
    np.testing.assert_array_equal(rest.x, whole.x)
    np.testing.assert_array_equal(rest.values, whole.values[k:])


def test_a_schedule_starts_from_the_optimizers_default_lr_as_torch():
    # torch: the scheduler scales the optimizer's lr, 1e-3 by default for Adam
    for cls, default in [(Adam, 1e-3), (SGD, 1e-3), (OPTIMIZERS["rmsprop"], 1e-2)]:
        opt = cls(lr=S.StepLR(1, gamma=0.5))
        assert [opt.columns_at(t)["lr"] for t in (1, 2)] == [default, default / 2]


def test_adamw_decays_by_the_scheduled_lr():
    x = np.array([1.0, -2.0])
    opt = AdamW(lr=S.StepLR(1, gamma=0.5, base_lr=0.2), weight_decay=0.5)
    state = opt.init(x)
    for lr in (0.2, 0.1, 0.05):
        before = x
        x, state = opt.step(x, np.zeros(2), state)  # zero gradient: only the decay
        np.testing.assert_array_equal(x, before * (1 - lr * 0.5))


def test_optimizers_with_schedules_compare_by_value_and_batch():
    a = Adam(lr=S.CosineAnnealingLR(T_max=np.array([10, 20]), base_lr=0.1))
    assert a == Adam(lr=S.CosineAnnealingLR(T_max=[10, 20], base_lr=0.1))
    assert a != Adam(lr=S.CosineAnnealingLR(T_max=[10, 30], base_lr=0.1))
    assert a.batch_shape == (2,)
    with pytest.raises(TypeError, match="columns_at"):
        a.columns()
    with pytest.raises(ValueError, match="do not broadcast"):
        Adam(lr=S.StepLR(2, base_lr=np.ones(3)), b1=np.full(2, 0.9))


def test_lr_at_an_array_of_steps_is_lrs_there():
    s = S.StepLR(3, gamma=np.array([0.5, 0.25]))
    t = np.array([[1, 4], [7, 9]])
    assert s.lr(1.0, t).shape == (2, 2, 2)
    np.testing.assert_array_equal(s.lr(1.0, t), s.lrs(1.0, 9)[t - 1])


def test_the_readme_schedule_example_prints_what_its_comments_say():
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    section = readme.split("## Learning-rate schedules", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```python\n(.*?)```", section, re.S)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(block, {})  # noqa: S102 - the README is ours
    constant, annealed, same, lrs = out.getvalue().splitlines()
    above = np.array(constant.strip("[]").split(), dtype=float)
    np.testing.assert_allclose(above, [4.4, 40, 443], rtol=0.05)
    assert np.all(np.array(annealed.strip("[]").split(), dtype=float) < 1e-7)
    assert same == "True"
    warm = np.array(lrs.strip("[]").split(), dtype=float)
    np.testing.assert_allclose(warm, [1e-3, 9.9e-2, 0.1, 6.8e-8], rtol=0.01)


def test_a_batch_of_warmups_and_peaks_trains_in_one_run_as_the_search_builds_it():
    # the tunable form: peak lr and warm-up length as arrays; warm-up 0 is a
    # milestone 0, which (as in torch) skips the warm-up: cosine from step 1
    steps, peak, warm = 300, np.array([1e-2, 2e-2, 5e-2]), np.array([0, 10, 100])
    sched = S.SequentialLR(
        [
            S.LinearLR(0.01, total_iters=np.maximum(warm, 1)),
            S.CosineAnnealingLR(T_max=steps - warm),
        ],
        milestones=[warm],
        base_lr=peak,
    )
    cosine = S.CosineAnnealingLR(T_max=steps, base_lr=peak[0]).lrs(peak[0], steps)
    np.testing.assert_array_equal(sched.lrs(peak, steps)[:, 0], cosine)
    surface = Rosenbrock()
    batch = minimize(surface, surface.start, Adam(lr=sched), steps)
    for i in range(3):
        single = S.SequentialLR(
            [
                S.LinearLR(0.01, total_iters=max(int(warm[i]), 1)),
                S.CosineAnnealingLR(T_max=steps - int(warm[i])),
            ],
            milestones=[int(warm[i])],
            base_lr=peak[i],
        )
        alone = minimize(surface, surface.start, Adam(lr=single), steps)
        np.testing.assert_allclose(batch.values[:, i], alone.values, rtol=1e-13)
