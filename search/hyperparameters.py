"""The hyperparameters of a trained loss: names, types, defaults and fixed values.

:class:`search.objective.TrainedLoss` takes hyperparameters named like the
optimizer's fields (its numeric fields and switches, listed by
:meth:`optim.Adam.numeric_fields` and :meth:`optim.Adam.switches`), plus
``steps`` and, for linear regression, ``batch_size``. :class:`Hyperparameters`
checks a params dict against them, fills in what is missing (the fixed
values, then the defaults) and builds one optimizer for a group of
configurations that share their switches, each numeric field an array over
the group.
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np

from optim import Optimizer
from search import _checks
from search.lr_schedules import preset


class Config(NamedTuple):
    """One validated configuration: every hyperparameter, defaults filled in."""

    hyper: dict[str, Any]  # the optimizer's fields by name: numbers and switches
    steps: int
    batch_size: int | None  # None: full-batch gradients
    label: str  # names it in errors: "TrainedLoss.batch: params[3]"
    schedule: tuple[tuple[str, Any], ...] = ()  # the schedule's arguments, by name


class Hyperparameters:
    """The hyperparameters of one optimizer class, with ``steps`` (and ``batch_size``).

    Parameters
    ----------
    optimizer : type
        An optimizer class (its fields are the hyperparameters).
    steps : int
        The default number of steps.
    rows : int or None
        The fewest training rows of a problem (the largest ``batch_size``);
        ``None``: no ``batch_size`` (an analytic surface).
    fixed : dict or None
        Values for every configuration; a trial cannot override them.
    schedule : str or None
        A learning-rate schedule of :mod:`search.lr_schedules`
        (``"cosine"``, ``"onecycle"``; ``None``: a constant lr), whose
        arguments are hyperparameters too, over a horizon of ``steps``.

    Examples
    --------
    >>> from optim import SGD
    >>> h = Hyperparameters(SGD, steps=100, rows=None, fixed={"momentum": 0.9})
    >>> h.names
    ('lr', 'momentum', 'dampening', 'nesterov', 'weight_decay', 'maximize', 'steps')
    >>> config = h.config({"lr": 0.1}, "example")
    >>> config.hyper["lr"], config.hyper["momentum"], config.steps
    (0.1, 0.9, 100)
    """

    def __init__(
        self,
        optimizer: type[Optimizer],
        steps: int,
        rows: int | None,
        fixed: Mapping[str, Any] | None,
        schedule: str | None = None,
    ) -> None:
        self.optimizer = optimizer
        self.numeric = optimizer.numeric_fields()
        self.switches = optimizer.switches()
        self.preset = preset(schedule)
        self.horizon = steps  # the steps the schedule spans
        fields = dataclasses.fields(optimizer)
        batch = () if rows is None else ("batch_size",)
        self.names = (*(f.name for f in fields), "steps", *batch, *self.preset.defaults)
        self.defaults: dict[str, Any] = {f.name: f.default for f in fields}
        self.defaults |= {"steps": steps, "batch_size": None, **self.preset.defaults}
        self.rows = rows
        self.fixed = self._check_fixed(fixed)

    def config(self, params: Mapping[str, Any], who: str) -> Config:
        """Check ``params`` against the names, types and ranges; fill in defaults."""
        self.check_names(params, who)
        clash = [k for k in params if k in self.fixed]
        if clash:
            raise ValueError(
                f"{who}: {', '.join(map(repr, clash))} given in params but fixed "
                f"to {', '.join(repr(self.fixed[k]) for k in clash)} (fixed values "
                "apply to every trial; a trial cannot override them)"
            )
        merged = self.defaults | self.fixed
        merged |= {k: self.check_value(k, v, who) for k, v in params.items()}
        hyper = {k: merged[k] for k in (*self.numeric, *self.switches)}
        if self.preset.build is not None and merged["steps"] > self.horizon:
            raise ValueError(
                f"{who}: steps must be at most the {self.horizon} steps the "
                f"{self.preset.name} schedule spans (TrainedLoss's steps), got "
                f"{merged['steps']}"
            )
        schedule = tuple((k, merged[k]) for k in self.preset.defaults)
        return Config(hyper, merged["steps"], merged["batch_size"], who, schedule)

    def group_key(self, config: Config) -> tuple[Any, ...]:
        """What configurations trained together must share: switches and batch size."""
        return (*(config.hyper[s] for s in self.switches), config.batch_size)

    def optimizer_for(self, group: list[Config]) -> Optimizer:
        """One optimizer for ``group``: each numeric field an array over it.

        With a schedule, the ``lr`` is the group's schedule, each of its
        arguments (the peak ``lr`` too) an array over the group.
        """
        kwargs: dict[str, Any] = {s: group[0].hyper[s] for s in self.switches}
        for name in self.numeric:
            kwargs[name] = _column([c.hyper[name] for c in group])
        if self.preset.build is not None:
            args = {
                k: _column([dict(c.schedule)[k] for c in group])
                for k in self.preset.defaults
            }
            self.optimizer(**kwargs)  # the lr's range, named as the optimizer's
            kwargs["lr"] = self.preset.build(kwargs["lr"], args, self.horizon)
        return self.optimizer(**kwargs)

    def check_ranges(self, config: Config) -> None:
        """Raise the optimizer's own error (ranges, nesterov), naming ``config``."""
        try:
            self.optimizer(**config.hyper)
        except ValueError as err:
            raise ValueError(f"{config.label}: {err}") from err

    def check_names(self, params: Mapping[str, Any], who: str) -> None:
        """``params`` must be a dict whose keys are in :attr:`names`."""
        if not isinstance(params, Mapping):
            raise TypeError(
                f"{who}: params must be a dict of hyperparameters, got {params!r}"
            )
        unknown = [k for k in params if k not in self.names]
        if unknown:
            raise ValueError(
                f"{who}: unknown hyperparameter(s) {', '.join(map(repr, unknown))} "
                f"for {self.optimizer.__name__}; valid: {', '.join(self.names)}"
            )

    def check_value(
        self, name: str, value: object, who: str
    ) -> float | int | bool | None:
        """Type of one hyperparameter (ranges are the optimizer's to check)."""
        if name in self.numeric:
            if isinstance(value, bool | np.bool_) or not isinstance(
                value, numbers.Real
            ):
                raise TypeError(f"{who}: {name} must be a number, got {value!r}")
            return float(value)
        if name == "steps":
            return _checks.integer(who, "steps", value, low=0)
        if name == "batch_size":
            if value is None:  # full batch, as when batch_size is absent
                return None
            return _checks.integer(who, "batch_size", value, low=1, high=self.rows)
        if name in self.preset.defaults:
            return self.preset.check(name, value, self.horizon, who)
        return _checks.flag(who, name, value)  # a structural switch

    def _check_fixed(self, fixed: Mapping[str, Any] | None) -> dict[str, Any]:
        """Validate ``fixed``: known names other than ``steps``, values in range.

        Rules that tie several fields together (SGD's ``nesterov`` needs
        ``momentum > 0``) are checked per trial, once the trial's own values
        are known.
        """
        if fixed is None:
            return {}
        who = "TrainedLoss: fixed"
        self.check_names(fixed, who)
        if "steps" in fixed:
            raise ValueError(f"{who} must not hold 'steps'; pass steps=... instead")
        checked = {k: self.check_value(k, v, who) for k, v in fixed.items()}
        numeric = {k: v for k, v in checked.items() if k in self.numeric}
        try:
            self.optimizer(**numeric)
        except (TypeError, ValueError) as err:
            raise type(err)(f"{who}: {err}") from err
        return checked


def _column(values: list[Any]) -> Any:
    """A group's values of one hyperparameter: an array, or the value they all share.

    A shared value stays a scalar, so one configuration runs exactly the
    arithmetic of a direct run with scalars.
    """
    shared = all(v == values[0] for v in values)
    return values[0] if shared else np.array(values)
