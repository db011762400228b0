"""Tests of search/runner.py and search/evaluation.py without storage: the loop,
statuses, batches, executors.

Oracles: the objective called by hand on each proposed point, and running
minima computed with a plain Python loop. Storage and resume are tested in
test_search_resume.py.
"""

import concurrent.futures
import csv
import io
import json
import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from optim import SGD, Adam
from search.objective import TrainedLoss
from search.progress import Progress
from search.random_search import RandomSearch
from search.runner import (
    SearchResult,
    Trial,
    bayes_search,
    grid_search,
    random_search,
    run,
)
from search.space import Integer, Real
from surfaces import LinearRegression, Rosenbrock, make_regression, split
from tests._search_helpers import (
    SPACE,
    Adaptive,
    Batched,
    ListStrategy,
    bowl,
    flaky,
    grid_strategy,
    key,
    same,
)

# ------------------------------------------------------------ the loop


def test_trials_are_the_objective_at_the_proposals():
    strategy = Adaptive(seed=0, batch_size=3)
    result = run(bowl, strategy, 7)
    assert [t.index for t in result.trials] == list(range(7))
    assert [t.round for t in result.trials] == [0, 0, 0, 1, 1, 1, 2]  # 3 + 3 + 1
    for t in result.trials:
        assert t.value == bowl(t.params) and t.status == "ok" and t.message == ""
        assert t.seconds >= 0
    # told in proposal order, once each, with the recorded values
    assert strategy.history == [(t.params, t.value) for t in result.trials]


def test_same_seed_same_trials_other_seed_other_trials():
    a = run(flaky, Adaptive(seed=3, batch_size=2), 9)
    b = run(flaky, Adaptive(seed=3, batch_size=2), 9)
    c = run(flaky, Adaptive(seed=4, batch_size=2), 9)
    assert [key(t) for t in a.trials] == [key(t) for t in b.trials]
    assert [t.params for t in a.trials] != [t.params for t in c.trials]


def test_exhausted_strategy_stops_early():
    strategy = grid_strategy(points=2, batch_size=3)  # 2 x 2 x 3 choices = 12 points
    result = run(bowl, strategy, 100)
    assert len(result.trials) == 12
    assert [t.params for t in result.trials] == strategy.points
    assert [t.round for t in result.trials] == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]


def test_rounds_ask_at_most_the_remaining_trials():
    asked = []

    class Recording(Adaptive):
        def ask(self, n=1):
            asked.append(n)
            return super().ask(n)

    run(bowl, Recording(seed=0, batch_size=4), 10)
    assert asked == [4, 4, 2]


# ------------------------------------------------------------ statuses


def test_failed_and_diverged_trials():
    points = [
        {"x": 0.0, "n": 2, "kind": "b"},  # ok: 0.09
        {"x": 0.9, "n": 2, "kind": "b"},  # raises
        {"x": -0.9, "n": 2, "kind": "b"},  # nan
        {"x": 0.0, "n": 8, "kind": "b"},  # inf
        {"x": 0.3, "n": 2, "kind": "a"},  # ok: 0.5
    ]
    result = run(flaky, ListStrategy(points), 5)
    statuses = [t.status for t in result.trials]
    assert statuses == ["ok", "failed", "diverged", "diverged", "ok"]
    failed = result.trials[1]
    assert math.isnan(failed.value)
    assert failed.message == "ArithmeticError: x = 0.900 is too large"
    assert result.trials[2].value == math.inf and result.trials[3].value == math.inf
    assert result.trials[2].message == "objective returned nan"
    assert result.trials[3].message == "objective returned inf"
    assert result.best is result.trials[0]
    assert result.best.value == pytest.approx(0.09, abs=1e-15)
    assert (result.n_failed, result.n_diverged) == (1, 2)


def test_no_ok_trial_means_no_best():
    points = [{"x": 0.9, "n": 1, "kind": "a"}, {"x": 0.0, "n": 8, "kind": "a"}]
    result = run(flaky, ListStrategy(points), 2)
    assert result.best is None
    assert result.best_so_far().tolist() == [math.inf, math.inf]
    assert result.test_score is None


