"""cabinets without a controller on a site LAN: their Modbus addresses

Revision ID: 0014_lan_controllers
Revises: 0012_protocol_acks
Create Date: 2026-12-05 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0014_lan_controllers'
down_revision: str | None = '0012_protocol_acks'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'lan_controller',
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cabinet_id', sa.Integer(), nullable=False),
        sa.Column('host', sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column('port', sa.Integer(), nullable=False),
        sa.Column('scales', sa.JSON(), nullable=False),
        sa.Column('io_host', sqlmodel.sql.sqltypes.AutoString(length=253), nullable=True),
        sa.Column('io_port', sa.Integer(), nullable=True),
        sa.Column('io_unit', sa.Integer(), nullable=False),
        sa.Column('lock_coil', sa.Integer(), nullable=False),
        sa.Column('door_input', sa.Integer(), nullable=False),
        sa.Column('door_open_when', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('port BETWEEN 1 AND 65535', name=op.f('ck_lan_controller_port_range')),
        sa.CheckConstraint('io_unit BETWEEN 0 AND 247', name=op.f('ck_lan_controller_io_unit_range')),
        sa.CheckConstraint('lock_coil BETWEEN 0 AND 65535', name=op.f('ck_lan_controller_lock_coil_range')),
        sa.CheckConstraint('door_input BETWEEN 0 AND 65535', name=op.f('ck_lan_controller_door_input_range')),
        sa.ForeignKeyConstraint(['cabinet_id'], ['cabinet.id'], name=op.f('fk_lan_controller_cabinet_id_cabinet'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_lan_controller_tenant_id_tenant'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lan_controller')),
        sa.UniqueConstraint('cabinet_id', name=op.f('uq_lan_controller_cabinet_id')),
    )
    with op.batch_alter_table('lan_controller', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lan_controller_tenant_id'), ['tenant_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('lan_controller', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lan_controller_tenant_id'))
    op.drop_table('lan_controller')
