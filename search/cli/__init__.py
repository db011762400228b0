"""The ``hpo`` command line, one module per loop.

``hpo descend`` (:mod:`search.cli.descend`, the inner loop) runs optimizers
on a loss surface (an analytic test function, or least squares on the
shipped diabetes data) and prints how close each got to the known
minimizer; ``--plot`` draws their paths and loss curves.

``hpo search`` (:mod:`search.cli.tune`, the outer loop) tunes an optimizer's
hyperparameters on a problem (the diabetes data split into
train/validation/test, synthetic data, or a surface) with grid, random or
Bayesian search, through :func:`search.run`: it prints the trials, the best
hyperparameters and a comparison with the closed-form solution, and writes
``results.json``, ``trials.csv`` and plots.

Beside them: :mod:`search.cli.problems` (the problems both build),
:mod:`search.cli.tables` (the text tables), :mod:`search.cli._args` (option
types and path checks); the default settings and ranges come from
:mod:`search.defaults`.

Every subcommand is one function ``add_<command>(commands)`` that builds its
subparser ``p`` and sets ``p.set_defaults(run=..., parser=p)``, where ``run``
is a function ``run(args, parser) -> int`` (``parser`` for its errors);
:func:`build_parser` lists them, so adding a command is writing one such
function and adding it there. argparse and the commands are imported when
the parser is built, matplotlib only when a plot is written (in
:mod:`search.plots`) and SciPy only when a Bayesian search or a closed form
needs it, so ``hpo --help`` loads NumPy only.

Every error is one line on standard error and exit status 2, checked before
any training wherever it can be (paths written to, ranges, sizes); warnings
are one line each (``hpo: warning: ...``); a search whose every trial
failed exits with status 1.

Examples
--------
>>> main(["descend", "--optimizers", "sgd,adam", "--steps", "100"])
hpo descend: rosenbrock (d = 2), 100 steps from x0 = (-1.2, 1)
start loss f(x0) = 24.2; minimum f* = 0 at (1, 1)
<BLANKLINE>
optimizer    hyperparameters         final loss  f - f*    dist to minimizer  steps  diverged
-----------  ----------------------  ----------  --------  -----------------  -----  --------
sgd          lr=0.001, momentum=0.9  0.143067    1.43e-01  7.22e-01           100    no
adam         lr=0.02                 4.04789     4.05e+00  2.01e+00           100    no
(minimizer)  known                   0           0         0                  -      -
0
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from search._blas import blas_threads

if TYPE_CHECKING:
    import argparse

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``hpo`` command line with ``argv`` (default: ``sys.argv[1:]``).

    Parameters
    ----------
    argv : list of str, optional
        The arguments after the program name.

    Returns
    -------
    int
        The exit status, 0 on success (bad options raise ``SystemExit(2)``
        from argparse, with a message on stderr).
    """
    args = build_parser().parse_args(argv)
    command: argparse.ArgumentParser = args.parser  # the subcommand's, for errors
    # The command line's problems are small (d <= 11, a few hundred rows): one
    # BLAS thread throughout (search._blas); the library limits its own work
    # too, on SciPy's BLAS as well once a model has loaded it.
    with _one_line_warnings(), blas_threads():
        try:
            return args.run(args, command)
        except OSError as error:  # a write that failed after the checks (disk full)
            command.exit(2, f"hpo {args.command}: error: {error}\n")
        except KeyboardInterrupt:  # Ctrl-C before the search's own handler
            command.exit(130, "\ninterrupted\n")


def build_parser() -> argparse.ArgumentParser:
    """Build the ``hpo`` parser, with one subparser per command."""
    from search.cli._args import Parser
    from search.cli.descend import add_descend
    from search.cli.tune import add_search

    parser = Parser(
        prog="hpo",
        description="The two loops of hyperparameter optimization, from scratch.",
    )
    parser.add_argument("--version", action="version", version=f"hpo {_version()}")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", title="commands"
    )
    for add in (add_descend, add_search):
        add(commands)
    return parser


@contextlib.contextmanager
def _one_line_warnings() -> Iterator[None]:
    """In the block, a warning prints as ``hpo: warning: message``, one line."""
    before = warnings.formatwarning
    warnings.formatwarning = _format_warning
    try:
        yield
    finally:
        warnings.formatwarning = before


def _format_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    line: str | None = None,
) -> str:
    """``warnings.formatwarning`` without the source: ``hpo: warning: message``."""
    return f"hpo: warning: {message}\n"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("hpo-from-scratch")
    except PackageNotFoundError:  # run from a source tree that was not installed
        return "unknown (not installed)"
