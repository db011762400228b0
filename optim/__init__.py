"""Optimizers of the inner loop and the one training loop, :func:`minimize`.

Each optimizer is a frozen dataclass of hyperparameters with pure
``init(x) -> state`` and ``step(x, g, state) -> (x, state)``; parameters,
gradients and state have shape ``(*batch, d)``, and every numeric
hyperparameter may be an array over ``batch`` (one configuration each).
:meth:`Optimizer.numeric_fields` lists an optimizer's numeric hyperparameters
with their valid :class:`Range`, :meth:`Optimizer.switches` its booleans.

An optimizer's ``lr`` may also be a learning-rate schedule of
:mod:`optim.schedules` (torch's schedulers), holding its base lr:
``Adam(lr=CosineAnnealingLR(T_max=100, base_lr=0.1))``; step ``t`` of the
optimizer (its state's count) uses the schedule's lr of step ``t``
(:meth:`Optimizer.columns_at`), so a run continued from a saved state
continues the schedule.
"""

from optim._base import Optimizer
from optim._hyper import Range
from optim.adam import Adam, AdamState
from optim.adamw import AdamW
from optim.rmsprop import RMSProp, RMSPropState
from optim.sgd import SGD, SGDState
from optim.training import Trace, minimize

OPTIMIZERS = {"sgd": SGD, "rmsprop": RMSProp, "adam": Adam, "adamw": AdamW}

__all__ = [
    "OPTIMIZERS",
    "SGD",
    "Adam",
    "AdamState",
    "AdamW",
    "Optimizer",
    "RMSProp",
    "RMSPropState",
    "Range",
    "SGDState",
    "Trace",
    "minimize",
]
