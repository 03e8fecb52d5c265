"""The API keys table without a browser: moments in the tenant's zone, the state as of a given
moment and in the reader's language, never the key itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.apikeys.queries import KeyRow
from app.apikeys.state.api_keys import expiry_of, key_lines
from app.core.errors import ValidationError
from app.core.i18n import t

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _key(**changes: object) -> KeyRow:
    fields: dict = {
        "id": 4,
        "name": "ERP",
        "prefix": "ab12",
        "scopes": ["stock:read", "withdrawal:read"],
        "created_at": NOW - timedelta(days=10),
        "expires_at": datetime(2026, 12, 31, 16, 30),  # naive UTC, as SQLite returns it
        "last_used_at": NOW,
        "revoked_at": None,
    }
    return KeyRow(**(fields | changes))


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_key_is_shown_by_its_prefix_in_the_tenants_zone(locale: str) -> None:
    (line,) = key_lines([_key()], locale, "Asia/Shanghai", NOW)
    assert line == {
        "id": 4,
        "name": "ERP",
        "owner": "",
        "prefix": "cck_ab12_…",
        "scopes": "stock:read, withdrawal:read",
        "expires": "01-01 00:30",
        "last_used": "11-20 17:00",
        "state": "active",
        "state_text": t("apikeys.state.active", locale),
    }


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_key_never_used_without_expiry_says_so(locale: str) -> None:
    (line,) = key_lines([_key(expires_at=None, last_used_at=None)], locale, "UTC", NOW)
    assert line["expires"] == "—" and line["last_used"] == t("apikeys.never", locale)


@pytest.mark.parametrize(
    ("changes", "state"),
    [({"expires_at": NOW}, "expired"), ({"revoked_at": NOW - timedelta(days=1)}, "revoked")],
)
def test_the_state_is_read_at_the_given_moment(changes: dict, state: str) -> None:
    for locale in ("zh-CN", "en"):
        (line,) = key_lines([_key(**changes)], locale, "UTC", NOW)
        assert line["state"] == state
        assert line["state_text"] == t(f"apikeys.state.{state}", locale) != state
    (earlier,) = key_lines([_key(expires_at=NOW)], "en", "UTC", NOW - timedelta(seconds=1))
    assert earlier["state"] == "active"


def test_a_providers_key_names_its_owner() -> None:
    (line,) = key_lines([_key(owner="Supply Co")], "en", "UTC", NOW)
    assert line["owner"] == "Supply Co"


def test_a_huge_validity_is_refused_naming_the_field() -> None:
    """Past int()'s 4,300-digit limit: still the field named, not a bare ValueError."""
    with pytest.raises(ValidationError):
        expiry_of("9" * 5000, NOW)
