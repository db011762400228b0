"""The warm servers that fork the children judging each mutant.

A server imports NumPy, Hypothesis, pytest and surfaces once (never
``optim``), then forks one child per request, which saves the imports, most
of a short judgment's time. Each server runs in its own process group with
its children: :meth:`Servers.stop` kills the groups, a hanging child is
killed at its timeout, and a spinning one by its own CPU-time limit.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

from benchmarks.mutation.sandbox import ROOT

ONE_THREAD = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")

# A warm server: NumPy, Hypothesis, pytest and surfaces imported (never optim),
# it forks one child per request (a JSON line on stdin): the child moves to the
# copy (its working directory and first on sys.path), sends its output to files
# there, runs the script and exits; the server kills it at the timeout and
# answers with its exit status (null: timed out). Imports are most of a short
# judgment's time; a fork is a new process all the same, with no optim in it.
SERVER = """\
import json, os, sys, time, traceback
sys.path.append(sys.argv[1])  # the source tree, last: surfaces (optim: the copy's)
import numpy, pytest, threadpoolctl, hypothesis.extra.numpy, hypothesis.strategies
import surfaces
if any(name.split(".")[0] == "optim" for name in sys.modules):
    sys.exit("the mutation server imported optim before any copy")

def child(request):
    where = request["where"]
    os.chdir(where)
    sys.path.insert(0, where)
    os.environ["PYTHONPATH"] = os.pathsep.join([where, os.environ.get("PYTHONPATH", "")])
    for fd, name in ((0, os.devnull), (1, "stdout.txt"), (2, "stderr.txt")):
        os.dup2(os.open(name, os.O_RDWR | os.O_CREAT | os.O_TRUNC), fd)
    sys.argv = ["-c", where, *request["argv"]]
    status = 1
    try:
        exec(compile(request["script"], "<judge>", "exec"), {"__name__": "__main__"})
        status = 0
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)

for line in sys.stdin:
    request = json.loads(line)
    pid = os.fork()
    if pid == 0:
        child(request)
    deadline, status = time.monotonic() + request["timeout"], None
    while time.monotonic() < deadline:
        done, code = os.waitpid(pid, os.WNOHANG)
        if done:
            status = os.waitstatus_to_exitcode(code)
            break
        time.sleep(0.005)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    print(json.dumps({"status": status}), flush=True)
"""


class Servers:
    """Warm servers (:data:`SERVER`), one per judgment running at a time.

    Each runs in its own process group with the children it forks;
    :meth:`stop` kills the groups (on any exit, Ctrl-C included). Should
    this process be killed first, a server ends at the end of its input,
    once its child has ended or timed out.
    """

    def __init__(self, cwd: Path):
        self.cwd = cwd
        self.lock = threading.Lock()
        self.started: list[subprocess.Popen] = []
        self.idle: queue.SimpleQueue = queue.SimpleQueue()
        self.stopped = False

    def run(self, script: str, args: list[str], where: Path, timeout: float):
        """Run ``script`` in a child in ``where``; return (status or None, stdout, stderr)."""
        server = self._take()
        try:
            request = {"script": script, "argv": args, "where": str(where)}
            server.stdin.write(json.dumps(request | {"timeout": timeout}) + "\n")
            server.stdin.flush()
            reply = server.stdout.readline()
        except (BrokenPipeError, ValueError):  # a server killed by stop()
            reply = ""
        if not reply:
            why = "the run was stopped" if self.stopped else "see its error above"
            raise RuntimeError(f"a mutation server ended ({why})")
        self.idle.put(server)
        files = ("stdout.txt", "stderr.txt")
        out, err = ((where / f).read_text(errors="replace") for f in files)
        return json.loads(reply)["status"], out, err

    def _take(self) -> subprocess.Popen:
        with contextlib.suppress(queue.Empty):
            return self.idle.get_nowait()
        with self.lock:
            if self.stopped:
                raise RuntimeError("mutation run stopped")
            server = subprocess.Popen(
                [sys.executable, "-c", SERVER, str(ROOT)],
                cwd=self.cwd,
                env=_environment(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                start_new_session=True,  # its own process group, with its children
            )
            self.started.append(server)
        return server

    def stop(self) -> None:
        """Start no more servers; kill every server with its child."""
        with self.lock:
            self.stopped = True
            for server in self.started:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(server.pid, signal.SIGKILL)
                server.wait()
                for pipe in (server.stdin, server.stdout):
                    with contextlib.suppress(OSError):
                        pipe.close()


def _environment() -> dict[str, str]:
    """The servers' environment: one BLAS thread, the tests' quick Hypothesis profile.

    ``HYPOTHESIS_PROFILE=dev`` whatever the caller's environment says (CI
    sets ``ci``), so that runs compare.
    """
    env = dict(os.environ)
    env.update(dict.fromkeys(ONE_THREAD, "1"))
    env.update(HYPOTHESIS_PROFILE="dev", PYTHONDONTWRITEBYTECODE="1")
    return env
