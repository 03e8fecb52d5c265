"""The in-cabinet camera's part of a door session (pure service: a DB session in, no Reflex).

A `door.closed` that names its before and after snapshots (protocol § 13), on a cabinet whose
slots have camera regions, while a detector model is installed, waits for the camera: the
session stays `closed` with `identification.vision.asked_at` until the `see_door` job has run
the detector over the stored snapshots (`record_sight`: boxes per snapshot, counts per slot),
then it is decided with the camera as third voter. Snapshots that do not arrive within
VISION_WAIT, or a detector that fails, leave the decision to weight and RFID (`ended`), never
holding a visit back longer than that."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session, col

from app.cabinets.models import Cabinet, CabinetSnapshot, Slot
from app.core.config import get_settings
from app.core.tenancy import TenantScope, scoped_select
from app.withdrawals.models import DoorSession
from app.withdrawals.services.ident_vision import SlotSnapshot
from vision.detector import Detection, model_available
from vision.regions import Region, count_slots

VISION_WAIT = timedelta(seconds=20)  # then the session is decided without the camera
PHASES = ("before", "after")
# Sessions this process started waiting for the camera: the job layer starts a `see_door` for
# each once their unit of work has committed (app/jobs.start_seeing); the door-session sweep
# finds any this misses (a crash between the two).
just_waiting: set[int] = set()


@dataclass(frozen=True)
class Picture:
    snapshot: str
    phase: str
    camera: str
    path: Path


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def camera_slots(session: Session, cabinet: Cabinet) -> list[Slot]:
    slots = session.exec(
        scoped_select(Slot, TenantScope.single(cabinet.tenant_id)).where(
            Slot.cabinet_id == cabinet.id, col(Slot.camera).is_not(None)
        )
    ).all()
    return [s for s in slots if s.camera_region and len(s.camera_region) >= 3]


def named_snapshots(door: DoorSession) -> dict[str, list[str]]:
    named = ((door.identification or {}).get("closed") or {}).get("snapshots") or {}
    return {phase: list(named.get(phase) or []) for phase in PHASES}


def wanted(session: Session, cabinet: Cabinet, door: DoorSession) -> bool:
    """Whether this close waits for the camera (and has not had its answer yet)."""
    if "vision" in (door.identification or {}):
        return False
    named = named_snapshots(door)
    if not all(named[p] for p in PHASES) or not model_available():
        return False
    return bool(camera_slots(session, cabinet))


def start_waiting(door: DoorSession, now: datetime | None = None) -> None:
    asked = {"asked_at": _ms(now or datetime.now(UTC)), "snapshots": named_snapshots(door)}
    door.identification = (door.identification or {}) | {"vision": asked}
    if door.id is not None:
        just_waiting.add(door.id)


def waiting(door: DoorSession) -> bool:
    vision = (door.identification or {}).get("vision") or {}
    return bool(vision) and "slots" not in vision and "ended" not in vision


def overdue(door: DoorSession, now: datetime) -> bool:
    asked = ((door.identification or {}).get("vision") or {}).get("asked_at", 0)
    return bool(asked < _ms(now - VISION_WAIT))


def pictures(session: Session, door: DoorSession) -> list[Picture] | None:
    """The session's stored snapshots, or None while one it named has not arrived."""
    named = named_snapshots(door)
    wanted_ids = {s: p for p in PHASES for s in named[p]}
    rows = session.exec(
        scoped_select(CabinetSnapshot, TenantScope.single(door.tenant_id)).where(
            CabinetSnapshot.cabinet_id == door.cabinet_id,
            col(CabinetSnapshot.snapshot_id).in_(list(wanted_ids)),
        )
    ).all()
    if len(rows) < len(wanted_ids):
        return None
    root = get_settings().data_dir
    return [
        Picture(r.snapshot_id, wanted_ids[r.snapshot_id], r.camera, root / r.path) for r in rows
    ]


def _detection_json(d: Detection) -> dict[str, Any]:
    return {"name": d.name, "confidence": round(d.confidence, 3), "box": [round(v) for v in d.box]}


def _regions(slots: Iterable[Slot], camera: str) -> list[Region]:
    return [
        Region(s.code, tuple((float(x), float(y)) for x, y in s.camera_region or ()))
        for s in slots
        if s.camera == camera
    ]


def record_sight(
    session: Session,
    cabinet: Cabinet,
    door: DoorSession,
    shots: Sequence[Picture],
    seen: Mapping[str, list[Detection]],
    ms: Mapping[str, float],
) -> None:
    """The detector's boxes per snapshot and, per slot with a region, the counts before and
    after (a slot is sure only when both are)."""
    slots = camera_slots(session, cabinet)
    per_slot: dict[str, dict[str, Any]] = {}
    for shot in shots:
        for code, count in count_slots(seen[shot.snapshot], _regions(slots, shot.camera)).items():
            entry = per_slot.setdefault(code, {"camera": shot.camera})
            entry[shot.phase] = dict(count.counts)
            entry[f"{shot.phase}_sure"] = count.sure and entry.get(f"{shot.phase}_sure", True)
    vision = (door.identification or {}).get("vision") or {}
    door.identification = (door.identification or {}) | {
        "vision": vision
        | {
            "seen": {s: [_detection_json(d) for d in found] for s, found in seen.items()},
            "phases": {shot.snapshot: [shot.phase, shot.camera] for shot in shots},
            "ms": {s: round(v, 1) for s, v in ms.items()},
            "slots": per_slot,
        }
    }


def end_waiting(door: DoorSession, why: str) -> None:
    vision = (door.identification or {}).get("vision") or {}
    door.identification = (door.identification or {}) | {"vision": vision | {"ended": why}}


def slot_snapshots(door: DoorSession) -> dict[str, tuple[SlotSnapshot, SlotSnapshot]]:
    """Per slot the camera saw before and after: its counts by detector class."""
    slots = ((door.identification or {}).get("vision") or {}).get("slots") or {}
    return {
        code: (
            SlotSnapshot(entry["before"], entry.get("before_sure", False)),
            SlotSnapshot(entry["after"], entry.get("after_sure", False)),
        )
        for code, entry in slots.items()
        if "before" in entry and "after" in entry
    }
