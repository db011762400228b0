"""The survivors' classification: equivalent mutants, and notes on the others.

:data:`EQUIVALENT` lists the mutants that cannot change behaviour, each
with its reason (they are left out of the score, but judged all the same: a
killed one contradicts its reason, and counts as killed);
:data:`NOT_EQUIVALENT` says, for every other survivor of either killer,
which property would catch it. Both are keyed by ``Mutant.key``: (file,
line, column, span text, replacement). A key that no mutant has any more
(the file changed) is reported by the run and by
``tests/test_benchmarks_mutation.py``: update the line numbers here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.mutation.mutator import Mutant


def classify(mutant: Mutant) -> str:
    """``equivalent: why`` or ``not equivalent: what would catch it``."""
    if mutant.key in EQUIVALENT:
        return f"equivalent: {EQUIVALENT[mutant.key]}"
    note = NOT_EQUIVALENT.get(mutant.key, "no note yet (add one to NOT_EQUIVALENT)")
    return f"not equivalent: {note}"


# None so far. The nearest, ELEMENTWISE = False (four mutants), leaves every
# result of step, update and minimize the same bit for bit (update then runs
# step on whole arrays instead of column blocks: the same elementwise
# arithmetic), but Optimizer.is_elementwise() is public and answers otherwise
# (tests/test_optim_in_place.py checks it): not equivalent, see NOT_EQUIVALENT.
EQUIVALENT: dict[tuple[str, int, int, str, str], str] = {}

# Survivors of either killer that are not equivalent: what would catch each.
EQ = (
    "dataclass(eq=True) replaces Optimizer.__eq__ and __hash__ (array fields "
    "compared inside tuples: an error): test_optim's equality tests; the kit "
    "checks steps, never =="
)
DEFAULT = (
    "a default that is not torch's: test_defaults_equal_torch_optim; the kit "
    "draws every hyperparameter and never uses a default"
)
BAD_DEFAULT = (
    "a default outside the declared range (or against nesterov's rule), so "
    "cls() raises: test_defaults_equal_torch_optim; the kit never builds "
    "cls() (a property 'the defaults build' would catch it)"
)
CLOSED_AT_INF = (
    "the declared range becomes [0, inf]: numeric_fields() and the error "
    "message change, validation does not (inf is refused as non-finite): "
    "test_optim compares the declared ranges with DESIGN.md's; the kit takes "
    "the declared ranges as given"
)
ACCEPTS_ONE = (
    "validation accepts 1 (DESIGN.md: < 1): test_optim compares the declared "
    "ranges with DESIGN.md's; the kit draws from the declared range"
)
NESTEROV = (
    "nesterov=True accepted with momentum = 0 or with dampening > 0: "
    "test_nesterov_needs_momentum_and_no_dampening, and the kit's "
    "nesterov_needs_momentum_and_no_dampening (torch's rule)"
)
MAXIMIZE = (
    "maximize ignored: the kit's maximize property (maximize on f is minimize "
    "on -f); test_optim has no maximize test"
)
COUPLED = (
    "the L2 term ignored or of the wrong sign or form: the kit's coupled weight "
    "decay property (the gradient plus weight_decay * x); test_optim checks "
    "coupled decay only for SGD (its Adam case is a first step, lr * sign(g), "
    "which the L2 term changes only in size)"
)
RMS = (
    "RMSProp's average, eps or momentum buffer of the wrong form: the kit's "
    "rmsprop_divides_by_a_root_mean_square; test_optim checks RMSProp's first "
    "step by hand only, without momentum"
)
STEP_COUNT = (
    "only the state's step count t is wrong (RMSProp's rule never reads t, x "
    "is unchanged): the kit's state_counts_the_steps; the old tests had no "
    "such check"
)
GUARD = (
    "the 0 / 0 guard skipped where some eps is 0 (and run where it changes "
    "nothing): a zero gradient with eps = 0 steps by NaN: "
    "test_eps_zero_takes_no_step_on_a_zero_gradient, and the kit's "
    "eps_zero_takes_no_step_where_the_gradient_is_zero"
)
GUARD_VALUE = (
    "the guard's test or value wrong: with eps = 0 a zero gradient steps by "
    "0 / 0 = NaN: test_eps_zero_takes_no_step_on_a_zero_gradient, and the "
    "kit's eps_zero_takes_no_step_where_the_gradient_is_zero"
)
NINE_B = (
    "the step without momentum (line 9b) of the wrong form: "
    "test_rmsprop_first_step_by_hand; the kit draws each field at its ends "
    "one time in five, so momentum = 0 runs line 9b in its closed form of RMSProp"
)
SPEED_SWITCH = (
    "only is_elementwise() answers False (a permission to run step on column "
    "blocks, always safe to withhold) and minimize is slower from 16,000 "
    "entries; every result is the same bit for bit: only a check of the "
    "declaration catches it (tests/test_optim_in_place.py asserts it for every "
    "shipped class)"
)
NOT_EQUIVALENT: dict[tuple[str, int, int, str, str], str] = {
    ("optim/sgd.py", 27, 40, "False", "True"): EQ,
    ("optim/sgd.py", 79, 17, "1e-3", "1.001"): DEFAULT,
    ("optim/sgd.py", 80, 23, "0.0", "1.0"): BAD_DEFAULT,
    ("optim/sgd.py", 81, 24, "0.0", "1.0"): DEFAULT,
    ("optim/sgd.py", 82, 22, "False", "True"): BAD_DEFAULT,
    ("optim/sgd.py", 83, 27, "0.0", "1.0"): DEFAULT,
    ("optim/sgd.py", 84, 22, "False", "True"): DEFAULT,
    ("optim/sgd.py", 87, 31, "True", "False"): CLOSED_AT_INF,
    ("optim/sgd.py", 88, 37, "True", "False"): ACCEPTS_ONE,
    ("optim/sgd.py", 89, 33, "1.0", "0.0"): (
        "dampening may only be 0 (SGD(dampening=0.5) raises): test_optim compares "
        "the declared ranges with DESIGN.md's; the kit then draws dampening = 0 only"
    ),
    ("optim/sgd.py", 89, 38, "False", "True"): (
        "dampening = 1 refused (DESIGN.md: <= 1): test_optim compares the declared "
        "ranges with DESIGN.md's; the kit draws from the declared range"
    ),
    ("optim/sgd.py", 90, 41, "True", "False"): CLOSED_AT_INF,
    ("optim/sgd.py", 93, 19, "True", "False"): SPEED_SWITCH,
    (
        "optim/sgd.py",
        98,
        13,
        "np.any(np.asarray(self.momentum) <= 0) or _hyper.nonzero(self.dampening)",
        "np.any(np.asarray(self.momentum) <= 0) and _hyper.nonzero(self.dampening)",
    ): NESTEROV,
    (
        "optim/sgd.py",
        98,
        20,
        "np.asarray(self.momentum) <= 0",
        "np.asarray(self.momentum) < 0",
    ): NESTEROV,
    ("optim/sgd.py", 167, 13, "-g", "g"): MAXIMIZE,
    ("optim/sgd.py", 172, 60, "momentum > 0", "momentum >= 0"): (
        "an entry of an array momentum that is 0 steps by (1 - dampening) g from "
        "step 2 instead of g: batched equals stacked single runs, with a 0 beside "
        "a non-zero momentum and dampening > 0: the kit's batch property (it "
        "draws fields at their ends one time in five)"
    ),
    ("optim/rmsprop.py", 33, 40, "False", "True"): EQ,
    ("optim/rmsprop.py", 97, 17, "1e-2", "1.01"): DEFAULT,
    ("optim/rmsprop.py", 98, 20, "0.99", "1.99"): BAD_DEFAULT,
    ("optim/rmsprop.py", 99, 18, "1e-8", "1.00000001"): DEFAULT,
    ("optim/rmsprop.py", 100, 27, "0.0", "1.0"): DEFAULT,
    ("optim/rmsprop.py", 101, 23, "0.0", "1.0"): BAD_DEFAULT,
    ("optim/rmsprop.py", 102, 22, "False", "True"): DEFAULT,
    ("optim/rmsprop.py", 103, 22, "False", "True"): DEFAULT,
    ("optim/rmsprop.py", 106, 31, "True", "False"): CLOSED_AT_INF,
    ("optim/rmsprop.py", 107, 34, "True", "False"): ACCEPTS_ONE,
    ("optim/rmsprop.py", 108, 32, "True", "False"): CLOSED_AT_INF,
    ("optim/rmsprop.py", 109, 41, "True", "False"): CLOSED_AT_INF,
    ("optim/rmsprop.py", 110, 37, "True", "False"): ACCEPTS_ONE,
    ("optim/rmsprop.py", 113, 19, "True", "False"): SPEED_SWITCH,
    ("optim/rmsprop.py", 195, 13, "t", "-t"): STEP_COUNT,
    ("optim/rmsprop.py", 195, 13, "t + 1", "t - 1"): STEP_COUNT,
    ("optim/rmsprop.py", 195, 17, "1", "0"): STEP_COUNT,
    ("optim/rmsprop.py", 196, 13, "-g", "g"): MAXIMIZE,
    (
        "optim/rmsprop.py",
        197,
        12,
        '"weight_decay" in self._nonzero',
        '"weight_decay" not in self._nonzero',
    ): COUPLED,
    ("optim/rmsprop.py", 198, 17, "g", "-g"): COUPLED,
    ("optim/rmsprop.py", 198, 17, "g + weight_decay * x", "g - weight_decay * x"): (
        COUPLED
    ),
    ("optim/rmsprop.py", 198, 21, "weight_decay * x", "weight_decay / x"): COUPLED,
    ("optim/rmsprop.py", 199, 13, "alpha * v", "-alpha * v"): RMS,
    (
        "optim/rmsprop.py",
        202,
        15,
        "np.sqrt(v - ga * ga) + eps",
        "np.sqrt(v - ga * ga) - eps",
    ): (
        "centered RMSProp's eps subtracted: the kit's "
        "rmsprop_divides_by_a_root_mean_square rejects it when it draws centered "
        "with eps > 0 and a variance above 1e-6 of v (it did at 25 examples with "
        "other seeds; the derandomized 25 examples of this run missed it)"
    ),
    ("optim/rmsprop.py", 202, 59, "np.sqrt(v) + eps", "np.sqrt(v) - eps"): RMS,
    (
        "optim/rmsprop.py",
        203,
        12,
        '"eps" in self._haszero',
        '"eps" not in self._haszero',
    ): GUARD,
    ("optim/rmsprop.py", 204, 33, "0", "1"): GUARD_VALUE,
    ("optim/rmsprop.py", 204, 36, "1.0", "0.0"): GUARD_VALUE,
    (
        "optim/rmsprop.py",
        205,
        12,
        '"momentum" in self._nonzero',
        '"momentum" not in self._nonzero',
    ): RMS,
    ("optim/rmsprop.py", 206, 17, "momentum * b", "-momentum * b"): RMS,
    (
        "optim/rmsprop.py",
        206,
        17,
        "momentum * b + g / avg",
        "momentum * b - g / avg",
    ): RMS,
    ("optim/rmsprop.py", 206, 32, "g / avg", "g * avg"): RMS,
    ("optim/rmsprop.py", 207, 17, "x", "-x"): RMS,
    ("optim/rmsprop.py", 207, 17, "x - lr * b", "x + lr * b"): RMS,
    ("optim/rmsprop.py", 209, 17, "x", "-x"): NINE_B,
    ("optim/rmsprop.py", 209, 17, "x - lr * (g / avg)", "x + lr * (g / avg)"): (NINE_B),
    ("optim/rmsprop.py", 209, 27, "g / avg", "g * avg"): NINE_B,
    ("optim/adam.py", 33, 40, "False", "True"): EQ,
    ("optim/adam.py", 100, 17, "1e-3", "1.001"): DEFAULT,
    ("optim/adam.py", 101, 17, "0.9", "1.9"): BAD_DEFAULT,
    ("optim/adam.py", 102, 17, "0.999", "1.999"): BAD_DEFAULT,
    ("optim/adam.py", 103, 18, "1e-8", "1.00000001"): DEFAULT,
    ("optim/adam.py", 104, 27, "0.0", "1.0"): DEFAULT,
    ("optim/adam.py", 105, 21, "False", "True"): DEFAULT,
    ("optim/adam.py", 106, 22, "False", "True"): DEFAULT,
    ("optim/adam.py", 109, 31, "True", "False"): CLOSED_AT_INF,
    ("optim/adam.py", 112, 32, "True", "False"): CLOSED_AT_INF,
    ("optim/adam.py", 113, 41, "True", "False"): CLOSED_AT_INF,
    ("optim/adam.py", 116, 19, "True", "False"): SPEED_SWITCH,
    ("optim/adam.py", 122, 35, "self.amsgrad", "not (self.amsgrad)"): (
        "init makes vmax share v's memory with amsgrad (not without): step's "
        "values are unchanged, but Optimizer.update (minimize in place, from "
        "16,000 entries) writes v and vmax into one array, so v becomes vmax: "
        "tests/test_optim_in_place.py and the kit's update_in_place_equals_step "
        "catch it; the old tests did not compare update with step"
    ),
    (
        "optim/adam.py",
        166,
        12,
        '"weight_decay" in self._nonzero',
        '"weight_decay" not in self._nonzero',
    ): COUPLED,
    ("optim/adam.py", 167, 17, "g + weight_decay * x", "g - weight_decay * x"): (
        COUPLED
    ),
    ("optim/adam.py", 250, 35, "amsgrad", "not (amsgrad)"): (
        "amsgrad inverted: the kit's amsgrad_denominator_never_decreases and "
        "adam_follows_bias_corrected_moments; test_optim checks amsgrad only "
        "from a minimizer (zero gradients) and for consistency (batched, by name)"
    ),
    ("optim/adamw.py", 14, 40, "False", "True"): EQ,
    ("optim/adamw.py", 53, 27, "1e-2", "1.01"): DEFAULT,
    ("optim/adamw.py", 54, 19, "True", "False"): SPEED_SWITCH,
    ("optim/adamw.py", 55, 30, "True", "False"): (
        "a declaration only the kit reads (it then checks AdamW's decay as the "
        "coupled L2 term, and fails); AdamW's steps are unchanged, so the tests "
        "cannot see it"
    ),
    ("optim/_lerp.py", 46, 22, "0.5", "1.5"): (
        "lerp always from a: the last bit differs from torch's, and at w = 1 "
        "(alpha = 0) ga is not exactly g, so centered RMSProp's v - ga**2 can "
        "round below 0 (a NaN root): the kit kills it at 100 examples; the torch "
        "trajectories (not run here) bit for bit"
    ),
    ("optim/_lerp.py", 47, 8, "np.all(low)", "not (np.all(low))"): (
        "weights >= 0.5 computed from a: as the mutant of the 0.5 above (the kit "
        "kills it at 100 examples)"
    ),
    ("optim/_lerp.py", 49, 8, "not np.any(low)", "np.any(low)"): (
        "a batch with weights on both sides of 0.5 computed from b throughout: the "
        "last bit differs from single runs and from torch: batched equals stacked "
        "bit for bit, for centered RMSProp with an array alpha across 0.5 (neither "
        "killer draws one)"
    ),
}
