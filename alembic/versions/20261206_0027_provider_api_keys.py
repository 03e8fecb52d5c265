"""provider api keys: a key owned by a service provider, reaching every company it serves

Revision ID: 0027_provider_api_keys
Revises: 0025_im_sign_in
Create Date: 2026-12-06 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027_provider_api_keys"
down_revision: str | None = "0025_im_sign_in"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.add_column(sa.Column("provider_id", sa.Integer(), nullable=True))
        batch_op.alter_column("tenant_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f("ix_api_key_provider_id"), ["provider_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_api_key_provider_id_service_provider"),
            "service_provider",
            ["provider_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_check_constraint(
            "one_owner", "(tenant_id IS NULL) <> (provider_id IS NULL)"
        )


def downgrade() -> None:
    op.execute("DELETE FROM api_key WHERE provider_id IS NOT NULL")
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_api_key_one_owner"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_api_key_provider_id_service_provider"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_api_key_provider_id"))
        batch_op.alter_column("tenant_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("provider_id")
