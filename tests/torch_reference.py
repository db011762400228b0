"""Reference trajectories of torch.optim, for the conformance tests.

Run ``python -m tests.torch_reference`` (with torch installed) to regenerate
``tests/data/torch_reference.npz``. Each case runs one optimizer for
``STEPS`` steps on a fixed sequence of gradients (seeded, spanning six
decades of scale) from a fixed start, in float64; the weight-decay cases
make the trajectory depend on ``x`` as well. Batched cases give one
hyperparameter value per row of ``x``: torch, which takes only scalars,
runs each row with its own optimizer and the rows are stacked.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import optim

STEPS = 50
BATCH, DIM = 3, 4
FILE = Path(__file__).parent / "data" / "torch_reference.npz"

# (case name, optimizer registry name, keyword arguments in our names);
# a list value is a per-row (batched) hyperparameter.
CASES = [
    ("sgd-default", "sgd", {}),
    ("sgd-lr", "sgd", {"lr": 0.1}),
    ("sgd-momentum", "sgd", {"lr": 0.05, "momentum": 0.9}),
    ("sgd-dampening", "sgd", {"lr": 0.05, "momentum": 0.9, "dampening": 0.5}),
    ("sgd-nesterov", "sgd", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("sgd-weight-decay", "sgd", {"lr": 0.1, "weight_decay": 0.3}),
    ("sgd-maximize", "sgd", {"lr": 0.1, "momentum": 0.5, "maximize": True}),
    (
        "sgd-all",
        "sgd",
        {
            "lr": 0.02,
            "momentum": 0.8,
            "nesterov": True,
            "weight_decay": 0.1,
            "maximize": True,
        },
    ),
    (
        "sgd-batched",
        "sgd",
        {
            "lr": [0.01, 0.1, 0.5],
            "momentum": [0.0, 0.5, 0.9],
            "dampening": [0.5, 0.0, 1.0],
        },
    ),
    (
        "sgd-batched-nesterov",
        "sgd",
        {"lr": 0.05, "momentum": [0.1, 0.5, 0.9], "nesterov": True},
    ),
    ("rmsprop-default", "rmsprop", {}),
    ("rmsprop-alpha", "rmsprop", {"lr": 0.05, "alpha": 0.9, "eps": 1e-3}),
    ("rmsprop-centered", "rmsprop", {"centered": True}),
    ("rmsprop-momentum", "rmsprop", {"lr": 0.003, "momentum": 0.9}),
    ("rmsprop-centered-momentum", "rmsprop", {"centered": True, "momentum": 0.5}),
    ("rmsprop-weight-decay", "rmsprop", {"weight_decay": 0.2}),
    ("rmsprop-maximize", "rmsprop", {"maximize": True, "centered": True}),
    (
        "rmsprop-batched",
        "rmsprop",
        {
            "lr": [0.001, 0.01, 0.1],
            "alpha": [0.5, 0.9, 0.99],
            "momentum": [0.0, 0.3, 0.9],
        },
    ),
    (
        "rmsprop-batched-wd",
        "rmsprop",
        {"weight_decay": [0.0, 0.1, 1.0], "centered": True},
    ),
    ("adam-default", "adam", {}),
    ("adam-lr", "adam", {"lr": 0.1}),
    ("adam-betas", "adam", {"lr": 0.01, "b1": 0.0, "b2": 0.5}),
    ("adam-eps", "adam", {"lr": 0.01, "eps": 1e-2}),
    ("adam-amsgrad", "adam", {"lr": 0.01, "amsgrad": True}),
    ("adam-weight-decay", "adam", {"lr": 0.01, "weight_decay": 0.5}),
    ("adam-maximize", "adam", {"lr": 0.01, "maximize": True}),
    (
        "adam-all",
        "adam",
        {
            "lr": 0.02,
            "b1": 0.8,
            "b2": 0.9,
            "weight_decay": 0.1,
            "amsgrad": True,
            "maximize": True,
        },
    ),
    (
        "adam-batched",
        "adam",
        {
            "lr": [0.001, 0.01, 0.1],
            "b1": [0.0, 0.5, 0.9],
            "b2": [0.9, 0.99, 0.999],
            "eps": [1e-8, 1e-4, 0.1],
        },
    ),
    ("adam-batched-wd", "adam", {"weight_decay": [0.0, 0.1, 1.0], "amsgrad": True}),
    ("adamw-default", "adamw", {}),
    ("adamw-weight-decay", "adamw", {"lr": 0.01, "weight_decay": 0.5}),
    ("adamw-no-decay", "adamw", {"lr": 0.01, "weight_decay": 0.0}),
    ("adamw-amsgrad", "adamw", {"lr": 0.01, "amsgrad": True, "maximize": True}),
    (
        "adamw-batched",
        "adamw",
        {"lr": [0.001, 0.01, 0.1], "weight_decay": [0.0, 0.1, 1.0]},
    ),
]


def problem() -> tuple[np.ndarray, np.ndarray]:
    """The start ``(BATCH, DIM)`` and the gradient sequence ``(STEPS, BATCH, DIM)``."""
    rng = np.random.default_rng(20261128)
    x0 = rng.normal(size=(BATCH, DIM))
    scale = 10.0 ** rng.uniform(-3, 3, size=(STEPS, BATCH, DIM))
    return x0, rng.normal(size=(STEPS, BATCH, DIM)) * scale


def ours(name: str) -> np.ndarray:
    """Our trajectory for case ``name``: ``(STEPS + 1, BATCH, DIM)``."""
    _, key, kwargs = next(case for case in CASES if case[0] == name)
    opt = optim.OPTIMIZERS[key](**{k: _array(v) for k, v in kwargs.items()})
    x, grads = problem()
    state = opt.init(x)
    path = [x]
    for g in grads:
        x, state = opt.step(x, g, state)
        path.append(x)
    return np.stack(path)


def theirs(name: str) -> np.ndarray:
    """torch.optim's trajectory for case ``name``: ``(STEPS + 1, BATCH, DIM)``."""
    import torch

    _, key, kwargs = next(case for case in CASES if case[0] == name)
    x0, grads = problem()
    batched = any(isinstance(v, list) for v in kwargs.values())
    rows = range(BATCH) if batched else [slice(None)]
    params, opts = [], []
    for row in rows:
        row_kwargs = {
            k: v[row] if isinstance(v, list) else v for k, v in kwargs.items()
        }
        params.append(torch.tensor(x0[row], dtype=torch.float64))
        opts.append(_torch_optimizer(torch, key, params[-1], row_kwargs))
    path = [x0]
    for g in grads:
        for row, param, opt in zip(rows, params, opts, strict=True):
            param.grad = torch.tensor(g[row], dtype=torch.float64)
            opt.step()
        path.append(np.stack([p.detach().numpy() for p in params]).reshape(x0.shape))
    return np.stack(path)


def _torch_optimizer(torch, key, param, kwargs):
    kwargs = dict(kwargs)
    if "b1" in kwargs or "b2" in kwargs:
        kwargs["betas"] = (kwargs.pop("b1", 0.9), kwargs.pop("b2", 0.999))
    cls = {
        "sgd": torch.optim.SGD,
        "rmsprop": torch.optim.RMSprop,
        "adam": torch.optim.Adam,
        "adamw": torch.optim.AdamW,
    }[key]
    return cls([param], foreach=False, **kwargs)


def _array(v):
    return np.array(v) if isinstance(v, list) else v


if __name__ == "__main__":
    import torch

    FILE.parent.mkdir(exist_ok=True)
    np.savez_compressed(
        FILE, torch_version=torch.__version__, **{n: theirs(n) for n, _, _ in CASES}
    )
    print(
        f"wrote {len(CASES)} reference trajectories to {FILE} (torch {torch.__version__})"
    )
