"""A backup directory, a second database to restore into (same dialect as the `engine`
fixture's, not yet created) and a small world with withdrawals made the real way."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from app.audit.services import audit
from app.backup.services.backup import BackupConfig
from app.core.db import session_scope
from app.inventory.models import MovementKind
from app.inventory.services.inventory import record_movement
from app.withdrawals.services.commit import commit
from tests.conftest import _drop_pg_database
from tests.factories import make_door_session
from tests.withdrawals.test_corrections import _world

KEY = "a-backup-key-of-at-least-32-characters!"
T0 = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


@pytest.fixture
def config(tmp_path: Path) -> BackupConfig:
    return BackupConfig(directory=tmp_path / "backups", keep=3)


@pytest.fixture
def target_url(empty_database_url: str, tmp_path: Path) -> Iterator[str]:
    """Where a restore goes: a database that does not exist yet, dropped afterwards."""
    if empty_database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    name = f"cabinet_test_{uuid.uuid4().hex[:10]}"
    yield empty_database_url.rsplit("/", 1)[0] + f"/{name}"
    _drop_pg_database(name)


def take_one(engine: Engine, world: dict) -> int:
    """One visit through the real path, in its own transaction: a restock of one and a
    withdrawal of one (commit: withdrawal, lines, ledger, quota), and an audited change."""
    tenant_id = world["tenant"]
    with session_scope(engine) as session:
        cabinet, person, slot, item = (
            session.merge(world[k]) for k in ("cabinet", "person", "slot", "item")
        )
        record_movement(session=session, tenant_id=tenant_id, cabinet_id=cabinet.id,
                        slot_id=slot.id, item_id=item.id, kind=MovementKind.restock,
                        quantity_delta=1)  # fmt: skip
        door = make_door_session(session, cabinet, person, auth_method="card", status="committed",
                                 closed_at=T0)  # fmt: skip
        made = commit(session, cabinet, door, [(slot, item, 1)])
        audit.record(session=session, action="drill.write", entity="withdrawal",
                     entity_id=made.id, tenant_id=tenant_id, actor_name="drill")  # fmt: skip
        return made.id


@pytest.fixture
def small_world(engine: Engine) -> dict:
    """One tenant, a cabinet with two stocked slots, a person; a few visits made."""
    with session_scope(engine) as session:
        tenant, cabinet, person, things, _ = _world(session)
        slot, item = things["A1"]
        world = {"tenant": tenant.id, "cabinet": cabinet, "person": person, "slot": slot,
                 "item": item}  # fmt: skip
    for _ in range(3):
        take_one(engine, world)
    return world
