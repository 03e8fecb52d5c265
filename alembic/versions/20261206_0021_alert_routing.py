"""alert routing: the rules (per tenant, optionally made by its provider) and the delivery log

Revision ID: 0021_alert_routing
Revises: 0020_stocktakes
Create Date: 2026-12-06 01:44:05.063892
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0021_alert_routing'
down_revision: str | None = '0020_stocktakes'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('alert_route',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('kinds', sa.JSON(), nullable=True),
    sa.Column('min_severity', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('target', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('secret_ciphertext', sqlmodel.sql.sqltypes.AutoString(length=512), nullable=True),
    sa.Column('quiet_start', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True),
    sa.Column('quiet_end', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True),
    sa.Column('critical_in_quiet', sa.Boolean(), nullable=False),
    sa.Column('escalate_after_min', sa.Integer(), nullable=True),
    sa.Column('escalate_channel', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
    sa.Column('escalate_target', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('escalate_secret_ciphertext', sqlmodel.sql.sqltypes.AutoString(length=512), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("channel IN ('wecom', 'dingtalk', 'feishu', 'email', 'sms')", name=op.f('ck_alert_route_channel_valid')),
    sa.CheckConstraint("escalate_channel IS NULL OR escalate_channel IN ('wecom', 'dingtalk', 'feishu', 'email', 'sms')", name=op.f('ck_alert_route_escalate_channel_valid')),
    sa.CheckConstraint("min_severity IN ('info', 'warning', 'critical')", name=op.f('ck_alert_route_min_severity_valid')),
    sa.CheckConstraint('escalate_after_min IS NULL OR escalate_after_min > 0', name=op.f('ck_alert_route_escalate_after_positive')),
    sa.ForeignKeyConstraint(['provider_id'], ['service_provider.id'], name=op.f('fk_alert_route_provider_id_service_provider'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_alert_route_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_route'))
    )
    with op.batch_alter_table('alert_route', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_route_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('alert_delivery',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('route_id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_retry_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("channel IN ('wecom', 'dingtalk', 'feishu', 'email', 'sms')", name=op.f('ck_alert_delivery_channel_valid')),
    sa.CheckConstraint("kind IN ('raised', 'escalated', 'resolved')", name=op.f('ck_alert_delivery_kind_valid')),
    sa.CheckConstraint("status IN ('pending', 'sent', 'failed', 'cancelled')", name=op.f('ck_alert_delivery_status_valid')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_alert_delivery_attempts_non_negative')),
    sa.CheckConstraint('level IN (1, 2)', name=op.f('ck_alert_delivery_level_valid')),
    sa.ForeignKeyConstraint(['alert_id'], ['alert.id'], name=op.f('fk_alert_delivery_alert_id_alert'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['route_id'], ['alert_route.id'], name=op.f('fk_alert_delivery_route_id_alert_route'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_alert_delivery_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_delivery')),
    sa.UniqueConstraint('route_id', 'alert_id', 'kind', 'level', name=op.f('uq_alert_delivery_route_id_alert_id_kind_level'))
    )
    with op.batch_alter_table('alert_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_delivery_alert_id'), ['alert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_delivery_route_id'), ['route_id'], unique=False)
        batch_op.create_index('ix_alert_delivery_status_next_retry_at', ['status', 'next_retry_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_delivery_tenant_id'), ['tenant_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('alert_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_delivery_tenant_id'))
        batch_op.drop_index('ix_alert_delivery_status_next_retry_at')
        batch_op.drop_index(batch_op.f('ix_alert_delivery_route_id'))
        batch_op.drop_index(batch_op.f('ix_alert_delivery_alert_id'))

    op.drop_table('alert_delivery')
    with op.batch_alter_table('alert_route', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_route_tenant_id'))

    op.drop_table('alert_route')
