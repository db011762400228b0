"""Validation and broadcasting of hyperparameters, shared by every optimizer.

A numeric hyperparameter is a scalar or an array broadcastable to the batch
shape ``batch`` of the parameters ``(*batch, d)``. Scalars are kept as Python
floats (the common case, and the fastest in NumPy arithmetic); arrays are kept
as float64 arrays of shape ``batch`` and used in the update rule with a
trailing axis, ``v[..., None]``, so they broadcast against ``(*batch, d)``.
"""

from __future__ import annotations

import numbers

import numpy as np


def number(owner: str, name: str, value, low: float, high: float, *, high_open: bool):
    """Check that ``value`` (scalar or array) is finite and in ``[low, high)``/``[low, high]``.

    Returns a Python float for a scalar and a float64 array otherwise.
    """
    if isinstance(value, bool) or not (
        isinstance(value, numbers.Real) or isinstance(value, np.ndarray | list | tuple)
    ):
        raise TypeError(f"{owner}: {name} must be a number or an array, got {value!r}")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"{owner}: {name} must be a number or an array, got {value!r}"
        ) from err
    if array.dtype == object or array.size == 0 and array.ndim > 0:
        raise ValueError(f"{owner}: {name} must not be empty, got {value!r}")
    interval = f"[{low:g}, {high:g})" if high_open else f"[{low:g}, {high:g}]"
    above = array >= high if high_open else array > high
    if not np.all(np.isfinite(array)) or np.any(array < low) or np.any(above):
        raise ValueError(
            f"{owner}: {name} must be finite and in {interval}, got {value!r}"
        )
    return float(array) if array.ndim == 0 else array


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
