"""The training loop: run an optimizer on ``fun`` for a number of steps, batched.

This is the only training loop of the project; the search objective, the
benchmarks and the tests all call it.

On small arrays each step is the optimizer's pure ``step``; from ``IN_PLACE``
entries of ``x`` on, an optimizer of this project steps in place
(:meth:`optim.Optimizer.update`), with the same numbers bit for bit.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias

import numpy as np

from optim._base import Optimizer, remake

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

    from optim._hyper import Array

    # What minimize minimizes: fun(x) -> (value (*batch,), grad (*batch, d)).
    Value: TypeAlias = NDArray[Any] | float
    Fun: TypeAlias = Callable[[Array], tuple[Value, NDArray[Any]]]

# Entries of x (batch times d) from which the steps run in place: where a pure
# step's arrays reach glibc's 128 KiB threshold (see optim._base.BLOCK). Adam,
# ns per entry, pure and in place: 4.7 and 6.3 at 8,000; 13 and 6.6 at 20,000.
IN_PLACE = 16_000
# Entries from which the divergence test sums instead of a BLAS dot product
# (OpenBLAS runs ddot on several threads on large arrays).
DOT_MAX = 8192


class Trace(NamedTuple):
    """What :func:`minimize` returns.

    Attributes
    ----------
    x : ndarray
        ``(*batch, d)``: the final parameters; for a diverged configuration,
        the point where it diverged (possibly not finite).
    values : ndarray
        ``(steps + 1, *batch)``: ``fun`` at the start and after each step;
        ``inf`` from the step where a configuration diverged on.
    path : ndarray or None
        ``(steps + 1, *batch, d)``: every iterate (``None`` if ``record=False``).
    diverged : ndarray
        ``(*batch,)`` bool: the value, the gradient or ``x`` stopped being
        finite.
    steps : int
        Steps taken: ``steps`` asked, or fewer if ``tol`` stopped the run.
    state : tuple
        The optimizer's state after the last step (a diverged configuration's
        where it stopped): pass it back as ``minimize(..., x0=trace.x,
        state=trace.state)`` to continue the run.
    """

    x: Array
    values: Array
    path: Array | None
    diverged: NDArray[np.bool_]
    steps: int
    state: tuple[Any, ...]


def minimize(
    fun: Fun,
    x0: ArrayLike,
    optimizer: Optimizer,
    steps: int,
    *,
    tol: float | None = None,
    record: bool = True,
    state: tuple[Any, ...] | None = None,
) -> Trace:
    """Minimize ``fun`` from ``x0`` with ``optimizer`` for ``steps`` steps.

    Every configuration in the batch runs at once: ``x0`` of shape ``(d,)``
    (or ``(*batch0, d)``) is broadcast to the batch implied by the
    optimizer's array hyperparameters, so a grid of learning rates trains in
    one call. A configuration whose value, gradient or ``x`` itself stops
    being finite is marked diverged and frozen where it stands (its values
    become ``inf``); the others go on, and no floating-point warnings are
    emitted.

    From ``IN_PLACE`` entries on, ``x`` and the optimizer's state are updated
    in place (:meth:`optim.Optimizer.update`, in column blocks): ``fun`` gets
    the same array at every step and must copy ``x`` if it keeps it. ``fun``
    should return a gradient array of its own at each call (or ``x`` itself):
    below ``IN_PLACE`` a step's state may hold it (SGD's first momentum
    buffer is the gradient), so overwriting it later would change the state.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> (value, grad)`` with ``x`` ``(*batch, d)``, value
        ``(*batch,)`` and grad ``(*batch, d)``; every surface is such a callable.
    x0 : array_like
        ``(d,)`` or ``(*batch0, d)`` real numbers, finite: the start; not
        modified. ``batch0`` must broadcast with the optimizer's
        ``batch_shape``.
    optimizer : Optimizer
        An instance (not the class) of :class:`optim.SGD`,
        :class:`optim.Adam`, ...
    steps : int
        Number of optimizer steps, ``>= 0``.
    tol : float, optional
        Stop early once every non-diverged configuration has a gradient norm
        ``<= tol``.
    record : bool, default True
        Keep the whole path of iterates.
    state : tuple, optional
        The optimizer state to start from: ``optimizer.init(x)`` by default,
        or the ``state`` of an earlier :class:`Trace` (with its ``x`` as
        ``x0``), whose arrays have the shape of ``x``; not modified.
        Training ``30`` steps and then ``70`` more from the first run's ``x``
        and ``state`` equals training ``100`` steps, bit for bit (with the
        same ``fun``: a minibatch ``fun`` keeps drawing from its generator).

    Returns
    -------
    Trace
        Final ``x``, ``values``, ``path``, ``diverged``, ``steps`` and
        ``state``.

    Examples
    --------
    >>> import numpy as np
    >>> from optim import SGD
    >>> fun = lambda x: ((x**2).sum(-1), 2 * x)
    >>> trace = minimize(fun, [1.0, 1.0], SGD(lr=np.array([0.1, 0.25, 1.5])), 2)
    >>> trace.values  # one run per learning rate; 1.5 overshoots
    array([[ 2.    ,  2.    ,  2.    ],
           [ 1.28  ,  0.5   ,  8.    ],
           [ 0.8192,  0.125 , 32.    ]])
    """
    x, steps, tol = _check(
        fun, x0, optimizer, steps, tol=tol, record=record, resumed=state is not None
    )
    state = _initial_state(optimizer, x, state)
    batch = x.shape[:-1]
    values = np.empty((steps + 1, *batch))
    path = np.empty((steps + 1, *x.shape)) if record else None
    diverged = np.zeros(batch, dtype=bool)
    frozen = False  # True once some configuration has diverged
    in_place = isinstance(optimizer, Optimizer) and optimizer.is_elementwise()
    in_place = in_place and x.size >= IN_PLACE
    state = _own(state) if in_place else state
    # Overflow in a diverging configuration is an expected result, not an error.
    with np.errstate(all="ignore"):
        f, g = _first_output(fun, x)
        for k in range(steps + 1):
            if frozen or not _surely_finite(f, g, x):
                f, g = _freeze_diverged(f, g, x, diverged)
                frozen = bool(diverged.any())
            values[k] = f
            if path is not None:
                path[k] = x
            if k == steps or tol is not None and _converged(g, diverged, tol):
                break
            if in_place:
                state = _update(optimizer, x, g, state, diverged if frozen else None)
            else:
                x_new, state_new = optimizer.step(x, g, state)
                if frozen:
                    x_new, state_new = _keep(diverged, x, state, x_new, state_new)
                x, state = x_new, state_new
            f, g = fun(x)
    end = k + 1
    return Trace(
        x=x,
        values=values[:end],
        path=path[:end] if path is not None else None,
        diverged=diverged,
        steps=k,
        state=state,
    )


def _initial_state(
    optimizer: Optimizer, x: Array, state: tuple[Any, ...] | None
) -> tuple[Any, ...]:
    """``optimizer.init(x)``, or ``state`` checked against it (type and shapes)."""
    fresh: tuple[Any, ...] = optimizer.init(x)
    if state is None:
        return fresh
    if type(state) is not type(fresh) or len(state) != len(fresh):
        raise TypeError(
            f"minimize: state must be a {type(fresh).__name__} of "
            f"{type(optimizer).__name__} (from optimizer.init or Trace.state), "
            f"got a {type(state).__name__}"
        )
    for name, new, old in zip(_names(fresh), fresh, state, strict=True):
        if np.shape(new) != np.shape(old):
            raise ValueError(
                f"minimize: state's arrays must have the shape of x {x.shape} "
                f"(start from the Trace's x with its state), got {name} of shape "
                f"{np.shape(old)}"
            )
    return state


def _surely_finite(f: Value, g: NDArray[Any], x: Array) -> bool:
    """Fast test that ``f``, ``g`` and ``x`` are finite: one scalar from a few sums.

    A sum is finite only if every term is, and a product ``g_i * x_i`` only if
    both factors are (``inf * 0`` is NaN), so ``g . x + sum(f)`` is finite
    only if every entry of ``f``, ``g`` and ``x`` is; so is ``sum(g) +
    sum(x) + sum(f)``. A sum that overflows although every term is finite
    only sends the caller to the exact (slower) test in
    :func:`_freeze_diverged`. The dot product is the fastest on small arrays;
    on large ones OpenBLAS runs it on several threads, which spin and wait
    when another program keeps a core busy, so from ``DOT_MAX`` entries on
    two sums (NumPy's own loops, one thread) replace it.
    """
    total = f if np.ndim(f) == 0 else np.add.reduce(f, axis=None)
    if g.size < DOT_MAX:
        return math.isfinite(np.vdot(g, x) + total)
    sums = np.add.reduce(g, axis=None) + np.add.reduce(x, axis=None)
    return math.isfinite(sums + total)


def _freeze_diverged(
    f: Value, g: NDArray[Any], x: Array, diverged: NDArray[np.bool_]
) -> tuple[Array, Array]:
    """Mark configurations with a non-finite value, gradient or x (in place); mask them."""
    finite = np.isfinite(f) & np.isfinite(g).all(axis=-1) & np.isfinite(x).all(axis=-1)
    bad = ~finite  # (*batch,)
    np.logical_or(diverged, bad, out=diverged)
    f = np.where(diverged, np.inf, f)
    g = np.where(diverged[..., None], 0.0, g)  # frozen anyway; avoid NaN arithmetic
    return f, g


def _keep(
    diverged: NDArray[np.bool_],
    x: Array,
    state: tuple[Any, ...],
    x_new: Array,
    state_new: tuple[Any, ...],
) -> tuple[Array, tuple[Any, ...]]:
    """Undo the step for diverged configurations: they stay where they stopped."""
    mask = diverged[..., None]  # (*batch, 1)
    x_new = np.where(mask, x, x_new)
    fields = [
        np.where(mask, old, new) if isinstance(new, np.ndarray) else new
        for old, new in zip(state, state_new, strict=True)
    ]
    return x_new, type(state_new)(*fields)


def _own(state: tuple[Any, ...]) -> tuple[Any, ...]:
    """A copy of ``state`` whose arrays ``update`` may overwrite; shared arrays stay shared."""
    copies: dict[int, Array] = {}
    for a in state:
        if isinstance(a, np.ndarray) and id(a) not in copies:
            copies[id(a)] = a.copy()
    return remake(state, [copies.get(id(a), a) for a in state])


def _update(
    optimizer: Optimizer,
    x: Array,
    g: Array,
    state: tuple[Any, ...],
    diverged: NDArray[np.bool_] | None,
) -> tuple[Any, ...]:
    """One step in place; configurations marked in ``diverged`` stay where they stopped."""
    if diverged is None:
        return optimizer.update(x, g, state)
    arrays = _arrays(x, state)  # update overwrites these same arrays
    rows = [a[diverged] for a in arrays]
    state = optimizer.update(x, g, state)
    for a, kept in zip(arrays, rows, strict=True):
        a[diverged] = kept
    return state


def _arrays(x: Array, state: tuple[Any, ...]) -> list[Array]:
    """``x`` and the state's arrays, each once."""
    unique = {id(a): a for a in (x, *state) if isinstance(a, np.ndarray)}
    return list(unique.values())


def _converged(g: Array, diverged: NDArray[np.bool_], tol: float) -> bool:
    """True when every running configuration has ``||g|| <= tol``."""
    norm = np.sqrt((g * g).sum(axis=-1))  # (*batch,)
    return bool(np.all(diverged | (norm <= tol)))


def _check(
    fun: object,
    x0: ArrayLike,
    optimizer: object,
    steps: object,
    *,
    tol: object,
    record: object,
    resumed: bool,
) -> tuple[Array, int, float | None]:
    """Validate the arguments of minimize; return x (broadcast), steps, tol."""
    if not callable(fun):
        raise TypeError(f"minimize: fun must be callable, got {fun!r}")
    if isinstance(optimizer, type) or not (
        hasattr(optimizer, "init") and hasattr(optimizer, "step")
    ):
        raise TypeError(
            f"minimize: optimizer must be an instance with init and step "
            f"(e.g. optim.Adam(), not optim.Adam), got {optimizer!r}"
        )
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral):
        raise TypeError(f"minimize: steps must be an integer, got {steps!r}")
    if steps < 0:
        raise ValueError(f"minimize: steps must be >= 0, got {steps}")
    if tol is not None and (
        isinstance(tol, bool)
        or not isinstance(tol, numbers.Real)
        or tol < 0
        or not tol < math.inf  # also refuses NaN
    ):
        raise ValueError(
            f"minimize: tol must be None or a finite number >= 0, got {tol!r}"
        )
    if not isinstance(record, bool):
        raise TypeError(f"minimize: record must be True or False, got {record!r}")
    x0 = _start(x0, finite=not resumed)
    x = _broadcast(x0, getattr(optimizer, "batch_shape", ()))
    return x, int(steps), None if tol is None else float(tol)


