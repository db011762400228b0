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
# or open it as a notebook (jupytext, VS Code). Every figure is saved as a PNG
# in the output directory (default ``walkthrough-figures/``).
"""A runnable walkthrough of hyperparameter optimization, one figure per idea.

Run ``python examples/walkthrough.py [--quick] [--out DIR]``; ``--quick``
uses fewer steps, trials and seeds (for CI).
"""

# %%
import argparse
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display needed; figures go to files
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from optim import SGD, Adam, RMSProp, minimize  # noqa: E402
from search import (  # noqa: E402
    Real,
    TrainedLoss,
    bayes_search,
    grid_search,
    random_search,
)
from search.gp import GaussianProcess  # noqa: E402
from search.plots import (  # noqa: E402
    descend_figure,
    loss_surface_figure,
    plot_best_so_far,
    plot_gp_1d,
    plot_loss_curves,
)
from search.space import grid  # noqa: E402
from surfaces import (  # noqa: E402
    Beale,
    LinearRegression,
    Rosenbrock,
    load_diabetes,
    split,
)


def parse_args(argv=None):
    """Command-line options: ``--quick`` and ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer steps and trials")
    parser.add_argument("--out", default="walkthrough-figures", help="figure folder")
    # in a notebook sys.argv holds the kernel's arguments: ignore them there
    args, _ = parser.parse_known_args(argv)
    return args


ARGS = parse_args(None if "ipykernel" not in sys.modules else [])
QUICK = ARGS.quick
OUT = Path(ARGS.out)
OUT.mkdir(parents=True, exist_ok=True)
T0 = time.perf_counter()


def save(fig, name):
    """Write ``fig`` to ``OUT/name`` and say so."""
    path = OUT / name
    fig.savefig(path)
    print(f"  wrote {path}")


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
    "SGD (lr = 1/L, momentum 0.9)": SGD(lr=1 / train.smoothness, momentum=0.9),
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
settings = {
    "Rosenbrock": (
        Rosenbrock(),
        {
            "SGD": SGD(lr=1e-3, momentum=0.9),
            "RMSProp": RMSProp(lr=1e-2),
            "Adam": Adam(lr=2e-2),
        },
    ),
    "Beale": (
        Beale(),
        {
            "SGD": SGD(lr=1e-3, momentum=0.9),
            "RMSProp": RMSProp(lr=1e-2),
            "Adam": Adam(lr=2e-2),
        },
    ),
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
)
ax.set_title("Rosenbrock, SGD with momentum 0.9: too large a learning rate diverges")
save(fig, "04_divergence.png")

# %% [markdown]
# ## 3. The hyperparameter loss surface
#
# Fix the data, the start and the number of steps: the validation loss after
# training Adam is a function of its hyperparameters. Here over the learning
# rate (log axis) and ``b1``, the whole grid trained in one batched run. It
# is deterministic (the same inputs give the same loss, bit for bit), but it
# has no usable gradient: it is the result of a whole training run, with
# cliffs where training diverges. Hence black-box search.

# %%
train_steps = 100 if QUICK else 200
objective = TrainedLoss(Adam, train=train, val=val, steps=train_steps, test=test)
space = {"lr": Real(1e-4, 10.0, log=True), "b1": Real(0.0, 0.99)}
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
    space,
    params,
    values,
    title=f"validation loss after {train_steps} Adam steps",
    colorbar_label="validation loss (MSE)",
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
fig = Figure(figsize=(11, 4.6), dpi=120, layout="constrained")
ax_grid, ax_rand = fig.subplots(1, 2, sharey=True)
lr_line = np.geomspace(1e-4, 10.0, 200)
for ax, res, title in ((ax_grid, g, "grid, 3 x 3"), (ax_rand, r, "random, 9")):
    lr_t = np.array([t.params["lr"] for t in res.trials])
    b1_t = np.array([t.params["b1"] for t in res.trials])
    ax.scatter(lr_t, b1_t, c="C0", edgecolors="black", zorder=3, label="trial")
    for lr in lr_t:  # the values of lr tried: the projection that matters
        ax.axvline(lr, color="C0", alpha=0.3, lw=1)
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
    ax.legend(loc="upper left", fontsize="small")
save(fig, "06_grid_vs_random.png")

# %% [markdown]
# Bayesian search fits a Gaussian process to the trials so far (here of the
# log validation loss against the learning rate, in one dimension) and
# proposes the point of largest expected improvement: where the mean is low,
# or the uncertainty is high. The GP drawn here is refitted to the first
# 3, 5 and 7 trials of one run; the dashed line is where its expected
# improvement peaks. (The search itself starts with a few random points,
# and it may model the loss rather than its log, so its own next proposal,
# printed below, can differ.)

# %%
space1 = {"lr": Real(1e-4, 10.0, log=True)}
counts = (3, 5, 7)
bayes1 = bayes_search(objective, space1, max(counts), seed=0)
u_all = np.array([space1["lr"].to_unit(t.params["lr"]) for t in bayes1.trials])
v_all = np.array([t.value for t in bayes1.trials])
fig = Figure(figsize=(13, 6), dpi=120, layout="constrained")
panels = fig.subplots(2, len(counts), sharex=True, height_ratios=(2, 1))
for j, n in enumerate(counts):
    ok = np.isfinite(v_all[:n])
    Xn, yn = u_all[:n][ok, None], np.log(v_all[:n][ok])  # (n, 1), (n,)
    gp = GaussianProcess(seed=0).fit(Xn, yn)
    plot_gp_1d(
        panels[0, j], panels[1, j], gp, Xn, yn, yn.min(),
        x=space1["lr"].from_unit, xlabel="learning rate", ylabel="log validation loss",
        legend=j == 0,
    )  # fmt: skip
    panels[0, j].set_title(f"after {n} trials")
fig.suptitle("Bayesian search in 1-D: GP posterior (top) and expected improvement")
save(fig, "07_bayes_gp.png")
proposals = ", ".join(f"{t.params['lr']:.3g}" for t in bayes1.trials)
print(f"  Bayesian proposals, in order (lr): {proposals}")

# %% [markdown]
# ## 6. The comparison
#
# The best validation loss found so far against the number of trials, for
# the three strategies on the two-hyperparameter problem, median and
# quartiles over several seeds (the grid is deterministic), and finally the
# test score of the tuned model, scored once, against the closed form.

# %%
side = 4 if QUICK else 6
n_trials = side * side
seeds = range(3 if QUICK else 8)
results = {"grid": [], "random": [], "Bayesian": []}
grid_result = grid_search(objective, space, points=side)
results["grid"].append([t.value for t in grid_result.trials])
bayes_results = []
for seed in seeds:
    rnd = random_search(objective, space, n_trials, seed=seed)
    results["random"].append([t.value for t in rnd.trials])
    bay = bayes_search(objective, space, n_trials, seed=seed)
    results["Bayesian"].append([t.value for t in bay.trials])
    bayes_results.append(bay)
fig = Figure(figsize=(8, 5), dpi=120, layout="constrained")
ax = fig.subplots()
plot_best_so_far(ax, results, ylabel="best validation loss so far")
ax.axhline(closed["val"], color="0.3", ls=":", label="closed form")
ax.legend(loc="best")
ax.set_title(f"{n_trials} trials, {len(seeds)} seeds (median, quartiles)")
save(fig, "08_comparison.png")
tuned = min(bayes_results, key=lambda res: res.best.value)
print(
    f"6. comparison: best val loss grid {grid_result.best.value:.1f}, random "
    f"{min(min(v) for v in results['random']):.1f}, Bayesian {tuned.best.value:.1f}"
)
print(
    f"  tuned Adam {tuned.best.params}: test {tuned.test_score:.1f}; "
    f"closed form test {closed['test']:.1f}"
)
print(f"done in {time.perf_counter() - T0:.1f} s")
