"""The cabinets a filter offers (the console's lists), and the sites a new cabinet may stand at."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.cabinets.models import Cabinet, Site
from app.core.model_base import keyed
from app.core.tenancy import TenantScope, scope_filter


def cabinet_label(name: str, code: str) -> str:
    """How a console table names a cabinet: its name and its code (names repeat across sites)."""
    return f"{name} ({code})"


def cabinet_labels(session: Session, ids: set[int]) -> dict[int, str]:
    """{id: "name (code)"} of the given cabinets, one query."""
    if not ids:
        return {}
    rows = session.exec(
        select(Cabinet.id, Cabinet.name, Cabinet.code).where(col(Cabinet.id).in_(ids))
    )
    return {i: cabinet_label(name, code) for i, name, code in rows if i is not None}


def cabinet_options(*, session: Session, scope: TenantScope) -> list[tuple[int, str]]:
    """The scope's cabinets: (id, "name (code)"), by name."""
    rows = session.exec(
        select(Cabinet.id, Cabinet.name, Cabinet.code)
        .where(scope_filter(Cabinet, scope))
        .order_by(Cabinet.name, Cabinet.code)
    ).all()
    return [(i, cabinet_label(name, code)) for i, name, code in rows if i is not None]


def site_options(*, session: Session, scope: TenantScope, tenant_id: int) -> list[tuple[int, str]]:
    """Where a cabinet of `tenant_id` may stand: (id, name), by name."""
    scope.require(tenant_id)
    rows = session.exec(
        select(Site.id, Site.name).where(Site.tenant_id == tenant_id).order_by(Site.name)
    )
    return keyed(rows.all())
