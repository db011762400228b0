"""The property kit optim.testing: it passes every shipped optimizer, runs what applies.

The bugs it must reject are in test_optim_bugs.py.
"""

import dataclasses
import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import optim
from optim import SGD, Adam, AdamW, RMSProp
from optim.testing import (
    PROPERTIES,
    check_optimizer,
    matches_reference,
    nesterov_looks_ahead,
    step_is_pure,
)
from optim.testing.strategies import hyperparameters, interval

GENERIC = {
    "init_is_a_zero_state",
    "state_counts_the_steps",
    "update_in_place_equals_step",
    "step_is_pure",
    "lr_zero_never_moves",
    "batch_equals_stacked_single_runs",
    "maximize_is_minimizing_the_negative",
}
ADAPTIVE = {
    "eps_zero_ignores_a_power_of_two_gradient_scale",
    "eps_zero_takes_no_step_where_the_gradient_is_zero",
}
ADAM = {
    "adam_first_step_moves_each_coordinate_by_lr",
    "adam_follows_bias_corrected_moments",
    "amsgrad_denominator_never_decreases",
}
# Which properties apply to which class, written out by hand from their fields.
EXPECTED = {
    SGD: GENERIC
    | {
        "weight_decay_adds_the_ridge_gradient",
        "momentum_zero_is_gradient_descent",
        "momentum_is_a_three_term_recurrence",
        "nesterov_looks_ahead",
        "nesterov_needs_momentum_and_no_dampening",
        "gradient_descent_at_one_over_L_contracts",
        "heavy_ball_reaches_the_optimal_rate",
        "weight_decay_reaches_the_ridge_solution",
    },
    RMSProp: GENERIC
    | ADAPTIVE
    | {"weight_decay_adds_the_ridge_gradient", "rmsprop_divides_by_a_root_mean_square"},
    Adam: GENERIC | ADAPTIVE | ADAM | {"weight_decay_adds_the_ridge_gradient"},
    AdamW: GENERIC | ADAPTIVE | ADAM | {"weight_decay_shrinks_x_before_the_step"},
}


@pytest.mark.parametrize("cls", list(EXPECTED), ids=lambda c: c.__name__)
def test_every_shipped_optimizer_passes_every_property_that_applies(cls):
    assert set(check_optimizer(cls)) == EXPECTED[cls]


def test_every_property_applies_to_some_shipped_optimizer():
    assert {p.name for p in PROPERTIES} == set().union(*EXPECTED.values())


def test_a_property_that_does_not_apply_says_what_it_needs():
    with pytest.raises(ValueError, match="nesterov_looks_ahead does not apply to Adam"):
        nesterov_looks_ahead(Adam)


def test_a_reference_that_agrees_passes_and_one_that_differs_is_named():
    assert (
        check_optimizer(SGD, reference=SGD, max_examples=10)[-1] == "matches_reference"
    )
    # AdamW decays x where Adam adds the decay to the gradient: they differ
    # exactly when a drawn weight_decay is non-zero.
    with pytest.raises(
        AssertionError, match="Adam fails the property matches_reference"
    ):
        matches_reference(Adam, AdamW)


def test_a_reference_may_be_a_factory():
    matches_reference(RMSProp, lambda **kw: RMSProp(**kw), max_examples=10)


@dataclasses.dataclass(frozen=True, eq=False)
class CountingSGD(SGD):
    """Hidden state: the step size grows with every call."""

    calls: list = dataclasses.field(default_factory=list, compare=False)

    def step(self, x, g, state):
        self.calls.append(None)
        x1, new = super().step(x, g, state)
        return x + len(self.calls) * (x1 - x), new


def test_a_failure_names_class_property_bug_and_the_shrunk_example():
    with pytest.raises(AssertionError) as failure:
        step_is_pure(CountingSGD)
    message = str(failure.value)
    first = message.splitlines()[0]
    assert first.startswith(
        "CountingSGD fails the property step_is_pure: ``step`` changes"
    )
    assert "x from a second call of step" in message
    assert "Draw 1 (optimizer): CountingSGD(" in message  # the shrunk example


def test_a_crash_in_step_is_a_failure_that_keeps_its_traceback():
    @dataclasses.dataclass(frozen=True, eq=False)
    class Crashing(SGD):
        def step(self, x, g, state):
            raise ZeroDivisionError("boom")

    with pytest.raises(AssertionError, match="ZeroDivisionError: boom") as failure:
        step_is_pure(Crashing, max_examples=5)
    assert isinstance(failure.value.__cause__, ZeroDivisionError)


@given(data=st.data(), name=st.sampled_from(sorted(optim.OPTIMIZERS)))
def test_drawn_hyperparameters_are_in_the_declared_ranges(data, name):
    cls = optim.OPTIMIZERS[name]
    kw = data.draw(hyperparameters(cls, (2,), lr=0.5))
    assert set(kw) == set(cls.numeric_fields()) | set(cls.switches())
    assert kw["lr"] == 0.5
    for field, allowed in cls.numeric_fields().items():
        low, high = interval(allowed)
        assert math.isfinite(high) and allowed.low == low
        assert np.all((low <= np.asarray(kw[field])) & (np.asarray(kw[field]) <= high))
        if field != "lr":
            cls.check_field(field, kw[field])  # valid as the class declares


def test_importing_optim_does_not_import_hypothesis():
    code = "import sys, optim; print('hypothesis' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


@pytest.mark.parametrize("bad", ["adam", Adam(), 3])
def test_check_optimizer_refuses_what_is_not_an_optimizer_class(bad):
    with pytest.raises(TypeError, match="cls must be an optimizer class"):
        check_optimizer(bad)
