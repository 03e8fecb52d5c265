"""per-scale noise model: each scale slot's indicator and what its idle readings taught it

Revision ID: 0009_scale_model
Revises: 0008_seq_bigint
Create Date: 2026-12-05 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0009_scale_model'
down_revision: str | None = '0008_seq_bigint'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # existing slots: the default indicator, nothing learned yet (server defaults fill them)
    with op.batch_alter_table('slot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('indicator', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False, server_default='default'))
        batch_op.add_column(sa.Column('noise_sigma_g', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('noise_samples', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('noise_dof', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('drift_g_per_min', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('drift_minutes', sa.Float(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('idle_mean_mg', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('idle_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('model_updated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_slot_scale_statistics_non_negative'),
            "noise_samples >= 0 AND noise_dof >= 0 AND drift_minutes >= 0",
        )


def downgrade() -> None:
    with op.batch_alter_table('slot', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_slot_scale_statistics_non_negative'), type_='check')
        for column in ('model_updated_at', 'idle_at', 'idle_mean_mg', 'drift_minutes',
                       'drift_g_per_min', 'noise_dof', 'noise_samples', 'noise_sigma_g',
                       'indicator'):
            batch_op.drop_column(column)