@pytest.mark.parametrize("returned", ["three", "1.5", True, None, [1.0], np.ones(2)])
def test_objective_returning_non_numbers_fails_the_trial(returned):
    result = run(lambda p: returned, Adaptive(seed=0), 2)
    assert [t.status for t in result.trials] == ["failed", "failed"]
    assert result.trials[0].message == (
        f"TypeError: the objective returned {returned!r}, not a number"
    )


@pytest.mark.parametrize("returned", [np.float32(1.5), np.int64(2), np.array(0.5)])
def test_numpy_numbers_are_values(returned):
    result = run(lambda p: returned, Adaptive(seed=0), 1)
    assert result.trials[0].status == "ok"
    assert result.trials[0].value == float(returned)


class Meddling:
    """An objective that changes the params it is given, and a batch too."""

    def __call__(self, params):
        params["x"] = round(params["x"], 1) + 100.0  # out of the space
        params.pop("kind")
        return bowl({**params, "x": 0.0, "kind": "a"})

    def batch(self, params_list):
        values = [self({**p}) for p in params_list]
        for p in params_list:
            p.clear()
        return values


@pytest.mark.parametrize("batch", [False, True])
def test_an_objective_that_changes_its_params_changes_nothing_stored(tmp_path, batch):
    objective = Meddling() if batch else Meddling().__call__
    path = tmp_path / "trials.jsonl"
    result = run(objective, RandomSearch(SPACE, seed=0, batch_size=3), 6, storage=path)
    proposals = run(bowl, RandomSearch(SPACE, seed=0, batch_size=3), 6).trials
    assert [t.params for t in result.trials] == [t.params for t in proposals]
    assert [t.status for t in result.trials] == ["ok"] * 6
    # and the file resumes: what it holds is what was proposed
    again = run(objective, RandomSearch(SPACE, seed=0, batch_size=3), 9, storage=path)
    assert again.trials[:6] == result.trials


class Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no")


def test_any_exception_is_a_failed_trial_even_an_unprintable_one():
    def objective(params):
        raise Unprintable

    result = run(objective, Adaptive(seed=0), 1)
    assert result.trials[0].status == "failed"
    assert result.trials[0].message.startswith("Unprintable: ")


def test_a_message_with_a_lone_surrogate_is_written_as_csv_and_json(tmp_path):
    def objective(params):
        raise ValueError("bad \udc80 byte")

    result = run(objective, Adaptive(seed=0), 2, storage=tmp_path / "t.jsonl")
    result.to_csv(tmp_path / "t.csv")
    result.to_json(tmp_path / "t.json")
    assert "bad \\udc80 byte" in (tmp_path / "t.csv").read_text(encoding="utf-8")
    assert json.loads((tmp_path / "t.json").read_text())["trials"][0]["message"] == (
        "ValueError: bad \udc80 byte"
    )


class ScoredBowl:
    """``bowl`` with a test score that raises or is not finite."""

    test = "a test split"

    def __init__(self, score):
        self.score = score

    def __call__(self, params):
        return bowl(params)

    def test_score(self, params):
        if isinstance(self.score, Exception):
            raise self.score
        return self.score


def test_a_failing_test_score_keeps_the_trials_with_a_warning():
    with pytest.warns(UserWarning, match="test score .* could not be computed"):
        result = run(ScoredBowl(RuntimeError("boom")), Adaptive(seed=0), 4)
    assert len(result.trials) == 4 and result.test_score is None


def test_a_non_finite_test_score_is_null_in_json():
    result = run(ScoredBowl(math.nan), Adaptive(seed=0), 2)
    assert math.isnan(result.test_score)
    assert json.loads(result.to_json())["test_score"] is None


# Outcomes of a scripted objective: a finite value, nan, +-inf or an exception.
outcomes = st.lists(
    st.one_of(
        st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False),
        st.sampled_from([math.nan, math.inf, -math.inf, "raise"]),
    ),
    min_size=1,
    max_size=12,
)


