"""The mutation benchmark: its mutator, its copies, its killers and its children.

The mutator is checked against mutants written out by hand for a small
source; every mutant of the optimizer files against the original text
(changed at its span only); the killers on the unmutated copy (both must
pass it) and on a mutant that walks uphill (both must kill it); the copy
is checked to be what a child imports (and a child that would import the
editable source is refused); a hanging mutant is checked to time out, and
no child is left behind, by a timeout or by Ctrl-C.
"""

import ast
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks import SUITES, mutation
from benchmarks.mutation import judging, killers, mutator, report, sandbox, survivors
from benchmarks.mutation.mutator import Mutant
from benchmarks.mutation.servers import Servers

ROOT = Path(__file__).resolve().parents[1]
HAS_PROC = Path("/proc/self/stat").exists()
HANG = "__import__('time').sleep(1000) or 1e-3"  # sleeping uses no CPU time

SOURCE = '''\
"""A docstring: 1 + 2 is not changed, nor True."""
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    X = 1 + 2


class C:
    """Doc: x - 1."""

    lr: float = 0.5
    FLAG = True

    def step(self, x, g, t):
        """Step: 2 * x."""
        g = -g if self.maximize else g
        if t == 1 and x > 0:
            return x - self.lr * g
        if not t:
            return (1 - x) * g
        return x
'''
# (line, column, span text, replacement, kind, group), worked out by hand.
EXPECTED = [
    (11, 17, "0.5", "1.5", "constant", "declarations"),
    (12, 12, "True", "False", "boolean", "declarations"),
    (16, 13, "-g", "g", "sign", "code"),
    (16, 19, "self.maximize", "not (self.maximize)", "boolean", "code"),
    (17, 12, "t == 1 and x > 0", "not (t == 1 and x > 0)", "boolean", "code"),
    (17, 12, "t == 1 and x > 0", "t == 1 or x > 0", "boolean", "code"),
    (17, 12, "t == 1", "t != 1", "comparison", "code"),
    (17, 17, "1", "0", "constant", "code"),
    (17, 23, "x > 0", "x >= 0", "comparison", "code"),
    (17, 27, "0", "1", "constant", "code"),
    (18, 20, "x - self.lr * g", "x + self.lr * g", "arithmetic", "code"),
    (18, 20, "x", "-x", "sign", "code"),
    (18, 24, "self.lr * g", "self.lr / g", "arithmetic", "code"),
    # `if not t`: removing `not` is its negation, so no `not (not t)`
    (19, 12, "not t", "t", "boolean", "code"),
    (20, 20, "(1 - x) * g", "(1 - x) / g", "arithmetic", "code"),
    (20, 20, "(1 - x) * g", "-(1 - x) * g", "sign", "code"),
    (20, 21, "1 - x", "1 + x", "arithmetic", "code"),
    (20, 21, "1", "0", "constant", "code"),
    (20, 21, "1", "-1", "sign", "code"),
]


def _found(source):
    return [
        (m.line, m.col, m.text, m.replacement, m.kind, m.group)
        for m in mutator.mutants("example.py", source)
    ]


def test_the_mutator_makes_the_mutants_worked_out_by_hand():
    assert sorted(_found(SOURCE)) == sorted(EXPECTED)


def test_a_mutant_that_makes_an_earlier_mutants_program_is_dropped():
    # Removing either minus of -(-y) leaves -y: one mutant, not two.
    assert _found("x = -(-y)\n") == [(1, 5, "-(-y)", "(-y)", "sign", "code")]


def test_the_suite_is_registered():
    assert SUITES["mutation"] == "benchmarks.mutation"


@pytest.mark.parametrize("file", sandbox.FILES)
def test_every_mutant_differs_from_the_original_only_at_its_span(file):
    source = (ROOT / file).read_bytes().decode()
    original = ast.dump(ast.parse(source))
    found = mutator.mutants(file, source)
    assert found and len({m.key for m in found}) == len(found)
    for m in found:
        mutated = m.apply(source).encode()
        head, tail = source[: m.start].encode(), source[m.end :].encode()
        assert mutated == head + m.replacement.encode() + tail
        assert source[m.start : m.end] == m.text and m.text != m.replacement
        assert ast.dump(ast.parse(mutated)) != original
        assert m.group in ("code", "declarations")


