# %% [markdown]
# # Hyperparameter optimization from scratch: a walkthrough
#
# A model ``y = f(X; theta, Omega)`` has parameters ``theta``, found by
# training (the inner loop: an optimizer descends the loss surface), and
# hyperparameters ``Omega`` (the learning rate, Adam's ``b1``), chosen by
# search (the outer loop: grid, random or Bayesian search on the
# *hyperparameter loss surface*, the validation loss after training).
#
# Run it as a script (``python examples/walkthrough.py [--quick] [--out DIR]``)
# or as a notebook (``jupytext --to notebook examples/walkthrough.py``, or VS
# Code's cells). Every figure is saved as a PNG in the output directory
# (default ``walkthrough-figures/``); in a notebook it is also shown below
# its cell. A notebook kernel has command-line arguments of its own, so there
# the options are read from the environment variable ``WALKTHROUGH_ARGS``
# (for example ``WALKTHROUGH_ARGS="--quick"``).
"""A runnable walkthrough of hyperparameter optimization, one figure per idea.

Run ``python examples/walkthrough.py [--quick] [--out DIR]``; ``--quick``
uses fewer steps, trials and seeds (for CI).
"""

# %%
import argparse
import copy
import io
import os
import shlex
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display needed: figures go to files (and inline)
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from optim import SGD, Adam, RMSProp, minimize  # noqa: E402
from search import (  # noqa: E402
    BayesSearch,
    GridSearch,
    Hyperband,
    Integer,
    RandomSearch,
    TPESearch,
    TrainedLoss,
    default_hyperparameters,
    default_space,
    grid_search,
    hyperband_search,
    random_search,
    run,
    tpe_search,
)
from search.defaults import LR_RANGE  # noqa: E402
from search.lr_schedules import preset  # noqa: E402
from search.plots import (  # noqa: E402
    config_curves,
    descend_figure,
    label_points,
    loss_surface_figure,
    plot_best_so_far,
    plot_best_vs_gradient_steps,
    plot_gp_1d,
    plot_loss_curves,
    rungs_figure,
)
from search.plots.tpe import plot_tpe_densities  # noqa: E402
from search.space import grid, to_unit  # noqa: E402
from surfaces import (  # noqa: E402
    Beale,
    LinearRegression,
    Rosenbrock,
    load_diabetes,
    split,
)

# The loss every figure of the outer loop shows: LinearRegression's value on
# the n validation rows, half the mean squared error (no penalty here).
VAL_LOSS = r"validation loss $(1/2n)\,\|Xw - y\|^2$"


def in_notebook():
    """True inside a Jupyter kernel (a notebook, VS Code's interactive window)."""
    ipython = sys.modules.get("IPython")  # imported by the kernel, never by us
    shell = ipython.get_ipython() if ipython is not None else None
    return type(shell).__name__ == "ZMQInteractiveShell"


def parse_args(argv=None):
    """Command-line options: ``--quick`` and ``--out``.

    In a notebook ``sys.argv`` holds the kernel's own arguments: the options
    come from ``WALKTHROUGH_ARGS`` instead (``argv`` given wins over both).
    """
    parser = argparse.ArgumentParser(description=__doc__, allow_abbrev=False)
    parser.add_argument("--quick", action="store_true", help="fewer steps and trials")
    parser.add_argument("--out", default="walkthrough-figures", help="figure folder")
    if argv is None and NOTEBOOK:
        argv = shlex.split(os.environ.get("WALKTHROUGH_ARGS", ""))
    return parser.parse_args(argv)


NOTEBOOK = in_notebook()
ARGS = parse_args()
QUICK = ARGS.quick
OUT = Path(ARGS.out)
OUT.mkdir(parents=True, exist_ok=True)
FIGURES = {}  # file name -> Figure, as written (for the tests)
T0 = time.perf_counter()


def save(fig, name):
    """Write ``fig`` to ``OUT/name`` and say so; in a notebook, show it too."""
    png = io.BytesIO()
    fig.savefig(png, format="png")
    path = OUT / name
    path.write_bytes(png.getvalue())
    FIGURES[name] = fig
    print(f"  wrote {path}")
    if NOTEBOOK:  # IPython is there: the kernel runs on it
        from IPython.display import Image, display

        display(Image(data=png.getvalue(), format="png"))


# %% [markdown]
# ## 1. Training is minimization
#
# Linear regression on the diabetes data (442 patients, 10 features) has a
# closed-form least-squares solution ``w*``. Gradient-based optimizers reach
# it too, only approximately: how close after a fixed number of steps?
# (SGD with the safe step ``1/L`` and momentum converges linearly; RMSProp
# with a constant learning rate hovers around ``w*`` without settling.)

# %%
X, y, feature_names = load_diabetes()
parts = split(X, y, rng=0)  # test held out first, then validation
X_train, y_train, X_val, y_val, X_test, y_test = parts
train = LinearRegression(X_train, y_train, intercept=True)
val = LinearRegression(X_val, y_val, intercept=True)
test = LinearRegression(X_test, y_test, intercept=True)
w_star = train.solve()
steps = 300 if QUICK else 1000
w0 = np.zeros(train.dim)
optimizers = {
    # the library's default for SGD on least squares: lr = 1/L, momentum 0.9
    "SGD (lr = 1/L, momentum 0.9)": SGD(**default_hyperparameters(SGD, train)),
    "RMSProp (lr = 1)": RMSProp(lr=1.0),
    "Adam (lr = 3)": Adam(lr=3.0),
}
runs = {name: minimize(train, w0, opt, steps) for name, opt in optimizers.items()}
print(f"1. training: {steps} steps; closed-form train loss {train.value(w_star):.2f}")
for name, trace in runs.items():
    dist = np.linalg.norm(trace.x - w_star)
    print(f"  {name:30s} ||w - w*|| = {dist:9.3g}   loss {trace.values[-1]:.2f}")
fig = descend_figure(
    train,
    {k: r.path for k, r in runs.items()},
    {k: r.values for k, r in runs.items()},
    title="linear regression on diabetes: the optimizers approach the closed form",
    solution="closed-form solution",
)
save(fig, "01_training.png")

