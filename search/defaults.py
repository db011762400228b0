"""Default learning rates and search ranges: what ``hpo`` starts from, for Python too.

Two kinds of domain knowledge, each a table below with the reason for its
numbers, read through three functions:

* the inner loop: :func:`default_lr` and :func:`default_hyperparameters`
  give the settings ``hpo descend`` trains with, per optimizer and kind of
  surface (an analytic test function, or least squares on data);
* the outer loop: :func:`default_space` gives the dimensions ``hpo search``
  tunes, per optimizer: which hyperparameters (:data:`DEFAULT_TUNED`) and the
  range of each (:data:`LR_RANGE`, :data:`HYPER_RANGE`).

An optimizer is given by its registry name (``"adam"``, see
``optim.OPTIMIZERS``) or its class (``optim.Adam``). The tables are read-only
mappings keyed by registry name.

Examples
--------
>>> from surfaces import Rosenbrock
>>> default_hyperparameters("sgd", Rosenbrock())
{'lr': 0.001, 'momentum': 0.9}
>>> default_space("adam")
{'lr': Real(low=0.0001, high=10.0, log=True), 'b1': Real(low=0.0, high=0.99, log=False)}
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType

from optim import OPTIMIZERS, Optimizer
from search import _checks
from search.space import Categorical, Dimension, Integer, Real
from surfaces import LinearRegression, Surface

# Learning rates of the analytic surfaces, chosen on Rosenbrock from
# (-1.2, 1) in 2000 steps: each optimizer makes real progress along the
# valley and none diverges (SGD with momentum reaches the minimizer; Adam and
# RMSProp end within about 0.1 of it, RMSProp hovering at the scale of its lr).
ANALYTIC_LR = MappingProxyType(
    {"sgd": 1e-3, "rmsprop": 1e-2, "adam": 2e-2, "adamw": 2e-2}
)
# Linear regression on the diabetes data: the targets are in the hundreds,
# so Adam's per-coordinate step (about lr) must be a few units to reach the
# intercept (about 150) in a few hundred steps; Adam then settles on the
# closed form (its steps shrink with the gradient, while v remembers the
# early large gradients), whereas RMSProp, whose v forgets within ~100 steps,
# keeps hovering at a distance of the order of its lr. SGD's lr is 1/L (below).
LINREG_LR = MappingProxyType({"rmsprop": 0.3, "adam": 5.0, "adamw": 5.0})
# Heavy-ball momentum for SGD: on a quadratic with Hessian eigenvalues in
# [mu, L], mu > 0, gradient descent with momentum m in [0, 1) converges for
# any 0 < lr < 2 (1 + m) / L, so lr = 1/L with m = 0.9 is provably safe.
EXTRA = MappingProxyType({"sgd": MappingProxyType({"momentum": 0.9})})

# Tuned by default, per optimizer: the learning rate and the decay of the
# gradient average (Adam's b1, SGD's momentum) or of RMSProp's squared one.
DEFAULT_TUNED = MappingProxyType(
    {
        "sgd": ("lr", "momentum"),
        "rmsprop": ("lr", "alpha"),
        "adam": ("lr", "b1"),
        "adamw": ("lr", "b1"),
    }
)
# Learning-rate ranges, wide enough to hold both failure modes: too small
# (no progress in the steps given) and too large. SGD's steps scale with the
# gradient: on a quadratic it blows up beyond lr = 2 (1 + momentum) / L (on the
# diabetes data 2/L = 0.57; on Rosenbrock from (-1.2, 1) it diverges from a
# few thousandths on), so the top of its range shows that edge. Adam's and
# RMSProp's steps are about lr whatever the gradient: they do not diverge on
# these problems, but a large lr makes them hop around the minimum instead.
LR_RANGE = MappingProxyType(
    {
        "sgd": (1e-5, 1.0),
        "rmsprop": (1e-4, 10.0),
        "adam": (1e-4, 10.0),
        "adamw": (1e-4, 10.0),
    }
)
# (low, high, log) of every other numeric hyperparameter, and of the steps a
# trial trains (an integer); batch_size is log [1, rows] (the training rows).
HYPER_RANGE = MappingProxyType(
    {
        "b1": (0.0, 0.99, False),
        "b2": (0.9, 0.9999, False),
        "momentum": (0.0, 0.99, False),
        "dampening": (0.0, 0.99, False),
        "alpha": (0.5, 0.999, False),
        "eps": (1e-10, 1e-2, True),
        "weight_decay": (1e-6, 1.0, True),
        "steps": (10, 1000, True),
    }
)


def default_lr(optimizer: str | type[Optimizer], surface: Surface) -> float:
    """The learning rate ``hpo descend`` gives ``optimizer`` on ``surface``.

    On an analytic surface, :data:`ANALYTIC_LR` (chosen on Rosenbrock). On a
    :class:`surfaces.LinearRegression`, ``1 / L`` for SGD (``L`` its
    ``smoothness``: provably stable, with or without momentum) and
    :data:`LINREG_LR` for the others, chosen on the diabetes data, whose
    targets are in the hundreds: scale it with the targets of other data.

    Parameters
    ----------
    optimizer : str or type
        A registry name (``"adam"``) or an optimizer class (``optim.Adam``).
    surface : Surface
        The surface it will train on.

    Returns
    -------
    float
        The learning rate, ``> 0``.

    Raises
    ------
    ValueError or TypeError
        For an unknown optimizer, or a surface that is not a ``Surface``.

    Examples
    --------
    >>> from surfaces import Rosenbrock
    >>> default_lr("adam", Rosenbrock())
    0.02
    """
    name = _registry_name("default_lr", optimizer)
    _check_surface("default_lr", surface)
    if not isinstance(surface, LinearRegression):
        return ANALYTIC_LR[name]
    if name != "sgd":
        return LINREG_LR[name]
    if not surface.smoothness > 0:  # X all zeros: a flat loss, no scale for a step
        raise ValueError(f"default_lr: surface has smoothness L = 0, got {surface!r}")
    return 1.0 / surface.smoothness


def default_hyperparameters(
    optimizer: str | type[Optimizer], surface: Surface
) -> dict[str, float]:
    """The settings ``hpo descend`` trains ``optimizer`` with on ``surface``.

    ``lr`` from :func:`default_lr`, and :data:`EXTRA`: SGD's heavy-ball
    momentum 0.9; every other field keeps the optimizer's own default.
    Build the optimizer with ``cls(**default_hyperparameters(cls, surface))``.

    Examples
    --------
    >>> from optim import SGD
    >>> from surfaces import Beale
    >>> SGD(**default_hyperparameters(SGD, Beale()))
    SGD(lr=0.001, momentum=0.9, dampening=0.0, nesterov=False, weight_decay=0.0, maximize=False)
    """
    name = _registry_name("default_hyperparameters", optimizer)
    _check_surface("default_hyperparameters", surface)
    return {"lr": default_lr(name, surface), **EXTRA.get(name, {})}


def default_space(
    optimizer: str | type[Optimizer],
    names: Iterable[str] | None = None,
    *,
    rows: int | None = None,
) -> dict[str, Dimension]:
    """The dimensions ``hpo search`` tunes by default, one per name, in order.

    ``lr`` is log-scaled over :data:`LR_RANGE` (per optimizer), every other
    numeric hyperparameter and ``steps`` over :data:`HYPER_RANGE`,
    ``batch_size`` log over ``[1, rows]``, and a switch (``amsgrad``,
    ``nesterov``, ...) is ``Categorical([False, True])``. The names are those
    :class:`search.TrainedLoss` takes.

    Parameters
    ----------
    optimizer : str or type
        A registry name (``"adam"``) or an optimizer class (``optim.Adam``).
    names : iterable of str, optional
        The hyperparameters to tune: the optimizer's fields, ``steps`` and
        ``batch_size``. Default: :data:`DEFAULT_TUNED`, the learning rate and
        the decay of the optimizer's gradient average (Adam's ``b1``, SGD's
        ``momentum``, RMSProp's ``alpha``).
    rows : int, optional
        The training rows, the top of ``batch_size``'s range (needed for it).

    Returns
    -------
    dict
        ``name -> Real, Integer or Categorical``, a space for any strategy.

    Raises
    ------
    ValueError or TypeError
        For an unknown optimizer, an unknown or repeated name, or a missing
        or invalid ``rows`` where ``batch_size`` needs it.

    Examples
    --------
    >>> default_space("sgd", ["lr", "nesterov", "batch_size"], rows=200)
    {'lr': Real(low=1e-05, high=1.0, log=True), 'nesterov': Categorical(choices=(False, True)), 'batch_size': Integer(low=1, high=200, log=True)}
    """
    who = "default_space"
    name = _registry_name(who, optimizer)
    tuned = DEFAULT_TUNED[name] if names is None else _names(who, names)
    space: dict[str, Dimension] = {}
    for hyper in tuned:
        if hyper in space:
            raise ValueError(f"{who}: names must be distinct, got {hyper!r} twice")
        space[hyper] = _dimension(who, name, hyper, rows)
    return space


def _dimension(who: str, optimizer: str, name: str, rows: object) -> Dimension:
    """The default dimension of hyperparameter ``name`` of ``optimizer``."""
    cls: type[Optimizer] = OPTIMIZERS[optimizer]
    known = (*cls.numeric_fields(), *cls.switches(), "steps", "batch_size")
    if name not in known:
        raise ValueError(
            f"{who}: {cls.__name__} has no hyperparameter {name!r}; known: "
            f"{', '.join(known)}"
        )
    if name in cls.switches():
        return Categorical((False, True))
    if name == "lr":
        return Real(*LR_RANGE[optimizer], log=True)
    if name == "batch_size":
        return Integer(1, _rows(who, rows), log=True)
    if name not in HYPER_RANGE:
        raise ValueError(f"{who}: no default range for {cls.__name__}'s {name!r}")
    low, high, log = HYPER_RANGE[name]
    if name == "steps":
        return Integer(int(low), int(high), log=log)
    return Real(low, high, log=log)


def _registry_name(who: str, optimizer: object) -> str:
    """The ``optim.OPTIMIZERS`` key of ``optimizer`` (a name or a class)."""
    cls = _checks.optimizer_class(who, optimizer)
    for key, known in OPTIMIZERS.items():
        if known is cls:
            return key
    raise ValueError(
        f"{who}: optimizer must be one of {', '.join(OPTIMIZERS)} (a name or its "
        f"class; there are no defaults for others), got {optimizer!r}"
    )


def _check_surface(who: str, surface: object) -> None:
    if not isinstance(surface, Surface):
        raise TypeError(
            f"{who}: surface must be a surfaces.Surface (e.g. Rosenbrock() or a "
            f"LinearRegression), got {surface!r}"
        )


def _names(who: str, names: object) -> tuple[str, ...]:
    """``names`` as a tuple of str (a lone string is refused, not split)."""
    if isinstance(names, str) or not isinstance(names, Iterable):
        raise TypeError(f"{who}: names must be a list of str, got {names!r}")
    names = tuple(names)
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"{who}: names must be str, got {name!r}")
    return names


def _rows(who: str, rows: object) -> int:
    """The training rows for ``batch_size``: an int >= 1."""
    if rows is None:
        raise ValueError(f"{who}: batch_size needs rows (the training rows), got None")
    return _checks.integer(who, "rows", rows, low=1)
