"""The console's quotas page (`/quotas`, `quota:read`; `quota:write` to change): the rules, and
one dialog that creates a rule or changes one."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from app.core.db import run_in_session
from app.core.errors import DomainError, ValidationError
from app.core.i18n import t
from app.quotas.models import QuotaLimitKind, QuotaSubject, QuotaTarget
from app.quotas.services import console
from app.ui.format import fen, yuan
from app.ui.guard import caller, guarded
from app.ui.payload import as_id
from app.ui.session import actor_of, request_locale, require, working_tenant

READ, WRITE = "quota:read", "quota:write"
NEW_RULE = {
    "id": 0,
    "name": "",
    "subject_kind": "tenant",
    "subject": "",
    "target_kind": "all",
    "target": "",
    "period": "month",
    "limit_kind": "count",
    "limit_value": "",
    "over_policy": "require_approval",
}
# The kinds the dialog follows as they are picked (which list of names it offers next to them).
KINDS = {
    "subject_kind": {m.value for m in QuotaSubject},
    "target_kind": {m.value for m in QuotaTarget},
    "limit_kind": {m.value for m in QuotaLimitKind},
}


class RuleLine(TypedDict):
    id: int
    name: str
    subject_kind: str
    subject: str
    target_kind: str
    target: str
    period: str
    limit: str  # units, or yuan for a cost limit
    limit_kind: str
    over_policy: str
    active: bool
    used: bool  # counted against: switched off, never deleted


class Choice(TypedDict):
    id: str
    name: str


def _limit(form: dict) -> int:
    """Units for a count limit; yuan (two decimals at most) for a cost limit, stored in fen."""
    text = str(form.get("limit_value", "")).strip()
    if form.get("limit_kind") == "cost":
        return fen(text, "limit_value")
    try:
        return int(text)
    except ValueError:
        raise ValidationError(field="limit_value") from None


def _picked(form: dict, field: str) -> int | None:
    """The id a select submitted, or None when nothing was picked (the service names it)."""
    value = str(form.get(field, "") or "")
    return as_id(value) if value else None


def _fields(form: dict) -> console.RuleFields:
    subject_kind = str(form.get("subject_kind", "tenant"))[:20]
    target_kind = str(form.get("target_kind", "all"))[:20]
    return console.RuleFields(
        name=str(form.get("name", ""))[:100],
        subject_kind=subject_kind,
        subject_id=None if subject_kind == "tenant" else _picked(form, "subject"),
        target_kind=target_kind,
        target_id=None if target_kind == "all" else _picked(form, "target"),
        period=str(form.get("period", "month"))[:20],
        limit_kind=str(form.get("limit_kind", "count"))[:20],
        limit_value=_limit(form),
        over_policy=str(form.get("over_policy", "require_approval"))[:30],
    )


def _as_form(rule: console.RuleView) -> dict:
    """A rule as the dialog's fields start (a cost limit in yuan, as it is typed)."""
    limit = rule.limit_value
    return {
        "id": rule.id,
        "name": rule.name,
        "subject_kind": rule.subject_kind,
        "subject": str(rule.subject_id or ""),
        "target_kind": rule.target_kind,
        "target": str(rule.target_id or ""),
        "period": rule.period,
        "limit_kind": rule.limit_kind,
        "limit_value": yuan(limit).replace(",", "") if rule.limit_kind == "cost" else str(limit),
        "over_policy": rule.over_policy,
    }


