"""protocol v1.1 acknowledgements: the version each cabinet speaks, its refusals per reason, and
the auth.result command

Revision ID: 0012_protocol_acks
Revises: 0010_reread_command
Create Date: 2026-12-05 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0012_protocol_acks'
down_revision: str | None = '0010_reread_command'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = "kind IN ('unlock', 'lock', 'push_config', 'sync_lease', 'tare', 'reboot', 'reread')"
AFTER = (
    "kind IN ('unlock', 'lock', 'push_config', 'sync_lease', 'tare', 'reboot', 'reread', "
    "'auth_result')"
)
SEQUENCE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _kinds(check: str) -> None:
    with op.batch_alter_table('device_command', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_device_command_kind_valid'), type_='check')
        batch_op.create_check_constraint(op.f('ck_device_command_kind_valid'), check)


def upgrade() -> None:
    _kinds(AFTER)
    with op.batch_alter_table('cabinet', schema=None) as batch_op:
        batch_op.add_column(sa.Column('protocol', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False, server_default='1'))
    op.create_table(
        'cabinet_refusal',
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cabinet_id', sa.Integer(), nullable=False),
        sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('count', SEQUENCE, nullable=False),
        sa.Column('first_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_message_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('last_detail', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column('last_payload', sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=True),
        sa.CheckConstraint('count > 0', name=op.f('ck_cabinet_refusal_count_positive')),
        sa.ForeignKeyConstraint(['cabinet_id'], ['cabinet.id'], name=op.f('fk_cabinet_refusal_cabinet_id_cabinet'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_cabinet_refusal_tenant_id_tenant'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cabinet_refusal')),
        sa.UniqueConstraint('cabinet_id', 'code', name=op.f('uq_cabinet_refusal_cabinet_id_code')),
    )
    with op.batch_alter_table('cabinet_refusal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cabinet_refusal_tenant_id'), ['tenant_id'], unique=False)


def downgrade() -> None:
    op.drop_table('cabinet_refusal')
    with op.batch_alter_table('cabinet', schema=None) as batch_op:
        batch_op.drop_column('protocol')
    op.execute("DELETE FROM device_command WHERE kind = 'auth_result'")
    _kinds(BEFORE)
