"""The issue's Done-when: an offline cabinet produces exactly one routed message per channel, an
escalation after the window and a resolution message — on local HTTP receivers (the robots), a
local SMTP server (aiosmtpd) and an SMS sender registered through the SMS interface."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from app.alerts.models import Alert
from app.cabinets.services.presence import heard_from, mark_offline
from app.core.config import get_settings
from app.notify.models import AlertDelivery
from app.notify.services import sms
from app.reports.services import channels
from tests.notify.world import dingtalk_signed, feishu_signed, offline_cabinet_world, route, tick
from tests.reports.receivers import mail_server, webhook

T0 = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture
def texts() -> Iterator[list[tuple[str, str]]]:
    sent: list[tuple[str, str]] = []
    sms.set_sms_sender(lambda phone, text: sent.append((phone, text)))
    yield sent
    sms.set_sms_sender(None)


def test_offline_cabinet_one_message_per_channel_escalation_and_resolution(
    session: Session, monkeypatch, texts
) -> None:
    tenant_id, cabinet = offline_cabinet_world(session)
    with webhook() as wecom, webhook() as dingtalk, webhook() as feishu, mail_server() as mail:
        url, inbox = mail
        settings = dataclasses.replace(get_settings(), smtp_url=url, smtp_from="alerts@cc.test")
        monkeypatch.setattr(channels, "get_settings", lambda: settings)
        feishu.answer = {"code": 0, "msg": "success"}
        route(session, tenant_id, channel="wecom", target=wecom.url)
        route(session, tenant_id, channel="dingtalk", target=dingtalk.url, secret="SECding")
        route(session, tenant_id, channel="feishu", target=feishu.url, secret="fs-secret")
        route(session, tenant_id, channel="sms", target="13800000001,13800000002")
        route(
            session, tenant_id, channel="email", target="duty@acme.test",
            escalate_after_min=15, escalate_channel="email", escalate_target="boss@acme.test",
        )  # fmt: skip

        mark_offline(session=session, cabinet=cabinet, now=T0)
        assert tick(session, T0) == ["sent"] * 5
        mark_offline(session=session, cabinet=cabinet, now=T0 + timedelta(minutes=1))
        assert tick(session, T0 + timedelta(minutes=2)) == []  # the same cause: nothing again
        assert [len(r.requests) for r in (wecom, dingtalk, feishu)] == [1, 1, 1]
        assert len(texts) == 2 and len(inbox.messages) == 1
        assert tick(session, T0 + timedelta(minutes=14)) == []  # inside the window
        assert tick(session, T0 + timedelta(minutes=15)) == ["sent"]  # escalated, once
        assert tick(session, T0 + timedelta(minutes=16)) == []
        assert [rcpt for _, rcpt, _ in inbox.messages] == [["duty@acme.test"], ["boss@acme.test"]]

        heard_from(session=session, cabinet=cabinet, now=T0 + timedelta(minutes=20))
        assert tick(session, T0 + timedelta(minutes=20)) == ["sent"] * 6
        assert tick(session, T0 + timedelta(minutes=21)) == []

    for robot in (wecom, dingtalk, feishu):
        assert len(robot.requests) == 2  # raised, resolved
    raised, resolved = (r["json"]["markdown"]["content"] for r in wecom.requests)
    assert "已离线" in raised and "/api/alerts/ack/" in raised
    assert "告警已恢复" in resolved and "/api/alerts/ack/" not in resolved
    assert all(dingtalk_signed(r, "SECding") for r in dingtalk.requests)
    assert all(feishu_signed(r["json"], "fs-secret") for r in feishu.requests)
    assert [phone for phone, _ in texts] == ["13800000001", "13800000002"] * 2
    first_text, last_text = texts[0][1], texts[-1][1]
    assert (
        first_text.startswith("[严重] 告警 · ")
        and "已离线" in first_text
        and "**" not in first_text
    )
    assert "告警已恢复" in last_text
    mails = [(rcpt, m["Subject"]) for _, rcpt, m in inbox.messages]
    assert [rcpt for rcpt, _ in mails] == [["duty@acme.test"], ["boss@acme.test"]] * 2
    assert "告警升级" in mails[1][1] and "告警已恢复" in mails[2][1]
    escalation = inbox.messages[1][2].get_body().get_content()
    assert "15 分钟无人确认" in escalation
    alert = session.exec(select(Alert).where(Alert.tenant_id == tenant_id)).one()
    deliveries = session.exec(select(AlertDelivery).where(AlertDelivery.alert_id == alert.id))
    assert sorted((d.kind, d.level, d.status) for d in deliveries) == sorted(
        [("raised", 1, "sent")] * 5
        + [("escalated", 2, "sent")]
        + [("resolved", 1, "sent")] * 5
        + [("resolved", 2, "sent")]
    )
