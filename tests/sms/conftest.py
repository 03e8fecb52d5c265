"""The local SMS receiver, and the platform's SMS_* settings pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.core.config import get_settings
from app.registration.models import VerificationCode
from tests.sms.receiver import RunningReceiver, SmsReceiver

SECRET_ID = "AKIDlocalreceiver0000000000000000000"
SECRET_KEY = "local-receiver-secret-key-0000000"
APP_ID = "1400000001"


@pytest.fixture
def receiver() -> Iterator[RunningReceiver]:
    with RunningReceiver(SmsReceiver(SECRET_ID, SECRET_KEY, APP_ID)) as running:
        yield running


@pytest.fixture
def platform_sms(
    receiver: RunningReceiver, monkeypatch: pytest.MonkeyPatch
) -> Iterator[RunningReceiver]:
    """SMS_* environment for the platform sender, aimed at the local receiver."""
    values = {
        "SMS_PROVIDER": "tencent",
        "SMS_SECRET_ID": SECRET_ID,
        "SMS_SECRET_KEY": SECRET_KEY,
        "SMS_SDK_APP_ID": APP_ID,
        "SMS_SIGN_NAME": "智柜云",
        "SMS_TEMPLATE_REGISTER": "100001",
        "SMS_TEMPLATE_ALERT": "100002",
        "SMS_ENDPOINT": receiver.url,
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield receiver
    get_settings.cache_clear()


@pytest.fixture
def session(engine: Engine, session: Session) -> Session:
    VerificationCode.__table__.create(engine, checkfirst=True)
    return session