def test_docstrings_imports_and_annotations_are_never_mutated():
    source = (ROOT / "optim/adam.py").read_text()
    tree = ast.parse(source)
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            lines.update(range(node.lineno, node.end_lineno + 1))
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            doc = body[0]
            if isinstance(doc.value, ast.Constant) and isinstance(doc.value.value, str):
                lines.update(range(doc.lineno, doc.end_lineno + 1))
    assert lines
    assert not [
        m.name for m in mutator.mutants("optim/adam.py", source) if m.line in lines
    ]


def test_adam_py_affects_adam_and_adamw():
    assert killers.affected("optim/sgd.py") == ["SGD"]
    assert killers.affected("optim/rmsprop.py") == ["RMSProp"]
    assert killers.affected("optim/adam.py") == ["Adam", "AdamW"]
    assert killers.affected("optim/adamw.py") == ["AdamW"]


def test_the_quick_sample_is_fixed_and_spread_over_the_mutants():
    every = mutator.all_mutants()
    chosen = mutation.sample(every, mutation.QUICK_SAMPLE)
    assert chosen == mutation.sample(every, mutation.QUICK_SAMPLE)
    assert len(chosen) == mutation.QUICK_SAMPLE and len(set(chosen)) == len(chosen)
    assert chosen[0] == every[0] and chosen[-1] == every[-1]
    assert mutation.sample(every[:3], 8) == every[:3]


def test_every_classified_mutant_exists_and_is_classified_once():
    keys = {m.key for m in mutator.all_mutants()}
    assert not set(survivors.EQUIVALENT) & set(survivors.NOT_EQUIVALENT)
    assert not [k for k in survivors.EQUIVALENT if k not in keys]
    assert not [k for k in survivors.NOT_EQUIVALENT if k not in keys]


def test_the_score_leaves_out_equivalent_survivors_and_counts_a_killed_one(
    monkeypatch,
):
    mutants = mutator.all_mutants()[:6]
    outcomes = ["killed", "timeout", "survived", "survived", "killed", "survived"]
    verdicts = {
        m.key: judging.Verdict(o, 1.0) for m, o in zip(mutants, outcomes, strict=True)
    }
    # the first (killed: the claim is contradicted) and a survivor are "equivalent"
    equivalent = {mutants[0].key: "claimed", mutants[2].key: "claimed"}
    monkeypatch.setattr(survivors, "EQUIVALENT", equivalent)
    run = judging.Run("before", verdicts=verdicts)
    counts = report._counts(run, mutants)
    assert counts == {
        "mutants": 6,
        "killed": 3,
        "timeouts": 1,
        "equivalent": 1,
        "survivors": 2,
        "score": 3 / 5,
    }
    notes = report._warnings({"before": run}, mutants, mutator.all_mutants())
    assert any(mutants[0].name in n and "WARNING" in n for n in notes)
    assert survivors.classify(mutants[2]) == "equivalent: claimed"


# ------------------------------------------------------------- the subprocesses


def _mutant(file, sources, old, new):
    """A mutant replacing the first ``old`` of ``file`` by ``new`` (any text)."""
    start = sources[file].index(old)
    line = sources[file].count("\n", 0, start) + 1
    return Mutant(file, line, 1, start, start + len(old), old, new, "test", "code")


def _judge(killer, mutant, base, sources, timeout=120.0):
    servers = Servers(base.parent)
    try:
        return judging.judge(killer, mutant, base, sources, servers, timeout)
    finally:
        servers.stop()


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    base = tmp_path_factory.mktemp("mutation") / "base"
    return base, sandbox.snapshot(base)[0]


def test_the_copy_not_the_editable_source_is_what_a_child_imports(copy, tmp_path):
    base, _ = copy
    assert sandbox.has_kit(base)
    assert not (base / "tests" / "test_optim_conformance.py").exists()
    assert not (base / "tests" / "test_docs.py").exists()
    where = tmp_path / "copy"
    shutil.copytree(base, where)
    script = sandbox.CHILD_PRELUDE + "import optim.sgd; print(optim.sgd.__file__)\n"
    servers = Servers(tmp_path)
    try:
        status, out, err = servers.run(script, ["60"], where, 60.0)
    finally:
        servers.stop()
    assert status == 0, err
    assert Path(out.strip()).resolve() == (where / "optim/sgd.py").resolve()


def test_the_kit_is_found_as_a_module_or_as_a_package(tmp_path):
    module, package = tmp_path / "module", tmp_path / "package"
    (module / "optim").mkdir(parents=True)
    (package / "optim" / "testing").mkdir(parents=True)
    assert not sandbox.has_kit(module) and not sandbox.has_kit(package)
    (module / "optim" / "testing.py").write_text("")
    (package / "optim" / "testing" / "__init__.py").write_text("")
    assert sandbox.has_kit(module) and sandbox.has_kit(package)


