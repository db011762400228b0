"""Learning-rate schedules as hyperparameters: warm-up and cosine, or one cycle.

``TrainedLoss(Adam, ..., schedule="cosine")`` trains every trial with a
schedule (:mod:`optim.schedules`) instead of a constant ``lr``; the trial's
``lr`` is then the schedule's peak, and the schedule's own arguments are
hyperparameters too, tuned like the optimizer's::

    "constant"  lr for every step
    "cosine"    SequentialLR([LinearLR(WARMUP_START, total_iters=warmup),
                              CosineAnnealingLR(T_max=T - warmup)], [warmup])
                a linear warm-up from WARMUP_START * lr to lr over ``warmup``
                steps (none if 0), then half a cosine down to 0 at step T
    "onecycle"  OneCycleLR(max_lr=lr, total_steps=T, pct_start=pct_start)
                up from lr / 25 for pct_start of the T steps, then down to
                lr / 25e4 (torch's defaults)

``T``, the *horizon*, is the objective's ``steps``: the same for every
trial, so that a trial trained to fewer steps (a multi-fidelity budget) runs
the first steps of the same schedule and continues it when promoted. A
group of trials is one batched schedule: every numeric argument an array
over the group.
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Callable
from typing import Any, cast

import numpy as np

from optim.schedules import (
    CosineAnnealingLR,
    LinearLR,
    OneCycleLR,
    Schedule,
    SequentialLR,
)

# The warm-up starts at this fraction of the peak lr (a common choice; torch's
# LinearLR default is 1/3).
WARMUP_START = 0.01


@dataclasses.dataclass(frozen=True)
class Preset:
    """A named schedule: its hyperparameters, their defaults, and how it is built.

    Attributes
    ----------
    name : str
        ``"constant"``, ``"cosine"`` or ``"onecycle"``.
    defaults : dict
        The schedule's hyperparameters and their values when a trial does not set them.
    build : callable or None
        ``build(lr, args, horizon) -> Schedule`` with each of ``lr`` and the
        ``args`` a number or an array over a group; ``None``: a constant lr.
    """

    name: str
    defaults: dict[str, Any]
    build: Callable[[Any, dict[str, Any], int], Schedule] | None

    def check(self, name: str, value: object, horizon: int, who: str) -> Any:
        """One of the preset's hyperparameters, checked against the horizon."""
        if name == "warmup":
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                raise TypeError(f"{who}: warmup must be an integer, got {value!r}")
            warmup = int(value)
            if not 0 <= warmup < horizon:
                raise ValueError(
                    f"{who}: warmup must be in [0, {horizon - 1}] (fewer than the "
                    f"{horizon} steps of the schedule), got {value}"
                )
            return warmup
        # pct_start
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{who}: pct_start must be a number, got {value!r}")
        fraction = float(value)
        if not 0 < fraction < 1:
            raise ValueError(f"{who}: pct_start must be in (0, 1), got {value!r}")
        return fraction


def _cosine(lr: Any, args: dict[str, Any], horizon: int) -> Schedule:
    """Warm-up (none if 0 steps: a milestone 0 skips it) and cosine to ``horizon``."""
    warmup = args["warmup"]
    ramp = LinearLR(WARMUP_START, total_iters=np.maximum(warmup, 1))
    cosine = CosineAnnealingLR(T_max=horizon - warmup)
    return SequentialLR([ramp, cosine], [warmup], base_lr=lr)


def _onecycle(lr: Any, args: dict[str, Any], horizon: int) -> Schedule:
    """Torch's one cycle over ``horizon`` steps, peaking at ``lr``."""
    # (cast: OneCycleLR takes no base_lr, which the base class declares for mypy)
    one_cycle = cast(Any, OneCycleLR)
    return cast(
        Schedule, one_cycle(max_lr=lr, total_steps=horizon, pct_start=args["pct_start"])
    )


PRESETS = {
    "constant": Preset("constant", {}, None),
    "cosine": Preset("cosine", {"warmup": 0}, _cosine),
    "onecycle": Preset("onecycle", {"pct_start": 0.3}, _onecycle),
}


def preset(name: object) -> Preset:
    """The preset called ``name`` (``None``: constant); a clear error otherwise."""
    if name is None:
        return PRESETS["constant"]
    if not isinstance(name, str) or name not in PRESETS:
        raise ValueError(
            f"TrainedLoss: schedule must be one of {', '.join(map(repr, PRESETS))} "
            f"or None, got {name!r}"
        )
    return PRESETS[name]