def _start(x0: ArrayLike, finite: bool) -> Array:
    """``x0`` as float64 ``(*batch0, d)``: real numbers (not bools or strings), finite.

    A run continued from a state (``finite=False``) may start where some
    configurations diverged: they are marked diverged again at once.
    """
    try:
        array = np.asarray(x0)
    except ValueError as err:  # NumPy refuses ragged nested lists
        raise ValueError(
            f"minimize: x0 must be a rectangular array (rows of one length), got {x0!r}"
        ) from err
    if array.dtype.kind not in "iuf":
        raise TypeError(
            f"minimize: x0 must be an array of real numbers, got {x0!r} "
            f"(dtype {array.dtype})"
        )
    array = array.astype(np.float64, copy=False)
    if (
        array.ndim == 0
        or array.shape[-1] == 0
        or finite
        and not np.isfinite(array).all()
    ):
        raise ValueError(
            f"minimize: x0 must be finite with shape (d,) or (*batch, d), got {x0!r}"
        )
    return array


def _broadcast(x0: Array, batch_shape: tuple[int, ...]) -> Array:
    """A new ``x`` ``(*batch, d)``: ``x0`` broadcast with the hyperparameters' batch."""
    try:
        batch = np.broadcast_shapes(x0.shape[:-1], batch_shape)
    except ValueError as err:
        raise ValueError(
            f"minimize: x0 of shape {x0.shape} has batch shape {x0.shape[:-1]}, "
            f"which does not broadcast with the optimizer's batch_shape "
            f"{tuple(batch_shape)} (its array hyperparameters)"
        ) from err
    x: Array = np.broadcast_to(x0, (*batch, x0.shape[-1])).copy()  # (*batch, d)
    return x


