"""The console's quotas page (`/quotas`, `quota:read`; `quota:write` to change)."""

from __future__ import annotations

import reflex as rx

from app.core.db import run_in_session
from app.core.errors import DomainError, ValidationError
from app.core.i18n import t
from app.quotas import console
from app.ui.format import fen, yuan
from app.ui.payload import as_id
from app.ui.session import actor_of, request_locale, require, working_tenant

READ, WRITE = "quota:read", "quota:write"


def _limit(form: dict) -> int:
    """Units for a count limit; yuan (two decimals at most) for a cost limit, stored in fen."""
    text = str(form.get("limit_value", "")).strip()
    if form.get("limit_kind") == "cost":
        return fen(text, "limit_value")
    try:
        return int(text)
    except ValueError:
        raise ValidationError(field="limit_value") from None


class QuotasState(rx.State):
    rules: list[dict] = []
    options: dict[str, list[dict]] = {}
    can_write: bool = False
    loaded: bool = False
    message: str = ""

    async def _load(self) -> None:
        principal = await require(self, READ)
        self.can_write = principal.can(WRITE)

        def read(session):
            rules = console.list_rules(session=session, scope=principal.scope)
            options = console.subject_options(session=session, scope=principal.scope)
            return rules, options

        rules, options = await run_in_session(read)
        self.rules = [
            {
                "id": r.id,
                "name": r.name,
                "subject_kind": r.subject_kind,
                "subject": r.subject,
                "target_kind": r.target_kind,
                "target": r.target,
                "period": r.period,
                "limit": yuan(r.limit_value) if r.limit_kind == "cost" else str(r.limit_value),
                "limit_kind": r.limit_kind,
                "over_policy": r.over_policy,
                "active": r.is_active,
            }
            for r in rules
        ]
        self.options = {
            kind: [{"id": str(i), "name": n} for i, n in rows] for kind, rows in options.items()
        }
        self.loaded = True

    @rx.event
    async def load(self) -> None:
        self.message = ""
        await self._load()

    @rx.event
    async def create(self, form: dict) -> None:
        principal = await require(self, WRITE)
        form = form if isinstance(form, dict) else {}
        locale = await request_locale(self)
        try:
            subject_kind = str(form.get("subject_kind", "tenant"))
            target_kind = str(form.get("target_kind", "all"))
            await run_in_session(
                console.create_rule,
                scope=principal.scope,
                tenant_id=await working_tenant(self, principal),
                name=str(form.get("name", ""))[:100],
                subject_kind=subject_kind,
                subject_id=None
                if subject_kind == "tenant"
                else as_id(form.get("subject", "") or "0"),
                target_kind=target_kind,
                target_id=None if target_kind == "all" else as_id(form.get("target", "") or "0"),
                period=str(form.get("period", "month")),
                limit_kind=str(form.get("limit_kind", "count")),
                limit_value=_limit(form),
                over_policy=str(form.get("over_policy", "require_approval")),
                actor=actor_of(self, principal),
            )
        except DomainError as refused:
            field = refused.params.get("field")
            self.message = (
                t("quotas.invalid", locale, field=t(f"quotas.field.{field}", locale))
                if field
                else t(refused.key, locale, **refused.params)
            )
            return
        self.message = ""
        await self._load()

    @rx.event
    async def toggle(self, rule_id: int, active: bool) -> None:
        principal = await require(self, WRITE)
        await run_in_session(
            console.set_active,
            scope=principal.scope,
            rule_id=as_id(rule_id),
            active=bool(active),
            actor=actor_of(self, principal),
        )
        await self._load()
