"""How alert routes text a phone: the tenant's SMS sender (app/sms: its own Tencent Cloud SMS
settings, else the platform's), with the alert template's two parameters — the alert's title
and its text. `set_sms_sender` plugs another sender (tests, another gateway) in its place.
Without settings an SMS route's messages fail with the reason ("Text messages are not set
up"), which the delivery log shows."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from app.core.i18n import t
from app.reports.services.channels import DeliveryError
from app.sms.services.errors import SmsDeliveryError
from app.sms.services.sms import send_alert_sms

SmsSender = Callable[[str, str], None]  # (phone, text); raises DeliveryError when refused
TITLE_CHARS, TEXT_CHARS = 20, 60  # what an SMS template's parameters carry at most

_sender: SmsSender | None = None


def set_sms_sender(sender: SmsSender | None) -> None:
    global _sender
    _sender = sender


def send_sms(phone: str, text: str, *, session: Session, tenant_id: int, title: str = "") -> None:
    if _sender is not None:
        _sender(phone, text)
        return
    try:
        send_alert_sms(session, tenant_id, phone, [title[:TITLE_CHARS], text[:TEXT_CHARS]])
    except SmsDeliveryError as refused:
        reason = t(refused.key, "en", **refused.params)
        if refused.code and refused.code not in reason:
            reason = f"{reason} ({refused.code})"
        raise DeliveryError(reason) from None
