"""BLAS threads for the library's small linear algebra: one, unless a product is large.

NumPy and SciPy each load an OpenBLAS that starts a thread per core. On this
project's matrices (a Gaussian process of tens to hundreds of points, tens of
configurations times a few hundred rows times ten weights) a second thread
gains little, and when other programs keep the cores busy the threads spin
waiting for each other. So the library runs its training, its Gaussian-process
fits and its acquisition search inside :func:`blas_threads`, which limits
every loaded BLAS to one thread and restores each library's previous count on
leaving; outside it, the user's setting (``OPENBLAS_NUM_THREADS``,
``threadpoolctl``) is untouched.

The rule, measured on this project's 2-core machine (OpenBLAS 0.3.30/0.3.31,
median time of the default 2 threads over 1 thread, ranges over runs;
"quiet": other work only, load 2 to 5; "busy": one more spinning process,
load 4 to 7)::

    work (multiply-adds)                      quiet          busy
    LinearRegression.value_and_grad, one weight vector (gemv, n * d):
      1e6   (n = 2000,  d = 500)              0.90 - 1.18    1.20
      5e6   (n = 5000,  d = 1000)             0.79 - 1.76    1.62
      1e7   (n = 5000,  d = 2000)             0.71 - 1.40    1.44
      2e7   (n = 10000, d = 2000)             0.77 - 0.91    0.86 - 0.93
      4e7   (n = 20000, d = 2000)             0.74 - 0.84    0.81 - 0.86
      1e8   (n = 20000, d = 5000)             0.77           0.82
    value_and_grad, K weight vectors (gemm, K * n * d):
      6e5   (K = 200,   n = 266,  d = 11)     2.2            2.5
      3e6   (K = 1000,  n = 266,  d = 11)     0.90 - 13      29
      2e7   (K = 200,   n = 1000, d = 100)    17             20
      1e8   (K = 200,   n = 2000, d = 250)    3.3            4.0
    GaussianProcess.fit (Cholesky, n**3 / 3):
      n = 30 / 200 / 500 / 1000               9 to 160 (load 4 to 7)

So a matrix-vector product keeps the default threads from ``LARGE = 2e7``
multiply-adds (a single regression with ``d`` in the thousands), where they
were faster both quiet and busy; everything else (batches of weight vectors,
the Gaussian process) runs on one thread, where a second one lost up to 20
times on a busy machine and gained at most 1.4 on a quiet one.

Threads: each block restores, on leaving, the counts it found on entering,
so nested blocks in one thread restore the caller's setting. Blocks that
overlap in several threads (a search on a thread pool; this project's pools
are processes) can leave the limit behind: with this OpenBLAS, a thread other
than the one that lowered the count could not raise it again (measured), so
no bookkeeping here can restore it from another thread.

``threadpoolctl.threadpool_limits`` rescans the loaded libraries at every
entry (about 1 ms); a cached ``ThreadpoolController`` limits in about 20 us.
SciPy's OpenBLAS is loaded only once ``scipy.linalg`` is imported (the library
imports SciPy lazily), so the cached controller is rebuilt once that happens.
"""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from threadpoolctl import ThreadpoolController

# Multiply-adds of a matrix-vector product from which the default threads stay.
LARGE = 2e7

# "scipy.linalg" in sys.modules -> a controller of the BLAS libraries then loaded
_controllers: dict[bool, ThreadpoolController] = {}


def blas_threads(matvec: float = 0) -> contextlib.AbstractContextManager[object]:
    """One BLAS thread in the ``with`` block, unless ``matvec >= LARGE``.

    Parameters
    ----------
    matvec : float, default 0
        Multiply-adds of the block's matrix-vector product: ``n * d`` for one
        weight vector on ``n`` rows of ``d`` features. ``0`` for work made of
        matrix-matrix products (a batch of weight vectors, a Gaussian
        process), which always runs on one thread.

    Returns
    -------
    context manager
        Limits every loaded BLAS to one thread on entry and restores each
        library's previous count on exit; does nothing for a large ``matvec``.

    Examples
    --------
    >>> import numpy as np
    >>> from threadpoolctl import threadpool_info
    >>> with blas_threads():
    ...     r = np.ones((100, 10)) @ np.ones((10, 300))
    ...     {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"}
    {1}
    """
    if matvec >= LARGE:
        return contextlib.nullcontext()
    return _controller().limit(limits=1, user_api="blas")


def _controller() -> ThreadpoolController:
    """The BLAS libraries loaded now (built once, again once SciPy's is loaded)."""
    key = "scipy.linalg" in sys.modules
    if key not in _controllers:
        from threadpoolctl import ThreadpoolController  # 20 ms: only when used

        _controllers[key] = ThreadpoolController()
    return _controllers[key]
