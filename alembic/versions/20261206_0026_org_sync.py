"""org sync: a tenant's scheduled org sync from WeCom (settings) and the log of its runs

Revision ID: 0026_org_sync
Revises: 0027_provider_api_keys
Create Date: 2026-12-06 09:12:16
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0026_org_sync'
down_revision: str | None = '0027_provider_api_keys'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('org_sync_run',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trigger', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('dry_run', sa.Boolean(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=True),
    sa.Column('plan_digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('error_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('error_params', sa.JSON(), nullable=True),
    sa.Column('actor_account_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.CheckConstraint("status IN ('succeeded', 'failed')", name=op.f('ck_org_sync_run_status_valid')),
    sa.CheckConstraint("trigger IN ('preview', 'manual', 'schedule')", name=op.f('ck_org_sync_run_trigger_valid')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_org_sync_run_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_sync_run'))
    )
    with op.batch_alter_table('org_sync_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_sync_run_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_org_sync_run_tenant_id_started_at', ['tenant_id', 'started_at'], unique=False)

    op.create_table('org_sync_settings',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('interval_hours', sa.Integer(), nullable=False),
    sa.Column('first_applied_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('interval_hours BETWEEN 1 AND 168', name=op.f('ck_org_sync_settings_interval_hours_range')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_org_sync_settings_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_sync_settings')),
    sa.UniqueConstraint('tenant_id', name=op.f('uq_org_sync_settings_tenant_id'))
    )
    with op.batch_alter_table('org_sync_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_sync_settings_tenant_id'), ['tenant_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('org_sync_settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_sync_settings_tenant_id'))

    op.drop_table('org_sync_settings')
    with op.batch_alter_table('org_sync_run', schema=None) as batch_op:
        batch_op.drop_index('ix_org_sync_run_tenant_id_started_at')
        batch_op.drop_index(batch_op.f('ix_org_sync_run_tenant_id'))

    op.drop_table('org_sync_run')
