"""The operator's SMS commands, end to end: set, show, and a test alert to the local receiver."""

from __future__ import annotations

import uuid

import pytest

from app.core import migrations
from app.core.config import get_settings
from app.core.db import session_scope
from app.sms import cli
from app.tenants.models import Tenant
from tests.sms.conftest import APP_ID, SECRET_ID, SECRET_KEY


@pytest.fixture
def tenant_code() -> str:
    migrations.upgrade(get_settings().database_url)
    code = f"S{uuid.uuid4().hex[:8]}"
    with session_scope() as session:
        session.add(Tenant(code=code, name=f"短信测试{code}"))
    return code


def test_set_show_and_send_a_test_alert(
    tenant_code: str, receiver, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("SMS_TENANT_SECRET_KEY", SECRET_KEY)
    setting = ["set", "--tenant", tenant_code, "--sdk-app-id", APP_ID, "--sign-name", "某某企业"]
    setting += ["--secret-id", SECRET_ID, "--template-alert", "300002", "--endpoint", receiver.url]
    assert cli.main(setting) == 0
    assert cli.main(["show", "--tenant", tenant_code]) == 0
    shown = capsys.readouterr().out
    assert "300002" in shown and SECRET_KEY not in shown
    alert = ["test-alert", "--tenant", tenant_code, "--phone", "13912345678", "--param", "三楼"]
    assert cli.main(alert) == 0
    [got] = receiver.receiver.received
    assert (got.phone, got.template_id, got.params) == ("+8613912345678", "300002", ["三楼"])


def test_a_refusal_is_reported_not_raised(
    tenant_code: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.delenv("SMS_TENANT_SECRET_KEY", raising=False)
    alert = ["test-alert", "--tenant", tenant_code, "--phone", "13912345678"]
    assert cli.main(alert) == 1
    assert "sms.not_configured" in capsys.readouterr().err
