"""The departments page (组织架构): one tenant's tree, and one dialog for the chosen change."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from app.core.db import run_in_session
from app.core.errors import DomainError, ValidationError
from app.core.i18n import t
from app.org.services import departments as svc
from app.org.services.departments import DepartmentNode
from app.ui.guard import caller, guarded
from app.ui.payload import as_id
from app.ui.session import actor_of, request_locale, require, working_tenant

CREATE, RENAME, MOVE, MERGE = "create", "rename", "move", "merge"
ACTIONS = (CREATE, RENAME, MOVE, MERGE)
TOP = ""  # the parent select's value for "top level"
TOAST_ID = "dept-toast"


class DepartmentRow(TypedDict):
    id: int
    parent_id: int  # 0: top level
    name: str
    depth: int
    active: bool
    people: int


class DepartmentChoice(TypedDict):
    id: str
    label: str


def _rows(nodes: list[DepartmentNode]) -> list[DepartmentRow]:
    return [
        DepartmentRow(
            id=n.id,
            parent_id=n.parent_id or 0,
            name=n.name,
            depth=n.depth,
            active=n.is_active,
            people=n.people,
        )
        for n in nodes
    ]


def _subtree(rows: list[DepartmentRow], department_id: int) -> set[int]:
    """The ids of one department and everything below it (rows are in display order)."""
    ids: set[int] = set()
    depth = None
    for row in rows:
        if depth is not None:
            if row["depth"] <= depth:
                break
            ids.add(row["id"])
        elif row["id"] == department_id:
            depth = row["depth"]
            ids.add(row["id"])
    return ids


async def _message(state: rx.State, refused: DomainError) -> str:
    """A refusal in the caller's language (a bad name is explained for departments)."""
    locale = await request_locale(state)
    if refused.key == ValidationError.key and refused.params.get("field") == "name":
        return t("dept.bad_name", locale, max=svc.MAX_NAME)
    return t(refused.key, locale, **refused.params)


def _parent_choice(value: object) -> int | None:
    """The parent/target select of the form: "" is the top level, anything else an id."""
    if value == TOP or value is None:
        return None
    return as_id(value)


class DepartmentsState(rx.State):
    rows: list[DepartmentRow] = []
    loaded: bool = False
    can_write: bool = False
    needs_tenant: bool = False  # "all tenants" is selected: the tree is of one tenant only
    # the dialog of the chosen action
    dialog_open: bool = False
    action: str = ""
    chosen_id: int = 0
    dialog_seq: int = 0  # remounts the form, so its inputs start from the chosen row
    form_error: str = ""

    @rx.var
    def chosen_name(self) -> str:
        for row in self.rows:
            if row["id"] == self.chosen_id:
                return row["name"]
        return ""

    @rx.var
    def chosen_parent(self) -> str:
        for row in self.rows:
            if row["id"] == self.chosen_id:
                return str(row["parent_id"]) if row["parent_id"] else TOP
        return TOP

    @rx.var
    def choices(self) -> list[DepartmentChoice]:
        """Departments the dialog may pick: active ones, never the chosen one's own subtree."""
        excluded = _subtree(self.rows, self.chosen_id) if self.chosen_id else set()
        return [
            DepartmentChoice(id=str(row["id"]), label="\u3000" * row["depth"] + row["name"])
            for row in self.rows
            if row["active"] and row["id"] not in excluded
        ]

    async def _load(self) -> None:
        principal = await require(self, "dept:read")
        tenant_id = principal.active_tenant_id
        self.needs_tenant = tenant_id is None
        if tenant_id is None:
            self.rows = []
        else:
            nodes = await run_in_session(
                svc.department_tree, scope=principal.scope, tenant_id=tenant_id
            )
            self.rows = _rows(nodes)
        self.can_write = principal.can("dept:write") and tenant_id is not None
        self.loaded = True

    @rx.event
    @guarded("dept:read")
    async def load(self) -> None:
        """The whole tree of the tenant being worked in."""
        await self._load()

    @rx.event
    @guarded("dept:write")
    async def open_dialog(self, action: str, department_id: int) -> None:
        """Open the dialog for one action: `create` (under no one: 0), rename, move, merge."""
        if action not in ACTIONS:
            raise ValidationError(field="action")
        chosen = as_id(department_id)
        if chosen and chosen not in {row["id"] for row in self.rows}:
            raise ValidationError(field="department")
        if action != CREATE and not chosen:
            raise ValidationError(field="department")
        self.action = action
        self.chosen_id = chosen
        self.form_error = ""
        self.dialog_seq += 1
        self.dialog_open = True

    @rx.event
    @guarded("dept:write")
    async def close_dialog(self) -> None:
        self.dialog_open = False

    @rx.event
    @guarded("dept:write")
    async def save(self, form: dict) -> None:
        """Apply the dialog's action; a refusal is shown in the dialog, translated."""
        principal = caller().principal
        actor = actor_of(self, principal)
        scope = principal.scope
        name = str(form.get("name", ""))[:200]
        try:
            if self.action == CREATE:
                await run_in_session(
                    svc.create_department,
                    scope=scope,
                    tenant_id=await working_tenant(self, principal),
                    name=name,
                    parent_id=_parent_choice(form.get("parent_id", TOP)),
                    actor=actor,
                )
            elif self.action == RENAME:
                await run_in_session(
                    svc.rename_department,
                    scope=scope,
                    department_id=as_id(self.chosen_id),
                    name=name,
                    actor=actor,
                )
            elif self.action == MOVE:
                await run_in_session(
                    svc.move_department,
                    scope=scope,
                    department_id=as_id(self.chosen_id),
                    new_parent_id=_parent_choice(form.get("parent_id", TOP)),
                    actor=actor,
                )
            elif self.action == MERGE:
                if form.get("target_id") in (None, ""):
                    raise DomainError("dept.choose_target")
                await run_in_session(
                    svc.merge_departments,
                    scope=scope,
                    source_id=as_id(self.chosen_id),
                    target_id=as_id(form.get("target_id", "")),
                    actor=actor,
                )
            else:
                raise ValidationError(field="action")
        except DomainError as refused:
            self.form_error = await _message(self, refused)
            return
        self.dialog_open = False
        await self._load()
        return rx.toast.success(t("dept.saved", caller().locale), id=TOAST_ID)

    @rx.event
    @guarded("dept:write")
    async def set_active(self, department_id: int, active: bool) -> None:
        """Enable or disable one department (refused while active people sit in it or below)."""
        principal = caller().principal
        try:
            await run_in_session(
                svc.set_department_active,
                scope=principal.scope,
                department_id=as_id(department_id),
                active=active is True,
                actor=actor_of(self, principal),
            )
        except DomainError as refused:
            return rx.toast.error(await _message(self, refused), id=TOAST_ID)
        await self._load()
        key = "dept.enabled" if active is True else "dept.disabled_done"
        return rx.toast.success(t(key, caller().locale), id=TOAST_ID)
