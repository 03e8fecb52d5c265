"""The restore drill, on SQLite and on PostgreSQL: the demo world, a backup made while visits
keep being committed, restored into a new database — every figure as in the backup's snapshot,
the ledger reconciled, withdrawals equal to their lines, the audit log whole and still
append-only — and the app serves the restored data (/api/v1 with a key made there)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.api.v1 import build_v1
from app.api.v1.context import ApiSettings
from app.apikeys.service import create_key
from app.audit.services.records import SYSTEM
from app.backup.services import backup as service
from app.backup.services.backup import BackupConfig
from app.cabinets.models import Cabinet, Slot
from app.core.db import make_engine, session_scope
from app.core.tenancy import TenantScope
from app.demo.services.catalogue import DEMO_MARKER_TENANT
from app.demo.services.demo import seed_demo
from app.inventory.models import Stock
from app.items.models import Item
from app.org.models import User
from app.tenants.models import Tenant
from app.withdrawals.models import Withdrawal
from tests.backup.conftest import KEY, T0, take_one

SEEDED = datetime(2026, 11, 24, 7, 30, tzinfo=UTC)


def _demo_world(engine: Engine) -> dict:
    with session_scope(engine) as session:
        seed_demo(session=session, now=SEEDED)
    with Session(engine, expire_on_commit=False) as session:
        tenant = session.exec(select(Tenant).where(Tenant.code == DEMO_MARKER_TENANT)).one()
        cabinet = session.exec(select(Cabinet).where(Cabinet.tenant_id == tenant.id)).first()
        stock = session.exec(
            select(Stock).where(Stock.cabinet_id == cabinet.id).order_by(Stock.id)
        ).first()
        person = session.exec(select(User).where(User.tenant_id == tenant.id)).first()
        return {"tenant": tenant.id, "cabinet": cabinet, "person": person,
                "slot": session.get(Slot, stock.slot_id),
                "item": session.get(Item, stock.item_id)}  # fmt: skip


class Writer(threading.Thread):
    """Commits visits one after another until stopped; counts them, keeps any error."""

    def __init__(self, engine: Engine, world: dict) -> None:
        super().__init__(daemon=True)
        self.engine, self.world = engine, world
        self.done, self.error = 0, None
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                take_one(self.engine, self.world)
                self.done += 1
        except Exception as error:  # reported by the test
            self.error = error

    def wait_for(self, count: int) -> None:
        for _ in range(600):
            if self.done >= count or self.error:
                return
            self.stop.wait(0.05)


def _withdrawals(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Withdrawal)).one()


async def _serves(engine: Engine, tenant_id: int) -> list[int]:
    with session_scope(engine) as session:
        _, key = create_key(session=session, scope=TenantScope.single(tenant_id),
                            tenant_id=tenant_id, name="drill", scopes=["withdrawals:read"],
                            expires_at=None, actor=SYSTEM)  # fmt: skip
    app = build_v1(ApiSettings(engine=engine, buckets=None))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://restored") as http:
        reply = await http.get(
            "/withdrawals", params={"limit": 20}, headers={"Authorization": f"Bearer {key}"}
        )
    assert reply.status_code == 200, reply.text
    return [row["id"] for row in reply.json()["data"]]


async def test_backup_under_writes_restores_whole_and_serves(
    engine: Engine, target_url: str, tmp_path
) -> None:
    world = _demo_world(engine)
    config = BackupConfig(directory=tmp_path / "backups", keep=3, key=KEY)
    writer = Writer(engine, world)
    writer.start()
    try:
        writer.wait_for(5)
        before = _withdrawals(engine)
        made = service.backup_and_prune(
            database_url=engine.url.render_as_string(hide_password=False), config=config, now=T0
        )
        after = _withdrawals(engine)
        writer.wait_for(writer.done + 5)  # and the writes go on after the snapshot
    finally:
        writer.stop.set()
        writer.join(30)
    assert writer.error is None, writer.error
    figures = made.manifest.figures
    assert before <= figures.tables["withdrawal"] <= after < _withdrawals(engine)

    report = service.restore(backup=made, target_url=target_url, config=config, create=True)
    assert report.ok, report.findings.problems
    found = report.findings
    assert found.figures.tables == figures.tables  # every table, as in the snapshot
    assert found.ledger_mismatches == 0 and found.totals_mismatches == 0
    assert found.figures.audit == figures.audit and figures.audit.count > 0

    restored = make_engine(target_url)
    try:
        with restored.connect() as conn:
            expected = (
                conn.execute(
                    text(
                        "SELECT id FROM withdrawal WHERE tenant_id = :t ORDER BY created_at, id "
                        "LIMIT 20"
                    ),
                    {"t": world["tenant"]},
                )
                .scalars()
                .all()
            )
        assert await _serves(restored, world["tenant"]) == expected and expected
        guarded = pytest.raises(Exception, match="append-only")  # the log stays append-only
        with guarded, restored.begin() as conn:
            conn.execute(text("DELETE FROM audit_log"))
    finally:
        restored.dispose()
