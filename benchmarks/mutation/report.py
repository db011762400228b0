"""The tables: the score per killer and group of mutants, and the survivors.

The score is killed / (mutants - equivalent), per killer, for the ``code``
(method and function bodies: the issue's :data:`TARGET` is judged on it),
the ``declarations`` (the class level) and ``all``. Equivalent mutants and
the notes on the other survivors are in :mod:`benchmarks.mutation.survivors`;
the tables warn of an equivalent mutant that was killed and of an entry that
no mutant has any more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from benchmarks import harness
from benchmarks.harness import Column, Table
from benchmarks.mutation import survivors
from benchmarks.mutation.judging import MIN_TIMEOUT, TIMEOUT_FACTOR, WORKERS, Run
from benchmarks.mutation.killers import KILLERS, KIT_MAX_EXAMPLES, PYTEST_ARGS
from benchmarks.mutation.sandbox import FILES, TESTS

if TYPE_CHECKING:
    from benchmarks.mutation.mutator import Mutant

TARGET = 0.95  # issue 11: killed / (mutants - equivalent), on the code

GROUPS = ("code", "declarations", "all")


def _counts(result: Run, mutants: list[Mutant]) -> dict:
    """Mutants, killed (timeouts among them), equivalent, survivors and the score."""
    verdicts = [result.verdicts[m.key] for m in mutants]
    killed = sum(v.killed for v in verdicts)
    equivalent = sum(
        m.key in survivors.EQUIVALENT and not v.killed
        for m, v in zip(mutants, verdicts, strict=True)
    )
    judged = len(mutants) - equivalent
    return {
        "mutants": len(mutants),
        "killed": killed,
        "timeouts": sum(v.outcome == "timeout" for v in verdicts),
        "equivalent": equivalent,
        "survivors": judged - killed,
        "score": killed / judged if judged else None,
    }


def _target(score: float | None, quick: bool) -> dict:
    """The issue's target, judged on the code's score (not on a --quick sample)."""
    if quick:
        return harness.no_verdict("--quick judges a sample")
    if score is None:
        return harness.no_verdict("no mutant judged")
    return harness.target(score, TARGET, ">=", unit="")


def _rows(result: Run, mutants: list[Mutant], quick: bool) -> list[dict]:
    """The killer's rows: one per group of mutants (code, declarations, all)."""
    label = f"{result.killer}: {KILLERS[result.killer][0]}"
    if result.verdicts is None:
        baseline = result.baseline.seconds if result.baseline else None
        return [
            {
                "killer": label,
                "group": f"not run: {result.skipped}",
                "baseline": baseline,
            }
        ]
    rows = []
    for group in GROUPS:
        chosen = [m for m in mutants if group in ("all", m.group)]
        row = {"killer": label, "group": group} | _counts(result, chosen)
        if group == "code":
            row["target"] = _target(row["score"], quick)
        if group == "all":
            row |= {
                "seconds": result.seconds,
                "baseline": result.baseline.seconds,
                "timeout": result.timeout,
                "verdicts": {m.name: result.verdicts[m.key].to_dict() for m in mutants},
            }
        rows.append(row)
    return rows


def score_table(config, runs: dict[str, Run], judged, every, origin: str) -> Table:
    """Per killer and group: mutants, killed, equivalent, survivors, score, wall time."""
    rows = [
        row for result in runs.values() for row in _rows(result, judged, config.quick)
    ]
    return Table(
        name="mutation",
        title="Mutation score of the optimizers' property tests (before) and of "
        "the property kit (after): killed / (mutants - equivalent)",
        columns=[
            Column("killer", "killer"),
            Column("group", "mutants of"),
            Column("mutants", "mutants"),
            Column("killed", "killed"),
            Column("timeouts", "of which timeouts"),
            Column("equivalent", "equivalent"),
            Column("survivors", "survivors"),
            Column("score", "score", lambda s: f"{s:.1%}"),
            Column("seconds", "wall time", harness.fmt_seconds),
            Column("baseline", "unmutated copy", harness.fmt_seconds),
            Column("target", "target", harness.fmt_target),
        ],
        rows=rows,
        notes=_notes(config, runs, judged, every, origin),
    )


