"""The alert routing page (`/alerts/routing`, `alert:route`): the tenant's rules, added, edited and
deleted in a dialog, and the delivery log with each message's outcome (and why not)."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from app.audit.services.records import Actor
from app.auth.services.principal import Principal
from app.core.db import run_in_session
from app.core.errors import ValidationError
from app.core.i18n import t
from app.notify import queries
from app.notify.services import rules
from app.tenants.queries import scope_timezone
from app.ui.dialog_list import dialog_list
from app.ui.format import local_time
from app.ui.guard import caller, guarded
from app.ui.payload import as_id
from app.ui.session import actor_of, request_locale, require, working_tenant

ROUTE = "alert:route"
EMPTY_FORM = {
    "name": "",
    "channel": "wecom",
    "target": "",
    "min_severity": "warning",
    "quiet_start": "",
    "quiet_end": "",
    "escalate_after": "",
    "escalate_channel": "email",
    "escalate_target": "",
}


class RouteRow(TypedDict):
    id: int
    tenant: str
    name: str
    channel: str
    target: str
    min_severity: str
    quiet: str  # "22:00–07:00" or "—"
    kinds: str  # the kinds it carries, in the reader's language
    escalation: str  # "after n min to <channel>" or "—"
    active: bool


class DeliveryRow(TypedDict):
    id: int
    at: str  # in the tenant's zone
    route: str
    alert: str  # the alert in the reader's language
    kind: str
    channel: str
    status: str
    attempts: int
    error: str


def _spec(form: dict) -> rules.RouteSpec:
    def text(name: str, limit: int = 500) -> str:
        return str(form.get(name) or "").strip()[:limit]

    after = text("escalate_after", 6)
    if after and not after.isdigit():
        raise ValidationError(field="escalate_after_min")
    return rules.RouteSpec(
        name=text("name", 80),
        channel=text("channel", 10),
        target=text("target"),
        kinds=[k for k in rules.ALERT_KINDS if form.get(f"kind_{k}")],
        min_severity=text("min_severity", 10),
        secret=text("secret", 200),
        quiet_start=text("quiet_start", 5),
        quiet_end=text("quiet_end", 5),
        critical_in_quiet=bool(form.get("critical_in_quiet")),
        escalate_after_min=int(after) if after else None,
        escalate_channel=text("escalate_channel", 10) if after else "",
        escalate_target=text("escalate_target") if after else "",
        escalate_secret=text("escalate_secret", 200) if after else "",
        is_active=bool(form.get("is_active")),
    )


class RoutingState(dialog_list(ROUTE), rx.State):
    routes: list[RouteRow] = []
    log: list[DeliveryRow] = []
    form: dict[str, str] = dict(EMPTY_FORM)
    kinds: list[str] = []
    critical_in_quiet: bool = True
    is_active: bool = True

    async def _load(self) -> None:
        principal = await require(self, ROUTE)

        def read(session):
            return (
                queries.route_views(session=session, scope=principal.scope),
                queries.delivery_log(session=session, scope=principal.scope),
                scope_timezone(session=session, scope=principal.scope),
            )

        routes, log, timezone = await run_in_session(read)
        locale = await request_locale(self)
        self.routes = route_rows(routes, locale)
        self.log = delivery_rows(log, locale, timezone)
        self.loaded = True

    def _fill_new(self) -> None:
        self.form, self.kinds = dict(EMPTY_FORM), []
        self.critical_in_quiet, self.is_active = True, True

    async def _fill(self, principal: Principal, row_id: int) -> bool:
        r = await run_in_session(rules.get_route, scope=principal.scope, route_id=row_id)
        self.form = {
            "name": r.name,
            "channel": r.channel,
            "target": r.target,
            "min_severity": r.min_severity,
            "quiet_start": r.quiet_start or "",
            "quiet_end": r.quiet_end or "",
            "escalate_after": str(r.escalate_after_min or ""),
            "escalate_channel": r.escalate_channel or "email",
            "escalate_target": r.escalate_target or "",
        }
        self.kinds = list(r.kinds or [])
        self.critical_in_quiet, self.is_active = r.critical_in_quiet, r.is_active
        return True

    async def _write(self, principal: Principal, form: dict, actor: Actor) -> None:
        spec = _spec(form)
        if self.editing_id:
            await run_in_session(
                rules.update_route,
                scope=principal.scope,
                route_id=self.editing_id,
                spec=spec,
                actor=actor,
            )
            return
        tenant_id = await working_tenant(self, principal)

        def create(session):
            provider_id = rules.provider_of(session=session, account_id=actor.account_id)
            return rules.create_route(
                session=session,
                scope=principal.scope,
                tenant_id=tenant_id,
                spec=spec,
                actor=actor,
                provider_id=provider_id,
            )

        await run_in_session(create)

    def _field_name(self, field: str, locale: str) -> str:
        return t(f"routing.field_name.{field}", locale)

    def _saved_key(self) -> str:
        return "routing.saved"

    @rx.event
    @guarded(ROUTE)
    async def delete(self, route_id: int) -> None:
        principal = caller().principal
        await run_in_session(
            rules.delete_route,
            scope=principal.scope,
            route_id=as_id(route_id),
            actor=actor_of(self, principal),
        )
        await self._load()
        yield rx.toast(t("routing.deleted", caller().locale))


def route_rows(routes: list[queries.RouteView], locale: str) -> list[RouteRow]:
    """The rules as the table shows them: kinds and escalation in the reader's language."""
    return [
        RouteRow(
            id=r.id,
            tenant=r.tenant,
            name=r.name,
            channel=r.channel,
            target=r.target,
            min_severity=r.min_severity,
            quiet=r.quiet or "—",
            kinds=", ".join(t(f"routing.kind_of.{k}", locale) for k in r.kinds)
            or t("routing.all_kinds", locale),
            escalation=t(
                "routing.escalation_to",
                locale,
                minutes=r.escalate_after_min,
                channel=t(f"routing.channel.{r.escalate_channel}", locale),
            )
            if r.escalate_after_min
            else "—",
            active=r.is_active,
        )
        for r in routes
    ]


def delivery_rows(log: list[queries.DeliveryView], locale: str, timezone: str) -> list[DeliveryRow]:
    """The delivery log: each message's alert in the reader's language, its moment in the zone."""
    return [
        DeliveryRow(
            id=d.id,
            at=local_time(d.at, timezone, "%Y-%m-%d %H:%M"),
            route=d.route,
            alert=t(d.message_key, locale, **d.params),
            kind=d.kind,
            channel=d.channel,
            status=d.status,
            attempts=d.attempts,
            error=d.last_error,
        )
        for d in log
    ]
