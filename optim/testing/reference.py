"""Step-by-step equality with a reference implementation, on drawn problems."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from optim.testing._property import close, run
from optim.testing._steps import path
from optim.testing.strategies import hyperparameters, make, problem

if TYPE_CHECKING:
    from hypothesis.strategies import DataObject

    from optim._base import Optimizer


def matches_reference(
    cls: type[Optimizer],
    reference: type[Optimizer] | Callable[..., Optimizer],
    *,
    max_examples: int | None = None,
    rtol: float = 1e-12,
) -> None:
    """Every iterate of ``cls`` equals the reference's, for drawn hyperparameters and gradients.

    The hyperparameters are drawn from ``cls``'s declared ranges and passed
    by name to ``reference`` (a class or a factory with the same keyword
    arguments, whose instances have ``init`` and ``step``); the gradient
    sequences, at scales from 1e-3 to 1e3, are given to both. Equality is
    to ``rtol`` relative to the iterates' scale (a different order of the
    same operations is allowed). Catches whatever differs from the
    reference, on the drawn cases.

    Raises
    ------
    AssertionError
        Naming the first step that differs and the shrunk example.
    """

    def check(data: DataObject) -> None:
        kw = data.draw(hyperparameters(cls), label="hyperparameters")
        x0, gradients = problem(data, steps=(1, 8))
        mine = path(make(cls, kw), x0, gradients)
        theirs = path(reference(**kw), x0, gradients)
        for t, (a, b) in enumerate(zip(mine, theirs, strict=True)):
            close(
                a,
                b,
                f"x after step {t}",
                rtol=rtol,
                hyperparameters=kw,
                gradients=gradients,
            )

    doc = "every iterate equals the reference implementation's."
    run("matches_reference", doc, check, cls, max_examples)
