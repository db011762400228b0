"""Argument checks shared by every constructor and function in ``surfaces``.

Each check takes ``who`` (the caller, e.g. ``"Quadratic"`` or
``"make_regression"``) and the argument's ``name``, returns the value
converted (``int``, ``float``, ``bool``, a float64 array, a ``Generator``),
and otherwise raises a ``TypeError`` (wrong kind of value) or a
``ValueError`` (right kind, bad value) whose message reads
``"<who>: <name> must be ..., got <value>"``.

Examples
--------
>>> check_int("kfold", "k", 3, low=2)
3
>>> check_real("split", "val", 1.5, low=0, high=1, open_interval=True)
Traceback (most recent call last):
    ...
ValueError: split: val must be finite and in (0, 1), got 1.5
"""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Callable, Iterable

import numpy as np
from numpy.typing import ArrayLike, NDArray

FLOAT_MAX = sys.float_info.max

# One entry of a shape: a length, or a name standing for any length >= 1.
Axis = int | str
# What a ``seed`` or ``rng`` argument accepts: see check_rng.
Seed = int | np.random.Generator | None


def check_int(
    who: str, name: str, value: object, low: int, high: int | None = None
) -> int:
    """``value`` as an int in ``[low, high]`` (``high=None``: no upper bound)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{who}: {name} must be an integer, got {value!r}")
    v = int(value)  # exact, for NumPy's integers too
    if v < low or (high is not None and v > high):
        bound = f">= {low}" if high is None else f"in [{low}, {high}]"
        raise ValueError(f"{who}: {name} must be {bound}, got {value}")
    return v


def check_dim(who: str, dim: object, min_dim: int = 1) -> int:
    """A dimension argument: an integer ``>= min_dim``."""
    return check_int(who, "dim", dim, min_dim)


def check_fixed_dim(who: str, dim: object, fixed: int) -> int:
    """``dim`` of a surface defined in ``fixed`` dimensions only."""
    if check_dim(who, dim) != fixed:
        raise ValueError(f"{who}: dim must be {fixed}, got {dim}")
    return fixed


def check_real(
    who: str,
    name: str,
    value: object,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    open_interval: bool = False,
) -> float:
    """``value`` as a finite float in ``[low, high]`` (``(low, high)`` if open).

    An integer is compared exactly (``int``, not ``float``), so one beyond
    float64 (``10**400``) is refused, not rounded to ``inf``.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{who}: {name} must be a real number, got {value!r}")
    v = int(value) if isinstance(value, numbers.Integral) else float(value)
    inside = low < v < high if open_interval else low <= v <= high
    if not (inside and -FLOAT_MAX <= v <= FLOAT_MAX):  # False for NaN
        left = "(" if open_interval or low == -math.inf else "["
        right = ")" if open_interval or high == math.inf else "]"
        interval = f"{left}{low:g}, {high:g}{right}"
        raise ValueError(
            f"{who}: {name} must be finite and in {interval}, got {value!r}"
        )
    return float(v)


