"""The console's approvals page (`/approvals`, `approval:read`; deciding needs
`approval:decide` and being the current step's approver, as on the phone)."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from app.approvals.models import Decision
from app.approvals.queries import console
from app.approvals.state.flows import FlowsState
from app.core.db import run_in_session
from app.core.errors import DomainError, ValidationError
from app.core.i18n import t
from app.tenants.queries import scope_timezone
from app.ui.format import local_time
from app.ui.guard import caller, guarded
from app.ui.paging import KeysetPaging
from app.ui.payload import as_id
from app.ui.session import require
from app.withdrawals.services import phone

READ, DECIDE = "approval:read", "approval:decide"


class ApprovalLine(TypedDict):
    id: int
    flow: str
    requester: str
    item: str
    quantity: int
    reason: str
    status: str
    step: str  # "<step>/<steps>"
    at: str  # asked, in the tenant's zone
    comment: str
    mine: bool  # the reader decides its current step


class ApprovalsState(KeysetPaging, rx.State):
    rows: list[ApprovalLine] = []
    status: str = "pending"
    loaded: bool = False
    message: str = ""

    def _read_permission(self) -> str:
        return READ

    async def _load(self) -> None:
        principal = await require(self, READ)

        def read(session):
            page = console.list_requests(
                session=session,
                scope=principal.scope,
                status=self.status,
                approver_id=principal.user_id if principal.can(DECIDE) else None,
                after_id=self._after_id(),
                limit=self.page_size,
            )
            return page, scope_timezone(session=session, scope=principal.scope)

        page, timezone = await run_in_session(read)
        self.rows = approval_lines(page, timezone)
        self.next_after = page.next_after_id or 0
        self.total = page.total
        self.loaded = True

    @rx.event
    @guarded(READ)
    async def load(self):
        self.cursors, self.message = [], ""
        await self._load()
        return FlowsState.load

    @rx.event
    @guarded(READ)
    async def show(self, status: str | list[str]) -> None:
        self.status = (
            status if isinstance(status, str) and status in console.STATUSES else "pending"
        )
        self.cursors = []
        await self._load()

    @rx.event
    @guarded(DECIDE)
    async def decide(self, request_id: int, decision: str) -> None:
        """The service checks that the signed-in person decides the request's current step."""
        principal = caller().principal
        if decision not in (Decision.approve.value, Decision.reject.value):
            raise ValidationError(field="decision")
        try:
            await run_in_session(
                phone.decide_by_phone,
                scope=principal.scope,
                account_id=principal.account_id,
                request_id=as_id(request_id),
                decision=Decision(decision),
            )
        except DomainError as refused:
            self.message = t(refused.key, caller().locale, **refused.params)
            return
        self.message = ""
        await self._load()


def approval_lines(page: console.RequestPage, timezone: str) -> list[ApprovalLine]:
    """The page's requests: asked in the tenant's zone, which of them the reader decides now."""
    return [
        ApprovalLine(
            id=r.id,
            flow=r.flow,
            requester=r.requester,
            item=r.item or "",
            quantity=r.quantity,
            reason=r.reason,
            status=r.status,
            step=f"{r.step}/{r.steps}",
            at=local_time(r.created_at, timezone),
            comment=r.comment or "",
            mine=r.id in page.mine_to_decide,
        )
        for r in page.rows
    ]
