"""Decay schedules: by steps, at milestones, exponentially, or along a polynomial.

Each is torch's scheduler of the same name and arguments (without the
optimizer); ``_closed`` has the closed form as numbered lines, ``_next``
torch's recursion, which :meth:`~optim.schedules._schedule.Schedule.lrs`
runs step by step.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np

from optim.schedules._schedule import (
    DECAY,
    NONNEGATIVE,
    Schedule,
    integer,
    power,
    where,
)

if TYPE_CHECKING:
    from optim._hyper import Hyper


@dataclasses.dataclass(frozen=True, eq=False)
class StepLR(Schedule):
    """The lr times ``gamma`` every ``step_size`` steps: torch.optim.lr_scheduler.StepLR.

    Parameters
    ----------
    step_size : int or array
        Steps between decays, ``>= 1``.
    gamma : float or array, default 0.1
        The factor, in ``(0, 1]``.
    base_lr : float or array, optional
        The lr it decays when it is an optimizer's ``lr`` (default: that
        optimizer's default lr, as torch takes the optimizer's).

    Examples
    --------
    >>> StepLR(step_size=2, gamma=0.5).lrs(1.0, 5)
    array([1.  , 1.  , 0.5 , 0.5 , 0.25])
    """

    step_size: Any
    gamma: Hyper = 0.1
    base_lr: Hyper | None = dataclasses.field(default=None, kw_only=True)

    REALS = {"gamma": DECAY, "base_lr": NONNEGATIVE}
    INTEGERS = {"step_size": 1}

    def _closed(self, base: Hyper, e: Any) -> Any:
        """The closed form at epoch ``e = t - 1``.

        In numbered lines::

            (1) lr = base * power(gamma, e // step_size)

        The same numbers as :meth:`lrs` up to rounding.
        """
        gamma, step_size = self.gamma, self.step_size
        lr = base * power(gamma, e // step_size)  # (1)
        return lr

    def _start(self, lr: Any, base: Hyper) -> Any:
        """Torch's first step leaves the lr."""
        return lr

    def _next(self, lr: Any, e: Any, base: Hyper) -> Any:
        """Torch's recursion, from the current ``lr``.

        In numbered lines::

            (1) lr = where(e % step_size == 0, lr * gamma, lr)

        From ``e = 1`` on; ``_start`` is the step at ``e = 0``.
        """
        gamma, step_size = self.gamma, self.step_size
        lr = where(e % step_size == 0, lr * gamma, lr)  # (1)
        return lr


@dataclasses.dataclass(frozen=True, eq=False)
class MultiStepLR(Schedule):
    """The lr times ``gamma`` at each milestone: torch.optim.lr_scheduler.MultiStepLR.

    Parameters
    ----------
    milestones : sequence of int (or of int arrays)
        Epochs ``e = t - 1`` of the decays, ``>= 0`` and increasing
        (torch counts a repeated milestone twice; refused here).
    gamma : float or array, default 0.1
        The factor, in ``(0, 1]``.
    base_lr : float or array, optional
        As in :class:`StepLR`.

    Examples
    --------
    >>> MultiStepLR(milestones=[1, 3], gamma=0.5).lrs(1.0, 4)
    array([1.  , 0.5 , 0.5 , 0.25])
    """

    milestones: Any
    gamma: Hyper = 0.1
    base_lr: Hyper | None = dataclasses.field(default=None, kw_only=True)

    REALS = {"gamma": DECAY, "base_lr": NONNEGATIVE}

    def _shapes(self) -> list[tuple[int, ...]]:
        checked = increasing(type(self).__name__, self.milestones, 0)
        object.__setattr__(self, "milestones", checked)
        return [np.shape(m) for m in checked]

    def _closed(self, base: Hyper, e: Any) -> Any:
        """The closed form at epoch ``e = t - 1`` (``passed`` torch's ``bisect_right``).

        In numbered lines::

            (1) passed = sum(np.asarray(e) >= m for m in milestones)
            (2) lr = base * power(gamma, passed)

        The same numbers as :meth:`lrs` up to rounding.
        """
        gamma, milestones = self.gamma, self.milestones
        passed = sum(np.asarray(e) >= m for m in milestones)  # (1)
        lr = base * power(gamma, passed)  # (2)
        return lr

    def _start(self, lr: Any, base: Hyper) -> Any:
        """Torch's first step: times ``gamma`` if a milestone is 0."""
        return self._next(lr, 0, base)

    def _next(self, lr: Any, e: Any, base: Hyper) -> Any:
        """Torch's recursion, from the current ``lr``.

        In numbered lines::

            (1) hit = sum(e == m for m in milestones) > 0
            (2) lr = where(hit, lr * gamma, lr)

        From ``e = 1`` on; ``_start`` is the step at ``e = 0``.
        """
        gamma, milestones = self.gamma, self.milestones
        hit = sum(e == m for m in milestones) > 0  # (1)
        lr = where(hit, lr * gamma, lr)  # (2)
        return lr


def increasing(owner: str, milestones: object, low: int) -> tuple[Any, ...]:
    """``milestones`` checked: integers (or integer arrays) ``>= low``, increasing."""
    if not isinstance(milestones, list | tuple):
        raise TypeError(
            f"{owner}: milestones must be a list of integers, got {milestones!r}"
        )
    checked = tuple(integer(owner, "milestones", m, low) for m in milestones)
    for a, b in zip(checked, checked[1:], strict=False):
        if not np.all(np.less(a, b)):
            raise ValueError(
                f"{owner}: milestones must be increasing, got {milestones!r}"
            )
    return checked


@dataclasses.dataclass(frozen=True, eq=False)
class ExponentialLR(Schedule):
    """The lr times ``gamma`` at every step: torch.optim.lr_scheduler.ExponentialLR.

    Parameters
    ----------
    gamma : float or array
        The factor, in ``(0, 1]``.
    base_lr : float or array, optional
        As in :class:`StepLR`.

    Examples
    --------
    >>> ExponentialLR(gamma=0.5).lrs(1.0, 3)
    array([1.  , 0.5 , 0.25])
    """

    gamma: Hyper
    base_lr: Hyper | None = dataclasses.field(default=None, kw_only=True)

    REALS = {"gamma": DECAY, "base_lr": NONNEGATIVE}

    def _closed(self, base: Hyper, e: Any) -> Any:
        """The closed form at epoch ``e = t - 1``.

        In numbered lines::

            (1) lr = base * power(gamma, e)

        The same numbers as :meth:`lrs` up to rounding.
        """
        gamma = self.gamma
        lr = base * power(gamma, e)  # (1)
        return lr

    def _start(self, lr: Any, base: Hyper) -> Any:
        """Torch's first step leaves the lr."""
        return lr

    def _next(self, lr: Any, e: Any, base: Hyper) -> Any:
        """Torch's recursion, from the current ``lr``.

        In numbered lines::

            (1) lr = lr * gamma

        From ``e = 1`` on; ``_start`` is the step at ``e = 0``.
        """
        gamma = self.gamma
        lr = lr * gamma  # (1)
        return lr


@dataclasses.dataclass(frozen=True, eq=False)
class PolynomialLR(Schedule):
    """The lr times ``(1 - e / total_iters) ** power``, then 0: torch.optim.lr_scheduler.PolynomialLR.

    Parameters
    ----------
    total_iters : int or array, default 5
        Steps of the decay, ``>= 1``.
    power : float or array, default 1
        ``>= 0``.
    base_lr : float or array, optional
        As in :class:`StepLR`.

    Examples
    --------
    >>> PolynomialLR(total_iters=4, power=1.0).lrs(1.0, 6)
    array([1.  , 0.75, 0.5 , 0.25, 0.  , 0.  ])
    """

    total_iters: Any = 5
    power: Hyper = 1.0
    base_lr: Hyper | None = dataclasses.field(default=None, kw_only=True)

    REALS = {"power": NONNEGATIVE, "base_lr": NONNEGATIVE}
    INTEGERS = {"total_iters": 1}

    def _closed(self, base: Hyper, e: Any) -> Any:
        """The closed form at epoch ``e = t - 1``.

        In numbered lines::

            (1) lr = base * power(1.0 - minimum(total_iters, e) / total_iters, p)

        The same numbers as :meth:`lrs` up to rounding.
        """
        total_iters, p = self.total_iters, self.power
        lr = base * power(1.0 - np.minimum(total_iters, e) / total_iters, p)  # (1)
        return lr

    def _start(self, lr: Any, base: Hyper) -> Any:
        """Torch's first step leaves the lr."""
        return lr

    def _next(self, lr: Any, e: Any, base: Hyper) -> Any:
        """Torch's recursion, from the current ``lr`` (``k``: ``e`` kept to the decay, where it is used).

        In numbered lines::

            (1) k = minimum(e, total_iters)
            (2) step = power((1.0 - k / total_iters) / (1.0 - (k - 1) / total_iters), p)
            (3) lr = where(e > total_iters, lr, lr * step)

        From ``e = 1`` on; ``_start`` is the step at ``e = 0``.
        """
        total_iters, p = self.total_iters, self.power
        k = np.minimum(e, total_iters)  # (1)
        step = power((1.0 - k / total_iters) / (1.0 - (k - 1) / total_iters), p)  # (2)
        lr = where(e > total_iters, lr, lr * step)  # (3)
        return lr
