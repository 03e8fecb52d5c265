"""The people page: one server-side filtered page of people at a time, and the person form."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx
from sqlmodel import Session

from app.core.db import run_in_session
from app.core.errors import DomainError
from app.core.i18n import t
from app.core.tenancy import TenantScope
from app.org.services import users as svc
from app.org.services.departments import department_tree
from app.org.services.users import UserFields, UserPage
from app.ui.guard import caller, guarded
from app.ui.paging import KeysetPaging
from app.ui.payload import as_id
from app.ui.session import actor_of, require, working_tenant

ANY = "any"


class PersonRow(TypedDict):
    id: int
    employee_no: str
    name: str
    phone: str
    email: str
    department_id: str
    department: str
    badge_card_no: str
    active: bool
    has_pin: bool


class DepartmentOption(TypedDict):
    id: str
    label: str


def _rows(page: UserPage) -> list[PersonRow]:
    return [
        PersonRow(
            id=u.id,
            employee_no=u.employee_no or "",
            name=u.name,
            phone=u.phone or "",
            email=u.email or "",
            department_id=str(u.department_id or ""),
            department=page.departments.get(u.department_id, "") if u.department_id else "",
            badge_card_no=u.badge_card_no or "",
            active=u.is_active,
            has_pin=bool(u.pin_hash),
        )
        for u in page.rows
    ]


def _department_options(*, session: Session, scope: TenantScope) -> list[DepartmentOption]:
    if scope.tenant_ids is None or len(scope.tenant_ids) != 1:
        return []
    tenant_id = next(iter(scope.tenant_ids))
    return [
        DepartmentOption(id=str(n.id), label="\u3000" * n.depth + n.name)
        for n in department_tree(session=session, scope=scope, tenant_id=tenant_id)
        if n.is_active
    ]


def _int_or_none(value: str) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


class PeopleState(KeysetPaging, rx.State):
    rows: list[PersonRow] = []
    departments: list[DepartmentOption] = []
    search: str = ""
    department_filter: str = ANY
    status_filter: str = ANY
    loaded: bool = False
    can_write: bool = False
    can_import: bool = False
    # the person form
    form_open: bool = False
    editing_id: int = 0
    form_error: str = ""
    form_error_field: str = ""

    @rx.var
    def editing_row(self) -> PersonRow:
        """The person the form edits (blank values for a new person)."""
        for row in self.rows:
            if row["id"] == self.editing_id:
                return row
        return PersonRow(
            id=0, employee_no="", name="", phone="", email="", department_id="",
            department="", badge_card_no="", active=True, has_pin=False,
        )  # fmt: skip

    def _read_permission(self) -> str:
        return "user:read"

    async def _load(self) -> None:
        principal = await require(self, "user:read")
        status = {"active": True, "disabled": False}.get(self.status_filter)
        after = self._after_id()
        page = await run_in_session(
            svc.list_users,
            scope=principal.scope,
            search=self.search[:64],
            department_id=_int_or_none(self.department_filter),
            active=status,
            after_id=after,
            limit=self.page_size,
        )
        self.rows = _rows(page)
        self.next_after = page.next_after or 0
        self.total = page.total
        self.departments = await run_in_session(_department_options, scope=principal.scope)
        self.can_write = principal.can("user:write")
        self.can_import = principal.can("user:import")
        self.loaded = True

    @rx.event
    @guarded("user:read")
    async def load(self) -> None:
        """The first page for the current filters."""
        self.cursors = []
        await self._load()

    @rx.event
    @guarded("user:read")
    async def apply_filters(self, form: dict) -> None:
        """Filter on the server: name/employee no./phone text, department subtree, status."""
        self.search = str(form.get("search", ""))[:64]
        self.cursors = []
        await self._load()

    @rx.event
    @guarded("user:read")
    async def set_department_filter(self, value: str) -> None:
        self.department_filter = value if value == ANY or str(value).isdigit() else ANY
        self.cursors = []
        await self._load()

    @rx.event
    @guarded("user:read")
    async def set_status_filter(self, value: str) -> None:
        self.status_filter = value if value in (ANY, "active", "disabled") else ANY
        self.cursors = []
        await self._load()

    @rx.event
    @guarded("user:write")
    async def open_form(self, person_id: int) -> None:
        """Open the form empty (0) or for one person of this page."""
        self.editing_id = as_id(person_id)
        self.form_error = ""
        self.form_error_field = ""
        self.form_open = True

    @rx.event
    @guarded("user:write")
    async def close_form(self) -> None:
        self.form_open = False

    @rx.event
    @guarded("user:write")
    async def save_person(self, form: dict) -> None:
        """Create or update; a refused field is named next to the form."""
        principal = caller().principal
        fields = UserFields(
            name=str(form.get("name", ""))[:120],
            employee_no=str(form.get("employee_no", ""))[:64],
            phone=str(form.get("phone", ""))[:32],
            email=str(form.get("email", ""))[:160],
            badge_card_no=str(form.get("badge_card_no", ""))[:64],
            department_id=_int_or_none(str(form.get("department_id", ""))),
        )
        actor = actor_of(self, principal)
        try:
            if self.editing_id:
                await run_in_session(
                    svc.update_user,
                    scope=principal.scope,
                    user_id=self.editing_id,
                    fields=fields,
                    actor=actor,
                )
            else:
                await run_in_session(
                    svc.create_user,
                    scope=principal.scope,
                    tenant_id=await working_tenant(self, principal),
                    fields=fields,
                    actor=actor,
                )
        except DomainError as refused:
            self.form_error = t(refused.key, caller().locale, **refused.params)
            self.form_error_field = str(refused.params.get("field", ""))
            return
        self.form_open = False
        await self._load()
        return rx.toast.success(t("people.saved", caller().locale), id="person-saved")

    @rx.event
    @guarded("user:write")
    async def set_active(self, person_id: int, active: bool) -> None:
        """Enable or disable a person (disabling also ends their sign-in sessions)."""
        principal = caller().principal
        await run_in_session(
            svc.set_user_active,
            scope=principal.scope,
            user_id=as_id(person_id),
            active=active is True,
            actor=actor_of(self, principal),
        )
        await self._load()
