"""Shared pytest configuration: hypothesis profiles.

Under CI (the ``CI`` environment variable set), hypothesis runs derandomized so a run is
reproducible; locally it explores new examples every run.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile("ci" if os.environ.get("CI", "").lower() not in {"", "0", "false"} else "dev")