class QuotasState(rx.State):
    rules: list[RuleLine] = []
    options: dict[str, list[Choice]] = {}
    can_write: bool = False
    loaded: bool = False
    message: str = ""  # a refusal of the page (a delete); the dialog has its own
    editing: bool = False
    form: dict = NEW_RULE
    form_error: str = ""
    _editable: dict[int, dict] = {}

    async def _load(self) -> None:
        principal = await require(self, READ)
        self.can_write = principal.can(WRITE)

        locale = await request_locale(self)

        def read(session):
            scope = principal.scope
            rules = console.list_rules(session=session, scope=scope, locale=locale)
            options = console.subject_options(session=session, scope=scope, locale=locale)
            return rules, options

        rules, options = await run_in_session(read)
        self.rules = rule_lines(rules)
        self._editable = {r.id: _as_form(r) for r in rules}
        self.options = rule_choices(rules, options)
        self.loaded = True

    async def _refusal(self, refused: DomainError) -> str:
        locale = await request_locale(self)
        field = refused.params.get("field")
        if field:
            return t("quotas.invalid", locale, field=t(f"quotas.field.{field}", locale))
        return t(refused.key, locale, **refused.params)

    @rx.event
    @guarded(READ)
    async def load(self) -> None:
        self.message, self.editing = "", False
        await self._load()

    @rx.event
    @guarded(WRITE)
    async def open_new(self) -> None:
        self.form, self.form_error, self.editing = dict(NEW_RULE), "", True

    @rx.event
    @guarded(WRITE)
    async def open_edit(self, rule_id: int) -> None:
        rule = self._editable.get(as_id(rule_id))
        if rule is None:
            return
        self.form, self.form_error, self.editing = dict(rule), "", True

    @rx.event
    @guarded(READ)
    async def close(self) -> None:
        self.editing, self.form_error = False, ""

    @rx.event
    @guarded(WRITE)
    async def pick_kind(self, field: str, value: str) -> None:
        """A kind picked in the dialog: the names offered beside it follow."""
        if field in KINDS and value in KINDS[field]:
            self.form = {**self.form, field: value}

    @rx.event
    @guarded(WRITE)
    async def save(self, form: dict) -> None:
        principal = caller().principal
        rule_id = as_id(self.form.get("id", 0))
        try:
            fields = _fields(form)
            if rule_id:
                await run_in_session(
                    console.update_rule,
                    scope=principal.scope,
                    rule_id=rule_id,
                    fields=fields,
                    actor=actor_of(self, principal),
                )
            else:
                await run_in_session(
                    console.create_rule,
                    scope=principal.scope,
                    tenant_id=await working_tenant(self, principal),
                    fields=fields,
                    actor=actor_of(self, principal),
                )
        except DomainError as refused:
            self.form_error = await self._refusal(refused)
            return
        self.editing, self.form_error, self.message = False, "", ""
        await self._load()

    @rx.event
    @guarded(WRITE)
    async def delete(self, rule_id: int) -> None:
        principal = caller().principal
        try:
            await run_in_session(
                console.delete_rule,
                scope=principal.scope,
                rule_id=as_id(rule_id),
                actor=actor_of(self, principal),
            )
        except DomainError as refused:
            self.message = await self._refusal(refused)
            return
        self.message = ""
        await self._load()

    @rx.event
    @guarded(WRITE)
    async def toggle(self, rule_id: int, active: bool) -> None:
        principal = caller().principal
        await run_in_session(
            console.set_active,
            scope=principal.scope,
            rule_id=as_id(rule_id),
            active=bool(active),
            actor=actor_of(self, principal),
        )
        await self._load()


def rule_lines(rules: list[console.RuleView]) -> list[RuleLine]:
    """The rules as the table shows them: a cost limit in yuan, a count in units."""
    return [
        RuleLine(
            id=r.id,
            name=r.name,
            subject_kind=r.subject_kind,
            subject=r.subject,
            target_kind=r.target_kind,
            target=r.target,
            period=r.period,
            limit=yuan(r.limit_value) if r.limit_kind == "cost" else str(r.limit_value),
            limit_kind=r.limit_kind,
            over_policy=r.over_policy,
            active=r.is_active,
            used=r.used,
        )
        for r in rules
    ]


def rule_choices(
    rules: list[console.RuleView], options: dict[str, list[tuple[int, str]]]
) -> dict[str, list[Choice]]:
    """What the dialog offers by kind; for people, those the rules already name (what a
    per-person rule can keep when edited)."""
    choices = {kind: [Choice(id=str(i), name=n) for i, n in rows] for kind, rows in options.items()}
    people = {str(r.subject_id): r.subject for r in rules if r.subject_kind == "user"}
    choices["user"] = [Choice(id=i, name=n) for i, n in people.items()]
    return choices