# %% [markdown]
# ## 2. The loss surface
#
# On two-dimensional surfaces we can watch the descent. Rosenbrock's curved
# valley is easy to find and slow to follow; Beale has flat plateaus.

# %%
steps = 2000 if QUICK else 5000


def default_optimizers(surface):
    """SGD (momentum 0.9), RMSProp and Adam at the library's default lr for ``surface``."""
    return {
        cls.__name__: cls(**default_hyperparameters(cls, surface))
        for cls in (SGD, RMSProp, Adam)
    }


settings = {
    "Rosenbrock": (Rosenbrock(), default_optimizers(Rosenbrock())),
    "Beale": (Beale(), default_optimizers(Beale())),
}
for k, (name, (surface, opts)) in enumerate(settings.items()):
    start = [float(v) for v in surface.start]
    traces = {n: minimize(surface, surface.start, o, steps) for n, o in opts.items()}
    fig = descend_figure(
        surface,
        {n: t.path for n, t in traces.items()},
        {n: t.values for n, t in traces.items()},
        title=f"{name}: {steps} steps from ({start[0]:g}, {start[1]:g})",
    )
    save(fig, f"0{2 + k}_{name.lower()}.png")

# %% [markdown]
# Too large a learning rate makes gradient descent overshoot more each step:
# the loss explodes. ``minimize`` marks such a run diverged and freezes it
# (its loss is ``inf`` from then on) while the others go on: no crash.

# %%
s = Rosenbrock()
lrs = np.array([1e-4, 1e-3, 3e-3, 1e-2])
trace = minimize(s, s.start, SGD(lr=lrs, momentum=0.9), 500, record=False)
print(f"2. divergence: SGD lr = {lrs.tolist()} -> diverged {trace.diverged.tolist()}")
assert trace.diverged[-1] and not trace.diverged[0]
fig = Figure(figsize=(8, 5), dpi=120, layout="constrained")
ax = fig.subplots()
plot_loss_curves(
    ax,
    {f"SGD lr = {lr:g}": trace.values[:, i] - s.minimum for i, lr in enumerate(lrs)},
    ylabel="$f(x_k) - f^*$",
    legend=False,
)
fig.legend(loc="outside lower center", ncols=2, frameon=False)  # hides no curve
ax.set_title("Rosenbrock, SGD with momentum 0.9: too large a learning rate diverges")
save(fig, "04_divergence.png")

# %% [markdown]
# ## 3. The hyperparameter loss surface
#
# Fix the data, the start and the number of steps: the validation loss after
# training Adam is a function of its hyperparameters. The validation loss is
# the regression loss on the ``n = 88`` validation rows, ``(1/2n) ||Xw - y||^2``
# (half the mean squared error; every figure names it so). Here over the
# learning rate (log axis) and ``b1``, the whole grid trained in one batched
# run. It is deterministic (the same inputs give the same loss, bit for bit),
# but it has no usable gradient: it is the result of a whole training run,
# with cliffs where training diverges. Hence black-box search.

# %%
train_steps = 100 if QUICK else 200
objective = TrainedLoss(Adam, train=train, val=val, steps=train_steps, test=test)
space = default_space(Adam)  # lr in [1e-4, 10] (log) and b1 in [0, 0.99]
points = 15 if QUICK else 30
params = grid(space, points)
values = objective.batch(params)
again = objective.batch(params)
assert np.array_equal(values, again), "the hyperparameter loss is deterministic"
closed = objective.closed_form()
print(
    f"3. hyperparameter surface: {len(params)} configurations, "
    f"deterministic: {np.array_equal(values, again)}, best val loss "
    f"{np.min(values):.1f} (closed form {closed['val']:.1f})"
)
fig = loss_surface_figure(
    params,
    space,
    values=values,
    status=np.where(np.isfinite(values), "ok", "diverged"),  # batch: inf if diverged
    title=f"validation loss after {train_steps} Adam steps",
    colorbar_label=VAL_LOSS,
)
save(fig, "05_hyperparameter_surface.png")

# %% [markdown]
# ## 4. Data: train, validation, test
#
# The test rows are held out first; validation rows come from the rest. The
# parts are disjoint. Hyperparameters are tuned on the validation loss only:
# choosing them by the **test** loss would make the test score a tuned, hence
# optimistic, number, no longer an estimate of the error on new data. That is
# cheating. With few data, k-fold cross-validation averages the validation
# loss over ``k`` splits of the non-test rows instead of one.

# %%
sizes = {k: len(v) for k, v in zip(("train", "val", "test"), parts[1::2], strict=True)}
rows = [{tuple(r) for r in part} for part in parts[0::2]]
assert not (rows[0] & rows[1] or rows[0] & rows[2] or rows[1] & rows[2])
print(f"4. data: sizes {sizes}; the three parts are disjoint")
X_rest = np.vstack([X_train, X_val])
y_rest = np.concatenate([y_train, y_val])
rest = LinearRegression(X_rest, y_rest, intercept=True)
cv = TrainedLoss(Adam, train=rest, folds=5, steps=train_steps)
p = {"lr": 1.0, "b1": 0.9}
print(f"  Adam lr=1, b1=0.9: hold-out val loss {objective(p):.1f}, 5-fold {cv(p):.1f}")

# %% [markdown]
# ## 5. Grid, random and Bayesian search
#
# When only one of two hyperparameters matters, a 3 x 3 grid tries only 3
# values of it in 9 trials; random search tries 9. Here a toy objective that
# depends on the learning rate only.

# %%


def toy(p):
    """A toy loss of the learning rate only (``b1`` is ignored)."""
    return (np.log10(p["lr"]) + 2.3) ** 2


g = grid_search(toy, space, points=3)
wins = []
for seed in range(20 if QUICK else 100):
    r = random_search(toy, space, 9, seed=seed)
    wins.append(r.best.value < g.best.value)
