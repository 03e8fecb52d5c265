"""A door session's camera snapshots as evidence for a person: the stored image with the
detector's boxes and, per slot region, the slot's code and what the camera counted there —
drawn on the server, so the console and the phone show exactly what fusion was given."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont
from sqlmodel import Session

from app.cabinets.models import Cabinet, CabinetSnapshot
from app.core.config import get_settings
from app.core.tenancy import TenantScope, get_scoped_or_raise, scoped_select
from app.withdrawals import camera
from app.withdrawals.models import DoorSession

FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
REGION = (255, 200, 0)
BOX = (0, 220, 90)
DOUBTFUL = (255, 90, 60)


@dataclass(frozen=True)
class Picture:
    snapshot: str
    phase: str  # before | after
    camera: str


def pictures(identification: dict | None) -> list[Picture]:
    """The snapshots the detector looked at for a session, before first."""
    phases = ((identification or {}).get("vision") or {}).get("phases") or {}
    found = [Picture(s, phase, cam) for s, (phase, cam) in phases.items()]
    return sorted(found, key=lambda p: (p.phase != "before", p.camera))


def _font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.truetype(FONT_PATH, size)
    except OSError:
        return ImageFont.load_default()


def camera_counts(identification: dict | None) -> list[dict]:
    """Per slot the camera counted: before, after, and whether both counts were sure."""
    slots = ((identification or {}).get("vision") or {}).get("slots") or {}
    return [
        {
            "slot": code,
            "before": _counts_text(entry.get("before", {})),
            "after": _counts_text(entry.get("after", {})),
            "sure": bool(entry.get("before_sure") and entry.get("after_sure")),
        }
        for code, entry in sorted(slots.items())
    ]


def _counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} ×{n}" for name, n in sorted(counts.items())) or "—"


def annotate(
    image: Image.Image,
    detections: list[dict],
    regions: list[tuple[str, list[list[float]], dict[str, int]]],
    counted: float = 0.5,
) -> bytes:
    """The image with each region (code and counts) and each box (class and confidence)."""
    image = image.convert("RGB")
    draw = ImageDraw.Draw(image)
    small, label = _font(11), _font(13)
    for code, polygon, counts in regions:
        draw.polygon([tuple(p) for p in polygon], outline=REGION, width=2)
        x, y = polygon[0]
        text = f"{code}: {_counts_text(counts)}"
        draw.rectangle(draw.textbbox((x + 3, y + 3), text, font=label), fill=(0, 0, 0))
        draw.text((x + 3, y + 3), text, fill=REGION, font=label)
    for d in detections:
        colour = BOX if d["confidence"] >= counted else DOUBTFUL
        x0, y0, x1, y1 = d["box"]
        draw.rectangle((x0, y0, x1, y1), outline=colour, width=2)
        caption = f"{d['name']} {d['confidence']:.2f}"
        draw.text((x0 + 2, max(0, y0 - 12)), caption, fill=colour, font=small)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90, subsampling=0)  # thin coloured lines stay sharp
    return out.getvalue()


def annotated_snapshot(
    *, session: Session, scope: TenantScope, door_id: int, snapshot: str
) -> bytes | None:
    """The annotated JPEG of one of the session's snapshots; None if it is not one of them or
    its file is gone (past the tenant's retention)."""
    door = get_scoped_or_raise(session, DoorSession, door_id, scope)
    shot = next((p for p in pictures(door.identification) if p.snapshot == snapshot), None)
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
    slots = {s.code: s for s in camera.camera_slots(session, session.get(Cabinet, door.cabinet_id))}
    regions = [
        (code, slots[code].camera_region, entry.get(shot.phase, {}))
        for code, entry in (vision.get("slots") or {}).items()
        if code in slots and slots[code].camera == shot.camera
    ]
    with Image.open(path) as image:
        return annotate(image, (vision.get("seen") or {}).get(snapshot, []), regions)
