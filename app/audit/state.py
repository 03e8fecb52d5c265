"""The audit page: filters, keyset pages, before/after masked unless the viewer may unmask."""

from __future__ import annotations

import json
from typing import TypedDict
from zoneinfo import ZoneInfo

import reflex as rx
from sqlmodel import Session

from app.audit.service import AuditFilters, AuditPage, list_audit, local_days
from app.core.db import run_in_session
from app.core.i18n import MESSAGES, t
from app.core.tenancy import TenantScope
from app.dashboard.service import list_tenant_options, scope_timezone
from app.ui.paging import KeysetPaging
from app.ui.session import request_locale, require

ACTION_GROUPS = ("", "auth.", "app_user.", "department.", "phone_whitelist.", "role.", "account.")


class AuditRow(TypedDict):
    id: int
    time: str
    tenant: str
    actor: str
    action: str
    target: str
    before: str
    after: str
    ip: str


HIDDEN_IN_DIFF = frozenset({"id", "tenant_id", "created_at", "updated_at"})


def _show(values: dict | None) -> str:
    """The changed fields as compact JSON (bookkeeping columns and empty values left out)."""
    if not values:
        return ""
    shown = {k: v for k, v in values.items() if k not in HIDDEN_IN_DIFF and v is not None}
    return json.dumps(shown, ensure_ascii=False, sort_keys=True, default=str)[:600]


def _audit_view(
    *, session: Session, scope: TenantScope, form: dict[str, str], unmask: bool, after: int | None
) -> tuple[AuditPage, dict[int, str], str]:
    timezone = scope_timezone(session=session, scope=scope)
    since, until = local_days(form.get("since", ""), form.get("until", ""), timezone)
    filters = AuditFilters(
        action=form.get("action", ""),
        actor=form.get("actor", "")[:60],
        entity_id=form.get("entity_id", "")[:64],
        since=since,
        until=until,
    )
    page = list_audit(session=session, scope=scope, filters=filters, unmask=unmask, after_id=after)
    tenants = {o.id: o.name for o in list_tenant_options(session=session, scope=scope)}
    return page, tenants, timezone


class AuditState(KeysetPaging, rx.State):
    rows: list[AuditRow] = []
    action: str = ""
    actor: str = ""
    entity_id: str = ""
    since: str = ""
    until: str = ""
    unmasked: bool = False
    loaded: bool = False

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
        page, tenants, timezone = await run_in_session(
            _audit_view,
            scope=principal.scope,
            form=form,
            unmask=unmask,
            after=self._after_id(),
        )
        locale = await request_locale(self)
        zone = ZoneInfo(timezone)
        self.rows = [
            AuditRow(
                id=e.id,
                time=e.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
                tenant=tenants.get(e.tenant_id, "—") if e.tenant_id else "—",
                actor=e.actor_name or "—",
                action=t(e.action, locale) if e.action in MESSAGES else e.action,
                target=f"{e.entity} #{e.entity_id}" if e.entity_id else e.entity,
                before=_show(e.before),
                after=_show(e.after),
                ip=e.ip,
            )
            for e in page.entries
        ]
        self.next_after = page.next_after or 0
        self.unmasked = unmask
        self.loaded = True

    @rx.event
    async def load(self) -> None:
        self.cursors = []
        await self._load()

    @rx.event
    async def apply_filters(self, form: dict) -> None:
        """Filter by action group, actor, target id and a date range (the tenant's days)."""
        await require(self, "audit:read")
        form = form if isinstance(form, dict) else {}
        action = str(form.get("action", ""))
        self.action = action if action in ACTION_GROUPS or action in MESSAGES else ""
        self.actor = str(form.get("actor", ""))[:60]
        self.entity_id = str(form.get("entity_id", ""))[:64]
        self.since = str(form.get("since", ""))[:10]
        self.until = str(form.get("until", ""))[:10]
        self.cursors = []
        await self._load()