shown = wins.index(True)  # a typical seed: random search wins in most of them
r = random_search(toy, space, 9, seed=shown)
print(
    f"5. one hyperparameter matters: grid best {g.best.value:.3f} "
    f"({len({t.params['lr'] for t in g.trials})} distinct lr), random best "
    f"{r.best.value:.3f}; random wins in {np.mean(wins):.0%} of {len(wins)} "
    f"seeds (shown: seed {shown})"
)
fig = Figure(figsize=(11, 5), dpi=120, layout="constrained")
ax_grid, ax_rand = fig.subplots(1, 2, sharey=True)
lr_line = np.geomspace(*LR_RANGE["adam"], 200)
for ax, res, title in ((ax_grid, g, "grid, 3 x 3"), (ax_rand, r, "random, 9")):
    lr_t = np.array([t.params["lr"] for t in res.trials])
    b1_t = np.array([t.params["b1"] for t in res.trials])
    for k, lr in enumerate(lr_t):  # the values of lr tried: the projection that matters
        ax.axvline(
            lr, color="C0", alpha=0.3, lw=1, label="lr tried" if k == 0 else None
        )
    ax.scatter(
        lr_t, b1_t, c="C0", edgecolors="black", zorder=3, clip_on=False,
        label=f"trial ({len(lr_t)})",
    )  # fmt: skip
    ax.axvline(10**-2.3, color="C3", ls="--", label="optimal lr")
    twin = ax.twinx()
    twin.plot(lr_line, toy({"lr": lr_line}), color="0.5", lw=1, label="loss(lr)")
    twin.set_ylabel("loss (depends on lr only)")
    ax.set(
        xscale="log",
        xlabel="learning rate (log scale)",
        ylabel="b1 (irrelevant here)",
        title=f"{title}: {len(set(lr_t))} distinct lr, best loss {res.best.value:.3f}",
    )
handles, labels = ax_grid.get_legend_handles_labels()
handles.append(twin.get_legend_handles_labels()[0][0])
labels.append("toy loss(lr), right axis")
# below the panels, where it hides no trial
fig.legend(handles, labels, loc="outside lower center", ncols=4, frameon=False)
save(fig, "06_grid_vs_random.png")

# %% [markdown]
# Bayesian search fits a Gaussian process (GP) to the trials so far and
# proposes the point of largest expected improvement (EI): where the mean is
# low, or the uncertainty is high. Here one run in one dimension (the
# learning rate), seen after 3, 5 and 7 trials. Its first 3 proposals are
# quasi-random (a Sobol sequence; ``n_initial=3`` here, the default being
# ``max(5, 2 x dimensions)``); from then on each comes from the GP.
#
# Each panel draws the search's *own* model: a fresh search with the same
# seed is told the same trials (it then proposes the same points, which the
# code checks), and its ``gp`` and ``transform`` are drawn. A GP refitted by
# hand to the log of the losses can peak elsewhere: the search models the
# losses themselves or their logs, whichever makes the observed losses
# likelier (each title says which), and starts each fit from the previous
# one's hyperparameters. The triangle is the search's actual next proposal;
# the dashed line is where EI peaks on the 400 points drawn. They differ by
# at most about a step of that grid (printed below): the search maximizes the
# same EI, but over 2048 Sobol candidates polished by L-BFGS-B.

# %%
space1 = default_space(Adam, ["lr"])
lr_dim = space1["lr"]
counts = (3, 5, 7)


def bayes1d():
    """The 1-D search of this section: seed 0, three quasi-random points first."""
    return BayesSearch(space1, seed=0, n_initial=3)


def replay(trials):
    """A fresh search told ``trials`` in order as ``run`` told them, and its next ask."""
    strategy = bayes1d()
    for t in trials:
        strategy.ask()
        strategy.tell(t.params, t.value)
    (proposal,) = strategy.ask()
    return strategy, proposal


bayes1 = run(objective, bayes1d(), max(counts))
fig = Figure(figsize=(13, 6.6), dpi=120, layout="constrained")
panels = fig.subplots(2, len(counts), sharex=True, height_ratios=(2, 1))
for j, n in enumerate(counts):
    strategy, proposal = replay(bayes1.trials[:n])
    if n < len(bayes1.trials):  # the replayed search is the search that ran
        assert proposal == bayes1.trials[n].params
    told = [t for t in bayes1.trials[:n] if np.isfinite(t.value)]
    Xn = np.array([strategy.encode(t.params) for t in told])  # (m, 1)
    yn = np.array([t.value for t in told])  # (m,)
    tn, _ = strategy.transform(yn)  # what its GP models: the losses, or their logs
    logged = not np.array_equal(tn, yn)
    ei = plot_gp_1d(
        panels[0, j], panels[1, j], strategy.gp, Xn, tn, best=tn.min(),
        x=lr_dim.from_unit, xlabel="learning rate",
        ylabel=f"log {VAL_LOSS}" if logged else VAL_LOSS,
        proposal=lr_dim.to_unit(proposal["lr"]), legend=False,
    )  # fmt: skip
    peak = lr_dim.from_unit(np.linspace(0.0, 1.0, ei.size)[np.argmax(ei)])
    panels[0, j].set_title(
        f"after {n} trials (GP of the {'log ' if logged else ''}loss)\n"
        f"next: lr = {proposal['lr']:.3g}; EI peak drawn: {peak:.3g}"
    )
    print(
        f"  1-D Bayesian search after {n} trials: proposes lr {proposal['lr']:.4g}; "
        f"EI on the drawn grid peaks at lr {peak:.4g} "
        f"({abs(np.log10(proposal['lr'] / peak)) / (5 / (ei.size - 1)):.2f} grid steps)"
    )
handles, labels = (
    a + b
    for a, b in zip(*(p.get_legend_handles_labels() for p in panels[:, 0]), strict=True)
)
labels = ["trials so far" if x.startswith("observed") else x for x in labels]
fig.legend(handles, labels, loc="outside lower center", ncols=4, frameon=False)
fig.suptitle(
    "Bayesian search in 1-D: its own GP posterior (top) and expected improvement "
    "(bottom), with its actual next proposal"
)
save(fig, "07_bayes_gp.png")
proposals = ", ".join(f"{t.params['lr']:.3g}" for t in bayes1.trials)
print(f"  1-D Bayesian proposals, in order (lr): {proposals}")

