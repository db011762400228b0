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
        # The numeric hyperparameters in RANGES order, each ready to broadcast
        # against (*batch, d): a float, or an array with a trailing axis.
        columns = tuple(_hyper.column(v) for v in arrays.values())
        object.__setattr__(self, "_columns", columns)

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """Broadcast shape of the array-valued hyperparameters (``()`` if all scalar)."""
        return self._batch

    def hyperparameters(self) -> dict:
        """The fields as a dict (arrays as given after conversion to float64)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def __repr__(self) -> str:
        def show(v):
            return f"array{np.shape(v)}" if isinstance(v, np.ndarray) else repr(v)

        args = ", ".join(f"{k}={show(v)}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({args})"
