"""Reading, changing and deleting one tenant-owned row, always inside the caller's scope.

Every service that edits tenant data by id goes through these: the row is looked up with the
scope (a row of another tenant is reported as absent, not as forbidden, so ids cannot be probed),
the change is validated against the model's own fields, and the before/after lands in the audit
log in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel

from app.audit.services import audit
from app.core.errors import ValidationError
from app.core.tenancy import TenantScope, get_scoped_or_raise

M = TypeVar("M", bound=SQLModel)
IMMUTABLE_FIELDS = frozenset({"id", "tenant_id", "created_at"})


@dataclass(frozen=True)
class Actor:
    """Who is making a change, for the audit log."""

    account_id: int | None
    name: str | None
    ip: str | None = None


SYSTEM = Actor(account_id=None, name="system")


def snapshot(row: SQLModel) -> dict[str, Any]:
    return row.model_dump(mode="json")


def _entity(model: type[SQLModel]) -> str:
    return str(model.__tablename__)


def update_scoped(
    session: Session,
    model: type[M],
    row_id: Any,
    scope: TenantScope,
    changes: Mapping[str, Any],
    *,
    actor: Actor,
) -> M:
    """Apply `changes` to one row of the scope; ids, tenant and creation time never change."""
    row = get_scoped_or_raise(session, model, row_id, scope)
    for name in changes:
        if name in IMMUTABLE_FIELDS or name not in model.model_fields:
            raise ValidationError(field=name)
    before = snapshot(row)
    for name, value in changes.items():
        setattr(row, name, value)
    session.add(row)
    session.flush()
    tenant_id = getattr(row, "tenant_id", None)
    _audit(
        session, model, "update", str(row_id), tenant_id, actor, before=before, after=snapshot(row)
    )
    return row


def delete_scoped(
    session: Session, model: type[SQLModel], row_id: Any, scope: TenantScope, *, actor: Actor
) -> None:
    """Delete one row of the scope (the audit log keeps what it was)."""
    row = get_scoped_or_raise(session, model, row_id, scope)
    before = snapshot(row)
    tenant_id = getattr(row, "tenant_id", None)
    session.delete(row)
    session.flush()
    _audit(session, model, "delete", str(row_id), tenant_id, actor, before=before)


def record_created(session: Session, row: SQLModel, *, actor: Actor) -> None:
    """Audit a row a service has just added (and flushed)."""
    tenant_id = getattr(row, "tenant_id", None)
    _audit(
        session,
        type(row),
        "create",
        getattr(row, "id", None),
        tenant_id,
        actor,
        after=snapshot(row),
    )


def _audit(
    session: Session,
    model: type[SQLModel],
    verb: str,
    entity_id: Any,
    tenant_id: int | None,
    actor: Actor,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    audit.record(
        session=session,
        action=f"{_entity(model)}.{verb}",
        entity=_entity(model),
        entity_id=entity_id,
        tenant_id=tenant_id,
        actor_account_id=actor.account_id,
        actor_name=actor.name,
        before=before,
        after=after,
        ip=actor.ip,
    )


def choice(value: str, allowed: type[Enum], field: str) -> str:
    """`value` when it is one of the enum `allowed`'s values; else the field is named."""
    if value not in {m.value for m in allowed}:
        raise ValidationError(field=field)
    return value


def owned_id(session: Session, model: Any, row_id: int | None, tenant_id: int, field: str) -> int:
    """The id of a row of `tenant_id` (or a shared row, tenant_id NULL); else the field is named."""
    row = session.get(model, row_id) if row_id else None
    if row is None or getattr(row, "tenant_id", tenant_id) not in (tenant_id, None):
        raise ValidationError(field=field)
    return int(row.id)
