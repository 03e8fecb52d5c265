"""What the `see_door` job calls (app/jobs.py): the pictures of a session waiting for the
camera, then its sight recorded and the session decided — or, once VISION_WAIT has passed
without all of its snapshots (or the detector failed), decided on weight and RFID alone."""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, datetime

from PIL import Image
from sqlmodel import Session, col

from app.cabinets.models import Cabinet
from app.core.model_base import pk
from app.core.tenancy import TenantScope, scoped_select
from app.withdrawals.models import DoorSession, SessionStatus, session_ref
from app.withdrawals.services import camera, closing
from vision.detector import Detection, shared_detector

IMAGE_BUDGET_S = 1.0  # per image on the CPU (the model takes ~40 ms); past it, weight decides
MAX_WAITING = 500  # sessions looked at per sweep


def _waiting_door(session: Session, door_id: int) -> DoorSession | None:
    door = session.get(DoorSession, door_id)
    if door is None or door.status != SessionStatus.closed.value or not camera.waiting(door):
        return None
    return door


def waiting_doors(*, session: Session) -> list[int]:
    """Sessions waiting for the camera (the job is started for each after a device batch)."""
    closed = session.exec(
        scoped_select(DoorSession, TenantScope.platform())
        .where(DoorSession.status == SessionStatus.closed.value)
        .order_by(col(DoorSession.id))
        .limit(MAX_WAITING)
    ).all()
    return [pk(d) for d in closed if camera.waiting(d)]


def pictures_of(
    *, session: Session, door_id: int, now: datetime | None = None
) -> list[camera.Picture] | str:
    """The pictures to look at; or "wait" (not all arrived yet), "done" (nothing to do), or
    "overdue" (they did not come in time: decide without them, `end_sight`)."""
    door = _waiting_door(session, door_id)
    if door is None:
        return "done"
    shots = camera.pictures(session, door)
    if shots is not None:
        return shots
    return "overdue" if camera.overdue(door, now or datetime.now(UTC)) else "wait"


def _decide(session: Session, door: DoorSession) -> str:
    cabinet = session.get_one(Cabinet, door.cabinet_id)
    return closing.decide(session, cabinet, door, ref=session_ref(door), may_reread=True)


def apply_sight(
    *,
    session: Session,
    door_id: int,
    shots: list[camera.Picture],
    seen: Mapping[str, list[Detection]],
    ms: Mapping[str, float],
) -> str:
    door = _waiting_door(session, door_id)
    if door is None:
        return "done"
    camera.record_sight(session, session.get_one(Cabinet, door.cabinet_id), door, shots, seen, ms)
    return _decide(session, door)


def end_sight(*, session: Session, door_id: int, why: str) -> str:
    door = _waiting_door(session, door_id)
    if door is None:
        return "done"
    camera.end_waiting(door, why)
    return _decide(session, door)


def end_overdue(*, session: Session, now: datetime | None = None) -> int:
    """The sweep's part: sessions whose snapshots never all came are decided without them."""
    now = now or datetime.now(UTC)
    ended = 0
    for door_id in waiting_doors(session=session):
        door = session.get_one(DoorSession, door_id)
        if camera.overdue(door, now) and camera.pictures(session, door) is None:
            end_sight(session=session, door_id=door_id, why="snapshots_missing")
            ended += 1
    return ended


def detect_all(
    shots: list[camera.Picture],
) -> tuple[dict[str, list[Detection]], dict[str, float]]:
    """Each picture's boxes and ms; TimeoutError past IMAGE_BUDGET_S an image (CPU, a thread)."""
    detector = shared_detector()
    seen: dict[str, list[Detection]] = {}
    ms: dict[str, float] = {}
    started = time.perf_counter()
    for shot in shots:
        began = time.perf_counter()
        with Image.open(shot.path) as image:
            seen[shot.snapshot] = detector.detect(image.convert("RGB"))
        ms[shot.snapshot] = (time.perf_counter() - began) * 1000
        if time.perf_counter() - started > IMAGE_BUDGET_S * len(shots):
            raise TimeoutError(f"{len(seen)} of {len(shots)} images in {ms}")
    return seen, ms
