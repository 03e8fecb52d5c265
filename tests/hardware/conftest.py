from __future__ import annotations

import pytest

from app.core import migrations
from app.core.config import get_settings


@pytest.fixture(autouse=True)
def _settings_database() -> None:
    """The embedded broker checks cabinet credentials in the app's own (test) database."""
    migrations.upgrade(get_settings().database_url)
