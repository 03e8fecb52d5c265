"""Running a fleet of simulated cabinets until stopped (the CLI and `make run` use this)."""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass, field
from pathlib import Path

from hardware.simulator.cabinet import SimulatedCabinet
from hardware.simulator.camera import CabinetCameras
from hardware.simulator.employees import play
from hardware.simulator.fleet import SimulatedSpec, rfid_tags
from hardware.simulator.mischief import Mischief

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FleetOptions:
    broker: tuple[str, int]
    outbox_dir: Path
    visits_per_min: float = 0.5  # per cabinet; 0: nobody comes
    heartbeat_s: float = 30.0
    clock_skew_ms: int = 0
    misbehave: frozenset[str] = field(default_factory=frozenset)
    misbehave_rate: float = 0.05
    api_url: str | None = None  # the cloud's HTTP address: cabinets with cameras post there


def build_cabinet(spec: SimulatedSpec, options: FleetOptions, seed: int) -> SimulatedCabinet:
    options.outbox_dir.mkdir(parents=True, exist_ok=True)
    return SimulatedCabinet(
        spec.identity,
        broker=options.broker,
        outbox_path=options.outbox_dir / f"{spec.identity.code}.sqlite",
        cells=spec.cells(seed),
        tags=spec.tags if spec.tags is not None else rfid_tags(spec.identity.code),
        clock_skew_ms=options.clock_skew_ms,
        heartbeat_s=options.heartbeat_s,
        mischief=Mischief(options.misbehave, rate=options.misbehave_rate, rng=random.Random(seed)),
        cameras=CabinetCameras(options.api_url, list(spec.watched), seed + 17)
        if options.api_url and spec.watched
        else None,
    )


async def run_fleet(specs: list[SimulatedSpec], options: FleetOptions, stop: asyncio.Event) -> None:
    cabinets = [build_cabinet(spec, options, seed) for seed, spec in enumerate(specs)]
    logger.info("simulating %s cabinets on %s:%s", len(cabinets), *options.broker)
    async with asyncio.TaskGroup() as group:
        for cabinet, spec in zip(cabinets, specs, strict=True):
            group.create_task(cabinet.run(stop))
            if options.visits_per_min > 0:
                group.create_task(
                    play(
                        cabinet,
                        cards=spec.cards,
                        unit_g=spec.unit_g,
                        visits_per_min=options.visits_per_min,
                        stop=stop,
                    )
                )
