"""The LAN cabinets of this deployment, driven for as long as it runs. The registered ones are
read again every RESCAN_S: a cabinet registered, re-wired or given new credentials in the console
is driven (again) within that time, and one decommissioned or put back to firmware stops. One
cabinet's driver failing never takes the others down; it is started again at the next rescan.
`make run` runs this beside its gateway (LAN_DRIVER, app/core/config.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.cabinets.services.lan import LanCabinetSpec, lan_cabinets
from app.core.db import session_scope
from hardware.firmware import CabinetIdentity
from hardware.lan.driver import LanCabinet

logger = logging.getLogger(__name__)
RESCAN_S = 30.0
STOP_WAIT_S = 10.0


def build(
    spec: LanCabinetSpec,
    *,
    broker: tuple[str, int],
    outbox_dir: Path,
    poll_s: float = 0.2,
    heartbeat_s: float = 30.0,
) -> LanCabinet:
    """The driver of one registered LAN cabinet, with its own outbox file."""
    outbox_dir.mkdir(parents=True, exist_ok=True)
    identity = CabinetIdentity(spec.tenant, spec.code, spec.mqtt_username, spec.secret)
    return LanCabinet(
        identity,
        broker=broker,
        outbox_path=outbox_dir / f"{spec.code}.sqlite",
        controller=spec.controller,
        poll_s=poll_s,
        heartbeat_s=heartbeat_s,
    )


def registered() -> list[LanCabinetSpec]:
    with session_scope() as session:
        return lan_cabinets(session=session)


@dataclass
class _Driven:
    spec: LanCabinetSpec
    halt: asyncio.Event
    task: asyncio.Task[Any]


class LanSupervisor:
    def __init__(
        self,
        *,
        broker: tuple[str, int],
        outbox_dir: Path,
        read: Callable[[], list[LanCabinetSpec]] = registered,
        rescan_s: float = RESCAN_S,
        poll_s: float = 0.2,
        heartbeat_s: float = 30.0,
    ) -> None:
        self.broker, self.outbox_dir, self.read = broker, outbox_dir, read
        self.rescan_s, self.poll_s, self.heartbeat_s = rescan_s, poll_s, heartbeat_s
        self.driven: dict[int, _Driven] = {}
        self.drivers: dict[int, LanCabinet] = {}  # the latest driver of each cabinet

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                try:
                    wanted = await asyncio.to_thread(self.read)
                except Exception:  # the database: try again at the next rescan
                    logger.exception("could not read the LAN cabinets")
                else:
                    await self.follow(wanted)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.rescan_s)
        finally:
            await self._stop(list(self.driven))

    async def follow(self, wanted: list[LanCabinetSpec]) -> None:
        """Stop what is no longer registered as it was (or has failed), start what is new."""
        specs = {spec.cabinet_id: spec for spec in wanted}
        await self._stop(
            [
                cabinet_id
                for cabinet_id, driven in self.driven.items()
                if specs.get(cabinet_id) != driven.spec or driven.task.done()
            ]
        )
        for cabinet_id, spec in specs.items():
            if cabinet_id not in self.driven:
                self._start(spec)

    def _start(self, spec: LanCabinetSpec) -> None:
        driver = build(
            spec,
            broker=self.broker,
            outbox_dir=self.outbox_dir,
            poll_s=self.poll_s,
            heartbeat_s=self.heartbeat_s,
        )
        halt = asyncio.Event()
        self.drivers[spec.cabinet_id] = driver
        self.driven[spec.cabinet_id] = _Driven(
            spec, halt, asyncio.create_task(self._drive(spec.code, driver, halt))
        )
        logger.info("driving LAN cabinet %s", spec.code)

    @staticmethod
    async def _drive(code: str, driver: LanCabinet, halt: asyncio.Event) -> None:
        try:
            await driver.run(halt)
        except Exception:
            logger.exception("LAN cabinet %s stopped; started again at the next rescan", code)

    async def _stop(self, cabinet_ids: list[int]) -> None:
        stopping = [self.driven.pop(cabinet_id) for cabinet_id in cabinet_ids]
        for driven in stopping:
            driven.halt.set()
        if stopping:
            await asyncio.wait([d.task for d in stopping], timeout=STOP_WAIT_S)
        for driven in stopping:
            driven.task.cancel()
            logger.info("stopped driving LAN cabinet %s", driven.spec.code)
