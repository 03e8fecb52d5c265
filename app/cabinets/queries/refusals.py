"""What the gateway refused from each cabinet (docs/protocol.md § 10), counted per reason with the
last refused copy, so that the console shows a cabinet whose messages are being lost and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from app.cabinets.models import Cabinet, CabinetRefusal
from app.core.tenancy import TenantScope, get_scoped_or_raise, scoped_select

TABLE: Table = CabinetRefusal.__table__  # type: ignore[attr-defined]  # set by SQLModel


@dataclass
class Refused:
    """One or more refusals of a cabinet for one reason, in one batch (the last one's details)."""

    tenant_id: int
    cabinet_id: int
    code: str
    count: int
    message_id: str | None
    detail: str | None
    payload: str | None


def record(session: Session, refused: list[Refused], now: datetime) -> None:
    """Add a batch's refusals to the counters (one statement; concurrent gateways add up)."""
    merged: dict[tuple[int, str], Refused] = {}
    for item in refused:
        seen = merged.get((item.cabinet_id, item.code))
        if seen is not None:
            item.count += seen.count
        merged[(item.cabinet_id, item.code)] = item
    if not merged:
        return
    rows = [
        {
            "tenant_id": r.tenant_id,
            "cabinet_id": r.cabinet_id,
            "code": r.code,
            "count": r.count,
            "first_at": now,
            "last_at": now,
            "last_message_id": r.message_id,
            "last_detail": (r.detail or "")[:255] or None,
            "last_payload": r.payload,
        }
        for r in merged.values()
    ]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(TABLE)
    fresh = statement.excluded
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["cabinet_id", "code"],
            set_={
                "count": TABLE.c.count + fresh.count,
                "last_at": fresh.last_at,
                "last_message_id": fresh.last_message_id,
                "last_detail": fresh.last_detail,
                "last_payload": fresh.last_payload,
            },
        ),
        rows,
    )


def refusals_of(*, session: Session, scope: TenantScope, cabinet_id: int) -> list[CabinetRefusal]:
    """A cabinet's refusal counters, the most recent reason first."""
    get_scoped_or_raise(session, Cabinet, cabinet_id, scope)
    statement = (
        scoped_select(CabinetRefusal, scope)
        .where(CabinetRefusal.cabinet_id == cabinet_id)
        .order_by(col(CabinetRefusal.last_at).desc())
    )
    return list(session.exec(statement).all())
