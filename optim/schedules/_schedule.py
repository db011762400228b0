"""What every schedule shares: validated arguments, a batch shape, ``lr`` and ``lrs``.

A schedule is a frozen dataclass of torch's arguments (without the
optimizer). It gives the learning rate of each step two ways:

* :meth:`Schedule.lr`: the closed form at any step ``t`` (an array of steps
  at once), from ``_closed(base, e)``;
* :meth:`Schedule.lrs`: steps ``1`` to ``n`` one after the other, as
  torch's scheduler computes them: ``_start`` (the scheduler's step at its
  construction) and then ``_next`` (each later ``scheduler.step()``), most
  of them recursive (``lr = lr * factor``), so the numbers are torch's to the
  last bit or nearly, not only to the closed form's rounding.

``e = t - 1`` is torch's ``last_epoch``: the count of ``scheduler.step()``
calls before the ``optimizer.step()`` numbered ``t``.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

import numpy as np

from optim import _hyper

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

    from optim._hyper import Array, Hyper

INF = math.inf
_POW = np.frompyfunc(pow, 2, 1)  # Python's pow, element by element


class Bounds(NamedTuple):
    """The valid values of a real argument: between ``low`` and ``high``, each end open or closed."""

    low: float
    high: float
    low_open: bool = False
    high_open: bool = False

    def __str__(self) -> str:
        left, right = "(" if self.low_open else "[", ")" if self.high_open else "]"
        return f"{left}{self.low:g}, {self.high:g}{right}"


NONNEGATIVE = Bounds(0.0, INF, high_open=True)
POSITIVE = Bounds(0.0, INF, low_open=True, high_open=True)
FRACTION = Bounds(0.0, 1.0)
DECAY = Bounds(0.0, 1.0, low_open=True)  # a factor in (0, 1]


def real(owner: str, name: str, value: object, bounds: Bounds) -> Hyper:
    """``value`` (a number or an array of numbers) checked to be finite and in ``bounds``."""
    checked = _hyper.number(owner, name, value, _hyper.Range(-INF, INF, True))
    array = np.asarray(checked)
    low, high, low_open, high_open = bounds
    below = array <= low if low_open else array < low
    above = array >= high if high_open else array > high
    if np.any(below) or np.any(above):
        raise ValueError(f"{owner}: {name} must be in {bounds}, got {value!r}")
    return checked


def integer(owner: str, name: str, value: object, low: int) -> int | NDArray[np.int64]:
    """``value`` checked to be an integer (or an array of them, integral floats allowed) ``>= low``."""
    if isinstance(value, bool | np.bool_) or not (
        isinstance(value, numbers.Integral | np.ndarray | list | tuple)
        or isinstance(value, numbers.Real)
        and float(value).is_integer()
    ):
        raise TypeError(f"{owner}: {name} must be an integer, got {value!r}")
    array = np.asarray(_hyper.number(owner, name, value, _hyper.Range(-INF, INF, True)))
    if not np.all(array == np.round(array)):
        raise TypeError(f"{owner}: {name} must be an integer, got {value!r}")
    if np.any(array < low):
        raise ValueError(f"{owner}: {name} must be >= {low}, got {value!r}")
    if array.ndim == 0:
        return int(array)
    ints = array.astype(np.int64)
    ints.flags.writeable = False
    return ints


def choice(owner: str, name: str, value: object, choices: tuple[str, ...]) -> str:
    """``value`` checked to be one of the strings ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{owner}: {name} must be one of {choices}, got {value!r}")
    return value


def where(condition: Any, a: Any, b: Any) -> Any:
    """``a`` where ``condition`` holds, else ``b``: plain Python for a plain bool (fast)."""
    if isinstance(condition, bool | np.bool_):
        return a if condition else b
    return np.where(condition, a, b)


def cos(x: Any) -> Any:
    """The cosine, by ``math.cos`` for a number (torch's; NumPy's agrees, and is slower there)."""
    return math.cos(x) if isinstance(x, float | int) else np.cos(x)


def divide(a: Any, b: Any) -> Any:
    """``a / b``, and ``inf`` (not an exception) for a number divided by 0, where a ``where`` drops it."""
    if isinstance(b, float | int) and b == 0:
        return math.inf
    return a / b


def power(a: Any, b: Any) -> Any:
    """``a ** b`` by Python's ``pow`` (torch's), also element by element on arrays.

    NumPy's vectorized power differs from the C library's ``pow`` in the
    last bit for a few percent of arguments; a schedule multiplies such a
    factor into the lr thousands of times, so torch's is used.
    """
    if np.ndim(a) == 0 and np.ndim(b) == 0:
        return float(a) ** float(b)
    return _POW(a, b).astype(np.float64)


