"""withdrawal lines carry their withdrawal's time, person, department, cabinet

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 08:03:52.091434
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


REPORT_INCLUDE = [
    'department_id', 'user_id', 'cabinet_id', 'item_id', 'withdrawal_id', 'quantity',
    'line_cost_cents',
]
BACKFILL = """
UPDATE withdrawal_line SET
    created_at = (SELECT w.created_at FROM withdrawal w WHERE w.id = withdrawal_line.withdrawal_id),
    user_id = (SELECT w.user_id FROM withdrawal w WHERE w.id = withdrawal_line.withdrawal_id),
    department_id = (SELECT w.department_id FROM withdrawal w
                     WHERE w.id = withdrawal_line.withdrawal_id),
    cabinet_id = (SELECT w.cabinet_id FROM withdrawal w WHERE w.id = withdrawal_line.withdrawal_id)
"""


WITHDRAWAL_INCLUDE = ['department_id', 'user_id', 'cabinet_id', 'total_qty', 'total_cost_cents']


def upgrade() -> None:
    # The reports' index on withdrawals carries what they group and sum (PostgreSQL INCLUDE).
    with op.batch_alter_table('withdrawal', schema=None) as batch_op:
        batch_op.drop_index('ix_withdrawal_tenant_id_created_at')
        batch_op.create_index('ix_withdrawal_tenant_id_created_at', ['tenant_id', 'created_at'], unique=False, postgresql_include=WITHDRAWAL_INCLUDE)
    # Added nullable, filled from each line's withdrawal, then made NOT NULL.
    with op.batch_alter_table('withdrawal_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('department_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cabinet_id', sa.Integer(), nullable=True))
    op.execute(BACKFILL)
    with op.batch_alter_table('withdrawal_line', schema=None) as batch_op:
        batch_op.alter_column('created_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('cabinet_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index('ix_withdrawal_line_tenant_id_created_at_report', ['tenant_id', 'created_at'], unique=False, postgresql_include=REPORT_INCLUDE)
        batch_op.create_foreign_key(batch_op.f('fk_withdrawal_line_department_id_department'), 'department', ['department_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_withdrawal_line_cabinet_id_cabinet'), 'cabinet', ['cabinet_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_foreign_key(batch_op.f('fk_withdrawal_line_user_id_app_user'), 'app_user', ['user_id'], ['id'], ondelete='RESTRICT')


def downgrade() -> None:
    with op.batch_alter_table('withdrawal', schema=None) as batch_op:
        batch_op.drop_index('ix_withdrawal_tenant_id_created_at', postgresql_include=WITHDRAWAL_INCLUDE)
        batch_op.create_index('ix_withdrawal_tenant_id_created_at', ['tenant_id', 'created_at'], unique=False)
    with op.batch_alter_table('withdrawal_line', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_withdrawal_line_user_id_app_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_withdrawal_line_cabinet_id_cabinet'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_withdrawal_line_department_id_department'), type_='foreignkey')
        batch_op.drop_index('ix_withdrawal_line_tenant_id_created_at_report', postgresql_include=REPORT_INCLUDE)
        batch_op.drop_column('cabinet_id')
        batch_op.drop_column('department_id')
        batch_op.drop_column('user_id')
        batch_op.drop_column('created_at')

    # ### end Alembic commands ###
