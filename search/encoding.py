"""The mixed-space encoding: what a model of the objective sees of a point.

Each ``Real`` or ``Integer`` dimension is one coordinate, its position ``u``
in ``[0, 1]`` (log-warped where asked, see :mod:`search.dimensions`). A
``Categorical`` with ``c`` choices is ``c`` coordinates, one-hot: the
distance between two choices is the same for every pair, so a model does not
invent an order among them. ``k`` dimensions give ``K >= k`` coordinates.

A point anywhere in the encoded cube ``[0, 1]^K`` is *snapped* to a feasible
one: an integer's coordinate to the nearest integer's position (the centre
of its cell), a categorical block to the one-hot vector of its largest entry
(argmax). Everything is vectorized over ``n`` points: unit positions
``U`` ``(n, k)`` (as :func:`search.space.to_unit` gives them, one row a
point) and encodings ``E`` ``(n, K)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from search.dimensions import Categorical, Dimension, Integer
from search.space import check_space

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

# Integers with at most this many values are snapped exactly; wider ones are
# nearly continuous and are only rounded when decoded.
MAX_SNAP = 4096


class Encoding:
    """The encoding of one space: ``encode``, ``decode`` and ``snap``.

    Attributes
    ----------
    space : dict
        The space, ``k`` dimensions.
    width : int
        ``K``, the number of coordinates.
    columns : list of slice
        The coordinates of each dimension, in space order.
    categorical : ndarray
        ``(K,)`` bool, true for the one-hot coordinates.

    Examples
    --------
    >>> from search.dimensions import Categorical, Real
    >>> enc = Encoding({"lr": Real(0.0, 1.0), "opt": Categorical(["sgd", "adam"])})
    >>> E = enc.encode(np.array([[0.2, 0.75]]))  # lr = 0.2, opt = "adam"
    >>> E, enc.decode(E)
    (array([[0.2, 0. , 1. ]]), array([[0.2 , 0.75]]))
    """

    def __init__(self, space: dict[str, Dimension]) -> None:
        self.space = check_space(space)
        self.columns: list[slice] = []
        # column -> integer positions
        self._centers: dict[int, NDArray[np.float64]] = {}
        start, categorical = 0, []
        for dim in self.space.values():
            width = len(dim.choices) if isinstance(dim, Categorical) else 1
            self.columns.append(slice(start, start + width))
            categorical += [isinstance(dim, Categorical)] * width
            if isinstance(dim, Integer) and dim.high - dim.low < MAX_SNAP:
                units = [dim.to_unit(v) for v in range(dim.low, dim.high + 1)]
                self._centers[start] = np.array(units)
            start += width
        self.width = start
        self.categorical = np.array(categorical, dtype=bool)

    def encode(self, U: ArrayLike) -> NDArray[np.float64]:
        """Encodings ``(n, K)`` of unit positions ``U`` ``(n, k)``."""
        U = np.asarray(U, dtype=np.float64)
        E = np.zeros((U.shape[0], self.width))
        for j, (dim, cols) in enumerate(
            zip(self.space.values(), self.columns, strict=True)
        ):
            if isinstance(dim, Categorical):
                c = len(dim.choices)
                i = np.minimum((U[:, j] * c).astype(int), c - 1)  # u = (i + 0.5) / c
                E[np.arange(len(U)), cols.start + i] = 1.0
            else:
                E[:, cols.start] = U[:, j]
        return E

    def decode(self, E: ArrayLike) -> NDArray[np.float64]:
        """Unit positions ``(n, k)`` of encodings ``E`` ``(n, K)`` (one-hot by argmax)."""
        E = np.asarray(E, dtype=np.float64)
        U = np.empty((E.shape[0], len(self.space)))
        for j, (dim, cols) in enumerate(
            zip(self.space.values(), self.columns, strict=True)
        ):
            if isinstance(dim, Categorical):
                U[:, j] = (E[:, cols].argmax(axis=1) + 0.5) / len(dim.choices)
            else:
                U[:, j] = E[:, cols.start]
        return U

    def snap(self, E: ArrayLike) -> NDArray[np.float64]:
        """Feasible encodings ``(n, K)``: integers to cell centres, one-hot by argmax."""
        E = np.clip(E, 0.0, 1.0)
        for dim, cols in zip(self.space.values(), self.columns, strict=True):
            if isinstance(dim, Categorical):
                block = E[:, cols]  # (n, c)
                E[:, cols] = np.arange(block.shape[1]) == block.argmax(axis=1)[:, None]
            elif cols.start in self._centers:
                centers = self._centers[cols.start]
                i = np.searchsorted((centers[1:] + centers[:-1]) / 2, E[:, cols.start])
                E[:, cols.start] = centers[i]
        return E
