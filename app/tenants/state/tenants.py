"""The platform's tenants page (`/platform/tenants`, `tenant:onboard`): every customer company
with its provider, status and contract; one dialog creates a tenant with its first admin or
changes one (suspending it is a change of status)."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

import reflex as rx

from app.audit.services.records import Actor
from app.auth.services.principal import Principal
from app.core.db import run_in_session
from app.core.errors import DomainError, ValidationError
from app.core.i18n import t
from app.tenants.queries import ProviderRow, TenantRow, provider_rows, tenant_rows
from app.tenants.services import onboarding as svc
from app.ui.dialog_list import dialog_list
from app.ui.payload import as_id
from app.ui.session import request_locale, require

ONBOARD = svc.ONBOARD
NEW_TENANT = {
    "id": 0,
    "code": "",
    "name": "",
    "legal_name": "",
    "provider_id": "",
    "timezone": "Asia/Shanghai",
    "locale": "zh-CN",
    "contract_start": "",
    "contract_end": "",
    "status": "trial",
}


class Choice(TypedDict):
    id: str  # as a select holds it
    name: str


def day(form: dict, field: str) -> date | None:
    text = str(form.get(field, "") or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise ValidationError(field=field) from None


def tenant_fields(form: dict) -> svc.TenantFields:
    provider = str(form.get("provider_id", "") or "")
    return svc.TenantFields(
        code=str(form.get("code", ""))[:40],
        name=str(form.get("name", ""))[:200],
        legal_name=str(form.get("legal_name", ""))[:200],
        timezone=str(form.get("timezone", ""))[:64],
        locale=str(form.get("locale", ""))[:10],
        contract_start=day(form, "contract_start"),
        contract_end=day(form, "contract_end"),
        provider_id=as_id(provider) if provider else None,
        status=str(form.get("status", ""))[:20],
    )


def first_admin(form: dict) -> svc.FirstAdmin:
    return svc.FirstAdmin(
        name=str(form.get("admin_name", ""))[:80],
        username=str(form.get("admin_username", ""))[:80],
        password=str(form.get("admin_password", ""))[:200],
        phone=str(form.get("admin_phone", ""))[:30] or None,
    )


async def refusal_text(state: rx.State, refused: DomainError) -> str:
    return t(refused.key, await request_locale(state), **refused.params)


class TenantsState(dialog_list(ONBOARD), rx.State):
    rows: list[TenantRow] = []
    providers: list[Choice] = []
    form: dict = NEW_TENANT
    created: str = ""  # the sign-in of the admin just created, said once

    async def _load(self) -> None:
        await require(self, ONBOARD)

        def read(session):
            return tenant_rows(session), provider_rows(session)

        self.rows, providers = await run_in_session(read)
        self.providers = provider_choices(providers)
        self.loaded = True

    def _reset(self) -> None:
        self.created = ""

    def _fill_new(self) -> None:
        self.form = dict(NEW_TENANT)

    async def _fill(self, principal: Principal, row_id: int) -> bool:
        row = next((r for r in self.rows if r["id"] == row_id), None)
        if row is not None:
            self.form = {key: row.get(key, value) for key, value in NEW_TENANT.items()}
        return row is not None

    async def _write(self, principal: Principal, form: dict, actor: Actor) -> None:
        fields = tenant_fields(form)
        if self.editing_id:
            await run_in_session(
                svc.update_tenant,
                scope=principal.scope,
                tenant_id=self.editing_id,
                fields=fields,
                actor=actor,
            )
            self.created = ""
        else:
            admin = first_admin(form)
            await run_in_session(
                svc.create_tenant,
                scope=principal.scope,
                fields=fields,
                admin=admin,
                actor=actor,
            )
            self.created = admin.username


def provider_choices(providers: list[ProviderRow]) -> list[Choice]:
    """The providers as a select offers them."""
    return [Choice(id=str(p["id"]), name=p["name"]) for p in providers]
