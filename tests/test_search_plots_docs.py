"""Every name the docstrings of search/plots cite exists (STYLE.md).

A cross-reference (``:func:`x```, ``:class:``, ``:meth:``, ``:mod:``) and a
dotted name of this project (``search.results.Trial``, ``surfaces.Surface``)
in any docstring of the package, private helpers included, must resolve:
to a module, or an attribute reached from one, or a name of the module
that cites it.
"""

import ast
import importlib
import pkgutil
import re

import pytest

import search.plots

ROLE = re.compile(r":(?:func|class|meth|mod|attr):`~?([\w.]+)`")
DOTTED = re.compile(r"\b((?:search|surfaces|optim)(?:\.\w+)+)")
MODULES = ["search.plots"] + [
    f"search.plots.{m.name}" for m in pkgutil.iter_modules(search.plots.__path__)
]


def docstrings(module):
    tree = ast.parse(open(module.__file__, encoding="utf-8").read())
    nodes = [tree] + [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    ]
    return [d for d in map(ast.get_docstring, nodes) if d]


def resolves(name, module) -> bool:
    parts = name.split(".")
    for k in range(len(parts), 0, -1):  # the longest importable prefix
        try:
            obj = importlib.import_module(".".join(parts[:k]))
        except ImportError:
            continue
        break
    else:
        obj, k = module, 0  # a name of the citing module
    for part in parts[k:]:
        if not hasattr(obj, part):
            return False
        obj = getattr(obj, part)
    return True


@pytest.mark.parametrize("name", MODULES)
def test_every_name_a_docstring_cites_exists(name):
    module = importlib.import_module(name)
    cited = {
        ref
        for doc in docstrings(module)
        for pattern in (ROLE, DOTTED)
        for ref in pattern.findall(doc)
    }
    missing = sorted(ref for ref in cited if not resolves(ref, module))
    assert not missing, f"{name} cites names that do not exist: {missing}"


def test_the_checker_catches_a_name_that_does_not_exist():
    module = importlib.import_module("search.plots.gp")
    assert resolves("search.space.Real.from_unit", module)
    assert not resolves("search.space.Real.decode", module)
    assert not resolves("plot_nothing", module)
