"""Validation and broadcasting of hyperparameters, shared by every optimizer.

A numeric hyperparameter is a scalar or an array broadcastable to the batch
shape ``batch`` of the parameters ``(*batch, d)``. Scalars are kept as Python
floats (the common case, and the fastest in NumPy arithmetic); arrays are kept
as float64 arrays of shape ``batch`` and used in the update rule with a
trailing axis, ``v[..., None]``, so they broadcast against ``(*batch, d)``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable
from typing import TYPE_CHECKING, NamedTuple, TypeAlias, TypeGuard

import numpy as np

if TYPE_CHECKING:  # the types of the annotations (numpy.typing takes 1 ms to import)
    from numpy.typing import ArrayLike, NDArray

    # A float64 array: parameters, gradients and state buffers (*batch, d).
    Array: TypeAlias = NDArray[np.float64]
    # A numeric hyperparameter: a float, or a float64 array over the batch.
    Hyper: TypeAlias = float | NDArray[np.float64]


class Range(NamedTuple):
    """The valid values of a numeric hyperparameter: ``[low, high)`` or ``[low, high]``.

    Examples
    --------
    >>> from optim import Adam
    >>> Adam.numeric_fields()["b1"]
    Range(low=0.0, high=1.0, high_open=True)
    >>> str(Adam.numeric_fields()["b1"])
    '[0, 1)'
    """

    low: float
    high: float
    high_open: bool  # True: ``high`` itself is excluded

    def __str__(self) -> str:
        return f"[{self.low:g}, {self.high:g}{')' if self.high_open else ']'}"


def number(owner: str, name: str, value: object, allowed: Range) -> Hyper:
    """Check that ``value`` (scalar or array) is finite and in the range ``allowed``.

    Returns a Python float for a scalar and, for an array, a float64 copy that
    is read-only: a frozen optimizer does not change when the caller's array
    does, and nothing can write into its hyperparameters.
    """
    array = _reals(owner, name, value)
    if array.size == 0 and array.ndim > 0:
        raise ValueError(f"{owner}: {name} must not be empty, got {value!r}")
    low, high, high_open = allowed
    above = array >= high if high_open else array > high
    if not np.all(np.isfinite(array)) or np.any(array < low) or np.any(above):
        raise ValueError(
            f"{owner}: {name} must be finite and in {allowed}, got {value!r}"
        )
    if array.ndim == 0:
        return float(array)
    array.flags.writeable = False
    return array


def _reals(owner: str, name: str, value: object) -> Array:
    """``value`` as a new float64 array: a real number, or an array or list of them.

    Bools, strings, complex numbers and None are refused inside an array or a
    list as they are on their own (NumPy would convert all but None).
    """
    if isinstance(value, np.ndarray) and value.dtype.kind in "iuf":
        return value.astype(np.float64)  # a copy
    try:
        if _is_real(value):
            return np.array(float(value))
        if isinstance(value, np.ndarray | list | tuple):
            items = np.array(value, dtype=object)  # (*shape) if not ragged
            if all(_is_real(v) for v in items.flat):
                return np.array(items.tolist(), dtype=np.float64)
    except OverflowError:  # an int beyond float64: not finite
        return np.array(math.inf)
    except ValueError:  # ragged arrays inside a list
        pass
    raise TypeError(
        f"{owner}: {name} must be a real number or an array of real numbers, "
        f"got {value!r}"
    )


def _is_real(v: object) -> TypeGuard[numbers.Real]:
    return isinstance(v, numbers.Real) and not isinstance(v, bool | np.bool_)


def flag(owner: str, name: str, value: object) -> bool:
    """Check that a structural switch is a plain boolean."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{owner}: {name} must be True or False, got {value!r}")
    return bool(value)


def column(v: Hyper) -> Hyper:
    """A hyperparameter ready to broadcast against ``(*batch, d)``: ``v[..., None]``."""
    return v if isinstance(v, float) else v[..., None]


def batch_shape(owner: str, values: dict[str, Hyper]) -> tuple[int, ...]:
    """The broadcast shape of the array-valued hyperparameters (``()`` if none)."""
    shapes = [np.shape(v) for v in values.values()]
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError as err:
        given = ", ".join(f"{k} {np.shape(v)}" for k, v in values.items() if np.ndim(v))
        raise ValueError(
            f"{owner}: hyperparameter shapes do not broadcast: {given}"
        ) from err


def nonzero(v: ArrayLike) -> bool:
    """True if any entry of the hyperparameter is non-zero (so its line must run)."""
    return bool(np.any(np.not_equal(v, 0)))


def key(v: Hyper | bool) -> Hashable:
    """A hashable stand-in for a validated field: equal for equal values.

    An array becomes its shape and its entries as floats (``-0.0 == 0.0``, as
    ``np.array_equal`` has it, and both hash alike); a float or a bool is itself.
    """
    if isinstance(v, np.ndarray):
        return v.shape, tuple(v.ravel().tolist())
    return v
