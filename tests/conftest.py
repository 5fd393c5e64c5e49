"""Shared test configuration: hypothesis profiles and store fixtures."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# "thorough" in CI, "quick" locally; pick explicitly with HYPOTHESIS_PROFILE.
settings.register_profile(
    "thorough",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "quick",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(
    os.environ.get(
        "HYPOTHESIS_PROFILE", "thorough" if os.environ.get("CI") == "true" else "quick"
    )
)
