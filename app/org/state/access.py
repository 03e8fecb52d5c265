"""A person's sign-in and cabinet access, from the people page: roles, cabinet PIN, password."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx
from sqlmodel import Session

from app.auth.services import roles as role_service
from app.core.db import run_in_session
from app.core.errors import DomainError
from app.core.i18n import t
from app.core.tenancy import TenantScope, get_scoped_or_raise
from app.org.models import User
from app.org.services import users as svc
from app.ui.guard import caller, guarded
from app.ui.payload import as_id
from app.ui.session import actor_of, request_locale, require


class RoleOption(TypedDict):
    id: str
    code: str
    name: str
    builtin: bool


def _access_view(
    *, session: Session, scope: TenantScope, user_id: int
) -> tuple[User, list[RoleOption], set[int]]:
    user = get_scoped_or_raise(session, User, user_id, scope)
    if user.account_id is None:
        return user, [], set()
    options = [
        RoleOption(id=str(r.id), code=r.code, name=r.name, builtin=r.is_builtin)
        for r in role_service.assignable_roles(session=session, tenant_id=user.tenant_id)
    ]
    return user, options, role_service.roles_of_user(session=session, scope=scope, user_id=user_id)


class PersonAccessState(rx.State):
    open: bool = False
    person_id: int = 0
    name: str = ""
    has_account: bool = False
    role_options: list[RoleOption] = []
    held: list[str] = []  # role ids (as text) the person holds
    message: str = ""
    failed: bool = False

    async def _show(self, user_id: int) -> None:
        principal = await require(self, "user:write")
        user, options, held = await run_in_session(
            _access_view, scope=principal.scope, user_id=user_id
        )
        self.person_id = user.id
        self.name = user.name
        self.has_account = user.account_id is not None
        self.role_options = options
        self.held = sorted(str(r) for r in held)

    @rx.event
    @guarded("user:write")
    async def open_for(self, person_id: int) -> None:
        await self._show(as_id(person_id))
        self.message = ""
        self.open = True

    @rx.event
    @guarded("user:write")
    async def close(self) -> None:
        self.open = False

    async def _report(self, refused: DomainError | None, ok_key: str) -> None:
        locale = await request_locale(self)
        self.failed = refused is not None
        self.message = t(refused.key, locale, **refused.params) if refused else t(ok_key, locale)

    @rx.event
    @guarded("user:write")
    async def set_pin(self, form: dict) -> None:
        """A new cabinet PIN (stored hashed; the person uses it with their badge or alone)."""
        principal = caller().principal
        try:
            await run_in_session(
                svc.set_pin,
                scope=principal.scope,
                user_id=self.person_id,
                pin=str(form.get("pin", ""))[:16],
                actor=actor_of(self, principal),
            )
        except DomainError as refused:
            await self._report(refused, "")
            return
        await self._report(None, "access.pin_saved")

    @rx.event
    @guarded("user:write")
    async def reset_password(self, form: dict) -> None:
        """A new sign-in password; the person's open sessions end."""
        principal = caller().principal
        try:
            await run_in_session(
                svc.reset_password,
                scope=principal.scope,
                user_id=self.person_id,
                new_password=str(form.get("password", ""))[:128],
                actor=actor_of(self, principal),
            )
        except DomainError as refused:
            await self._report(refused, "")
            return
        await self._report(None, "access.password_reset")

    @rx.event
    @guarded("role:write")
    async def toggle_role(self, role_id: str, held: bool) -> None:
        """Give or take one role (only roles whose permissions the admin holds)."""
        principal = caller().principal
        role = str(as_id(role_id))
        wanted = {int(r) for r in self.held if r != role} | ({int(role)} if held is True else set())
        try:
            await run_in_session(
                role_service.set_user_roles,
                scope=principal.scope,
                user_id=self.person_id,
                role_ids=wanted,
                holder_permissions=principal.permissions,
                actor=actor_of(self, principal),
            )
        except DomainError as refused:
            await self._report(refused, "")
        else:
            await self._report(None, "access.roles_saved")
        await self._show(self.person_id)
