"""A search that a test kills with SIGKILL and then resumes (test_search_resume.py).

Run from the repository root::

    python -m tests._resume_script STORAGE N_TRIALS SEED SECONDS

A random search over ``SPACE`` with ``batch_size=2`` on ``flaky`` (which has
failed and diverged trials too), each trial taking ``SECONDS``, appending to
``STORAGE``.
"""

import sys

from search.runner import random_search
from tests._search_helpers import SPACE, Slow

BATCH_SIZE = 2


def main(argv):
    storage, n_trials, seed, seconds = argv
    random_search(
        Slow(float(seconds)),
        SPACE,
        int(n_trials),
        seed=int(seed),
        batch_size=BATCH_SIZE,
        storage=storage,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
