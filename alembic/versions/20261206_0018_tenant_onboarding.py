"""tenants onboarded from the console: legal name, contract dates, and a trial status

Revision ID: 0018_tenant_onboarding
Revises: 0017_work_order_title_key
Create Date: 2026-12-06 02:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0018_tenant_onboarding'
down_revision: str | None = '0017_work_order_title_key'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = "status IN ('active', 'suspended')"
AFTER = "status IN ('trial', 'active', 'suspended')"


def _statuses(check: str) -> None:
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_tenant_status_valid'), type_='check')
        batch_op.create_check_constraint(op.f('ck_tenant_status_valid'), check)


def upgrade() -> None:
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legal_name', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=True))
        batch_op.add_column(sa.Column('contract_start', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('contract_end', sa.Date(), nullable=True))
    _statuses(AFTER)


def downgrade() -> None:
    op.execute("UPDATE tenant SET status = 'active' WHERE status = 'trial'")
    _statuses(BEFORE)
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.drop_column('contract_end')
        batch_op.drop_column('contract_start')
        batch_op.drop_column('legal_name')