# %% [markdown]
# The same search on both hyperparameters (with the default start of 5
# quasi-random points), drawn over the heat map of section 3 (which the
# search never sees: it knows only its own trials). The numbers give the
# order of the proposals; where a number would hide another proposal (or the
# grid's best, the star, or the search's best, the red ring), it is moved
# aside and joined to its point by a thin line. The first 5 proposals
# (white) are quasi-random (a Sobol sequence) to start the GP; from then on
# each (orange) is where the expected improvement peaks: they gather in the
# dark valley of large learning rates (where the surface is low), some on the
# edges of the box (where the GP is least sure).

# %%
n_bayes = 16 if QUICK else 30
bayes2 = run(objective, BayesSearch(space, seed=0), n_bayes)
fig = loss_surface_figure(
    params,
    space,
    values=values,
    status=np.where(np.isfinite(values), "ok", "diverged"),  # batch: inf if diverged
    title=f"Bayesian search, seed 0: its {n_bayes} proposals in order, over the "
    "surface of section 3",
    colorbar_label=VAL_LOSS,
)
ax = fig.axes[0]
lr_b = np.array([t.params["lr"] for t in bayes2.trials])
b1_b = np.array([t.params["b1"] for t in bayes2.trials])
n_init = 5  # BayesSearch's quasi-random start: max(5, 2 x dimensions)
colors = ["white" if k < n_init else "C1" for k in range(n_bayes)]
ax.scatter(lr_b, b1_b, s=36, c=colors, edgecolors="black", linewidths=0.6, zorder=6)
i_best = bayes2.best.index
ax.plot(
    lr_b[i_best], b1_b[i_best], "o", ms=20, mfc="none", mec="red", mew=2, zorder=8,
    label=f"Bayesian search's best: trial {i_best + 1}, {bayes2.best.value:.1f}",
)  # fmt: skip
ax.plot([], [], "o", mfc="white", mec="black", ls="none", label="quasi-random start")
ax.plot([], [], "o", mfc="C1", mec="black", ls="none", label="proposed by EI")
handles, labels = ax.get_legend_handles_labels()
labels = [f"grid's {x}" if x.startswith("best") else x for x in labels]
fig.legends.clear()  # one legend below, with the proposals' entries too
fig.legend(handles, labels, loc="outside lower center", ncols=3, frameon=False)
# last, with the layout final: numbers that hide no other proposal
star = params[int(np.argmin(values))]  # no number may hide the star or the ring
numbers = label_points(
    ax, lr_b, b1_b, [str(k + 1) for k in range(n_bayes)], facecolors=colors,
    avoid=[(star["lr"], star["b1"]), (lr_b[i_best], b1_b[i_best])], avoid_radius=11,
)  # fmt: skip
assert all(numbers), "every proposal is numbered"
save(fig, "08_bayes_proposals.png")
near = np.mean(lr_b[n_init:] > 0.3)
print(
    f"  2-D Bayesian search: best val loss {bayes2.best.value:.1f} at "
    f"lr {bayes2.best.params['lr']:.3g}, b1 {bayes2.best.params['b1']:.2f}; "
    f"{near:.0%} of the EI proposals have lr > 0.3"
)

# %% [markdown]
# ## 6. TPE: the lecture's sampler
#
# The lecture tunes its model with optuna, whose default sampler is TPE, the
# tree-structured Parzen estimator (Bergstra et al. 2011). Where Bayesian
# search models the loss ``y(x)``, TPE models where the good and the bad
# configurations lie. It ranks the trials so far and calls the best
# ``min(ceil(0.1 n), 25)`` of the ``n`` good and the rest bad (optuna's
# rule), fits a density to each (a Parzen estimator: one Gaussian per trial,
# truncated to the range and placed in the warped coordinates, so a log
# scale for the learning rate, plus a broad prior), ``l(x)`` to the good and
# ``g(x)`` to the bad, draws 24 candidates from ``l`` and proposes the one
# with the largest ``l(x) / g(x)``: where good trials are dense and bad ones
# sparse (under TPE's model that maximizes the expected improvement). Its
# first 10 proposals are random. There is no GP to fit, so a proposal costs
# little.
#
# The figure is the search itself after its trials: a fresh ``TPESearch``
# with the same seed, told the trials of the run in order, proposes the same
# points (the code checks it), and its densities are drawn: top, ``l`` and
# ``g`` over the learning rate (left) and over ``b1`` (right), each the
# marginal of the joint density over both (the other summed out), with the
# trials along the bottom; below, their ratio ``l / g`` and the search's
# actual next proposal (dashed). The search maximizes the *joint* ratio among
# its candidates, so its proposal need not sit at the peak of either
# one-dimensional ratio. Far from every trial, both densities are only their
# prior kernel, weighted ``w / (n_group + w)`` (``w = prior_weight``, 1), so
# there ``l / g`` is ``(n_bad + w) / (n_good + w)``: large, since few trials
# are good (``ceil(0.1 n)`` of ``n``). So TPE explores the empty corners of
# the joint space, which a marginal, with the other hyperparameter summed
# out, cannot show: the printed joint ratios compare its next proposal, its
# best trial and that limit.

# %%
n_tpe = 16 if QUICK else 30
tpe = tpe_search(objective, space, n_tpe, seed=0)
tpe_strategy = TPESearch(space, seed=0)  # the same search, replayed from its trials
for t in tpe.trials:
    (asked,) = tpe_strategy.ask()
    assert asked == t.params, "a replayed TPE search proposes what the run did"
    tpe_strategy.tell(t.params, t.value)
good, bad = tpe_strategy.split()
(tpe_next,) = copy.deepcopy(tpe_strategy).ask()  # asked of a copy: no change
fig = Figure(figsize=(12, 6.6), dpi=120, layout="constrained")
panels = fig.subplots(2, 2, sharex="col")
drawn = {}
for j, name in enumerate(space):  # lr, then b1: both coordinates of the proposal
    drawn[name] = plot_tpe_densities(
        panels[0, j], panels[1, j], tpe_strategy, name, proposal=tpe_next, legend=False
    )
    panels[0, j].set_title(f"good and bad densities over {name}")
    panels[1, j].set_title(f"their ratio over {name}, and the next proposal")
