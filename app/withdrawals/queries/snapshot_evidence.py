"""A door session's camera snapshots as evidence for a person: the stored image with the
detector's boxes and, per slot region, the slot's code and what the camera counted there —
drawn on the server, so the console and the phone show exactly what fusion was given."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, TypedDict

from PIL import Image
from sqlmodel import Session

from app.cabinets.models import Cabinet, CabinetSnapshot
from app.core.config import get_settings
from app.core.tenancy import TenantScope, get_scoped_or_raise, scoped_select
from app.org.services.users import person_of
from app.withdrawals.models import DoorSession
from app.withdrawals.services import camera
from vision.draw import Region, annotate, counts_text, jpeg


class ImageLink(TypedDict):
    url: str  # the annotated snapshot
    phase: str  # before | after
    camera: str


class CameraCount(TypedDict):
    slot: str
    before: str  # what the camera counted, in words
    after: str
    sure: bool  # both counts were sure


@dataclass(frozen=True)
class Picture:
    snapshot: str
    phase: str  # before | after
    camera: str


def pictures(identification: dict[str, Any] | None) -> list[Picture]:
    """The snapshots the detector looked at for a session, before first."""
    phases = ((identification or {}).get("vision") or {}).get("phases") or {}
    found = [Picture(s, phase, cam) for s, (phase, cam) in phases.items()]
    return sorted(found, key=lambda p: (p.phase != "before", p.camera))


def image_links(door_id: int | None, identification: dict[str, Any] | None) -> list[ImageLink]:
    """The console's links to a session's annotated snapshots, before first."""
    return [
        ImageLink(
            url=f"/api/doors/{door_id}/snapshots/{p.snapshot}.jpg",
            phase=p.phase,
            camera=p.camera,
        )
        for p in pictures(identification)
    ]


def camera_counts(identification: dict[str, Any] | None) -> list[CameraCount]:
    """Per slot the camera counted: before, after, and whether both counts were sure."""
    slots = ((identification or {}).get("vision") or {}).get("slots") or {}
    return [
        CameraCount(
            slot=code,
            before=counts_text(entry.get("before", {})),
            after=counts_text(entry.get("after", {})),
            sure=bool(entry.get("before_sure") and entry.get("after_sure")),
        )
        for code, entry in sorted(slots.items())
    ]


def changed_slots(identification: dict[str, Any] | None) -> set[str]:
    """The slots whose camera count changed over the visit: where the person took from."""
    slots = ((identification or {}).get("vision") or {}).get("slots") or {}
    return {code for code, e in slots.items() if e.get("before", {}) != e.get("after", {})}


def own_after_picture(identification: dict[str, Any] | None) -> Picture | None:
    """For the person's phone: the after image of the camera that saw their slots change (the
    first camera's when none did)."""
    after = [p for p in pictures(identification) if p.phase == "after"]
    slots = ((identification or {}).get("vision") or {}).get("slots") or {}
    cameras = {slots[code].get("camera") for code in changed_slots(identification)}
    return next((p for p in after if p.camera in cameras), after[0] if after else None)


def _crop(image: Image.Image, polygons: list[list[list[float]]], margin: int = 8) -> Image.Image:
    xs = [x for polygon in polygons for x, _ in polygon]
    ys = [y for polygon in polygons for _, y in polygon]
    box = (
        max(0, int(min(xs)) - margin),
        max(0, int(min(ys)) - margin),
        min(image.width, int(max(xs)) + margin),
        min(image.height, int(max(ys)) + margin),
    )
    return image.crop(box)


def annotated_snapshot(
    *,
    session: Session,
    scope: TenantScope,
    door_id: int,
    snapshot: str,
    account_id: int | None = None,
) -> bytes | None:
    """The annotated JPEG of one of the session's snapshots; None if it is not one of them or
    its file is gone (past the tenant's retention). With `account_id` (the person's phone):
    only the person's own session's after image, cut to the slots that changed."""
    door = get_scoped_or_raise(session, DoorSession, door_id, scope)
    shot = next((p for p in pictures(door.identification) if p.snapshot == snapshot), None)
    if account_id is not None:
        mine = person_of(session, scope, account_id).id == door.user_id
        if not mine or shot is None or shot.phase != "after":
            return None
    if shot is None:
        return None
    row = session.exec(
        scoped_select(CabinetSnapshot, scope).where(
            CabinetSnapshot.cabinet_id == door.cabinet_id, CabinetSnapshot.snapshot_id == snapshot
        )
    ).first()
    path = get_settings().data_dir / row.path if row is not None else None
    if path is None or not path.exists():
        return None
    vision = (door.identification or {}).get("vision") or {}
    polygons = {  # the regions of the slots this snapshot's camera sees (each slot has one)
        s.code: s.camera_region
        for s in camera.camera_slots(session, session.get_one(Cabinet, door.cabinet_id))
        if s.camera == shot.camera and s.camera_region
    }
    regions: list[Region] = [
        (code, polygons[code], entry.get(shot.phase, {}))
        for code, entry in (vision.get("slots") or {}).items()
        if code in polygons
    ]
    found = (vision.get("seen") or {}).get(snapshot, [])
    with Image.open(path) as image:
        if account_id is None:
            return annotate(image, found, regions)
        own = [r for r in regions if r[0] in changed_slots(door.identification)] or regions
        drawn = Image.open(io.BytesIO(annotate(image, found, own)))
        return jpeg(_crop(drawn, [polygon for _, polygon, _ in own]))
