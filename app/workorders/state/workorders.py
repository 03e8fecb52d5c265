"""The console's work orders page (`/workorders`, `workorder:read`; changes `workorder:write`)."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from app.core.db import run_in_session
from app.core.errors import DomainError
from app.core.i18n import t
from app.tenants.queries import scope_timezone
from app.ui.format import local_time
from app.ui.guard import caller, guarded
from app.ui.paging import KeysetPaging
from app.ui.payload import as_id
from app.ui.session import actor_of, request_locale, require
from app.workorders import queries
from app.workorders.services import console
from app.workorders.services.workorders import title_in

READ, WRITE = "workorder:read", "workorder:write"


class OrderLine(TypedDict):
    id: int
    title_zh: str  # the title in both languages: the language switch needs no reload
    title_en: str
    kind: str
    status: str
    tenant: str
    cabinet: str
    cabinet_code: str
    site: str
    address: str
    assignee: str
    created: str
    closed: str


class PickRow(TypedDict):
    slot: str
    item: str
    requested: int
    done: int


class StaffChoice(TypedDict):
    id: str  # as the assign select holds it
    name: str


class TargetLink(TypedDict):
    href: str
    name: str
    detail: str
    tenant: str
    orders: int


def titles(row: console.OrderRow) -> dict[str, str]:
    """An order's title in each language, as the list and the detail show it."""
    return {
        f"title_{suffix}": title_in(
            title=row.title,
            title_key=row.title_key,
            title_params=row.title_params,
            cancel_reason=row.cancel_reason,
            locale=locale,
        )
        for suffix, locale in (("zh", "zh-CN"), ("en", "en"))
    }


def _links(found: list[queries.Target], param: str) -> list[TargetLink]:
    return [
        TargetLink(
            href=f"/workorders/picklist?{param}={x.id}",
            name=x.name,
            detail=x.detail,
            tenant=x.tenant,
            orders=x.orders,
        )
        for x in found
    ]


class WorkOrdersState(KeysetPaging, rx.State):
    rows: list[OrderLine] = []
    status: str = "open"
    loaded: bool = False
    can_write: bool = False
    chosen: int = 0  # the order whose pick list is open (0: none)
    chosen_status: str = ""
    chosen_title: dict[str, str] = {}
    picks: list[PickRow] = []
    staff: list[StaffChoice] = []
    message: str = ""
    cabinets: list[TargetLink] = []  # combined pick lists that have something on them
    routes: list[TargetLink] = []

    def _read_permission(self) -> str:
        return READ

    async def _load(self) -> None:
        principal = await require(self, READ)
        self.can_write = principal.can(WRITE)

        def read(session):
            page = console.list_orders(
                session=session,
                scope=principal.scope,
                status=self.status,
                after_id=self._after_id(),
                limit=self.page_size,
            )
            found = queries.targets(session=session, scope=principal.scope)
            return page, found, scope_timezone(session=session, scope=principal.scope)

        page, (cabinets, routes), timezone = await run_in_session(read)
        self.rows = order_lines(page.rows, timezone)
        self.cabinets, self.routes = _links(cabinets, "cabinet"), _links(routes, "route")
        self.next_after = page.next_after_id or 0
        self.total = page.total
        self.loaded = True

    @rx.event
    @guarded(READ)
    async def load(self) -> None:
        self.cursors, self.chosen, self.message = [], 0, ""
        await self._load()

    @rx.event
    @guarded(READ)
    async def show(self, status: str | list[str]) -> None:
        self.status = (
            status if isinstance(status, str) and status in console.STATUS_FILTERS else "open"
        )
        self.cursors, self.chosen = [], 0
        await self._load()

    @rx.event
    @guarded(READ)
    async def choose(self, order_id: int) -> None:
        """The row action "查看": the order's pick list and what can be done to it."""
        principal = caller().principal
        order_id = as_id(order_id)

        def read(session):
            picks = console.pick_list(session=session, scope=principal.scope, order_id=order_id)
            staff = console.staff_for(session=session, scope=principal.scope, order_id=order_id)
            return picks, staff

        picks, staff = await run_in_session(read)
        row = next((r for r in self.rows if r["id"] == order_id), None)
        self.chosen, self.message = order_id, ""
        self.chosen_status = row["status"] if row else ""
        self.chosen_title = {"zh": row["title_zh"], "en": row["title_en"]} if row else {}
        self.picks = [
            PickRow(slot=p.slot, item=p.item, requested=p.requested, done=p.done) for p in picks
        ]
        self.staff = [StaffChoice(id=str(i), name=n) for i, n in staff]

    @rx.event
    @guarded(READ)
    async def close_detail(self) -> None:
        self.chosen, self.message = 0, ""

    @rx.event
    @guarded(WRITE)
    async def assign(self, form: dict) -> None:
        principal = caller().principal
        await self._change(
            console.assign,
            principal,
            staff_id=as_id(form.get("staff", "")),
        )

    @rx.event
    @guarded(WRITE)
    async def cancel(self, form: dict) -> None:
        principal = caller().principal
        await self._change(console.cancel, principal, reason=str(form.get("reason", ""))[:120])

    @rx.event
    @guarded(WRITE)
    async def start(self) -> None:
        principal = caller().principal
        await self._change(console.start, principal)

    @rx.event
    @guarded(WRITE)
    async def finish(self) -> None:
        principal = caller().principal
        await self._change(console.finish, principal)

    async def _change(self, change, principal, **kwargs) -> None:
        try:
            await run_in_session(
                change,
                scope=principal.scope,
                order_id=as_id(self.chosen),
                actor=actor_of(self, principal),
                **kwargs,
            )
        except DomainError as refused:
            self.message = t(refused.key, await request_locale(self), **refused.params)
            return
        self.chosen = 0
        await self._load()


def order_lines(rows: list[console.OrderRow], timezone: str) -> list[OrderLine]:
    """The orders as the list shows them: the title in both languages, made and closed in the
    tenant's zone ("" while open)."""
    return [
        OrderLine(
            id=o.id,
            **titles(o),
            kind=o.kind,
            status=o.status,
            tenant=o.tenant,
            cabinet=o.cabinet,
            cabinet_code=o.cabinet_code,
            site=o.site,
            address=o.address,
            assignee=o.assignee,
            created=local_time(o.created_at, timezone),
            closed=local_time(o.closed_at, timezone) if o.closed_at else "",
        )
        for o in rows
    ]