panels[0, 0].set_ylabel("density (per unit of the log range)")
handles, labels = panels[0, 0].get_legend_handles_labels()
more = panels[1, 0].get_legend_handles_labels()
handles.append(more[0][0])
labels.append(more[1][0])
fig.legend(handles, labels, loc="outside lower center", ncols=6, frameon=False)
fig.suptitle(
    f"TPE, seed 0, after {n_tpe} trials: the marginals of its densities, "
    "and its next proposal (the joint l / g's best candidate)"
)
save(fig, "10_tpe_densities.png")
ratio_peak = drawn["lr"]["x"][np.argmax(drawn["lr"]["ratio"])]
L_good, G_bad = tpe_strategy.estimators()  # the joint densities l and g


def joint_ratio(params):
    """TPE's joint ``l / g`` at ``params`` (in the unit square it models)."""
    u = np.array([to_unit(space, params)])  # (1, 2)
    return float(np.exp(L_good.log_pdf(u) - G_bad.log_pdf(u))[0])


w = tpe_strategy.prior_weight
print(
    f"6. TPE: {n_tpe} trials, best val loss {tpe.best.value:.1f} at lr "
    f"{tpe.best.params['lr']:.3g}, b1 {tpe.best.params['b1']:.2f}; "
    f"{len(good)} good and {len(bad)} bad trials; next proposal lr "
    f"{tpe_next['lr']:.3g} (b1 {tpe_next['b1']:.2f}); l / g over lr peaks at "
    f"lr {ratio_peak:.3g}"
)
print(
    f"  joint l / g: at the next proposal {joint_ratio(tpe_next):.2f}, at the best "
    f"trial {joint_ratio(tpe.best.params):.2f}; far from every trial "
    f"(n_bad + w) / (n_good + w) = {(len(bad) + w) / (len(good) + w):.2f}"
)

# %% [markdown]
# ## 7. Multi-fidelity search: stop the losers early
#
# Every trial so far trains for the full ``train_steps`` steps, though most
# configurations show within a few dozen steps that they will lose.
# Successive halving (Jamieson and Talwalkar 2016) trains many configurations
# for a few steps, keeps the best third (``eta = 3``), trains those three
# times longer, and so on up to the full budget. Hyperband (Li et al. 2018)
# hedges against a bad guess of how early a configuration shows its worth:
# it runs successive halving in several *brackets*, from the most aggressive
# (many configurations, starting at the lowest budget) to plain random search
# at the full budget. The budgets, the *rungs*, form a ladder of steps, each
# ``eta`` times the one below, up to ``max_steps``: here the ``train_steps``
# every other search trains for, so that their budgets are comparable. A
# promoted configuration continues its training where its last rung stopped
# (``TrainedLoss`` keeps where each run ended), and a whole rung trains in
# one batched call.
#
# Each search from here on gets an objective of its own (``fresh_objective``):
# an objective that had trained a configuration before would let a later
# search continue that run, and its gradient steps would be undercounted.
# The figure is the picture of the d2l book's chapter on hyperparameter
# optimization: every configuration's validation loss against the steps it
# was trained to, one line through the rungs it reached, coloured by the
# rung where its bracket started; a line that goes on was promoted, one that
# ends in a cross was stopped.

# %%


def fresh_objective():
    """Adam's validation loss after ``train_steps`` steps, with no run remembered."""
    return TrainedLoss(Adam, train=train, val=val, steps=train_steps, test=test)


hb = hyperband_search(fresh_objective(), space, train_steps, seed=0)
budgets = sorted({t.steps for t in hb.trials})
plan = Hyperband(space, seed=0, max_steps=train_steps).plan()
n_configs = len(config_curves(hb))
fig = rungs_figure(
    hb,
    title=f"Hyperband, seed 0: {n_configs} configurations in {len(plan)} brackets, "
    f"eta = 3, up to {train_steps} steps",
    ylabel=VAL_LOSS,
)
save(fig, "11_hyperband_rungs.png")
full = random_search(fresh_objective(), space, n_configs, seed=0)
print(
    f"7. Hyperband: rungs {budgets} steps, brackets of {plan} configurations, "
    f"{len(hb.trials)} trials; best val loss {hb.best.value:.1f} (at "
    f"{hb.best.steps} steps)"
)
print(
    f"  gradient steps spent: Hyperband {hb.gradient_steps}; random search on as "
    f"many configurations ({n_configs}) at the full {train_steps} steps "
    f"{full.gradient_steps} ({full.gradient_steps / hb.gradient_steps:.1f} times "
    f"as many), best val loss {full.best.value:.1f}"
)

# %% [markdown]
# ## 8. The comparison
#
# The best validation loss found so far, for the four strategies that train
# every trial fully (grid, random, Bayesian and TPE) on the
# two-hyperparameter problem, repeated with several seeds: the median over
# the seeds, and the quartiles when there are at least 5 seeds (with fewer,
# as in ``--quick``, each seed's own curve, thin, instead). The grid visits
# its points in a random order, a new shuffle for each seed
# (``GridSearch(shuffle=True)``): in its natural order (ascending learning
# rate, ``b1`` fastest) its best-so-far curve would show only the order of
# that walk, which reaches the good large learning rates last. Every search
# ends within a few percent of the others, so the raw losses would hide the
# end of the race under the first trials' thousands: we plot instead the gap
# to a reference ``L_ref`` just below every value seen (the lowest validation
# loss of any trial, the section-3 grid or the closed form, minus 1), on a
# log axis. Left, against the trials (and the inner gradient steps they cost:
# trials x steps); right, against the wall time since the search started,
# the strategy's own work included: the grid trains all its points in one
# batched run, so all its results arrive at once, and Bayesian search fits a
# GP before each proposal, which here, with training runs of a few
# milliseconds, costs more than the training itself (the printed "whole
# search" seconds).
#
# A trial of Hyperband is not a trial of the others: most of its trials train
# for a few steps. So the second figure compares random, Bayesian, TPE and
# Hyperband search at equal *compute*: the same gap against the inner
# gradient steps spent (the running total of ``Trial.gradient_steps``, on a
# log axis; a diverged run stops early and costs less). Every seed's best so
# far is read at the same totals of steps, and the median is over the seeds
# that spent that many.

