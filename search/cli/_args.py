"""Option types and path checks of ``hpo``: every refusal is one line, before any work.

The option types turn text into a value or raise
:class:`argparse.ArgumentTypeError`, which argparse reports as ``hpo search:
error: argument --steps: must be an integer >= 1, got '0'``. The path checks
run before training: a path that cannot be written is refused without
changing anything there (an existing file is opened for appending, a new one
is tried beside it and removed).
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
from pathlib import Path
from typing import NoReturn

import numpy as np

import surfaces
from optim import OPTIMIZERS
from search.cli.problems import DATA_PROBLEMS, LINREG

# The most steps a run may train (--steps of both commands, steps in --space):
# 100,000 Adam steps on the diabetes data take about 1.5 s.
MAX_STEPS = 100_000


class Parser(argparse.ArgumentParser):
    """An argparse parser whose errors are one line: ``hpo search: error: ...``."""

    def error(self, message: str) -> NoReturn:
        """Exit with status 2 and ``message`` in one line on standard error."""
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# ---------------------------------------------------------------- names


def surface_name(text: str) -> str:
    """A registry surface, or ``linreg`` (``hpo descend --surface``)."""
    key = text.strip().lower().replace("-", "_")
    if key != LINREG and key not in surfaces.names():
        known = ", ".join([*surfaces.names(), LINREG])
        raise argparse.ArgumentTypeError(f"unknown surface {text!r}; known: {known}")
    return key


def problem_name(text: str) -> str:
    """A data problem or a registry surface (``hpo search --problem``)."""
    key = text.strip().lower().replace("-", "_")
    if key not in DATA_PROBLEMS and key not in surfaces.names():
        known = ", ".join([*DATA_PROBLEMS, *surfaces.names()])
        raise argparse.ArgumentTypeError(f"unknown problem {text!r}; known: {known}")
    return key


def optimizer_name(text: str) -> str:
    """One registry optimizer (``hpo search --optimizer``)."""
    key = text.strip().lower()
    if key not in OPTIMIZERS:
        raise argparse.ArgumentTypeError(
            f"unknown optimizer {text!r}; known: {', '.join(OPTIMIZERS)}"
        )
    return key


def optimizer_names(text: str) -> tuple[str, ...]:
    """Registry optimizers, comma-separated, repeats dropped (``--optimizers``)."""
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in OPTIMIZERS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown optimizer {', '.join(map(repr, unknown)) or repr(text)}; "
            f"known: {', '.join(OPTIMIZERS)}"
        )
    return tuple(dict.fromkeys(names))  # drop repeats, keep the order


def space_items(text: str) -> list[tuple[str, str | None]]:
    """``"lr=1e-4:1:log,b1"`` -> ``[("lr", "1e-4:1:log"), ("b1", None)]`` (syntax only)."""
    items = []
    for item in text.split(","):
        name, _, spec = item.partition("=")
        name = name.strip()
        if not name.isidentifier() or "=" in item and not spec.strip():
            raise argparse.ArgumentTypeError(
                f"expected NAME, NAME=LOW:HIGH[:log] or NAME=A|B|C separated by "
                f"commas, got {item!r} in {text!r}"
            )
        items.append((name, spec.strip() or None))
    return items


# ---------------------------------------------------------------- numbers


def learning_rate(text: str) -> float:
    """A finite number ``>= 0``."""
    try:
        lr = float(text)
    except ValueError:
        lr = math.nan
    if not (0 <= lr < math.inf):
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text!r}")
    return lr


def positive_int(text: str) -> int:
    """An integer ``>= 1``."""
    return _int_at_least(text, 1)


def seed(text: str) -> int:
    """An integer ``>= 0``."""
    return _int_at_least(text, 0)


def _int_at_least(text: str, low: int) -> int:
    try:
        n = int(text)
    except ValueError:
        n = low - 1
    if n < low:
        raise argparse.ArgumentTypeError(f"must be an integer >= {low}, got {text!r}")
    return n


def point(text: str) -> np.ndarray:
    """Finite numbers separated by commas, as an array ``(d,)``."""
    try:
        x = np.array([float(v) for v in text.split(",")])
    except ValueError:
        x = np.array([math.nan])
    if not np.all(np.isfinite(x)):
        raise argparse.ArgumentTypeError(
            f"must be finite numbers separated by commas, e.g. 1.5,-2; got {text!r}"
        )
    return x


def max_workers() -> int:
    """The CPUs this process may run on: the bound of ``--workers``.

    Each worker trains on one CPU; more processes than CPUs only wait for
    each other and add memory.
    """
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


# ---------------------------------------------------------------- paths


def check_plot_path(
    path: Path, known: list[str], parser: argparse.ArgumentParser
) -> None:
    """Before training: the extension is an image format ``known``, the file writable."""
    if path.suffix.lower().lstrip(".") not in known:
        parser.error(
            f"argument --plot: {str(path)!r} needs an image extension, one of: "
            f"{', '.join(known)}"
        )
    check_writable_file(path, "--plot", parser)


def check_writable_file(path: Path, flag: str, parser: argparse.ArgumentParser) -> None:
    """Before training: file ``path`` can be written, and nothing is changed.

    An existing regular file is opened for appending (its content untouched);
    for a new one a test file is created and removed beside it.
    """
    if path.is_dir():
        parser.error(f"argument {flag}: {path} is a directory")
    if path.exists() and not path.is_file():
        parser.error(f"argument {flag}: {path} is not a regular file")
    if not path.parent.is_dir():
        parser.error(f"argument {flag}: directory {path.parent} does not exist")
    try:
        if path.exists():
            with path.open("ab"):
                pass
        else:
            with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".hpo-check-"):
                pass
    except OSError as error:
        parser.error(f"argument {flag}: cannot write {path}: {error.strerror}")


def check_writable_dir(path: Path, flag: str, parser: argparse.ArgumentParser) -> None:
    """Before training: directory ``path`` can be made and written, with no trace.

    A test directory is made and removed in its nearest existing ancestor.
    """
    if path.exists() and not path.is_dir():
        parser.error(f"argument {flag}: {path} exists and is not a directory")
    ancestor = path
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        parser.error(f"argument {flag}: {ancestor} is not a directory")
    try:
        os.rmdir(tempfile.mkdtemp(dir=ancestor, prefix=".hpo-check-"))
    except OSError as error:
        parser.error(f"argument {flag}: cannot write in {ancestor}: {error.strerror}")