@given(outcomes, st.integers(1, 5))
def test_statuses_best_and_best_so_far(script, batch_size):
    def objective(params):
        out = script[params["i"]]
        if out == "raise":
            raise RuntimeError(f"trial {params['i']}")
        return out

    points = [{"i": i} for i in range(len(script))]
    strategy = ListStrategy(points, batch_size, space={"i": Integer(0, 99)})
    result = run(objective, strategy, len(script))
    running, best, best_index = [], math.inf, None
    for i, out in enumerate(script):
        t = result.trials[i]
        if out == "raise":
            assert (t.status, t.message) == ("failed", f"RuntimeError: trial {i}")
            assert math.isnan(t.value)
        elif not math.isfinite(out):
            assert (t.status, t.value) == ("diverged", math.inf)
        else:
            assert (t.status, t.value) == ("ok", out)
            if out < best:
                best, best_index = out, i
        running.append(best)
    so_far = result.best_so_far()
    assert so_far.shape == (len(script),)
    assert so_far.tolist() == running
    assert np.all(so_far[1:] <= so_far[:-1])
    assert (result.best is None) == (best_index is None)
    if best_index is not None:
        assert result.best.index == best_index  # the first of equal values


@given(st.lists(st.floats(-10, 10), min_size=2, max_size=30))
def test_best_so_far_never_increases(values):
    trials = [Trial(i, {}, v, "ok", 0.0) for i, v in enumerate(values)]
    so_far = SearchResult(trials).best_so_far()
    assert np.all(so_far[1:] <= so_far[:-1])
    assert so_far[-1] == min(values)


# ------------------------------------------------------------ batches


def test_batch_is_one_call_per_round_and_equals_serial():
    objective = Batched()
    result = run(objective, Adaptive(seed=5, batch_size=4), 10)
    serial = run(bowl, Adaptive(seed=5, batch_size=4), 10)
    assert objective.batch_calls == [4, 4, 2] and objective.calls == 0
    assert [key(t) for t in result.trials] == [key(t) for t in serial.trials]
    # a round's trials share its time evenly
    for r in range(3):
        seconds = {t.seconds for t in result.trials if t.round == r}
        assert len(seconds) == 1


def test_batch_fallback_isolates_a_bad_trial():
    objective = Batched(flaky)
    points = [
        {"x": 0.1, "n": 2, "kind": "b"},
        {"x": 0.7, "n": 2, "kind": "b"},  # raises: the whole batch raises
        {"x": 0.2, "n": 4, "kind": "c"},
    ]
    result = run(objective, ListStrategy(points, batch_size=3), 3)
    assert objective.batch_calls == [3] and objective.calls == 3  # then one by one
    assert [t.status for t in result.trials] == ["ok", "failed", "ok"]
    assert result.trials[0].value == bowl(points[0])
    assert result.trials[2].value == bowl(points[2])
    assert result.trials[1].message == "ArithmeticError: x = 0.700 is too large"


def test_batch_of_the_wrong_shape_falls_back():
    class Short(Batched):
        def batch(self, proposals):
            return super().batch(proposals)[:-1]

    objective = Short()
    result = run(objective, Adaptive(seed=1, batch_size=3), 3)
    assert objective.calls == 3
    assert [t.value for t in result.trials] == [bowl(t.params) for t in result.trials]


def test_batch_non_finite_values_are_diverged():
    class Nan(Batched):
        def batch(self, proposals):
            return np.where(np.arange(len(proposals)) % 2, np.nan, 1.0)

    result = run(Nan(), Adaptive(seed=1, batch_size=4), 4)
    assert [t.status for t in result.trials] == ["ok", "diverged"] * 2
    assert [t.value for t in result.trials] == [1.0, math.inf] * 2


# ------------------------------------------------------------ executors


def test_thread_pool_gives_the_serial_trials():
    serial = run(flaky, Adaptive(seed=2, batch_size=3), 8)
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        threaded = run(flaky, Adaptive(seed=2, batch_size=3), 8, executor=pool)
    assert [key(t) for t in threaded.trials] == [key(t) for t in serial.trials]


def test_process_pool_gives_the_serial_trials():
    # Two processes, six trials in rounds of three; values and params must
    # match exactly (seconds differ).
    serial = run(flaky, Adaptive(seed=7, batch_size=3), 6)
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        pooled = run(flaky, Adaptive(seed=7, batch_size=3), 6, executor=pool)
    assert [key(t) for t in pooled.trials] == [key(t) for t in serial.trials]


