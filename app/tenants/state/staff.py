"""A provider's staff page (`/provider/staff`, `provider:staff`): its people, who serves which
of its tenants, a new staff member with their sign-in, a leaver switched off. The platform
picks the provider; a provider admin sees their own."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from app.core.db import run_in_session
from app.core.errors import DomainError, ValidationError
from app.tenants.queries import provider_rows
from app.tenants.services import staff as svc
from app.tenants.state.tenants import Choice, first_admin, provider_choices, refusal_text
from app.ui.guard import guarded
from app.ui.payload import as_id
from app.ui.session import actor_of, require

PERMISSION = svc.PERMISSION


class StaffRow(TypedDict):
    id: int
    name: str
    username: str
    phone: str
    role: str
    active: bool
    serves: list[str]  # the names of the tenants they serve
    tenant_ids: list[str]  # as the dialog's checkboxes hold them


class StaffPage(TypedDict):
    provider_id: int
    provider: str
    tenants: list[Choice]
    rows: list[StaffRow]
    providers: list[Choice]


def _view(session, scope, account_id: int, provider_id: int | None) -> StaffPage:
    provider = svc.managed_provider(session, scope, account_id, provider_id)
    tenants = svc.provider_tenants(session, provider.id)
    return StaffPage(
        provider_id=provider.id,
        provider=provider.name,
        tenants=[Choice(id=str(t.id), name=t.name) for t in tenants],
        rows=staff_rows(svc.list_staff(session, provider.id), {t.id: t.name for t in tenants}),
        providers=provider_choices(provider_rows(session)) if scope.tenant_ids is None else [],
    )


class StaffState(rx.State):
    rows: list[StaffRow] = []
    tenants: list[Choice] = []
    providers: list[Choice] = []  # the platform's choice of provider (empty for a provider admin)
    provider: str = ""
    provider_id: int = 0
    loaded: bool = False
    adding: bool = False
    assigning: int = 0  # the staff member whose tenants the dialog edits
    assigned: list[str] = []
    form_error: str = ""
    message: str = ""

    async def _load(self) -> None:
        principal = await require(self, PERMISSION)
        view = await run_in_session(
            _view,
            scope=principal.scope,
            account_id=principal.account_id,
            provider_id=self.provider_id or None,
        )
        self.provider_id, self.provider = view["provider_id"], view["provider"]
        self.rows, self.tenants, self.providers = view["rows"], view["tenants"], view["providers"]
        self.loaded = True

    @rx.event
    @guarded(PERMISSION)
    async def load(self) -> None:
        self.adding, self.assigning, self.message = False, 0, ""
        try:
            await self._load()
        except ValidationError as refused:  # e.g. the platform has no provider yet
            self.message = await refusal_text(self, refused)
            self.loaded = True

    @rx.event
    @guarded(PERMISSION)
    async def pick_provider(self, provider_id: str) -> None:
        self.provider_id = as_id(provider_id) if provider_id else 0
        await self._load()

    @rx.event
    @guarded(PERMISSION)
    async def open_add(self) -> None:
        self.adding, self.form_error = True, ""

    @rx.event
    @guarded(PERMISSION)
    async def open_assign(self, staff_id: int) -> None:
        row = next((r for r in self.rows if r["id"] == as_id(staff_id)), None)
        if row is not None:
            self.assigning, self.assigned, self.form_error = row["id"], row["tenant_ids"], ""

    @rx.event
    @guarded(PERMISSION)
    async def close(self) -> None:
        self.adding, self.assigning, self.form_error = False, 0, ""

    async def _change(self, fn, **kwargs) -> bool:
        principal = await require(self, PERMISSION)
        provider_id, actor = self.provider_id or None, actor_of(self, principal)

        def change(session):
            provider = svc.managed_provider(
                session, principal.scope, principal.account_id, provider_id
            )
            return fn(session=session, provider=provider, actor=actor, **kwargs)

        try:
            await run_in_session(change)
        except DomainError as refused:
            self.form_error = self.message = await refusal_text(self, refused)
            return False
        self.form_error = self.message = ""
        await self._load()
        return True

    @rx.event
    @guarded(PERMISSION)
    async def add(self, form: dict) -> None:
        if await self._change(svc.add_staff, person=first_admin(form)):
            self.adding = False

    @rx.event
    @guarded(PERMISSION)
    async def assign(self, form: dict) -> None:
        chosen = {as_id(k.removeprefix("tenant_")) for k in form if k.startswith("tenant_")}
        if await self._change(svc.set_staff_tenants, staff_id=self.assigning, tenant_ids=chosen):
            self.assigning = 0

    @rx.event
    @guarded(PERMISSION)
    async def set_active(self, staff_id: int, active: bool) -> None:
        await self._change(svc.set_staff_active, staff_id=as_id(staff_id), active=bool(active))


def staff_rows(staff: list[svc.StaffView], names: dict[int, str]) -> list[StaffRow]:
    """The provider's people: the tenants each serves by name (of those `names` knows)."""
    return [
        StaffRow(
            id=s.id,
            name=s.name,
            username=s.username,
            phone=s.phone or "",
            role=s.role,
            active=s.active,
            serves=[names[i] for i in s.tenant_ids if i in names],
            tenant_ids=[str(i) for i in s.tenant_ids],
        )
        for s in staff
    ]
