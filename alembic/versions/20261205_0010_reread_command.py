"""a re-read command: the cloud asks a cabinet to read unsettled scales again (protocol v1.1)

Revision ID: 0010_reread_command
Revises: 0009_scale_model
Create Date: 2026-12-05 14:00:00.000000
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0010_reread_command'
down_revision: str | None = '0009_scale_model'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = "kind IN ('unlock', 'lock', 'push_config', 'sync_lease', 'tare', 'reboot')"
AFTER = "kind IN ('unlock', 'lock', 'push_config', 'sync_lease', 'tare', 'reboot', 'reread')"


def _kinds(check: str) -> None:
    with op.batch_alter_table('device_command', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_device_command_kind_valid'), type_='check')
        batch_op.create_check_constraint(op.f('ck_device_command_kind_valid'), check)


def upgrade() -> None:
    _kinds(AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM device_command WHERE kind = 'reread'")
    _kinds(BEFORE)
