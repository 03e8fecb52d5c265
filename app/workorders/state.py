"""The console's work orders page (`/workorders`, `workorder:read`; changes `workorder:write`)."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from app.core.db import run_in_session
from app.core.errors import DomainError
from app.core.i18n import t
from app.dashboard.service import scope_timezone
from app.ui.format import local_time
from app.ui.paging import KeysetPaging
from app.ui.payload import as_id
from app.ui.session import actor_of, request_locale, require
from app.workorders import console

READ, WRITE = "workorder:read", "workorder:write"


class OrderLine(TypedDict):
    id: int
    title: str
    kind: str
    status: str
    cabinet: str
    assignee: str
    created: str
    closed: str


class WorkOrdersState(KeysetPaging, rx.State):
    rows: list[OrderLine] = []
    status: str = "open"
    loaded: bool = False
    can_write: bool = False
    chosen: int = 0  # the order whose pick list is open (0: none)
    picks: list[dict] = []
    staff: list[dict] = []
    message: str = ""

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
            )
            return page, scope_timezone(session=session, scope=principal.scope)

        page, timezone = await run_in_session(read)
        self.rows = [
            OrderLine(
                id=o.id,
                title=o.title,
                kind=o.kind,
                status=o.status,
                cabinet=o.cabinet,
                assignee=o.assignee,
                created=local_time(o.created_at, timezone),
                closed=local_time(o.closed_at, timezone) if o.closed_at else "",
            )
            for o in page.rows
        ]
        self.next_after = page.next_after_id or 0
        self.loaded = True

    @rx.event
    async def load(self) -> None:
        self.cursors, self.chosen, self.message = [], 0, ""
        await self._load()

    @rx.event
    async def show(self, status: str | list[str]) -> None:
        await require(self, READ)
        self.status = (
            status if isinstance(status, str) and status in console.STATUS_FILTERS else "open"
        )
        self.cursors, self.chosen = [], 0
        await self._load()

    @rx.event
    async def choose(self, order_id: int) -> None:
        principal = await require(self, READ)
        order_id = as_id(order_id)

        def read(session):
            picks = console.pick_list(session=session, scope=principal.scope, order_id=order_id)
            staff = console.staff_for(session=session, scope=principal.scope, order_id=order_id)
            return picks, staff

        picks, staff = await run_in_session(read)
        self.chosen, self.message = order_id, ""
        self.picks = [
            {"slot": p.slot, "item": p.item, "requested": p.requested, "done": p.done}
            for p in picks
        ]
        self.staff = [{"id": str(i), "name": n} for i, n in staff]

    @rx.event
    async def assign(self, form: dict) -> None:
        principal = await require(self, WRITE)
        form = form if isinstance(form, dict) else {}
        await self._change(
            console.assign,
            principal,
            staff_id=as_id(form.get("staff", "")),
        )

    @rx.event
    async def cancel(self, form: dict) -> None:
        principal = await require(self, WRITE)
        form = form if isinstance(form, dict) else {}
        await self._change(console.cancel, principal, reason=str(form.get("reason", ""))[:120])

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
