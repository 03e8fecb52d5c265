"""Where each camera sees each slot (pure service, no Reflex): the polygon a slot occupies in its
camera's image, set from the cabinet page over the camera's latest snapshot, and that snapshot
with every region drawn so an installer can check them."""

from __future__ import annotations

import re
from typing import Any

from PIL import Image
from sqlmodel import Session, col

from app.audit.services.records import Actor, update_scoped
from app.cabinets.models import Cabinet, CabinetSnapshot, Slot, SlotKind
from app.cabinets.services.profiles import CAMERA_SIZE
from app.core.config import get_settings
from app.core.errors import ValidationError
from app.core.tenancy import TenantScope, get_scoped_or_raise, scoped_select
from vision.draw import annotate

CAMERA_ID = re.compile(r"^[a-z0-9_-]{1,16}$")
MAX_CORNERS = 12


def parse_polygon(text: str) -> list[list[int]]:
    """`"x,y x,y x,y …"` in the camera image's pixels: 3 to 12 corners inside the image."""
    corners = []
    for pair in text.replace(";", " ").split():
        x, _, y = pair.partition(",")
        if not (x.strip().isdigit() and y.strip().isdigit()):
            raise ValidationError("cabinets.region_invalid", field="region", corner=pair)
        corners.append([int(x), int(y)])
    width, height = CAMERA_SIZE
    if not 3 <= len(corners) <= MAX_CORNERS:
        raise ValidationError("cabinets.region_corners", field="region", count=len(corners))
    outside = next((c for c in corners if c[0] > width or c[1] > height), None)
    if outside is not None:
        corner = f"{outside[0]},{outside[1]}"
        raise ValidationError("cabinets.region_outside", field="region", corner=corner)
    return corners


def polygon_text(polygon: list[list[int]] | None) -> str:
    return " ".join(f"{x},{y}" for x, y in polygon or [])


def set_slot_region(
    *, session: Session, scope: TenantScope, slot_id: int, camera: str, region: str, actor: Actor
) -> Slot:
    """A scale slot's camera and region (audited); an empty camera takes the slot off camera."""
    slot = get_scoped_or_raise(session, Slot, slot_id, scope)
    if slot.kind != SlotKind.scale.value:
        raise ValidationError("cabinets.not_a_scale", field="camera", slot=slot.code)
    camera = camera.strip().lower()
    changes: dict[str, Any]
    if not camera:
        changes = {"camera": None, "camera_region": None}
    elif not CAMERA_ID.match(camera):
        raise ValidationError("cabinets.camera_invalid", field="camera", camera=camera)
    else:
        changes = {"camera": camera, "camera_region": parse_polygon(region)}
    return update_scoped(session, Slot, slot_id, scope, changes, actor=actor)


def cameras_of(session: Session, scope: TenantScope, cabinet_id: int) -> dict[str, list[Slot]]:
    """The cabinet's cameras and the slots each watches, by code."""
    slots = session.exec(
        scoped_select(Slot, scope)
        .where(Slot.cabinet_id == cabinet_id, col(Slot.camera).is_not(None))
        .order_by(Slot.code)
    ).all()
    out: dict[str, list[Slot]] = {}
    for slot in slots:
        if slot.camera is not None:  # so selected
            out.setdefault(slot.camera, []).append(slot)
    return out


def camera_view(
    *, session: Session, scope: TenantScope, cabinet_id: int, camera: str
) -> bytes | None:
    """The camera's latest snapshot with each of its slots' regions drawn; None without one."""
    get_scoped_or_raise(session, Cabinet, cabinet_id, scope)
    latest = session.exec(
        scoped_select(CabinetSnapshot, scope)
        .where(CabinetSnapshot.cabinet_id == cabinet_id, CabinetSnapshot.camera == camera)
        .order_by(col(CabinetSnapshot.id).desc())
    ).first()
    path = get_settings().data_dir / latest.path if latest is not None else None
    if path is None or not path.exists():
        return None
    slots = cameras_of(session, scope, cabinet_id).get(camera, [])
    with Image.open(path) as image:
        return annotate(image, [], [(s.code, s.camera_region or [], {}) for s in slots])
