"""The webhooks page (`/webhooks`, `webhook:manage`): the tenant's subscriptions, made, edited,
their secret rotated and disabled in dialogs (a new secret shown once), and the delivery log with
a status filter, one delivery opened (the JSON sent, each attempt) and resent."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from app.audit.services.records import Actor
from app.auth.services.principal import Principal
from app.core.db import run_in_session
from app.core.errors import DomainError
from app.core.i18n import t
from app.tenants.queries import scope_timezone
from app.ui.dialog_list import dialog_list
from app.ui.format import local_time
from app.ui.guard import caller, guarded
from app.ui.payload import as_id
from app.ui.session import actor_of, require, working_tenant
from app.webhooks import queries
from app.webhooks.services import webhooks as service

MANAGE = "webhook:manage"
EMPTY_FORM = {"name": "", "url": ""}
SECONDS = "%Y-%m-%d %H:%M:%S"


class HookLine(TypedDict):
    id: int
    tenant: str
    name: str
    url: str
    events: str
    active: bool


class DeliveryLine(TypedDict):
    id: int
    at: str  # in the tenant's zone
    subscription: str
    type: str
    status: str
    attempts: int
    code: str  # the last HTTP status, or "—"
    error: str


class AttemptLine(TypedDict):
    at: str  # in the tenant's zone
    code: str  # its HTTP status, or "—"
    ms: int
    response: str
    error: str


def _spec(form: dict) -> service.SubscriptionSpec:
    def text(name: str, limit: int) -> str:
        return str(form.get(name) or "").strip()[:limit]

    return service.SubscriptionSpec(
        name=text("name", 80),
        url=text("url", 500),
        events=[e for e in service.EVENT_TYPES if form.get(f"event_{e}")],
        is_active=bool(form.get("is_active")),
    )


class WebhooksState(dialog_list(MANAGE), rx.State):
    subscriptions: list[HookLine] = []
    log: list[DeliveryLine] = []
    status_filter: str = "all"
    form: dict[str, str] = dict(EMPTY_FORM)
    events: list[str] = []
    is_active: bool = True
    secret: str = ""  # a secret just made: shown once, gone when its dialog closes
    detail: dict = {}
    attempts: list[AttemptLine] = []
    _timezone: str = "Asia/Shanghai"

    async def _load(self) -> None:
        principal = await require(self, MANAGE)
        status = self.status_filter

        def read(session):
            return (
                queries.subscription_views(session=session, scope=principal.scope),
                queries.delivery_log(session=session, scope=principal.scope, status=status),
                scope_timezone(session=session, scope=principal.scope),
            )

        subscriptions, log, timezone = await run_in_session(read)
        self.subscriptions = hook_lines(subscriptions)
        self.log = delivery_lines(log, timezone)
        self._timezone = timezone
        self.loaded = True

    def _reset(self) -> None:
        self.secret, self.detail = "", {}

    @rx.event
    @guarded(MANAGE)
    async def filter_status(self, status: str) -> None:
        self.status_filter = status if status in queries.STATUS_FILTERS else "all"
        await self._load()

    def _fill_new(self) -> None:
        self.form, self.events, self.is_active = dict(EMPTY_FORM), [], True

    async def _fill(self, principal: Principal, row_id: int) -> bool:
        row = await run_in_session(
            service.get_subscription, scope=principal.scope, subscription_id=row_id
        )
        self.form = {"name": row.name, "url": row.url}
        self.events, self.is_active = list(row.events or []), row.is_active
        return True

    async def _write(self, principal: Principal, form: dict, actor: Actor) -> None:
        spec = _spec(form)
        if self.editing_id:
            await run_in_session(
                service.update_subscription,
                scope=principal.scope,
                subscription_id=self.editing_id,
                spec=spec,
                actor=actor,
            )
            return
        tenant_id = await working_tenant(self, principal)

        def create(session):
            _, secret = service.create_subscription(
                session=session, scope=principal.scope, tenant_id=tenant_id, spec=spec, actor=actor
            )
            return secret

        self.secret = await run_in_session(create)

    def _field_name(self, field: str, locale: str) -> str:
        return t(f"webhooks.field.{field}", locale)

    def _saved_key(self) -> str:
        return "webhooks.saved"

    @rx.event
    @guarded(MANAGE)
    async def rotate(self, subscription_id: int) -> None:
        principal = caller().principal
        self.secret = await run_in_session(
            service.rotate_secret,
            scope=principal.scope,
            subscription_id=as_id(subscription_id),
            actor=actor_of(self, principal),
        )

    @rx.event
    @guarded(MANAGE)
    async def forget_secret(self) -> None:
        self.secret = ""

    @rx.event
    @guarded(MANAGE)
    async def disable(self, subscription_id: int) -> None:
        principal = caller().principal
        await run_in_session(
            service.disable_subscription,
            scope=principal.scope,
            subscription_id=as_id(subscription_id),
            actor=actor_of(self, principal),
        )
        await self._load()
        yield rx.toast(t("webhooks.disabled", caller().locale))

    @rx.event
    @guarded(MANAGE)
    async def show(self, delivery_id: int) -> None:
        principal = caller().principal
        found = await run_in_session(
            queries.delivery_detail, scope=principal.scope, delivery_id=as_id(delivery_id)
        )
        timezone = self._timezone
        self.detail = {
            "id": found.delivery.id,
            "type": found.delivery.event_type,
            "event_id": found.delivery.event_id,
            "status": found.delivery.status,
            "body": found.body,
        }
        self.attempts = attempt_lines(found.attempts, timezone)

    @rx.event
    @guarded(MANAGE)
    async def hide(self) -> None:
        self.detail, self.attempts = {}, []

    @rx.event
    @guarded(MANAGE)
    async def resend(self, delivery_id: int) -> None:
        principal = caller().principal
        locale = caller().locale
        try:
            await run_in_session(
                service.resend,
                scope=principal.scope,
                delivery_id=as_id(delivery_id),
                actor=actor_of(self, principal),
            )
        except DomainError as refused:
            yield rx.toast(t(refused.key, locale, **refused.params))
            return
        self.detail, self.attempts = {}, []
        await self._load()
        yield rx.toast(t("webhooks.resent", locale))


def hook_lines(subscriptions: list[queries.SubscriptionView]) -> list[HookLine]:
    """The subscriptions as the table shows them: their events in one line."""
    return [
        HookLine(
            id=s.id,
            tenant=s.tenant,
            name=s.name,
            url=s.url,
            events=", ".join(s.events),
            active=s.is_active,
        )
        for s in subscriptions
    ]


def delivery_lines(log: list[queries.DeliveryView], timezone: str) -> list[DeliveryLine]:
    """The delivery log: each moment in the tenant's zone, the last HTTP status or a dash."""
    return [
        DeliveryLine(
            id=d.id,
            at=local_time(d.at, timezone, SECONDS),
            subscription=d.subscription,
            type=d.event_type,
            status=d.status,
            attempts=d.attempts,
            code=str(d.last_status_code or "—"),
            error=d.last_error,
        )
        for d in log
    ]


def attempt_lines(attempts: list[queries.AttemptView], timezone: str) -> list[AttemptLine]:
    """One delivery's attempts: each moment in the tenant's zone, its HTTP status or a dash."""
    return [
        AttemptLine(
            at=local_time(a.at, timezone, SECONDS),
            code=str(a.status_code or "—"),
            ms=a.duration_ms,
            response=a.response_excerpt,
            error=a.error,
        )
        for a in attempts
    ]
