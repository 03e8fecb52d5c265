"""A tenant's policies (`Tenant.settings`, JSON): whole numbers read with a default and a range —
a stored value outside it is ignored and logged, never trusted — and changed with the change in
the audit log. The rule that uses a policy names it and its range (e.g. the door-open limit in
app/withdrawals/services/door_open.py, the most units per visit in
app/withdrawals/services/recognition.py)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlmodel import Session

from app.audit.services import audit
from app.audit.services.records import Actor
from app.core.errors import ValidationError
from app.core.tenancy import TenantScope
from app.tenants.models import Tenant

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WholeNumber:
    key: str
    default: int
    low: int
    high: int

    def accepts(self, value: object) -> bool:
        return type(value) is int and self.low <= value <= self.high


def whole_number(session: Session, tenant_id: int, policy: WholeNumber) -> int:
    """The tenant's value of `policy`, else its default."""
    tenant = session.get(Tenant, tenant_id)
    value = (tenant.settings or {}).get(policy.key) if tenant else None
    if value is None:
        return policy.default
    if not policy.accepts(value):
        logger.warning("tenant %s: %s %r ignored", tenant_id, policy.key, value)
        return policy.default
    return int(value)


def set_whole_number(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int,
    policy: WholeNumber,
    value: int,
    actor: Actor,
) -> Tenant:
    """Set one policy of a tenant in the caller's scope (audited); out of range is refused."""
    scope.require(tenant_id)
    if not policy.accepts(value):
        raise ValidationError(field=policy.key)
    tenant = session.get_one(Tenant, tenant_id)
    before = dict(tenant.settings or {})
    tenant.settings = before | {policy.key: value}  # a new dict: the JSON column sees the change
    session.add(tenant)
    session.flush()
    audit.record(
        session=session,
        action="tenant.settings",
        entity="tenant",
        entity_id=tenant_id,
        tenant_id=tenant_id,
        actor_account_id=actor.account_id,
        actor_name=actor.name,
        before={policy.key: before.get(policy.key)},
        after={policy.key: value},
        ip=actor.ip,
    )
    return tenant


def set_whole_numbers(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int,
    values: dict[WholeNumber, int],
    actor: Actor,
) -> Tenant:
    """Several policies at once: every value is checked first (the first out of range is named
    and nothing changes), then each change is set and audited."""
    scope.require(tenant_id)
    for policy, value in values.items():
        if not policy.accepts(value):
            raise ValidationError(
                "policy.out_of_range", field=policy.key, low=policy.low, high=policy.high
            )
    tenant = session.get_one(Tenant, tenant_id)  # in scope: it exists
    for policy, value in values.items():
        if whole_number(session, tenant_id, policy) != value:
            tenant = set_whole_number(
                session=session,
                scope=scope,
                tenant_id=tenant_id,
                policy=policy,
                value=value,
                actor=actor,
            )
    return tenant
