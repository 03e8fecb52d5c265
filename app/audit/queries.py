"""The audit log as a tenant admin reads it: who (a name, or the system part that acted), did
what (a translated verb), to what (the kind of thing and its name, looked up now), and the
changed fields as before/after pairs. Names come in one query per kind of thing on the page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Table, select
from sqlmodel import Session, SQLModel

import app.models  # noqa: F401  (every table in the metadata, for the name look-ups)
from app.audit.services.audit import SECRET_FIELDS, AuditEntry
from app.core.i18n import MESSAGES, t

# How each kind of thing is named: its own columns, or (foreign key, table, column) of a parent.
Part = str | tuple[str, str, str]
CABINET: Part = ("cabinet_id", "cabinet", "code")
PERSON: Part = ("user_id", "app_user", "name")
LABELS: dict[str, tuple[Part, ...]] = {
    "account": ("display_name",),
    "alert": (CABINET,),
    "alert_route": ("name",),
    "api_key": ("name", "prefix"),
    "app_user": ("name",),
    "approval_flow": ("name",),
    "approval_request": (("requester_id", "app_user", "name"), ("item_id", "item", "name")),
    "cabinet": ("code", "name"),
    "complaint": (PERSON,),
    "department": ("name",),
    "device_command": (CABINET,),
    "door_session": (CABINET, PERSON),
    "im_app": (("tenant_id", "tenant", "name"),),
    "item": ("name",),
    "lan_controller": (CABINET, "host"),
    "org_sync_run": (("tenant_id", "tenant", "name"),),
    "org_sync_settings": (("tenant_id", "tenant", "name"),),
    "phone_whitelist": ("name",),
    "planogram_entry": (CABINET, ("item_id", "item", "name")),
    "provider_staff": ("name",),
    "quota_rule": ("name",),
    "role": ("name",),
    "service_provider": ("name",),
    "site": ("name",),
    "slot": (CABINET, "code"),
    "sms_settings": (("tenant_id", "tenant", "name"),),
    "sso_issuer": (("tenant_id", "tenant", "name"),),
    "stock_movement": (CABINET,),
    "stocktake": (CABINET,),
    "tenant": ("name",),
    "wall_display": ("name",),
    "webhook_delivery": (("subscription_id", "webhook_subscription", "name"),),
    "webhook_subscription": ("name",),
    "withdrawal": (CABINET, PERSON),
    "work_order": (CABINET,),
}
HIDDEN_FIELDS = frozenset({"id", "tenant_id", "created_at", "updated_at"})
CODED_FIELDS = frozenset({"status", "decision", "roles"})
GENERIC_VERBS = ("create", "update", "delete")
SYSTEM_ACTORS = {
    "system": "audit.actor.system",
    "door sessions": "audit.actor.door_sessions",
    "cabinet screen": "audit.actor.cabinet_screen",
    "org sync": "audit.actor.org_sync",
}


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class EntryView:
    id: int
    actor: str
    verb: str
    target: str
    changes: list[Change]


def readable(code: str) -> str:
    """The last resort for a code without a key: words, not dots and underscores."""
    return code.replace(".", " ").replace("_", " ").strip()


def _key_or(key: str, fallback: str, locale: str, **params: Any) -> str:
    return t(key, locale, **params) if key in MESSAGES else fallback


def actor_label(entry: AuditEntry, accounts: dict[int, str], locale: str) -> str:
    if entry.actor_account_id is not None and entry.actor_account_id in accounts:
        return accounts[entry.actor_account_id]
    name = entry.actor_name
    if name in SYSTEM_ACTORS:
        return t(SYSTEM_ACTORS[name], locale)
    if name.startswith("cabinet "):
        return t("audit.actor.cabinet", locale, code=name.removeprefix("cabinet "))
    if name:
        return name
    if entry.action == "auth.login_failed":
        return t("audit.actor.anonymous", locale)
    return t("audit.actor.system", locale)


def verb_label(action: str, locale: str) -> str:
    """A specific verb when the action has one, else the generic create/update/delete one."""
    if f"audit.verb.{action}" in MESSAGES:
        return t(f"audit.verb.{action}", locale)
    last = action.rsplit(".", 1)[-1]
    if last in GENERIC_VERBS:
        return t(f"audit.verb.{last}", locale)
    return readable(action)


def kind_label(entity: str, locale: str) -> str:
    return _key_or(f"audit.kind.{entity}", readable(entity), locale)


def _table(entity: str) -> Table | None:
    return SQLModel.metadata.tables.get(entity) if entity in LABELS else None


def names_of(session: Session, entity: str, ids: set[str], locale: str) -> dict[str, str]:
    """{id: name} of the rows of one kind that still exist: one query."""
    table = _table(entity)
    numbers = sorted({int(i) for i in ids if i.isdigit()})
    if table is None or not numbers:
        return {}
    columns: list[ColumnElement[Any]] = []
    source: FromClause = table
    for part in LABELS[entity]:
        if isinstance(part, str):
            columns.append(table.c[part])
            continue
        key, parent_name, column = part
        parent = SQLModel.metadata.tables[parent_name].alias()
        source = source.outerjoin(parent, parent.c.id == table.c[key])
        columns.append(parent.c[column])
    if entity == "role":  # built-in roles are named by the translation table, not the row
        columns.append(table.c.code)
    rows = session.execute(
        select(table.c.id, *columns).select_from(source).where(table.c.id.in_(numbers))
    )
    names = {}
    for row in rows:
        values = list(row[1:])
        if entity == "role":
            code = values.pop()
            values = [_key_or(f"role.{code}", values[0], locale)]
        names[str(row[0])] = " ".join(str(v) for v in values if v not in (None, ""))
    return names


def target_label(entry: AuditEntry, names: dict[str, dict[str, str]], locale: str) -> str:
    kind = kind_label(entry.entity, locale)
    if not entry.entity_id:
        return kind
    name = names.get(entry.entity, {}).get(entry.entity_id)
    return f"{kind} {name}" if name else f"{kind} #{entry.entity_id}"


def field_label(name: str, locale: str) -> str:
    """A field's words; a permission code ("item:write", in role changes) as module · action."""
    for key in (f"audit.field.{name}", f"field.{name}"):
        if key in MESSAGES:
            return t(key, locale)
    module, _, action = name.partition(":")
    if action and f"module.{module}" in MESSAGES and f"action.{action}" in MESSAGES:
        return f"{t(f'module.{module}', locale)} · {t(f'action.{action}', locale)}"
    return readable(name)


