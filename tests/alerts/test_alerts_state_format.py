"""The alerts pages' rows and the routing dialog's input, without a browser: each alert and
delivery in the reader's language at the tenant's time, a typed rule refused naming the field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.alerts.service import AlertView
from app.alerts.state.alerts import alert_rows
from app.alerts.state.bell import bell_rows
from app.alerts.state.routing import _spec, delivery_rows, route_rows
from app.core.errors import ValidationError
from app.core.i18n import t
from app.notify.queries import DeliveryView, RouteView

RAISED = datetime(2026, 5, 31, 17, 5, tzinfo=UTC)  # 01:05 the next day in Shanghai
OFFLINE = {"cabinet": "A", "code": "C-1"}


def _alert(cabinet: str = "") -> AlertView:
    return AlertView(
        id=3,
        tenant_id=1,
        kind="cabinet_offline",
        severity="critical",
        status="open",
        message_key="alert.cabinet_offline",
        params=OFFLINE,
        occurrences=2,
        raised_at=RAISED,
        cabinet=cabinet,
    )


def _route(**changes: object) -> RouteView:
    fields: dict = {
        "id": 5,
        "tenant": "ACME",
        "name": "night",
        "kinds": ["low_stock", "cabinet_offline"],
        "min_severity": "warning",
        "channel": "wecom",
        "target": "https://hook",
        "quiet": "22:00–07:00",
        "escalate_after_min": 30,
        "escalate_channel": "sms",
        "escalate_target": "13800000000",
        "is_active": True,
        "critical_in_quiet": True,
    }
    return RouteView(**(fields | changes))


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_an_alert_row_is_in_the_readers_language_at_the_tenants_time(locale: str) -> None:
    (row,) = alert_rows([_alert("A (C-1)")], locale, "Asia/Shanghai")
    assert row == {
        "id": 3,
        "text": t("alert.cabinet_offline", locale, **OFFLINE),
        "cabinet": "A (C-1)",
        "severity": "critical",
        "status": "open",
        "at": "2026-06-01 01:05",
        "occurrences": 2,
    }
    assert "C-1" in row["text"]


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_bells_alerts_are_in_the_readers_language_at_the_tenants_time(locale: str) -> None:
    (row,) = bell_rows([_alert("A (C-1)")], locale, "Asia/Shanghai")
    assert row == {
        "id": 3,
        "text": t("alert.cabinet_offline", locale, **OFFLINE),
        "severity": "critical",
        "status": "open",
        "at": "06-01 01:05",
        "occurrences": 2,
    }


def test_an_alert_without_a_cabinet_shows_a_dash_and_utc_stays_utc() -> None:
    (row,) = alert_rows([_alert()], "en", "UTC")
    assert row["cabinet"] == "—" and row["at"] == "2026-05-31 17:05"


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_route_names_its_kinds_and_escalation_in_the_readers_language(locale: str) -> None:
    (row,) = route_rows([_route()], locale)
    kinds = [t("routing.kind_of.low_stock", locale), t("routing.kind_of.cabinet_offline", locale)]
    assert row["kinds"] == ", ".join(kinds)
    sms = t("routing.channel.sms", locale)
    assert row["escalation"] == t("routing.escalation_to", locale, minutes=30, channel=sms)
    assert sms in row["escalation"] and "30" in row["escalation"]
    assert row["quiet"] == "22:00–07:00" and row["active"] is True


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_route_for_every_kind_without_escalation_or_quiet_hours(locale: str) -> None:
    (row,) = route_rows([_route(kinds=[], escalate_after_min=None, quiet="")], locale)
    assert row["kinds"] == t("routing.all_kinds", locale)
    assert row["escalation"] == "—" and row["quiet"] == "—"


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_delivery_row_shows_the_alert_and_the_tenants_time(locale: str) -> None:
    delivery = DeliveryView(
        id=9,
        at=RAISED.replace(tzinfo=None),  # as SQLite returns it: naive UTC
        route="night",
        message_key="alert.cabinet_offline",
        params=OFFLINE,
        kind="cabinet_offline",
        level=0,
        channel="wecom",
        status="failed",
        attempts=3,
        last_error="timeout",
    )
    (row,) = delivery_rows([delivery], locale, "Asia/Shanghai")
    assert row["at"] == "2026-06-01 01:05"
    assert row["alert"] == t("alert.cabinet_offline", locale, **OFFLINE)
    assert (row["status"], row["attempts"], row["error"]) == ("failed", 3, "timeout")


def test_a_rule_typed_in_the_dialog_becomes_its_spec() -> None:
    spec = _spec(
        {
            "name": "  night  ",
            "channel": "sms",
            "target": " 13800000000 ",
            "kind_low_stock": "on",
            "kind_unknown": "on",
            "escalate_after": "15",
            "escalate_channel": "email",
            "escalate_target": "a@b.c",
            "is_active": "on",
        }
    )
    assert (spec.name, spec.target, spec.kinds) == ("night", "13800000000", ["low_stock"])
    assert spec.escalate_after_min == 15 and spec.escalate_channel == "email"
    assert spec.is_active and not spec.critical_in_quiet


def test_without_an_escalation_its_channel_and_target_are_dropped() -> None:
    spec = _spec({"name": "n", "escalate_channel": "sms", "escalate_target": "138"})
    assert spec.escalate_after_min is None
    assert (spec.escalate_channel, spec.escalate_target) == ("", "")


def test_payload_values_of_any_type_are_cut_to_text() -> None:
    spec = _spec(
        {"name": ["x"] * 50, "target": None, "channel": 12345678901234, "quiet_start": True}
    )
    assert spec.name == str(["x"] * 50)[:80] and spec.target == ""
    assert spec.channel == "1234567890" and spec.quiet_start == "True"


@pytest.mark.parametrize("after", ["-5", "1.5", "ten", "12 34", ["5"], {"m": 5}])
def test_an_escalation_delay_that_is_not_minutes_is_refused_naming_it(after: object) -> None:
    with pytest.raises(ValidationError) as refused:
        _spec({"name": "n", "escalate_after": after})
    assert refused.value.params["field"] == "escalate_after_min"
