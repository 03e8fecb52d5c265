"""The cabinets of a drill and the count that ends it.

Each cabinet runs the real firmware's connection and outbox (hardware/firmware.py: every event
kept until the cloud's msg.ack, resent with its id and seq after any loss) and closes its door
once, having taken a known number of units. The verdict reads the database: every door decided,
each withdrawal exactly what was taken, every door.closed stored once and applied once, the
ledger reconciled with the stock; and every cabinet's outbox empty (every message acknowledged).
"""

from __future__ import annotations

import asyncio
import random
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from app.cabinets.models import DeviceMessage
from app.core.db import make_engine
from app.core.tenancy import TenantScope
from app.inventory.models import Stock
from app.inventory.services.inventory import reconcile_ledger
from app.withdrawals.models import DoorSession, Withdrawal
from hardware.firmware import CabinetFirmware, CabinetIdentity
from hardware.protocol.messages import now_ms
from tests.bench.door_close_fleet import STOCK, UNIT_G, World, build_world, open_doors

__all__ = ["STOCK", "DrillFleet", "Verdict", "build_world", "open_doors", "verdict"]


class DrillCabinet(CabinetFirmware):
    """The firmware's connection, outbox and answers; no scales of its own (the door.closed
    body carries the readings the drill decides)."""

    firmware = "drill-1.0"
    hardware = "drill"

    async def read_scales(self) -> list:
        return []


def taken_at(n: int) -> dict[str, int]:
    """What the person at the n-th cabinet takes: at least one unit, never the same mix."""
    return {"A1": 1 + n % 2, "A2": int(n % 3 == 0), "A3": int(n % 5 == 0)}


def closed_body(door_id: int, taken: dict[str, int]) -> dict:
    """Steady readings, before and after, of exactly what was taken (no noise: a drill counts
    what the pipeline loses or doubles, not what weighing cannot tell)."""
    readings = [
        {
            "slot": slot,
            "before_mg": round((STOCK * grams + 400) * 1000),
            "after_mg": round(((STOCK - taken.get(slot, 0)) * grams + 400) * 1000),
            "stable": True,
        }
        for slot, grams in UNIT_G.items()
    ]
    body = {"session": f"ds{door_id}", "at": now_ms(), "open_ms": 4000, "readings": readings}
    return body | {"rfid": []}


@dataclass
class DrillFleet:
    world: World
    doors: dict[int, int]  # cabinet id → its open door session
    broker: tuple[str, int]
    directory: Path

    def __post_init__(self) -> None:
        self.cabinets = [
            DrillCabinet(
                CabinetIdentity(self.world.tenant_code, c.code, c.mqtt_username, c.secret),
                broker=self.broker,
                outbox_path=self.directory / f"{c.code}.outbox.sqlite",
                heartbeat_s=15.0,
            )
            for c in self.world.cabinets
        ]
        for cabinet in self.cabinets:
            cabinet.door = "open"  # each has its door open, a person at the shelves
        self._stop = asyncio.Event()
        self._running: list[asyncio.Task] = []

    async def __aenter__(self) -> DrillFleet:
        self._running = [asyncio.create_task(c.run(self._stop)) for c in self.cabinets]
        async with asyncio.timeout(60):
            await asyncio.gather(*(c.connected.wait() for c in self.cabinets))
        return self

    async def __aexit__(self, *exc) -> None:
        self._stop.set()
        async with AsyncExitStack():
            await asyncio.wait(self._running, timeout=30)

    async def close_doors(self, window_s: float, seed: int = 7) -> None:
        """Every door closed once, at random moments of the window (returns when all are)."""
        rng = random.Random(seed)

        async def close(n: int, cabinet: DrillCabinet) -> None:
            await asyncio.sleep(rng.uniform(0, window_s))
            door = self.doors[self.world.cabinets[n].cabinet_id]
            cabinet.door = "closed"
            cabinet.record("door.closed", closed_body(door, taken_at(n)))

        await asyncio.gather(*(close(n, c) for n, c in enumerate(self.cabinets)))

    def unacknowledged(self) -> int:
        return sum(c.outbox.depth() for c in self.cabinets)

    async def all_acknowledged(self, within_s: float) -> None:
        async with asyncio.timeout(within_s):
            while self.unacknowledged():  # noqa: ASYNC110 - the outboxes live in this loop
                await asyncio.sleep(0.2)


