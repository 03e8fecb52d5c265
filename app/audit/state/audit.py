"""The audit page: filters, keyset pages, before/after masked unless the viewer may unmask."""

from __future__ import annotations

import re
from typing import TypedDict
from zoneinfo import ZoneInfo

import reflex as rx
from sqlmodel import Session

from app.audit.queries import EntryView, entry_views
from app.audit.services.audit import AuditFilters, AuditPage, list_audit, local_days
from app.core.db import run_in_session
from app.core.tenancy import TenantScope
from app.tenants.queries import list_tenant_options, scope_timezone
from app.ui.guard import caller, guarded
from app.ui.paging import KeysetPaging
from app.ui.session import request_locale, require

ACTION_GROUPS = (
    *("", "auth.", "app_user.", "department.", "phone_whitelist.", "role.", "account."),
    *("cabinet.", "item.", "quota_rule.", "approval.", "withdrawal.", "work_order."),
)
EXACT_ACTION = re.compile(r"[a-z_]{1,40}\.[a-z_]{1,40}")  # one action: "auth.login"


class ChangeRow(TypedDict):
    field: str
    before: str
    after: str


class AuditRow(TypedDict):
    id: int
    time: str
    tenant: str
    actor: str
    action: str
    target: str
    changes: list[ChangeRow]
    ip: str


def _audit_view(
    *,
    session: Session,
    scope: TenantScope,
    form: dict[str, str],
    unmask: bool,
    after: int | None,
    limit: int,
    locale: str,
) -> tuple[AuditPage, list[EntryView], dict[int, str], str]:
    timezone = scope_timezone(session=session, scope=scope)
    since, until = local_days(form.get("since", ""), form.get("until", ""), timezone)
    filters = AuditFilters(
        action=form.get("action", ""),
        actor=form.get("actor", "")[:60],
        entity_id=form.get("entity_id", "")[:64],
        since=since,
        until=until,
    )
    page = list_audit(
        session=session, scope=scope, filters=filters, unmask=unmask, after_id=after, limit=limit
    )
    tenants = {o.id: o.name for o in list_tenant_options(session=session, scope=scope)}
    return page, entry_views(session, page.entries, locale), tenants, timezone


class AuditState(KeysetPaging, rx.State):
    rows: list[AuditRow] = []
    action: str = ""
    actor: str = ""
    entity_id: str = ""
    since: str = ""
    until: str = ""
    unmasked: bool = False
    loaded: bool = False
    built_locale: str = ""  # the language the rows were written in

    def _read_permission(self) -> str:
        return "audit:read"

    async def _load(self) -> None:
        principal = await require(self, "audit:read")
        unmask = principal.can("audit:unmask")
        form = {
            "action": self.action,
            "actor": self.actor,
            "entity_id": self.entity_id,
            "since": self.since,
            "until": self.until,
        }
        locale = await request_locale(self)
        page, views, tenants, timezone = await run_in_session(
            _audit_view,
            scope=principal.scope,
            form=form,
            unmask=unmask,
            after=self._after_id(),
            limit=self.page_size,
            locale=locale,
        )
        self.rows = audit_rows(page, views, tenants, timezone)
        self.next_after = page.next_after or 0
        self.total = page.total
        self.unmasked = unmask
        self.built_locale = locale
        self.loaded = True

    @rx.event
    @guarded("audit:read")
    async def relocalise(self) -> None:
        """After the header's language switch: the rows are written again in the new language."""
        if self.loaded and caller().locale != self.built_locale:
            await self._load()

    @rx.event
    @guarded("audit:read")
    async def load(self) -> None:
        self.cursors = []
        await self._load()

    @rx.event
    @guarded("audit:read")
    async def apply_filters(self, form: dict) -> None:
        """Filter by action group, actor, target id and a date range (the tenant's days)."""
        action = str(form.get("action", ""))
        self.action = action if action in ACTION_GROUPS or EXACT_ACTION.fullmatch(action) else ""
        self.actor = str(form.get("actor", ""))[:60]
        self.entity_id = str(form.get("entity_id", ""))[:64]
        self.since = str(form.get("since", ""))[:10]
        self.until = str(form.get("until", ""))[:10]
        self.cursors = []
        await self._load()


def audit_rows(
    page: AuditPage, views: list[EntryView], tenants: dict[int, str], timezone: str
) -> list[AuditRow]:
    """The page's entries, each with its words (`views`, in the same order): the moment to the
    second in the tenant's zone, the tenant by name ("—": none or unknown)."""
    zone = ZoneInfo(timezone)
    return [
        AuditRow(
            id=e.id,
            time=e.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
            tenant=tenants.get(e.tenant_id, "—") if e.tenant_id else "—",
            actor=view.actor,
            action=view.verb,
            target=view.target,
            changes=[
                ChangeRow(field=c.field, before=c.before, after=c.after) for c in view.changes
            ],
            ip=e.ip,
        )
        for e, view in zip(page.entries, views, strict=True)
    ]
