"""sso: a tenant's OpenID Connect issuer (client secret encrypted, claim mapping, SSO only) and
its WeCom app (employees' sign-in on the phone)

Revision ID: 0024_sso
Revises: 0023_webhooks
Create Date: 2026-12-06 05:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0024_sso'
down_revision: str | None = '0023_webhooks'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('sso_issuer',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issuer', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('client_id', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('client_secret_ciphertext', sqlmodel.sql.sqltypes.AutoString(length=512), nullable=False),
    sa.Column('match_field', sqlmodel.sql.sqltypes.AutoString(length=11), nullable=False),
    sa.Column('claim', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('sso_only', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("match_field IN ('email', 'phone', 'employee_no')", name=op.f('ck_sso_issuer_match_field_valid')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_sso_issuer_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sso_issuer')),
    sa.UniqueConstraint('tenant_id', name=op.f('uq_sso_issuer_tenant_id'))
    )
    with op.batch_alter_table('sso_issuer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sso_issuer_tenant_id'), ['tenant_id'], unique=False)
    op.create_table('wecom_app',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('corp_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('agent_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('secret_ciphertext', sqlmodel.sql.sqltypes.AutoString(length=512), nullable=False),
    sa.Column('match_field', sqlmodel.sql.sqltypes.AutoString(length=11), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("match_field IN ('employee_no', 'phone')", name=op.f('ck_wecom_app_match_field_valid')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_wecom_app_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wecom_app')),
    sa.UniqueConstraint('tenant_id', name=op.f('uq_wecom_app_tenant_id'))
    )
    with op.batch_alter_table('wecom_app', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wecom_app_tenant_id'), ['tenant_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('wecom_app', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wecom_app_tenant_id'))

    op.drop_table('wecom_app')
    with op.batch_alter_table('sso_issuer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sso_issuer_tenant_id'))

    op.drop_table('sso_issuer')