# %%


class Clocked:
    """The objective, timed: when each evaluation ended, in seconds since creation.

    Everything else (``batch``, ``test_score``, ...) is the objective's own.
    """

    def __init__(self, objective):
        self.objective, self.ends, self.t0 = objective, [], time.perf_counter()

    def __call__(self, params):
        """Evaluate one configuration and note when it ended."""
        value = self.objective(params)
        self.ends.append(time.perf_counter() - self.t0)
        return value

    def batch(self, params):
        """Evaluate a batch (a grid) in one run; all its trials end together."""
        values = self.objective.batch(params)  # a whole grid ends at once
        self.ends += [time.perf_counter() - self.t0] * len(params)
        return values

    def evaluate(self, params):
        """As ``batch``, with the steps trained and spent (what ``run`` calls)."""
        done = self.objective.evaluate(params)  # a whole grid, or a rung, at once
        self.ends += [time.perf_counter() - self.t0] * len(params)
        return done

    def __getattr__(self, name):
        return getattr(self.objective, name)


side = 4 if QUICK else 6
n_trials = side * side
seeds = range(3 if QUICK else 8)
MIN_BAND_SEEDS = 5  # quartiles of fewer seeds say little: then each seed is drawn
strategies = {  # seed -> a fresh strategy
    "grid": lambda s: GridSearch(space, side, shuffle=True, seed=s),  # a walk per seed
    "random": lambda s: RandomSearch(space, seed=s),
    "Bayesian": lambda s: BayesSearch(space, seed=s),
    "TPE": lambda s: TPESearch(space, seed=s),
    "Hyperband": lambda s: Hyperband(space, seed=s, max_steps=train_steps),
}
searches = {name: [] for name in strategies}  # per seed: a SearchResult
ends = {name: [] for name in strategies}  # per seed: (trials,) seconds
for seed in seeds:
    for name, strategy in strategies.items():
        clocked, made = Clocked(fresh_objective()), strategy(seed)
        # Hyperband: one iteration, all its brackets (its n_trials evaluations)
        n = made.n_trials if isinstance(made, Hyperband) else n_trials
        searches[name].append(run(clocked, made, n))
        ends[name].append(clocked.ends)
full_trials = ["grid", "random", "Bayesian", "TPE"]  # every trial fully trained
results = {k: [[t.value for t in r.trials] for r in v] for k, v in searches.items()}
seen = [v for runs in results.values() for r in runs for v in r if np.isfinite(v)]
ref = min(min(seen), float(np.min(values[np.isfinite(values)])), closed["val"]) - 1.0
gaps = {k: [np.asarray(r) - ref for r in results[k]] for k in full_trials}
seconds = {k: np.median(v, axis=0) for k, v in ends.items()}  # median over seeds
fig = Figure(figsize=(13, 5.6), dpi=110, layout="constrained")
ax_t, ax_s = fig.subplots(1, 2, sharey=True)
ylabel = f"best {VAL_LOSS} so far\n$-$ $L_{{ref}}$ ($L_{{ref}}$ = {ref:.1f}), log scale"
spread = {"log": True, "ylabel": ylabel, "legend": False}
spread["min_band_seeds"] = MIN_BAND_SEEDS
plot_best_so_far(ax_t, gaps, start=1, **spread)
plot_best_so_far(
    ax_s, gaps, x=seconds, xlabel="seconds since the search started (wall time, median over seeds)",
    **spread,
)  # fmt: skip
ax_s.set_xscale("log")
for ax in (ax_t, ax_s):
    ax.axhline(closed["val"] - ref, color="0.3", ls=":", label="closed form")
ax_t.set_xlabel("trials")
steps_axis = ax_t.secondary_xaxis(
    "top", functions=(lambda n: n * train_steps, lambda g: g / train_steps)
)
steps_axis.set_xlabel(f"inner gradient steps (trials x {train_steps})")
ax_t.set_title("against trials and gradient steps")
ax_s.set_title("against wall time")
handles, labels = ax_t.get_legend_handles_labels()
fig.legend(handles, labels, loc="outside lower center", ncols=3, frameon=False)
spread_name = "quartiles" if len(seeds) >= MIN_BAND_SEEDS else "each seed, thin"
fig.suptitle(
    f"grid (shuffled), random, Bayesian and TPE search: {n_trials} trials, "
    f"{len(seeds)} seeds (median, {spread_name})"
)
save(fig, "09_comparison.png")
print(
    f"8. comparison over {len(seeds)} seeds, {n_trials} trials each "
    f"(Hyperband: {len(searches['Hyperband'][0].trials)}, one iteration)"
)
for k, v in searches.items():
    training = np.median([sum(t.seconds for t in r.trials) for r in v])
    print(
        f"  {k:9s}: median over seeds: best val loss "
        f"{np.median([r.best.value for r in v]):.1f}, gradient steps "
        f"{np.median([r.gradient_steps for r in v]):.0f}, seconds training "
        f"{training:.3f}, whole search {seconds[k][-1]:.3f}"
    )
bests = {k: min(r.best.value for r in v) for k, v in searches.items()}
print(
    f"  best over all {len(seeds)} seeds: val loss "
    + ", ".join(f"{k} {v:.1f}" for k, v in bests.items())
)
compute = ["random", "Bayesian", "TPE", "Hyperband"]
colors = [f"C{full_trials.index(k)}" if k in full_trials else "C4" for k in compute]
fig = Figure(figsize=(9, 6), dpi=120, layout="constrained")
ax = fig.subplots()
curves = plot_best_vs_gradient_steps(
    ax, {k: searches[k] for k in compute}, offset=ref, log=True, colors=colors,
    min_band_seeds=MIN_BAND_SEEDS, ylabel=ylabel, legend=False,
    xlabel="inner gradient steps spent, running total (log scale; median over seeds)",
)  # fmt: skip
ax.axhline(closed["val"] - ref, color="0.3", ls=":", label="closed form")
handles, labels = ax.get_legend_handles_labels()
fig.legend(handles, labels, loc="outside lower center", ncols=2, frameon=False)
ax.set_title(
    f"the best so far at equal compute: {len(seeds)} seeds (median, {spread_name})"
)
save(fig, "12_gradient_steps.png")