def test_the_tests_before_are_those_of_the_last_commit_before_the_kit(copy):
    base, _ = copy
    tests, origin = sandbox.before_tests()
    assert set(tests) == set(sandbox.TESTS) and "test_optim.py" in tests
    for name, text in tests.items():
        assert (base / "tests" / name).read_bytes() == text
    if (ROOT / ".git").exists():  # a checkout with its history: the commit itself
        assert origin.startswith(f"commit {sandbox.BEFORE[:7]}")
        shown = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{sandbox.BEFORE}:tests/test_optim.py"],
            capture_output=True,
            check=True,
        ).stdout
        assert tests["test_optim.py"] == shown
        assert b"def test_step_leaves_its_inputs_unchanged" in shown


def test_a_child_that_would_import_the_editable_source_is_refused(tmp_path):
    base = tmp_path / "base"
    sources, _ = sandbox.snapshot(base)
    shutil.rmtree(base / "optim")  # `import optim` now finds the editable source
    with pytest.raises(RuntimeError, match="outside the copy"):
        _judge("before", None, base, sources)


@pytest.mark.slow  # four child processes: pytest twice, the kit twice
@pytest.mark.parametrize("killer", list(killers.KILLERS))
def test_the_unmutated_copy_passes_and_an_uphill_step_is_killed(copy, killer):
    base, sources = copy
    original = _judge(killer, None, base, sources)
    assert original.outcome == "survived", original.detail
    code = "x = x - lr * g  # (6)"  # not the docstring's line (6): that is text
    uphill = _mutant("optim/sgd.py", sources, code, "x = x + lr * g  # (6)")
    verdict = _judge(killer, uphill, base, sources)
    assert verdict.outcome == "killed" and verdict.detail


def _hanging(sources):
    """A mutant whose module sleeps when imported: only the timeout ends it."""
    code = "lr: Hyper = 1e-3"  # the field, not the docstring's "default 1e-3"
    return _mutant("optim/sgd.py", sources, code, f"{code[:-4]}{HANG}")


def _alive_children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``, zombies left out (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
        except (OSError, NotADirectoryError):
            continue
        state, parent = stat.rsplit(")", 1)[1].split()[:2]
        if int(parent) == pid and state != "Z":
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not HAS_PROC, reason="reads /proc to find child processes")
def test_a_hanging_mutant_times_out_and_no_process_is_left(tmp_path):
    base = tmp_path / "base"
    sources, _ = sandbox.snapshot(base)
    servers = Servers(tmp_path)
    try:
        start = time.perf_counter()
        verdict = judging.judge(
            "before", _hanging(sources), base, sources, servers, 3.0
        )
        assert verdict.outcome == "timeout" and verdict.killed
        assert time.perf_counter() - start < 60
        (server,) = servers.started
        assert _alive(server.pid) and _alive_children(server.pid) == []
    finally:
        servers.stop()
    assert not _alive(server.pid)


INTERRUPTED = """
import sys
from pathlib import Path
from benchmarks.mutation import judging, mutator, sandbox
from benchmarks.mutation.servers import Servers
base = Path(sys.argv[1])
sources, _ = sandbox.snapshot(base)
start = sources["optim/sgd.py"].index("lr: Hyper = 1e-3") + len("lr: Hyper = ")
mutants = [
    mutator.Mutant("optim/sgd.py", 1, k, start, start + 4, "1e-3", sys.argv[2], "", "")
    for k in range(4)
]
servers = Servers(base.parent)
try:
    judging.run_killer("before", mutants, base, sources, servers)
finally:
    servers.stop()
"""


@pytest.mark.skipif(not HAS_PROC, reason="reads /proc to find child processes")
@pytest.mark.slow  # the unmutated copy is judged first (a few seconds)
def test_ctrl_c_kills_the_servers_and_their_children(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-c", INTERRUPTED, str(tmp_path / "base"), HANG],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while True:  # until both servers have a (hanging) child
            servers = _alive_children(proc.pid)
            children = [c for s in servers for c in _alive_children(s)]
            if len(children) == judging.WORKERS:
                break
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) != 0
    finally:
        proc.kill()
        proc.wait()
    assert b"KeyboardInterrupt" in proc.stderr.read()
    time.sleep(0.5)  # orphans of a killed server are reaped by init
    assert [pid for pid in servers + children if _alive(pid)] == []
