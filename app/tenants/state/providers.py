"""The platform's providers page (`/platform/providers`, `provider:write`): the service
providers, one dialog that onboards a provider (with its first admin) or changes one."""

from __future__ import annotations

import reflex as rx

from app.audit.services.records import Actor
from app.auth.services.principal import Principal
from app.core.db import run_in_session
from app.tenants.queries import ProviderRow, provider_rows
from app.tenants.services import onboarding as svc
from app.tenants.state.tenants import first_admin
from app.ui.dialog_list import dialog_list
from app.ui.session import require

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


class ProvidersState(dialog_list(WRITE), rx.State):
    rows: list[ProviderRow] = []
    form: dict = NEW_PROVIDER
    created: str = ""  # the sign-in of the admin just created, said once

    async def _load(self) -> None:
        await require(self, WRITE)
        self.rows = await run_in_session(lambda session: provider_rows(session))
        self.loaded = True

    def _reset(self) -> None:
        self.created = ""

    def _fill_new(self) -> None:
        self.form = dict(NEW_PROVIDER)

    async def _fill(self, principal: Principal, row_id: int) -> bool:
        row = next((r for r in self.rows if r["id"] == row_id), None)
        if row is not None:
            self.form = {key: row.get(key, value) for key, value in NEW_PROVIDER.items()}
        return row is not None

    async def _write(self, principal: Principal, form: dict, actor: Actor) -> None:
        fields = provider_fields(form)
        if self.editing_id:
            await run_in_session(
                svc.update_provider,
                scope=principal.scope,
                provider_id=self.editing_id,
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
