"""The webhooks page without a browser: the subscriptions, the delivery log and one delivery's
attempts (moments in the tenant's zone, a dash for no HTTP status), and the typed subscription."""

from __future__ import annotations

from datetime import UTC, datetime

from app.webhooks.queries import AttemptView, DeliveryView, SubscriptionView
from app.webhooks.services.webhooks import EVENT_TYPES
from app.webhooks.state.webhooks import _spec, attempt_lines, delivery_lines, hook_lines

SENT = datetime(2026, 12, 31, 16, 0, 5, tzinfo=UTC)  # 2027-01-01 00:00:05 in Shanghai


def test_a_subscription_lists_its_events_in_one_line() -> None:
    (line,) = hook_lines([SubscriptionView(1, "ACME", "ERP", "https://erp", ["a.b", "c.d"], False)])
    assert line == {
        "id": 1,
        "tenant": "ACME",
        "name": "ERP",
        "url": "https://erp",
        "events": "a.b, c.d",
        "active": False,
    }


def test_a_delivery_shows_the_tenants_time_and_its_last_http_status() -> None:
    failed = DeliveryView(3, SENT, "ERP", "withdrawal.committed", "ev-1", "failed", 4, 502, "bad")
    never = DeliveryView(4, SENT.replace(tzinfo=None), "ERP", "x", "ev-2", "pending", 0, None, "")
    first, second = delivery_lines([failed, never], "Asia/Shanghai")
    assert first["at"] == "2027-01-01 00:00:05" and first["code"] == "502"
    assert (first["type"], first["attempts"], first["error"]) == ("withdrawal.committed", 4, "bad")
    assert second["at"] == "2027-01-01 00:00:05" and second["code"] == "—"


def test_an_attempt_shows_the_tenants_time_its_status_and_how_long() -> None:
    attempts = [AttemptView(SENT, 200, 35, "ok", ""), AttemptView(SENT, None, 10000, "", "timeout")]
    ok, lost = attempt_lines(attempts, "UTC")
    assert ok == {
        "at": "2026-12-31 16:00:05",
        "code": "200",
        "ms": 35,
        "response": "ok",
        "error": "",
    }
    assert (lost["code"], lost["error"]) == ("—", "timeout")


def test_the_typed_subscription_keeps_known_events_and_cuts_text() -> None:
    event = EVENT_TYPES[0]
    spec = _spec(
        {
            "name": "  " + "n" * 200,
            "url": None,
            f"event_{event}": "on",
            "event_unknown.kind": "on",
            "is_active": "on",
        }
    )
    assert spec.name == "n" * 80 and spec.url == "" and spec.events == [event]
    assert spec.is_active
    assert not _spec({"name": ["x"], "url": 5}).is_active
    assert _spec({"name": ["x"], "url": 5}).url == "5"
