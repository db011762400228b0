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

    Subclasses set the attributes below in ``__init__`` and implement
    ``value`` and ``grad`` (each starting with ``x = self._check(x)``); they may
    override ``value_and_grad`` to share work between the two.

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


def as_points(name: str, a, d: int) -> np.ndarray:
    """Convert a fixed point set (minimizers, start) to float64 of shape ``(k, d)``."""
    a = np.asarray(a, dtype=np.float64).reshape(-1, d)
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name}: points must be finite, got {a}")
    return a


def check_dim(cls_name: str, dim, min_dim: int = 1) -> int:
    """Validate a dimension argument: an integer ``>= min_dim``."""
    if isinstance(dim, bool) or not isinstance(dim, int | np.integer):
        raise TypeError(f"{cls_name}: dim must be an integer, got {dim!r}")
    if dim < min_dim:
        raise ValueError(f"{cls_name}: dim must be >= {min_dim}, got {dim}")
    return int(dim)