def _coded(value: str, field: str, locale: str) -> str:
    """Codes stored in a change (a status, a role) in words where the table has them."""
    keys = (f"role.{value}",) if field == "roles" else (f"audit.value.{value}",)
    for key in keys:
        if key in MESSAGES:
            return t(key, locale)
    return value


def value_text(value: Any, locale: str, field: str = "") -> str:
    if value is None or value == "" or value == []:
        return "—"
    if value == "<changed>":
        return t("audit.secret_changed", locale)
    if isinstance(value, bool):
        return t("audit.yes" if value else "audit.no", locale)
    if isinstance(value, list):
        return ", ".join(value_text(v, locale, field) for v in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{field_label(k, locale)}: {value_text(v, locale)}" for k, v in value.items()
        )
    if isinstance(value, str) and field in CODED_FIELDS:
        return _coded(value, field, locale)
    return str(value)[:200]


def changes_of(entry: AuditEntry, locale: str) -> list[Change]:
    """One row per changed field (bookkeeping columns and fields empty on both sides left out)."""
    before, after = entry.before or {}, entry.after or {}
    rows = []
    for name in dict.fromkeys([*before, *after]):
        old, new = before.get(name), after.get(name)
        if name in HIDDEN_FIELDS or (old in (None, "") and new in (None, "")):
            continue
        if name in SECRET_FIELDS and new not in (None, "<changed>"):
            new = "<changed>"
        rows.append(
            Change(
                field_label(name, locale),
                value_text(old, locale, name),
                value_text(new, locale, name),
            )
        )
    return rows


def entry_views(session: Session, entries: list[AuditEntry], locale: str) -> list[EntryView]:
    """The page's entries as sentences: one query for the actors, one per kind of target."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if entry.entity_id:
            wanted[entry.entity].add(entry.entity_id)
    names = {kind: names_of(session, kind, ids, locale) for kind, ids in wanted.items()}
    actor_ids = {str(e.actor_account_id) for e in entries if e.actor_account_id is not None}
    accounts = {int(k): v for k, v in names_of(session, "account", actor_ids, locale).items()}
    return [
        EntryView(
            id=entry.id,
            actor=actor_label(entry, accounts, locale),
            verb=verb_label(entry.action, locale),
            target=target_label(entry, names, locale),
            changes=changes_of(entry, locale),
        )
        for entry in entries
    ]
