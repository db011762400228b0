"""The two killers: what a child runs to judge a mutant "before" and "after".

* **before**: ``pytest -x`` on the copied ``tests/test_optim.py``
  (:data:`PYTEST_CHILD`);
* **after**: ``optim.testing.check_optimizer`` on every class the mutated
  file can change (:data:`KIT_CHILD`, :func:`affected`).

Both scripts start with the copy check (``sandbox.CHILD_PRELUDE``) and run
Hypothesis without shrinking (:data:`NO_SHRINK`) or an example database.
:data:`KILLERS` maps each killer's name to its label and to the function
giving its script and arguments for a mutant.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from benchmarks.mutation.sandbox import CHILD_PRELUDE

if TYPE_CHECKING:
    from benchmarks.mutation.mutator import Mutant

KIT_MAX_EXAMPLES = 25  # examples per property: as the tests' "dev" profile

# Shrinking finds the smallest failing example; a verdict needs only a failure.
NO_SHRINK = """\
from hypothesis import Phase, settings
def _no_shrink():
    settings.register_profile(
        "mutation", parent=settings.default, database=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
    )
    settings.load_profile("mutation")
"""
PYTEST_CHILD = (
    CHILD_PRELUDE
    + NO_SHRINK
    + """\
import pytest
class NoShrink:  # after conftest.py has loaded its profile: that one, unshrunk
    @pytest.hookimpl(trylast=True)
    def pytest_configure(self, config):
        _no_shrink()
status = pytest.main(sys.argv[3:], plugins=[NoShrink()])
_check()
sys.exit(int(status))
"""
)
KIT_CHILD = (
    CHILD_PRELUDE
    + NO_SHRINK
    + """\
settings.register_profile("derandomized", derandomize=True)
settings.load_profile("derandomized")
_no_shrink()
limit = None if sys.argv[3] == "None" else int(sys.argv[3])
status = 0
try:
    import optim
    from optim.testing import check_optimizer
    for name in sys.argv[4:]:
        check_optimizer(getattr(optim, name), max_examples=limit)
except Exception as err:  # AssertionError: a property failed; others: a crash
    text = str(err).strip().splitlines() or [""]
    print(f"{type(err).__name__}: {text[0]}", file=sys.stderr)
    status = 1
finally:
    _check()
sys.exit(status)
"""
)
PYTEST_ARGS = ("-x", "-q", "-p", "no:cacheprovider", "--hypothesis-seed=0")


def _before(mutant: Mutant | None) -> tuple[str, list[str]]:
    """Killer "before": pytest -x on the copied ``tests/test_optim.py``."""
    return PYTEST_CHILD, [*PYTEST_ARGS, "tests/test_optim.py"]


def _after(mutant: Mutant | None) -> tuple[str, list[str]]:
    """Killer "after": check_optimizer on every class the mutated file affects."""
    import optim

    every = [cls.__name__ for cls in optim.OPTIMIZERS.values()]
    names = affected(mutant.file) if mutant else every
    return KIT_CHILD, [str(KIT_MAX_EXAMPLES), *names]


KILLERS = {
    "before": ("tests/test_optim.py (pytest -x)", _before),
    "after": (f"optim.testing.check_optimizer ({KIT_MAX_EXAMPLES} examples)", _after),
}


def affected(file: str) -> list[str]:
    """The optimizer classes a change to ``file`` can change, by name.

    Those whose class, base classes, or the optim modules these import from
    (transitively) include ``file``'s module: ``optim/adam.py`` affects
    ``Adam`` and ``AdamW`` (its subclass, calling ``adam_update``),
    ``optim/_lerp.py`` RMSProp, Adam and AdamW.
    """
    import optim

    module = file.removesuffix(".py").replace("/", ".")
    return [
        cls.__name__
        for cls in optim.OPTIMIZERS.values()
        if module in _reached({k.__module__ for k in cls.__mro__})
    ]


def _reached(modules: set[str]) -> set[str]:
    """``modules`` and every optim module whose definitions they import, transitively."""
    todo, seen = list(modules), set()
    while todo:
        name = todo.pop()
        if name in seen or name.split(".")[0] != "optim":
            continue
        seen.add(name)
        found = vars(sys.modules[name]).values()
        todo += [getattr(v, "__module__", None) or "" for v in found]
    return seen