@dataclass(frozen=True)
class Verdict:
    doors: int
    decided: int
    committed: int
    withdrawals: int
    wrong_withdrawals: int  # a withdrawal whose quantity is not what was taken
    closes_stored: int  # door.closed rows (unique per cabinet and message id)
    unapplied: int  # device messages still `accepted` (or `failed`)
    ledger_mismatches: int
    stock_mismatches: int

    @property
    def clean(self) -> bool:
        return (
            self.decided == self.committed == self.withdrawals == self.closes_stored == self.doors
            and self.wrong_withdrawals == self.unapplied == 0
            and self.ledger_mismatches == self.stock_mismatches == 0
        )

    def __str__(self) -> str:
        return (
            f"{self.doors} doors: {self.decided} decided, {self.committed} committed, "
            f"{self.withdrawals} withdrawals ({self.wrong_withdrawals} wrong), "
            f"{self.closes_stored} door.closed stored, {self.unapplied} unapplied, "
            f"ledger mismatches {self.ledger_mismatches}, stock mismatches {self.stock_mismatches}"
        )


def decided(url: str, doors: dict[int, int]) -> int:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return session.exec(
                select(func.count()).where(
                    DoorSession.id.in_(list(doors.values())),
                    DoorSession.status.in_(("committed", "exception")),
                )
            ).one()
    finally:
        engine.dispose()


def unapplied(url: str, tenant_id: int) -> int:
    """The tenant's stored messages not (yet) applied."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return session.exec(
                select(func.count()).where(
                    DeviceMessage.tenant_id == tenant_id, DeviceMessage.status != "processed"
                )
            ).one()
    finally:
        engine.dispose()


def verdict(url: str, world: World, doors: dict[int, int]) -> Verdict:
    engine = make_engine(url)
    door_ids = list(doors.values())
    expected = {
        doors[c.cabinet_id]: sum(taken_at(n).values()) for n, c in enumerate(world.cabinets)
    }
    try:
        with Session(engine) as session:
            statuses = session.exec(
                select(DoorSession.status).where(DoorSession.id.in_(door_ids))
            ).all()
            withdrawn = session.exec(
                select(Withdrawal.door_session_id, Withdrawal.total_qty).where(
                    Withdrawal.door_session_id.in_(door_ids)
                )
            ).all()
            messages = session.exec(
                select(DeviceMessage.type, DeviceMessage.status).where(
                    DeviceMessage.tenant_id == world.tenant_id
                )
            ).all()
            mismatches = reconcile_ledger(
                session=session, scope=TenantScope.single(world.tenant_id)
            )
            stock = session.exec(
                select(func.sum(Stock.quantity)).where(Stock.tenant_id == world.tenant_id)
            ).one()
    finally:
        engine.dispose()
    taken_total = sum(expected.values())
    return Verdict(
        doors=len(door_ids),
        decided=sum(s in ("committed", "exception") for s in statuses),
        committed=statuses.count("committed"),
        withdrawals=len(withdrawn),
        wrong_withdrawals=sum(qty != expected[door] for door, qty in withdrawn),
        closes_stored=sum(kind == "door.closed" for kind, _ in messages),
        unapplied=sum(status != "processed" for _, status in messages),
        ledger_mismatches=len(mismatches),
        stock_mismatches=int(stock != STOCK * len(UNIT_G) * len(world.cabinets) - taken_total),
    )
