"""The surface property kit (``surfaces.testing``) on the shipped surfaces and on wrong ones.

``check_surface`` must pass every surface the project ships (the table of
``test_surfaces.py``: every registered surface in every dimension from its
smallest to 6 but 4 and 5, Quadratic in four forms; and LinearRegression on
small synthetic problems), the elementwise ones with bitwise batches, and must
reject each deliberately wrong variant below, naming the property that
catches it and a counterexample that is one. NumPy's RuntimeWarnings are
errors: no shipped surface overflows inside its bounds.
"""

import ast
import re
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import settings

import surfaces
from surfaces import (
    Ackley,
    Beale,
    Booth,
    Branin,
    Himmelblau,
    LinearRegression,
    Matyas,
    Rastrigin,
    Rosenbrock,
    make_regression,
)
from surfaces.testing import (
    PROPERTIES,
    attributes_are_consistent,
    batch_equals_point_by_point,
    check_surface,
    gradient_matches_central_differences,
    inputs_are_not_modified,
    minimizers_attain_the_minimum,
    nothing_below_the_minimum,
    shapes_follow_the_batch_contract,
)
from tests.test_surfaces import CASES

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")  # NumPy's warnings


def regression(n, d, seed, **kwargs):
    X, y, _ = make_regression(n, d, noise=0.1, rng=seed)
    return LinearRegression(X, y, **kwargs)


# The cases of test_surfaces.py but dimensions 4 and 5 of the surfaces defined
# in any dimension (their formulas do nothing there that they do not do in 3
# and 6: the kit under the ci profile costs about 1 s a case), and
# LinearRegression on small synthetic problems.
SHIPPED = {
    **{key: s for key, s in CASES.items() if not key.endswith(("-4", "-5"))},
    "linreg": regression(20, 3, seed=0),
    "linreg-ridge-intercept": regression(20, 3, seed=1, l2=0.5, intercept=True),
    "linreg-fewer-rows-than-weights": regression(3, 5, seed=2),  # minimum-norm
}

# Surfaces whose formulas are elementwise, so that a batch gives each point's
# numbers bitwise (the promise of surfaces.Surface). The others add a sum
# over the coordinates (Rastrigin, Styblinski-Tang, Ackley, Hartmann6) or
# call BLAS (LinearRegression), whose order NumPy does not promise.
ELEMENTWISE = {
    "quadratic",
    "rosenbrock",
    "beale",
    "booth",
    "matyas",
    "himmelblau",
    "three_hump_camel",
    "six_hump_camel",
    "goldstein_price",
    "branin",
}


def test_every_registered_surface_is_checked():
    assert {s.name for s in SHIPPED.values()} == {*surfaces.names(), "linreg"}
    assert ELEMENTWISE < set(surfaces.names())


@pytest.mark.parametrize("s", list(SHIPPED.values()), ids=list(SHIPPED))
def test_check_surface_passes_every_shipped_surface(s):
    assert check_surface(s) == [prop.__name__ for prop in PROPERTIES]


@pytest.mark.parametrize(
    "s",
    [s for s in SHIPPED.values() if s.name in ELEMENTWISE],
    ids=[k for k, s in SHIPPED.items() if s.name in ELEMENTWISE],
)
def test_elementwise_surfaces_batch_bitwise(s):
    batch_equals_point_by_point(s, exact=True)


# --- surfaces that are wrong on purpose ---------------------------------------


class FlippedGradient(Himmelblau):
    """The sign of one coordinate of the gradient lost (still 0 at the minimizers)."""

    def grad(self, x):
        return super().grad(x) * np.array([1.0, -1.0])


class GradWithoutValueAndGrad(Rosenbrock):
    """A new ``grad`` in a subclass, and the parent's ``value_and_grad`` (shared work) kept."""

    def grad(self, x):
        return 2 * super().grad(x)


class HalfDerivative(Matyas):
    """d/dx (x^2) taken as x: 0.26 where 0.52 belongs."""

    def grad(self, x):
        x = self._check(x)
        x1, x2 = x[..., :1], x[..., 1:]
        return np.concatenate([0.26 * x1 - 0.48 * x2, 0.26 * x2 - 0.48 * x1], axis=-1)


class WrongMinimum(Booth):
    """A stated minimum of 1 where the value at the minimizer is 0."""

    def __init__(self):
        super().__init__()
        self.minimum = 1.0


class TypoInMinimizer(Branin):
    """2.257 for 2.275 in the second of the three minimizers."""

    def __init__(self):
        super().__init__()
        self.minimizers = self.minimizers.copy()
        self.minimizers[1, 1] = 2.257


class LocalMinimizer(Rastrigin):
    """The local minimizer near x = 1 stated as the global one, with its value."""

    def __init__(self):
        super().__init__(dim=1)
        x = np.array([1.0])
        for _ in range(20):  # Newton on f'(x) = 2 x + 20 pi sin(2 pi x)
            x = x - self.grad(x) / (2 + 40 * np.pi**2 * np.cos(2 * np.pi * x))
        self.minimizers, self.minimum = x[None], float(self.value(x))


class MeanOverTheBatch(Ackley):
    """The radius as a mean over every entry (``x.size``), not over the coordinates."""

    def value(self, x):
        x = self._check(x)
        r = np.sqrt((x**2).sum(axis=-1) / x.size)
        m = np.cos(self.c * x).mean(axis=-1)
        return -self.a * np.expm1(-self.b * r) - np.e * np.expm1(m - 1)


