"""Warm-up schedules: a constant factor, or a linear ramp, for the first steps.

Each is torch's scheduler of the same name and arguments (without the
optimizer): its :meth:`~optim.schedules._schedule.Schedule.lrs` computes
torch's recursion step by step, the numbered lines of ``_closed`` are the
closed form, and ``_next`` gives the recursion as torch computes it.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np

from optim.schedules._schedule import DECAY, FRACTION, NONNEGATIVE, Schedule, where

if TYPE_CHECKING:
    from optim._hyper import Hyper


@dataclasses.dataclass(frozen=True, eq=False)
class ConstantLR(Schedule):
    """The lr times ``factor`` for the first ``total_iters`` steps, then the lr: torch.optim.lr_scheduler.ConstantLR.

    Parameters
    ----------
    factor : float or array, default 1/3
        In ``(0, 1]`` (torch allows 0, and then divides by it at ``total_iters``).
    total_iters : int or array, default 5
        Steps at the reduced lr, ``>= 1`` (torch's 0 never restores the lr
        in its recursion, though its closed form does: refused here).
    base_lr : float or array, optional
        The lr it scales when it is an optimizer's ``lr`` (default: that
        optimizer's default lr, as torch takes the optimizer's).

    Examples
    --------
    >>> ConstantLR(factor=0.5, total_iters=2).lrs(1.0, 4)
    array([0.5, 0.5, 1. , 1. ])
    """

    factor: Hyper = 1.0 / 3
    total_iters: Any = 5
    base_lr: Hyper | None = dataclasses.field(default=None, kw_only=True)

    REALS = {"factor": DECAY, "base_lr": NONNEGATIVE}
    INTEGERS = {"total_iters": 1}

    def _closed(self, base: Hyper, e: Any) -> Any:
        """The closed form at epoch ``e = t - 1`` (torch's ``_get_closed_form_lr``).

        In numbered lines::

            (1) lr = base * (factor + (np.asarray(e) >= total_iters) * (1 - factor))

        The same numbers as :meth:`lrs` up to rounding.
        """
        factor, total_iters = self.factor, self.total_iters
        lr = base * (factor + (np.asarray(e) >= total_iters) * (1 - factor))  # (1)
        return lr

    def _start(self, lr: Any, base: Hyper) -> Any:
        """Torch's first step: ``lr * factor``."""
        return lr * self.factor

    def _next(self, lr: Any, e: Any, base: Hyper) -> Any:
        """Torch's recursion, from the current ``lr``.

        In numbered lines::

            (1) lr = where(e == total_iters, lr * (1.0 / factor), lr)

        From ``e = 1`` on; ``_start`` is the step at ``e = 0``.
        """
        factor, total_iters = self.factor, self.total_iters
        lr = where(e == total_iters, lr * (1.0 / factor), lr)  # (1)
        return lr


@dataclasses.dataclass(frozen=True, eq=False)
class LinearLR(Schedule):
    """A linear ramp of the lr's factor from ``start_factor`` to ``end_factor``: torch.optim.lr_scheduler.LinearLR.

    The usual warm-up: ``LinearLR(start_factor=0.01, total_iters=100)``.

    Parameters
    ----------
    start_factor : float or array, default 1/3
        In ``(0, 1]``.
    end_factor : float or array, default 1
        In ``[0, 1]``.
    total_iters : int or array, default 5
        Steps of the ramp, ``>= 1``.
    base_lr : float or array, optional
        As in :class:`ConstantLR`.

    Notes
    -----
    torch computes ``lr * (1 + (end - start) / (T * start + (e - 1) *
    (end - start)))`` at each step (``_next``), the ratio of consecutive
    closed forms; :meth:`lrs` does the same, so its numbers are torch's.

    Examples
    --------
    >>> LinearLR(start_factor=0.25, total_iters=3).lrs(1.0, 5)
    array([0.25, 0.5 , 0.75, 1.  , 1.  ])
    """

    start_factor: Hyper = 1.0 / 3
    end_factor: Hyper = 1.0
    total_iters: Any = 5
    base_lr: Hyper | None = dataclasses.field(default=None, kw_only=True)

    REALS = {"start_factor": DECAY, "end_factor": FRACTION, "base_lr": NONNEGATIVE}
    INTEGERS = {"total_iters": 1}

    def _closed(self, base: Hyper, e: Any) -> Any:
        """The closed form at epoch ``e = t - 1``.

        In numbered lines::

            (1) ramp = (end - start) * minimum(total_iters, e) / total_iters
            (2) lr = base * (start + ramp)

        The same numbers as :meth:`lrs` up to rounding.
        """
        start, end, total_iters = self.start_factor, self.end_factor, self.total_iters
        ramp = (end - start) * np.minimum(total_iters, e) / total_iters  # (1)
        lr = base * (start + ramp)  # (2)
        return lr

    def _start(self, lr: Any, base: Hyper) -> Any:
        """Torch's first step: ``lr * start_factor``."""
        return lr * self.start_factor

    def _next(self, lr: Any, e: Any, base: Hyper) -> Any:
        """Torch's recursion, from the current ``lr``.

        In numbered lines::

            (1) ramp = total_iters * start + (e - 1) * (end - start)
            (2) step = 1.0 + (end - start) / ramp
            (3) lr = where(e > total_iters, lr, lr * step)

        From ``e = 1`` on; ``_start`` is the step at ``e = 0``.
        """
        start, end, total_iters = self.start_factor, self.end_factor, self.total_iters
        ramp = total_iters * start + (e - 1) * (end - start)  # (1)
        step = 1.0 + (end - start) / ramp  # (2)
        lr = where(e > total_iters, lr, lr * step)  # (3)
        return lr
