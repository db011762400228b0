"""The surface interface: a differentiable function on R^d with a known minimum.

Every surface takes points ``x`` of shape ``(*batch, d)`` (coordinates on the
last axis, any number of leading axes) and returns values ``(*batch,)`` and
gradients ``(*batch, d)``. A surface is also callable: ``s(x)`` returns
``(value, grad)``, the form :func:`optim.minimize` expects.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from surfaces._checks import as_floats, check_array, check_dim


class Surface:
    """Base class of the analytic loss surfaces.

    Subclasses pass the attributes below to ``super().__init__``, which
    converts and checks them, and implement ``value`` and ``grad`` (each
    starting with ``x = self._check(x)``); they may override
    ``value_and_grad`` to share work between the two. A subclass whose
    attributes are computed lazily (``LinearRegression``) may set them itself
    instead.

    Every constructor takes ``dim``, so ``surfaces.get(name, dim=d)`` works
    for all: surfaces defined in any dimension check it with
    :func:`surfaces._checks.check_dim`, fixed-dimension ones accept only
    their own with :func:`surfaces._checks.check_fixed_dim`.

    A batch gives the numbers of one point at a time, bitwise wherever the
    formula is elementwise. So powers in ``value`` and ``grad`` are products
    (``x1 * x1``) or taken on arrays (slices ``x[..., :1]``), never on NumPy
    scalars (``x[..., 0]`` of one point): NumPy's ``**`` rounds differently on
    a scalar than on an array.

    Parameters
    ----------
    dim : int
        Number of coordinates ``d >= 1``.
    bounds : tuple
        ``(low, high)``, each a number or ``(d,)``, with ``low < high``.
    minimizers : array_like
        ``(d,)`` for one minimizer or ``(k, d)`` for ``k``, inside ``bounds``.
    minimum : float
        The value at the minimizers.
    start : array_like
        ``(d,)``, inside ``bounds``.

    Attributes
    ----------
    name : str
        Registry name, e.g. ``"rosenbrock"``.
    dim : int
        Number of coordinates ``d``.
    bounds : tuple of ndarray
        ``(low, high)``, each ``(d,)``: the customary search domain.
    minimizers : ndarray
        ``(k, d)``: every known global minimizer.
    minimum : float
        The global minimum value.
    start : ndarray
        ``(d,)``: the customary starting point for descent.
    """

    name: str = "surface"
    dim: int
    bounds: tuple[NDArray[np.float64], NDArray[np.float64]]
    minimizers: NDArray[np.float64]
    minimum: float
    start: NDArray[np.float64]

    def __init__(
        self,
        *,
        dim: int,
        bounds: tuple[ArrayLike, ArrayLike],
        minimizers: ArrayLike,
        minimum: float,
        start: ArrayLike,
    ) -> None:
        cls = type(self).__name__
        d = check_dim(cls, dim)
        # a number for a bound stands for the same bound in every coordinate
        low, high = (np.full(d, b) if np.ndim(b) == 0 else b for b in bounds)
        low = check_array(cls, "bounds[0]", low, (d,))
        high = check_array(cls, "bounds[1]", high, (d,))
        if not np.all(low < high):
            raise ValueError(f"{cls}: bounds must have low < high, got {low}, {high}")
        minimizers = check_array(cls, "minimizers", minimizers, ("k", d), ndmin=2)
        start = check_array(cls, "start", start, (d,), ndmin=1)
        for attr, points in [("minimizers", minimizers), ("start", start)]:
            if not np.all((low <= points) & (points <= high)):
                msg = f"must lie in bounds [{low}, {high}], got {points}"
                raise ValueError(f"{cls}: {attr} {msg}")
        self.dim = d
        self.bounds = (low, high)
        self.minimizers = minimizers
        self.minimum = float(check_array(cls, "minimum", minimum, ()))
        self.start = start

    def _check(self, x: ArrayLike) -> NDArray[np.float64]:
        """Return ``x`` as a float64 array after checking its last axis is ``dim``."""
        if type(x) is not np.ndarray or x.dtype != np.float64:
            x = as_floats(type(self).__name__, "x", x)
        if x.ndim == 0 or x.shape[-1] != self.dim:
            raise ValueError(
                f"{type(self).__name__}: x must have shape (*batch, {self.dim}), "
                f"got shape {x.shape}"
            )
        return x

    def value(self, x: ArrayLike) -> NDArray[np.float64]:
        """Value at ``x`` ``(*batch, d)``; returns ``(*batch,)``."""
        raise NotImplementedError

    def grad(self, x: ArrayLike) -> NDArray[np.float64]:
        """Gradient at ``x`` ``(*batch, d)``; returns ``(*batch, d)``."""
        raise NotImplementedError

    def value_and_grad(
        self, x: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Value ``(*batch,)`` and gradient ``(*batch, d)`` at ``x`` ``(*batch, d)``."""
        return self.value(x), self.grad(x)

    def __call__(self, x: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Same as :meth:`value_and_grad`, so a surface can be passed to minimize."""
        return self.value_and_grad(x)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(dim={self.dim})"
