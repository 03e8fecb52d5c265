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
    client_secret_ciphertext: str = Field(
        max_length=512
    )  # AES-GCM, app.cabinets.services.credentials
    match_field: str = enum_field(SsoMatch, SsoMatch.email)
    claim: str = Field(default="email", max_length=64)  # the ID token claim holding that value
    sso_only: bool = False  # the tenant's admins may not sign in with a password
    updated_at: datetime = timestamp()


class ImKind(StrEnum):
    """The workplace IMs (办公应用) a company's employees can sign in with on the phone."""

    wecom = "wecom"  # 企业微信
    dingtalk = "dingtalk"  # 钉钉
    feishu = "feishu"  # 飞书 / Lark


class ImMatch(StrEnum):
    """What of the IM's member record names the person (app_user): which kinds offer which is
    app/sso/services/im_service.py's PROVIDERS."""

    employee_no = "employee_no"  # the member's id in the IM (userid / user_id) = employee number
    job_no = "job_no"  # the IM directory's own 工号 field = employee number (Feishu)
    phone = "phone"  # the member's mobile = the person's phone


class ImApp(TenantOwned, table=True):
    """A company's self-built app in one workplace IM, one per tenant and kind, its employees
    sign in with on the phone (OAuth). The columns mean, per kind:

    - `app_id`: what the authorization URL names the app by (WeCom CorpID, DingTalk Client ID
      / AppKey, Feishu App ID);
    - `agent_id`: WeCom's AgentId (blank for the others);
    - `org_id`: the organisation members must belong to, optional (DingTalk corpId, Feishu
      tenant_key; blank for WeCom, whose CorpID already is one)."""

    __tablename__ = "im_app"
    __table_args__ = (
        UniqueConstraint("tenant_id", "kind"),
        enum_check("kind", ImKind),
        enum_check("match_field", ImMatch),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = enum_field(ImKind)
    app_id: str = Field(max_length=64)
    agent_id: str = Field(default="", max_length=32)
    org_id: str = Field(default="", max_length=64)
    secret_ciphertext: str = Field(max_length=512)  # the app's secret, AES-GCM
    match_field: str = enum_field(ImMatch, ImMatch.employee_no)
    updated_at: datetime = timestamp()
