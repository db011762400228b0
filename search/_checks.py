"""The argument checks of the search library: one copy of each, used by every constructor.

Each returns the value in its plain Python type or raises a ``TypeError``
(wrong type) or ``ValueError`` (right type, bad value) whose message starts
with the owner (``"RandomSearch: "``) and names the argument and the value.
A bool is never a number here (``True`` is an ``int`` to Python).
"""

from __future__ import annotations

import math
import numbers
from typing import cast

import numpy as np

from optim import OPTIMIZERS, Optimizer

# Integers are kept within +-2**40 so that an integer, mapped to a float64
# position in [0, 1] and back, lands within 0.5 of itself (a round trip's
# error is a few ulp of the bound, with a log factor under the log warp).
MAX_INT = 2**40


def _is_bool(value: object) -> bool:
    return isinstance(value, bool | np.bool_)


def integer(
    owner: str,
    name: str,
    value: object,
    low: int | None = None,
    high: int | None = None,
) -> int:
    """An int (within ``+-2**40``), ``>= low`` and ``<= high`` where given.

    >>> integer("RandomSearch", "n", 3, low=1)
    3
    """
    if _is_bool(value) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{owner}: {name} must be an int, got {value!r}")
    v = int(value)
    if abs(v) > MAX_INT:
        raise ValueError(f"{owner}: {name} must be within +-2**40, got {value!r}")
    too_low = low is not None and v < low
    if high is not None and (too_low or v > high):
        raise ValueError(f"{owner}: {name} must be in [{low}, {high}], got {value!r}")
    if too_low:
        raise ValueError(f"{owner}: {name} must be >= {low}, got {value!r}")
    return v


def real(owner: str, name: str, value: object) -> float:
    """A finite real number, as a float.

    >>> real("Real", "low", 1)
    1.0
    """
    if _is_bool(value) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner}: {name} must be a real number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{owner}: {name} must be finite, got {value!r}")
    return float(value)


def unit(owner: str, u: object) -> float:
    """A number clipped to ``[0, 1]`` (NaN is an error).

    >>> unit("Real", 1.5)
    1.0
    """
    if _is_bool(u) or not isinstance(u, numbers.Real):
        raise TypeError(f"{owner}: u must be a real number, got {u!r}")
    if math.isnan(u):
        raise ValueError(f"{owner}: u must not be NaN, got {u!r}")
    return min(max(float(u), 0.0), 1.0)


def flag(owner: str, name: str, value: object) -> bool:
    """``True`` or ``False`` (NumPy's bools too).

    >>> flag("Real", "log", True)
    True
    """
    if not _is_bool(value):
        raise TypeError(f"{owner}: {name} must be True or False, got {value!r}")
    return bool(value)


def seed(owner: str, value: object) -> int | np.random.Generator | None:
    """``None``, a non-negative int or a NumPy Generator, as given.

    ``np.random.default_rng`` would also take bools, lists and SeedSequences,
    or fail with a message that names no argument.
    """
    is_int = isinstance(value, numbers.Integral) and not _is_bool(value)
    known = value is None or is_int or isinstance(value, np.random.Generator)
    if not known or isinstance(value, numbers.Integral) and value < 0:
        raise (ValueError if known else TypeError)(
            f"{owner}: seed must be None, a non-negative int or a numpy Generator, "
            f"got {value!r}"
        )
    return cast("int | np.random.Generator | None", value)  # as given (NumPy ints too)


def optimizer_class(owner: str, value: object) -> type[Optimizer]:
    """An optimizer class, given the class or its ``optim.OPTIMIZERS`` name.

    A name is matched without case or surrounding blanks; an instance is
    refused (its values belong in ``fixed``).

    >>> optimizer_class("TrainedLoss", " Adam ").__name__
    'Adam'
    """
    if isinstance(value, str):
        key = value.strip().lower()
        if key in OPTIMIZERS:
            return OPTIMIZERS[key]
        raise ValueError(
            f"{owner}: optimizer must be one of {', '.join(OPTIMIZERS)} or an "
            f"optimizer class, got {value!r}"
        )
    if isinstance(value, type) and issubclass(value, Optimizer):
        return value
    raise TypeError(
        f"{owner}: optimizer must be an optimizer class (e.g. optim.Adam, not an "
        f"instance: put its values in fixed) or a name, got {value!r}"
    )
