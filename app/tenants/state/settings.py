"""A tenant's policies page (`/settings`, `policy:read`; `policy:write` to change): the whole-
number policies the rules read (door-open limit, most units per visit, how long cabinet images
are kept), who may see unmasked personal data, and where over-quota handling is set."""

from __future__ import annotations

from functools import partial
from typing import TypedDict

import reflex as rx

from app.cabinets.services.snapshots import RETENTION
from app.core.config import get_settings
from app.core.db import run_in_session
from app.core.errors import DomainError, ValidationError
from app.inventory.services.stocktake import APPROVAL as STOCKTAKE_APPROVAL
from app.sms.services.sms import CONSOLE_FIELDS, save_console_settings, tenant_settings
from app.sso.services.im_service import PROVIDERS, im_view, save_im_app
from app.sso.services.sso import CALLBACK_PATH, issuer_view, save_issuer
from app.tenants.queries import holders_of
from app.tenants.services.policies import WholeNumber, set_whole_numbers, whole_number
from app.tenants.state.tenants import refusal_text
from app.ui.guard import caller, guarded
from app.ui.session import actor_of, require, working_tenant
from app.withdrawals.services.door_open import DOOR_OPEN_LIMIT
from app.withdrawals.services.recognition import PER_VISIT

READ, WRITE = "policy:read", "policy:write"
# the policy, the translation key of its unit, and how many stored units one typed unit is
# (money is stored in fen and typed in whole yuan)
POLICIES: tuple[tuple[WholeNumber, str, int], ...] = (
    (DOOR_OPEN_LIMIT, "policy.unit.seconds", 1),
    (PER_VISIT, "policy.unit.units", 1),
    (RETENTION, "policy.unit.days", 1),
    (STOCKTAKE_APPROVAL, "policy.unit.yuan", 100),
)


class PolicyLine(TypedDict):
    key: str
    value: str  # in typed units (whole yuan for money), as the input holds it
    low: int
    high: int
    default: int
    unit: str  # the translation key of its unit


def _read(session, tenant_id: int) -> tuple[list[PolicyLine], list[str]]:
    rows = [
        policy_line(policy, unit, scale, whole_number(session, tenant_id, policy))
        for policy, unit, scale in POLICIES
    ]
    return rows, holders_of(session, tenant_id, "audit:unmask")


def _sms_view(session, tenant_id: int) -> dict[str, str]:
    """The tenant's own SMS sender as the form shows it: never the SecretKey, only whether one is
    stored."""
    row = tenant_settings(session, tenant_id)
    view = {name: str(getattr(row, name) or "") if row else "" for name in CONSOLE_FIELDS}
    view["region"] = view["region"] or "ap-guangzhou"
    view["has_key"] = "yes" if row is not None else ""
    return view


def _values(form: dict) -> dict[WholeNumber, int]:
    values = {}
    for policy, _, scale in POLICIES:
        text = str(form.get(policy.key, "")).strip()
        if not text.isdigit() or len(text) > 12:
            raise ValidationError(field=policy.key)
        values[policy] = int(text) * scale
    return values