def _first_output(fun: Fun, x: Array) -> tuple[Value, NDArray[Any]]:
    """``fun(x)``, checked once: a pair (value ``(*batch,)``, grad ``(*batch, d)``) of reals."""
    out = fun(x)
    if not (isinstance(out, tuple | list) and len(out) == 2):
        raise TypeError(
            f"minimize: fun(x) must return a pair (value, grad), got {_show(out)}"
        )
    f, g = out
    kinds = np.asarray(f).dtype, np.asarray(g).dtype
    if any(kind.kind not in "iuf" for kind in kinds):
        raise TypeError(
            f"minimize: fun(x) must return real numbers, got value and grad of "
            f"dtype {kinds[0]} and {kinds[1]}"
        )
    if np.shape(f) != x.shape[:-1] or np.shape(g) != x.shape:
        raise ValueError(
            f"minimize: fun(x) for x of shape {x.shape} must return value of shape "
            f"{x.shape[:-1]} and grad of shape {x.shape}, got {np.shape(f)} and "
            f"{np.shape(g)}"
        )
    return f, g


def _names(state: tuple[Any, ...]) -> list[str]:
    """The fields of a NamedTuple state, or ``state[i]`` of a plain tuple."""
    fields = getattr(type(state), "_fields", None)
    return list(fields) if fields else [f"state[{i}]" for i in range(len(state))]


def _show(out: Any) -> str:
    """A short description of what fun returned (its type and shape)."""
    return f"{type(out).__name__} of shape {np.shape(out)}"
