"""sequence numbers are 64-bit: a cabinet's seq goes up to 2^53 - 1 (the protocol's maximum)

Revision ID: 0008_seq_bigint
Revises: 0007
Create Date: 2026-12-05 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008_seq_bigint'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return  # INTEGER is 64-bit there already (the models say so with a variant)
    with op.batch_alter_table('device_message', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=False)
    with op.batch_alter_table('cabinet', schema=None) as batch_op:
        batch_op.alter_column('last_seq', existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    with op.batch_alter_table('cabinet', schema=None) as batch_op:
        batch_op.alter_column('last_seq', existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=False)
    with op.batch_alter_table('device_message', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=False)
