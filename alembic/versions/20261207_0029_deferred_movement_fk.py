"""movement → withdrawal checked at commit: a job's door closes write their withdrawals and
movements in one flush, in whichever order the ORM picks

Revision ID: 0029_deferred_movement_fk
Revises: 0028_unapplied_messages
Create Date: 2026-12-07 13:20:00
"""

from collections.abc import Sequence

from alembic import op

from app.core.append_only import create_append_only_triggers, drop_append_only_triggers

revision: str = "0029_deferred_movement_fk"
down_revision: str | None = "0028_unapplied_messages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "fk_stock_movement_withdrawal_id_withdrawal"


def _sqlite(deferred: bool) -> None:
    """SQLite alters a constraint by copying the table, which drops its append-only triggers:
    they are made again on the copy."""
    with op.batch_alter_table("stock_movement", recreate="always") as batch:
        batch.drop_constraint(NAME, type_="foreignkey")
        batch.create_foreign_key(
            NAME,
            "withdrawal",
            ["withdrawal_id"],
            ["id"],
            ondelete="RESTRICT",
            deferrable=True if deferred else None,
            initially="DEFERRED" if deferred else None,
        )
    drop_append_only_triggers(("stock_movement",))
    create_append_only_triggers(("stock_movement",))


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE stock_movement ALTER CONSTRAINT {NAME} DEFERRABLE INITIALLY DEFERRED")
    else:
        _sqlite(deferred=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE stock_movement ALTER CONSTRAINT {NAME} NOT DEFERRABLE")
    else:
        _sqlite(deferred=False)
