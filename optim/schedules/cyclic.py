"""Cyclical schedules: the triangular cycles of Smith (2017), and the one cycle of Smith and Topin (2019).

Each is torch's scheduler of the same name (without the optimizer) and
sets the lr itself, from its own ``base_lr`` / ``max_lr``: the base lr given
to :meth:`~optim.schedules._schedule.Schedule.lrs` is not read (torch
overwrites the optimizer's lr with these schedules' own). torch computes
both in closed form.

Only the lr is scheduled: torch's ``cycle_momentum`` (on by default there)
also cycles the optimizer's momentum or ``b1``, which these schedules
leave alone (torch with ``cycle_momentum=False``). A custom ``scale_fn``
is not offered (a Python function cannot be batched).

References
----------
.. [1] L. N. Smith, "Cyclical learning rates for training neural
   networks", WACV 2017, section 3.1.
.. [2] L. N. Smith, N. Topin, "Super-convergence: very fast training of
   neural networks using large learning rates", 2019.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np

from optim.schedules._schedule import (
    DECAY,
    FRACTION,
    NONNEGATIVE,
    POSITIVE,
    Schedule,
    cos,
    power,
)

if TYPE_CHECKING:
    from optim._hyper import Hyper


@dataclasses.dataclass(frozen=True, eq=False)
class CyclicLR(Schedule):
    """Triangular cycles between ``base_lr`` and ``max_lr``: torch.optim.lr_scheduler.CyclicLR.

    Parameters
    ----------
    base_lr, max_lr : float or array
        The lr at the start of each cycle and at its peak, ``>= 0``.
    step_size_up : int or array, default 2000
        Steps from the start of a cycle to its peak, ``>= 1``.
    step_size_down : int or array, optional
        Steps from the peak to the cycle's end (default ``step_size_up``).
    mode : {"triangular", "triangular2", "exp_range"}
        The height of each cycle: constant, halved each cycle, or times
        ``gamma ** e``.
    gamma : float or array, default 1
        The factor of ``"exp_range"``, in ``(0, 1]``.

    Examples
    --------
    >>> CyclicLR(base_lr=0.0, max_lr=1.0, step_size_up=2).lrs(1.0, 5)  # 1.0: not read
    array([0. , 0.5, 1. , 0.5, 0. ])
    """

    base_lr: Hyper
    max_lr: Hyper
    step_size_up: Any = 2000
    step_size_down: Any = None
    mode: str = "triangular"
    gamma: Hyper = 1.0

    REALS = {"base_lr": NONNEGATIVE, "max_lr": NONNEGATIVE, "gamma": DECAY}
    INTEGERS = {"step_size_up": 1, "step_size_down": 1}
    CHOICES = {"mode": ("triangular", "triangular2", "exp_range")}
    CLOSED = True

    def _closed(self, base: Hyper, e: Any) -> Any:
        """Torch's closed form at epoch ``e = t - 1`` (``base``, the optimizer's lr, is not read).

        In numbered lines::

            (1) total = up + down
            (2) cycle = floor(1 + e / total)
            (3) x = 1.0 + e / total - cycle
            (4) peak = up / total
            (5) rise = where(x <= peak, x / peak, (x - 1) / (peak - 1))
            (6) lr = base_lr + (max_lr - base_lr) * rise * self.scale(cycle, e)

        The same numbers as :meth:`lrs` up to rounding.
        """
        base_lr, max_lr = self.base_lr, self.max_lr
        up = np.asarray(self.step_size_up, dtype=np.float64)
        down = (
            up
            if self.step_size_down is None
            else np.asarray(self.step_size_down, dtype=np.float64)
        )
        total = up + down  # (1)
        cycle = np.floor(1 + e / total)  # (2)
        x = 1.0 + e / total - cycle  # (3)
        peak = up / total  # (4)
        rise = np.where(x <= peak, x / peak, (x - 1) / (peak - 1))  # (5)
        lr = base_lr + (max_lr - base_lr) * rise * self.scale(cycle, e)  # (6)
        return lr

    def scale(self, cycle: Any, e: Any) -> Any:
        """The height of the cycle: ``1``, ``1 / 2 ** (cycle - 1)`` or ``gamma ** e`` by ``mode``."""
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (cycle - 1))
        return power(self.gamma, e)

    def _start(self, lr: Any, base: Hyper) -> Any:
        """Torch's first step: the closed form at 0."""
        return self._closed(base, 0)

    def _next(self, lr: Any, e: Any, base: Hyper) -> Any:
        """Torch's step: the closed form (it does not read the current lr)."""
        return self._closed(base, e)


