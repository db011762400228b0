"""The walkthrough runs end to end in quick mode, writes every figure, and they say what they show.

The figures are read back through their artists (marker positions, legend
boxes, labels) after a run of the script in this process; the oracles are
a fresh ``BayesSearch`` replayed with the run's trials (its next ``ask``),
the seeds and trial counts the script prints, and geometry in display units.
The notebook test converts the script with jupytext and executes it with
nbclient (both optional: skipped when missing).
"""

import contextlib
import io
import runpy
import sys
from pathlib import Path

import numpy as np
import pytest
from matplotlib.collections import PathCollection

from optim import SGD, RMSProp
from search import Integer, TrainedLoss, default_space, tpe_search
from search.bayes_search import BayesSearch
from search.tpe_search import TPESearch
from surfaces import Rosenbrock

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "examples" / "walkthrough.py"
PNG = b"\x89PNG\r\n\x1a\n"
FIGURES = [
    "01_training.png",
    "02_rosenbrock.png",
    "03_beale.png",
    "04_divergence.png",
    "05_hyperparameter_surface.png",
    "06_grid_vs_random.png",
    "07_bayes_gp.png",
    "08_bayes_proposals.png",
    "09_comparison.png",
    "10_tpe_densities.png",
    "11_hyperband_rungs.png",
    "12_gradient_steps.png",
    "13_schedules.png",
]


@pytest.fixture(scope="module")
def walkthrough(tmp_path_factory):
    """The script's namespace and printed text after ``--quick``, run in this process."""
    out = tmp_path_factory.mktemp("figures")
    argv, sys.argv = sys.argv, [str(SCRIPT), "--quick", "--out", str(out)]
    try:
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            ns = runpy.run_path(str(SCRIPT), run_name="__main__")
    finally:
        sys.argv = argv
    for fig in ns["FIGURES"].values():
        fig.draw_without_rendering()  # the layout as saved: extents are final
    ns["OUT_DIR"] = out
    return ns, printed.getvalue()


@pytest.mark.slow
def test_walkthrough_quick_writes_every_figure(walkthrough):
    # run as __main__ with the script's own command line (runpy), once for
    # every test of this file: the script is what a user runs
    ns, printed = walkthrough
    out = ns["OUT_DIR"]
    for name in FIGURES:
        data = (out / name).read_bytes()
        assert data.startswith(PNG), name
        assert len(data) > 10_000, name  # a drawn figure, not an empty canvas
    assert sorted(p.name for p in out.iterdir()) == FIGURES
    assert "random wins" in printed
    assert "deterministic: True" in printed
    assert "on the test rows the tuned model" in printed


def drawn_points(ax):
    """Display coordinates ``(k, 2)`` of the vertices and markers drawn in ``ax``.

    Clipped artists count only inside the axes (the rest is not drawn).
    """
    box, found = ax.get_window_extent(), []
    for artist in [*ax.get_lines(), *ax.collections]:
        if isinstance(artist, PathCollection):
            xy = artist.get_offset_transform().transform(artist.get_offsets())
        elif hasattr(artist, "get_xydata"):
            xy = artist.get_transform().transform(artist.get_xydata())
        else:
            continue
        xy = xy[np.all(np.isfinite(xy), axis=1)]
        if artist.get_clip_on():
            xy = xy[[box.contains(*p) for p in xy]]
        found.append(xy)
    return np.concatenate(found) if found else np.zeros((0, 2))


@pytest.mark.slow
@pytest.mark.parametrize("name", FIGURES)
def test_no_legend_hides_a_plotted_point(walkthrough, name):
    fig = walkthrough[0]["FIGURES"][name]
    legends = [*fig.legends, *(a.get_legend() for a in fig.axes if a.get_legend())]
    assert legends, "every figure has a legend"
    for legend in legends:
        frame = legend.get_window_extent()
        for ax in fig.axes:
            inside = [frame.contains(*p) for p in drawn_points(ax)]
            assert not any(inside), (name, ax.get_title(), sum(inside))


