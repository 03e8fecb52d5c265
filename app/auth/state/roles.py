"""The role × permission matrix page (角色权限)."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from app.auth.services import roles as svc
from app.core.db import run_in_session
from app.core.errors import DomainError
from app.core.i18n import t
from app.ui.guard import caller, guarded
from app.ui.payload import as_id
from app.ui.session import actor_of, require, working_tenant


class PermissionRow(TypedDict):
    code: str
    action: str


class ModuleBlock(TypedDict):
    module: str
    permissions: list[PermissionRow]


class RoleHeader(TypedDict):
    id: int
    name: str  # a custom role's own name; built-ins are shown by `code` in the UI language
    code: str
    builtin: bool
    editable: bool


class RolesState(rx.State):
    modules: list[ModuleBlock] = []
    roles: list[RoleHeader] = []
    cells: list[str] = []  # "role_id:permission" for every granted cell
    templates: list[RoleHeader] = []
    can_write: bool = False
    loaded: bool = False
    form_open: bool = False
    form_error: str = ""

    async def _load(self) -> None:
        principal = await require(self, "role:read")
        matrix = await run_in_session(
            svc.role_matrix, scope=principal.scope, tenant_id=principal.active_tenant_id
        )
        self.can_write = principal.can("role:write") and principal.active_tenant_id is not None
        self.modules = [
            ModuleBlock(
                module=module,
                permissions=[PermissionRow(code=c, action=c.split(":", 1)[1]) for c in codes],
            )
            for module, codes in matrix.modules
        ]
        self.roles = [
            RoleHeader(
                id=r.id,
                name=r.name,
                code=r.code,
                builtin=r.builtin,
                editable=self.can_write and not r.builtin,
            )
            for r in matrix.roles
        ]
        self.templates = [r for r in self.roles if r["builtin"]]
        self.cells = [f"{r.id}:{p}" for r in matrix.roles for p in sorted(r.permissions)]
        self.loaded = True

    @rx.event
    @guarded("role:read")
    async def load(self) -> None:
        await self._load()

    @rx.event
    @guarded("role:write")
    async def toggle(self, role_id: int, permission: str, granted: bool):
        """Tick or untick one cell; refused for built-ins and for permissions one lacks."""
        principal = caller().principal
        try:
            await run_in_session(
                svc.set_role_permission,
                scope=principal.scope,
                role_id=as_id(role_id),
                permission=str(permission)[:64],
                granted=granted is True,
                holder_permissions=principal.permissions,
                actor=actor_of(self, principal),
            )
        finally:
            await self._load()

    @rx.event
    @guarded("role:write")
    async def open_form(self) -> None:
        self.form_error = ""
        self.form_open = True

    @rx.event
    @guarded("role:write")
    async def close_form(self) -> None:
        self.form_open = False

    @rx.event
    @guarded("role:write")
    async def create_role(self, form: dict):
        """A custom role of the working tenant, from a built-in template."""
        principal = caller().principal
        template = str(form.get("template", ""))
        try:
            await run_in_session(
                svc.create_custom_role,
                scope=principal.scope,
                tenant_id=await working_tenant(self, principal),
                name=str(form.get("name", ""))[:120],
                template_id=int(template) if template.isdigit() else None,
                holder_permissions=principal.permissions,
                actor=actor_of(self, principal),
            )
        except DomainError as refused:
            self.form_error = t(refused.key, caller().locale, **refused.params)
            return
        self.form_open = False
        await self._load()
        return rx.toast.success(t("role.saved", caller().locale), id="role-saved")

    @rx.event
    @guarded("role:write")
    async def delete_role(self, role_id: int) -> None:
        principal = caller().principal
        try:
            await run_in_session(
                svc.delete_custom_role,
                scope=principal.scope,
                role_id=as_id(role_id),
                actor=actor_of(self, principal),
            )
        finally:
            await self._load()
