"""Learning-rate schedules: torch.optim.lr_scheduler's, as small frozen objects.

Each schedule has torch's name, arguments and defaults (without the
optimizer) and gives the learning rate of step ``t`` (``t = 1`` is the first
``optimizer.step()``):

* ``schedule.lrs(base_lr, n)``: steps 1 to ``n``, ``(n, *batch)``: what
  torch's ``scheduler.get_last_lr()`` reports before each of ``n`` calls of
  ``optimizer.step()`` for an optimizer whose lr is ``base_lr``. torch
  computes most schedules recursively (each lr from the last); so does
  this, so the numbers are torch's;
* ``schedule.lr(base_lr, t)``: the closed form at any step ``t`` (an
  array of steps at once); it equals ``lrs`` up to rounding.

Every numeric argument may be an array over a batch (one schedule per
configuration), as an optimizer's hyperparameters.

An optimizer takes a schedule as its ``lr``, and the schedule holds its
base lr: ``Adam(lr=CosineAnnealingLR(T_max=100, base_lr=0.1))`` (without
``base_lr``, the optimizer's default lr, as torch uses the optimizer's lr).
Step ``t`` of the optimizer (its state's count) uses the schedule's lr of
step ``t``, so a run continued from a saved state continues the schedule.

Why the schedule is the optimizer's ``lr`` rather than an argument of
:func:`optim.minimize`: the lr is read inside ``step`` (AdamW's decoupled
decay, a user's own loop over ``opt.step``, the property kits), which
``minimize(schedule=...)`` would not reach; and an optimizer that names its
schedule stays one frozen value that a search records, compares (``==``),
hashes and sends to a process pool. Why the base lr is on the schedule: the
optimizer's ``lr`` field holds the schedule, so the schedule must carry the
number torch would read from the optimizer (``lrs(base_lr, n)`` still takes
it as an argument, as a torch scheduler reads any optimizer's).

Differences from torch: no ``last_epoch`` (a run resumes from the
optimizer's state instead), ``CyclicLR`` and ``OneCycleLR`` set the lr only
(torch's ``cycle_momentum=False``) and take no ``scale_fn``; arguments that
torch accepts but then divides by, or never restores from, are refused
(``ConstantLR(factor=0)``, ``total_iters=0``), milestones must increase,
and ``SequentialLR`` and ``ChainedScheduler`` take only the chainable
schedules.

Examples
--------
>>> from optim.schedules import CosineAnnealingLR, LinearLR, SequentialLR
>>> warm = SequentialLR([LinearLR(0.25, total_iters=2), CosineAnnealingLR(T_max=2)], [2])
>>> warm.lrs(1.0, 6).round(6)
array([0.25 , 0.625, 1.   , 0.5  , 0.   , 0.5  ])
"""

from optim.schedules._schedule import Schedule
from optim.schedules.composite import ChainedScheduler, SequentialLR
from optim.schedules.cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts
from optim.schedules.cyclic import CyclicLR, OneCycleLR
from optim.schedules.decay import ExponentialLR, MultiStepLR, PolynomialLR, StepLR
from optim.schedules.warmup import ConstantLR, LinearLR

SCHEDULES = {
    cls.__name__: cls
    for cls in (
        ConstantLR,
        LinearLR,
        StepLR,
        MultiStepLR,
        ExponentialLR,
        PolynomialLR,
        CosineAnnealingLR,
        CosineAnnealingWarmRestarts,
        OneCycleLR,
        CyclicLR,
        SequentialLR,
        ChainedScheduler,
    )
}

__all__ = ["SCHEDULES", "Schedule", *SCHEDULES]