def _notes(config, runs, judged, every, origin: str) -> list[str]:
    notes = [
        f"Mutants of {', '.join(FILES)}: {len(every)} ("
        + ", ".join(f"{g} {sum(m.group == g for m in every)}" for g in GROUPS[:2])
        + "); 'code' is method and function bodies, 'declarations' the class "
        "level (field defaults, RANGES, ELEMENTWISE, DECOUPLED_WEIGHT_DECAY, the "
        "dataclass decorator). See the module docstring for the operators.",
        "Each mutant judged in a new process (forked from a warm server that "
        "has imported NumPy, Hypothesis, pytest and surfaces, never optim) in a "
        "fresh copy of optim/ with the one file changed, first on sys.path; each "
        "child checks that every optim module it imported came from the copy. "
        f"{WORKERS} at a time, one BLAS thread each; timeout max({MIN_TIMEOUT:g} "
        f"s, {TIMEOUT_FACTOR:g} x the unmutated copy's time), counted as killed; "
        "no shrinking (a verdict needs a failure, not the smallest one).",
        "before: `pytest " + " ".join(PYTEST_ARGS) + " tests/test_optim.py` on a "
        "copy of "
        + ", ".join(f"tests/{t}" for t in TESTS)
        + f" from {origin} (no torch "
        "trajectories, no docstring check), Hypothesis profile 'dev' (25 "
        "examples), seed 0. after: check_optimizer(cls, max_examples="
        f"{KIT_MAX_EXAMPLES}) (as many examples per property as the tests get) "
        "with no reference, on each class the file can change (defined in it, "
        "or a subclass of one, or importing from it: adam.py: Adam and AdamW; "
        "_lerp.py: RMSProp, Adam, AdamW), Hypothesis derandomized; killed if it "
        "raises.",
        f"Target (issue 11): at least {TARGET:.0%} of the non-equivalent mutants "
        "of the code killed. The declarations are scored apart: the kit takes a "
        "class's declared defaults and ranges as its specification (it draws from "
        "them and has no torch to compare with), so it can only catch those that "
        "break the steps; test_optim compares them with values written out.",
        "Score: killed / (mutants - equivalent); equivalent mutants are listed "
        "in benchmarks/mutation/survivors.py (EQUIVALENT) with their reasons, and are "
        "judged all the same (a killed one would contradict its reason, and "
        "count as killed).",
    ]
    if config.quick:
        notes.append(
            f"--quick: a fixed sample of {len(judged)} of the {len(every)} "
            "mutants (evenly spread); the scores are of the sample only."
        )
    return notes + _warnings(runs, judged, every)


def _warnings(runs, judged, every) -> list[str]:
    """Equivalent mutants that were killed, and table entries no mutant matches."""
    notes = []
    for result in runs.values():
        if result.verdicts is None:
            continue
        wrong = [
            m.name
            for m in judged
            if m.key in survivors.EQUIVALENT and result.verdicts[m.key].killed
        ]
        if wrong:
            listed = "; ".join(wrong)
            notes.append(
                f"WARNING: {result.killer} killed equivalent mutants: {listed}"
            )
    keys = {m.key for m in every}
    stale = [
        k for k in [*survivors.EQUIVALENT, *survivors.NOT_EQUIVALENT] if k not in keys
    ]
    if stale:
        notes.append(
            "WARNING: entries of EQUIVALENT / NOT_EQUIVALENT that no mutant has "
            f"(the source moved: update them): {stale}"
        )
    return notes


def survivors_table(runs: dict[str, Run], judged: list[Mutant]) -> Table:
    """Every mutant that some killer let live, with its classification."""
    done = {k: r for k, r in runs.items() if r.verdicts is not None}
    rows = []
    for m in judged:
        outcomes = {k: r.verdicts[m.key].outcome for k, r in done.items()}
        if "survived" in outcomes.values():
            rows.append(
                {"mutant": m.name, "group": m.group, "kind": m.kind}
                | outcomes
                | {"classification": survivors.classify(m)}
            )
    return Table(
        name="mutation-survivors",
        title="Survivors: the mutants that a killer did not kill",
        columns=[
            Column("mutant", "mutant (file:line:column `span` -> `replacement`)"),
            Column("group", "group"),
            Column("kind", "kind"),
            *[Column(k, k) for k in KILLERS],
            Column("classification", "classification"),
        ],
        rows=rows,
        notes=[f"{len(rows)} mutants survived at least one killer."],
    )