@pytest.mark.slow
def test_grid_vs_random_shows_all_nine_random_trials(walkthrough):
    fig = walkthrough[0]["FIGURES"]["06_grid_vs_random.png"]
    for ax in fig.axes[:2]:  # the two panels (then their twins)
        (trials,) = [c for c in ax.collections if isinstance(c, PathCollection)]
        xy = trials.get_offset_transform().transform(trials.get_offsets())
        assert len(xy) == 9
        assert all(ax.get_window_extent().contains(*p) for p in xy)


@pytest.mark.slow
def test_gp_figure_marks_the_searchs_actual_next_proposal(walkthrough):
    ns = walkthrough[0]
    fig, trials = ns["FIGURES"]["07_bayes_gp.png"], ns["bayes1"].trials
    space = {"lr": ns["lr_dim"]}
    posts = [a for a in fig.axes if a.get_title().startswith("after")]
    acqs = [a for a in fig.axes if a.get_ylabel() == "EI"]
    assert len(posts) == len(acqs) == 3
    for post, acq in zip(posts, acqs, strict=True):
        n = int(post.get_title().split()[1])
        strategy = BayesSearch(space, seed=0, n_initial=3)  # the script's 1-D search
        for t in trials[:n]:
            strategy.ask()
            strategy.tell(t.params, t.value)
        (expected,) = strategy.ask()
        lines = {line.get_label(): line for line in acq.get_lines()}
        marker = lines["the search's next proposal (its EI)"]
        assert marker.get_xdata()[0] == pytest.approx(expected["lr"], rel=1e-12)
        if n < len(trials):  # and it is what the search then tried
            assert trials[n].params == expected
        # the search's proposal maximizes the EI drawn, up to the grid's spacing
        ei = lines["expected improvement"].get_ydata()
        assert marker.get_ydata()[0] >= 0.98 * ei.max()
        peak = lines["EI peak on the plotted grid"].get_xdata()[0]
        assert abs(np.log10(peak / expected["lr"])) <= 5 / (ei.size - 1)


@pytest.mark.slow
def test_loss_is_named_as_computed(walkthrough):
    figures = walkthrough[0]["FIGURES"]
    labels = [
        figures["05_hyperparameter_surface.png"].axes[1].get_ylabel(),  # colour bar
        figures["08_bayes_proposals.png"].axes[1].get_ylabel(),
        figures["09_comparison.png"].axes[0].get_ylabel(),
        figures["11_hyperband_rungs.png"].axes[0].get_ylabel(),
        figures["12_gradient_steps.png"].axes[0].get_ylabel(),
        figures["13_schedules.png"].axes[0].get_ylabel(),  # diabetes' loss panel
    ]
    for label in labels:
        assert r"(1/2n)\,\|Xw - y\|^2" in label, label
    text = SCRIPT.read_text() + "".join(
        ax.get_ylabel() for fig in figures.values() for ax in fig.axes
    )
    assert "MSE" not in text


