"""Linear interpolation as torch computes it: the first moments of Adam and RMSProp."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from optim._hyper import Array, Hyper


def lerp(a: Array, b: Array, w: Hyper) -> Array:
    """``a + w (b - a)``, from the nearer end, as torch's ``lerp`` computes it.

    Equal in exact arithmetic to ``(1 - w) a + w b``. Torch computes it from
    ``a`` when ``w < 0.5`` and from ``b`` otherwise (its vectorized kernel
    may fuse the multiply-add, so the last bit can still differ)::

        a + w * (b - a)          if w < 0.5
        b - (b - a) * (1 - w)    otherwise

    so ``w = 1`` gives ``b`` exactly: the moving average of RMSProp with
    ``alpha = 0`` is the gradient itself, and centered RMSProp's variance
    ``v - ga**2`` is then exactly 0 (from ``a`` it can round below 0, and
    its root is NaN).

    Parameters
    ----------
    a, b : ndarray
        ``(*batch, d)``.
    w : float or ndarray
        The weight of ``b``; a float or a ``(*batch, 1)`` column.

    Returns
    -------
    ndarray
        ``(*batch, d)``.

    Examples
    --------
    >>> import numpy as np
    >>> lerp(np.array([10.0]), np.array([1.4021990500000001]), 1.0)
    array([1.40219905])
    """
    low = np.less(w, 0.5)
    if np.all(low):
        return a + w * (b - a)
    if not np.any(low):
        return b - (b - a) * (1 - w)
    return np.where(low, a + w * (b - a), b - (b - a) * (1 - w))
