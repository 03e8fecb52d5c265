"""Alert routing rules: quiet hours hold a warning until they end (a critical alert goes out), a
repeated cause sends nothing new, an acknowledged alert is not escalated, a failed delivery is
retried with backoff then logged failed, an SMS route with no sender says so, and a rule's wrong
field is named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from app.alerts.models import Severity
from app.alerts.service import acknowledge, raise_once, resolve
from app.core.errors import ValidationError
from app.core.model_base import as_utc
from app.core.tenancy import TenantScope
from app.notify.models import AlertDelivery
from app.notify.services.rules import RouteSpec, update_route
from tests.factories import make_tenant
from tests.notify.world import ADMIN, route, tick
from tests.reports.receivers import webhook

NIGHT = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai
MORNING = datetime(2026, 12, 7, 23, 0, tzinfo=UTC)  # 07:00 the next day in Shanghai


def _raise(session: Session, tenant_id: int, key: str, severity: Severity, now: datetime) -> int:
    return raise_once(
        session=session, tenant_id=tenant_id, kind="low_stock", root_key=key,
        message_key="alert.low_stock", severity=severity, now=now,
        params={"cabinet": "一楼柜", "slot": "A1", "item": "中性笔", "quantity": 1, "min": 5},
    ).id  # fmt: skip


def _deliveries(session: Session, alert_id: int) -> list[AlertDelivery]:
    return list(session.exec(select(AlertDelivery).where(AlertDelivery.alert_id == alert_id)))


def test_quiet_hours_hold_a_warning_until_they_end_but_not_a_critical(session: Session) -> None:
    tenant_id = make_tenant(session).id
    with webhook() as robot:
        route(session, tenant_id, channel="wecom", target=robot.url, kinds=[],
              quiet_start="22:00", quiet_end="07:00")  # fmt: skip
        warning = _raise(session, tenant_id, "low:1", Severity.warning, NIGHT)
        critical = _raise(session, tenant_id, "low:2", Severity.critical, NIGHT)
        assert tick(session, NIGHT) == ["sent"]  # the critical one
        (held,) = _deliveries(session, warning)
        assert held.status == "pending" and as_utc(held.next_retry_at) == MORNING
        assert tick(session, MORNING - timedelta(minutes=1)) == []
        assert tick(session, MORNING) == ["sent"]
    assert [len(_deliveries(session, a)) for a in (warning, critical)] == [1, 1]
    assert len(robot.requests) == 2 and "中性笔" in robot.requests[1]["json"]["markdown"]["content"]


def test_a_held_message_of_an_alert_resolved_meanwhile_is_never_sent(session: Session) -> None:
    tenant_id = make_tenant(session).id
    with webhook() as robot:
        route(session, tenant_id, channel="wecom", target=robot.url, kinds=["low_stock"],
              quiet_start="22:00", quiet_end="07:00")  # fmt: skip
        alert_id = _raise(session, tenant_id, "low:1", Severity.warning, NIGHT)
        assert tick(session, NIGHT) == []
        resolve(session=session, tenant_id=tenant_id, root_key="low:1", now=NIGHT)
        assert tick(session, MORNING) == []
    assert robot.requests == []
    assert [d.status for d in _deliveries(session, alert_id)] == ["cancelled"]


def test_below_the_minimum_severity_or_another_kind_sends_nothing(session: Session) -> None:
    tenant_id = make_tenant(session).id
    route(
        session, tenant_id, channel="wecom", target="https://robot.test/x", min_severity="critical"
    )
    route(session, tenant_id, channel="wecom", target="https://robot.test/y", kinds=["seq_gap"])
    alert_id = _raise(session, tenant_id, "low:1", Severity.warning, NIGHT)
    tick(session, NIGHT)
    assert _deliveries(session, alert_id) == []


def test_an_acknowledged_alert_is_not_escalated(session: Session) -> None:
    tenant_id = make_tenant(session).id
    with webhook() as robot:
        route(
            session,
            tenant_id,
            channel="wecom",
            target=robot.url,
            kinds=["low_stock"],
            escalate_after_min=10,
            escalate_channel="wecom",
            escalate_target=robot.url,
        )
        alert_id = _raise(session, tenant_id, "low:1", Severity.warning, NIGHT)
        assert tick(session, NIGHT) == ["sent"]
        acknowledge(session=session, scope=TenantScope.single(tenant_id), alert_id=alert_id,
                    actor=ADMIN)  # fmt: skip
        assert tick(session, NIGHT + timedelta(minutes=30)) == []
    assert len(robot.requests) == 1


def test_a_failed_delivery_is_retried_with_backoff_then_logged_failed(session: Session) -> None:
    tenant_id = make_tenant(session).id
    with webhook() as robot:
        robot.status = 502
        route(session, tenant_id, channel="wecom", target=robot.url, kinds=["low_stock"])
        alert_id = _raise(session, tenant_id, "low:1", Severity.warning, NIGHT)
        moments = [NIGHT + timedelta(minutes=m) for m in (0, 1, 6, 36)]
        statuses = [tick(session, moment) for moment in moments]
        assert tick(session, NIGHT + timedelta(hours=5)) == []
    assert statuses == [["pending"], ["pending"], ["pending"], ["failed"]]
    assert len(robot.requests) == 4
    (delivery,) = _deliveries(session, alert_id)
    assert (delivery.attempts, delivery.last_error, delivery.next_retry_at) == (4, "HTTP 502", None)


def test_an_early_retry_does_not_resend(session: Session) -> None:
    tenant_id = make_tenant(session).id
    with webhook() as robot:
        robot.status = 500
        route(session, tenant_id, channel="wecom", target=robot.url, kinds=["low_stock"])
        _raise(session, tenant_id, "low:1", Severity.warning, NIGHT)
        tick(session, NIGHT)
        assert tick(session, NIGHT + timedelta(seconds=59)) == []
    assert len(robot.requests) == 1


def test_an_sms_route_without_sms_settings_logs_why(session: Session) -> None:
    tenant_id = make_tenant(session).id
    route(session, tenant_id, channel="sms", target="13800000001", kinds=["low_stock"])
    alert_id = _raise(session, tenant_id, "low:1", Severity.warning, NIGHT)
    tick(session, NIGHT)
    (delivery,) = _deliveries(session, alert_id)
    assert delivery.status == "pending"  # retried later
    assert delivery.last_error.startswith("Text messages are not set up")


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"channel": "fax", "target": "a@b.cn"}, "channel"),
        ({"channel": "email", "target": "a@b.cn, nope"}, "target"),
        ({"channel": "sms", "target": "call me"}, "target"),
        ({"channel": "wecom", "target": "ftp://robot/x"}, "target"),
        ({"channel": "wecom", "target": "https://r.test/x", "secret": "s"}, "secret"),
        ({"channel": "wecom", "target": "https://r.test/x", "kinds": ["weather"]}, "kinds"),
        ({"channel": "wecom", "target": "https://r.test/x", "quiet_start": "22:00"}, "quiet_hours"),
        ({"channel": "wecom", "target": "https://r.test/x", "min_severity": "meh"}, "min_severity"),
        (
            {
                "channel": "wecom",
                "target": "https://r.test/x",
                "escalate_after_min": 5,
                "escalate_channel": "email",
                "escalate_target": "boss",
            },
            "escalate_target",
        ),
        ({"channel": "wecom", "target": "https://r.test/x", "name": " "}, "name"),
    ],
)
def test_a_wrong_field_is_named(session: Session, spec: dict, field: str) -> None:
    tenant_id = make_tenant(session).id
    with pytest.raises(ValidationError) as refused:
        route(session, tenant_id, **spec)
    assert refused.value.params["field"] == field


def test_an_edit_keeps_the_stored_secret_and_another_tenant_cannot_edit(session: Session) -> None:
    tenant_id, other_id = make_tenant(session).id, make_tenant(session).id
    rule = route(session, tenant_id, channel="dingtalk", target="https://r.test/x", secret="S1")
    sealed = rule.secret_ciphertext
    spec = RouteSpec(name="夜班", channel="dingtalk", target="https://r.test/y")
    edited = update_route(session=session, scope=TenantScope.single(tenant_id), route_id=rule.id,
                          spec=spec, actor=ADMIN)  # fmt: skip
    assert (edited.name, edited.secret_ciphertext) == ("夜班", sealed)
    with pytest.raises(Exception, match="AlertRoute"):
        update_route(session=session, scope=TenantScope.single(other_id), route_id=rule.id,
                     spec=spec, actor=ADMIN)  # fmt: skip


def test_the_log_and_rules_show_only_the_callers_tenant(session: Session) -> None:
    from app.notify.queries import delivery_log, route_views

    mine, theirs = make_tenant(session).id, make_tenant(session).id
    for tenant_id in (mine, theirs):
        route(session, tenant_id, channel="sms", target="13800000001", kinds=["low_stock"])
        _raise(session, tenant_id, f"low:{tenant_id}", Severity.warning, NIGHT)
    tick(session, NIGHT)
    views = route_views(session=session, scope=TenantScope.single(mine))
    log = delivery_log(session=session, scope=TenantScope.single(mine))
    assert [v.target for v in views] == ["13800000001"] and len(log) == 1
    assert (log[0].route, log[0].message_key, log[0].status) == (
        "值班",
        "alert.low_stock",
        "pending",
    )


def test_a_held_message_of_a_rule_switched_off_meanwhile_is_never_sent(session: Session) -> None:
    tenant_id = make_tenant(session).id
    with webhook() as robot:
        rule = route(session, tenant_id, channel="wecom", target=robot.url, kinds=["low_stock"],
                     quiet_start="22:00", quiet_end="07:00")  # fmt: skip
        alert_id = _raise(session, tenant_id, "low:1", Severity.warning, NIGHT)
        assert tick(session, NIGHT) == []
        off = RouteSpec(name="值班", channel="wecom", target=robot.url, kinds=["low_stock"],
                        quiet_start="22:00", quiet_end="07:00", is_active=False)  # fmt: skip
        update_route(session=session, scope=TenantScope.single(tenant_id), route_id=rule.id,
                     spec=off, actor=ADMIN)  # fmt: skip
        assert tick(session, MORNING) == ["cancelled"]
    assert robot.requests == []
    assert [d.status for d in _deliveries(session, alert_id)] == ["cancelled"]


@pytest.mark.parametrize(
    ("window", "local", "until"),
    [
        (("22:00", "07:00"), (23, 0), (1, 7)),  # before midnight: until tomorrow 07:00
        (("22:00", "07:00"), (2, 30), (0, 7)),  # after midnight: until this morning's 07:00
        (("22:00", "07:00"), (7, 0), None),
        (("12:00", "14:00"), (13, 59), (0, 14)),  # a midday window
        (("12:00", "14:00"), (11, 59), None),
    ],
)
def test_quiet_hours_end_where_the_window_closes(window, local, until) -> None:
    from zoneinfo import ZoneInfo

    from app.notify.models import AlertRoute
    from app.notify.services.routing import quiet_until

    zone = ZoneInfo("Asia/Shanghai")
    rule = AlertRoute(tenant_id=1, name="x", channel="sms", target="1", quiet_start=window[0],
                      quiet_end=window[1])  # fmt: skip
    now = datetime(2026, 12, 7, *local, tzinfo=zone)
    expected = None
    if until:
        expected = datetime(2026, 12, 7 + until[0], until[1], tzinfo=zone).astimezone(UTC)
    assert quiet_until(rule, "warning", now.astimezone(UTC), "Asia/Shanghai") == expected
    assert quiet_until(rule, "critical", now.astimezone(UTC), "Asia/Shanghai") is None
