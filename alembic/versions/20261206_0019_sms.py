"""sms: each tenant's own SMS sender settings (SecretKey encrypted) and the log of alert texts
(the per-number limit counts it)

Revision ID: 0019_sms
Revises: 0018_tenant_onboarding
Create Date: 2026-12-06 01:47:00.588706
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = "0019_sms"
down_revision: str | None = "0018_tenant_onboarding"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sms_message",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("template_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("error_code", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("serial_no", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "purpose IN ('register', 'alert')", name=op.f("ck_sms_message_purpose_valid")
        ),
        sa.CheckConstraint(
            "status IN ('sent', 'failed', 'refused')", name=op.f("ck_sms_message_status_valid")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_sms_message_tenant_id_tenant"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_message")),
    )
    with op.batch_alter_table("sms_message", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sms_message_phone_created_at", ["phone", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sms_message_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "sms_settings",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("sdk_app_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("sign_name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("secret_id", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column(
            "secret_key_ciphertext", sqlmodel.sql.sqltypes.AutoString(length=512), nullable=False
        ),
        sa.Column("region", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("template_register", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("template_alert", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("endpoint", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("provider IN ('tencent')", name=op.f("ck_sms_settings_provider_valid")),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_sms_settings_tenant_id_tenant"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_settings")),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_sms_settings_tenant_id")),
    )
    with op.batch_alter_table("sms_settings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sms_settings_tenant_id"), ["tenant_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sms_settings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sms_settings_tenant_id"))

    op.drop_table("sms_settings")
    with op.batch_alter_table("sms_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sms_message_tenant_id"))
        batch_op.drop_index("ix_sms_message_phone_created_at")

    op.drop_table("sms_message")
