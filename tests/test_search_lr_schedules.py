"""Schedules as hyperparameters: TrainedLoss(schedule=...) and hpo search --schedule.

The oracle is a run written out here: the schedule built by hand from
optim.schedules and trained with optim.minimize, scored on the validation rows.
"""

from __future__ import annotations

import numpy as np
import pytest

from optim import SGD, Adam, RMSProp, minimize
from optim.schedules import CosineAnnealingLR, LinearLR, OneCycleLR, SequentialLR
from search import Hyperband, Integer, Real, TrainedLoss, run
from search.cli import main, problems
from surfaces import Rosenbrock

DATA = problems.problem("diabetes", 0)


def by_hand(optimizer, lr, steps=200, surface=None):
    """The validation loss (or a surface's final loss) of one run with ``lr``."""
    if surface is not None:
        return float(
            minimize(surface, surface.start, optimizer(lr=lr), steps).values[-1]
        )
    trace = minimize(DATA.train, np.zeros(DATA.train.dim), optimizer(lr=lr), steps)
    return float(DATA.val.value(trace.x))


def warm_cosine(lr, warmup, horizon=200):
    ramp = LinearLR(0.01, total_iters=max(warmup, 1))
    return SequentialLR(
        [ramp, CosineAnnealingLR(T_max=horizon - warmup)], [warmup], base_lr=lr
    )


def test_a_cosine_trial_is_the_run_written_out_batched_or_alone():
    params = [
        {"lr": 1.0, "warmup": 0},
        {"lr": 3.0, "warmup": 20},
        {"lr": 0.3, "warmup": 199},
    ]
    expected = [by_hand(RMSProp, warm_cosine(p["lr"], p["warmup"])) for p in params]
    batched = TrainedLoss(RMSProp, DATA.train, DATA.val, steps=200, schedule="cosine")
    np.testing.assert_allclose(batched.batch(params), expected, rtol=1e-12)
    for p, value in zip(params, expected, strict=True):
        alone = TrainedLoss(RMSProp, DATA.train, DATA.val, steps=200, schedule="cosine")
        assert alone(p) == value  # one configuration: the same arithmetic


def test_a_onecycle_trial_is_the_run_written_out():
    objective = TrainedLoss(SGD, Rosenbrock(), steps=150, schedule="onecycle")
    params = [{"lr": 2e-3, "pct_start": 0.1}, {"lr": 1e-3}]  # pct_start default 0.3
    expected = [
        by_hand(
            SGD,
            OneCycleLR(max_lr=2e-3, total_steps=150, pct_start=0.1),
            150,
            Rosenbrock(),
        ),
        by_hand(SGD, OneCycleLR(max_lr=1e-3, total_steps=150), 150, Rosenbrock()),
    ]
    np.testing.assert_array_equal(objective.batch(params), expected)  # elementwise


def test_the_schedule_spans_the_objectives_steps_so_budgets_continue():
    # a trial at 27 steps runs the first 27 steps of the 81-step schedule,
    # and a promotion to 81 continues it: as one run of 81 steps
    space = {"lr": Real(1e-3, 1e-1, log=True), "warmup": Integer(0, 20)}
    objective = TrainedLoss(SGD, Rosenbrock(), steps=81, schedule="cosine")
    strategy = Hyperband(space, seed=0, min_steps=3, max_steps=81)
    result = run(objective, strategy, strategy.n_trials)
    fresh = TrainedLoss(SGD, Rosenbrock(), steps=81, schedule="cosine")
    top = [t for t in result.trials if t.steps == 81]
    assert top and all(
        t.value == fresh(t.params) or t.status == "diverged" for t in top
    )
    assert result.gradient_steps < sum(t.steps for t in result.trials)  # continued


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"lr": 0.1, "warmup": 200}, ValueError, r"warmup must be in \[0, 199\]"),
        ({"lr": 0.1, "warmup": 2.5}, TypeError, "warmup must be an integer"),
        ({"lr": 0.1, "steps": 201}, ValueError, "at most the 200 steps the cosine"),
        ({"lr": -1.0}, ValueError, "lr must be finite and in"),
        ({"lr": 0.1, "pct_start": 0.3}, ValueError, "unknown hyperparameter"),
    ],
)
def test_bad_schedule_arguments_are_refused_naming_them(params, error, match):
    objective = TrainedLoss(Adam, DATA.train, DATA.val, steps=200, schedule="cosine")
    with pytest.raises(error, match=match):
        objective(params)


def test_an_unknown_schedule_is_refused():
    with pytest.raises(ValueError, match="schedule must be one of 'constant'"):
        TrainedLoss(Adam, DATA.train, DATA.val, schedule="linear")
    onecycle = TrainedLoss(Adam, DATA.train, DATA.val, schedule="onecycle")
    with pytest.raises(ValueError, match=r"pct_start must be in \(0, 1\)"):
        onecycle({"pct_start": 1.0})


def test_hpo_search_tunes_the_warmup_with_the_lr(capsys, tmp_path):
    argv = ["search", "--schedule", "cosine", "--strategy", "random", "--trials", "6"]
    argv += ["--space", "lr,warmup=0:40", "--no-plot", "--out", str(tmp_path)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "6 trials of 200 steps, cosine schedule" in out
    assert "space: lr in [0.0001, 10] (log scale), warmup in 0..40" in out
    with pytest.raises(SystemExit):
        main(["search", "--space", "lr,warmup=0:40", "--out", str(tmp_path)])
    assert "warmup is an argument of --schedule cosine" in capsys.readouterr().err


def test_a_batch_in_chunks_and_segments_slices_the_schedule(monkeypatch):
    # more configurations than one chunk, and steps that end in segments: the
    # schedule's arrays are cut with the optimizer's (a crash before the fix)
    import search.objective

    monkeypatch.setattr(search.objective, "CHUNK", 3 * 2)  # chunks of 3 on d = 2
    params = [
        {"lr": 1e-3 * (i + 1), "pct_start": 0.1 + 0.05 * i, "steps": steps}
        for i, steps in enumerate([10, 50, 100, 100, 30, 100, 70])
    ]
    batched = TrainedLoss(SGD, Rosenbrock(), steps=100, schedule="onecycle").batch(
        params
    )
    alone = [
        by_hand(
            SGD,
            OneCycleLR(max_lr=p["lr"], total_steps=100, pct_start=p["pct_start"]),
            p["steps"],
            Rosenbrock(),
        )
        for p in params
    ]
    np.testing.assert_array_equal(batched, alone)  # elementwise: exact
