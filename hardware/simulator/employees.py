"""Employees at a simulated cabinet: badge, wait for the cloud to unlock (or use the offline
lease), open the door, take items off the scales (and their RFID tags out), close the door; the
controller reads the scales over Modbus and reports the visit (docs/protocol.md § 5)."""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from typing import Any

from hardware.firmware import SERIES, door_closed_readings
from hardware.simulator.cabinet import SimulatedCabinet

logger = logging.getLogger(__name__)


async def badge(
    cabinet: SimulatedCabinet, card: str, *, wait_s: float = 15.0
) -> dict[str, Any] | None:
    """Swipe a card; the door session's `by` once unlocked (cloud or lease), else None."""
    cabinet.unlocked.clear()
    cabinet.record("auth.card", {"card": card, "at": cabinet.now_ms()})
    try:
        await asyncio.wait_for(cabinet.unlocked.wait(), wait_s)
    except TimeoutError:
        return _by_lease(cabinet, card)
    unlock = cabinet.unlock
    if unlock is None or unlock.until_ms < cabinet.now_ms():
        return None
    return {"session": unlock.session, "by": unlock.by}


async def keypad(
    cabinet: SimulatedCabinet, ident: str, pin: str, *, wait_s: float = 15.0
) -> dict[str, Any] | None:
    """Type a card or employee number and a PIN; the door session's `by` once unlocked."""
    cabinet.unlocked.clear()
    cabinet.record("auth.pin", {"pin": pin, "card": ident, "at": cabinet.now_ms()})
    try:
        await asyncio.wait_for(cabinet.unlocked.wait(), wait_s)
    except TimeoutError:
        return None
    unlock = cabinet.unlock
    return {"session": unlock.session, "by": unlock.by} if unlock else None


def _by_lease(cabinet: SimulatedCabinet, card: str) -> dict[str, Any] | None:
    lease = cabinet.outbox.setting("lease")
    if not lease or lease["valid_until"] < cabinet.now_ms():
        return None
    if not any(entry["card"] == card for entry in lease["cards"]):
        return None
    session = "L" + uuid.uuid4().hex[:20]
    return {"session": session, "by": {"method": "lease_card", "ref": card}}


async def open_take_close(
    cabinet: SimulatedCabinet,
    door: dict[str, Any],
    take: dict[str, int],
    *,
    unit_g: dict[str, float],
    hold_s: float = 0.5,
) -> dict[str, Any]:
    """One door session: `take` is units per slot (negative puts back/restocks)."""
    baseline_at = cabinet.now_ms()
    before = await cabinet.read_scales()
    shots_before = await _snap(cabinet, "before", door["session"], unit_g)
    opened = cabinet.now_ms()
    cabinet.door = "open"
    opening = {"session": door["session"], "at": opened, "by": door["by"]}
    if cabinet.tags:  # a cabinet with an RFID reader inventories its tags as the door opens
        opening["rfid"] = cabinet.rfid()
    cabinet.record("door.opened", opening)
    for slot, count in take.items():
        if slot in cabinet.bank.cells:
            cabinet.bank.cells[slot].change_load(-count * unit_g[slot])
        _move_tags(cabinet.tags.get(slot), count)
    await asyncio.sleep(hold_s)
    cabinet.door = "closed"
    closed = cabinet.now_ms()
    series = await cabinet.read_series(SERIES)
    shots_after = await _snap(cabinet, "after", door["session"], unit_g)
    body = {
        "session": door["session"],
        "at": closed,
        "open_ms": closed - opened,
        "readings": door_closed_readings(before, series, baseline_at),
        "rfid": cabinet.rfid(),
        "snapshot": None,
    }
    if shots_before and shots_after:  # uploaded before the close is told (§ 13)
        body["snapshots"] = {"before": shots_before, "after": shots_after}
    if not cabinet.mischief.happens("drops_close"):
        cabinet.record("door.closed", body)
    cabinet.unlock = None
    return body


async def _snap(
    cabinet: SimulatedCabinet, phase: str, session: str, unit_g: dict[str, float]
) -> list[str]:
    """The cabinet's cameras' pictures of what lies on its scales now (none without cameras)."""
    if cabinet.cameras is None:
        return []
    units = {
        slot: int((cell.load_g - cell.tray_g) / unit_g[slot] + 0.5)
        for slot, cell in cabinet.bank.cells.items()
        if slot in unit_g
    }
    return await cabinet.cameras.snap(cabinet, phase, session, units)


def _move_tags(tagged: list[str] | None, count: int) -> None:
    """Units taken leave with their tags; units put in bring new ones (the next serials)."""
    if not tagged:
        return
    if count >= 0:
        del tagged[:count]
        return
    prefix, width = tagged[-1][:-8], 8
    last = max(int(tag[-width:], 16) for tag in tagged)
    tagged.extend(f"{prefix}{last + n:0{width}X}" for n in range(1, -count + 1))


async def play(
    cabinet: SimulatedCabinet,
    *,
    cards: list[str],
    unit_g: dict[str, float],
    visits_per_min: float,
    stop: asyncio.Event,
    rng: random.Random | None = None,
) -> int:
    """Employees arriving at random (Poisson) and taking one to three units; returns visits."""
    rng = rng or random.Random()
    visits = 0
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), rng.expovariate(visits_per_min / 60))
            break
        except TimeoutError:
            pass
        visit = asyncio.create_task(_one_visit(cabinet, rng.choice(cards), unit_g, rng))
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({visit, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not visit.done():  # stopped mid-visit: the cabinet is powering off
            visit.cancel()
            await asyncio.gather(visit, return_exceptions=True)
            break
        visits += visit.result()
    return visits


async def _one_visit(
    cabinet: SimulatedCabinet, card: str, unit_g: dict[str, float], rng: random.Random
) -> int:
    door = await badge(cabinet, card)
    if door is None:
        logger.info("%s: nobody opened the door for this card", cabinet.identity.code)
        return 0
    units = {
        slot: int((cell.load_g - cell.tray_g) / unit_g[slot] + 0.5)
        for slot, cell in cabinet.bank.cells.items()
    }
    stocked = [slot for slot, n in units.items() if n > 0]
    if not stocked:
        return 0
    slot = rng.choice(stocked)
    count = min(rng.randint(1, 3), units[slot])
    await open_take_close(cabinet, door, {slot: count}, unit_g=unit_g)
    return 1
