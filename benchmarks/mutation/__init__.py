"""Mutation score of the optimizers' property tests: ``--only mutation``.

Every single-point change of the optimizer files (``optim/sgd.py``,
``rmsprop.py``, ``adam.py``, ``adamw.py``, and ``_lerp.py``, where Adam's
and RMSProp's moving averages are computed) is made, one at a time, in a
copy of the package, and two "killers" judge each mutant side by side:

* **before**: the property tests of ``tests/test_optim.py``, run by pytest
  with ``-x`` on a copy of the tests (``__init__``, ``conftest``,
  ``strategies`` and ``test_optim`` only: not the stored torch trajectories
  of ``test_optim_conformance.py``, not the docstring check of
  ``test_docs.py``), Hypothesis profile ``dev`` (25 examples), seed 0; the
  mutant is killed if pytest fails;
* **after**: the public property kit, ``optim.testing.check_optimizer(cls,
  max_examples=25)`` with no reference, on every optimizer class the
  mutated file can change (``killers.affected``: ``adam.py`` affects
  ``Adam`` and ``AdamW``), Hypothesis derandomized; killed if it raises.
  Run only if ``optim.testing`` exists.

The mutants, from a short mutator on Python's ``ast`` (``mutator.mutants``):
each rewrites the text of one node's span (``col_offset`` to
``end_col_offset``), so the rest of the file stays byte-identical:

* arithmetic: ``+`` <-> ``-``, ``*`` <-> ``/``, ``**`` -> ``*``;
* constants: ``0`` <-> ``1``, any other number ``n`` -> ``n + 1``;
* comparisons: ``==`` <-> ``!=``, ``<`` <-> ``<=``, ``>`` <-> ``>=``,
  ``in`` <-> ``not in``;
* signs: a unary minus removed, or added to a term of a sum (its first
  operand, or a whole product); not to the second operand of ``+``/``-``
  (that is the operator swap) nor to a later factor of a product (the sign
  passes through ``*`` and ``/`` exactly: the same program as the first);
* booleans: ``True`` <-> ``False``, ``and`` <-> ``or``, ``not`` removed, the
  condition of an ``if`` (statement or expression) negated, unless the test
  is an ``==``, ``!=``, ``in`` or ``not in`` (its swap is the negation).

Mutants that make the same program as an earlier one (the same ``ast``)
are dropped.

Scope: the code, not the docstrings (strings are never changed), not the
imports, the annotations or the ``if TYPE_CHECKING:`` blocks (never run).
The class-level declarations (field defaults, ``RANGES``, ``ELEMENTWISE``,
``DECOUPLED_WEIGHT_DECAY``, the ``dataclass(frozen=True, eq=False)``
decorator) are in scope as their own group, ``declarations``, judged by
the same killers and scored beside the ``code`` (method and function
bodies), on which the issue's target (``report.TARGET``) is judged: a
default or a range is part of the contract (DESIGN.md section 4), but the
kit takes a class's declared defaults and ranges as its specification (it
draws hyperparameters from them, and has no torch to compare with), so it
can only catch a declaration mutant that breaks the steps; the tests
compare them with values written out independently.

Judging: each mutant in a new process with a fresh copy of ``optim/`` (the
one file mutated) and of the tests, in a new temporary directory that is
its working directory and first on ``sys.path``. The process is forked from
a warm server (``servers.SERVER``: NumPy, Hypothesis, pytest and surfaces
imported, never optim), which saves the imports, most of a short
judgment's time. The child checks, before and after, that every ``optim``
module it imported came from the copy (else the run stops: the editable
install would have been judged). ``judging.WORKERS`` at a time, one BLAS
thread each; a per-mutant timeout (a hang counts as killed, "timeout"); no
shrinking (a verdict needs a failure, not the smallest one), no example
database. The unmutated copy is judged first by each killer: if it fails,
that killer's mutants are not judged, and the table says so.

Equivalent mutants (that cannot change behaviour) are listed in
``survivors.EQUIVALENT``, each with its reason; every survivor that is not
equivalent has a note in ``survivors.NOT_EQUIVALENT`` saying which
property would catch it. Score = killed / (mutants - equivalent).
``--quick`` judges a fixed sample of ``QUICK_SAMPLE`` mutants.

The package, one part per module: ``mutator`` (the mutants; its change
rules in ``rules``), ``sandbox`` (the snapshot, the fresh copies, the check
that a child imports the copy), ``servers`` (the warm servers and their
clean-up), ``killers`` (what a child runs "before" and "after"),
``judging`` (verdicts, timeouts, a killer over the mutants), ``report``
(the tables) and ``survivors`` (equivalent mutants and the notes on the
others); here, :func:`run`, the suite's entry point.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks import harness
from benchmarks.mutation.judging import Run, run_killer
from benchmarks.mutation.killers import KILLERS
from benchmarks.mutation.mutator import mutants
from benchmarks.mutation.report import score_table, survivors_table
from benchmarks.mutation.sandbox import FILES, KIT, has_kit, snapshot
from benchmarks.mutation.servers import Servers

if TYPE_CHECKING:
    from benchmarks.mutation.mutator import Mutant

QUICK_SAMPLE = 8  # mutants judged with --quick, spread evenly over the list


def sample(mutants: list[Mutant], k: int) -> list[Mutant]:
    """``k`` mutants spread evenly over the list, the first and the last included."""
    if len(mutants) <= k:
        return list(mutants)
    step = (len(mutants) - 1) / max(k - 1, 1)
    return [mutants[round(i * step)] for i in range(k)]


def run(config: harness.Config, env: dict):
    """Yield the score table, then the survivors table."""
    with tempfile.TemporaryDirectory(prefix="hpo-mutation-") as tmp:
        base = Path(tmp) / "base"
        sources, origin = snapshot(base)
        every = [m for f in FILES for m in mutants(f, sources[f])]
        judged = sample(every, QUICK_SAMPLE) if config.quick else every
        servers = Servers(Path(tmp))
        runs = {}
        try:
            for killer in KILLERS:
                if killer == "after" and not has_kit(base):
                    missing = f"neither {KIT}.py nor {KIT}/__init__.py exists yet"
                    runs[killer] = Run(killer, skipped=missing)
                    continue
                runs[killer] = run_killer(killer, judged, base, sources, servers)
        finally:
            servers.stop()
    yield score_table(config, runs, judged, every, origin)
    yield survivors_table(runs, judged)
