"""Pictures of both loops, one file per picture; matplotlib only when one is drawn.

* :mod:`search.plots.paths` (the inner loop): optimizer paths over a
  surface's contours, loss curves, :func:`descend_figure` (``hpo descend``);
* :mod:`search.plots.trials` (the outer loop over time): each trial and the
  best so far, :func:`trials_figure` (``hpo search``);
* :mod:`search.plots.surface` (the outer loop's landscape): the
  hyperparameter loss surface as a heat map, :func:`loss_surface_figure`;
* :mod:`search.plots.fidelity` (multi-fidelity search): each configuration
  through the rungs, :func:`rungs_figure`, and the best so far against the
  gradient steps spent;
* :mod:`search.plots.gp`: a 1-D Gaussian-process posterior and its expected
  improvement; :mod:`search.plots.labels`: numbered labels that hide nothing.

Every function that draws takes an ``ax`` (a :class:`matplotlib.axes.Axes`)
or builds a :class:`matplotlib.figure.Figure` directly, which needs no GUI
backend and no global pyplot state. Matplotlib is imported inside the
functions that draw, so ``import search.plots`` costs no more than
``import search``. The
outer-loop figures take a :class:`search.results.SearchResult` and draw each
trial by its ``Trial.status``.
"""

from search.plots._common import image_formats, value_ceiling
from search.plots.fidelity import (
    config_curves,
    plot_best_vs_gradient_steps,
    plot_rungs,
    rungs_figure,
)
from search.plots.gp import plot_gp_1d
from search.plots.labels import label_points
from search.plots.paths import (
    descend_figure,
    distance_to_nearest,
    plot_contour_paths,
    plot_loss_curves,
)
from search.plots.surface import loss_surface_figure, plot_loss_surface
from search.plots.trials import plot_best_so_far, plot_trials, trials_figure

__all__ = [
    "config_curves",
    "descend_figure",
    "distance_to_nearest",
    "image_formats",
    "label_points",
    "loss_surface_figure",
    "plot_best_so_far",
    "plot_best_vs_gradient_steps",
    "plot_contour_paths",
    "plot_gp_1d",
    "plot_loss_curves",
    "plot_loss_surface",
    "plot_rungs",
    "plot_trials",
    "rungs_figure",
    "trials_figure",
    "value_ceiling",
]
