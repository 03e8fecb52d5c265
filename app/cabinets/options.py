"""The cabinets a filter offers (the console's lists)."""

from __future__ import annotations

from sqlmodel import Session, select

from app.cabinets.models import Cabinet
from app.core.tenancy import TenantScope, scope_filter


def cabinet_options(*, session: Session, scope: TenantScope) -> list[tuple[int, str]]:
    """The scope's cabinets: (id, "name (code)"), by name."""
    rows = session.exec(
        select(Cabinet.id, Cabinet.name, Cabinet.code)
        .where(scope_filter(Cabinet, scope))
        .order_by(Cabinet.name, Cabinet.code)
    ).all()
    return [(i, f"{name} ({code})") for i, name, code in rows]
