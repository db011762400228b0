"""A property: a Hypothesis test of an optimizer class, run by name, with a clear failure.

Each property of the kit is a function ``body(cls, data)`` that draws what it
needs from ``data`` (a Hypothesis ``DataObject``) and asserts. The decorator
:func:`prop` turns it into a :class:`Property`: callable on a class as
``prop(cls, max_examples=...)``, it runs Hypothesis itself (so it works in a
plain script as well as under pytest) and, on a counterexample, raises an
``AssertionError`` that names the class, the property, the bug it catches and
the shrunk example.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

if TYPE_CHECKING:
    from hypothesis.strategies import DataObject

    from optim._base import Optimizer

    Body = Callable[[type[Optimizer], DataObject], None]


def fields(cls: type[Optimizer]) -> set[str]:
    """The hyperparameters of ``cls``: its numeric fields and its switches."""
    return set(cls.numeric_fields()) | set(cls.switches())


class Property:
    """A property of optimizer classes: applies to those with the fields it needs.

    Parameters
    ----------
    body : callable
        ``body(cls, data)``: draws from ``data`` and asserts; its docstring's
        first line says what holds, the rest which bug it catches.
    needs : iterable of str
        Hyperparameter names the class must have for the property to apply.
    when : callable, optional
        A further condition on the class (the declared form of weight decay).
    """

    def __init__(
        self,
        body: Body,
        needs: Iterable[str],
        when: Callable[[type[Optimizer]], bool] | None = None,
    ) -> None:
        self.body, self.needs, self.when = body, frozenset(needs), when
        self.name = body.__name__
        self.__doc__ = body.__doc__

    def applies(self, cls: type[Optimizer]) -> bool:
        """Whether ``cls`` has every field the property needs (and meets ``when``)."""
        return self.needs <= fields(cls) and (self.when is None or self.when(cls))

    def __call__(
        self, cls: type[Optimizer], *, max_examples: int | None = None
    ) -> None:
        """Run the property on ``cls``; raise ``AssertionError`` on a counterexample."""
        if not self.applies(cls):
            need = ", ".join(sorted(self.needs - fields(cls))) or "a declared form"
            raise ValueError(
                f"{self.name} does not apply to {cls.__name__}: needs {need}"
            )
        run(
            self.name,
            self.__doc__ or "",
            lambda data: self.body(cls, data),
            cls,
            max_examples,
        )

    def __repr__(self) -> str:
        return f"<property {self.name}>"


def prop(
    *needs: str, when: Callable[[type[Optimizer]], bool] | None = None
) -> Callable[[Body], Property]:
    """Decorator: the function becomes a :class:`Property` needing ``needs``."""
    return lambda body: Property(body, needs, when)


def run(
    name: str,
    doc: str,
    check: Callable[[DataObject], None],
    cls: type,
    max_examples: int | None,
) -> None:
    """Run ``check`` under Hypothesis; re-raise a failure as a named ``AssertionError``.

    ``max_examples`` defaults to the loaded Hypothesis profile's. Nothing is
    written to disk (no example database), and there is no deadline: the
    timing of a user's step is not what is checked.
    """
    chosen = settings().max_examples if max_examples is None else max_examples
    config = settings(
        max_examples=chosen,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        # no "explain" phase: its report names lines of the kit, not of the
        # optimizer, and it re-runs the shrunk example many times over
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
    )

    @config
    @given(data=st.data())
    def test(data: DataObject) -> None:
        with np.errstate(all="ignore"):  # overflow is a result, not a warning
            check(data)

    try:
        test()
    except Exception as err:  # noqa: BLE001 (a crash is a failure of the property too)
        summary = " ".join(doc.strip().split("\n\n")[0].split())
        notes = "\n".join(getattr(err, "__notes__", []))
        kind = "" if isinstance(err, AssertionError) else f"{type(err).__name__}: "
        failure = AssertionError(
            f"{cls.__name__} fails the property {name}: {summary}\n"
            f"{kind}{err}\n{notes}".rstrip()
        )
        # a crash keeps its traceback (where in step); a failed check needs none
        raise failure from (None if isinstance(err, AssertionError) else err)


def describe(**context: Any) -> str:
    """``name=value`` pairs, arrays in full precision, for a failure message."""
    with np.printoptions(precision=17, threshold=60):
        return ", ".join(f"{k}={v!r}" for k, v in context.items())


def same(actual: Any, expected: Any, what: str, **context: Any) -> None:
    """Assert bitwise equality (NaN equal to NaN), naming ``what`` and the inputs."""
    a, e = np.asarray(actual), np.asarray(expected)
    if a.shape != e.shape or not np.array_equal(a, e, equal_nan=True):
        raise AssertionError(
            f"{what}: got {a!r}, expected {e!r}; with {describe(**context)}"
        )


def close(
    actual: Any,
    expected: Any,
    what: str,
    *,
    rtol: float = 1e-12,
    scale: float = 0.0,
    **context: Any,
) -> None:
    """Assert equality to rounding: ``|a - e| <= rtol * (|e| + max(max |e|, scale))``.

    ``scale`` is the size of what was rounded on the way (``|x|`` when
    ``x - step`` is compared), if more than the expected values show.

    Entries where ``expected`` is not finite are not compared (a ``0 / 0``
    or ``g / 0`` that the property leaves undefined); the shapes must agree.
    """
    a, e = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    if a.shape != e.shape:
        raise AssertionError(
            f"{what}: shape {a.shape}, expected {e.shape}; with {describe(**context)}"
        )
    defined = np.isfinite(e)
    scale = np.max(np.abs(e[defined]), initial=scale)
    err = np.abs(a - e)[defined]
    if not np.all(err <= rtol * (np.abs(e[defined]) + scale)):  # NaN in a fails too
        raise AssertionError(
            f"{what}: got {a!r}, expected {e!r} (to {rtol:g} relative); "
            f"with {describe(**context)}"
        )