def test_executor_is_preferred_to_batch():
    objective = Batched()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        run(objective, Adaptive(seed=0, batch_size=2), 4, executor=pool)
    assert objective.batch_calls == [] and objective.calls == 4


def test_dask_client_executor_gives_the_serial_trials():
    distributed = pytest.importorskip("distributed")
    serial = run(flaky, Adaptive(seed=9, batch_size=3), 6)
    # Two single-threaded worker processes: the trials really leave this process.
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        executor = client.get_executor()
        remote = run(flaky, Adaptive(seed=9, batch_size=3), 6, executor=executor)
    assert [key(t) for t in remote.trials] == [key(t) for t in serial.trials]


class Broken(concurrent.futures.Executor):
    """An executor whose every future fails: a crashed pool, not a failed trial."""

    def submit(self, fn, /, *args, **kwargs):
        future = concurrent.futures.Future()
        future.set_exception(concurrent.futures.BrokenExecutor("pool died"))
        return future


def test_executor_errors_propagate():
    strategy = Adaptive(seed=0, batch_size=2)
    with pytest.raises(concurrent.futures.BrokenExecutor, match="pool died"):
        run(bowl, strategy, 4, executor=Broken())
    assert strategy.history == []  # nothing told


# ------------------------------------------------------------ the result


def flaky_result():
    points = [
        {"x": 0.0, "n": 2, "kind": "b"},
        {"x": 0.9, "n": 2, "kind": "b"},
        {"x": 0.0, "n": 8, "kind": "a"},
        {"x": 0.1, "n": 1, "kind": "c"},
    ]
    return run(flaky, ListStrategy(points), 4)


def test_to_json_is_strict_json_of_the_trials(tmp_path):
    result = flaky_result()
    path = tmp_path / "result.json"
    text = result.to_json(path)
    assert path.read_text() == text + "\n"
    document = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-JSON {c}"))
    assert document["best"] == 0 and document["test_score"] is None
    assert (document["n_failed"], document["n_diverged"]) == (1, 1)
    assert [row["value"] for row in document["trials"]] == [
        result.trials[0].value,
        None,
        None,
        result.trials[3].value,
    ]
    back = [Trial.from_dict(row) for row in document["trials"]]
    assert [key(t) for t in back] == [key(t) for t in result.trials]
    assert [t.seconds for t in back] == [t.seconds for t in result.trials]


def test_to_csv_columns_and_rows(tmp_path):
    result = flaky_result()
    path = tmp_path / "trials.csv"
    text = result.to_csv(path)
    assert path.read_text() == text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [
        "index",
        "round",
        "status",
        "value",
        "seconds",
        "message",
        "trained_steps",
        "gradient_steps",
        "x",
        "n",
        "kind",
    ]
    assert (
        rows[0]["trained_steps"] == rows[0]["gradient_steps"] == ""
    )  # a plain function
    for row, t in zip(rows, result.trials, strict=True):
        assert int(row["index"]) == t.index and row["status"] == t.status
        assert same(float(row["value"]), t.value) and row["message"] == t.message
        assert float(row["x"]) == t.params["x"] and int(row["n"]) == t.params["n"]
        assert row["kind"] == t.params["kind"]
    assert rows[1]["value"] == "nan" and rows[2]["value"] == "inf"


class WithTest:
    """An objective with a test split: test_score is 10x the value."""

    has_test = True

    def __call__(self, params):
        return bowl(params)

    def test_score(self, params):
        return 10 * bowl(params)


def test_test_score_of_the_best():
    result = run(WithTest(), Adaptive(seed=0), 5)
    assert result.test_score == 10 * bowl(result.best.params)
    objective = WithTest()
    objective.has_test = False  # declares: no test data
    assert run(objective, Adaptive(seed=0), 5).test_score is None


# ------------------------------------------------------------ progress


