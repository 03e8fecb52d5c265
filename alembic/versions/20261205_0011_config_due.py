"""a cabinet's slot layout is due: sent (cmd.config) as soon as the cabinet is heard from

Revision ID: 0011_config_due
Revises: 0014_lan_controllers
Create Date: 2026-12-05 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0011_config_due'
down_revision: str | None = '0014_lan_controllers'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# A plain ADD/DROP COLUMN, not a batch: on SQLite a batch would copy and drop the cabinet
# table, which the rows referencing it (foreign keys on) forbid.


def upgrade() -> None:
    # existing cabinets: nothing due (their layout is sent at their next planogram change)
    op.add_column(
        'cabinet',
        sa.Column('config_due', sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.execute('ALTER TABLE cabinet DROP COLUMN config_due')