class StackedOnTheFirstAxis(Booth):
    """``np.stack`` without ``axis=-1``: a gradient ``(2, *batch)``."""

    def grad(self, x):
        x = self._check(x)
        u1 = x[..., 0] + 2 * x[..., 1] - 7
        u2 = 2 * x[..., 0] + x[..., 1] - 5
        return np.stack((2 * u1 + 4 * u2, 4 * u1 + 2 * u2))


class HalvesItsInput(Beale):
    """Rescales its argument in place (``x /= 2``) before evaluating."""

    def value(self, x):
        x = self._check(x)
        x /= 2
        return super().value(2 * x)


class StartOutside(Matyas):
    """A start of -12 on a domain that ends at -10."""

    def __init__(self):
        super().__init__()
        self.start = np.array([-8.0, -12.0])


class NoDimCheck(Booth):
    """Converts its argument without checking its last axis."""

    def _check(self, x):
        return np.asarray(x, dtype=np.float64)


WRONG = [
    (FlippedGradient, gradient_matches_central_differences),
    (HalfDerivative, gradient_matches_central_differences),
    (WrongMinimum, minimizers_attain_the_minimum),
    (TypoInMinimizer, minimizers_attain_the_minimum),
    (LocalMinimizer, nothing_below_the_minimum),
    (MeanOverTheBatch, batch_equals_point_by_point),
    (GradWithoutValueAndGrad, batch_equals_point_by_point),
    (StackedOnTheFirstAxis, shapes_follow_the_batch_contract),
    (HalvesItsInput, inputs_are_not_modified),
    (StartOutside, attributes_are_consistent),
    (NoDimCheck, shapes_follow_the_batch_contract),
]


@pytest.mark.parametrize(("cls", "prop"), WRONG, ids=[c.__name__ for c, _ in WRONG])
def test_check_surface_rejects_a_wrong_surface_naming_the_property(cls, prop):
    s = cls()
    with pytest.raises(AssertionError) as caught:
        check_surface(s)
    assert str(caught.value).startswith(f"{s!r} fails the property {prop.__name__}: ")
    with pytest.raises(AssertionError) as caught:
        prop(s)  # the property alone rejects it too, showing the point
    message = str(caught.value)
    assert message.startswith(f"{s!r} fails the property {prop.__name__}: ")
    if prop is not attributes_are_consistent:  # which names the attribute
        assert re.search(r"x = \[|x of shape", message)


def counterexample(message):
    """The first point ``x = [...]`` of a failure message, as an array."""
    return np.array(ast.literal_eval(re.search(r"x = (\[[^\]]*\])", message)[1]))


def test_the_gradient_counterexample_is_one():
    # The flipped sign shows wherever the true gradient's second coordinate is
    # not 0, and the printed point is such a point.
    with pytest.raises(AssertionError) as caught:
        gradient_matches_central_differences(FlippedGradient())
    x = counterexample(str(caught.value))
    low, high = Himmelblau().bounds
    assert x.shape == (2,) and np.all((low <= x) & (x <= high))
    assert abs(Himmelblau().grad(x)[1]) > 1e-6


def test_the_minimum_counterexample_is_below_the_stated_minimum():
    s = LocalMinimizer()
    minimizers_attain_the_minimum(s)  # a stationary point with the stated value
    gradient_matches_central_differences(s)
    with pytest.raises(AssertionError) as caught:
        nothing_below_the_minimum(s)
    assert s.value(counterexample(str(caught.value))) < s.minimum - 0.1


class OneUlpOff(Booth):
    """A batch one rounding away from the points: allowed unless ``exact``."""

    def value(self, x):
        f = super().value(x)
        return f * (1 + np.finfo(float).eps) if np.ndim(f) > 0 else f


def test_exact_batches_are_bitwise_and_others_to_rounding():
    batch_equals_point_by_point(OneUlpOff())
    with pytest.raises(AssertionError, match=r"value\(x\)\[i\] and value\(x\[i\]\)"):
        batch_equals_point_by_point(OneUlpOff(), exact=True)


def test_max_examples_bounds_the_examples():
    points = []

    class Counting(Booth):
        def grad(self, x):
            points.append(np.shape(x))
            return super().grad(x)

    gradient_matches_central_differences(Counting(), max_examples=7)
    assert 1 <= len(points) <= 7
    points.clear()
    gradient_matches_central_differences(Counting())  # the loaded profile's
    assert 7 < len(points) <= settings().max_examples


# --- outside pytest; what importing the kit costs -----------------------------


def test_runs_from_a_plain_script_without_optim_search_or_a_database(tmp_path):
    code = (
        "import sys\n"
        "from surfaces import Booth\n"
        "from surfaces.testing import check_surface\n"
        "class Bad(Booth):\n"
        "    def grad(self, x):\n"
        "        return -super().grad(x)\n"
        "try:\n"
        "    check_surface(Bad(), max_examples=20)\n"
        "except AssertionError as err:\n"
        "    print(err)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'optim', 'search'}))\n"
    )
    out = run_python(code, cwd=tmp_path)
    assert out.startswith(
        "Bad(dim=2) fails the property gradient_matches_central_differences"
    )
    assert "at x = [" in out and out.endswith("\n[]\n")  # no optim, no search
    # Hypothesis keeps a cache of constants there, but no example database
    assert not (tmp_path / ".hypothesis" / "examples").exists()


def test_the_library_does_not_import_hypothesis():
    code = "import sys, surfaces, optim, search; print('hypothesis' in sys.modules)"
    assert run_python(code) == "False\n"


def run_python(code, cwd=None):
    """What ``python -c code`` prints, outside pytest (no Hypothesis profile)."""
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
    )
    return out.stdout
