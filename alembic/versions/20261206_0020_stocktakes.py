"""stocktakes (盘点) of one cabinet and their counted lines

Revision ID: 0020_stocktakes
Revises: 0019_sms
Create Date: 2026-12-06 01:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0020_stocktakes'
down_revision: str | None = '0019_sms'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('stocktake',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cabinet_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
    sa.Column('counted_by_account_id', sa.Integer(), nullable=True),
    sa.Column('counted_by_name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('decided_by_account_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('difference_cents', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('counting', 'waiting', 'applied', 'rejected', 'cancelled')", name=op.f('ck_stocktake_status_valid')),
    sa.CheckConstraint('difference_cents >= 0', name=op.f('ck_stocktake_difference_non_negative')),
    sa.ForeignKeyConstraint(['cabinet_id'], ['cabinet.id'], name=op.f('fk_stocktake_cabinet_id_cabinet'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['counted_by_account_id'], ['account.id'], name=op.f('fk_stocktake_counted_by_account_id_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['decided_by_account_id'], ['account.id'], name=op.f('fk_stocktake_decided_by_account_id_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_stocktake_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stocktake'))
    )
    with op.batch_alter_table('stocktake', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stocktake_cabinet_id'), ['cabinet_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stocktake_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_stocktake_tenant_id_started_at', ['tenant_id', 'started_at'], unique=False)
        batch_op.create_index('uq_stocktake_open_cabinet', ['cabinet_id'], unique=True, postgresql_where=sa.text("status IN ('counting', 'waiting')"), sqlite_where=sa.text("status IN ('counting', 'waiting')"))

    op.create_table('stocktake_line',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stocktake_id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('ledger_qty', sa.Integer(), nullable=False),
    sa.Column('suggested_qty', sa.Integer(), nullable=True),
    sa.Column('counted_qty', sa.Integer(), nullable=True),
    sa.Column('unit_cost_cents', sa.Integer(), nullable=False),
    sa.CheckConstraint('counted_qty IS NULL OR counted_qty >= 0', name=op.f('ck_stocktake_line_counted_non_negative')),
    sa.CheckConstraint('ledger_qty >= 0', name=op.f('ck_stocktake_line_ledger_non_negative')),
    sa.CheckConstraint('unit_cost_cents >= 0', name=op.f('ck_stocktake_line_cost_non_negative')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_stocktake_line_item_id_item'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['slot_id'], ['slot.id'], name=op.f('fk_stocktake_line_slot_id_slot'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['stocktake_id'], ['stocktake.id'], name=op.f('fk_stocktake_line_stocktake_id_stocktake'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_stocktake_line_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stocktake_line')),
    sa.UniqueConstraint('stocktake_id', 'slot_id', 'item_id', name=op.f('uq_stocktake_line_stocktake_id_slot_id_item_id'))
    )
    with op.batch_alter_table('stocktake_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stocktake_line_stocktake_id'), ['stocktake_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stocktake_line_tenant_id'), ['tenant_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('stocktake_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stocktake_line_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_stocktake_line_stocktake_id'))

    op.drop_table('stocktake_line')
    with op.batch_alter_table('stocktake', schema=None) as batch_op:
        batch_op.drop_index('uq_stocktake_open_cabinet', postgresql_where=sa.text("status IN ('counting', 'waiting')"), sqlite_where=sa.text("status IN ('counting', 'waiting')"))
        batch_op.drop_index('ix_stocktake_tenant_id_started_at')
        batch_op.drop_index(batch_op.f('ix_stocktake_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_stocktake_cabinet_id'))

    op.drop_table('stocktake')
