"""Schedules of schedules: one after another (SequentialLR), or all at once (ChainedScheduler).

As torch's, they act on one shared learning rate: each child's recursion
(``_next``) continues from the lr the others left. Children are the
schedules that torch calls chainable (every schedule of this package but
the two cyclical ones, which overwrite the optimizer's lr when they are
built, and the composites themselves); each takes the composite's base lr,
so a child is given no ``base_lr`` of its own.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np

from optim.schedules._schedule import NONNEGATIVE, Schedule, integer
from optim.schedules.cyclic import CyclicLR, OneCycleLR
from optim.schedules.decay import increasing

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from optim._hyper import Hyper


def children(owner: str, schedulers: object) -> tuple[Schedule, ...]:
    """``schedulers`` checked: a non-empty list of chainable schedules without a ``base_lr``."""
    if not isinstance(schedulers, list | tuple) or not schedulers:
        raise ValueError(
            f"{owner}: schedulers must be a non-empty list of schedules, got {schedulers!r}"
        )
    for i, s in enumerate(schedulers):
        if not isinstance(s, Schedule) or isinstance(
            s, SequentialLR | ChainedScheduler | CyclicLR | OneCycleLR
        ):
            raise TypeError(
                f"{owner}: schedulers[{i}] must be a chainable schedule (not a "
                f"composite, CyclicLR or OneCycleLR), got {s!r}"
            )
        if s.base_lr is not None:
            raise ValueError(
                f"{owner}: schedulers[{i}] has base_lr={s.base_lr!r}; give base_lr "
                f"to the {owner} (its children share its lr)"
            )
    return tuple(schedulers)


@dataclasses.dataclass(frozen=True, eq=False)
class SequentialLR(Schedule):
    """``schedulers[i]`` from epoch ``milestones[i - 1]`` on, restarted there: torch.optim.lr_scheduler.SequentialLR.

    Warm-up then cosine: ``SequentialLR([LinearLR(0.01, total_iters=10),
    CosineAnnealingLR(T_max=90)], milestones=[10])``.

    Parameters
    ----------
    schedulers : list of Schedule
        Chainable schedules (see the module), each without a ``base_lr``.
    milestones : list of int (or of int arrays)
        ``len(schedulers) - 1`` epochs (``e = t - 1``), increasing, ``>= 0``.
        At a milestone the next schedule starts from its closed form at 0
        (torch's ``_update_lr(0)``); a milestone 0 skips the first schedule.
    base_lr : float or array, optional
        The lr the children scale when it is an optimizer's ``lr``
        (default: that optimizer's default lr).

    Examples
    --------
    >>> from optim.schedules import ConstantLR, ExponentialLR
    >>> s = SequentialLR([ConstantLR(0.5, total_iters=9), ExponentialLR(0.5)], milestones=[2])
    >>> s.lrs(1.0, 5)
    array([0.5 , 0.5 , 1.  , 0.5 , 0.25])
    """

    schedulers: Any
    milestones: Any
    base_lr: Hyper | None = dataclasses.field(default=None, kw_only=True)

    REALS = {"base_lr": NONNEGATIVE}

    def _shapes(self) -> list[tuple[int, ...]]:
        owner = type(self).__name__
        object.__setattr__(self, "schedulers", children(owner, self.schedulers))
        object.__setattr__(self, "milestones", increasing(owner, self.milestones, 0))
        if len(self.milestones) != len(self.schedulers) - 1:
            raise ValueError(
                f"{owner}: milestones must have one entry less than schedulers "
                f"({len(self.schedulers)}), got {len(self.milestones)}"
            )
        return [s.batch_shape for s in self.schedulers] + [
            np.shape(m) for m in self.milestones
        ]

    def active(self, e: Any) -> Any:
        """The index of the schedule in charge at epoch ``e``: milestones passed (torch's ``bisect_right``)."""
        return sum(np.asarray(e) >= m for m in self.milestones)

    def since(self, i: int, e: Any) -> Any:
        """Epochs since schedule ``i`` started (0 at its milestone)."""
        return e if i == 0 else e - self.milestones[i - 1]

    def _closed(self, base: Hyper, e: Any) -> Any:
        """The active child's closed form, at its own epoch."""
        i = self.active(e)
        values = [
            s._closed(base, np.maximum(self.since(k, e), 0))
            for k, s in enumerate(self.schedulers)
        ]
        return (
            np.choose(i, np.broadcast_arrays(*values)) if np.ndim(i) else values[int(i)]
        )

    def _start(self, lr: Any, base: Hyper) -> Any:
        """The first step of the child active at 0, from the base lr (torch resets the lr)."""
        i = self.active(0)
        values = [s._start(base, base) for s in self.schedulers]
        return (
            np.choose(i, np.broadcast_arrays(*values)) if np.ndim(i) else values[int(i)]
        )

    def _next(self, lr: Any, e: Any, base: Hyper) -> Any:
        """The active child's step: its restart at its milestone, else its recursion."""
        i, values = self.active(e), []
        if np.ndim(i) == 0:  # one schedule in charge: only its step
            return self._step_of(int(i), lr, e, base)
        for k, s in enumerate(self.schedulers):
            since = self.since(k, e)
            step = s._next(lr, np.maximum(since, 1), base)
            values.append(
                step if k == 0 else np.where(since == 0, s._reset(base), step)
            )
        return np.choose(i, np.broadcast_arrays(*values))

    def _step_of(self, k: int, lr: Any, e: Any, base: Hyper) -> Any:
        """Schedule ``k``'s step at epoch ``e`` (all milestones numbers)."""
        s, since = self.schedulers[k], self.since(k, e)
        return s._reset(base) if k > 0 and since == 0 else s._next(lr, since, base)


@dataclasses.dataclass(frozen=True, eq=False)
class ChainedScheduler(Schedule):
    """Every schedule's step at each step, one after the other on one lr: torch.optim.lr_scheduler.ChainedScheduler.

    For schedules of factors (``ConstantLR``, ``ExponentialLR``, ...) the
    lr is the base lr times every factor. There is no closed form in
    general (torch's chained cosine jumps after ``T_max``): :meth:`lr` is
    :meth:`lrs` up to ``t``.

    Parameters
    ----------
    schedulers : list of Schedule
        Chainable schedules (see the module), each without a ``base_lr``.
    base_lr : float or array, optional
        As in :class:`SequentialLR`.

    Examples
    --------
    >>> from optim.schedules import ConstantLR, ExponentialLR
    >>> ChainedScheduler([ConstantLR(0.5, total_iters=2), ExponentialLR(0.5)]).lrs(1.0, 4)
    array([0.5  , 0.25 , 0.25 , 0.125])
    """

    schedulers: Any
    base_lr: Hyper | None = dataclasses.field(default=None, kw_only=True)

    REALS = {"base_lr": NONNEGATIVE}

    def _shapes(self) -> list[tuple[int, ...]]:
        object.__setattr__(
            self, "schedulers", children(type(self).__name__, self.schedulers)
        )
        return [s.batch_shape for s in self.schedulers]

    def lr(self, base_lr: ArrayLike, t: ArrayLike) -> Any:
        """The lr of step ``t``: :meth:`lrs` up to the largest ``t``, read at ``t``."""
        steps = np.asarray(integer(type(self).__name__, "t", t, 1))
        table = self.lrs(base_lr, int(steps.max(initial=0)))
        out = table[steps - 1]
        return float(out) if out.ndim == 0 else out

    def _start(self, lr: Any, base: Hyper) -> Any:
        for s in self.schedulers:
            lr = s._start(lr, base)
        return lr

    def _next(self, lr: Any, e: Any, base: Hyper) -> Any:
        for s in self.schedulers:
            lr = s._next(lr, e, base)
        return lr