def check_bool(who: str, name: str, value: object) -> bool:
    """``value`` if it is a bool (Python's or NumPy's): no truthy stand-ins."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{who}: {name} must be a bool, got {value!r}")
    return bool(value)


def check_choice(
    who: str,
    name: str,
    value: object,
    choices: Iterable[str],
    normalize: Callable[[str], str] | None = None,
) -> str:
    """``value`` (after ``normalize``, if given) if it is one of ``choices``."""
    if not isinstance(value, str):
        raise TypeError(f"{who}: {name} must be a string, got {value!r}")
    choices = list(choices)
    key = value if normalize is None else normalize(value)
    if key not in choices:
        known = ", ".join(choices)
        raise ValueError(f"{who}: {name} must be one of {known}; got {value!r}")
    return key


def check_rng(who: str, value: object, name: str = "rng") -> np.random.Generator:
    """Coerce ``value`` with ``np.random.default_rng``, naming it in the error.

    A negative seed is a ``ValueError``, anything else NumPy refuses a
    ``TypeError``.
    """
    try:
        return np.random.default_rng(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as err:
        raise type(err)(
            f"{who}: {name} must be None, a non-negative integer seed or a numpy "
            f"Generator, got {value!r}"
        ) from err


def as_floats(who: str, name: str, a: ArrayLike) -> NDArray[np.float64]:
    """``a`` as a new float64 array: real numbers (bools, ints, floats) only.

    Strings, ``None``, complex numbers and other objects are a ``TypeError``;
    ragged nested lists a ``ValueError``.
    """
    try:
        arr = np.asarray(a)
    except ValueError as err:  # NumPy refuses ragged nested lists
        raise ValueError(
            f"{who}: {name} must be a rectangular array (rows of one length), got {a!r}"
        ) from err
    if arr.dtype.kind not in "biuf":  # bool, integers, floats
        raise TypeError(f"{who}: {name} must be an array of real numbers, got {a!r}")
    return arr.astype(np.float64)


def check_array(
    who: str,
    name: str,
    a: ArrayLike,
    shape: tuple[Axis, ...],
    *,
    ndmin: int = 0,
) -> NDArray[np.float64]:
    """``a`` as a new finite float64 array of ``shape``.

    An entry of ``shape`` is a length, or a name (``"k"``) standing for any
    length ``>= 1``, shown as such in the message. ``ndmin`` prepends axes of
    length 1 as needed (one minimizer given as ``(d,)`` is ``(1, d)``).
    """
    arr = as_floats(who, name, a)
    if arr.ndim < ndmin:
        arr = arr.reshape((1,) * (ndmin - arr.ndim) + arr.shape)
    fits = arr.ndim == len(shape) and all(
        n == m if isinstance(m, int) else n >= 1
        for n, m in zip(arr.shape, shape, strict=True)
    )
    if not fits:
        raise ValueError(
            f"{who}: {name} must have shape {_shape(shape)}, got shape {arr.shape}"
        )
    check_finite(who, name, arr)
    return arr


def check_finite(who: str, name: str, a: NDArray[np.float64]) -> None:
    """Raise a ``ValueError`` naming the first NaN or infinity in ``a``."""
    bad = ~np.isfinite(a)
    if np.any(bad):
        if a.ndim == 0:
            raise ValueError(f"{who}: {name} must be finite, got {a}")
        where = tuple(int(i[0]) for i in np.nonzero(bad))
        raise ValueError(
            f"{who}: {name} must be finite, got a value {a[where]} at index {where}"
        )


def check_xy(
    who: str, X: ArrayLike, y: ArrayLike, finite: bool = True
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """A data set: ``X`` ``(n, p)`` and ``y`` ``(n,)``, real numbers, ``n, p >= 1``.

    Returns both as new float64 arrays; ``finite=False`` lets NaN and
    infinity through (``split`` moves rows, whatever they hold).

    Examples
    --------
    >>> X, y = check_xy("demo", [[1, 2], [3, 4]], [5, 6])
    >>> X.dtype, X.shape, y.shape
    (dtype('float64'), (2, 2), (2,))
    """
    X_, y_ = as_floats(who, "X", X), as_floats(who, "y", y)
    if X_.ndim != 2 or X_.shape[0] < 1 or X_.shape[1] < 1:
        raise ValueError(
            f"{who}: X must have shape (n, p) with n, p >= 1, got shape {X_.shape}"
        )
    if y_.shape != X_.shape[:1]:
        raise ValueError(
            f"{who}: y must have shape (n,) = {X_.shape[:1]} to match X, "
            f"got shape {y_.shape}"
        )
    if finite:
        check_finite(who, "X", X_)
        check_finite(who, "y", y_)
    return X_, y_


def check_rows(who: str, rows: ArrayLike, n: int) -> NDArray[np.intp]:
    """Row indices ``(m,)`` in ``[0, n)``, ``m >= 1``, or a boolean mask ``(n,)``.

    Returns the selected indices (repeats kept, in the order given).
    """
    try:
        arr = np.asarray(rows)
    except ValueError as err:  # ragged
        raise ValueError(f"{who}: rows must be a 1-d array, got {rows!r}") from err
    if arr.dtype.kind == "b":
        if arr.shape != (n,):
            raise ValueError(
                f"{who}: rows as a boolean mask must have shape ({n},), "
                f"got shape {arr.shape}"
            )
        arr = np.flatnonzero(arr)
    elif arr.dtype.kind not in "iu" and arr.size > 0:
        raise TypeError(
            f"{who}: rows must be integer indices or a boolean mask, got {rows!r}"
        )
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(
            f"{who}: rows must select at least one row (a 1-d array), got {rows!r}"
        )
    if arr.min() < 0 or arr.max() >= n:
        raise ValueError(f"{who}: rows must be indices in [0, {n}), got {rows!r}")
    return arr.astype(np.intp)


def _shape(shape: tuple[Axis, ...]) -> str:
    """``(2,)``, ``(k, 2)``, ``()``: a shape as Python prints it."""
    inner = ", ".join(map(str, shape))
    return f"({inner},)" if len(shape) == 1 else f"({inner})"
