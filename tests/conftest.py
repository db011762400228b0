"""Hypothesis profiles: ``dev`` (default, quick) and ``ci`` (more examples, no deadline).

Select with ``HYPOTHESIS_PROFILE=ci`` (set by ``.ci/run``).
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "dev", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
