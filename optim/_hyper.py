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

import numpy as np


def number(owner: str, name: str, value, low: float, high: float, *, high_open: bool):
    """Check that ``value`` (scalar or array) is finite and in ``[low, high)``/``[low, high]``.

    Returns a Python float for a scalar and, for an array, a float64 copy that
    is read-only: a frozen optimizer does not change when the caller's array
    does, and nothing can write into its hyperparameters.
    """
    array = _reals(owner, name, value)
    if array.size == 0 and array.ndim > 0:
        raise ValueError(f"{owner}: {name} must not be empty, got {value!r}")
    interval = f"[{low:g}, {high:g})" if high_open else f"[{low:g}, {high:g}]"
    above = array >= high if high_open else array > high
    if not np.all(np.isfinite(array)) or np.any(array < low) or np.any(above):
        raise ValueError(
            f"{owner}: {name} must be finite and in {interval}, got {value!r}"
        )
    if array.ndim == 0:
        return float(array)
    array.flags.writeable = False
    return array


def _reals(owner: str, name: str, value) -> np.ndarray:
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


def _is_real(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool | np.bool_)


def flag(owner: str, name: str, value) -> bool:
    """Check that a structural switch is a plain boolean."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{owner}: {name} must be True or False, got {value!r}")
    return bool(value)


def column(v):
    """A hyperparameter ready to broadcast against ``(*batch, d)``: ``v[..., None]``."""
    return v if isinstance(v, float) else v[..., None]


def batch_shape(owner: str, **values) -> tuple[int, ...]:
    """The broadcast shape of the array-valued hyperparameters (``()`` if none)."""
    shapes = [np.shape(v) for v in values.values()]
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError as err:
        given = ", ".join(f"{k} {np.shape(v)}" for k, v in values.items() if np.ndim(v))
        raise ValueError(
            f"{owner}: hyperparameter shapes do not broadcast: {given}"
        ) from err


def nonzero(v) -> bool:
    """True if any entry of the hyperparameter is non-zero (so its line must run)."""
    return bool(np.any(v != 0))
