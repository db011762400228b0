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
# The same search on both hyperparameters, drawn over the heat map of
# section 3 (which the search never sees: it knows only its own trials).
# The first 5 proposals are quasi-random (a Sobol sequence) to start the
# GP; from then on each is where the expected improvement peaks: they
# gather in the dark valley of large learning rates (where the surface is
# low), some on the edges of the box (where the GP is least sure).

# %%
n_bayes = 16 if QUICK else 30
bayes2 = bayes_search(objective, space, n_bayes, seed=0)
fig = loss_surface_figure(
    space,
    params,
    values,
    title=f"Bayesian search, seed 0: its {n_bayes} proposals in order, over the "
    "surface of section 3",
    colorbar_label="validation loss (MSE)",
)
ax = fig.axes[0]
lr_b = np.array([t.params["lr"] for t in bayes2.trials])
b1_b = np.array([t.params["b1"] for t in bayes2.trials])
n_init = 5  # BayesSearch's quasi-random start: max(5, 2 x dimensions)
ax.plot(lr_b, b1_b, color="white", lw=0.8, alpha=0.6, zorder=6)
for k, (lr, b1) in enumerate(zip(lr_b, b1_b, strict=True)):
    ax.annotate(
        str(k + 1), (lr, b1), ha="center", va="center", fontsize=7, zorder=7,
        color="black", fontweight="bold",
        bbox={"boxstyle": "circle,pad=0.2", "fc": "white" if k < n_init else "C1",
              "ec": "black", "lw": 0.6},
    )  # fmt: skip
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
save(fig, "08_bayes_proposals.png")
near = np.mean(lr_b[n_init:] > 0.3)
print(
    f"  2-D Bayesian search: best val loss {bayes2.best.value:.1f} at "
    f"lr {bayes2.best.params['lr']:.3g}, b1 {bayes2.best.params['b1']:.2f}; "
    f"{near:.0%} of the EI proposals have lr > 0.3"
)

# %% [markdown]
# ## 6. The comparison
#
# The best validation loss found so far, for the three strategies on the
# two-hyperparameter problem, median and quartiles over several seeds (the
# grid is deterministic). Every search ends within a few percent of the
# others, so the raw losses would hide the end of the race under the first
# trials' thousands: we plot instead the gap to a reference ``L_ref`` just
# below every value seen (the lowest validation loss of any trial, the
# section-3 grid or the closed form, minus 1), on a log axis. Left, against
# the trials (and the inner gradient steps they cost: trials x steps);
# right, against the wall time since the search started, the strategy's own
# work included: the grid trains all its points in one batched run, so all
# its results arrive at once, and Bayesian search fits a GP before each
# proposal, which here, with training runs of a few milliseconds, costs
# more than the training itself (the printed "whole search" seconds).

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

    def __getattr__(self, name):
        return getattr(self.objective, name)


side = 4 if QUICK else 6
n_trials = side * side
seeds = range(3 if QUICK else 8)
searches = {"grid": [], "random": [], "Bayesian": []}
ends = {name: [] for name in searches}  # per run: (n_trials,) seconds
for seed in seeds:
    for name, run in (
        ("grid", lambda f, s: grid_search(f, space, points=side)),
        ("random", lambda f, s: random_search(f, space, n_trials, seed=s)),
        ("Bayesian", lambda f, s: bayes_search(f, space, n_trials, seed=s)),
    ):
        if name == "grid" and searches["grid"]:
            continue  # the grid is deterministic: one run
        clocked = Clocked(objective)
        searches[name].append(run(clocked, seed))
        ends[name].append(clocked.ends)
results = {k: [[t.value for t in r.trials] for r in v] for k, v in searches.items()}
seen = [v for runs in results.values() for r in runs for v in r if np.isfinite(v)]
ref = min(min(seen), float(np.min(values[np.isfinite(values)])), closed["val"]) - 1.0
gaps = {k: [np.asarray(r) - ref for r in runs] for k, runs in results.items()}
seconds = {k: np.median(v, axis=0) for k, v in ends.items()}  # median over seeds
fig = Figure(figsize=(13, 5.4), dpi=110, layout="constrained")
ax_t, ax_s = fig.subplots(1, 2, sharey=True)
ylabel = f"best validation loss so far $-$ $L_{{ref}}$ (MSE; $L_{{ref}}$ = {ref:.1f})"
plot_best_so_far(ax_t, gaps, log=True, start=1, ylabel=ylabel, legend=False)
plot_best_so_far(
    ax_s, gaps, log=True, x=seconds, xlabel="seconds since the search started (wall time, median over seeds)",
    ylabel=ylabel, legend=False,
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
fig.suptitle(
    f"grid, random and Bayesian search: {n_trials} trials, {len(seeds)} seeds "
    "(median, quartiles)"
)
save(fig, "09_comparison.png")
grid_result = searches["grid"][0]
bayes_results = searches["Bayesian"]
for k, v in searches.items():
    training = np.median([sum(t.seconds for t in r.trials) for r in v])
    print(
        f"  {k:8s}: best val loss (median over seeds) "
        f"{np.median([r.best.value for r in v]):.1f}; seconds training "
        f"{training:.3f}, whole search {seconds[k][-1]:.3f}"
    )
tuned = min(bayes_results, key=lambda res: res.best.value)
print(
    f"6. comparison: best val loss grid {grid_result.best.value:.1f}, random "
    f"{min(r.best.value for r in searches['random']):.1f}, Bayesian "
    f"{tuned.best.value:.1f}"
)
print(
    f"  tuned Adam {tuned.best.params}: test {tuned.test_score:.1f}; "
    f"closed form test {closed['test']:.1f}"
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

# %%
print(f"done in {time.perf_counter() - T0:.1f} s")
