"""The API keys page's input: a validity in days, or none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.apikeys.state.api_keys import expiry_of
from app.core.errors import ValidationError

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_a_validity_in_days_becomes_an_expiry() -> None:
    assert expiry_of("30", NOW) == NOW + timedelta(days=30)
    assert expiry_of("", NOW) is None and expiry_of(None, NOW) is None


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "3651", "1.5"])
def test_anything_else_is_refused_naming_the_field(raw: str) -> None:
    with pytest.raises(ValidationError) as refused:
        expiry_of(raw, NOW)
    assert refused.value.params["field"] == "expires_at"
