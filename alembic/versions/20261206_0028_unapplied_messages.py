"""unapplied messages: a partial index over the device messages no job has applied yet

Revision ID: 0028_unapplied_messages
Revises: 0026_org_sync
Create Date: 2026-12-06 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028_unapplied_messages"
down_revision: str | None = "0026_org_sync"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHERE = sa.text("status = 'accepted'")


def upgrade() -> None:
    op.create_index(
        "ix_device_message_unapplied",
        "device_message",
        ["id"],
        unique=False,
        postgresql_where=WHERE,
        sqlite_where=WHERE,
    )


def downgrade() -> None:
    op.drop_index("ix_device_message_unapplied", table_name="device_message")
