from __future__ import annotations

from prometheus_client import REGISTRY

from tests.hardware.conftest import _settings_database  # noqa: F401 - the app's own database


def sample(name: str, **labels: str) -> float:
    """The current value of one series in this process (0 when it was never touched)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0
