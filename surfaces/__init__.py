"""Loss surfaces: analytic test functions and linear regression with its closed form.

Every surface takes ``x`` of shape ``(*batch, d)`` and returns values
``(*batch,)`` and gradients ``(*batch, d)``; ``s(x)`` returns both, the form
:func:`optim.minimize` expects.
"""

from surfaces._base import Surface
from surfaces.ackley import Ackley
from surfaces.beale import Beale
from surfaces.booth import Booth
from surfaces.branin import Branin
from surfaces.data import kfold, load_diabetes, make_regression, split
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
