"""pyproject.toml lists every package, so that a non-editable install ships them all.

A sub-package missing from ``[tool.setuptools] packages`` works in the
editable install of the README and CI, and is silently left out of a wheel.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_of_the_library_is_listed_in_pyproject():
    # the list [tool.setuptools] packages = [...] (tomllib is Python 3.11+)
    text = (ROOT / "pyproject.toml").read_text()
    block = re.search(r"^packages = \[(.*?)\]", text, re.S | re.M)
    assert block, "pyproject.toml lists no packages"
    listed = set(re.findall(r'"([\w.]+)"', block.group(1)))
    found = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for top in ("optim", "surfaces", "search")
        for path in (ROOT / top).rglob("__init__.py")
    }
    assert found - listed == set(), "packages a wheel would leave out"
    assert "optim.schedules" in listed and "search.testing" in listed
