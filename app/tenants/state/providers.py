"""The platform's providers page (`/platform/providers`, `provider:write`): the service
providers, one dialog that onboards a provider (with its first admin) or changes one."""

from __future__ import annotations

import reflex as rx

from app.core.db import run_in_session
from app.core.errors import DomainError
from app.tenants.queries import ProviderRow, provider_rows
from app.tenants.services import onboarding as svc
from app.tenants.state.tenants import first_admin, refusal_text
from app.ui.guard import caller, guarded
from app.ui.payload import as_id
from app.ui.session import actor_of, require

WRITE = svc.PROVIDERS
NEW_PROVIDER = {
    "id": 0,
    "code": "",
    "name": "",
    "contact_name": "",
    "contact_phone": "",
    "status": "active",
}


def provider_fields(form: dict) -> svc.ProviderFields:
    return svc.ProviderFields(
        code=str(form.get("code", ""))[:40],
        name=str(form.get("name", ""))[:200],
        contact_name=str(form.get("contact_name", ""))[:80],
        contact_phone=str(form.get("contact_phone", ""))[:30],
    )


class ProvidersState(rx.State):
    rows: list[ProviderRow] = []
    loaded: bool = False
    editing: bool = False
    form: dict = NEW_PROVIDER
    form_error: str = ""
    created: str = ""

    async def _load(self) -> None:
        await require(self, WRITE)
        self.rows = await run_in_session(lambda session: provider_rows(session))
        self.loaded = True

    @rx.event
    @guarded(WRITE)
    async def load(self) -> None:
        self.editing, self.created = False, ""
        await self._load()

    @rx.event
    @guarded(WRITE)
    async def open_new(self) -> None:
        self.form, self.form_error, self.editing = dict(NEW_PROVIDER), "", True

    @rx.event
    @guarded(WRITE)
    async def open_edit(self, provider_id: int) -> None:
        row = next((r for r in self.rows if r["id"] == as_id(provider_id)), None)
        if row is not None:
            self.form = {key: row.get(key, value) for key, value in NEW_PROVIDER.items()}
            self.form_error, self.editing = "", True

    @rx.event
    @guarded(WRITE)
    async def close(self) -> None:
        self.editing, self.form_error = False, ""

    @rx.event
    @guarded(WRITE)
    async def save(self, form: dict) -> None:
        principal = caller().principal
        provider_id = as_id(self.form.get("id", 0))
        actor = actor_of(self, principal)
        try:
            fields = provider_fields(form)
            if provider_id:
                await run_in_session(
                    svc.update_provider,
                    scope=principal.scope,
                    provider_id=provider_id,
                    fields=fields,
                    status=str(form.get("status", ""))[:20],
                    actor=actor,
                )
                self.created = ""
            else:
                admin = first_admin(form)
                await run_in_session(
                    svc.create_provider,
                    scope=principal.scope,
                    fields=fields,
                    admin=admin,
                    actor=actor,
                )
                self.created = admin.username
        except DomainError as refused:
            self.form_error = await refusal_text(self, refused)
            return
        self.editing, self.form_error = False, ""
        await self._load()
