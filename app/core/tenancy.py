"""The one place tenant scoping happens.

Services never `select(Model)` a tenant-owned table directly: they go through
`scoped_select` / `get_scoped` with a `TenantScope`, so a forgotten filter cannot be written
by accident. The platform operator's scope covers all tenants; a provider's people get the
tenants that provider manages; everyone else gets exactly one tenant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import func, true
from sqlmodel import Session, SQLModel, select
from sqlmodel.sql.expression import SelectOfScalar

from app.core.errors import NotFoundError, PermissionDeniedError

M = TypeVar("M", bound=SQLModel)


@dataclass(frozen=True)
class TenantScope:
    """The tenants a caller may see: `None` means every tenant (platform operator)."""

    tenant_ids: frozenset[int] | None

    @classmethod
    def platform(cls) -> TenantScope:
        return cls(None)

    @classmethod
    def single(cls, tenant_id: int) -> TenantScope:
        return cls(frozenset({tenant_id}))

    @classmethod
    def of(cls, tenant_ids: set[int] | frozenset[int] | list[int]) -> TenantScope:
        return cls(frozenset(tenant_ids))

    @property
    def is_platform(self) -> bool:
        return self.tenant_ids is None

    def allows(self, tenant_id: int | None) -> bool:
        if self.tenant_ids is None:
            return True
        return tenant_id is not None and tenant_id in self.tenant_ids

    def require(self, tenant_id: int | None) -> None:
        if not self.allows(tenant_id):
            raise PermissionDeniedError("error.other_tenant")

    def narrow(self, tenant_id: int | None) -> TenantScope:
        """The same scope limited to one tenant (a provider switching tenant), if allowed."""
        if tenant_id is None:
            return self
        self.require(tenant_id)
        return TenantScope.single(tenant_id)


def _tenant_column(model: type[SQLModel]) -> Any:
    column = getattr(model, "tenant_id", None)
    if column is None:
        raise TypeError(f"{model.__name__} is not tenant-owned")
    return column


def scope_filter(model: type[SQLModel], scope: TenantScope) -> Any:
    """The WHERE clause restricting `model` rows to `scope` (true for the platform)."""
    column = _tenant_column(model)
    if scope.tenant_ids is None:
        return true()
    return column.in_(sorted(scope.tenant_ids))


def scoped_select(model: type[M], scope: TenantScope) -> SelectOfScalar[M]:
    return select(model).where(scope_filter(model, scope))


def scoped_count(session: Session, model: type[SQLModel], scope: TenantScope, *where: Any) -> int:
    statement = select(func.count()).select_from(model).where(scope_filter(model, scope), *where)
    return int(session.exec(statement).one())


def get_scoped(session: Session, model: type[M], row_id: Any, scope: TenantScope) -> M | None:
    """The row if it exists inside the scope; rows of other tenants look absent."""
    row = session.get(model, row_id)
    if row is None or not scope.allows(getattr(row, "tenant_id", None)):
        return None
    return row


def get_scoped_or_raise(session: Session, model: type[M], row_id: Any, scope: TenantScope) -> M:
    row = get_scoped(session, model, row_id, scope)
    if row is None:
        raise NotFoundError(entity=model.__name__, id=row_id)
    return row
