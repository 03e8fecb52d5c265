"""Wall displays: a screen on the office wall shows one tenant's live dashboard at
`/wall/<token>`, with no sign-in. The token is shown once when the display is created; only its
SHA-256 is stored, and revoking the display turns the screen off within a second."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from app.core.model_base import TenantOwned, timestamp
from app.core.text import line_field


class WallDisplay(TenantOwned, table=True):
    __tablename__ = "wall_display"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = line_field(max_length=60)
    token_hash: str = Field(max_length=64)
    created_at: datetime = timestamp()
    revoked_at: datetime | None = timestamp(nullable=True)
    last_seen_at: datetime | None = timestamp(nullable=True)