@pytest.mark.slow
def test_proposal_numbers_do_not_overlap(walkthrough):
    ns = walkthrough[0]
    numbers = ns["numbers"]
    assert len(numbers) == ns["n_bayes"] and all(numbers)
    assert [n.get_text() for n in numbers] == [str(k + 1) for k in range(len(numbers))]
    boxes = [n.get_bbox_patch().get_window_extent() for n in numbers]
    centres = np.array([[(b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2] for b in boxes])
    radii = np.array([b.width / 2 for b in boxes])  # the circles' bounding squares
    for k, (centre, radius) in enumerate(zip(centres, radii, strict=True)):
        gaps = np.hypot(*(centres - centre).T) - radii - radius  # (n,)
        assert np.all(np.delete(gaps, k) >= 0), k + 1  # circles do not meet
    ax = ns["FIGURES"]["08_bayes_proposals.png"].axes[0]
    points = ax.transData.transform(np.column_stack([ns["lr_b"], ns["b1_b"]]))
    for k, (centre, radius) in enumerate(zip(centres, radii, strict=True)):
        others = np.delete(points, k, axis=0)  # no number sits on another's point
        assert np.all(np.hypot(*(others - centre).T) > radius), k + 1


@pytest.mark.slow
def test_comparison_spreads_and_grid_order(walkthrough):
    ns, printed = walkthrough
    ax = ns["FIGURES"]["09_comparison.png"].axes[0]
    assert len(ns["seeds"]) == 3  # quick mode: too few seeds for quartiles
    labels = [t.get_text() for t in ns["FIGURES"]["09_comparison.png"].legends[0].texts]
    assert "random: each of the 3 seeds" in labels
    assert not any("percentiles" in x for x in labels)
    assert not [c for c in ax.collections if not isinstance(c, PathCollection)]
    # the grid is walked in a shuffled order, a different one per seed
    orders = [[t.params["lr"] for t in r.trials] for r in ns["searches"]["grid"]]
    assert all(o != sorted(o) for o in orders) and orders[0] != orders[1]
    # medians and bests are labelled as such
    assert printed.count("median over seeds: best val loss") == len(ns["searches"]) == 5
    assert "best over all 3 seeds: val loss" in printed


@pytest.mark.slow
def test_tpe_figure_is_the_searchs_own_with_its_next_proposal(walkthrough):
    ns, printed = walkthrough
    trials = ns["tpe"].trials
    assert len(trials) == ns["n_tpe"]
    strategy = TPESearch(ns["space"], seed=0)  # the script's search, replayed
    for t in trials:
        strategy.ask()
        strategy.tell(t.params, t.value)
    good, bad = strategy.split()
    (expected,) = strategy.ask()
    fig = ns["FIGURES"]["10_tpe_densities.png"]
    assert len(fig.axes) == 4  # densities above ratios; lr left, b1 right
    for k, ax in enumerate(fig.axes):
        (marker,) = [
            line
            for line in ax.get_lines()
            if line.get_label() == "the search's next proposal"
        ]
        name = ["lr", "b1"][k % 2]
        assert marker.get_xdata()[0] == pytest.approx(expected[name], rel=1e-12)
    labels = [t.get_text() for t in fig.legends[0].texts]
    assert f"good trials ({len(good)})" in labels
    assert f"bad trials ({len(bad)})" in labels
    assert len(good) + len(bad) == len(trials)
    assert f"{len(good)} good and {len(bad)} bad trials" in printed
    # far from every trial only the prior kernels (weight 1) are left
    assert f"= {(len(bad) + 1) / (len(good) + 1):.2f}" in printed


@pytest.mark.slow
def test_rungs_figure_draws_every_hyperband_configuration(walkthrough):
    ns, printed = walkthrough
    hb = ns["hb"]
    ax = ns["FIGURES"]["11_hyperband_rungs.png"].axes[0]
    configs = {
        tuple(sorted((k, v) for k, v in t.params.items() if k != "steps"))
        for t in hb.trials
    }
    lines = [
        line
        for line in ax.get_lines()
        if line.get_linestyle() == "-" and line.get_marker() == "o"
    ]
    assert len(lines) == len(configs) == sum(ns["plan"])
    assert max(t.steps for t in hb.trials) == ns["train_steps"]  # comparable budgets
    at_top = sum(t.steps == ns["train_steps"] for t in hb.trials)
    labels = [t.get_text() for t in ax.figure.legends[0].texts]
    assert f"trained to {ns['train_steps']} steps ({at_top})" in labels
    # promotions continue training: fewer steps spent than trained to
    spent = sum(t.gradient_steps for t in hb.trials)
    assert spent == hb.gradient_steps < sum(t.steps for t in hb.trials)
    assert f"gradient steps spent: Hyperband {spent};" in printed
    full = ns["full"]
    assert len(full.trials) == len(configs)
    assert f"full {ns['train_steps']} steps {full.gradient_steps} (" in printed


@pytest.mark.slow
def test_gradient_steps_figure_spends_what_each_search_spent(walkthrough):
    ns, printed = walkthrough
    ax = ns["FIGURES"]["12_gradient_steps.png"].axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    for name in ("random", "Bayesian", "TPE", "Hyperband"):
        runs = ns["searches"][name]
        (median,) = [
            line
            for line in ax.get_lines()
            if line.get_label() == f"{name} (median of {len(runs)} seeds)"
        ]
        x = median.get_xdata()
        assert x[0] == min(r.trials[0].gradient_steps for r in runs)
        assert x[-1] == max(r.gradient_steps for r in runs)
    hb = np.median([r.gradient_steps for r in ns["searches"]["Hyperband"]])
    assert f"Hyperband's median of {hb:.0f} gradient steps" in printed


@pytest.mark.slow
def test_schedules_figure_draws_the_tuned_runs(walkthrough):
    # the oracle: the four searches run again here, as the section describes
    # them (TPE, seed 0, the default lr range, warm-up in [0, 50])
    ns, printed = walkthrough
    n = ns["n_sched"]
    steps = {"diabetes": ns["train_steps"], "Rosenbrock": ns["ros_steps"]}
    fig = ns["FIGURES"]["13_schedules.png"]
    loss_axes, lr_axes = fig.axes[:2], fig.axes[2:4]  # top row, then bottom row
    lines = {line.get_label(): line for ax in loss_axes for line in ax.get_lines()}
    settings = {  # name -> (optimizer, surface, TrainedLoss's data and settings)
        "diabetes": (RMSProp, ns["train"], {"val": ns["val"]}),
        "Rosenbrock": (SGD, Rosenbrock(), {"fixed": {"momentum": 0.9}}),
    }
    for j, (name, (cls, surface, data)) in enumerate(settings.items()):
        drawn_lrs = lr_axes[j].get_lines()
        assert len(drawn_lrs) == 2  # constant, then the schedule
        for k, schedule in enumerate((None, "cosine")):
            space = default_space(cls, ["lr"])
            if schedule:
                space["warmup"] = Integer(0, 50)
            loss = TrainedLoss(
                cls, surface, steps=steps[name], schedule=schedule, **data
            )
            best = tpe_search(loss, space, n, seed=0).best
            lr, warmup, value = best.params["lr"], best.params.get("warmup"), best.value
            if schedule is None:
                tuned = f"constant lr {lr:.3g}"
            elif warmup:
                tuned = f"warm-up {warmup} + cosine, peak lr {lr:.3g}"
            else:
                tuned = f"no warm-up, cosine, peak lr {lr:.3g}"
            (label,) = [x for x in lines if x.startswith(f"{name}, {tuned}: ")]
            # the line drawn is the tuned run: it ends at the loss the search found
            assert lines[label].get_ydata()[-1] == pytest.approx(value, rel=1e-9)
            shown = f"{value:.1f}" if name == "diabetes" else f"{value:.2g}"
            assert label.endswith(f" {shown}")
            assert f"{tuned} -> {shown}" in printed
            # its learning rate: flat, or a warm-up to the peak, then down to ~0
            per_step = drawn_lrs[k].get_ydata()
            assert len(per_step) == steps[name]
            if schedule is None:
                assert np.all(per_step == lr)
            else:
                assert np.argmax(per_step) == warmup  # the peak: step warmup + 1
                assert per_step.max() == pytest.approx(lr, rel=1e-12)
                assert per_step[-1] < 1e-3 * lr
    assert len([x for x in lines if not x.startswith("_")]) == 5  # and the closed form
    assert "the tuned schedule against the tuned constant lr: " in printed


@pytest.mark.slow
def test_walkthrough_as_a_notebook_shows_every_figure(tmp_path, monkeypatch):
    jupytext = pytest.importorskip("jupytext")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    out = tmp_path / "figures"
    monkeypatch.setenv("WALKTHROUGH_ARGS", f"--quick --out {out}")
    notebook = jupytext.read(SCRIPT)
    nbclient.NotebookClient(
        notebook, timeout=600, kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()  # fmt: skip
    images = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if "image/png" in output.get("data", {})
    ]
    assert len(images) == len(FIGURES)
    assert sorted(p.name for p in out.iterdir()) == FIGURES
