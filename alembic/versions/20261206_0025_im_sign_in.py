"""im sign-in: a tenant's apps in the workplace IMs (WeCom, DingTalk, Feishu) its employees sign
in with on the phone, one table with a `kind` column; the WeCom apps of 0024 move into it

Revision ID: 0025_im_sign_in
Revises: 0024_sso
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0025_im_sign_in'
down_revision: str | None = '0024_sso'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _create_wecom_app() -> None:
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


def _drop(table: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f(f'ix_{table}_tenant_id'))
    op.drop_table(table)


def _restart_ids(table: str) -> None:
    """PostgreSQL: the id sequence goes on after the ids copied in (SQLite needs nothing)."""
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
            f" COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        )


def upgrade() -> None:
    op.create_table('im_app',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('app_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('agent_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('org_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('secret_ciphertext', sqlmodel.sql.sqltypes.AutoString(length=512), nullable=False),
    sa.Column('match_field', sqlmodel.sql.sqltypes.AutoString(length=11), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('wecom', 'dingtalk', 'feishu')", name=op.f('ck_im_app_kind_valid')),
    sa.CheckConstraint("match_field IN ('employee_no', 'job_no', 'phone')", name=op.f('ck_im_app_match_field_valid')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_im_app_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_im_app')),
    sa.UniqueConstraint('tenant_id', 'kind', name=op.f('uq_im_app_tenant_id_kind'))
    )
    with op.batch_alter_table('im_app', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_im_app_tenant_id'), ['tenant_id'], unique=False)
    # same ids: the audit log's older entries (entity `wecom_app`) keep pointing at the app
    op.execute(
        "INSERT INTO im_app (id, tenant_id, kind, app_id, agent_id, org_id, secret_ciphertext,"
        " match_field, updated_at) SELECT id, tenant_id, 'wecom', corp_id, agent_id, '',"
        " secret_ciphertext, match_field, updated_at FROM wecom_app"
    )
    _restart_ids('im_app')
    _drop('wecom_app')


def downgrade() -> None:
    _create_wecom_app()
    op.execute(
        "INSERT INTO wecom_app (id, tenant_id, corp_id, agent_id, secret_ciphertext,"
        " match_field, updated_at) SELECT id, tenant_id, app_id, agent_id, secret_ciphertext,"
        " CASE WHEN match_field = 'phone' THEN 'phone' ELSE 'employee_no' END, updated_at"
        " FROM im_app WHERE kind = 'wecom'"
    )
    _restart_ids('wecom_app')
    _drop('im_app')
