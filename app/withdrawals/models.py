"""Door sessions (one opening of a cabinet) and the withdrawals they produce."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field

from app.core.model_base import (
    TenantOwned,
    enum_check,
    enum_field,
    json_field,
    partial_unique_index,
    pk,
    timestamp,
)
from app.core.text import text_field


class SessionPurpose(StrEnum):
    withdrawal = "withdrawal"
    restock = "restock"


class AuthMethod(StrEnum):
    qr = "qr"
    card = "card"
    pin = "pin"
    offline_card = "offline_card"
    offline_pin = "offline_pin"
    console = "console"


class SessionStatus(StrEnum):
    authorized = "authorized"
    unlocking = "unlocking"
    open = "open"
    closed = "closed"
    committed = "committed"
    exception = "exception"
    cancelled = "cancelled"
    expired = "expired"


ACTIVE_SESSION_STATUSES = (SessionStatus.authorized, SessionStatus.unlocking, SessionStatus.open)
_ACTIVE_SQL = "status IN ('authorized', 'unlocking', 'open')"


class DoorSession(TenantOwned, table=True):
    __tablename__ = "door_session"
    __table_args__ = (
        enum_check("purpose", SessionPurpose),
        enum_check("auth_method", AuthMethod),
        enum_check("status", SessionStatus),
        CheckConstraint(
            "user_id IS NOT NULL OR provider_staff_id IS NOT NULL", name="has_a_person"
        ),
        # One open door per cabinet at a time.
        partial_unique_index("uq_door_session_active_cabinet", "cabinet_id", where=_ACTIVE_SQL),
        Index(
            "ix_door_session_tenant_id_cabinet_id_created_at",
            "tenant_id",
            "cabinet_id",
            "created_at",
        ),
        Index("ix_door_session_tenant_id_status", "tenant_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cabinet_id: int = Field(foreign_key="cabinet.id", ondelete="RESTRICT")
    user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="RESTRICT")
    provider_staff_id: int | None = Field(
        default=None, foreign_key="provider_staff.id", ondelete="RESTRICT"
    )
    purpose: str = enum_field(SessionPurpose, SessionPurpose.withdrawal)
    auth_method: str = enum_field(AuthMethod)
    status: str = enum_field(SessionStatus, SessionStatus.authorized)
    opened_at: datetime | None = timestamp(nullable=True)
    closed_at: datetime | None = timestamp(nullable=True)
    readings_before: dict | None = json_field()
    readings_after: dict | None = json_field()
    rfid_before: list | None = json_field()
    rfid_after: list | None = json_field()
    snapshot_id: str | None = Field(default=None, max_length=64)
    identification: dict | None = json_field()
    created_at: datetime = timestamp()


class WithdrawalSource(StrEnum):
    weight = "weight"
    rfid = "rfid"
    vision = "vision"
    fused = "fused"
    manual = "manual"


class WithdrawalStatus(StrEnum):
    committed = "committed"
    corrected = "corrected"


WITHDRAWAL_REPORT_INCLUDE = [
    "department_id",
    "user_id",
    "cabinet_id",
    "total_qty",
    "total_cost_cents",
]


class Withdrawal(TenantOwned, table=True):
    """What one person took in one door session, charged to them and their department."""

    __tablename__ = "withdrawal"
    __table_args__ = (
        enum_check("source", WithdrawalSource),
        enum_check("status", WithdrawalStatus),
        CheckConstraint("total_qty > 0", name="total_qty_positive"),
        CheckConstraint("total_cost_cents >= 0", name="total_cost_non_negative"),
        # Reports sum a period's visits from this index alone (app/reports/queries/consumption.py).
        Index(
            "ix_withdrawal_tenant_id_created_at",
            "tenant_id",
            "created_at",
            postgresql_include=WITHDRAWAL_REPORT_INCLUDE,
        ),
        Index(
            "ix_withdrawal_tenant_id_cabinet_id_created_at", "tenant_id", "cabinet_id", "created_at"
        ),
        Index(
            "ix_withdrawal_tenant_id_department_id_created_at",
            "tenant_id",
            "department_id",
            "created_at",
        ),
        Index("ix_withdrawal_tenant_id_user_id_created_at", "tenant_id", "user_id", "created_at"),
        # The API's feed pages on (created_at, id) within a tenant
        # (app/withdrawals/queries/feed.py).
        Index("ix_withdrawal_tenant_id_created_at_id", "tenant_id", "created_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    door_session_id: int | None = Field(
        default=None, foreign_key="door_session.id", unique=True, ondelete="RESTRICT"
    )
    cabinet_id: int = Field(foreign_key="cabinet.id", ondelete="RESTRICT")
    user_id: int = Field(foreign_key="app_user.id", ondelete="RESTRICT")
    # The department at the time of withdrawal: people move, the charge does not.
    department_id: int | None = Field(
        default=None, foreign_key="department.id", ondelete="SET NULL"
    )
    source: str = enum_field(WithdrawalSource, WithdrawalSource.weight)
    status: str = enum_field(WithdrawalStatus, WithdrawalStatus.committed)
    total_qty: int
    total_cost_cents: int
    created_at: datetime = timestamp()


class WithdrawalLine(TenantOwned, table=True):
    __tablename__ = "withdrawal_line"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_cost_cents >= 0", name="unit_cost_non_negative"),
        CheckConstraint(
            "line_cost_cents = quantity * unit_cost_cents", name="line_cost_consistent"
        ),
        Index("ix_withdrawal_line_tenant_id_item_id", "tenant_id", "item_id"),
        # Reports read a period's lines from this index alone (app/reports/queries.py): the
        # columns they group and sum ride along, so a month is one range scan of the index.
        Index(
            "ix_withdrawal_line_tenant_id_created_at_report",
            "tenant_id",
            "created_at",
            postgresql_include=[
                "department_id",
                "user_id",
                "cabinet_id",
                "item_id",
                "withdrawal_id",
                "quantity",
                "line_cost_cents",
            ],
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    withdrawal_id: int = Field(foreign_key="withdrawal.id", index=True, ondelete="CASCADE")
    item_id: int = Field(foreign_key="item.id", ondelete="RESTRICT")
    slot_id: int | None = Field(default=None, foreign_key="slot.id", ondelete="SET NULL")
    quantity: int
    unit_cost_cents: int
    line_cost_cents: int
    # The withdrawal's own time, person, department and cabinet, which never change after it is
    # committed (a correction restates quantities only): copied so reports need no join.
    created_at: datetime = timestamp(default_now=False)
    user_id: int = Field(foreign_key="app_user.id", ondelete="RESTRICT")
    department_id: int | None = Field(
        default=None, foreign_key="department.id", ondelete="SET NULL"
    )
    cabinet_id: int = Field(foreign_key="cabinet.id", ondelete="RESTRICT")

    @classmethod
    def of(
        cls, withdrawal: Withdrawal, *, item_id: int, quantity: int, unit_cost_cents: int,
        slot_id: int | None = None,
    ) -> WithdrawalLine:  # fmt: skip
        """A line of `withdrawal` (it has its id: flushed, or taken ahead), its cost."""
        return cls(
            tenant_id=withdrawal.tenant_id,
            withdrawal_id=pk(withdrawal),
            item_id=item_id,
            slot_id=slot_id,
            quantity=quantity,
            unit_cost_cents=unit_cost_cents,
            line_cost_cents=quantity * unit_cost_cents,
            created_at=withdrawal.created_at,
            user_id=withdrawal.user_id,
            department_id=withdrawal.department_id,
            cabinet_id=withdrawal.cabinet_id,
        )


class ComplaintStatus(StrEnum):
    open = "open"
    answered = "answered"


class Complaint(TenantOwned, table=True):
    """An employee disputes what a visit recorded; someone at the console answers (and may
    correct the withdrawal)."""

    __tablename__ = "complaint"
    __table_args__ = (
        enum_check("status", ComplaintStatus),
        # one open complaint per visit: asking twice adds nothing
        partial_unique_index("uq_complaint_open_door", "door_session_id", where="status = 'open'"),
        Index("ix_complaint_tenant_id_status_created_at", "tenant_id", "status", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    door_session_id: int = Field(foreign_key="door_session.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="app_user.id", ondelete="RESTRICT")
    text: str = text_field(field="complaint", max_length=500)
    status: str = enum_field(ComplaintStatus, ComplaintStatus.open)
    answer: str | None = text_field(field="answer", default=None, max_length=500)
    answered_by: str | None = Field(default=None, max_length=80)
    answered_at: datetime | None = timestamp(nullable=True)
    created_at: datetime = timestamp()


SESSION_PREFIX = "ds"  # a door session's reference on the wire: "ds<id>" (docs/protocol.md)


def session_ref(door: DoorSession) -> str:
    return f"{SESSION_PREFIX}{door.id}"
