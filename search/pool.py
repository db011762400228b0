"""A process pool for trials whose workers die with the process that made it.

Give :func:`worker_pool` to :func:`search.run` as its ``executor``, in a
``with`` block::

    with worker_pool(4) as pool:
        result = run(objective, strategy, 100, executor=pool, storage="t.jsonl")

It is a :class:`concurrent.futures.ProcessPoolExecutor` with two changes:

* a worker exits (``os._exit``) within :data:`INTERVAL` seconds of its
  parent's death, however the parent died (``SIGKILL``, ``SIGTERM``, a
  crash), or of :meth:`WorkerPool.stop`, even in the middle of a trial, so
  a search nobody will collect stops using the CPUs;
* leaving the ``with`` block by an exception (``KeyboardInterrupt``, an
  error of the search) stops the pool at once instead of waiting for the
  running trials: their results would go nowhere.

Why a plain ``ProcessPoolExecutor`` is not enough:

* its idle workers wait on the call queue, a pipe whose write end every
  worker holds too (they inherited it), so the parent's death never ends
  their wait: killed with ``SIGKILL`` or ``SIGTERM``, the parent leaves them
  blocked forever;
* leaving its ``with`` block, or the interpreter's exit, joins the workers,
  so Ctrl-C waits for every running trial, however long, before it ends.

So each worker runs a watchdog, a daemon thread started by the pool's
``initializer``::

    while not stopped.value and os.getppid() == parent:   # else: reparented
        time.sleep(INTERVAL)
    os._exit(1)

``parent`` is the pool's process id and ``stopped`` a byte in shared memory
that :meth:`WorkerPool.stop` sets, both passed in ``initargs``. The flag has
no lock on purpose: a :class:`multiprocessing.Event` would be the obvious
choice, but its waiters register in a shared condition variable, and a worker
that ends while waiting (the pool's shutdown ends idle workers) stays
registered, so the parent's ``set()`` waits forever for it to wake. Workers
also ignore ``SIGINT``: a Ctrl-C in a terminal reaches the whole process
group, and it is for the parent to decide what it means (here: stop the
pool), not for each worker to die printing a traceback.

Why not ``prctl(PR_SET_PDEATHSIG)``: it exists on Linux only, and it fires
when the *thread* that started the worker ends, not the process: a
``ProcessPoolExecutor`` starts its workers from whichever thread submits
work, so a worker started from a short-lived thread would be killed while
its parent is alive and well.

The watchdog compares process ids, so the workers must be the pool's own
children: the start methods ``"fork"`` (the default on Linux up to Python
3.13) and ``"spawn"`` (macOS, Windows). With ``"forkserver"`` (the default
on Linux from Python 3.14) the workers are children of the fork server, so
:func:`worker_pool` uses ``"spawn"`` there.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import signal
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ctypes import c_byte
    from multiprocessing.context import BaseContext
    from types import TracebackType
    from typing import Literal

# Seconds between two looks at the parent: the longest an orphan outlives it.
INTERVAL = 0.2


def _watch(parent: int, stopped: c_byte, interval: float) -> None:
    """Worker initializer: ignore Ctrl-C; exit once ``parent`` is gone or ``stopped`` set."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watchdog() -> None:
        while not stopped.value and os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)  # now, without cleanup: a trial may be running

    threading.Thread(target=watchdog, name="watchdog", daemon=True).start()


class WorkerPool(concurrent.futures.ProcessPoolExecutor):
    """A ``ProcessPoolExecutor`` whose workers exit with their parent or on :meth:`stop`.

    Build it with :func:`worker_pool`.
    """

    def __init__(self, max_workers: int | None, mp_context: BaseContext) -> None:
        self._stopped: c_byte = mp_context.RawValue("b", 0)  # a shared byte, no lock
        super().__init__(
            max_workers,
            mp_context=mp_context,
            initializer=_watch,
            initargs=(os.getpid(), self._stopped, INTERVAL),
        )

    def stop(self) -> None:
        """End the pool now: every worker exits, even in the middle of a call.

        Returns once the workers are gone (within :data:`INTERVAL` seconds):
        running calls are not waited for, and their futures and the pending
        ones end cancelled or with ``BrokenProcessPool``. The pool cannot be
        used again.
        """
        self._stopped.value = 1
        # Waiting (for the watchdogs only) lets the pool's manager thread end
        # before the interpreter's exit, which would otherwise race it: with
        # shutdown(wait=False), a Ctrl-C sometimes ended with a traceback.
        self.shutdown(wait=True, cancel_futures=True)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> Literal[False]:
        if kind is None:
            self.shutdown(wait=True)
        else:  # nobody will collect the running trials: do not wait for them
            self.stop()
        return False


def worker_pool(
    max_workers: int | None = None, *, mp_context: BaseContext | None = None
) -> WorkerPool:
    """A process pool for :func:`search.run` whose workers die with this process.

    Parameters
    ----------
    max_workers : int, optional
        Number of worker processes (default: ``os.cpu_count()``).
    mp_context : multiprocessing context, optional
        How workers start: ``multiprocessing.get_context("fork")`` or
        ``("spawn")`` (default: this platform's default, or ``"spawn"`` where
        that is ``"forkserver"``, whose workers are not our children).

    Returns
    -------
    WorkerPool
        A :class:`concurrent.futures.ProcessPoolExecutor` with a ``stop()``
        method; leaving its ``with`` block by an exception calls it.

    Raises
    ------
    ValueError
        If ``mp_context`` uses another start method than fork or spawn.

    Examples
    --------
    >>> with worker_pool(2) as pool:
    ...     pool.submit(pow, 2, 10).result()
    1024
    """
    if mp_context is None:
        mp_context = multiprocessing.get_context()
        if mp_context.get_start_method() == "forkserver":
            mp_context = multiprocessing.get_context("spawn")
    method = mp_context.get_start_method()
    if method not in ("fork", "spawn"):
        raise ValueError(
            f"worker_pool: mp_context must start workers by 'fork' or 'spawn' "
            f"(each watches its parent's process id), got {method!r}"
        )
    return WorkerPool(max_workers, mp_context)