class SettingsState(rx.State):
    policies: list[PolicyLine] = []
    unmask: list[str] = []
    can_write: bool = False
    choose_tenant: bool = False  # "all tenants" is selected: policies are one tenant's
    loaded: bool = False
    error: str = ""
    saved: bool = False
    sms: dict[str, str] = {}
    sms_error: str = ""
    sms_saved: bool = False
    sso: dict[str, str] = {}
    sso_error: str = ""
    sso_saved: bool = False
    # the company's workplace IM apps (employees' sign-in on the phone), one card each
    wecom: dict[str, str] = {}
    wecom_error: str = ""
    wecom_saved: bool = False
    dingtalk: dict[str, str] = {}
    dingtalk_error: str = ""
    dingtalk_saved: bool = False
    feishu: dict[str, str] = {}
    feishu_error: str = ""
    feishu_saved: bool = False
    site: str = ""  # this site's origin as the browser sees it: the callback to register

    async def _load(self) -> None:
        principal = await require(self, READ)
        self.can_write = principal.can(WRITE)
        self.choose_tenant = principal.active_tenant_id is None
        if self.choose_tenant:
            self.policies, self.unmask = [], []
        else:
            tenant_id = principal.active_tenant_id
            self.policies, self.unmask = await run_in_session(_read, tenant_id=tenant_id)
            self.sms = await run_in_session(_sms_view, tenant_id=tenant_id)
            self.sso = await run_in_session(issuer_view, tenant_id=tenant_id)
            for kind in PROVIDERS:
                setattr(self, kind, await run_in_session(im_view, tenant_id=tenant_id, kind=kind))
        self.site = get_settings().public_url or str(
            self.router.url.origin or self.router.headers.origin or ""
        )
        self.loaded = True

    @rx.event
    @guarded(READ)
    async def load(self) -> None:
        self.error, self.saved, self.sms_error, self.sms_saved = "", False, "", False
        self.sso_error, self.sso_saved = "", False
        for kind in PROVIDERS:
            setattr(self, f"{kind}_error", "")
            setattr(self, f"{kind}_saved", False)
        await self._load()

    @rx.event
    @guarded(WRITE)
    async def save(self, form: dict) -> None:
        principal = caller().principal
        try:
            await run_in_session(
                set_whole_numbers,
                scope=principal.scope,
                tenant_id=await working_tenant(self, principal),
                values=_values(form),
                actor=actor_of(self, principal),
            )
        except DomainError as refused:
            self.error, self.saved = await refusal_text(self, refused), False
            return
        self.error, self.saved = "", True
        await self._load()

    async def _save_card(self, card: str, save, form: object) -> None:
        """Save one card's typed values with its service (`save_console_settings`,
        `save_issuer`: scope, tenant, typed, actor); its refusal or its saved notice."""
        principal = await require(self, WRITE)
        typed = {str(k): str(v)[:300] for k, v in form.items()} if isinstance(form, dict) else {}
        try:
            await run_in_session(
                save,
                scope=principal.scope,
                tenant_id=await working_tenant(self, principal),
                typed=typed,
                actor=actor_of(self, principal),
            )
        except DomainError as refused:
            setattr(self, f"{card}_error", await refusal_text(self, refused))
            setattr(self, f"{card}_saved", False)
            return
        setattr(self, f"{card}_error", "")
        setattr(self, f"{card}_saved", True)
        await self._load()

    @rx.event
    @guarded(WRITE)
    async def save_sms(self, form: dict) -> None:
        """The tenant's own Tencent Cloud SMS sender (alert texts); audited, key never shown."""
        await self._save_card("sms", save_console_settings, form)

    @rx.var
    def sso_callback(self) -> str:
        return self.site + CALLBACK_PATH

    @rx.var
    def sso_start(self) -> str:
        """The link that starts an admin's sign-in through this company's provider."""
        company = self.sso.get("company", "")
        return f"{self.site}/auth/sso/{company}/start" if company else ""

    def _im_start(self, kind: str) -> str:
        """An IM app's home page: employees opening it are signed in on their phone."""
        company = self.sso.get("company", "")
        return f"{self.site}{PROVIDERS[kind].path}/{company}/start" if company else ""

    @rx.var
    def wecom_start(self) -> str:
        return self._im_start("wecom")

    @rx.var
    def dingtalk_start(self) -> str:
        return self._im_start("dingtalk")

    @rx.var
    def feishu_start(self) -> str:
        return self._im_start("feishu")

    @rx.var
    def dingtalk_callback(self) -> str:
        """The redirect URL to register with the DingTalk app."""
        return self.site + PROVIDERS["dingtalk"].callback_path

    @rx.var
    def feishu_callback(self) -> str:
        """The redirect URL to register with the Feishu app."""
        return self.site + PROVIDERS["feishu"].callback_path

    @rx.event
    @guarded(WRITE)
    async def save_sso(self, form: dict) -> None:
        """The company's identity provider (admins' single sign-on); audited, the client secret
        never shown again."""
        await self._save_card("sso", save_issuer, form)

    async def _save_im(self, kind: str, form: object) -> None:
        await self._save_card(kind, partial(save_im_app, kind=kind), form)

    @rx.event
    @guarded(WRITE)
    async def save_wecom(self, form: dict) -> None:
        """The company's WeCom app (employees' sign-in on the phone); audited, Secret never
        shown again."""
        await self._save_im("wecom", form)

    @rx.event
    @guarded(WRITE)
    async def save_dingtalk(self, form: dict) -> None:
        """The company's DingTalk app (employees' sign-in on the phone); audited, AppSecret
        never shown again."""
        await self._save_im("dingtalk", form)

    @rx.event
    @guarded(WRITE)
    async def save_feishu(self, form: dict) -> None:
        """The company's Feishu app (employees' sign-in on the phone); audited, App Secret
        never shown again."""
        await self._save_im("feishu", form)


def policy_line(policy: WholeNumber, unit: str, scale: int, stored: int) -> PolicyLine:
    """A policy as its input shows it: the stored value and bounds in typed units (`scale`
    stored units each; money is stored in fen and typed in whole yuan)."""
    return PolicyLine(
        key=policy.key,
        value=str(stored // scale),
        low=policy.low // scale,
        high=policy.high // scale,
        default=policy.default // scale,
        unit=unit,
    )
