"""A tenant's identity provider: where its people sign in, and which claim names the person."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from app.core.model_base import TenantOwned, enum_check, enum_field, timestamp


class SsoMatch(StrEnum):
    """The field of the tenant's person (app_user) the ID token's claim is compared with."""

    email = "email"
    phone = "phone"
    employee_no = "employee_no"


class SsoIssuer(TenantOwned, table=True):
    """One per tenant: an OpenID Connect issuer and this platform's client registered there."""

    __tablename__ = "sso_issuer"
    __table_args__ = (UniqueConstraint("tenant_id"), enum_check("match_field", SsoMatch))

    id: int | None = Field(default=None, primary_key=True)
    issuer: str = Field(max_length=255)  # https://idp.example.com/realms/acme, no trailing /
    client_id: str = Field(max_length=255)
    client_secret_ciphertext: str = Field(max_length=512)  # AES-GCM, app.cabinets.credentials
    match_field: str = enum_field(SsoMatch, SsoMatch.email)
    claim: str = Field(default="email", max_length=64)  # the ID token claim holding that value
    sso_only: bool = False  # the tenant's admins may not sign in with a password
    updated_at: datetime = timestamp()


class WecomMatch(StrEnum):
    """The person's field a WeCom member is matched by: their WeCom userid, or their mobile."""

    employee_no = "employee_no"
    phone = "phone"


class WecomApp(TenantOwned, table=True):
    """One per tenant: the company's self-built WeCom (企业微信) app its employees sign in with
    on the phone page (OAuth, snsapi_base)."""

    __tablename__ = "wecom_app"
    __table_args__ = (UniqueConstraint("tenant_id"), enum_check("match_field", WecomMatch))

    id: int | None = Field(default=None, primary_key=True)
    corp_id: str = Field(max_length=64)
    agent_id: str = Field(max_length=32)
    secret_ciphertext: str = Field(max_length=512)  # the app's Secret, AES-GCM
    match_field: str = enum_field(WecomMatch, WecomMatch.employee_no)
    updated_at: datetime = timestamp()
