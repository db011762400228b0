"""A corpus of re-created optimizer bugs: check_optimizer must reject each, with no reference.

Each class below is a shipped optimizer with one deliberate bug of a kind that
shipped in a real library (cited in its docstring; the code is written here,
not copied). ``check_optimizer`` sees only the class, its declared fields and
its behaviour; each test also says which property catches the bug, so the
corpus doubles as a list of what each property is for.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from optim import SGD, Adam, AdamW, RMSProp
from optim.adam import adam_update
from optim.rmsprop import RMSPropState
from optim.sgd import SGDState
from optim.testing import check_optimizer


def col(v):
    """A hyperparameter against ``(*batch, d)``: a float, or an array with a trailing axis."""
    return v if np.ndim(v) == 0 else np.asarray(v)[..., None]


def ascent(opt, g):
    return -g if opt.maximize else g


# ------------------------------------------------------------------------ SGD


@dataclasses.dataclass(frozen=True, eq=False)
class SGDDecayOnlyWithMomentum(SGD):
    """Weight decay skipped when momentum is 0 (ml-explore/mlx#440, fixed in PR #473)."""

    def step(self, x, g, state):
        if not np.any(np.asarray(self.momentum)):
            return SGD.step(dataclasses.replace(self, weight_decay=0.0), x, g, state)
        return super().step(x, g, state)


@dataclasses.dataclass(frozen=True, eq=False)
class SGDDampenedFirstStep(SGD):
    """Dampening applied to the first buffer too (ml-explore/mlx PR #473; torch skips it).

    The first buffer becomes ``(1 - dampening) g`` instead of ``g``: the
    buffer is started at zero and updated like every later one.
    """

    def step(self, x, g, state):
        if state.t == 0:
            state = SGDState(1, np.zeros_like(x))  # as if a step of zero had been taken
            x, new = super().step(x, g, state)
            return x, SGDState(1, new.b)
        return super().step(x, g, state)


@dataclasses.dataclass(frozen=True, eq=False)
class SGDDecaySubtracted(SGD):
    """Weight decay subtracted from the gradient (chainer/chainer#261, andersbll/deeppy#17)."""

    def step(self, x, g, state):
        plain = dataclasses.replace(self, weight_decay=0.0)
        sign = -1.0 if self.maximize else 1.0
        return SGD.step(plain, x, g - sign * col(self.weight_decay) * x, state)


@dataclasses.dataclass(frozen=True, eq=False)
class SGDBufferRestarts(SGD):
    """The momentum buffer reset at every step (kozistr/pytorch_optimizer#516)."""

    def step(self, x, g, state):
        return super().step(x, g, self.init(x))


@dataclasses.dataclass(frozen=True, eq=False)
class SGDNesterovWithOldBuffer(SGD):
    """Nesterov's look-ahead taken with the buffer of the previous step."""

    def step(self, x, g, state):
        x1, new = super().step(x, g, state)
        if not self.nesterov:
            return x1, new
        d = ascent(self, g) + col(self.weight_decay) * x
        return x - col(self.lr) * (d + col(self.momentum) * state.b), new


@dataclasses.dataclass(frozen=True, eq=False)
class SGDInPlace(SGD):
    """The update written into the caller's ``x`` (torch's in-place style, ported to NumPy)."""

    def step(self, x, g, state):
        x_new, new = super().step(x, g, state)
        x[...] = x_new
        return x, new


@dataclasses.dataclass(frozen=True, eq=False)
class SGDLearningRateAlongCoordinates(SGD):
    """An array of learning rates applied along the coordinates instead of the batch."""

    def step(self, x, g, state):
        if np.ndim(self.lr) == 0:
            return super().step(x, g, state)
        x1, new = SGD.step(dataclasses.replace(self, lr=1.0), x, g, state)
        return x + np.asarray(self.lr) * (x1 - x), new  # (n,) against (n, d)


# -------------------------------------------------------------------- RMSProp


def rmsprop(opt, x, g, state, *, square=None, root=None):
    """RMSProp's step, with the mean square and the denominator replaceable.

    ``square(v, g, alpha)`` gives the new mean square, ``root(v, ga, eps)``
    the denominator; by default torch's, with this project's guard against
    ``0 / 0`` (a zero gradient takes no step).
    """
    alpha, eps, mu = col(opt.alpha), col(opt.eps), col(opt.momentum)
    t, v, ga, b = state
    g = ascent(opt, g) + col(opt.weight_decay) * x
    v = (square or (lambda v, g, a: a * v + (1 - a) * g * g))(v, g, alpha)
    if opt.centered:
        ga = ga + (1 - alpha) * (g - ga)
    centered = opt.centered
    default = lambda v, ga, e: np.sqrt(v - ga * ga if centered else v) + e  # noqa: E731
    avg = np.where(g == 0, 1.0, (root or default)(v, ga, eps))
    b = mu * b + g / avg
    return x - col(opt.lr) * b, RMSPropState(t + 1, v, ga, b)


@dataclasses.dataclass(frozen=True, eq=False)
class RMSPropStartsAtOne(RMSProp):
    """The mean square started at 1 (TensorFlow 1's RMSPropOptimizer; torch starts at 0)."""

    def init(self, x):
        state = super().init(x)
        return state._replace(v=np.ones(np.shape(x)))


@dataclasses.dataclass(frozen=True, eq=False)
class RMSPropEpsInsideRoot(RMSProp):
    """``sqrt(v + eps)`` in a class that promises torch's ``sqrt(v) + eps`` (CanReader/FastNN#12)."""

    def step(self, x, g, state):
        c = self.centered
        root = lambda v, ga, e: np.sqrt((v - ga * ga if c else v) + e)  # noqa: E731
        return rmsprop(self, x, g, state, root=root)


@dataclasses.dataclass(frozen=True, eq=False)
class RMSPropWithoutOneMinusAlpha(RMSProp):
    """The mean square's new term without ``1 - alpha`` (fastai/fastbook#342)."""

    def step(self, x, g, state):
        return rmsprop(self, x, g, state, square=lambda v, g, a: a * v + g * g)


@dataclasses.dataclass(frozen=True, eq=False)
class CenteredRMSPropWithoutSquare(RMSProp):
    """Centered RMSProp dividing by ``sqrt(v - ga)``: the mean not squared."""

    def step(self, x, g, state):
        c = self.centered
        root = lambda v, ga, e: np.sqrt(np.abs(v - ga if c else v)) + e  # noqa: E731
        return rmsprop(self, x, g, state, root=root)


# ----------------------------------------------------------------------- Adam


def corrections(opt, state):
    """``bc1, bc2`` of the step about to be taken."""
    t = state.t + 1
    return 1 - col(opt.b1) ** t, 1 - col(opt.b2) ** t


def adam(opt, x, g, state, lr, eps):
    """Adam's shared lines with ``lr`` and ``eps`` replaced."""
    b1, b2 = col(opt.b1), col(opt.b2)
    kw = dict(b1=b1, b2=b2, amsgrad=opt.amsgrad, guard=True)
    return adam_update(x, g, state, lr=lr, eps=eps, **kw)


@dataclasses.dataclass(frozen=True, eq=False)
class AdamWithoutBiasCorrection(Adam):
    """No bias correction: ``x - lr m / (sqrt(v) + eps)`` (Kingma and Ba 2015, Sec. 3, omitted)."""

    def step(self, x, g, state):
        bc1, bc2 = corrections(self, state)
        g = ascent(self, g) + col(self.weight_decay) * x
        lr, eps = col(self.lr) * bc1 / np.sqrt(bc2), col(self.eps) / np.sqrt(bc2)
        return adam(self, x, g, state, lr, eps)


@dataclasses.dataclass(frozen=True, eq=False)
class AdamEpsHat(Adam):
    """``eps`` added to the uncorrected root: the paper's "eps hat" form.

    TensorFlow 1's ``AdamOptimizer`` documents its epsilon as the paper's
    epsilon hat (Kingma and Ba 2015, end of Sec. 2), a different method from
    torch's for the same ``eps``.
    """

    def step(self, x, g, state):
        _, bc2 = corrections(self, state)
        g = ascent(self, g) + col(self.weight_decay) * x
        return adam(self, x, g, state, col(self.lr), col(self.eps) / np.sqrt(bc2))


@dataclasses.dataclass(frozen=True, eq=False)
class AdamMaximizeAfterDecay(Adam):
    """``maximize`` negating the decayed gradient: the decay then pushes ``x`` outwards.

    The order of the two matters (kozistr/pytorch_optimizer PR #528);
    torch negates the gradient first.
    """

    def step(self, x, g, state):
        d = g + col(self.weight_decay) * x
        plain = dataclasses.replace(self, weight_decay=0.0, maximize=False)
        return Adam.step(plain, x, -d if self.maximize else d, state)


@dataclasses.dataclass(frozen=True, eq=False)
class AdamMomentsExchanged(Adam):
    """``b1`` and ``b2`` exchanged in the moments (the betas tuple read in the wrong order)."""

    def step(self, x, g, state):
        swapped = dataclasses.replace(self, b1=self.b2, b2=self.b1)
        return Adam.step(swapped, x, g, state)


# ---------------------------------------------------------------------- AdamW


@dataclasses.dataclass(frozen=True, eq=False)
class AdamWCoupled(AdamW):
    """AdamW adding the decay to the gradient: Adam's L2 penalty (Loshchilov and Hutter 2019, Sec. 1)."""

    def step(self, x, g, state):
        return Adam.step(self, x, g, state)


@dataclasses.dataclass(frozen=True, eq=False)
class AdamWDecayWithoutLr(AdamW):
    """The decay not scaled by ``lr``: ``x (1 - weight_decay)`` (tensorflow/addons#2282)."""

    def step(self, x, g, state):
        plain = dataclasses.replace(self, weight_decay=0.0)
        return AdamW.step(plain, x * (1 - col(self.weight_decay)), g, state)


@dataclasses.dataclass(frozen=True, eq=False)
class AdamWDecayOfUpdatedParams(AdamW):
    """The decay applied to the updated ``x``, not the previous one (huggingface/transformers#14539)."""

    def step(self, x, g, state):
        x1, new = AdamW.step(dataclasses.replace(self, weight_decay=0.0), x, g, state)
        return x1 * (1 - col(self.lr) * col(self.weight_decay)), new


# The bug, and the properties that reject it (measured: each property run on
# its own, 200 examples); check_optimizer stops at the first of them it runs.
CORPUS = {
    SGDDecayOnlyWithMomentum: {
        "batch_equals_stacked_single_runs",  # rows with and without momentum
        "weight_decay_adds_the_ridge_gradient",
        "weight_decay_reaches_the_ridge_solution",
    },
    SGDDampenedFirstStep: {"momentum_is_a_three_term_recurrence"},
    SGDDecaySubtracted: {
        "weight_decay_adds_the_ridge_gradient",
        "weight_decay_reaches_the_ridge_solution",
    },
    SGDBufferRestarts: {
        "state_counts_the_steps",  # the count restarts with the buffer
        "momentum_is_a_three_term_recurrence",
        "heavy_ball_reaches_the_optimal_rate",
    },
    SGDNesterovWithOldBuffer: {"nesterov_looks_ahead"},
    SGDInPlace: {"step_is_pure"},  # and most others: x changes under them
    SGDLearningRateAlongCoordinates: {"batch_equals_stacked_single_runs"},
    RMSPropStartsAtOne: {"init_is_a_zero_state"},
    RMSPropEpsInsideRoot: {"rmsprop_divides_by_a_root_mean_square"},
    RMSPropWithoutOneMinusAlpha: {
        "lr_zero_never_moves",  # the mean square overflows to inf, inf * 0
        "rmsprop_divides_by_a_root_mean_square",
    },
    CenteredRMSPropWithoutSquare: {
        "eps_zero_ignores_a_power_of_two_gradient_scale",
        "rmsprop_divides_by_a_root_mean_square",
    },
    AdamWithoutBiasCorrection: {
        "adam_first_step_moves_each_coordinate_by_lr",
        "adam_follows_bias_corrected_moments",
    },
    AdamEpsHat: {
        "adam_first_step_moves_each_coordinate_by_lr",
        "adam_follows_bias_corrected_moments",
    },
    AdamMaximizeAfterDecay: {
        "maximize_is_minimizing_the_negative",
        "weight_decay_adds_the_ridge_gradient",
    },
    AdamMomentsExchanged: {
        "adam_first_step_moves_each_coordinate_by_lr",
        "adam_follows_bias_corrected_moments",
        "amsgrad_denominator_never_decreases",
    },
    AdamWCoupled: {"weight_decay_shrinks_x_before_the_step"},
    AdamWDecayWithoutLr: {
        "lr_zero_never_moves",
        "weight_decay_shrinks_x_before_the_step",
    },
    AdamWDecayOfUpdatedParams: {"weight_decay_shrinks_x_before_the_step"},
}


@pytest.mark.parametrize("bug", list(CORPUS), ids=lambda c: c.__name__)
def test_check_optimizer_rejects_every_bug_of_the_corpus(bug):
    with pytest.raises(AssertionError) as failure:
        # 25 examples in every profile: each bug is found within them, and a
        # larger budget only makes Hypothesis shrink longer (9 s against 2 s)
        check_optimizer(bug, max_examples=25)
    first_line = str(failure.value).splitlines()[0]
    assert first_line.startswith(f"{bug.__name__} fails the property ")
    name = first_line.removeprefix(f"{bug.__name__} fails the property ").split(":")[0]
    assert name in CORPUS[bug]


def test_the_corpus_has_a_bug_of_every_shipped_optimizer_and_at_least_twelve():
    bases = {cls.__mro__[1] for cls in CORPUS}
    assert bases == {SGD, RMSProp, Adam, AdamW} and len(CORPUS) >= 12
