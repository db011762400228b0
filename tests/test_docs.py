"""The docstring math is the code, and every name a docstring cites exists (STYLE.md).

Numbered lines. A docstring states its rule as numbered lines in a literal
block (after ``::``)::

    (1) m = b1 * m + (1 - b1) * g

and the function's body has each of them as a code line tagged ``# (1)``.
Alternatives are lettered, ``(9a)`` and ``(9b)``. Whitespace, ``np.`` and
``self.`` are ignored in the comparison; nothing else is. A numbered line
without its tagged code line, a tagged code line without its numbered line, a
difference between the two, or a gap in the numbering fails. Every function of
the library is checked; the update rules of the optimizers, the surfaces and
the Gaussian process must have numbered lines.

Cross-references. Every name a docstring of the library cites must exist:
Sphinx roles (``:func:`search.run```, ``:meth:`Real.from_unit```, looked up
in the docstring's class, its module, the enclosing packages, then as an
absolute dotted path), dotted paths of the library in backticks or plain text
(``search.space.grid``), paths of files and folders of this repository
(``surfaces/data/``; not a path another project's name is put before, as in
"SciPy's ``benchmarks/...``"), and documents with their sections
("DESIGN.md section 4"): a document is looked up at the repository's root,
since a reader of the repository cannot follow a citation of a document it
does not ship.
"""

from __future__ import annotations

import ast
import builtins
import dataclasses
import functools
import importlib
import inspect
import re
import string
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

import pytest

import optim
import surfaces
from surfaces import LinearRegression

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("optim", "surfaces", "search")

# ------------------------------------------------------------ the library's docstrings


class Doc(NamedTuple):
    """One docstring of the library, where it is, and its AST node."""

    module: str  # dotted name of the module (of the package for __main__.py)
    qualname: str  # "" for the module's own docstring
    owner: str  # the class whose names a reference may use ("" if none)
    node: ast.AST
    text: str
    path: Path


def library_files() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] in ("__init__", "__main__") else parts)


def docstrings(path: Path) -> list[Doc]:
    """Every docstring of a file (module, classes, functions), and every function."""
    module, found = module_name(path), []

    def visit(node, qualname, owner):
        text = ast.get_docstring(node, clean=True)
        if text or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.append(Doc(module, qualname, owner, node, text or "", path))
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{qualname}.{child.name}" if qualname else child.name
                if isinstance(child, ast.ClassDef):
                    # a nested class of a function cannot be looked up by name
                    visit(child, name, name if owner == qualname else "")
                else:
                    visit(child, name, owner if owner == qualname else "")

    visit(ast.parse(path.read_text(encoding="utf-8")), "", "")
    return found


FILES = library_files()
DOCS = [doc for path in FILES for doc in docstrings(path)]

# ------------------------------------------------------------------ numbered lines

NUMBER = r"\((\d+[a-z]?)\)"
DOC_LINE = re.compile(rf"^\s*{NUMBER}\s+(.+?)\s*$")
CODE_TAG = re.compile(rf"^(.*?)#\s*{NUMBER}\s*$")


