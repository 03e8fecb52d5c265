"""Pending verification codes sent to phones (self-registration on the mobile page).

Not tenant-owned: a code is requested before anyone knows (or may learn) which tenant lists the
phone. Codes are stored hashed; rows are kept for the rate limits (per phone and per IP).
NOTE: this table needs an Alembic migration and an import in app/models.py.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from app.core.model_base import timestamp


class VerificationCode(SQLModel, table=True):
    """One code sent (or, for a phone nobody listed, pretended to be sent) to a phone."""

    __tablename__ = "verification_code"
    __table_args__ = (
        Index("ix_verification_code_ip_created_at", "ip", "created_at"),
        CheckConstraint("attempts >= 0", name="attempts_non_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    phone: str = Field(max_length=20, index=True)
    code_hash: str = Field(max_length=255)
    purpose: str = Field(default="register", max_length=16)
    ip: str = Field(max_length=45)
    attempts: int = 0
    created_at: datetime = timestamp()
    expires_at: datetime = timestamp(default_now=False)
    used_at: datetime | None = timestamp(nullable=True)
