"""The acknowledge link in a routed message, /api/alerts/ack/<token> on the app's own database:
opening it (GET — as a chat app's preview or a mail scanner would) shows the alert and a button
and changes nothing; the button (POST) acknowledges the open alert once, audited as from the
link; pages in the reader's language; a forged or expired token is refused, changing nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from app.alerts.models import Alert
from app.alerts.service import raise_once
from app.api import build_api
from app.audit.models import AuditLog
from app.core import migrations
from app.core.config import get_settings
from app.core.db import session_scope
from app.notify.services.links import LINK_TTL, AckClaims, issue_ack_token
from tests.factories import make_tenant
from tests.notify.world import route


@pytest.fixture(scope="module")
def client() -> TestClient:
    migrations.upgrade(get_settings().database_url)
    return TestClient(build_api(), base_url="http://testserver")


def _alert() -> AckClaims:
    with session_scope() as session:
        tenant = make_tenant(session)
        rule = route(session, tenant.id, channel="wecom", target="https://robot.test/send")
        alert = raise_once(
            session=session, tenant_id=tenant.id, kind="cabinet_offline", root_key="offline:x",
            message_key="alert.cabinet_offline", params={"cabinet": "八楼柜", "code": "C8"},
        )  # fmt: skip
        return AckClaims(tenant.id, alert.id, rule.id)


def _status(alert_id: int) -> str:
    with session_scope() as session:
        return session.get(Alert, alert_id).status


def test_the_link_acknowledges_once_and_is_audited(client: TestClient) -> None:
    claims = _alert()
    url = f"/api/alerts/ack/{issue_ack_token(claims)}"
    for _ in range(2):  # previewed, then opened: nothing changes
        shown = client.get(url)
        assert shown.status_code == 200 and 'data-outcome="open"' in shown.text
        assert 'id="ack-confirm"' in shown.text and "八楼柜" in shown.text
    assert _status(claims.alert_id) == "open"
    first = client.post(url)
    assert first.status_code == 200 and 'data-outcome="acknowledged"' in first.text
    assert "已确认" in first.text and "八楼柜" in first.text
    assert _status(claims.alert_id) == "acknowledged"
    again = client.post(url, headers={"Accept-Language": "en-GB"})
    assert again.status_code == 200 and 'data-outcome="already"' in again.text
    assert "already acknowledged" in again.text
    with session_scope() as session:
        entries = session.exec(
            select(AuditLog).where(
                AuditLog.entity == "alert", AuditLog.entity_id == str(claims.alert_id)
            )
        ).all()
    assert [(e.action, e.actor_name) for e in entries] == [("alert.acknowledge_link", "link: 值班")]


def test_a_forged_or_expired_link_is_refused(client: TestClient) -> None:
    claims = _alert()
    token = issue_ack_token(claims)
    head, body, signature = token.split(".")
    forged = f"{head}.{body}.{signature[:-4]}AAAA"
    other = issue_ack_token(AckClaims(claims.tenant_id, claims.alert_id + 1, claims.route_id))
    old = issue_ack_token(claims, now=datetime.now(UTC) - LINK_TTL - timedelta(minutes=1))
    for bad in (forged, old, "not-a-token"):
        for response in (
            client.get(f"/api/alerts/ack/{bad}"),
            client.post(f"/api/alerts/ack/{bad}"),
        ):
            assert response.status_code == 403 and "链接无效或已过期" in response.text
            assert 'id="ack-confirm"' not in response.text
    assert client.post(f"/api/alerts/ack/{other}").status_code in (403, 404)
    assert _status(claims.alert_id) == "open"
