"""Conformance of the schedules with torch.optim.lr_scheduler: 10,000 steps, 1e-12 relative.

Each case is a schedule with random arguments (seeded, drawn by
``cases()``) and a random base lr. torch's learning rates are what
``scheduler.get_last_lr()`` reports before each ``optimizer.step()``.
Stored: ``tests/data/torch_schedules.npz`` (the steps ``STORED``: the first
200, every 10th, the last; made by ``python -m tests.test_optim_schedules_torch``
with torch installed), so the comparison runs without torch; live against
torch at every step when it is importable.
"""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pytest

from optim import schedules as S

STEPS = 10_000
PER_SCHEDULE = 3
FILE = Path(__file__).parent / "data" / "torch_schedules.npz"
STORED = np.unique(np.r_[np.arange(200), np.arange(0, STEPS, 10), STEPS - 1])
HAS_TORCH = importlib.util.find_spec("torch") is not None
CHAINABLE = [
    "ConstantLR",
    "LinearLR",
    "StepLR",
    "MultiStepLR",
    "ExponentialLR",
    "PolynomialLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
]


def draw(name: str, rng: np.random.Generator) -> dict:
    """Random valid arguments of schedule ``name`` (our names; ``schedulers`` as (name, kwargs))."""
    n = lambda lo, hi: int(np.exp(rng.uniform(np.log(lo), np.log(hi))))  # noqa: E731
    if name == "ConstantLR":
        return {"factor": rng.uniform(0.01, 1), "total_iters": n(1, 5000)}
    if name == "LinearLR":
        return {
            "start_factor": rng.uniform(0.01, 1),
            "end_factor": rng.uniform(0, 1),
            "total_iters": n(1, 8000),
        }
    if name == "StepLR":
        return {"step_size": n(1, 3000), "gamma": rng.uniform(0.3, 1)}
    if name == "MultiStepLR":
        ms = np.sort(rng.choice(STEPS, size=rng.integers(1, 6), replace=False))
        return {"milestones": [int(m) for m in ms], "gamma": rng.uniform(0.1, 1)}
    if name == "ExponentialLR":
        return {"gamma": 1 - 10 ** rng.uniform(-5, -1.5)}
    if name == "PolynomialLR":
        return {"total_iters": n(1, 12000), "power": rng.uniform(0, 3)}
    if name == "CosineAnnealingLR":
        return {
            "T_max": n(1, 6000),
            "eta_min": rng.uniform(0, 1e-3) * rng.integers(0, 2),
        }
    if name == "CosineAnnealingWarmRestarts":
        return {
            "T_0": n(1, 3000),
            "T_mult": int(rng.integers(1, 4)),
            "eta_min": rng.uniform(0, 1e-3) * rng.integers(0, 2),
        }
    if name == "CyclicLR":
        mode = ["triangular", "triangular2", "exp_range"][rng.integers(3)]
        return {
            "base_lr": rng.uniform(1e-4, 1e-2),
            "max_lr": rng.uniform(1e-2, 1),
            "step_size_up": n(1, 3000),
            "step_size_down": [None, n(1, 3000)][rng.integers(2)],
            "mode": mode,
            "gamma": 1 - 10 ** rng.uniform(-5, -2),
        }
    if name == "OneCycleLR":
        return {
            "max_lr": rng.uniform(1e-3, 1),
            "total_steps": int(rng.integers(STEPS - 1, 2 * STEPS)),
            "pct_start": rng.uniform(0.05, 0.95),
            "anneal_strategy": ["cos", "linear"][rng.integers(2)],
            "div_factor": rng.uniform(2, 100),
            "final_div_factor": 10 ** rng.uniform(0, 4),
            "three_phase": bool(rng.integers(2)),
        }
    k = int(rng.integers(2, 4))
    kids = [(c, draw(c, rng)) for c in rng.choice(CHAINABLE, size=k)]
    if name == "ChainedScheduler":
        return {"schedulers": kids}
    ms = np.sort(rng.choice(np.arange(0, 3000), size=k - 1, replace=False))
    return {"schedulers": kids, "milestones": [int(m) for m in ms]}


