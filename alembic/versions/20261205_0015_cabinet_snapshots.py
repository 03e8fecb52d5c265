"""camera snapshots cabinets upload over HTTP (docs/protocol.md § 13)

Revision ID: 0015_cabinet_snapshots
Revises: 0011_config_due
Create Date: 2026-12-05 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0015_cabinet_snapshots'
down_revision: str | None = '0011_config_due'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'cabinet_snapshot',
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cabinet_id', sa.Integer(), nullable=False),
        sa.Column('snapshot_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('session', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('phase', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
        sa.Column('camera', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('bytes', sa.Integer(), nullable=False),
        sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('path', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("content_type IN ('image/jpeg', 'image/png')", name=op.f('ck_cabinet_snapshot_content_type_valid')),
        sa.CheckConstraint("phase IN ('before', 'after', 'manual')", name=op.f('ck_cabinet_snapshot_phase_valid')),
        sa.CheckConstraint('bytes > 0', name=op.f('ck_cabinet_snapshot_bytes_positive')),
        sa.ForeignKeyConstraint(['cabinet_id'], ['cabinet.id'], name=op.f('fk_cabinet_snapshot_cabinet_id_cabinet'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_cabinet_snapshot_tenant_id_tenant'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cabinet_snapshot')),
        sa.UniqueConstraint('cabinet_id', 'snapshot_id', name=op.f('uq_cabinet_snapshot_cabinet_id_snapshot_id')),
    )
    with op.batch_alter_table('cabinet_snapshot', schema=None) as batch_op:
        batch_op.create_index('ix_cabinet_snapshot_cabinet_id_session', ['cabinet_id', 'session'], unique=False)
        batch_op.create_index(batch_op.f('ix_cabinet_snapshot_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_cabinet_snapshot_tenant_id_received_at', ['tenant_id', 'received_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('cabinet_snapshot', schema=None) as batch_op:
        batch_op.drop_index('ix_cabinet_snapshot_tenant_id_received_at')
        batch_op.drop_index(batch_op.f('ix_cabinet_snapshot_tenant_id'))
        batch_op.drop_index('ix_cabinet_snapshot_cabinet_id_session')
    op.drop_table('cabinet_snapshot')
