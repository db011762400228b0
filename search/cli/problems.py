"""The problems ``hpo`` trains on: shipped or synthetic data, or an analytic surface.

Least squares with an intercept on the diabetes data (Efron et al. 2004) or
on ``make_regression`` data, split into train/validation/test rows by
:func:`surfaces.split`, or a surface of the registry (``surfaces.get``).
``hpo descend --surface linreg`` trains on the training part of the diabetes
problem; ``hpo search`` tunes on the training part and scores on the others.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np

import surfaces

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

# The name of the diabetes training loss in ``hpo descend --surface``.
LINREG = "linreg"
# The data problems of ``hpo search --problem`` (the others are surfaces).
DATA_PROBLEMS = ("diabetes", "synthetic")
DIABETES = "diabetes (Efron et al. 2004)"
# The synthetic problem: make_regression(n, d, noise) with the --seed.
SYNTHETIC: dict[str, Any] = {"n": 200, "d": 10, "noise": 1.0}


@dataclasses.dataclass(frozen=True)
class Problem:
    """What a command trains on: the training surface and, for data, held-out rows.

    Attributes
    ----------
    name : str
        ``"diabetes"``, ``"synthetic"`` or a surface's registry name.
    seed : int
        Seed of the split (and of the synthetic data).
    train : Surface
        A ``LinearRegression`` on the training rows, or the analytic surface.
    val, test : LinearRegression or None
        The validation and test rows (``None`` for a surface).
    source : str
        Where the data come from (``""`` for a surface).
    """

    name: str
    seed: int
    train: surfaces.Surface
    val: surfaces.LinearRegression | None
    test: surfaces.LinearRegression | None
    source: str

    @property
    def linreg(self) -> bool:
        """Whether this is least squares on data (with a closed form to compare)."""
        return self.val is not None

    @property
    def rows(self) -> dict[str, int] | None:
        """The rows of the ``train``, ``val`` and ``test`` parts (``None``: a surface)."""
        train, val, test = self.train, self.val, self.test
        if not isinstance(train, surfaces.LinearRegression):
            return None
        if val is None or test is None:
            return None
        return {"train": train.n, "val": val.n, "test": test.n}


def problem(name: str, seed: int) -> Problem:
    """The data ``name`` split into train/validation/test, or the surface ``name``."""
    if name not in DATA_PROBLEMS:
        return Problem(name, seed, surfaces.get(name), None, None, "")
    if name == "diabetes":
        X, y, _ = surfaces.load_diabetes(scaled=True)
        source = f"{DIABETES}, {X.shape[1]} standardized features"
    else:
        X, y, _ = surfaces.make_regression(**SYNTHETIC, rng=seed)
        source = (
            f"synthetic, make_regression(n={SYNTHETIC['n']}, d={SYNTHETIC['d']}, "
            f"noise={SYNTHETIC['noise']:g}, rng={seed})"
        )
    part = surfaces.split(X, y, rng=seed)
    # The diabetes targets (25 to 346) are not centred: the model needs an intercept.
    train, val, test = (
        surfaces.LinearRegression(Xp, yp, intercept=True)
        for Xp, yp in (
            (part.X_train, part.y_train),
            (part.X_val, part.y_val),
            (part.X_test, part.y_test),
        )
    )
    return Problem(name, seed, train, val, test, source)


def fmt_point(x: ArrayLike) -> str:
    """``(1, -1.2)``: a short, exact-enough rendering of a point."""
    return "(" + ", ".join(f"{v:.4g}" for v in np.asarray(x, dtype=float)) + ")"
