"""What every optimizer shares: validated hyperparameters and the batch shape.

An optimizer is a frozen dataclass whose fields are its hyperparameters. Each
subclass lists the valid range of its numeric fields in ``RANGES`` (``low``,
``high``, whether ``high`` itself is excluded) and its boolean switches in
``FLAGS``; ``__post_init__`` checks them all, once, when it is built.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from optim import _hyper

INF = math.inf


@dataclasses.dataclass(frozen=True, eq=False)
class Optimizer:
    """Base class: validation at construction, ``batch_shape`` and ``hyperparameters``."""

    RANGES = {}  # name -> (low, high, high_open)
    FLAGS = ()

    def __post_init__(self):
        owner = type(self).__name__
        for name, (low, high, high_open) in self.RANGES.items():
            value = _hyper.number(
                owner, name, getattr(self, name), low, high, high_open=high_open
            )
            object.__setattr__(self, name, value)
        for name in self.FLAGS:
            object.__setattr__(
                self, name, _hyper.flag(owner, name, getattr(self, name))
            )
        arrays = {name: getattr(self, name) for name in self.RANGES}
        object.__setattr__(self, "_batch", _hyper.batch_shape(owner, **arrays))
        # Names of the numeric fields with a non-zero entry: lines that would add
        # or multiply by an all-zero hyperparameter are skipped in `step`.
        nonzero = frozenset(k for k, v in arrays.items() if _hyper.nonzero(v))
        object.__setattr__(self, "_nonzero", nonzero)
        # Names of the numeric fields with a zero entry: Adam and RMSProp run
        # their guard against 0 / 0 only if some eps is zero.
        haszero = frozenset(k for k, v in arrays.items() if not np.all(v))
        object.__setattr__(self, "_haszero", haszero)
        # The numeric hyperparameters in RANGES order, each ready to broadcast
        # against (*batch, d): a float, or an array with a trailing axis.
        columns = tuple(_hyper.column(v) for v in arrays.values())
        object.__setattr__(self, "_columns", columns)

    @classmethod
    def check_field(cls, name: str, value):
        """Check one hyperparameter on its own, as construction does; return it.

        Type and valid range of a numeric field (``RANGES``), or a boolean for
        a switch (``FLAGS``). Rules that tie fields together (SGD's nesterov
        needs momentum > 0) need the whole optimizer: they are checked when it
        is built. Lets a caller refuse a search range before any training.

        Examples
        --------
        >>> from optim import Adam
        >>> Adam.check_field("b1", 0.5)
        0.5
        >>> Adam.check_field("b1", 1.0)
        Traceback (most recent call last):
        ...
        ValueError: Adam: b1 must be finite and in [0, 1), got 1.0
        """
        owner = cls.__name__
        if name in cls.FLAGS:
            return _hyper.flag(owner, name, value)
        if name not in cls.RANGES:
            known = ", ".join([*cls.RANGES, *cls.FLAGS])
            raise ValueError(f"{owner}: no hyperparameter {name!r}; known: {known}")
        low, high, high_open = cls.RANGES[name]
        return _hyper.number(owner, name, value, low, high, high_open=high_open)

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """Broadcast shape of the array-valued hyperparameters (``()`` if all scalar)."""
        return self._batch

    def hyperparameters(self) -> dict:
        """The fields as a dict (arrays as read-only float64 copies of those given)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def __repr__(self) -> str:
        def show(v):
            return f"array{np.shape(v)}" if isinstance(v, np.ndarray) else repr(v)

        args = ", ".join(f"{k}={show(v)}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({args})"
