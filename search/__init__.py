"""The outer loop: hyperparameter search on the inner-trained loss.

A search space is a dict of dimensions (:class:`Real`, :class:`Integer`,
:class:`Categorical`), each mapped to and from the unit interval. Strategies
only propose (``ask``) and learn (``tell``): :class:`GridSearch`,
:class:`RandomSearch`, :class:`BayesSearch` (a Gaussian process with
expected improvement) and :class:`TPESearch` (Parzen estimators); and the
multi-fidelity :class:`SuccessiveHalving`, :class:`Hyperband` and
:class:`ASHA`, which add a budget of inner steps to each proposal and train
most configurations only briefly. :class:`TrainedLoss` is the black box: it trains an
optimizer with the proposed hyperparameters and returns the validation loss.
:func:`run` is the only evaluation loop (batched, parallel, durable).
A strategy of your own is checked with the property kit,
:func:`search.testing.check_strategy` (it imports Hypothesis, so it is not
imported here).
"""

from search.asha import ASHA
from search.bayes_search import BayesSearch
from search.defaults import default_hyperparameters, default_lr, default_space
from search.grid_search import GridSearch
from search.objective import TrainedLoss
from search.random_search import RandomSearch
from search.runner import (
    SearchResult,
    Trial,
    bayes_search,
    grid_search,
    hyperband_search,
    load,
    random_search,
    run,
    tpe_search,
)
from search.space import Categorical, Integer, Real
from search.strategy import Strategy
from search.successive_halving import Hyperband, SuccessiveHalving
from search.tpe_search import TPESearch

__all__ = [
    "ASHA",
    "BayesSearch",
    "Categorical",
    "GridSearch",
    "Hyperband",
    "Integer",
    "RandomSearch",
    "Real",
    "SearchResult",
    "SuccessiveHalving",
    "Strategy",
    "TPESearch",
    "TrainedLoss",
    "Trial",
    "bayes_search",
    "default_hyperparameters",
    "default_lr",
    "default_space",
    "grid_search",
    "hyperband_search",
    "load",
    "random_search",
    "run",
    "tpe_search",
]
