"""A tenant's own SMS sender settings, and the log of alert texts (for the per-number limit)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field

from app.core.model_base import TenantOwned, enum_check, enum_field, timestamp


class SmsProvider(StrEnum):
    tencent = "tencent"


class SmsPurpose(StrEnum):
    register = "register"
    alert = "alert"


class SmsStatus(StrEnum):
    sent = "sent"
    failed = "failed"
    refused = "refused"  # our own per-number limit: nothing reached the provider


class SmsSettings(TenantOwned, table=True):
    """One per tenant; a tenant without a row uses the platform's SMS_* settings."""

    __tablename__ = "sms_settings"
    __table_args__ = (UniqueConstraint("tenant_id"), enum_check("provider", SmsProvider))

    id: int | None = Field(default=None, primary_key=True)
    provider: str = enum_field(SmsProvider, SmsProvider.tencent)
    sdk_app_id: str = Field(max_length=32)
    sign_name: str = Field(max_length=40)
    secret_id: str = Field(max_length=80)
    secret_key_ciphertext: str = Field(max_length=512)  # AES-GCM, app.cabinets.services.credentials
    region: str = Field(default="ap-guangzhou", max_length=32)
    template_register: str | None = Field(default=None, max_length=32)
    template_alert: str | None = Field(default=None, max_length=32)
    endpoint: str | None = Field(default=None, max_length=255)  # None: the provider's own
    updated_at: datetime = timestamp()


class SmsMessage(TenantOwned, table=True):
    """One text we tried to send (the number as stored, normalised; never logged in clear)."""

    __tablename__ = "sms_message"
    __table_args__ = (
        enum_check("purpose", SmsPurpose),
        enum_check("status", SmsStatus),
        Index("ix_sms_message_phone_created_at", "phone", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    phone: str = Field(max_length=20)
    purpose: str = enum_field(SmsPurpose)
    template_id: str = Field(max_length=32)
    status: str = enum_field(SmsStatus)
    error_code: str | None = Field(default=None, max_length=80)
    serial_no: str | None = Field(default=None, max_length=64)
    created_at: datetime = timestamp()