@dataclasses.dataclass(frozen=True, eq=False)
class Schedule:
    """Base class: validation, ``lr(base_lr, t)``, ``lrs(base_lr, n)``, equality.

    Subclasses declare their real arguments in ``REALS`` (name to
    :class:`Bounds`), integer ones in ``INTEGERS`` (name to minimum) and
    string ones in ``CHOICES``; an argument that is ``None`` (not given) is
    not checked. They define ``_closed``, ``_start`` and ``_next`` (and
    ``_reset`` if it is not the closed form at ``e = 0``).
    """

    REALS: ClassVar[dict[str, Bounds]] = {}
    INTEGERS: ClassVar[dict[str, int]] = {}
    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {}
    # True if torch computes the closed form at each step (no recursion):
    # then lrs is the closed form at steps 1 to n, all at once.
    CLOSED: ClassVar[bool] = False

    if TYPE_CHECKING:  # set by __post_init__
        _batch: tuple[int, ...] = dataclasses.field(init=False)
        base_lr: Any  # every schedule but OneCycleLR has one

    def __post_init__(self) -> None:
        owner, shapes = type(self).__name__, []
        for name, bounds in self.REALS.items():
            if getattr(self, name) is not None:
                object.__setattr__(
                    self, name, real(owner, name, getattr(self, name), bounds)
                )
                shapes.append(np.shape(getattr(self, name)))
        for name, low in self.INTEGERS.items():
            if getattr(self, name) is not None:
                object.__setattr__(
                    self, name, integer(owner, name, getattr(self, name), low)
                )
                shapes.append(np.shape(getattr(self, name)))
        for name, choices in self.CHOICES.items():
            choice(owner, name, getattr(self, name), choices)
        shapes += self._shapes()
        try:
            object.__setattr__(self, "_batch", np.broadcast_shapes(*shapes))
        except ValueError as err:
            raise ValueError(
                f"{owner}: argument shapes do not broadcast: {shapes}"
            ) from err

    def _shapes(self) -> list[tuple[int, ...]]:
        """Further batch shapes (a composite's children, milestones); checks across fields."""
        return []

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """Broadcast shape of the array-valued arguments (``()`` if all are numbers)."""
        return self._batch

    def start_lr(self, default: Hyper) -> Hyper:
        """The base lr an optimizer starts from: ``base_lr`` if given, else ``default``."""
        return default if self.base_lr is None else self.base_lr

    def horizon(self) -> int | None:
        """The most steps :meth:`lrs` can give (``None``: no limit)."""
        return None

    def lr(self, base_lr: ArrayLike, t: ArrayLike) -> Any:
        """The learning rate of step ``t`` (``>= 1``, an integer or an array of them): the closed form.

        Returns an array ``(*shape(t), *batch)``, a float if both are ``()``.
        ``batch`` is the broadcast of :attr:`batch_shape` and ``base_lr``'s shape.
        """
        owner = type(self).__name__
        base = real(owner, "base_lr", base_lr, NONNEGATIVE)
        steps = np.asarray(integer(owner, "t", t, 1))
        batch = np.broadcast_shapes(self._batch, np.shape(base))
        e = (steps - 1).reshape(steps.shape + (1,) * len(batch))  # (*t, 1, ...)
        with np.errstate(all="ignore"):
            out = np.broadcast_to(self._closed(base, e), steps.shape + batch)
        return float(out) if out.ndim == 0 else np.array(out, dtype=np.float64)

    def lrs(self, base_lr: ArrayLike, n: int) -> Array:
        """The learning rates of steps 1 to ``n``, step by step as torch computes them: ``(n, *batch)``.

        What ``scheduler.get_last_lr()`` reports before each of ``n`` calls of
        ``optimizer.step()``, for an optimizer whose lr is ``base_lr``.
        """
        return self.extend(base_lr, None, n)

    def extend(self, base_lr: ArrayLike, done: Array | None, n: int) -> Array:
        """``lrs(base_lr, n)``, given ``done = lrs(base_lr, k)`` for a ``k <= n`` (or None).

        torch's recursion reads only the last lr and the step, so it goes on
        from ``done[-1]``: an optimizer's table of lrs grows without
        computing its first steps again.
        """
        owner = type(self).__name__
        base = real(owner, "base_lr", base_lr, NONNEGATIVE)
        count = integer(owner, "n", n, 0)
        if not isinstance(count, int):
            raise TypeError(f"{owner}: n must be an integer, got {n!r}")
        limit = self.horizon()
        if limit is not None and count > limit:
            raise ValueError(
                f"{owner}: n must be <= {limit} (total_steps + 1), got {n}"
            )
        batch = np.broadcast_shapes(self._batch, np.shape(base))
        out = np.empty((count, *batch))
        k = 0 if done is None else min(len(done), count)
        out[:k] = done[:k] if done is not None else 0.0
        if self.CLOSED and count > k:
            out[k:] = self.lr(base, np.arange(k + 1, count + 1))
            return out
        with np.errstate(all="ignore"):
            lr = out[k - 1] if k else self._start(base, base)
            for e in range(k, count):
                lr = lr if e == 0 else self._next(lr, e, base)
                out[e] = lr
        return out

    def _closed(self, base: Hyper, e: Any) -> Any:
        """The closed form at epoch ``e`` (``t - 1``)."""
        raise NotImplementedError

    def _start(self, lr: Any, base: Hyper) -> Any:
        """The lr after the scheduler's first step (at construction, ``e = 0``) from ``lr``."""
        raise NotImplementedError

    def _next(self, lr: Any, e: Any, base: Hyper) -> Any:
        """The lr after ``scheduler.step()`` reaches epoch ``e >= 1``, from the current ``lr``."""
        raise NotImplementedError

    def _reset(self, base: Hyper) -> Any:
        """The lr when a SequentialLR starts this schedule at a milestone (torch: closed form at 0)."""
        return self._closed(base, 0)

    def _key(self) -> Hashable:
        values = (getattr(self, f.name) for f in dataclasses.fields(self))
        return type(self), tuple(
            _hyper.key(v)
            if not isinstance(v, list | tuple)
            else tuple(_hyper.key(u) for u in v)
            for v in values
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Schedule) or type(other) is not type(self):
            return NotImplemented
        return bool(self._key() == other._key())

    def __hash__(self) -> int:
        return hash(self._key())