def cases() -> list[tuple[str, str, dict, float]]:
    """(case id, schedule name, arguments, base lr): ``PER_SCHEDULE`` per schedule."""
    rng = np.random.default_rng(20261202)
    return [
        (f"{name}-{i}", name, draw(name, rng), float(10 ** rng.uniform(-4, 0)))
        for name in S.SCHEDULES
        for i in range(PER_SCHEDULE)
    ]


CASES = cases()


def ours(name: str, kwargs: dict):
    """Our schedule for ``name`` and its arguments."""
    kwargs = dict(kwargs)
    if "schedulers" in kwargs:
        kwargs["schedulers"] = [ours(c, kw) for c, kw in kwargs["schedulers"]]
    return S.SCHEDULES[name](**kwargs)


def _torch_scheduler(torch, opt, name: str, kwargs: dict):
    kwargs = dict(kwargs)
    if "schedulers" in kwargs:
        kwargs["schedulers"] = [
            _torch_scheduler(torch, opt, c, kw) for c, kw in kwargs["schedulers"]
        ]
    if name in ("CyclicLR", "OneCycleLR"):
        kwargs["cycle_momentum"] = False
    cls = getattr(torch.optim.lr_scheduler, name)
    return cls(**kwargs) if name == "ChainedScheduler" else cls(opt, **kwargs)


def theirs(name: str, kwargs: dict, base_lr: float, steps: int = STEPS) -> np.ndarray:
    """torch's ``get_last_lr()`` before each of ``steps`` optimizer steps, ``(steps,)``."""
    import torch

    param = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([param], lr=base_lr)
    out = np.empty(steps)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched = _torch_scheduler(torch, opt, name, kwargs)
        for k in range(steps):
            out[k] = sched.get_last_lr()[0]
            opt.step()
            if k < steps - 1:
                sched.step()
    return out


def assert_close(actual, expected, what):
    # 1e-12 relative to each lr, and to the largest lr of the run for lrs that
    # are zero up to rounding (a cosine at its minimum: cos(pi) + 1 rounds)
    scale = np.abs(expected) + 1e-15 * np.max(np.abs(expected))
    err = np.abs(actual - expected) / scale
    assert err.max() <= 1e-12, (
        f"{what}: relative error {err.max():.2e} at step {err.argmax() + 1}"
    )


@pytest.fixture(scope="module")
def stored():
    with np.load(FILE) as data:
        return {key: data[key] for key in data.files}


@pytest.mark.parametrize(
    ("case", "name", "kwargs", "base_lr"), CASES, ids=[c[0] for c in CASES]
)
def test_matches_stored_torch(case, name, kwargs, base_lr, stored):
    np.testing.assert_array_equal(stored["steps"], STORED)
    mine = ours(name, kwargs).lrs(base_lr, STEPS)[STORED]
    assert_close(mine, stored[case], case)


@pytest.mark.skipif(not HAS_TORCH, reason="torch not installed (pip install torch)")
@pytest.mark.parametrize(
    ("case", "name", "kwargs", "base_lr"),
    CASES[::PER_SCHEDULE],
    ids=[c[0] for c in CASES[::PER_SCHEDULE]],
)
def test_matches_live_torch_at_every_step(case, name, kwargs, base_lr):
    assert_close(
        ours(name, kwargs).lrs(base_lr, STEPS), theirs(name, kwargs, base_lr), case
    )


