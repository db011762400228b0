"""Background load for the benchmarks: one busy core, started and always stopped.

A user's machine is rarely idle (a browser, an editor, a build), and that
is where threads that wait on each other cost the most. :func:`busy_core`
keeps one core busy with a Python spin loop in a child process for the
length of a ``with`` block, and kills it when the block ends, however it
ends (an exception, Ctrl-C). Should this process die without running its
``finally`` (SIGKILL), the loop notices that its parent is gone and exits
within a fraction of a second, so no spinning process is left behind.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time

# `while True: pass`, but checking every million iterations (about 20 ms) that
# the process which started it is still its parent.
BUSY_LOOP = """\
import os
parent = os.getppid()
while os.getppid() == parent:
    for _ in range(1_000_000):
        pass
"""
START_SECONDS = 0.2  # let the loop start spinning before anything is timed


@contextlib.contextmanager
def busy_core():
    """Run the block with one core kept busy by a child process; yield the process.

    The child (``python -c BUSY_LOOP`` with this interpreter, its output
    discarded) is killed and waited for when the block ends, normally or by
    an exception, KeyboardInterrupt included.
    """
    proc = subprocess.Popen(
        [sys.executable, "-c", BUSY_LOOP],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(START_SECONDS)
        yield proc
    finally:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def background(busy: bool):
    """:func:`busy_core` if ``busy``, else nothing: the block runs as the machine is."""
    if not busy:
        yield None
        return
    with busy_core() as proc:
        yield proc
