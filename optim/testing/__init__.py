"""The property kit: check your own optimizer with the properties that catch real bugs.

``check_optimizer(MyAdam)`` runs every property that applies to an optimizer
class with this project's interface (a frozen dataclass whose fields are the
hyperparameters, declared in ``RANGES`` and ``FLAGS``, with ``init`` and a
pure ``step``; subclass :class:`optim.Optimizer`) and raises an
``AssertionError`` that names the property, the bug it catches and a shrunk
counterexample. Which properties apply is decided from the class's fields:
``lr = 0`` stands still for any class with ``lr``, ``maximize`` is
minimizing ``-f`` for any class with ``maximize``, the closed form of Adam
applies to any class with ``b1``, ``b2`` and ``eps``, and so on. The form of
weight decay is the one the class declares in ``DECOUPLED_WEIGHT_DECAY``.

``check_schedule(schedule)`` does the same for a learning-rate schedule
(:mod:`optim.testing.schedules`: its lrs finite and non-negative, continued
where they stopped, the closed form equal to the steps, a batch equal to
its elements, and an optimizer stepping with the lr of each step; the list
is :data:`SCHEDULE_PROPERTIES`).

Each property is also a function of its own (``lr_zero_never_moves(MyAdam)``),
listed in :data:`PROPERTIES`; the Hypothesis strategies they draw from are in
:mod:`optim.testing.strategies`. Modules: ``generic`` (every optimizer),
``momentum`` (SGD), ``adaptive`` (RMSProp, Adam), ``state`` (its start, its
count, the in-place update), ``reference`` (step by step against another
implementation). Hypothesis is imported with this package
(the ``test`` extra installs it); nothing else in ``optim`` imports it.

The kit keeps no example database (nothing is written for it), but
Hypothesis itself caches constants in ``.hypothesis/`` under the working
directory; set ``HYPOTHESIS_STORAGE_DIRECTORY`` to put it elsewhere.

Examples
--------
>>> from optim import Adam
>>> from optim.testing import check_optimizer
>>> names = check_optimizer(Adam, max_examples=5)
>>> "adam_follows_bias_corrected_moments" in names
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from optim._base import Optimizer
from optim.testing._property import Property
from optim.testing.adaptive import (
    adam_first_step_moves_each_coordinate_by_lr,
    adam_follows_bias_corrected_moments,
    amsgrad_denominator_never_decreases,
    rmsprop_divides_by_a_root_mean_square,
)
from optim.testing.generic import (
    batch_equals_stacked_single_runs,
    eps_zero_ignores_a_power_of_two_gradient_scale,
    eps_zero_takes_no_step_where_the_gradient_is_zero,
    lr_zero_never_moves,
    maximize_is_minimizing_the_negative,
    step_is_pure,
    weight_decay_adds_the_ridge_gradient,
    weight_decay_shrinks_x_before_the_step,
)
from optim.testing.momentum import (
    gradient_descent_at_one_over_L_contracts,
    heavy_ball_reaches_the_optimal_rate,
    momentum_is_a_three_term_recurrence,
    momentum_zero_is_gradient_descent,
    nesterov_looks_ahead,
    nesterov_needs_momentum_and_no_dampening,
    weight_decay_reaches_the_ridge_solution,
)
from optim.testing.reference import matches_reference
from optim.testing.state import (
    init_is_a_zero_state,
    state_counts_the_steps,
    update_in_place_equals_step,
)

# Every property, in the order check_optimizer runs them: the cheap and
# general first, so that a broken class fails on the simplest statement.
PROPERTIES: tuple[Property, ...] = (
    init_is_a_zero_state,
    state_counts_the_steps,
    step_is_pure,
    lr_zero_never_moves,
    batch_equals_stacked_single_runs,
    maximize_is_minimizing_the_negative,
    weight_decay_adds_the_ridge_gradient,
    weight_decay_shrinks_x_before_the_step,
    eps_zero_ignores_a_power_of_two_gradient_scale,
    update_in_place_equals_step,
    nesterov_needs_momentum_and_no_dampening,
    momentum_zero_is_gradient_descent,
    momentum_is_a_three_term_recurrence,
    nesterov_looks_ahead,
    gradient_descent_at_one_over_L_contracts,
    heavy_ball_reaches_the_optimal_rate,
    weight_decay_reaches_the_ridge_solution,
    rmsprop_divides_by_a_root_mean_square,
    adam_first_step_moves_each_coordinate_by_lr,
    adam_follows_bias_corrected_moments,
    amsgrad_denominator_never_decreases,
    # last: this project's convention for 0 / 0 (torch computes NaN), so a
    # port of torch's rule meets the properties of the rule itself first
    eps_zero_takes_no_step_where_the_gradient_is_zero,
)


def __getattr__(name: str) -> Any:
    """``check_schedule`` and ``SCHEDULE_PROPERTIES``, imported on first use.

    Hypothesis draws some values from the constants of the modules
    imported when it runs: importing the schedule kit with the optimizer
    kit would change the examples ``check_optimizer`` draws (the mutation
    benchmark measures the kit at 25 of them, and moved by two mutants).
    """
    if name in ("check_schedule", "SCHEDULE_PROPERTIES"):
        from optim.testing import schedules

        return getattr(schedules, name)
    raise AttributeError(f"module 'optim.testing' has no attribute {name!r}")


def check_optimizer(
    cls: type[Optimizer],
    *,
    reference: type[Optimizer] | Callable[..., Optimizer] | None = None,
    max_examples: int | None = None,
) -> list[str]:
    """Run every property that applies to ``cls``; raise ``AssertionError`` at the first failure.

    Parameters
    ----------
    cls : type
        An optimizer class with this project's interface (see the module).
    reference : type or callable, optional
        Another implementation, called with the same hyperparameters by
        name: then also :func:`matches_reference`, equality step by step
        on drawn gradient sequences.
    max_examples : int, optional
        Examples per property; the loaded Hypothesis profile's by default.

    Returns
    -------
    list of str
        The names of the properties that ran (and passed).

    Raises
    ------
    AssertionError
        Naming the class, the property, the bug it catches and the shrunk
        counterexample.
    """
    if not (isinstance(cls, type) and issubclass(cls, Optimizer)):
        raise TypeError(
            f"check_optimizer: cls must be an optimizer class (a subclass of "
            f"optim.Optimizer, not an instance), got {cls!r}"
        )
    ran = []
    for prop in PROPERTIES:
        if prop.applies(cls):
            prop(cls, max_examples=max_examples)
            ran.append(prop.name)
    if reference is not None:
        matches_reference(cls, reference, max_examples=max_examples)
        ran.append("matches_reference")
    return ran


__all__ = [
    "PROPERTIES",
    "SCHEDULE_PROPERTIES",
    "Property",
    "check_optimizer",
    "check_schedule",
    "matches_reference",
] + [p.name for p in PROPERTIES]
