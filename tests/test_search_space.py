"""Search spaces: the unit-cube maps, grids, keys and validation (search/space.py).

The Hypothesis strategies for dimensions and spaces at the top are shared with
tests/test_search_grid.py and tests/test_search_random.py.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import re

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from search._checks import MAX_INT
from search.space import (
    Categorical,
    Integer,
    Real,
    all_keys,
    all_points,
    all_units,
    check_space,
    from_unit,
    grid,
    param_key,
    sample,
    space_spec,
    to_unit,
)
from search.space import size as space_size

EPS = np.finfo(np.float64).eps

# --- shared strategies ------------------------------------------------------


def finite(low, high):
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


@st.composite
def reals(draw, log=None):
    """A Real whose bounds are bounded floats, not closer than 1e-9 relative."""
    log = draw(st.booleans()) if log is None else log
    lo, hi = (1e-8, 1e6) if log else (-1e6, 1e6)
    a, b = draw(finite(lo, hi)), draw(finite(lo, hi))
    # Bounds an ulp apart are a degenerate range (tested on their own below).
    assume(abs(b - a) > 1e-9 * max(abs(a), abs(b), 1.0))
    return Real(min(a, b), max(a, b), log=log)


@st.composite
def integers(draw, log=None, max_width=1000):
    """An Integer of at most ``max_width + 1`` values, anywhere in +-MAX_INT."""
    log = draw(st.booleans()) if log is None else log
    low = draw(st.integers(1 if log else -MAX_INT, MAX_INT - 1))
    high = draw(st.integers(low + 1, min(low + max_width, MAX_INT)))
    return Integer(low, high, log=log)


scalars = st.one_of(
    st.text(max_size=5), st.integers(-100, 100), finite(-1e3, 1e3), st.booleans()
)


def categoricals(max_size=8):
    # unique=True dedupes by hash/==, as Categorical does (1, 1.0, True alike).
    return st.lists(scalars, min_size=1, max_size=max_size, unique=True).map(
        Categorical
    )


dimensions = st.one_of(reals(), integers(), categoricals())
names = st.text("abcdefgh_", min_size=1, max_size=4)
spaces = st.dictionaries(names, dimensions, min_size=1, max_size=4)
# All-discrete spaces of at most 6**3 = 216 points.
small_dimensions = st.one_of(integers(max_width=5), categoricals(max_size=6))
small_spaces = st.dictionaries(names, small_dimensions, min_size=1, max_size=3)


def values(dim):
    """Valid values of a dimension."""
    if isinstance(dim, Real):
        return finite(dim.low, dim.high)
    if isinstance(dim, Integer):
        return st.integers(dim.low, dim.high)
    return st.sampled_from(dim.choices)


@st.composite
def space_and_params(draw, space_strategy=spaces):
    space = draw(space_strategy)
    return space, {name: draw(values(dim)) for name, dim in space.items()}


units = finite(0.0, 1.0)


def size(dim):
    """Number of distinct values of a discrete dimension."""
    return len(dim.choices) if isinstance(dim, Categorical) else dim.high - dim.low + 1


def raises(kind, *fragments):
    """pytest.raises whose message must contain every fragment (names and values)."""
    return pytest.raises(
        kind, match="(?s)" + "".join(f"(?=.*{re.escape(f)})" for f in fragments)
    )


# --- the maps to and from [0, 1] ---------------------------------------------


@given(reals(), st.data())
def test_real_round_trip_and_range(dim, data):
    v = data.draw(values(dim))
    u = dim.to_unit(v)
    assert 0.0 <= u <= 1.0
    back = dim.from_unit(u)
    assert type(back) is float and dim.low <= back <= dim.high
    if dim.log:
        # Each of log, -, /, *, + and exp adds an error of at most an ulp of the
        # log-scale numbers involved; exp turns it into a relative error.
        rtol = 8 * EPS * (1 + abs(math.log(dim.low)) + abs(math.log(dim.high)))
        assert back == pytest.approx(v, rel=rtol, abs=0)
    else:
        # -, /, * and + each err by an ulp of numbers at most |low| + |high|.
        assert back == pytest.approx(
            v, rel=0, abs=4 * EPS * (abs(dim.low) + abs(dim.high))
        )


@given(reals())
def test_real_ends_are_exact(dim):
    assert dim.to_unit(dim.low) == 0.0 and dim.to_unit(dim.high) == 1.0
    assert dim.from_unit(0.0) == dim.low and dim.from_unit(1.0) == dim.high


@given(st.one_of(integers(), categoricals()), st.data())
def test_discrete_round_trip_is_exact(dim, data):
    v = data.draw(values(dim))
    u = dim.to_unit(v)
    assert 0.0 < u < 1.0
    back = dim.from_unit(u)
    assert back == v and type(back) is type(v)


@given(dimensions, st.floats(allow_nan=False))
def test_from_unit_stays_in_bounds_for_any_u(dim, u):
    # u outside [0, 1] (even +-inf) is clipped, not an error.
    v = dim.from_unit(u)
    if isinstance(dim, Categorical):
        assert v in dim.choices
    else:
        assert type(v) is (float if isinstance(dim, Real) else int)
        assert dim.low <= v <= dim.high
    assert v == dim.from_unit(min(max(u, 0.0), 1.0))


@given(st.one_of(reals(log=True), integers(log=True)), st.data())
def test_log_warp_is_monotone(dim, data):
    v1, v2 = sorted(data.draw(st.lists(values(dim), min_size=2, max_size=2)))
    assert dim.to_unit(v1) <= dim.to_unit(v2)
    u1, u2 = sorted(data.draw(st.lists(units, min_size=2, max_size=2)))
    assert dim.from_unit(u1) <= dim.from_unit(u2)


@given(reals(log=True))
def test_log_warp_puts_the_geometric_mean_in_the_middle(dim):
    middle = math.sqrt(dim.low) * math.sqrt(dim.high)  # no overflow in the product
    # middle carries ~2 ulp of relative error and each log ~1 ulp of |log v|;
    # to_unit divides these log-scale errors by the width of the log range.
    logs = 1 + abs(math.log(dim.low)) + abs(math.log(dim.high))
    width = math.log(dim.high) - math.log(dim.low)
    assert dim.to_unit(middle) == pytest.approx(0.5, abs=4 * EPS * logs / width)


@given(integers(log=False), st.data())
def test_integer_cells_have_equal_width(dim, data):
    n = size(dim)
    j = data.draw(st.integers(0, n - 1))
    t = data.draw(finite(0.01, 0.99))  # a point well inside cell j
    assert dim.from_unit((j + t) / n) == dim.low + j
    assert dim.to_unit(dim.low + j) == pytest.approx((j + 0.5) / n, abs=1e-12)


@given(integers(log=True, max_width=50), st.data())
def test_log_integer_cells_are_warped(dim, data):
    # Integer i owns [log(i - 0.5), log(i + 0.5)] of [log(low - 0.5), log(high + 0.5)].
    i = data.draw(st.integers(dim.low, dim.high))
    t = data.draw(finite(0.01, 0.99))
    a, b = math.log(dim.low - 0.5), math.log(dim.high + 0.5)
    left, right = (math.log(i - 0.5) - a) / (b - a), (math.log(i + 0.5) - a) / (b - a)
    assert dim.from_unit(left + t * (right - left)) == i


@given(categoricals(), st.data())
def test_categorical_cells(dim, data):
    n = len(dim.choices)
    j = data.draw(st.integers(0, n - 1))
    t = data.draw(finite(0.0, 0.99))
    assert dim.from_unit((j + t) / n) == dim.choices[j]
    assert dim.to_unit(dim.choices[j]) == (j + 0.5) / n


def test_categorical_tells_true_from_one():
    dim = Categorical([1, "a"])
    with raises(ValueError, "value", "True"):
        dim.to_unit(True)
    assert Categorical([True, "a"]).to_unit(True) == 0.25


def test_worked_examples():
    # By hand: log10 position of 1e-2 in [1e-4, 1] is 2 / 4.
    assert Real(1e-4, 1.0, log=True).to_unit(1e-2) == pytest.approx(0.5, abs=1e-15)
    # Integer(1, 4): cells of width 1/4 over [0.5, 4.5]; 0.3 * 4 + 0.5 = 1.7 -> 2.
    assert Integer(1, 4).from_unit(0.3) == 2
    assert Integer(1, 4).to_unit(3) == 0.625
    assert Categorical(["a", "b", "c"]).from_unit(2 / 3) == "c"


# --- grids -------------------------------------------------------------------


@given(st.one_of(reals(), integers()), st.integers(2, 40))
def test_dimension_grid_spans_the_range(dim, n):
    values = dim.grid(n)
    assert values[0] == dim.low and values[-1] == dim.high
    assert all(a < b for a, b in itertools.pairwise(values))  # increasing, distinct
    assert len(values) <= (n if isinstance(dim, Real) else min(n, size(dim)))
    kind = float if isinstance(dim, Real) else int
    assert all(type(v) is kind for v in values)


@given(reals(), st.integers(2, 40))
def test_real_grid_is_even_in_the_warped_space(dim, n):
    values = np.array(dim.grid(n))
    assume(len(values) == n)  # no two points equal in float64
    w = np.log(values) if dim.log else values
    steps = np.diff(w)
    # Each w carries the rounding of the lerp and of the float64 value itself:
    # a few ulp of |w|, plus (log) an ulp of 1 from the relative error of v.
    atol = 8 * EPS * (1 + np.abs(w).max())
    assert np.allclose(steps, steps.mean(), rtol=0, atol=atol)


def test_grid_worked_examples():
    assert Real(0.0, 1.0).grid(5) == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert Real(0.0, 1.0).grid(1) == [0.5]
    assert [round(v, 12) for v in Real(1e-3, 1.0, log=True).grid(4)] == [
        1e-3,
        1e-2,
        0.1,
        1.0,
    ]
    assert Integer(1, 100, log=True).grid(3) == [1, 10, 100]
    assert Integer(0, 2).grid(50) == [0, 1, 2]


@given(integers(log=False, max_width=30))
def test_integer_grid_with_enough_points_is_every_integer(dim):
    assert dim.grid(size(dim)) == list(range(dim.low, dim.high + 1))


@given(spaces, st.integers(1, 4))
def test_space_grid_is_the_product_without_duplicates(space, points):
    axes = [dim.grid(points) for dim in space.values()]
    result = grid(space, points)
    assert len(result) == math.prod(len(a) for a in axes)
    assert len({param_key(space, p) for p in result}) == len(result)
    # Oracle: itertools.product, whose last factor varies fastest.
    assert [tuple(p.values()) for p in result] == list(itertools.product(*axes))
    assert all(list(p) == list(space) for p in result)


def test_space_grid_points_per_dimension():
    space = {"a": Real(0.0, 1.0), "b": Integer(0, 9), "c": Categorical(["x", "y"])}
    result = grid(space, {"a": 3, "b": 2})
    assert len(result) == 3 * 2 * 2
    assert [p["b"] for p in result[:4]] == [0, 0, 9, 9]
    with raises(ValueError, "points", "b"):
        grid(space, {"a": 3})
    with raises(ValueError, "points", "zz"):
        grid(space, {"a": 3, "b": 2, "zz": 4})


# --- spaces ------------------------------------------------------------------


@given(space_and_params(small_spaces))
def test_space_round_trip_is_exact_when_discrete(case):
    space, params = case
    u = to_unit(space, params)
    assert u.shape == (len(space),) and np.all((u >= 0) & (u <= 1))
    assert from_unit(space, u) == params


@given(space_and_params())
def test_space_maps_keep_the_order_and_the_bounds(case):
    space, params = case
    u = to_unit(space, params)
    assert u.shape == (len(space),)
    for name, dim, ui in zip(space, space.values(), u, strict=True):
        assert ui == dim.to_unit(params[name])
    back = from_unit(space, u)
    assert list(back) == list(space)
    to_unit(space, back)  # a valid point of the space again


@given(spaces, st.integers(0, 20), st.integers(0, 2**32))
def test_sample_is_seeded_and_valid(space, n, seed):
    a = sample(space, np.random.default_rng(seed), n)
    assert a == sample(space, seed, n)  # a seed is coerced with default_rng
    assert len(a) == n
    for params in a:
        to_unit(space, params)


def test_sample_is_uniform_in_the_warped_space():
    # Log-uniform on [1e-4, 1]: P(lr < 1e-2) = 1/2. 4000 draws, 5 standard
    # deviations of a binomial proportion: 5 * sqrt(0.25 / 4000) = 0.04.
    draws = sample({"lr": Real(1e-4, 1.0, log=True)}, np.random.default_rng(1), 4000)
    assert np.mean([p["lr"] < 1e-2 for p in draws]) == pytest.approx(0.5, abs=0.04)


@given(space_and_params())
def test_param_key_and_spec_are_plain_data(case):
    space, params = case
    key = param_key(space, params)
    assert key == tuple(params[name] for name in space)
    assert param_key(space, dict(reversed(list(params.items())))) == key
    hash(key)
    spec = space_spec(space)
    assert list(spec) == list(space)
    assert json.loads(json.dumps(spec)) == spec
    assert json.loads(json.dumps(params)) == params


@given(dimensions)
def test_dimensions_are_frozen_values(dim):
    fields = {f.name: getattr(dim, f.name) for f in dataclasses.fields(dim)}
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(dim, next(iter(fields)), None)
    assert dim == type(dim)(**fields)
    hash(dim)


def test_bounds_are_normalized():
    assert Real(1, 2) == Real(1.0, 2.0) and type(Real(1, 2).low) is float
    assert type(Integer(np.int64(1), np.int32(5)).high) is int
    assert Categorical(("a", np.float64(0.5))).choices == ("a", 0.5)
    assert type(Categorical([np.float64(0.5)]).choices[0]) is float
    assert Categorical(np.array(["a", "b"])).choices == ("a", "b")


# --- bad input: errors name the argument and the value ------------------------

bad_floats = st.sampled_from([math.nan, math.inf, -math.inf])


@given(finite(-1e6, 1e6), finite(-1e6, 1e6), st.booleans())
def test_bounds_out_of_order(a, b, log):
    low, high = max(a, b), min(a, b)  # low >= high
    assume(not log or high > 0)
    with raises(ValueError, "Real", "low", "high", repr(low), repr(high)):
        Real(low, high, log=log)


@given(st.integers(-100, 100), st.integers(-100, 100))
def test_integer_bounds_out_of_order(a, b):
    low, high = max(a, b), min(a, b)
    with raises(ValueError, "Integer", f"low={low}", f"high={high}"):
        Integer(low, high)


@given(bad_floats, finite(-10, 10), st.booleans())
def test_non_finite_bounds(bad, other, bad_is_low):
    kwargs = {"low": bad, "high": other} if bad_is_low else {"low": other, "high": bad}
    with raises(
        ValueError, "Real", "low" if bad_is_low else "high", "finite", repr(bad)
    ):
        Real(**kwargs)


@given(finite(-1e6, 0.0), finite(1e-6, 1e6))
def test_log_needs_positive_low(low, high):
    with raises(ValueError, "Real", "log", "low", repr(low)):
        Real(low, high, log=True)
    with raises(ValueError, "Integer", "log", "low", repr(int(low))):
        Integer(int(low), int(high) + 1, log=True)


@given(finite(-100, 100).filter(lambda x: x != int(x)))
def test_integer_bounds_must_be_ints(x):
    with raises(TypeError, "Integer", "low", "int", repr(x)):
        Integer(x, 1000)
    with raises(TypeError, "Integer", "high", repr(float(x + 1000))):
        Integer(-1000, float(x + 1000))


@pytest.mark.parametrize("bad", [True, np.bool_(False), "1", None, [1], 1 + 2j])
def test_non_numbers_where_numbers_expected(bad):
    with raises(TypeError, "Real", "low", repr(bad)):
        Real(bad, 10.0)
    with raises(TypeError, "Integer", "high", repr(bad)):
        Integer(-10, bad)
    with raises(TypeError, "Real", "value", repr(bad)):
        Real(-10.0, 10.0).to_unit(bad)
    with raises(TypeError, "u", repr(bad)):
        Integer(0, 3).from_unit(bad)


@pytest.mark.parametrize("bad", [1, 0.0, "yes", None])
def test_log_must_be_a_bool(bad):
    with raises(TypeError, "Real", "log", repr(bad)):
        Real(1.0, 2.0, log=bad)
    with raises(TypeError, "Integer", "log", repr(bad)):
        Integer(1, 2, log=bad)


def test_other_bad_input():
    with raises(ValueError, "Integer", "2**40"):
        Integer(0, MAX_INT + 1)
    with raises(ValueError, "Real", "too close", "log", "1e+300"):
        Real(1e300, float(np.nextafter(1e300, 2e300)), log=True)
    with raises(ValueError, "Real", "high - low", "overflow", "1e+308"):
        Real(-1e308, 1e308)
    with raises(ValueError, "Categorical", "empty", "[]"):
        Categorical([])
    with raises(ValueError, "Categorical", "distinct", "[1, True]"):
        Categorical([1, True])
    with raises(TypeError, "Categorical", "choices", "None"):
        Categorical(["a", None])
    with raises(TypeError, "Categorical", "choices", "'abc'"):
        Categorical("abc")
    with raises(ValueError, "Categorical", "finite", "nan"):
        Categorical([math.nan])
    with raises(ValueError, "Real", "value", "3.0"):
        Real(0.0, 1.0).to_unit(3.0)
    with raises(ValueError, "Integer", "value", "11"):
        Integer(0, 10).to_unit(11)
    with raises(TypeError, "Integer", "value", "2.0"):
        Integer(0, 10).to_unit(2.0)
    with raises(ValueError, "Categorical", "value", "'z'"):
        Categorical(["a"]).to_unit("z")
    with raises(ValueError, "u", "nan"):
        Real(0.0, 1.0).from_unit(math.nan)
    with raises(ValueError, "Real", "n", "0"):
        Real(0.0, 1.0).grid(0)
    with raises(TypeError, "Integer", "n", "2.5"):
        Integer(0, 3).grid(2.5)


def test_bad_spaces_and_params():
    space = {"a": Real(0.0, 1.0), "b": Integer(0, 3)}
    with raises(TypeError, "space", "[1, 2]"):
        check_space([1, 2])
    with raises(ValueError, "space", "empty"):
        check_space({})
    with raises(TypeError, "space", "names", "3"):
        check_space({3: Real(0.0, 1.0)})
    with raises(TypeError, "space", "'a'", "(0, 1)"):
        check_space({"a": (0, 1)})
    with raises(ValueError, "params", "missing ['b']"):
        to_unit(space, {"a": 0.5})
    with raises(ValueError, "params", "unknown ['c']"):
        param_key(space, {"a": 0.5, "b": 1, "c": 2})
    with raises(TypeError, "params", "[0.5, 1]"):
        to_unit(space, [0.5, 1])
    with raises(ValueError, "u", "(2,)", "(3,)"):
        from_unit(space, [0.1, 0.2, 0.3])
    with raises(ValueError, "sample", "n", "-1"):
        sample(space, 0, -1)


def test_check_space_copies():
    space = {"a": Real(0.0, 1.0)}
    checked = check_space(space)
    assert checked == space and checked is not space


def test_a_finite_space_is_listed_once_in_product_order():
    space = {"k": Integer(1, 3), "opt": Categorical(["sgd", "adam"])}
    expected = [
        (1, "sgd"), (1, "adam"), (2, "sgd"), (2, "adam"), (3, "sgd"), (3, "adam"),
    ]  # fmt: skip
    assert space_size(space) == 6
    assert all_keys(space) == expected
    assert [param_key(space, p) for p in all_points(space)] == expected
    # positions: integer k in [0.5, 3.5] -> (k - 0.5) / 3; choice i of 2 -> (i + 0.5) / 2
    units = [[(k - 0.5) / 3, 0.25 if c == "sgd" else 0.75] for k, c in expected]
    np.testing.assert_allclose(all_units(space), units, rtol=1e-15)
    with pytest.raises(ValueError, match="space: must be finite"):
        all_keys({"lr": Real(0.0, 1.0)})
    with pytest.raises(ValueError, match="got 1000000 points"):
        all_points({"a": Integer(1, 1000), "b": Integer(1, 1000)})
