"""Hypothesis profiles, and one BLAS thread for the test session.

Profiles: ``dev`` (default, quick) and ``ci`` (more examples, no deadline);
select with ``HYPOTHESIS_PROFILE=ci`` (set by ``.ci/run``).

BLAS: the suite's matrices are tiny (hundreds of rows at most), where a second
OpenBLAS thread gains nothing; and when another program keeps a core busy,
OpenBLAS's threads spin waiting for each other: on this project's 2-core
machine the suite took 145 s instead of 85 s with one busy core. So the
session limits NumPy's and SciPy's BLAS to one thread (threadpoolctl, in this
process; the commands the tests start run with the defaults). How the library
itself chooses its threads is the subject of the performance work.
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