def test_progress_plain_line(capsys, monkeypatch):
    import search.progress

    monkeypatch.setattr(search.progress, "tqdm", None)
    result = run(bowl, Adaptive(seed=0), 4, progress=True)
    err = capsys.readouterr().err
    last = err.rstrip("\n").split("\r")[-1]
    assert last == f"search: 4/4 trials, best {result.best.value:.4g}"


def test_progress_with_tqdm(capsys):
    pytest.importorskip("tqdm")
    result = run(bowl, Adaptive(seed=0), 4, progress=True)
    err = capsys.readouterr().err
    assert "4/4" in err and f"best={result.best.value:.4g}" in err


def test_progress_counts_and_best():
    out = io.StringIO()
    bar = Progress(3, initial=1, best=2.0, file=out, use_tqdm=False)
    bar.update(math.nan)
    bar.update(1.5)
    assert (bar.done, bar.best) == (3, 1.5)


# ------------------------------------------------------------ bad arguments


class NoAsk:
    def tell(self, params, value):
        pass


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"objective": 3}, TypeError, "objective must be callable"),
        ({"strategy": NoAsk()}, TypeError, "strategy must have an ask"),
        ({"n_trials": 2.0}, TypeError, "n_trials must be an int, got 2.0"),
        ({"n_trials": True}, TypeError, "n_trials must be an int, got True"),
        ({"n_trials": 0}, ValueError, "n_trials must be >= 1, got 0"),
        ({"executor": object()}, TypeError, "executor must have a submit"),
        ({"storage": 5}, TypeError, "storage must be a path or None, got 5"),
        ({"progress": 1}, TypeError, "progress must be True or False, got 1"),
        (
            {"strategy": Adaptive(batch_size=0)},
            ValueError,
            "batch_size must be a positive int",
        ),
    ],
)
def test_bad_arguments(kwargs, error, words):
    args = {"objective": bowl, "strategy": Adaptive(), "n_trials": 3, **kwargs}
    with pytest.raises(error, match=re.escape(words)):
        run(args.pop("objective"), args.pop("strategy"), args.pop("n_trials"), **args)


# ------------------------------------------------------------ with TrainedLoss


def test_grid_search_of_trained_loss_is_one_batch_equal_to_single_runs():
    objective = TrainedLoss(SGD, Rosenbrock(), steps=50, fixed={"momentum": 0.9})
    calls = []
    evaluate = objective.evaluate
    objective.evaluate = lambda params: calls.append(len(params)) or evaluate(params)
    space = {"lr": Real(1e-5, 1e-1, log=True)}
    result = grid_search(objective, space, points=5)
    assert calls == [5]  # the whole grid in one vectorized run
    assert [t.params["lr"] for t in result.trials] == pytest.approx(
        [1e-5, 1e-4, 1e-3, 1e-2, 1e-1], rel=1e-12
    )
    for t in result.trials:
        single = objective(t.params)
        assert t.status == ("ok" if math.isfinite(single) else "diverged")
        assert t.value == single  # SGD on an analytic surface: elementwise, exact
    assert result.trials[-1].status == "diverged"  # lr = 0.1 with momentum 0.9
    assert result.test_score is None  # no test data


def test_test_score_of_trained_loss_on_held_out_data():
    X, y, _ = make_regression(60, 3, noise=0.1, rng=0)
    parts = split(X, y, rng=0)
    objective = TrainedLoss(
        Adam,
        train=LinearRegression(parts.X_train, parts.y_train),
        val=LinearRegression(parts.X_val, parts.y_val),
        test=LinearRegression(parts.X_test, parts.y_test),
        steps=30,
    )
    space = {"lr": Real(1e-3, 1.0, log=True), "b1": Real(0.0, 0.95)}
    result = random_search(objective, space, 6, seed=0, batch_size=3)
    assert result.test_score == objective.test_score(result.best.params)
    assert math.isfinite(result.test_score)


def test_bayes_search_shortcut_is_reproducible():
    space = {"x": Real(-1.0, 1.0)}
    a = bayes_search(lambda p: (p["x"] - 0.3) ** 2, space, 6, seed=2)
    b = bayes_search(lambda p: (p["x"] - 0.3) ** 2, space, 6, seed=2)
    assert len(a.trials) == 6
    assert [key(t) for t in a.trials] == [key(t) for t in b.trials]