@dataclasses.dataclass(frozen=True, eq=False)
class OneCycleLR(Schedule):
    """Up from ``max_lr / div_factor`` to ``max_lr``, then down to far below: torch.optim.lr_scheduler.OneCycleLR.

    Parameters
    ----------
    max_lr : float or array
        The peak lr, ``>= 0``.
    total_steps : int or array, optional
        Steps of the cycle, ``>= 1``; or give ``epochs`` and ``steps_per_epoch``.
        Steps beyond ``total_steps + 1`` are an error, as in torch.
    epochs, steps_per_epoch : int or array, optional
        ``total_steps = epochs * steps_per_epoch`` if ``total_steps`` is not given.
    pct_start : float or array, default 0.3
        Fraction of the cycle spent going up, in ``[0, 1]``.
    anneal_strategy : {"cos", "linear"}
    div_factor : float or array, default 25
        The first lr is ``max_lr / div_factor``, ``> 0``.
    final_div_factor : float or array, default 1e4
        The last lr is the first over ``final_div_factor``, ``> 0``.
    three_phase : bool, default False
        Down to the first lr, then to the last (the paper's), instead of
        straight to the last (fastai's).

    Examples
    --------
    >>> OneCycleLR(max_lr=1.0, total_steps=4, pct_start=0.5, div_factor=2.0,
    ...            final_div_factor=1.0, anneal_strategy="linear").lrs(1.0, 4)
    array([0.5 , 1.  , 0.75, 0.5 ])
    """

    max_lr: Hyper
    total_steps: Any = None
    epochs: Any = None
    steps_per_epoch: Any = None
    pct_start: Hyper = 0.3
    anneal_strategy: str = "cos"
    div_factor: Hyper = 25.0
    final_div_factor: Hyper = 1e4
    three_phase: bool = False

    REALS = {
        "max_lr": NONNEGATIVE,
        "pct_start": FRACTION,
        "div_factor": POSITIVE,
        "final_div_factor": POSITIVE,
    }
    INTEGERS = {"total_steps": 1, "epochs": 1, "steps_per_epoch": 1}
    CHOICES = {"anneal_strategy": ("cos", "linear")}
    CLOSED = True

    def _shapes(self) -> list[tuple[int, ...]]:
        owner = type(self).__name__
        if not isinstance(self.three_phase, bool):
            raise TypeError(
                f"{owner}: three_phase must be True or False, got {self.three_phase!r}"
            )
        if self.total_steps is None and (
            self.epochs is None or self.steps_per_epoch is None
        ):
            raise ValueError(
                f"{owner}: give total_steps, or epochs and steps_per_epoch"
            )
        ends = self.ends()
        starts = [0.0, *ends[:-1]]
        for i in (0, len(ends) - 1):  # a phase that is reached must not be empty
            if np.any(np.equal(ends[i], starts[i])):
                raise ValueError(
                    f"{owner}: pct_start={self.pct_start!r} with total_steps="
                    f"{self.steps()!r} makes phase {i + 1} zero steps long"
                )
        return [np.shape(self.steps())]

    def steps(self) -> Any:
        """``total_steps``, or ``epochs * steps_per_epoch``."""
        return (
            self.total_steps
            if self.total_steps is not None
            else self.epochs * self.steps_per_epoch
        )

    def ends(self) -> list[Any]:
        """The epoch each phase ends at (torch's ``end_step``)."""
        T, pct = self.steps(), self.pct_start
        if self.three_phase:
            return [pct * T - 1.0, 2 * pct * T - 2.0, T - 1.0]
        return [pct * T - 1.0, T - 1.0]

    def horizon(self) -> int:
        """``total_steps + 1``: torch raises beyond it."""
        return int(np.min(self.steps())) + 1

    def start_lr(self, default: Hyper) -> Hyper:
        """Not read: the schedule starts from ``max_lr / div_factor``."""
        return default

    def _closed(self, base: Hyper, e: Any) -> Any:
        """Torch's closed form at epoch ``e = t - 1``: the phase's anneal from its start to its end lr.

        In numbered lines::

            (1) lo = max_lr / div_factor
            (2) ends = self.ends()
            (3) lr = self.anneal(lo / final_div_factor, max_lr, lo, e, ends)

        The same numbers as :meth:`lrs` up to rounding.
        """
        max_lr, div_factor, final_div_factor = (
            self.max_lr,
            self.div_factor,
            self.final_div_factor,
        )
        if np.any(np.asarray(e) > self.steps()):
            raise ValueError(
                f"OneCycleLR: step beyond total_steps + 1 ({self.steps()!r})"
            )
        lo = max_lr / div_factor  # (1)
        ends = self.ends()  # (2)
        lr = self.anneal(lo / final_div_factor, max_lr, lo, e, ends)  # (3)
        return lr

    def anneal(self, last: Any, top: Any, first: Any, e: Any, ends: list[Any]) -> Any:
        """The lr in the phase of ``e``: from ``first`` up to ``top``, (back to ``first``,) down to ``last``."""
        lrs = (
            [(first, top), (top, first), (first, last)]
            if self.three_phase
            else [(first, top), (top, last)]
        )
        starts = [0.0, *ends[:-1]]
        lr = None
        for (a, b), start, end in reversed(list(zip(lrs, starts, ends, strict=True))):
            pct = (e - start) / (end - start)
            if self.anneal_strategy == "cos":
                value = b + (a - b) / 2.0 * (cos(np.pi * pct) + 1)
            else:
                value = (b - a) * pct + a
            lr = value if lr is None else np.where(np.asarray(e) <= end, value, lr)
        return lr

    def _start(self, lr: Any, base: Hyper) -> Any:
        """Torch's first step: the closed form at 0."""
        return self._closed(base, 0)

    def _next(self, lr: Any, e: Any, base: Hyper) -> Any:
        """Torch's step: the closed form (it does not read the current lr)."""
        return self._closed(base, e)
