"""A registry of the analytic surfaces, so tests, benchmarks and the CLI can iterate."""

from __future__ import annotations

from typing import Any

from surfaces._base import Surface
from surfaces._checks import check_choice
from surfaces.ackley import Ackley
from surfaces.beale import Beale
from surfaces.booth import Booth
from surfaces.branin import Branin
from surfaces.goldstein_price import GoldsteinPrice
from surfaces.hartmann6 import Hartmann6
from surfaces.himmelblau import Himmelblau
from surfaces.matyas import Matyas
from surfaces.quadratic import Quadratic
from surfaces.rastrigin import Rastrigin
from surfaces.rosenbrock import Rosenbrock
from surfaces.six_hump_camel import SixHumpCamel
from surfaces.styblinski_tang import StyblinskiTang
from surfaces.three_hump_camel import ThreeHumpCamel

SURFACES: dict[str, type[Surface]] = {
    cls.name: cls
    for cls in (
        Quadratic,
        Rosenbrock,
        Beale,
        Booth,
        Matyas,
        Himmelblau,
        ThreeHumpCamel,
        SixHumpCamel,
        GoldsteinPrice,
        Rastrigin,
        Ackley,
        StyblinskiTang,
        Branin,
        Hartmann6,
    )
}


def names() -> list[str]:
    """Registry names of every analytic surface, in a fixed order."""
    return list(SURFACES)


def get(name: str, **kwargs: Any) -> Surface:
    """Build the surface registered as ``name`` (e.g. ``"rosenbrock"``) with ``kwargs``.

    Every surface takes ``dim``: those defined in any dimension are built in
    it, the others accept only their own (2, or 6 for Hartmann6) and raise a
    ValueError for any other, so ``get(name, dim=d)`` means the same for all.
    The name is case-insensitive, with ``-`` for ``_``.

    Examples
    --------
    >>> get("rosenbrock", dim=3).start
    array([-1.2,  1. , -1.2])
    >>> get("Six-Hump-Camel", dim=2).dim
    2
    >>> get("branin", dim=3)
    Traceback (most recent call last):
        ...
    ValueError: Branin: dim must be 2, got 3
    """
    key = check_choice("surfaces.get", "name", name, SURFACES, normalize=_key)
    return SURFACES[key](**kwargs)


def _key(name: str) -> str:
    """The registry key of ``name``: lower case, ``_`` for ``-``."""
    return name.lower().replace("-", "_")