def best_at(name, steps):
    """The median best val loss of ``name`` after ``steps`` gradient steps (drawn)."""
    x, median = curves[name]
    return median[np.searchsorted(x, steps, side="right") - 1] + ref


hb_steps = np.median([r.gradient_steps for r in searches["Hyperband"]])
rs_steps = np.median([r.gradient_steps for r in searches["random"]])
print(
    f"  at equal compute: Hyperband's median of {hb_steps:.0f} gradient steps "
    f"reaches {best_at('Hyperband', hb_steps):.1f}; random search with as many "
    f"steps {best_at('random', hb_steps):.1f}, with all its {rs_steps:.0f} "
    f"{best_at('random', rs_steps):.1f}"
)
tuned = min(searches["Bayesian"], key=lambda res: res.best.value)
print(
    f"  tuned Adam (the Bayesian seed with the lowest val loss) {tuned.best.params}: "
    f"test {tuned.test_score:.1f}; closed form test {closed['test']:.1f}"
)
val_gain = closed["val"] - tuned.best.value  # > 0: the tuned model is better
test_gain = closed["test"] - tuned.test_score
print(
    f"  tuned minus closed form, the lower the better: validation {-val_gain:+.1f}, "
    f"test {-test_gain:+.1f}"
)
if test_gain <= 0:
    verdict = f"does not beat the closed form: its lead of {val_gain:.1f} is gone"
elif test_gain < val_gain:
    verdict = f"still beats the closed form, but its lead shrinks to {test_gain:.1f}"
else:
    verdict = "beats the closed form by as much as on the validation rows, or more"
print(f"  on the test rows the tuned model {verdict}")

# %% [markdown]
# What the numbers show. The tuned model's **validation** loss is below the
# closed form's: the closed form minimizes the *training* loss exactly,
# while a few hundred Adam steps stop early, short of it, and stopping early
# regularizes (the weights stay nearer zero, as with a ridge penalty), which
# new rows can reward. Its **test** loss need not be below: the
# hyperparameters were picked among many trials *because* their validation
# loss was low, so that winning score is partly luck on these 88 validation
# rows; choosing among trials fits the validation rows, as training fits
# the training rows. The test rows, scored once and only now, are the
# unbiased estimate. The last lines printed say whether the tuned model
# still wins on them, and whether its lead shrank from validation to test
# (it usually does: that shrinkage is the optimism of the validation score).
# This is why the test set is held out first and never used for tuning.

# %% [markdown]
# ## 9. Learning-rate schedules
#
# Every run so far kept its learning rate constant. A *schedule* changes it
# with the step; a common one is a warm-up plus a cosine: the lr rises
# linearly from 1% of a peak ``lr`` over ``warmup`` steps, then falls along
# half a cosine to 0 at the last step. Why it could help: a constant lr is a
# compromise. RMSProp's step is about ``lr`` whatever the gradient, so at a
# constant lr it hovers around the minimum at a distance of the order of its
# lr (section 1), and a constant lr small enough to hover close is slow at
# the start; a schedule can take large steps first and small ones last. And
# a warm-up keeps the first steps small, where a large lr could diverge (SGD
# on Rosenbrock diverges from a few thousandths on, section 2).
#
# ``TrainedLoss(..., schedule="cosine")`` trains every trial with that
# schedule (an ``optim.schedules.SequentialLR`` of a ``LinearLR`` and a
# ``CosineAnnealingLR``, which the optimizer takes as its ``lr``), whose peak
# is the trial's ``lr``, and adds ``warmup`` to the hyperparameters. Two
# problems: RMSProp on the diabetes data (the validation loss after
# ``train_steps`` steps, as in sections 3 to 8) and SGD with momentum 0.9 on
# Rosenbrock (the loss after a fixed number of steps; the minimum is 0). On
# each, the same search (TPE, seed 0, the same number of trials) tunes (a)
# the constant lr and (b) the peak lr and the warm-up of the schedule. The
# figure retrains each tuned configuration (the code checks that it ends at
# the loss the search found) and draws its loss (top) and its learning rate
# (bottom) against the step.
#
# The schedule need not win. On the diabetes data it can spend its large
# early steps without paying for them at the end. On Rosenbrock the warm-up
# can let its peak go beyond where a constant lr diverges (the printed lines
# try that peak as a constant lr, and the schedule without its warm-up), but
# SGD with momentum near its best constant lr shrinks its distance to the
# minimum by about the same factor every step, to the last one, while the
# cosine spends its last steps at learning rates near 0, where that factor
# is near 1: its loss flattens out. The last printed line says which won on
# each problem at this run's settings.

# %%
ros_steps = 500 if QUICK else 1000
n_sched = 8 if QUICK else 30
momentum = 0.9
problems = {  # name -> (optimizer, surface, TrainedLoss's data and settings, steps)
    "diabetes": (RMSProp, train, {"val": val}, train_steps),
    "Rosenbrock": (SGD, Rosenbrock(), {"fixed": {"momentum": momentum}}, ros_steps),
}
kinds = {"constant": None, "cosine": "cosine"}  # kind -> TrainedLoss's schedule
scheduled = {}  # (problem, kind) -> the TrainedLoss
tuned_lr = {}  # (problem, kind) -> its SearchResult
drawn_runs = {}  # (problem, kind) -> (the optimizer's lr: a number or a schedule, Trace)
for name, (cls, surface, data, n_steps) in problems.items():
    for kind, schedule in kinds.items():
        loss = TrainedLoss(cls, surface, steps=n_steps, schedule=schedule, **data)
        space_s = default_space(cls, ["lr"])
        if schedule is not None:
            space_s["warmup"] = Integer(0, 50)
        result = tpe_search(loss, space_s, n_sched, seed=0)
        best = result.best.params
        lr = best["lr"]
        if schedule is not None:  # the objective's own schedule: one copy of it
            lr = preset(schedule).build(lr, {"warmup": best["warmup"]}, n_steps)
        trace = minimize(surface, loss.x0, cls(lr=lr, **loss.fixed), n_steps)
        end = val.value(trace.x) if name == "diabetes" else trace.values[-1]
        # the drawn run is the tuned one: the same loss, to rounding (see batch)
        assert np.isclose(end, result.best.value, rtol=1e-9, atol=0), (name, kind)
        scheduled[name, kind], tuned_lr[name, kind] = loss, result
        drawn_runs[name, kind] = (lr, trace)


