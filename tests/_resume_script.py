"""A search that a test kills with a signal and then resumes (test_search_resume.py,
test_search_storage.py).

Run from the repository root::

    python -m tests._resume_script STORAGE N_TRIALS SEED SECONDS [STRATEGY]

A search over ``SPACE`` with ``batch_size=2`` on ``flaky`` (which has failed
and diverged trials too), each trial taking ``SECONDS``, appending to
``STORAGE``; ``STRATEGY`` is ``random`` (the default) or ``bayes``. It exits
with status 3 and one line on stderr if the storage file is refused.
"""

import sys

from search.bayes_search import BayesSearch
from search.random_search import RandomSearch
from search.runner import run
from tests._search_helpers import SPACE, Slow

BATCH_SIZE = 2


def strategy(name, seed):
    """The strategy ``name`` with small settings (the tests are about storage)."""
    if name == "bayes":
        return BayesSearch(
            SPACE, seed=seed, batch_size=BATCH_SIZE, n_candidates=64, n_polish=1
        )
    return RandomSearch(SPACE, seed=seed, batch_size=BATCH_SIZE)


def main(argv):
    storage, n_trials, seed, seconds, *name = argv
    try:
        run(
            Slow(float(seconds)),
            strategy(name[0] if name else "random", int(seed)),
            int(n_trials),
            storage=storage,
        )
    except ValueError as error:
        print(f"refused: {error}", file=sys.stderr)
        sys.exit(3)


if __name__ == "__main__":
    main(sys.argv[1:])
