"""The wall and its console page without a browser: the ticker in the display's language, the
screen's words, the displays' moments in the tenant's zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.core.i18n import strings
from app.wall.models import WallDisplay
from app.wall.state.wall import _screen_words, alerts_in
from app.wall.state.walls import display_rows

MADE = datetime(2026, 8, 31, 20, 0, tzinfo=UTC)  # 04:00 on 1 September in Shanghai


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_ticker_speaks_the_displays_language(locale: str) -> None:
    alerts = [
        {
            "level": "critical",
            "kind": "ledger_mismatch",
            "text": {"zh-CN": "账实不符", "en": "Mismatch"},
        }
    ]
    (alert,) = alerts_in(alerts, locale)
    assert alert == {
        "level": "critical",
        "kind": "ledger_mismatch",
        "text": "账实不符" if locale == "zh-CN" else "Mismatch",
    }


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_screen_has_only_the_walls_words_in_its_language(locale: str) -> None:
    words = _screen_words(locale)
    assert words and all(key.startswith("wall.") for key in words)
    assert words["wall.top_none"] == strings(locale)["wall.top_none"]
    assert _screen_words("zh-CN")["wall.top_none"] != _screen_words("en")["wall.top_none"]


def test_a_display_shows_when_it_was_made_and_last_seen_in_the_tenants_zone() -> None:
    live = WallDisplay(
        id=1, tenant_id=1, name="Lobby", token_hash="h", created_at=MADE, last_seen_at=MADE
    )
    gone = WallDisplay(
        id=2, tenant_id=1, name="Old", token_hash="g", created_at=MADE, revoked_at=MADE
    )
    assert display_rows([live, gone], "Asia/Shanghai") == [
        {"id": 1, "name": "Lobby", "created": "09-01 04:00", "seen": "09-01 04:00", "live": True},
        {"id": 2, "name": "Old", "created": "09-01 04:00", "seen": "—", "live": False},
    ]
