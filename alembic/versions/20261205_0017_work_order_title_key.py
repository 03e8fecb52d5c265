"""work orders: the title as a translation key + params (shown in the reader's language), the
reason an order was cancelled, and when someone started on it

Revision ID: 0017_work_order_title_key
Revises: 0016_vision_camera
Create Date: 2026-12-05 22:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0017_work_order_title_key'
down_revision: str | None = '0016_vision_camera'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('work_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True))
        batch_op.add_column(sa.Column('title_params', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('cancel_reason', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True))
        batch_op.add_column(sa.Column('started_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('work_order', schema=None) as batch_op:
        batch_op.drop_column('started_at')
        batch_op.drop_column('cancel_reason')
        batch_op.drop_column('title_params')
        batch_op.drop_column('title_key')
