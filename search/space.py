"""Search spaces: a dict ``name -> dimension``, and the unit cube ``[0, 1]^k``.

A space is a dict of :mod:`search.dimensions` (``Real``, ``Integer``,
``Categorical``); its insertion order is the order of the coordinates. Every
strategy works in the unit cube ``[0, 1]^k`` (``k`` dimensions, one
coordinate each) and maps points back through :func:`from_unit`. A space of
``Integer`` and ``Categorical`` dimensions only is finite: :func:`size`
counts its points and :func:`all_points` lists them (the one enumeration the
strategies share, up to ``MAX_ENUMERATE`` points).
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from search import _checks
from search.dimensions import (
    DIMENSIONS,
    Categorical,
    Choice,
    Dimension,
    Integer,
    Real,
    unwarp,
    warp,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import ArrayLike, NDArray

__all__ = [
    "Categorical",
    "Choice",
    "Dimension",
    "Integer",
    "Real",
    "all_keys",
    "all_points",
    "check_space",
    "from_unit",
    "grid",
    "param_key",
    "sample",
    "size",
    "space_spec",
    "to_unit",
    "unwarp",
    "values",
    "warp",
]

# The largest finite space that is listed point by point (RandomSearch's last
# resort, BayesSearch's fallback): 10**5 points of a few coordinates each.
MAX_ENUMERATE = 10**5


def check_space(space: dict[str, Dimension]) -> dict[str, Dimension]:
    """Validate a space: a non-empty dict of str names to dimensions.

    Returns
    -------
    dict
        A copy of ``space`` (same order), so later edits of the argument do
        not reach a strategy holding it.

    Examples
    --------
    >>> check_space({"lr": Real(1e-3, 1.0, log=True)})
    {'lr': Real(low=0.001, high=1.0, log=True)}
    """
    if not isinstance(space, dict):
        raise TypeError(f"space must be a dict of name -> dimension, got {space!r}")
    if not space:
        raise ValueError("space must not be empty, got {}")
    for name, dim in space.items():
        if not isinstance(name, str):
            raise TypeError(f"space: names must be str, got {name!r}")
        if not isinstance(dim, DIMENSIONS):
            raise TypeError(
                f"space: {name!r} must be a Real, Integer or Categorical, got {dim!r}"
            )
    return dict(space)


def space_spec(space: dict[str, Dimension]) -> dict[str, dict[str, Any]]:
    """The JSON-able description ``{name: dim.spec()}`` of a space.

    Examples
    --------
    >>> space_spec({"steps": Integer(1, 9)})
    {'steps': {'type': 'integer', 'low': 1, 'high': 9, 'log': False}}
    """
    return {name: dim.spec() for name, dim in check_space(space).items()}


def _check_params(space: dict[str, Dimension], params: dict[str, Any]) -> None:
    """Check that ``params`` is a dict with exactly the names of ``space``."""
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of name -> value, got {params!r}")
    if params.keys() != space.keys():
        missing, extra = space.keys() - params.keys(), params.keys() - space.keys()
        raise ValueError(
            f"params must have the names of the space {list(space)}, got {params!r} "
            f"(missing {sorted(missing)}, unknown {sorted(extra, key=repr)})"
        )


def to_unit(space: dict[str, Dimension], params: dict[str, Any]) -> NDArray[np.float64]:
    """The point ``u`` ``(k,)`` of the unit cube for ``params`` (one coordinate per dimension).

    Examples
    --------
    >>> space = {"lr": Real(1e-4, 1.0, log=True), "opt": Categorical(["sgd", "adam"])}
    >>> to_unit(space, {"lr": 1e-2, "opt": "adam"})
    array([0.5 , 0.75])
    """
    space = check_space(space)
    _check_params(space, params)
    return np.array([dim.to_unit(params[name]) for name, dim in space.items()])


def from_unit(space: dict[str, Dimension], u: ArrayLike) -> dict[str, Any]:
    """The params dict at the point ``u`` ``(k,)`` (coordinates clipped to ``[0, 1]``).

    Examples
    --------
    >>> from_unit({"lr": Real(0.0, 2.0), "steps": Integer(1, 4)}, [0.25, 0.3])
    {'lr': 0.5, 'steps': 2}
    """
    space = check_space(space)
    u = np.asarray(u, dtype=np.float64)
    if u.shape != (len(space),):
        raise ValueError(f"u must have shape ({len(space)},), got shape {u.shape}")
    return {
        name: dim.from_unit(float(ui))
        for (name, dim), ui in zip(space.items(), u, strict=True)
    }


def sample(
    space: dict[str, Dimension], rng: int | np.random.Generator | None, n: int
) -> list[dict[str, Any]]:
    """``n`` points drawn uniformly in the unit cube, mapped through :func:`from_unit`.

    Parameters
    ----------
    space : dict
        The search space, ``k`` dimensions.
    rng : np.random.Generator or seed
        Coerced with ``np.random.default_rng`` (a Generator is used, and
        advanced, as is).
    n : int
        Number of points, ``>= 0``.

    Examples
    --------
    >>> points = sample({"steps": Integer(1, 4)}, np.random.default_rng(0), 3)
    >>> len(points), all(1 <= p["steps"] <= 4 for p in points)
    (3, True)
    """
    space = check_space(space)
    n = _checks.integer("sample", "n", n, low=0)
    u = np.random.default_rng(rng).random((n, len(space)))  # (n, k)
    return [from_unit(space, row) for row in u]


def grid(
    space: dict[str, Dimension], points: int | dict[str, int]
) -> list[dict[str, Any]]:
    """The product grid of the dimensions' grids, without duplicates.

    Parameters
    ----------
    space : dict
        The search space.
    points : int or dict
        Points per dimension: one int for all, or a dict ``name -> int``
        (Categorical dimensions may be left out: they use all their choices).

    Returns
    -------
    list of dict
        In product order: the last dimension varies fastest.

    Examples
    --------
    >>> grid({"lr": Real(0.0, 1.0), "opt": Categorical(["sgd", "adam"])}, 2)
    [{'lr': 0.0, 'opt': 'sgd'}, {'lr': 0.0, 'opt': 'adam'}, {'lr': 1.0, 'opt': 'sgd'}, {'lr': 1.0, 'opt': 'adam'}]
    """
    space = check_space(space)
    if isinstance(points, dict):
        unknown = points.keys() - space.keys()
        missing = [
            k
            for k, d in space.items()
            if k not in points and not isinstance(d, Categorical)
        ]
        if unknown or missing:
            raise ValueError(
                f"grid: points must give a size for each of {missing or list(space)}, "
                f"got {points!r}"
            )
        sizes = [points.get(name) for name in space]
    else:
        sizes = [points] * len(space)
    # n is None only for a Categorical, whose grid needs no size
    axes = [dim.grid(n) for dim, n in zip(space.values(), sizes, strict=True)]  # type: ignore[arg-type]
    return [dict(zip(space, point, strict=True)) for point in itertools.product(*axes)]


def param_key(space: dict[str, Dimension], params: dict[str, Any]) -> tuple[Any, ...]:
    """The values of ``params`` in space order: a hashable key to detect duplicates.

    Examples
    --------
    >>> param_key({"a": Integer(0, 3), "b": Categorical(["x", "y"])}, {"b": "y", "a": 2})
    (2, 'y')
    """
    space = check_space(space)
    _check_params(space, params)
    return tuple(params[name] for name in space)


def values(dim: Dimension) -> Sequence[Any] | None:
    """Every value of a discrete dimension, in order; ``None`` for a Real."""
    if isinstance(dim, Categorical):
        return dim.choices
    return range(dim.low, dim.high + 1) if isinstance(dim, Integer) else None


def size(space: dict[str, Dimension]) -> float:
    """The number of points of a space: ``math.inf`` if it has a ``Real``.

    Examples
    --------
    >>> size({"k": Integer(1, 4), "opt": Categorical(["sgd", "adam"])})
    8
    >>> size({"lr": Real(0.0, 1.0)})
    inf
    """
    axes = [values(dim) for dim in check_space(space).values()]
    if None in axes:
        return math.inf
    return math.prod(len(axis) for axis in axes if axis is not None)


def _finite_axes(space: dict[str, Dimension]) -> list[Sequence[Any]]:
    """The values of each dimension of a finite space of at most ``MAX_ENUMERATE`` points."""
    n = size(space)
    if n > MAX_ENUMERATE:
        raise ValueError(
            f"space: must be finite with at most {MAX_ENUMERATE} points to be "
            f"listed, got {n} points"
        )
    axes = [values(dim) for dim in space.values()]
    return [axis for axis in axes if axis is not None]  # all: no Real


def all_points(space: dict[str, Dimension]) -> list[dict[str, Any]]:
    """Every point of a finite space, in product order (the last dimension fastest).

    Raises ``ValueError`` for a space with a ``Real``, or one of more than
    ``MAX_ENUMERATE`` points.

    Examples
    --------
    >>> all_points({"k": Integer(1, 2), "opt": Categorical(["sgd", "adam"])})
    [{'k': 1, 'opt': 'sgd'}, {'k': 1, 'opt': 'adam'}, {'k': 2, 'opt': 'sgd'}, {'k': 2, 'opt': 'adam'}]
    """
    return [dict(zip(space, key, strict=True)) for key in all_keys(space)]


def all_keys(space: dict[str, Dimension]) -> list[tuple[Any, ...]]:
    """The :func:`param_key` of every point of :func:`all_points`, in the same order.

    Examples
    --------
    >>> all_keys({"k": Integer(1, 2), "opt": Categorical(["sgd", "adam"])})
    [(1, 'sgd'), (1, 'adam'), (2, 'sgd'), (2, 'adam')]
    """
    return list(itertools.product(*_finite_axes(space)))


def all_units(space: dict[str, Dimension]) -> NDArray[np.float64]:
    """The unit positions ``(size, k)`` of :func:`all_points`, in the same order.

    Examples
    --------
    >>> all_units({"k": Integer(1, 2), "opt": Categorical(["sgd", "adam"])})
    array([[0.25, 0.25],
           [0.25, 0.75],
           [0.75, 0.25],
           [0.75, 0.75]])
    """
    axes = _finite_axes(space)
    units = [
        np.array([dim.to_unit(v) for v in values])
        for dim, values in zip(space.values(), axes, strict=True)
    ]
    mesh = np.meshgrid(*units, indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=-1)
