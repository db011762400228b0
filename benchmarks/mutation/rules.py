"""The mutator's change rules: what each ``ast`` node may become.

:func:`changes` yields every single-point change of one node as a span of
the file's text and the span's replacement (the operators and the reasons
for what is left out are in the docstring of :mod:`benchmarks.mutation`);
:class:`Source` turns ``ast`` positions into offsets in that text. The
mutator (:mod:`benchmarks.mutation.mutator`) walks the tree, parses each
mutant and drops the duplicates.
"""

from __future__ import annotations

import ast
import re

BINARY = {  # operator -> (its text, the replacement)
    ast.Add: ("+", "-"),
    ast.Sub: ("-", "+"),
    ast.Mult: ("*", "/"),
    ast.Div: ("/", "*"),
    ast.Pow: ("**", "*"),
}
COMPARE = {
    ast.Eq: ("==", "!="),
    ast.NotEq: ("!=", "=="),
    ast.Lt: ("<", "<="),
    ast.LtE: ("<=", "<"),
    ast.Gt: (">", ">="),
    ast.GtE: (">=", ">"),
    ast.In: ("in", "not in"),
    ast.NotIn: ("not in", "in"),
}
NEGATING = (ast.Eq, ast.NotEq, ast.In, ast.NotIn)  # their swap is the negation
BOOLEAN = {ast.And: ("and", "or"), ast.Or: ("or", "and")}
# Operator tokens between two operands (comments removed first).
TOKEN = re.compile(r"\*\*|//|==|!=|<=|>=|[-+*/<>%@]|\bnot\s+in\b|\bin\b|\band\b|\bor\b")
SIMPLE = (ast.Name, ast.Attribute, ast.Subscript, ast.Call, ast.Constant, ast.BinOp)


def squeeze(text: str) -> str:
    """``text`` with every run of blanks (newlines included) made one space."""
    return " ".join(text.split())


class Source:
    """A file's text with ``ast`` positions (UTF-8 byte columns) as character offsets."""

    def __init__(self, text: str):
        self.text = text
        self.lines = text.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def offset(self, lineno: int, col: int) -> int:
        """The character offset of ``ast``'s ``(lineno, col)``."""
        line = self.lines[lineno - 1].encode()
        return self.starts[lineno - 1] + len(line[:col].decode())

    def span(self, node: ast.AST) -> tuple[int, int]:
        """``node``'s ``[start, end)`` as character offsets."""
        start = self.offset(node.lineno, node.col_offset)
        return start, self.offset(node.end_lineno, node.end_col_offset)


def changes(src: Source, node: ast.AST, parent):
    """Yield ``(start, end, replacement, kind)`` for every mutation of ``node``."""
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
        old, new = BINARY[type(node.op)]
        yield _swap(src, node, [(node.left, node.right)], old, new, "arithmetic")
        if not _arithmetic(parent) or isinstance(parent.op, ast.Pow):
            for term in _signed_terms(node):
                yield _negated(src, term)
    elif isinstance(node, ast.Compare):
        operands = [node.left, *node.comparators]
        pairs = zip(operands, operands[1:], strict=False)
        for op, pair in zip(node.ops, pairs, strict=True):
            if type(op) in COMPARE:  # not `is` / `is not`
                old, new = COMPARE[type(op)]
                yield _swap(src, node, [pair], old, new, "comparison")
    elif isinstance(node, ast.BoolOp):
        old, new = BOOLEAN[type(node.op)]
        pairs = list(zip(node.values, node.values[1:], strict=False))
        yield _swap(src, node, pairs, old, new, "boolean")
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.Not):
        start, end = src.span(node)
        dropped = "-" if isinstance(node.op, ast.USub) else "not"
        kind = "sign" if dropped == "-" else "boolean"
        yield start, end, src.text[start + len(dropped) : end].lstrip(), kind
    elif isinstance(node, ast.Constant):
        yield from _constant(src, node)
    if isinstance(node, ast.If | ast.IfExp) and not _negates_itself(node.test):
        start, end = src.span(node.test)
        yield start, end, f"not ({src.text[start:end]})", "boolean"


def _swap(src: Source, node, pairs, old: str, new: str, kind: str):
    """The operator ``old`` between each pair of operands replaced by ``new``."""
    start, end = src.span(node)
    pieces, cursor = [], start
    for left, right in pairs:
        a, b = src.span(left)[1], src.span(right)[0]
        gap = re.sub(r"#[^\n]*", lambda m: " " * len(m.group()), src.text[a:b])
        tokens = list(TOKEN.finditer(gap))
        if len(tokens) != 1 or squeeze(tokens[0].group()) != old:
            raise ValueError(f"expected {old!r} between operands: {src.text[a:b]!r}")
        token = tokens[0]
        pieces += [src.text[cursor : a + token.start()], new]
        cursor = a + token.end()
    pieces.append(src.text[cursor:end])
    return start, end, "".join(pieces), kind


def _arithmetic(node) -> bool:
    return isinstance(node, ast.BinOp) and type(node.op) in BINARY


def _sum(node) -> bool:
    return isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub)


def _product(node) -> bool:
    return isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult | ast.Div)


def _signed_terms(expr, own: bool = True) -> list:
    """The terms of an arithmetic expression that a unary minus is added to.

    The first operand of a sum (negating the second is the operator swap),
    a product as a whole (negating any of its factors makes the same
    program), a single operand; and, inside a product, the terms of its
    factors that are sums. A power counts as one operand; an operand
    already negated is left alone (removing its minus is a mutant).
    """
    if _sum(expr):
        return _signed_terms(expr.left) + _signed_terms(expr.right, own=False)
    if isinstance(expr, ast.UnaryOp):
        return []
    inner = [t for f in _factors(expr) if _sum(f) for t in _signed_terms(f)]
    return ([expr] if own else []) + inner


def _factors(expr) -> list:
    if _product(expr):
        return _factors(expr.left) + _factors(expr.right)
    return [expr]


def _negated(src: Source, term):
    start, end = src.span(term)
    text = src.text[start:end]
    signed = f"-{text}" if isinstance(term, SIMPLE) else f"-({text})"
    return start, end, signed, "sign"


def _constant(src: Source, node: ast.Constant):
    start, end = src.span(node)
    value = node.value
    if isinstance(value, bool):
        yield start, end, repr(not value), "boolean"
    elif isinstance(value, int | float):
        new = 1 if value == 0 else 0 if value == 1 else value + 1
        yield start, end, repr(type(value)(new)), "constant"


def _negates_itself(test) -> bool:
    """Whether another mutant already negates ``test`` (``not x``, ``a == b``, ...)."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return True
    return (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], NEGATING)
    )
