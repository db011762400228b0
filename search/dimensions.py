"""The dimensions of a search space: ``Real``, ``Integer`` and ``Categorical``.

Each maps its values to positions in ``[0, 1]`` and back. Symbols: ``v`` a
value of a dimension, ``u`` its position in ``[0, 1]``, ``w`` the warp
(``log`` if ``log=True``, the identity otherwise), ``[a, b]`` the interval
that is mapped onto ``[0, 1]``::

    u = (w(v) - w(a)) / (w(b) - w(a))          (to_unit)
    v = w^-1(w(a) + u * (w(b) - w(a)))         (from_unit)

``Real`` maps ``[a, b] = [low, high]``. ``Integer`` maps ``[low - 0.5,
high + 0.5]`` and rounds, so every integer owns a cell of the same width in
the warped space. ``Categorical`` with ``n`` choices gives choice ``i`` the
cell ``[i / n, (i + 1) / n)`` and the position ``(i + 0.5) / n``.

The log warp makes a scale parameter such as a learning rate uniform in its
order of magnitude: ``Real(1e-4, 1.0, log=True)`` spends as much of ``[0, 1]``
on ``[1e-4, 1e-3]`` as on ``[0.1, 1]``.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from search import _checks

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from numpy.typing import NDArray

# A value of a Categorical: a JSON scalar (bool is an int to Python, listed
# for the reader).
Choice = str | int | float | bool


def _check_range(
    dim: Real | Integer, check: Callable[[str, str, object], float]
) -> None:
    """Validate a Real's or Integer's ``low < high`` and ``log``; store them checked.

    ``check`` is :func:`search._checks.real` or :func:`search._checks.integer`.
    """
    owner = type(dim).__name__
    low, high = check(owner, "low", dim.low), check(owner, "high", dim.high)
    log = _checks.flag(owner, "log", dim.log)
    if not low < high:
        raise ValueError(f"{owner}: low must be < high, got low={low!r}, high={high!r}")
    if log and low <= 0:
        raise ValueError(f"{owner}: log=True needs low > 0, got low={low!r}")
    a, b = (np.log(low), np.log(high)) if log else (low, high)
    # The width of the (warped) interval must be a positive finite float, or
    # the map to [0, 1] divides by infinity or zero.
    if not b - a < math.inf:
        raise ValueError(
            f"{owner}: high - low overflows float64, got low={low!r}, high={high!r}"
        )
    if not b - a > 0:
        raise ValueError(
            f"{owner}: low and high are too close to tell apart after the log warp, "
            f"got low={low!r}, high={high!r}"
        )
    for name, value in (("low", low), ("high", high), ("log", log)):
        object.__setattr__(dim, name, value)


# A float gives a float, an array an array: the overloads tell a type checker.
@overload
def warp(v: float, a: float, b: float, log: bool) -> float: ...
@overload
def warp(
    v: NDArray[np.float64], a: float, b: float, log: bool
) -> NDArray[np.float64]: ...
def warp(
    v: float | NDArray[np.float64], a: float, b: float, log: bool
) -> float | NDArray[np.float64]:
    """The position of ``v`` on the line through ``[a, b]``: ``a -> 0``, ``b -> 1``.

    By order of magnitude if ``log``; continuous, not clipped (array or scalar)::

        u = (w(v) - w(a)) / (w(b) - w(a)),   w = log if log else identity
    """
    w, wa, wb = (np.log(v), np.log(a), np.log(b)) if log else (v, a, b)
    return (w - wa) / (wb - wa)


@overload
def unwarp(u: float, a: float, b: float, log: bool) -> float: ...
@overload
def unwarp(
    u: NDArray[np.float64], a: float, b: float, log: bool
) -> NDArray[np.float64]: ...
def unwarp(
    u: float | NDArray[np.float64], a: float, b: float, log: bool
) -> float | NDArray[np.float64]:
    """Inverse of :func:`warp`: the point at position ``u`` (continuous, not clipped)."""
    wa, wb = (np.log(a), np.log(b)) if log else (a, b)
    w = wa + u * (wb - wa)
    return np.exp(w) if log else w


def _position(v: float, a: float, b: float, log: bool) -> float:
    """The position ``u`` of ``v`` in ``[a, b]``, warped by ``log``, clipped to ``[0, 1]``."""
    return np.clip(warp(v, a, b, log), 0.0, 1.0)


def _inverse(
    u: float | NDArray[np.float64], a: float, b: float, log: bool
) -> NDArray[np.float64]:
    """The point at position ``u`` of ``[a, b]`` (array or scalar); the ends are exact."""
    v = np.clip(unwarp(u, a, b, log), a, b)
    # exp(log(a)) may differ from a by an ulp: pin the ends to the bounds.
    return np.where(u <= 0, a, np.where(u >= 1, b, v))


def _grid_positions(owner: str, n: int) -> NDArray[np.float64]:
    """``n`` evenly spaced positions in ``[0, 1]`` with both ends; ``[0.5]`` if n == 1."""
    n = _checks.integer(owner, "n", n, low=1)
    return np.array([0.5]) if n == 1 else np.linspace(0.0, 1.0, int(n))


@dataclasses.dataclass(frozen=True)
class Real:
    """A real hyperparameter in ``[low, high]``, optionally log-uniform.

    Parameters
    ----------
    low, high : float
        Finite bounds, ``low < high`` (ints are converted to float).
    log : bool, default False
        Warp by ``log`` (needs ``low > 0``): positions in ``[0, 1]`` are
        uniform in the order of magnitude.

    Examples
    --------
    >>> lr = Real(1e-4, 1.0, log=True)
    >>> lr.to_unit(1e-2), round(lr.from_unit(0.25), 12)
    (0.5, 0.001)
    >>> [round(v, 12) for v in lr.grid(5)]
    [0.0001, 0.001, 0.01, 0.1, 1.0]
    """

    low: float
    high: float
    log: bool = False

    def __post_init__(self) -> None:
        _check_range(self, _checks.real)

    def to_unit(self, value: float) -> float:
        """The position of ``value`` in ``[0, 1]``.

        >>> Real(0.0, 2.0).to_unit(0.5)
        0.25
        """
        v = _checks.real("Real", "value", value)
        if not self.low <= v <= self.high:
            raise ValueError(
                f"Real: value must be in [{self.low}, {self.high}], got {value!r}"
            )
        return float(_position(v, self.low, self.high, self.log))

    def from_unit(self, u: float) -> float:
        """The value at position ``u`` (clipped to ``[0, 1]``); a float in ``[low, high]``.

        >>> Real(0.0, 2.0).from_unit(0.25), Real(0.0, 2.0).from_unit(7.0)
        (0.5, 2.0)
        """
        return float(_inverse(_checks.unit("Real", u), self.low, self.high, self.log))

    def grid(self, n: int) -> list[float]:
        """``n`` values evenly spaced in the warped space, both ends included.

        ``n == 1`` gives the middle; values that coincide in float64 appear once.

        >>> Real(0.0, 1.0).grid(3)
        [0.0, 0.5, 1.0]
        """
        u = _grid_positions("Real", n)
        return np.unique(_inverse(u, self.low, self.high, self.log)).tolist()

    def spec(self) -> dict[str, Any]:
        """A JSON-able description.

        >>> Real(0.1, 1.0, log=True).spec()
        {'type': 'real', 'low': 0.1, 'high': 1.0, 'log': True}
        """
        return {"type": "real", "low": self.low, "high": self.high, "log": self.log}


@dataclasses.dataclass(frozen=True)
class Integer:
    """An integer hyperparameter in ``[low, high]``, optionally log-uniform.

    The interval ``[low - 0.5, high + 0.5]`` is mapped onto ``[0, 1]`` (after
    the warp) and ``from_unit`` rounds, so each integer owns an equal cell of
    the warped space: equal widths in ``[0, 1]`` for ``log=False``, and with
    ``log=True`` cells that shrink like ``log((i + 0.5) / (i - 0.5))``.

    Parameters
    ----------
    low, high : int
        Bounds, ``low < high``, within ``+-2**40``.
    log : bool, default False
        Warp by ``log`` (needs ``low >= 1``).

    Examples
    --------
    >>> steps = Integer(1, 4)
    >>> steps.to_unit(1), steps.from_unit(0.3), steps.from_unit(1.0)
    (0.125, 2, 4)
    >>> Integer(1, 1000, log=True).grid(4)
    [1, 10, 100, 1000]
    """

    low: int
    high: int
    log: bool = False

    def __post_init__(self) -> None:
        _check_range(self, _checks.integer)

    def to_unit(self, value: int) -> float:
        """The position of the integer ``value`` (the middle of its cell).

        >>> Integer(0, 9).to_unit(0)
        0.05
        """
        v = _checks.integer("Integer", "value", value)
        if not self.low <= v <= self.high:
            raise ValueError(
                f"Integer: value must be in [{self.low}, {self.high}], got {value!r}"
            )
        return float(_position(v, self.low - 0.5, self.high + 0.5, self.log))

    def from_unit(self, u: float) -> int:
        """The integer whose cell holds ``u`` (clipped to ``[0, 1]``).

        >>> Integer(0, 9).from_unit(0.05), Integer(0, 9).from_unit(0.999)
        (0, 9)
        """
        v = _inverse(
            _checks.unit("Integer", u), self.low - 0.5, self.high + 0.5, self.log
        )
        return int(np.clip(np.rint(v), self.low, self.high))

    def grid(self, n: int) -> list[int]:
        """The distinct integers nearest to ``n`` warped-even points of ``[low, high]``.

        At most ``high - low + 1`` values, in increasing order.

        >>> Integer(0, 10).grid(3), Integer(0, 2).grid(10)
        ([0, 5, 10], [0, 1, 2])
        """
        u = _grid_positions("Integer", n)
        v = np.rint(_inverse(u, self.low, self.high, self.log))
        return np.unique(v).astype(np.int64).tolist()

    def spec(self) -> dict[str, Any]:
        """A JSON-able description.

        >>> Integer(1, 8).spec()
        {'type': 'integer', 'low': 1, 'high': 8, 'log': False}
        """
        return {"type": "integer", "low": self.low, "high": self.high, "log": self.log}


def _choice(value: object) -> Choice:
    """Check that a choice is a JSON scalar (str, int, finite float, bool)."""
    if isinstance(value, np.generic):
        value = value.item()  # np.float64(0.5) -> 0.5, np.str_("a") -> "a"
    if not isinstance(value, str | int | float):  # bool is an int
        raise TypeError(
            f"Categorical: choices must be str, int, float or bool, got {value!r}"
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"Categorical: choices must be finite, got {value!r}")
    return value


def _same(a: object, b: object) -> bool:
    """Equal as JSON values: ``True`` is not ``1`` (Python says they are equal)."""
    return a == b and isinstance(a, bool) == isinstance(b, bool)


@dataclasses.dataclass(frozen=True)
class Categorical:
    """A choice among ``n`` distinct JSON scalars (str, int, float, bool).

    Choice ``i`` owns the cell ``[i / n, (i + 1) / n)`` of ``[0, 1]``; its
    position is the cell's middle ``(i + 0.5) / n``.

    Parameters
    ----------
    choices : list, tuple or 1-D array
        Non-empty, distinct (``1``, ``1.0`` and ``True`` count as the same,
        since they hash alike); stored as a tuple.

    Examples
    --------
    >>> act = Categorical(["relu", "tanh"])
    >>> act.to_unit("tanh"), act.from_unit(0.2), act.grid(99)
    (0.75, 'relu', ['relu', 'tanh'])
    """

    choices: tuple[Choice, ...]

    if TYPE_CHECKING:  # what the constructor takes; __post_init__ stores a tuple

        def __init__(self, choices: Sequence[Choice] | NDArray[Any]) -> None: ...

    def __post_init__(self) -> None:
        if isinstance(self.choices, np.ndarray) and self.choices.ndim == 1:
            object.__setattr__(self, "choices", self.choices.tolist())
        if not isinstance(self.choices, list | tuple):
            raise TypeError(
                f"Categorical: choices must be a list or tuple, got {self.choices!r}"
            )
        choices = tuple(_choice(c) for c in self.choices)
        if not choices:
            raise ValueError(
                f"Categorical: choices must not be empty, got {self.choices!r}"
            )
        if len(set(choices)) < len(choices):
            raise ValueError(
                f"Categorical: choices must be distinct, got {self.choices!r}"
            )
        object.__setattr__(self, "choices", choices)

    def to_unit(self, value: Choice) -> float:
        """The middle of the cell of ``value``.

        >>> Categorical(["a", "b", "c", "d"]).to_unit("a")
        0.125
        """
        for i, choice in enumerate(self.choices):
            if _same(choice, value):
                return (i + 0.5) / len(self.choices)
        raise ValueError(
            f"Categorical: value must be one of {self.choices}, got {value!r}"
        )

    def from_unit(self, u: float) -> Choice:
        """The choice whose cell holds ``u`` (clipped to ``[0, 1]``).

        >>> Categorical(["a", "b"]).from_unit(0.5)
        'b'
        """
        n = len(self.choices)
        return self.choices[min(int(_checks.unit("Categorical", u) * n), n - 1)]

    def grid(self, n: int | None = None) -> list[Choice]:
        """All the choices (``n`` is ignored).

        >>> Categorical([1, 2]).grid(5)
        [1, 2]
        """
        return list(self.choices)

    def spec(self) -> dict[str, Any]:
        """A JSON-able description.

        >>> Categorical(["a", True]).spec()
        {'type': 'categorical', 'choices': ['a', True]}
        """
        return {"type": "categorical", "choices": list(self.choices)}


DIMENSIONS = (Real, Integer, Categorical)
Dimension = Real | Integer | Categorical
