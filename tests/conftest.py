"""Hypothesis profiles, and one BLAS thread for the test session.

Profiles: ``dev`` (default, quick) and ``ci`` (more examples, no deadline);
select with ``HYPOTHESIS_PROFILE=ci`` (set by ``.ci/run``).

BLAS: the library limits its own training, Gaussian-process fits and
acquisition search to one BLAS thread (``search._blas``), but the tests also
call the optimizers, the surfaces and the Gaussian process directly, outside
those blocks, on matrices far too small for a second thread to help. With one
other core busy, the search tests (``tests/test_search_*.py``) took 141 s with
this session limit and 273 s without it on this project's 2-core machine
(88 s and 79 s with only other work running, load 2). So the session still
limits NumPy's and SciPy's BLAS to one thread (threadpoolctl, in this
process; the commands the tests start run with the defaults, where the
library limits its own work).
"""

import os

import pytest
from hypothesis import HealthCheck, settings
from threadpoolctl import threadpool_limits

settings.register_profile(
    "dev", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(scope="session", autouse=True)
def one_blas_thread():
    with threadpool_limits(limits=1, user_api="blas"):
        yield