def normalize(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("np.", "").replace("self.", "")


def literal_blocks(text: str):
    """The lines of a docstring's literal blocks (after a line ending in ``::``)."""
    inside, indent = False, 0
    for line in text.splitlines():
        depth = len(line) - len(line.lstrip())
        if inside and line.strip() and depth <= indent:
            inside = False
        if inside:
            yield line
        elif line.rstrip().endswith("::"):
            inside, indent = True, depth


def numbered(text: str) -> list[tuple[str, str]]:
    """The numbered lines ``(k, line)`` of a docstring's literal blocks."""
    return [m.groups() for line in literal_blocks(text) if (m := DOC_LINE.match(line))]


@functools.cache
def source_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def tagged(doc: Doc) -> list[tuple[str, str]]:
    """The tagged lines ``(k, line)`` of a function's body (not its inner defs)."""
    node = doc.node
    source = source_lines(doc.path)
    first = node.body[0]
    skip = set(range(first.lineno, first.end_lineno + 1)) if doc.text else set()
    for inner in ast.walk(node):
        if inner is not node and isinstance(
            inner, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
        ):
            skip |= set(range(inner.lineno, inner.end_lineno + 1))
    lines = []
    for number in range(node.body[0].lineno, node.end_lineno + 1):
        match = None if number in skip else CODE_TAG.match(source[number - 1])
        if match:
            lines.append((match.group(2), match.group(1)))
    return lines


def is_function(doc: Doc) -> bool:
    return isinstance(doc.node, ast.FunctionDef | ast.AsyncFunctionDef)


FUNCTIONS = {f"{d.module}.{d.qualname}": d for d in DOCS if is_function(d)}
# Every function whose docstring has numbered lines or whose code has tags.
RULES = {k: d for k, d in FUNCTIONS.items() if numbered(d.text) or tagged(d)}


def label_of(func) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def doc_lines(func) -> dict[str, str]:
    """A library function's numbered docstring lines by number (for other tests)."""
    return dict(numbered(inspect.getdoc(func)))


def code_lines(func) -> dict[str, str]:
    """A library function's tagged code lines by number (for other tests)."""
    return dict(tagged(FUNCTIONS[label_of(func)]))


def required_rules():
    from search import gp
    from search.tpe_search import TPESearch, bandwidths, log_truncnorm

    for cls in optim.OPTIMIZERS.values():
        yield label_of(cls.step)
    yield label_of(optim.adam.adam_update)
    for name in surfaces.names():
        cls = type(surfaces.get(name))
        yield label_of(cls.value)
        yield label_of(cls.grad)
    yield label_of(LinearRegression.value)
    yield label_of(LinearRegression.grad)
    yield label_of(gp.matern52)
    yield label_of(gp.GaussianProcess.log_marginal_likelihood)
    yield label_of(gp.GaussianProcess.predict)
    yield label_of(TPESearch._propose)
    yield label_of(TPESearch.estimators)
    yield label_of(bandwidths)
    yield label_of(log_truncnorm)


REQUIRED = sorted(set(required_rules()))


@pytest.mark.parametrize("label", REQUIRED)
def test_update_rules_are_written_out_as_numbered_lines(label):
    assert label in RULES, f"{label}: no numbered lines in its docstring"


@pytest.mark.parametrize("label", sorted(RULES))
def test_docstring_math_is_the_code(label):
    doc = RULES[label]
    lines, code = numbered(doc.text), tagged(doc)
    for kind, pairs in [("line", lines), ("tag", code)]:
        numbers = [k for k, _ in pairs]
        assert len(numbers) == len(set(numbers)), f"{label}: a {kind} used twice"
    lines, code = dict(lines), dict(code)
    assert sorted(lines, key=order) == sorted(code, key=order), (
        f"{label}: numbered lines {sorted(lines, key=order)} "
        f"but tagged code lines {sorted(code, key=order)}"
    )
    for k in lines:
        assert normalize(lines[k]) == normalize(code[k]), (
            f"{label}: line ({k}) reads {lines[k]!r} in the docstring "
            f"but {code[k].strip()!r} in the code"
        )
    assert gaps(lines) == [], f"{label}: numbering {sorted(lines, key=order)}"


def order(k: str) -> tuple[int, str]:
    return int(k.rstrip(string.ascii_lowercase)), k.lstrip(string.digits)


def gaps(numbers) -> list[str]:
    """What breaks a numbering (m), (m+1), ...: a gap, or letters not a, b, ..."""
    letters: dict[int, list[str]] = {}
    for k in numbers:
        n, letter = order(k)
        letters.setdefault(n, []).append(letter)
    if not letters:
        return []
    found = [f"({n})" for n in range(min(letters), max(letters)) if n not in letters]
    for n, given in sorted(letters.items()):
        alternatives = list(string.ascii_lowercase[: len(given)])
        if given != [""] and (len(given) < 2 or sorted(given) != alternatives):
            found.append(f"({n}{''.join(sorted(given))})")
    return found


@pytest.mark.parametrize("name", sorted(optim.OPTIMIZERS))
def test_each_optimizer_numbers_its_lines_from_one_without_gaps(name):
    # With the numbered helpers its step calls (Adam's and AdamW's adam_update).
    step = optim.OPTIMIZERS[name].step
    numbers = [k for k, _ in numbered(inspect.getdoc(step))]
    module = importlib.import_module(step.__module__)
    for node in ast.walk(RULES[label_of(step)].node):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            helper = getattr(module, node.func.id, None)
            if callable(helper) and label_of(helper) in RULES:
                numbers += [k for k, _ in numbered(inspect.getdoc(helper))]
    assert len(numbers) == len(set(numbers)), f"{name}: a number used twice"
    assert min(order(k) for k in numbers)[0] == 1, f"{name}: {numbers}"
    assert gaps(numbers) == [], f"{name}: {numbers}"


def test_the_checker_catches_drift_and_reads_only_literal_blocks(tmp_path):
    path = tmp_path / "drifted.py"
    path.write_text(
        "def step(x, g):\n"
        '    """Drifted.\n\n'
        "    (1) a prose line is not a numbered line::\n\n"
        "        (1) x = x - lr * g\n"
        "        (2a) y = x\n"
        '    """\n'
        "    x = x - 2 * g  # (1)\n"
        "    y = x  # (2a)\n"
    )
    node = ast.parse(path.read_text()).body[0]
    doc = Doc("m", "step", "", node, ast.get_docstring(node), path)
    lines, code = dict(numbered(doc.text)), dict(tagged(doc))
    assert lines == {"1": "x = x - lr * g", "2a": "y = x"}
    assert sorted(code) == ["1", "2a"]
    assert normalize(lines["1"]) != normalize(code["1"])
    assert normalize(lines["2a"]) == normalize(code["2a"])
    assert gaps(lines) == ["(2a)"]  # a lone alternative
    assert gaps(["1", "3"]) == ["(2)"] and gaps(["2", "3a", "3b", "4"]) == []
    assert gaps(["1", "2a", "2c"]) == ["(2ac)"]


# ------------------------------------------------------------------ cross-references

ROLE = re.compile(r":(?:py:)?(?P<role>[a-z]+):`(?P<target>[^`]+)`")
TICKED = re.compile(r"(?<![:\w`])(?P<ticks>`{1,2})(?P<target>[^`\s]+)(?P=ticks)(?!`)")
DOTTED = re.compile(rf"^(?:{'|'.join(PACKAGES)})(?:\.[A-Za-z_]\w*)+$")
PLAIN = re.compile(
    rf"(?<![\w./`~<-])(?P<target>(?:{'|'.join(PACKAGES)})(?:\.[A-Za-z_]\w*)+)"
)
PATH = re.compile(
    r"(?<![\w./-])(?P<target>(?:optim|surfaces|search|tests|benchmarks|examples|docs)"
    r"/[\w./-]*[\w/])"
)
ANOTHER_PROJECTS = re.compile(r"\w's\s+`*$")  # "SciPy's ``benchmarks/...``"
DOCUMENT = re.compile(
    r"\b(?P<name>[A-Z][A-Z_]*\.md|DESIGN)\b"
    r"(?:,?\s*(?:§|[Ss]ection)\s*(?P<section>\d+))?"
)
FILE_SUFFIXES = {"py", "md", "txt", "json", "jsonl", "csv", "gz", "npz", "png"}


def references(text: str):
    """``(kind, target, shown)`` for every cross-reference in a docstring."""
    for match in ROLE.finditer(text):
        target = match["target"]
        target = re.sub(r"^.*<(.+)>$", r"\1", target)  # :func:`title <target>`
        target = target.lstrip("~!.").removesuffix("()")
        yield match["role"], target, match[0]
    for pattern in (TICKED, PLAIN):
        for match in pattern.finditer(text):
            target = match["target"].lstrip("~").split("(")[0]
            if DOTTED.match(target) and target.rsplit(".", 1)[1] not in FILE_SUFFIXES:
                yield "name", target, match[0]
    for match in PATH.finditer(text):
        if not ANOTHER_PROJECTS.search(text[: match.start()]):
            yield "path", match["target"].rstrip("."), match[0]
    for match in DOCUMENT.finditer(text):
        yield "document", match["name"], match[0]
        if match["section"]:
            yield "section", f"{match['name']}#{match['section']}", match[0]


def importable(name: str) -> ModuleType | None:
    """The module ``name``, or None; errors inside an existing module propagate."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as err:
        if err.name is not None and (
            name == err.name or name.startswith(err.name + ".")
        ):
            return None  # `name` (or a parent) is not a module; an import inside is
        raise


MISSING = object()


def member(obj: object, name: str) -> object:
    """``obj.name``, or a submodule, or an attribute a class declares; else MISSING."""
    if hasattr(obj, name):
        return getattr(obj, name)
    if isinstance(obj, ModuleType):
        found = importable(f"{obj.__name__}.{name}")
        return MISSING if found is None else found
    if isinstance(obj, type) and declares(obj, name):
        return None  # an instance attribute: the end of a chain
    return MISSING


def declares(cls: type, name: str) -> bool:
    """Whether instances of ``cls`` have an attribute ``name``: a field, or set."""
    if dataclasses.is_dataclass(cls) and name in {
        f.name for f in dataclasses.fields(cls)
    }:
        return True
    for base in cls.__mro__:
        if name in getattr(base, "__annotations__", {}):
            return True
        try:
            source = inspect.getsource(base)
        except (OSError, TypeError):
            continue
        if re.search(rf"self\.{name}\s*[:=]|__setattr__\(self, \"{name}\"", source):
            return True
    return False


def lookup(scope: object, parts: list[str]) -> object:
    for part in parts:
        if scope is None or scope is MISSING:
            return MISSING
        scope = member(scope, part)
    return scope


def resolve(doc: Doc, target: str) -> object:
    """What a reference names: in the class, the module, its packages; or absolute."""
    module = importlib.import_module(doc.module)
    scopes: list[object] = []
    if doc.owner:
        scopes.append(lookup(module, doc.owner.split(".")))
    package = doc.module
    scopes.append(module)
    while "." in package:
        package = package.rsplit(".", 1)[0]
        scopes.append(importlib.import_module(package))
    scopes.append(builtins)
    parts = target.split(".")
    for scope in scopes:
        if scope is not MISSING and (found := lookup(scope, parts)) is not MISSING:
            return found
    for i in range(len(parts), 0, -1):  # the longest importable prefix
        module = importable(".".join(parts[:i])) if parts[0].isidentifier() else None
        if module is not None:
            return lookup(module, parts[i:])
    return MISSING


def sections(document: Path) -> set[str]:
    return set(re.findall(r"^#+\s*(\d+)\b", document.read_text(), flags=re.M))


def broken(doc: Doc, kind: str, target: str) -> str | None:
    """Why a reference is broken, or None if it names something that exists."""
    if kind == "path":
        return None if (ROOT / target).exists() else "no such file or folder"
    if kind == "document":
        name = target if target.endswith(".md") else f"{target}.md"
        return None if (ROOT / name).exists() else "not in the repository"
    if kind == "section":
        name, number = target.split("#")
        document = ROOT / (name if name.endswith(".md") else f"{name}.md")
        if document.exists() and number not in sections(document):
            return f"{document.name} has no section {number}"
        return None  # a missing document is reported once, as such
    found = resolve(doc, target)
    if found is MISSING:
        return "not found"
    if kind == "mod" and not isinstance(found, ModuleType):
        return "not a module"
    return None


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_every_name_a_docstring_cites_exists(path):
    problems = []
    for doc in (d for d in DOCS if d.path == path):
        for kind, target, shown in references(doc.text):
            why = broken(doc, kind, target)
            if why:
                where = f"{doc.module}.{doc.qualname}".rstrip(".")
                problems.append(f"{where}: {shown} ({why})")
    assert not problems, "\n".join(sorted(set(problems)))


def test_the_reference_checker_finds_good_and_bad_names():
    node = ast.parse("class Adam:\n    pass").body[0]
    doc = Doc("optim.adam", "Adam", "Adam", node, "", ROOT / "optim" / "adam.py")
    good = [
        ("meth", "init"),  # in the class
        ("func", "adam_update"),  # in the module
        ("class", "Range"),  # in the package
        ("func", "search.run"),  # absolute
        ("mod", "search.gp"),
        ("attr", "search.results.Trial.status"),  # a dataclass field
        ("attr", "search.gp.GaussianProcess.theta"),  # set in __init__
        ("path", "surfaces/data/"),
        ("exc", "ValueError"),
    ]
    bad = [
        ("meth", "decode"),
        ("func", "search.plots.no_such_figure"),
        ("mod", "optim.minimize"),
        ("class", "search.NoSuchThing"),
        ("path", "search/no_such_file.py"),
        ("document", "NO_SUCH_DOCUMENT.md"),
    ]
    assert [t for k, t in good if broken(doc, k, t)] == []
    assert [t for k, t in bad if not broken(doc, k, t)] == []
    text = (
        "See :func:`~search.run`, ``search.space.grid``, search.gp.matern52, "
        "``surfaces.get('x')``, SciPy's ``benchmarks/x.py``, search/gp.py and "
        "DESIGN.md section 4; not ``x = 1``, ``benchmarks/search.py``."
    )
    assert [(k, t) for k, t, _ in references(text)] == [
        ("func", "search.run"),
        ("name", "search.space.grid"),
        ("name", "surfaces.get"),
        ("name", "search.gp.matern52"),
        ("path", "search/gp.py"),
        ("path", "benchmarks/search.py"),
        ("document", "DESIGN.md"),
        ("section", "DESIGN.md#4"),
    ]
