"""the in-cabinet camera: each slot's camera and region, each item's detector class

Revision ID: 0016_vision_camera
Revises: 0015_cabinet_snapshots
Create Date: 2026-12-05 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0016_vision_camera'
down_revision: str | None = '0015_cabinet_snapshots'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('slot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('camera', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch_op.add_column(sa.Column('camera_region', sa.JSON(), nullable=True))
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vision_class', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_column('vision_class')
    with op.batch_alter_table('slot', schema=None) as batch_op:
        batch_op.drop_column('camera_region')
        batch_op.drop_column('camera')
