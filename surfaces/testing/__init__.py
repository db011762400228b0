"""The property kit for surfaces: check your own surface as the project checks its own.

``check_surface(s)`` runs every property of this package on a surface ``s``
with this project's interface (:class:`surfaces.Surface`: ``value``,
``grad``, ``value_and_grad``, ``s(x)``, ``dim``, ``bounds``, ``minimizers``,
``minimum``, ``start``, ``name``) and raises an ``AssertionError`` naming the
surface, the property and what it states, then what went wrong at the shrunk
counterexample (the point ``x``)::

    from surfaces.testing import check_surface
    check_surface(MySurface())  # the names of the properties that passed

Each property is also a public function of the surface
(``gradient_matches_central_differences(s, max_examples=50)``), listed in
:data:`PROPERTIES`, whose docstring says which bugs it catches. Modules:
``contract`` (the attributes, the shapes of a batch, inputs left alone),
``batch`` (a batch equals its points one by one), ``minimum`` (the stated
minimizers and minimum), ``gradient`` (against central differences); the
Hypothesis strategies they draw from are in :mod:`surfaces.testing.strategies`
(:func:`points`, :func:`batches`, :func:`near_minimizers`), the runner and
its failure message in ``_run``. Importing this package imports Hypothesis
(the ``test`` extra installs it); nothing else in the library imports it,
and it uses nothing from ``optim`` or ``search``. The kit keeps no example
database (nothing is written for it), but Hypothesis itself caches constants
in ``.hypothesis/`` under the working directory; set
``HYPOTHESIS_STORAGE_DIRECTORY`` to put it elsewhere.

Tolerances. One rounding model serves every property: a value ``f(x)`` is
computed within ``K eps F`` of the exact one, with ``eps`` float64's machine
epsilon, ``K = 1024`` and ``F`` the scale of ``f`` there: the largest ``|f|``
compared, and at least ``|f(start)| + |minimum|``, which stands for the size
of the terms ``f`` is made of where ``f`` itself cancels to nearly 0
(Rastrigin near its minimum adds terms of 10 to get 0). ``K`` allows a few
roundings per term and the loss of almost three digits to cancellation in a
formula: the central differences of Goldstein-Price, whose polynomial
factors cancel, need ``K = 310`` at the worst of 2e6 random points, those of
the other shipped surfaces 4 or less. A gradient coordinate ``j`` is
computed within ``K eps F / w_j``, ``w`` the widths of the bounds. Stated
minimizers are taken to be accurate to ``RHO w_j`` in each coordinate
(``RHO = 1e-8``: eight digits; Hartmann6's published minimizer, good to one
unit in the eighth decimal, uses 40% of the gradient's tolerance), the
stated minimum to rounding.
"""

from __future__ import annotations

from collections.abc import Callable

from surfaces._base import Surface
from surfaces.testing.batch import batch_equals_point_by_point
from surfaces.testing.contract import (
    attributes_are_consistent,
    inputs_are_not_modified,
    shapes_follow_the_batch_contract,
)
from surfaces.testing.gradient import gradient_matches_central_differences
from surfaces.testing.minimum import (
    minimizers_attain_the_minimum,
    nothing_below_the_minimum,
)
from surfaces.testing.strategies import batches, near_minimizers, points

# isort: split
# Importable from here as they were from the single-module kit: the constants
# of the rounding model and the strategies' building blocks.
from surfaces.testing._run import EPS as EPS
from surfaces.testing._run import Floats as Floats
from surfaces.testing._run import K as K
from surfaces.testing.contract import ATTRIBUTES as ATTRIBUTES
from surfaces.testing.gradient import MARGIN as MARGIN
from surfaces.testing.gradient import STEP as STEP
from surfaces.testing.minimum import HESSIAN_STEP as HESSIAN_STEP
from surfaces.testing.minimum import RHO as RHO
from surfaces.testing.strategies import SHAPES as SHAPES
from surfaces.testing.strategies import UNIT as UNIT

# Every property, in the order check_surface runs them: the cheap and
# structural first, so that a broken surface fails on the simplest statement.
PROPERTIES: tuple[Callable[..., None], ...] = (
    attributes_are_consistent,
    shapes_follow_the_batch_contract,
    inputs_are_not_modified,
    batch_equals_point_by_point,
    minimizers_attain_the_minimum,
    gradient_matches_central_differences,
    nothing_below_the_minimum,
)


def check_surface(surface: Surface, *, max_examples: int | None = None) -> list[str]:
    """Run every property on ``surface``; raise ``AssertionError`` at the first failure.

    The properties run in the order of :data:`PROPERTIES`, the cheap and
    structural first, so that a broken surface fails on the simplest
    statement. Every one applies to any surface with the interface whose
    stated minimizers are stationary points (a minimum on the edge of the
    bounds, where the gradient need not vanish, is outside this interface).

    Parameters
    ----------
    surface : Surface
        A :class:`surfaces.Surface`, or any object with its interface.
    max_examples : int, optional
        Examples per Hypothesis property; the loaded Hypothesis profile's by
        default.

    Returns
    -------
    list of str
        The names of the properties that ran (and passed).

    Raises
    ------
    AssertionError
        Naming the surface, the property and the shrunk counterexample.

    Examples
    --------
    >>> from surfaces import Booth, Rosenbrock
    >>> check_surface(Booth(), max_examples=5)[-1]
    'nothing_below_the_minimum'
    >>> s = Rosenbrock(dim=3)
    >>> s.minimum = 1e-3  # a wrong stated minimum
    >>> check_surface(s, max_examples=5)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    AssertionError: Rosenbrock(dim=3) fails the property minimizers_attain_the_minimum: ...
    """
    for prop in PROPERTIES:
        prop(surface, max_examples=max_examples)
    return [prop.__name__ for prop in PROPERTIES]


__all__ = [
    "PROPERTIES",
    "attributes_are_consistent",
    "batch_equals_point_by_point",
    "batches",
    "check_surface",
    "gradient_matches_central_differences",
    "inputs_are_not_modified",
    "minimizers_attain_the_minimum",
    "near_minimizers",
    "nothing_below_the_minimum",
    "points",
    "shapes_follow_the_batch_contract",
]
