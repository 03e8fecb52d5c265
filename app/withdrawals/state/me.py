"""The employee's own page on the phone (/m): quotas left, requests and where each stands,
visits across cabinets with disputes, and the requests waiting for their decision. Thin: the
rules are in app/withdrawals/services/phone.py, app/approvals and
app/withdrawals/services/complaints.py."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypedDict

import reflex as rx

from app.approvals.models import Decision
from app.approvals.queries.inbox import RequestView
from app.auth.services.next_path import phone_sign_in
from app.auth.services.principal import Principal
from app.core.db import run_in_session
from app.core.errors import DomainError, ValidationError
from app.core.i18n import t
from app.tenants.queries import scope_timezone
from app.ui.format import local_time, yuan
from app.ui.guard import caller, checked_inside, guarded
from app.ui.payload import as_id
from app.ui.session import current_principal, request_locale, require
from app.withdrawals.pages.door_steps import label_key
from app.withdrawals.services import phone

PERIOD_KEYS = {"day": "me.period_day", "week": "me.period_week", "month": "me.period_month"}


class QuotaRow(TypedDict):
    name: str
    period: str
    left: str
    percent_used: int


class RequestRow(TypedDict):
    id: int
    title: str  # flow name · reason
    status: str
    state: str
    detail: str  # step, the approver's comment
    at: str


class MyVisitRow(TypedDict):
    id: int
    cabinet: str
    status: str
    lines: str
    total: str
    at: str
    complaint: str  # the open dispute or its answer, in the reader's language
    disputable: bool
    photo: str  # the camera's after image of the person's slots ("" when none)


def _amount(value: int, kind: str) -> str:
    return f"¥{yuan(value)}" if kind == "cost" else str(value)


def _quota_rows(page: phone.MyPage, locale: str) -> list[QuotaRow]:
    return [
        QuotaRow(
            name=q.rule.name,
            period=t(PERIOD_KEYS.get(q.rule.period, "me.period_month"), locale),
            left=t(
                "me.quota_left",
                locale,
                left=_amount(q.left, q.rule.limit_kind),
                limit=_amount(q.rule.limit_value, q.rule.limit_kind),
            ),
            percent_used=min(100, round(100 * q.used / q.rule.limit_value))
            if q.rule.limit_value
            else 100,
        )
        for q in page.quotas
    ]


def _request_rows(views: list[RequestView], locale: str, timezone: str) -> list[RequestRow]:
    return [
        RequestRow(
            id=r.id,
            title=f"{r.requester} · {r.reason}" if r.requester else r.reason,
            status=t(f"request.{r.status}", locale),
            state=r.status,
            detail=" · ".join(
                part
                for part in (
                    r.flow,
                    t("me.step", locale, step=r.step, steps=r.steps)
                    if r.status == "pending"
                    else "",
                    r.comment or "",
                )
                if part
            ),
            at=local_time(r.created_at, timezone),
        )
        for r in views
    ]


def _complaint_text(visit: phone.Visit, locale: str) -> str:
    complaint = visit.complaint
    if complaint is None:
        return ""
    if complaint.status == "answered":
        return t("me.complaint_answered", locale, answer=complaint.answer or "")
    return t("me.complaint_open", locale, text=complaint.text)


def _visit_rows(page: phone.MyPage, locale: str, timezone: str) -> list[MyVisitRow]:
    return [
        MyVisitRow(
            id=v.door_session_id,
            cabinet=v.cabinet,
            status=t(label_key(v.status), locale),
            lines="、".join(f"{name} × {qty}" for name, qty, _ in v.lines)
            or t("door.nothing_taken", locale),
            total=f"¥{yuan(sum(cost for *_, cost in v.lines))}" if v.lines else "",
            at=local_time(v.at, timezone),
            complaint=_complaint_text(v, locale),
            disputable=v.status in ("committed", "exception")
            and (v.complaint is None or v.complaint.status != "open"),
            photo=f"/api/me/doors/{v.door_session_id}/snapshots/{v.photo}.jpg" if v.photo else "",
        )
        for v in page.visits
    ]


class MyPhoneState(rx.State):
    quotas: list[QuotaRow] = []
    requests: list[RequestRow] = []
    visits: list[MyVisitRow] = []
    awaiting: list[RequestRow] = []
    message: str = ""
    asking: bool = False
    disputing: int = 0  # the visit whose dispute form is open
    loaded: bool = False

    async def _reload(self) -> None:
        principal = await require(self, "self:withdraw")
        locale = await request_locale(self)

        def read(session):
            page = phone.my_page(
                session=session,
                scope=principal.scope,
                account_id=principal.account_id,
                now=datetime.now(UTC),
            )
            return page, scope_timezone(session=session, scope=principal.scope)

        page, timezone = await run_in_session(read)
        self.quotas = _quota_rows(page, locale)
        self.requests = _request_rows(page.requests, locale, timezone)
        self.visits = _visit_rows(page, locale, timezone)
        self.awaiting = _request_rows(page.awaiting, locale, timezone)
        self.loaded = True

    @rx.event
    @checked_inside("self:withdraw", "signed out: the phone's sign-in, which comes back here")
    async def load(self):
        """Signed out: the phone's sign-in, which comes back here."""
        if await current_principal(self) is None:
            return rx.redirect(phone_sign_in("/m"))
        self.message, self.asking, self.disputing = "", False, 0
        await self._reload()

    @rx.event
    @guarded("self:request")
    async def toggle_ask(self) -> None:
        self.asking = not self.asking

    @rx.event
    @guarded("self:withdraw")
    async def open_dispute(self, door_session_id: int) -> None:
        self.disputing = as_id(door_session_id)

    async def _act(self, principal: Principal, call, done_key: str, **kwargs) -> None:
        locale = await request_locale(self)
        try:
            await run_in_session(
                call, scope=principal.scope, account_id=principal.account_id, **kwargs
            )
        except DomainError as refused:
            self.message = t(refused.key, locale, **refused.params)
            return
        self.message = t(done_key, locale)
        self.asking, self.disputing = False, 0
        await self._reload()

    @rx.event
    @guarded("self:request")
    async def ask(self, form: dict) -> None:
        principal = caller().principal
        reason = form.get("reason")
        await self._act(principal, phone.ask_for_more, "me.asked", reason=str(reason or "")[:600])

    @rx.event
    @guarded("self:withdraw")
    async def decide(self, request_id: int, decision: str) -> None:
        """The service checks that this person is the approver of the request's current step."""
        principal = caller().principal
        if decision not in (Decision.approve.value, Decision.reject.value):
            raise ValidationError(field="decision")
        await self._act(
            principal,
            phone.decide_by_phone,
            "me.decided",
            request_id=as_id(request_id),
            decision=Decision(decision),
        )

    @rx.event
    @guarded("self:withdraw")
    async def dispute(self, form: dict) -> None:
        principal = caller().principal
        text = form.get("text")
        await self._act(
            principal,
            phone.dispute,
            "me.complained",
            door_session_id=as_id(self.disputing),
            text=str(text or "")[:600],
        )