def shown(name, value):
    """A loss as printed: the validation loss to 0.1, Rosenbrock's in 2 digits."""
    text = f"{value:.1f}" if name == "diabetes" else f"{value:.2g}"
    return text if np.isfinite(value) else f"{text} (diverged)"


def describe(name, kind):
    """The tuned configuration of ``kind`` on ``name``, in words."""
    best = tuned_lr[name, kind].best.params
    if kind == "constant":
        return f"constant lr {best['lr']:.3g}"
    warmup = f"warm-up {best['warmup']} + " if best["warmup"] else "no warm-up, "
    return f"{warmup}cosine, peak lr {best['lr']:.3g}"


LOSS_NAMES = {"diabetes": "val loss", "Rosenbrock": "f - f*"}
print(
    f"9. schedules, each tuned by TPE (seed 0, {n_sched} trials); the closed form's "
    f"val loss {closed['val']:.1f}"
)
for name, (cls, _, _, n_steps) in problems.items():
    what = f"{cls.__name__} on {name}, {n_steps} steps"
    tuned_text = [
        f"{describe(name, k)} -> {shown(name, tuned_lr[name, k].best.value)}"
        for k in kinds
    ]
    print(f"  {what}: {LOSS_NAMES[name]}: " + "; ".join(tuned_text))
    best = tuned_lr[name, "cosine"].best.params
    as_constant = scheduled[name, "constant"]({"lr": best["lr"]})
    line = f"    the peak lr {best['lr']:.3g} as a constant lr -> {shown(name, as_constant)}"
    if best["warmup"]:
        cold = scheduled[name, "cosine"]({"lr": best["lr"], "warmup": 0})
        line += f"; the schedule without its warm-up -> {shown(name, cold)}"
    print(line)
print(
    f"  the lr SGD takes, tuned on Rosenbrock: {drawn_runs['Rosenbrock', 'cosine'][0]}"
)
verdicts = []
for name in problems:
    constant, cosine = (tuned_lr[name, k].best.value for k in kinds)
    if name == "diabetes":
        change = f"{LOSS_NAMES[name]} {cosine - constant:+.1f}"
    else:
        change = f"{LOSS_NAMES[name]} x {cosine / constant:.2g}"
    verdicts.append(
        f"{'helps' if cosine < constant else 'does not help'} on {name} ({change})"
    )
print(f"  the tuned schedule against the tuned constant lr: {', '.join(verdicts)}")
fig = Figure(figsize=(13, 7.6), dpi=110, layout="constrained")
panels = fig.subplots(2, 2, sharex="col", height_ratios=(2, 1))
handles, labels = [], []
for j, (name, (cls, _, _, n_steps)) in enumerate(problems.items()):
    ax_loss, ax_lr = panels[:, j]
    loss_curves = {}
    for kind in kinds:
        trace = drawn_runs[name, kind][1]
        value = tuned_lr[name, kind].best.value
        label = (
            f"{name}, {describe(name, kind)}: {LOSS_NAMES[name]} {shown(name, value)}"
        )
        loss_curves[label] = (
            val.value(trace.path) if name == "diabetes" else trace.values
        )
    ylabel = VAL_LOSS if name == "diabetes" else "$f(x_k) - f^*$"
    plot_loss_curves(ax_loss, loss_curves, ylabel=ylabel, legend=False)
    momentum_text = f" (momentum {momentum})" if cls is SGD else ""
    ax_loss.set_title(f"{cls.__name__}{momentum_text} on {name}: {n_steps} steps")
    if name == "diabetes":  # the end, where the two runs differ, on a linear scale
        ax_loss.axhline(closed["val"], color="0.3", ls=":", label="closed form")
        zoom = ax_loss.inset_axes([0.35, 0.4, 0.6, 0.55])
        zoom_from = n_steps // 2
        zoom_ends = [c[-1] for c in loss_curves.values()] + [closed["val"]]
        low, high = min(zoom_ends), max(zoom_ends)
        for i, curve in enumerate(loss_curves.values()):
            zoom.plot(
                np.arange(zoom_from, n_steps + 1), curve[zoom_from:], color=f"C{i}"
            )
        zoom.axhline(closed["val"], color="0.3", ls=":")
        zoom.set_ylim(low - 0.3 * (high - low), high + 0.6 * (high - low))
        zoom.set_title(f"steps {zoom_from} to {n_steps}, linear scale", fontsize=9)
        zoom.tick_params(labelsize=8)
        zoom.grid(True, alpha=0.4)
        ax_loss.indicate_inset_zoom(zoom, edgecolor="0.5")
    for i, kind in enumerate(kinds):
        lr = drawn_runs[name, kind][0]
        per_step = (
            np.full(n_steps, lr) if kind == "constant" else lr.lrs(lr.base_lr, n_steps)
        )
        ax_lr.plot(np.arange(1, n_steps + 1), per_step, color=f"C{i}", lw=1.6)
    ax_lr.set(xlabel="step", ylabel="learning rate", ylim=(0, None))
    ax_lr.grid(True, alpha=0.4)
    more = ax_loss.get_legend_handles_labels()
    handles += more[0]
    labels += more[1]
fig.legend(handles, labels, loc="outside lower center", ncols=2, frameon=False)
fig.suptitle(
    f"constant learning rate against warm-up + cosine, each tuned by TPE (seed 0, "
    f"{n_sched} trials): the loss (top) and the learning rate (bottom)"
)
save(fig, "13_schedules.png")

# %%
print(f"done in {time.perf_counter() - T0:.1f} s")
