"""The mutator: every single-point change of a file, as :class:`Mutant` objects.

:func:`mutants` walks a file's ``ast`` (the code only: not the docstrings,
the imports, the annotations or the ``if TYPE_CHECKING:`` blocks), asks the
change rules (:mod:`benchmarks.mutation.rules`) for each node's changes,
and keeps those that make a new program. Each mutant rewrites the text of
one node's span, so the rest of the file stays byte-identical.
"""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

from benchmarks.mutation.rules import Source, changes, squeeze
from benchmarks.mutation.sandbox import FILES, ROOT


@dataclasses.dataclass(frozen=True)
class Mutant:
    """One single-point change: the span ``[start, end)`` of ``file`` rewritten.

    ``start`` and ``end`` are character offsets in the file's text; ``text``
    is the span's original text, ``line`` and ``col`` (both from 1) where it
    starts; ``group`` is ``"code"`` or ``"declarations"``.
    """

    file: str
    line: int
    col: int
    start: int
    end: int
    text: str
    replacement: str
    kind: str
    group: str

    @property
    def key(self) -> tuple[str, int, int, str, str]:
        """The stable id: file, line, column, span text, replacement (blanks squeezed).

        The column tells apart equal changes on one line (``t == 1`` and
        ``1 - dampening`` on SGD's line (4) both have a ``1`` -> ``0``).
        """
        text, replacement = squeeze(self.text), squeeze(self.replacement)
        return self.file, self.line, self.col, text, replacement

    @property
    def name(self) -> str:
        """The id as text: ``optim/sgd.py:166:13 `t + 1` -> `t - 1```."""
        file, line, col, text, replacement = self.key
        return f"{file}:{line}:{col} `{text}` -> `{replacement}`"

    def apply(self, source: str) -> str:
        """``source`` with the span replaced: the mutated file's text."""
        return source[: self.start] + self.replacement + source[self.end :]


def mutants(file: str, source: str) -> list[Mutant]:
    """Every single-point mutant of ``source`` (the text of ``file``), in source order.

    A mutant whose program (its ``ast``) equals the original's or an earlier
    mutant's is dropped. Raises ``ValueError`` if a rewrite does not parse
    (a bug of the mutator, never silently skipped).
    """
    src, seen = Source(source), {ast.dump(ast.parse(source))}
    found = []
    for node, parent, group in _walk(ast.parse(source), None, "code"):
        for start, end, replacement, kind in changes(src, node, parent):
            line = source.count("\n", 0, start) + 1
            col = start - source.rfind("\n", 0, start)
            text = source[start:end]
            mutant = Mutant(file, line, col, start, end, text, replacement, kind, group)
            try:
                program = ast.dump(ast.parse(mutant.apply(source)))
            except SyntaxError as err:
                raise ValueError(f"mutant does not parse: {mutant.name}") from err
            if program not in seen:
                seen.add(program)
                found.append(mutant)
    return sorted(found, key=lambda m: (m.start, m.end, m.kind, m.replacement))


def _walk(node: ast.AST, parent, group: str):
    """Yield ``(node, parent, group)`` below ``node``, in code only.

    Skipped: imports, annotations, ``if TYPE_CHECKING:`` blocks. The body of
    a class (and its decorators) is ``"declarations"`` until a function
    starts, whose body is ``"code"``.
    """
    for field, value in ast.iter_fields(node):
        if field in ("annotation", "returns"):
            continue
        for child in value if isinstance(value, list) else [value]:
            if not isinstance(child, ast.AST) or _skipped(child):
                continue
            inner = {
                ast.ClassDef: "declarations",
                ast.FunctionDef: "code",
                ast.AsyncFunctionDef: "code",
            }
            child_group = inner.get(type(child), group)
            yield child, node, group
            yield from _walk(child, child, child_group)


def _skipped(node: ast.AST) -> bool:
    if isinstance(node, ast.Import | ast.ImportFrom):
        return True
    test = getattr(node, "test", None)
    return (
        isinstance(node, ast.If)
        and isinstance(test, ast.Name)
        and test.id == "TYPE_CHECKING"
    )


def all_mutants(root: Path = ROOT) -> list[Mutant]:
    """The mutants of every file of ``FILES`` under ``root``, file by file."""
    return [m for f in FILES for m in mutants(f, (root / f).read_text())]
