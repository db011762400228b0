"""Properties of learning-rate schedules, and of optimizers given one: ``check_schedule``.

``check_schedule(schedule)`` runs every property on a schedule object of
:mod:`optim.schedules` (or of your own subclass of
:class:`optim.schedules.Schedule`), or on a factory ``seed -> schedule``
that draws schedules: the learning rates are finite and non-negative; a
schedule computed for ``k`` steps is the first ``k`` of one computed for
more (so a run continued from step ``k`` continues the schedule); the
closed form ``lr(base_lr, t)`` equals the step-by-step ``lrs``; a batch
equals its elements computed one by one; and an optimizer given the
schedule as its ``lr`` takes step ``t`` with the schedule's lr of step
``t``. :data:`SCHEDULE_PROPERTIES` lists them.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from hypothesis import strategies as st

from optim.schedules._schedule import Schedule
from optim.testing._property import close, run, same

if TYPE_CHECKING:
    from hypothesis.strategies import DataObject

Factory = Callable[[int], Schedule]
# Steps drawn per property: enough for warm-ups, milestones and restarts of
# schedules with arguments in the tens, few enough that a property is fast.
MAX_STEPS = 300
# The closed form and torch's recursion (lrs) round differently; cosine's
# recursion divides by 1 + cos near -1, which amplifies rounding to about
# T_max**2 * 1e-16 relative near its minimum: 1e-9 of the largest lr covers
# T_max up to the thousands.
CLOSED_RTOL = 1e-9
# Steps of each optimizer in optimizer_takes_the_lr_of_each_step (it builds
# an optimizer at each step to compare with).
OPTIMIZER_STEPS = 40


def _draw(source: Schedule | Factory, data: DataObject) -> tuple[Schedule, float, int]:
    schedule = (
        source
        if isinstance(source, Schedule)
        else source(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    )
    base = data.draw(st.floats(1e-4, 10.0), label="base_lr")
    limit = schedule.horizon() or MAX_STEPS
    n = data.draw(st.integers(1, min(MAX_STEPS, limit)), label="n")
    return schedule, base, n


def lrs_are_finite_and_nonnegative(
    source: Schedule | Factory, data: DataObject
) -> None:
    """Every lr of ``lrs(base_lr, n)`` is finite and ``>= 0``, of shape ``(n, *batch)``.

    Catches: a division by zero at a boundary step (torch's ``ConstantLR``
    with ``factor = 0``), a negative factor, growth without bound.
    """
    schedule, base, n = _draw(source, data)
    lrs = schedule.lrs(base, n)
    same(lrs.shape, (n, *schedule.batch_shape), "the shape of lrs", schedule=schedule)
    if not (np.all(np.isfinite(lrs)) and np.all(lrs >= 0)):
        raise AssertionError(
            f"an lr is not finite or negative: {lrs!r}; with {schedule!r}, base_lr={base!r}"
        )


def lrs_continue_where_they_stopped(
    source: Schedule | Factory, data: DataObject
) -> None:
    """``lrs(base_lr, k)`` is the first ``k`` of ``lrs(base_lr, n)``, bit for bit, for ``k <= n``.

    And ``extend(base_lr, lrs(base_lr, k), n)``, which goes on from the
    last lr, equals ``lrs(base_lr, n)``. What lets a run continued from step
    ``k`` (``minimize(..., state=)``) continue the schedule, and an
    optimizer's table of lrs grow. Catches: a schedule whose values depend on how
    many steps were asked for (a length used where a step count is meant).
    """
    schedule, base, n = _draw(source, data)
    k = data.draw(st.integers(0, n), label="k")
    whole = schedule.lrs(base, n)
    first = schedule.lrs(base, k)
    same(
        first,
        whole[:k],
        f"lrs for {k} steps against the first {k} of {n}",
        schedule=schedule,
    )
    more = schedule.extend(base, first, n)
    same(more, whole, f"lrs for {k} steps extended to {n}", schedule=schedule)


def closed_form_equals_step_by_step(
    source: Schedule | Factory, data: DataObject
) -> None:
    """``lr(base_lr, t)`` (the closed form) equals ``lrs(base_lr, n)[t - 1]`` at every step, to rounding.

    Catches: a recursion off by one step, a closed form that drifted from
    the recursion (a milestone counted at the wrong step), a factor applied
    twice.
    """
    schedule, base, n = _draw(source, data)
    steps = np.arange(1, n + 1)
    expected = schedule.lrs(base, n)
    close(
        schedule.lr(base, steps),
        expected,
        "lr(base_lr, t) against lrs",
        rtol=CLOSED_RTOL,
        schedule=schedule,
        base_lr=base,
    )


def batch_equals_its_elements(source: Schedule | Factory, data: DataObject) -> None:
    """A schedule with array arguments equals the schedules of its elements, stacked, bit for bit.

    Catches: an argument broadcast along the steps instead of the batch, and
    a branch taken for the whole batch on one element's condition.
    """
    schedule, base, n = _draw(source, data)
    lrs = schedule.lrs(base, n)
    for index in np.ndindex(*schedule.batch_shape):
        single = element(schedule, index, schedule.batch_shape)
        same(
            single.lrs(base, n),
            lrs[(slice(None),) + index],
            f"element {index} against the batch",
            schedule=schedule,
        )


def element(value: Any, index: tuple[int, ...], shape: tuple[int, ...]) -> Any:
    """One batch element of a schedule ``(*shape)``: each array argument at ``index`` (children too)."""
    if isinstance(value, np.ndarray):
        return np.broadcast_to(value, shape)[index].item()
    if isinstance(value, list | tuple):
        return [element(v, index, shape) for v in value]
    if isinstance(value, Schedule):
        changes = {
            f.name: element(getattr(value, f.name), index, shape)
            for f in dataclasses.fields(value)
        }
        return dataclasses.replace(value, **changes)
    return value


def optimizer_takes_the_lr_of_each_step(
    source: Schedule | Factory, data: DataObject
) -> None:
    """Each optimizer given the schedule as ``lr`` takes step ``t`` as with ``lr = lrs(base_lr, n)[t - 1]``.

    For SGD, RMSProp, Adam and AdamW (default hyperparameters otherwise),
    bit for bit, from the same state at every step: the optimizer's own
    state counts its steps, and step ``t`` reads the lr of step ``t``.
    Catches: the lr of step ``t + 1`` or ``t - 1`` (a count read before or
    after it is advanced), a decay or a buffer that keeps the first lr.
    """
    from optim import OPTIMIZERS  # the registry (optim imports this kit lazily)

    schedule, base, n = _draw(source, data)
    if _takes_a_base(schedule):
        schedule = dataclasses.replace(schedule, base_lr=base)
    n = min(n, OPTIMIZER_STEPS)
    lrs, shape = schedule.lrs(base, n), schedule.batch_shape + (2,)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    for name, cls in OPTIMIZERS.items():
        lr: Any = schedule  # a schedule is an lr (optim.schedules)
        opt = cls(lr=lr)
        x, state = rng.normal(size=shape), opt.init(np.zeros(shape))
        for t in range(1, n + 1):
            g = rng.normal(size=shape)
            expected = cls(lr=np.broadcast_to(lrs[t - 1], shape[:-1]).copy())
            x_const, _ = expected.step(x, g, state)
            x, state = opt.step(x, g, state)
            same(x, x_const, f"{name}: x after step {t}", schedule=schedule)


def _takes_a_base(schedule: Schedule) -> bool:
    """Whether the schedule scales a base lr it may be given (not CyclicLR's or OneCycleLR's own)."""
    field = next((f for f in dataclasses.fields(schedule) if f.name == "base_lr"), None)
    return field is not None and field.default is None


SCHEDULE_PROPERTIES = (
    lrs_are_finite_and_nonnegative,
    lrs_continue_where_they_stopped,
    closed_form_equals_step_by_step,
    batch_equals_its_elements,
    optimizer_takes_the_lr_of_each_step,
)


def check_schedule(
    source: Schedule | Factory, *, max_examples: int | None = None
) -> list[str]:
    """Run every schedule property on ``source``; raise ``AssertionError`` at the first failure.

    Parameters
    ----------
    source : Schedule or callable
        A schedule, or a factory ``seed -> schedule`` (then each example
        draws a seed, so arguments vary too).
    max_examples : int, optional
        Examples per property; the loaded Hypothesis profile's by default.

    Returns
    -------
    list of str
        The names of the properties that ran (and passed).

    Examples
    --------
    >>> from optim.schedules import CosineAnnealingLR
    >>> check_schedule(CosineAnnealingLR(T_max=10), max_examples=3)[0]
    'lrs_are_finite_and_nonnegative'
    """
    if not (
        isinstance(source, Schedule)
        or callable(source)
        and not isinstance(source, type)
    ):
        raise TypeError(
            f"check_schedule: source must be a schedule or a factory seed -> schedule, got {source!r}"
        )
    owner = type(source) if isinstance(source, Schedule) else type(source(0))
    for prop in SCHEDULE_PROPERTIES:
        check = functools.partial(prop, source)
        run(prop.__name__, prop.__doc__ or "", check, owner, max_examples)
    return [p.__name__ for p in SCHEDULE_PROPERTIES]
