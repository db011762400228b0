"""The surface interface: a differentiable function on R^d with a known minimum.

Every surface takes points ``x`` of shape ``(*batch, d)`` (coordinates on the
last axis, any number of leading axes) and returns values ``(*batch,)`` and
gradients ``(*batch, d)``. A surface is also callable: ``s(x)`` returns
``(value, grad)``, the form :func:`optim.minimize` expects.
"""

from __future__ import annotations

import numpy as np


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
    :func:`check_dim`, fixed-dimension ones accept only their own with
    :func:`check_fixed_dim`.

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
    bounds: tuple[np.ndarray, np.ndarray]
    minimizers: np.ndarray
    minimum: float
    start: np.ndarray

    def __init__(self, *, dim, bounds, minimizers, minimum, start):
        cls = type(self).__name__
        d = check_dim(cls, dim)
        # a number for a bound stands for the same bound in every coordinate
        low, high = (np.full(d, b) if np.ndim(b) == 0 else b for b in bounds)
        low = _floats(cls, "bounds[0]", low, (d,))
        high = _floats(cls, "bounds[1]", high, (d,))
        if not np.all(low < high):
            raise ValueError(f"{cls}: bounds must have low < high, got {low}, {high}")
        minimizers = _floats(cls, "minimizers", minimizers, (None, d))  # (k, d)
        start = _floats(cls, "start", start, (d,))
        for attr, points in [("minimizers", minimizers), ("start", start)]:
            if not np.all((low <= points) & (points <= high)):
                msg = f"must lie in bounds [{low}, {high}], got {points}"
                raise ValueError(f"{cls}: {attr} {msg}")
        self.dim = d
        self.bounds = (low, high)
        self.minimizers = minimizers
        self.minimum = float(_floats(cls, "minimum", minimum, ()))
        self.start = start

    def _check(self, x) -> np.ndarray:
        """Return ``x`` as a float64 array after checking its last axis is ``dim``."""
        if type(x) is not np.ndarray or x.dtype != np.float64:
            try:
                x = np.asarray(x, dtype=np.float64)
            except (TypeError, ValueError) as err:
                raise TypeError(
                    f"{type(self).__name__}: x must be an array of numbers, got {x!r}"
                ) from err
        if x.ndim == 0 or x.shape[-1] != self.dim:
            raise ValueError(
                f"{type(self).__name__}: x must have shape (*batch, {self.dim}), "
                f"got shape {x.shape}"
            )
        return x

    def value(self, x) -> np.ndarray:
        """Value at ``x`` ``(*batch, d)``; returns ``(*batch,)``."""
        raise NotImplementedError

    def grad(self, x) -> np.ndarray:
        """Gradient at ``x`` ``(*batch, d)``; returns ``(*batch, d)``."""
        raise NotImplementedError

    def value_and_grad(self, x) -> tuple[np.ndarray, np.ndarray]:
        """Value ``(*batch,)`` and gradient ``(*batch, d)`` at ``x`` ``(*batch, d)``."""
        return self.value(x), self.grad(x)

    def __call__(self, x) -> tuple[np.ndarray, np.ndarray]:
        """Same as :meth:`value_and_grad`, so a surface can be passed to minimize."""
        return self.value_and_grad(x)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(dim={self.dim})"


def check_dim(cls_name: str, dim, min_dim: int = 1) -> int:
    """Validate a dimension argument: an integer ``>= min_dim``."""
    if isinstance(dim, bool) or not isinstance(dim, int | np.integer):
        raise TypeError(f"{cls_name}: dim must be an integer, got {dim!r}")
    if dim < min_dim:
        raise ValueError(f"{cls_name}: dim must be >= {min_dim}, got {dim}")
    return int(dim)


def check_fixed_dim(cls_name: str, dim, fixed: int) -> int:
    """Validate ``dim`` for a surface defined in ``fixed`` dimensions only."""
    if check_dim(cls_name, dim) != fixed:
        raise ValueError(f"{cls_name}: dim must be {fixed}, got {dim}")
    return fixed


def _floats(cls_name: str, attr: str, a, shape: tuple) -> np.ndarray:
    """``a`` as a new finite float64 array of ``shape``, where None is any k >= 1.

    Leading axes of length 1 are added as needed: one minimizer may be ``(d,)``.
    """
    try:
        a = np.array(a, dtype=np.float64, ndmin=len(shape))
    except (TypeError, ValueError) as err:
        raise TypeError(f"{cls_name}: {attr} must be numbers, got {a!r}") from err
    want = str(shape).replace("None", "k")
    if a.ndim != len(shape) or not all(
        n == m if m is not None else n >= 1 for n, m in zip(a.shape, shape, strict=True)
    ):
        raise ValueError(f"{cls_name}: {attr} must have shape {want}, got {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{cls_name}: {attr} must be finite, got {a}")
    return a
