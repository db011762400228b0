"""The copies judged, and the check that a child imports ``optim`` from its copy.

:func:`snapshot` copies ``optim/`` and the tests "before" once, when the run
starts; :func:`fresh_copy` makes a new copy of that snapshot, the one file
mutated, for each judgment; :data:`CHILD_PRELUDE` starts every child's
script: it refuses to run (exit :data:`WRONG_COPY`) if ``optim`` would come
from anywhere but its copy, so the editable install is never judged.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from benchmarks.mutation.mutator import Mutant

ROOT = Path(__file__).resolve().parents[2]  # the source tree whose optim/ is copied
FILES = (
    "optim/sgd.py",
    "optim/rmsprop.py",
    "optim/adam.py",
    "optim/adamw.py",
    "optim/_lerp.py",  # Adam's and RMSProp's moving averages (moved out of their files)
)
TESTS = ("__init__.py", "conftest.py", "strategies.py", "test_optim.py")
# The tests "before": as of the last commit before optim.testing (issue 11).
BEFORE = "6e308981ffd613eb3f070e1555ca481acf557344"
KIT = "optim/testing"  # the kit: a module (testing.py) or a package (testing/)
WRONG_COPY = 97  # exit status of a child that imported optim from elsewhere


def snapshot(where: Path) -> tuple[dict[str, str], str]:
    """Copy ``optim/`` and the tests judged into ``where``.

    Returns the sources mutated (file -> text) and where the tests came
    from. One copy, taken when the run starts, is what every mutant is made
    from and judged in: a change to the tree during the run changes
    nothing. A ``pytest.ini`` makes ``where`` pytest's root directory (no
    ``addopts`` from the project's configuration).
    """
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "optim", where / "optim", ignore=ignore)
    (where / "tests").mkdir()
    tests, origin = before_tests()
    for name, text in tests.items():
        (where / "tests" / name).write_bytes(text)
    (where / "pytest.ini").write_text("[pytest]\n")
    return {f: (where / f).read_bytes().decode() for f in FILES}, origin


def before_tests() -> tuple[dict[str, bytes], str]:
    """The files of ``TESTS`` as of ``BEFORE`` (git), else the working tree's.

    Issue 11 moves the shared properties of ``tests/test_optim.py`` into the
    kit, so the tests "before" are read from the last commit before it.
    """
    try:
        found = {name: _git_show(f"{BEFORE}:tests/{name}") for name in TESTS}
        return found, f"commit {BEFORE[:7]} (git), the last before optim.testing"
    except (OSError, subprocess.CalledProcessError) as err:
        why = getattr(err, "stderr", b"").decode().strip() or str(err)
        found = {name: (ROOT / "tests" / name).read_bytes() for name in TESTS}
        return found, f"the working tree (commit {BEFORE[:7]} not found: {why})"


def _git_show(spec: str) -> bytes:
    command = ["git", "-C", str(ROOT), "show", spec]
    return subprocess.run(command, capture_output=True, check=True).stdout


def has_kit(root: Path = ROOT) -> bool:
    """Whether ``optim.testing`` exists (a module or a package) under ``root``."""
    return (root / f"{KIT}.py").exists() or (root / KIT / "__init__.py").exists()


@contextlib.contextmanager
def fresh_copy(
    base: Path, mutant: Mutant | None, sources: dict[str, str]
) -> Iterator[Path]:
    """Yield a new copy of ``base`` with ``mutant`` made (None: unmutated).

    The copy is in a new temporary directory beside ``base``, removed on
    exit; ``sources`` are the texts the mutants are made from (file -> text).
    """
    with tempfile.TemporaryDirectory(prefix="mutant-", dir=base.parent) as tmp:
        where = Path(tmp) / "copy"
        shutil.copytree(base, where)
        if mutant is not None:
            mutated = mutant.apply(sources[mutant.file])
            (where / mutant.file).write_bytes(mutated.encode())
        yield where


# The start of both child scripts: a CPU-time limit (a child that spins dies
# even if no one is left to kill it), and a check that `optim` resolves to the
# copy (sys.argv[1]) before anything is imported; `_check()` runs again at the
# end, over every optim module the child imported.
CHILD_PRELUDE = f"""\
import importlib.util, os, sys
try:
    import resource
    resource.setrlimit(resource.RLIMIT_CPU, (int(sys.argv[2]),) * 2)
except (ImportError, ValueError, OSError):
    pass
ROOT = os.path.realpath(sys.argv[1]) + os.sep
def _outside():
    files = [getattr(m, "__file__", None) or "?" for n, m in list(sys.modules.items())
             if n.split(".")[0] == "optim"]
    return [f for f in files if not os.path.realpath(f).startswith(ROOT)]
def _check():
    bad = _outside()
    origin = getattr(importlib.util.find_spec("optim"), "origin", None) or "?"
    if bad or not os.path.realpath(origin).startswith(ROOT):
        print("optim imported from outside the copy:", origin, bad, file=sys.stderr)
        os._exit({WRONG_COPY})
_check()
"""