# Training with a schedule: (case, optimizer, its kwargs, schedule, its kwargs,
# base lr per row or one for all). torch runs optimizer.step() then
# scheduler.step(); ours takes the schedule as lr (base_lr on the schedule).
TRAINING = [
    (
        "sgd-step",
        "sgd",
        {"momentum": 0.9},
        "StepLR",
        {"step_size": 7, "gamma": 0.5},
        0.05,
    ),
    (
        "rmsprop-cosine",
        "rmsprop",
        {"centered": True},
        "CosineAnnealingLR",
        {"T_max": 20, "eta_min": 1e-4},
        0.01,
    ),
    (
        "adam-onecycle",
        "adam",
        {"amsgrad": True},
        "OneCycleLR",
        {"max_lr": 0.1, "total_steps": 60},
        None,
    ),
    (
        "adamw-warmup-cosine",
        "adamw",
        {"weight_decay": 0.5},
        "SequentialLR",
        {
            "schedulers": [
                ("LinearLR", {"start_factor": 0.1, "total_iters": 10}),
                ("CosineAnnealingLR", {"T_max": 40}),
            ],
            "milestones": [10],
        },
        0.02,
    ),
    (
        "adamw-batched-cyclic",
        "adamw",
        {"weight_decay": 0.1},
        "CyclicLR",
        {
            "base_lr": [1e-3, 1e-2, 1e-1],
            "max_lr": 0.2,
            "step_size_up": 5,
            "mode": "triangular2",
        },
        None,
    ),
    (
        "sgd-batched-exponential",
        "sgd",
        {"weight_decay": 0.1},
        "ExponentialLR",
        {"gamma": 0.9},
        [0.01, 0.1, 0.5],
    ),
]


def train_ours(case: str) -> np.ndarray:
    """Our trajectory ``(51, 3, 4)``: the optimizer with the schedule as its lr."""
    from optim import OPTIMIZERS
    from tests.torch_reference import problem

    _, key, kw, name, skw, base = next(c for c in TRAINING if c[0] == case)
    skw = {
        k: np.array(v)
        if isinstance(v, list) and k not in ("schedulers", "milestones")
        else v
        for k, v in skw.items()
    }
    if base is not None:
        skw["base_lr"] = np.array(base) if isinstance(base, list) else base
    opt = OPTIMIZERS[key](lr=ours(name, skw), **kw)
    x, grads = problem()
    state, path = opt.init(x), [x]
    for g in grads:
        x, state = opt.step(x, g, state)
        path.append(x)
    return np.stack(path)


def train_theirs(case: str) -> np.ndarray:
    """torch's trajectory: each row its own optimizer and scheduler (torch takes scalars)."""
    import torch

    from tests.torch_reference import _torch_optimizer, problem

    _, key, kw, name, skw, base = next(c for c in TRAINING if c[0] == case)
    x0, grads = problem()
    rows = []
    for row in range(x0.shape[0]):
        pick = lambda v, row=row: v[row] if isinstance(v, list) else v  # noqa: E731
        param = torch.tensor(x0[row], dtype=torch.float64)
        opt = _torch_optimizer(torch, key, param, dict(kw, lr=pick(base) or 1e-3))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sched = _torch_scheduler(
                torch,
                opt,
                name,
                {
                    k: v if k in ("schedulers", "milestones") else pick(v)
                    for k, v in skw.items()
                },
            )
            path = [x0[row]]
            for g in grads:
                param.grad = torch.tensor(g[row], dtype=torch.float64)
                opt.step()
                sched.step()
                path.append(param.detach().numpy().copy())
        rows.append(np.stack(path))
    return np.stack(rows, axis=1)


@pytest.mark.parametrize("case", [c[0] for c in TRAINING])
def test_training_matches_stored_torch(case, stored):
    np.testing.assert_allclose(
        train_ours(case), stored[f"train-{case}"], rtol=1e-12, atol=0
    )


@pytest.mark.skipif(not HAS_TORCH, reason="torch not installed (pip install torch)")
@pytest.mark.parametrize("case", [c[0] for c in TRAINING])
def test_training_matches_live_torch(case):
    np.testing.assert_allclose(train_ours(case), train_theirs(case), rtol=1e-12, atol=0)


def test_every_schedule_has_cases_that_change_the_lr(stored):
    assert {name for _, name, _, _ in CASES} == set(S.SCHEDULES)
    for case, *_ in CASES:
        assert np.ptp(stored[case]) > 0, case  # a constant reference would prove little


if __name__ == "__main__":
    import torch

    FILE.parent.mkdir(exist_ok=True)
    refs = {case: theirs(name, kw, base)[STORED] for case, name, kw, base in CASES}
    refs |= {f"train-{case}": train_theirs(case) for case, *_ in TRAINING}
    np.savez_compressed(FILE, steps=STORED, torch_version=torch.__version__, **refs)
    print(f"wrote {len(refs)} schedules to {FILE} (torch {torch.__version__})")
