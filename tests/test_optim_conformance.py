"""Conformance with torch.optim: 50 steps on a fixed gradient sequence, float64.

The stored references (``tests/data/torch_reference.npz``, made by
``python -m tests.torch_reference``) let this run without torch; when torch
is importable the same cases are also compared live.
"""

import importlib.util

import numpy as np
import pytest

from tests.torch_reference import CASES, FILE, STEPS, ours, theirs

NAMES = [name for name, _, _ in CASES]
HAS_TORCH = importlib.util.find_spec("torch") is not None


@pytest.fixture(scope="module")
def reference():
    with np.load(FILE) as data:
        return {name: data[name] for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_matches_stored_torch_trajectory(name, reference):
    expected = reference[name]
    assert expected.shape == (STEPS + 1, 3, 4)
    np.testing.assert_allclose(ours(name), expected, rtol=1e-12, atol=0)


@pytest.mark.skipif(not HAS_TORCH, reason="torch not installed (pip install torch)")
@pytest.mark.parametrize("name", NAMES)
def test_matches_live_torch(name):
    np.testing.assert_allclose(ours(name), theirs(name), rtol=1e-12, atol=0)


def test_every_option_is_exercised():
    # The table covers each switch on, and batched values of each optimizer.
    options = {(key, k) for _, key, kwargs in CASES for k in kwargs}
    for key, flag in [
        ("sgd", "nesterov"),
        ("sgd", "dampening"),
        ("sgd", "weight_decay"),
        ("sgd", "maximize"),
        ("rmsprop", "centered"),
        ("rmsprop", "momentum"),
        ("rmsprop", "weight_decay"),
        ("rmsprop", "maximize"),
        ("adam", "amsgrad"),
        ("adam", "weight_decay"),
        ("adam", "maximize"),
        ("adamw", "amsgrad"),
        ("adamw", "maximize"),
    ]:
        assert (key, flag) in options
    batched = {
        key for _, key, kw in CASES if any(isinstance(v, list) for v in kw.values())
    }
    assert batched == {"sgd", "rmsprop", "adam", "adamw"}


def test_trajectories_actually_move(reference):
    # A reference that never moved would make the comparison vacuous.
    for name in NAMES:
        assert np.abs(reference[name][-1] - reference[name][0]).max() > 1e-3
