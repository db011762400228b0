"""What every optimizer shares: validated hyperparameters, read by name.

An optimizer is a frozen dataclass whose fields are its hyperparameters. Each
subclass declares the valid :class:`~optim.Range` of its numeric fields in
``RANGES`` and names its boolean switches in ``FLAGS``; callers list them with
:meth:`Optimizer.numeric_fields` and :meth:`Optimizer.switches`.
``__post_init__`` checks every field once, when the optimizer is built, and
prepares what ``step`` reads by name on every call.

``step`` is pure and is the one implementation of an optimizer's math;
:meth:`Optimizer.update` runs it in place, on column blocks, for
:func:`optim.minimize` at large sizes.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from optim import _hyper
from optim._hyper import Range
from optim.schedules._schedule import Schedule

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from optim._hyper import Array, Hyper

INF = math.inf
# Entries per column block of `update`: 16,000 float64 are 125 KiB per array,
# below glibc's 128 KiB threshold from which malloc maps memory from the OS and
# returns it on free, so a step's temporaries are reused from the heap (and
# stay in cache) instead of costing page faults at every step. Adam in a fresh
# process, ns per entry: whole arrays 23, 14, 12 at d = 1e5, 1e6, 1e7; blocks
# of 16,000 entries 5.8, 6.7, 6.7; of 65,536 entries 21, 7.4, 20.
BLOCK = 16_000


@dataclasses.dataclass(frozen=True, eq=False)
class Optimizer:
    """Base class: validation, the list of hyperparameters, equality, ``batch_shape``.

    Subclasses add their hyperparameters as dataclass fields, declare their
    ranges (``RANGES``, name to :class:`~optim.Range`) and switches
    (``FLAGS``), and define ``init`` and ``step``.

    Two optimizers are equal (``==``) when they are of the same class and
    every hyperparameter is equal, arrays by shape and value: ``Adam() ==
    Adam()``, and ``Adam(lr=1) == Adam(lr=1.0)`` (validation makes both
    floats). They are immutable, so they hash by the same values and can key
    a dict or a cache. Equality is of configurations, not of behaviour:
    ``AdamW(weight_decay=0.0) != Adam()`` although both take the same steps.

    Examples
    --------
    >>> import numpy as np
    >>> from optim import Adam, AdamW
    >>> Adam(lr=np.array([0.1, 0.2])) == Adam(lr=[0.1, 0.2])
    True
    >>> len({Adam(), Adam(), AdamW()})
    2
    """

    RANGES: ClassVar[dict[str, Range]] = {}
    FLAGS: ClassVar[tuple[str, ...]] = ()
    # True if each entry of step's outputs depends only on the same entry of x,
    # g and the state's arrays (every optimizer shipped here): `update` may then
    # run step on column blocks. Read through `is_elementwise`: it holds only
    # for the class that defines `step`, not for a subclass with its own step.
    ELEMENTWISE: ClassVar[bool] = False
    # True if weight_decay shrinks x by (1 - lr * weight_decay) before the step
    # (AdamW, Loshchilov and Hutter 2019); False if it adds weight_decay * x to
    # the gradient (the L2 penalty of SGD, RMSProp and Adam). optim.testing
    # checks the form declared here.
    DECOUPLED_WEIGHT_DECAY: ClassVar[bool] = False

    if TYPE_CHECKING:  # set by __post_init__; at run time not dataclass fields
        _columns: dict[str, Hyper] = dataclasses.field(init=False)
        _nonzero: frozenset[str] = dataclasses.field(init=False)
        _haszero: frozenset[str] = dataclasses.field(init=False)
        _batch: tuple[int, ...] = dataclasses.field(init=False)
        _schedule: Schedule | None = dataclasses.field(init=False)
        _lrs: Array = dataclasses.field(init=False)  # the schedule's lrs so far
        _base_lr: Hyper = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        owner = type(self).__name__
        numeric: dict[str, Hyper] = {}
        schedule = self._lr_schedule()
        for name, allowed in self.RANGES.items():
            if name == "lr" and schedule is not None:
                continue  # a schedule checked its own arguments
            numeric[name] = _hyper.number(owner, name, getattr(self, name), allowed)
            object.__setattr__(self, name, numeric[name])
        for name in self.FLAGS:
            object.__setattr__(
                self, name, _hyper.flag(owner, name, getattr(self, name))
            )
        shapes = dict(numeric, lr=np.zeros(self._lr_shape())) if schedule else numeric
        object.__setattr__(self, "_batch", _hyper.batch_shape(owner, shapes))
        # The numeric hyperparameters by name, each ready to broadcast against
        # (*batch, d): a float, or an array with a trailing axis.
        columns = {k: _hyper.column(v) for k, v in numeric.items()}
        object.__setattr__(self, "_columns", columns)
        # Names of the numeric fields with a non-zero entry: lines that would add
        # or multiply by an all-zero hyperparameter are skipped in `step`.
        nonzero = frozenset(k for k, v in numeric.items() if _hyper.nonzero(v))
        object.__setattr__(self, "_nonzero", nonzero)
        # Names of the numeric fields with a zero entry: Adam and RMSProp run
        # their guard against 0 / 0 only if some eps is zero.
        haszero = frozenset(k for k, v in numeric.items() if not np.all(v))
        object.__setattr__(self, "_haszero", haszero)

    def _lr_schedule(self) -> Schedule | None:
        """``lr`` if it is a schedule (then set up its table of lrs), else None.

        A schedule's base lr is its ``base_lr``, or this class's default lr
        (torch's schedulers start from the optimizer's lr). Its lrs are
        computed as torch's (:meth:`optim.schedules.Schedule.lrs`, often a
        recursion), once, into a table that grows as steps ask for more.
        """
        lr = getattr(self, "lr", None)
        if not isinstance(lr, Schedule):
            object.__setattr__(self, "_schedule", None)
            return None
        default = next(f.default for f in dataclasses.fields(self) if f.name == "lr")
        object.__setattr__(self, "_schedule", lr)
        object.__setattr__(self, "_base_lr", lr.start_lr(default))  # type: ignore[arg-type]
        object.__setattr__(self, "_lrs", np.empty((0, *self._lr_shape())))
        return lr

    def _lr_shape(self) -> tuple[int, ...]:
        """The batch shape of a schedule's lrs: its arguments' and its base lr's."""
        assert self._schedule is not None
        base = self._schedule.start_lr(0.0)
        return np.broadcast_shapes(self._schedule.batch_shape, np.shape(base))

    def columns_for(self, state: tuple[Any, ...]) -> dict[str, Hyper]:
        """The hyperparameters of the step that follows ``state``: :meth:`columns_at` its count + 1.

        What ``step`` reads. A state's first entry is its step count ``t``
        (every state of this project's optimizers).
        """
        return self.columns_at(state[0] + 1)

    def columns_at(self, t: int) -> dict[str, Hyper]:
        """The hyperparameters of step ``t`` (``>= 1``) ready to broadcast: :meth:`columns`, lr scheduled.

        What ``step`` reads (:meth:`columns_for` its state). With a
        number as ``lr`` these are :meth:`columns` (the same dict, not a
        copy: a step reads it, never writes); with a schedule as ``lr``,
        ``lr`` is the schedule's lr of step ``t``, as torch's scheduler sets
        it before the ``t``-th ``optimizer.step()``.

        Examples
        --------
        >>> from optim import SGD
        >>> from optim.schedules import StepLR
        >>> opt = SGD(lr=StepLR(step_size=2, gamma=0.5, base_lr=1.0))
        >>> [opt.columns_at(t)["lr"] for t in (1, 2, 3)]
        [1.0, 1.0, 0.5]
        """
        if self._schedule is None:
            return self._columns
        table = self._lrs
        if t > len(table):  # grow the table (doubling: each lr computed once or twice)
            n, limit = max(2 * len(table), t, 256), self._schedule.horizon()
            n = n if limit is None else min(n, limit) if t <= limit else t
            table = self._schedule.extend(self._base_lr, table, n)
            object.__setattr__(self, "_lrs", table)
        lr = table[t - 1]
        return dict(self._columns, lr=float(lr) if lr.ndim == 0 else lr[..., None])

    @classmethod
    def numeric_fields(cls) -> dict[str, Range]:
        """The numeric hyperparameters and their valid ranges, in field order.

        Each may be a float or an array over the batch; arrays are checked
        element-wise. Rules that tie fields together (SGD's nesterov needs
        momentum > 0) are checked when the optimizer is built.

        Examples
        --------
        >>> from optim import SGD
        >>> for name, allowed in SGD.numeric_fields().items():
        ...     print(name, allowed)
        lr [0, inf)
        momentum [0, 1)
        dampening [0, 1]
        weight_decay [0, inf)
        """
        fields = dataclasses.fields(cls)
        return {f.name: cls.RANGES[f.name] for f in fields if f.name in cls.RANGES}

    @classmethod
    def switches(cls) -> tuple[str, ...]:
        """The boolean switches (structural options), in field order.

        Examples
        --------
        >>> from optim import SGD
        >>> SGD.switches()
        ('nesterov', 'maximize')
        """
        return tuple(f.name for f in dataclasses.fields(cls) if f.name in cls.FLAGS)

    @classmethod
    def check_field(cls, name: str, value: object) -> Hyper | bool:
        """Check one hyperparameter on its own, as construction does; return it.

        Type and valid range of a numeric field (:meth:`numeric_fields`), or
        a boolean for a switch (:meth:`switches`). Rules that tie fields
        together need the whole optimizer: they are checked when it is built.
        Lets a caller refuse a search range before any training.

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
        owner, numeric, switches = cls.__name__, cls.numeric_fields(), cls.switches()
        if name in switches:
            return _hyper.flag(owner, name, value)
        if name == "lr" and isinstance(value, Schedule):
            return value  # type: ignore[return-value]
        if name not in numeric:
            known = ", ".join([*numeric, *switches])
            raise ValueError(f"{owner}: no hyperparameter {name!r}; known: {known}")
        return _hyper.number(owner, name, value, numeric[name])

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """Broadcast shape of the array-valued hyperparameters (``()`` if all scalar)."""
        return self._batch

    def columns(self) -> dict[str, Hyper]:
        """The numeric hyperparameters ready to broadcast against ``(*batch, d)``.

        A float stays a float; an array over the batch gets a trailing axis,
        ``v[..., None]``. What a ``step`` multiplies its arrays by, so that a
        batch of configurations runs in one call.

        Examples
        --------
        >>> import numpy as np
        >>> from optim import SGD
        >>> c = SGD(lr=np.array([0.1, 0.2])).columns()
        >>> c["lr"].shape, c["momentum"]
        ((2, 1), 0.0)
        """
        if self._schedule is not None:
            raise TypeError(
                f"{type(self).__name__}: lr is a schedule, so it depends on the step: "
                "read columns_at(t)"
            )
        return dict(self._columns)

    def hyperparameters(self) -> dict[str, Hyper | bool]:
        """The fields as a dict (arrays as read-only float64 copies of those given)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def init(self, x: ArrayLike) -> tuple[Any, ...]:
        """Zero state for parameters ``x`` ``(*batch, d)``: a NamedTuple."""
        raise NotImplementedError

    def step(self, x: Array, g: Array, state: Any) -> tuple[Array, tuple[Any, ...]]:
        """One step from ``x`` with gradient ``g``: the new ``x`` and state."""
        raise NotImplementedError

    @classmethod
    def is_elementwise(cls) -> bool:
        """Whether ``step`` works entry by entry, as the class defining it declares.

        ``ELEMENTWISE`` set by the class that defines :meth:`step`: a
        subclass that overrides ``step`` (with a global-norm clipping, say)
        is not elementwise unless it says so itself.

        Examples
        --------
        >>> from optim import Adam
        >>> class Clipped(Adam):
        ...     def step(self, x, g, state):
        ...         return super().step(x, g / max(1.0, (g * g).sum() ** 0.5), state)
        >>> Adam.is_elementwise(), Clipped.is_elementwise()
        (True, False)
        """
        owner = next(c for c in cls.__mro__ if "step" in vars(c))
        return bool(vars(owner).get("ELEMENTWISE", False))

    def update(self, x: Array, g: Array, state: tuple[Any, ...]) -> tuple[Any, ...]:
        """One step in place: overwrite ``x`` and the state's arrays; return the state.

        The result is :meth:`step`'s, bit for bit: ``step`` runs on column
        blocks of about ``BLOCK`` elements (``x[..., cols]``, the same columns of
        ``g`` and of each state array) when the optimizer
        :meth:`is_elementwise`, on the whole arrays otherwise, and each block's output is copied into
        ``x`` and the state's arrays. On arrays of millions of entries this
        keeps a step's temporaries in cache, where whole-array temporaries
        are fresh memory from the OS at every step. The returned state holds
        the same arrays with the new non-array fields (the step count).

        Parameters
        ----------
        x : ndarray
            ``(*batch, d)``, overwritten with the new parameters.
        g : ndarray
            ``(*batch, d)``, the gradient at ``x``; it may be ``x`` itself.
            Not modified (unless it is ``x``).
        state : NamedTuple
            Its arrays ``(*batch, d)`` are overwritten; none may share memory
            with another unless ``step`` returns them equal (as Adam's ``vmax``
            is ``v`` without ``amsgrad``), since each is written in turn.

        Returns
        -------
        NamedTuple
            The new state, holding ``state``'s arrays.
        """
        d = x.shape[-1]
        width = max(BLOCK * d // max(x.size, 1), 1) if self.is_elementwise() else d
        new = state
        for start in range(0, d, width):
            cols = slice(start, start + width)
            block = [a[..., cols] if isinstance(a, np.ndarray) else a for a in state]
            x_new, new = self.step(x[..., cols], g[..., cols], remake(state, block))
            # the state first: a field may be g's block, and g may be x itself
            _write(state, block, new, cols)
            x[..., cols] = x_new
        fields = zip(state, new, strict=True)
        return remake(state, [a if isinstance(a, np.ndarray) else b for a, b in fields])

    def _key(self) -> Hashable:
        """The class and every field's value, hashable: what ``==`` compares."""
        values = self.hyperparameters().values()
        return type(self), tuple(_hyper.key(v) for v in values)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Optimizer) or type(other) is not type(self):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())


def remake(state: tuple[Any, ...], items: list[Any]) -> tuple[Any, ...]:
    """A state of ``state``'s type holding ``items``: a NamedTuple or a plain tuple."""
    if hasattr(type(state), "_fields"):  # a NamedTuple takes its fields one by one
        return type(state)(*items)
    return type(state)(items)


def _write(
    state: tuple[Any, ...], block: list[Any], new: tuple[Any, ...], cols: slice
) -> None:
    """Copy ``new``'s arrays into the columns ``cols`` of ``state``'s arrays.

    ``block`` is what the step was given: a field it returned unchanged is
    not copied, nor is a field whose array is shared with an earlier one
    (Adam's ``vmax`` is ``v`` without ``amsgrad``) when the step returned
    the same array for both: one pass over memory less per step.
    """
    written: dict[int, object] = {}  # id of a state array -> what it received
    for a, given, b in zip(state, block, new, strict=True):
        if isinstance(a, np.ndarray) and b is not given and written.get(id(a)) is not b:
            a[..., cols] = b
            written[id(a)] = b
