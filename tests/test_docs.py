"""The docstring math is the code (STYLE.md).

Every ``step`` of an optimizer and every ``value``/``grad`` of a surface states
its rule as numbered plain-text lines::

    (1) m = b1 * m + (1 - b1) * g

and the function's source has each of them as a code line tagged ``# (1)``.
Whitespace, ``np.`` and ``self.`` are ignored in the comparison; nothing else
is. A numbered line without its tagged code line, a tagged code line without
its numbered line, or a difference between the two fails the test.
"""

import inspect
import re

import pytest

import optim
import surfaces
from surfaces import LinearRegression

DOC_LINE = re.compile(r"^\s*\((\d+)\)\s+(.+?)\s*$")
CODE_TAG = re.compile(r"^(.*?)#\s*\((\d+)\)\s*$")


def normalize(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("np.", "").replace("self.", "")


def doc_lines(func) -> dict[int, str]:
    lines = {}
    for line in inspect.getdoc(func).splitlines():
        match = DOC_LINE.match(line)
        if match:
            k = int(match.group(1))
            assert k not in lines, f"{func.__qualname__}: line ({k}) numbered twice"
            lines[k] = match.group(2)
    return lines


def code_lines(func) -> dict[int, str]:
    lines = {}
    source = inspect.getsource(func)
    body = source.split('"""', 2)[-1]  # skip the docstring itself
    for line in body.splitlines():
        match = CODE_TAG.match(line)
        if match:
            k = int(match.group(2))
            assert k not in lines, f"{func.__qualname__}: tag ({k}) used twice"
            lines[k] = match.group(1)
    return lines


def documented_functions():
    for name, cls in optim.OPTIMIZERS.items():
        yield f"optim.{name}.step", cls.step
    for name in surfaces.names():
        cls = type(surfaces.get(name))
        yield f"surfaces.{name}.value", cls.value
        yield f"surfaces.{name}.grad", cls.grad
    yield "LinearRegression.value", LinearRegression.value
    yield "LinearRegression.grad", LinearRegression.grad


CASES = list(documented_functions())


@pytest.mark.parametrize(("label", "func"), CASES, ids=[c[0] for c in CASES])
def test_docstring_math_is_the_code(label, func):
    doc, code = doc_lines(func), code_lines(func)
    assert doc, f"{label}: no numbered math lines in the docstring"
    assert sorted(doc) == sorted(code), (
        f"{label}: numbered lines {sorted(doc)} but tagged code lines {sorted(code)}"
    )
    for k in doc:
        assert normalize(doc[k]) == normalize(code[k]), (
            f"{label}: line ({k}) reads {doc[k]!r} in the docstring "
            f"but {code[k].strip()!r} in the code"
        )


def test_the_checker_catches_a_drifted_line():
    def step(x, g):
        """Drifted.

        (1) x = x - lr * g
        """
        x = x - 2 * g  # (1)
        return x

    assert normalize(doc_lines(step)[1]) != normalize(code_lines(step)[1])
