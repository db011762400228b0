"""Cosine annealing (Loshchilov and Hutter 2017), without and with warm restarts.

Each is torch's scheduler of the same name and arguments (without the
optimizer). ``CosineAnnealingLR`` is recursive in torch (``_next``), and
:meth:`~optim.schedules._schedule.Schedule.lrs` runs that recursion;
``CosineAnnealingWarmRestarts`` is its closed form in torch too.

References
----------
.. [1] I. Loshchilov, F. Hutter, "SGDR: Stochastic gradient descent with
   warm restarts", ICLR 2017, eq. 5.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np

from optim.schedules._schedule import NONNEGATIVE, Schedule, cos, divide, where

if TYPE_CHECKING:
    from optim._hyper import Hyper


@dataclasses.dataclass(frozen=True, eq=False)
class CosineAnnealingLR(Schedule):
    """Half a cosine from the lr down to ``eta_min`` over ``T_max`` steps: torch.optim.lr_scheduler.CosineAnnealingLR.

    After ``T_max`` the cosine goes on (back up, over the next ``T_max``
    steps), as torch's does.

    Parameters
    ----------
    T_max : int or array
        Steps of the half period, ``>= 1``.
    eta_min : float or array, default 0
        The lowest lr, ``>= 0``.
    base_lr : float or array, optional
        The highest lr, when it is an optimizer's ``lr`` (default: that
        optimizer's default lr, as torch takes the optimizer's).

    Notes
    -----
    torch computes each lr from the previous one (``_next``): the ratio of
    consecutive closed forms, and, one step after each minimum, an
    increment from it. The two differ by rounding that the recursion
    accumulates and that ``1 + cos`` near ``-1`` amplifies (about 1e-9
    relative near the minimum for ``T_max`` in the thousands);
    :meth:`lrs` runs torch's recursion, so its numbers are torch's.

    Examples
    --------
    >>> CosineAnnealingLR(T_max=2).lrs(1.0, 4).round(12)
    array([1. , 0.5, 0. , 0.5])
    """

    T_max: Any
    eta_min: Hyper = 0.0
    base_lr: Hyper | None = dataclasses.field(default=None, kw_only=True)

    REALS = {"eta_min": NONNEGATIVE, "base_lr": NONNEGATIVE}
    INTEGERS = {"T_max": 1}

    def _closed(self, base: Hyper, e: Any) -> Any:
        """The closed form at epoch ``e = t - 1`` (eq. 5 of the paper, ``T_cur = e``).

        In numbered lines::

            (1) lr = eta_min + (base - eta_min) * (1 + cos(pi * e / T_max)) / 2

        The same numbers as :meth:`lrs` up to rounding.
        """
        eta_min, T_max, pi = self.eta_min, self.T_max, np.pi
        lr = eta_min + (base - eta_min) * (1 + cos(pi * e / T_max)) / 2  # (1)
        return lr

    def _start(self, lr: Any, base: Hyper) -> Any:
        """Torch's first step leaves the lr."""
        return lr

    def _next(self, lr: Any, e: Any, base: Hyper) -> Any:
        """Torch's recursion, from the current ``lr``.

        In numbered lines::

            (1) up = lr + (base - eta_min) * (1 - cos(pi / T_max)) / 2
            (2) ratio = divide(1 + cos(pi * e / T_max), 1 + cos(pi * (e - 1) / T_max))
            (3) down = ratio * (lr - eta_min) + eta_min
            (4) lr = where((e - 1 - T_max) % (2 * T_max) == 0, up, down)

        Line (1) is the step after a minimum, where the ratio (2) would
        divide by ``1 + cos(pi) = 0`` (``divide`` gives inf there, unused).
        """
        eta_min, T_max, pi = self.eta_min, self.T_max, np.pi
        up = lr + (base - eta_min) * (1 - cos(pi / T_max)) / 2  # (1)
        ratio = divide(1 + cos(pi * e / T_max), 1 + cos(pi * (e - 1) / T_max))  # (2)
        down = ratio * (lr - eta_min) + eta_min  # (3)
        lr = where((e - 1 - T_max) % (2 * T_max) == 0, up, down)  # (4)
        return lr


@dataclasses.dataclass(frozen=True, eq=False)
class CosineAnnealingWarmRestarts(Schedule):
    """Cosine annealing restarted every ``T_i`` steps, ``T_i`` growing by ``T_mult``: torch's CosineAnnealingWarmRestarts.

    Parameters
    ----------
    T_0 : int or array
        Steps of the first period, ``>= 1``.
    T_mult : int or array, default 1
        Factor of each period's length over the last, ``>= 1``.
    eta_min : float or array, default 0
        The lowest lr, ``>= 0``.
    base_lr : float or array, optional
        As in :class:`CosineAnnealingLR`.

    Examples
    --------
    >>> CosineAnnealingWarmRestarts(T_0=2).lrs(1.0, 4)
    array([1. , 0.5, 1. , 0.5])
    """

    T_0: Any
    T_mult: Any = 1
    eta_min: Hyper = 0.0
    base_lr: Hyper | None = dataclasses.field(default=None, kw_only=True)

    REALS = {"eta_min": NONNEGATIVE, "base_lr": NONNEGATIVE}
    INTEGERS = {"T_0": 1, "T_mult": 1}
    CLOSED = True  # torch computes the closed form too

    def _closed(self, base: Hyper, e: Any) -> Any:
        """The closed form at epoch ``e = t - 1`` (torch's, from its period count).

        In numbered lines::

            (1) T_cur, T_i = self.period(e)
            (2) lr = eta_min + (base - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2

        The same numbers as :meth:`lrs` up to rounding.
        """
        eta_min, pi = self.eta_min, np.pi
        T_cur, T_i = self.period(e)  # (1)
        lr = eta_min + (base - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2  # (2)
        return lr

    def period(self, e: Any) -> tuple[Any, Any]:
        """Steps since the last restart ``T_cur`` and the current period ``T_i``, at epoch ``e``.

        Periods of ``T_0``, ``T_0 * T_mult``, ``T_0 * T_mult**2``, ...: a
        period ends where ``T_cur`` reaches ``T_i`` (integers, exact).
        """
        e, T_0, T_mult = np.broadcast_arrays(np.asarray(e), self.T_0, self.T_mult)
        start, T_i, grows = np.zeros_like(e), T_0.copy(), T_mult > 1
        while np.any(ended := grows & (e >= start + T_i)):
            start = np.where(ended, start + T_i, start)
            T_i = np.where(ended, T_i * T_mult, T_i)
        T_cur = np.where(grows, e - start, e % T_0)
        return (T_cur, T_i) if T_cur.ndim else (int(T_cur), int(T_i))

    def _start(self, lr: Any, base: Hyper) -> Any:
        """Torch's first step: the closed form at 0."""
        return self._closed(base, 0)

    def _next(self, lr: Any, e: Any, base: Hyper) -> Any:
        """Torch's step: the closed form (it does not read the current lr)."""
        return self._closed(base, e)
