"""Loss surfaces: analytic test functions and linear regression with its closed form.

Every surface takes ``x`` of shape ``(*batch, d)`` and returns values
``(*batch,)`` and gradients ``(*batch, d)``; ``s(x)`` returns both, the form
:func:`optim.minimize` expects.

Modules: one per analytic surface (``rosenbrock.py``, ...) on ``_base.py``
(the interface) and ``registry.py``; ``linear_regression.py`` with its closed
forms in ``least_squares.py``; ``datasets.py`` (synthetic data, splits, the
diabetes data, whose files are in the folder ``data/``); ``_checks.py``, the
argument checks every constructor uses; ``testing/``, the property kit:
:func:`surfaces.testing.check_surface` checks a surface of your own as the
project checks its own (it imports Hypothesis, so it is not imported here).
"""

from surfaces._base import Surface
from surfaces.ackley import Ackley
from surfaces.beale import Beale
from surfaces.booth import Booth
from surfaces.branin import Branin
from surfaces.datasets import Split, kfold, load_diabetes, make_regression, split
from surfaces.goldstein_price import GoldsteinPrice
from surfaces.hartmann6 import Hartmann6
from surfaces.himmelblau import Himmelblau
from surfaces.linear_regression import LinearRegression
from surfaces.matyas import Matyas
from surfaces.quadratic import Quadratic
from surfaces.rastrigin import Rastrigin
from surfaces.registry import SURFACES, get, names
from surfaces.rosenbrock import Rosenbrock
from surfaces.six_hump_camel import SixHumpCamel
from surfaces.styblinski_tang import StyblinskiTang
from surfaces.three_hump_camel import ThreeHumpCamel

__all__ = [
    "SURFACES",
    "Ackley",
    "Beale",
    "Booth",
    "Branin",
    "GoldsteinPrice",
    "Hartmann6",
    "Himmelblau",
    "LinearRegression",
    "Matyas",
    "Quadratic",
    "Rastrigin",
    "Rosenbrock",
    "SixHumpCamel",
    "Split",
    "StyblinskiTang",
    "Surface",
    "ThreeHumpCamel",
    "get",
    "kfold",
    "load_diabetes",
    "make_regression",
    "names",
    "split",
]
