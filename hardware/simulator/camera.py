"""A simulated cabinet's ceiling cameras: each draws its shelf from what really lies on its
slots (the scale bank's load, in units) with the training generator's look (vision/shelf.py)
but its own random stream, and uploads the JPEG over HTTP, signed (docs/protocol.md § 13).
The cloud is told only the snapshot ids, in `door.closed`."""

from __future__ import annotations

import asyncio
import io
import logging
import random
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hardware.snapshots import upload_snapshot
from vision.appearance import LOOKS
from vision.shelf import Scene, SlotContent, SlotRegion, render

if TYPE_CHECKING:
    from hardware.firmware import CabinetFirmware

logger = logging.getLogger(__name__)
WIDTH, HEIGHT = 640, 480
MM_PER_PX = (0.9, 1.3)  # the camera's mounting: what the detector was trained on


@dataclass(frozen=True)
class WatchedSlot:
    slot: str
    camera: str
    polygon: tuple[tuple[float, float], ...]
    looks: str | None  # the detector class of what lies there (None: nothing it knows)

    @property
    def box(self) -> tuple[int, int, int, int]:
        xs, ys = [p[0] for p in self.polygon], [p[1] for p in self.polygon]
        return (round(min(xs)), round(min(ys)), round(max(xs)), round(max(ys)))


def _scale_for(watched: list[WatchedSlot], units: dict[str, int]) -> float:
    """The shelf's mm per pixel: what its fullest slot needs to lie flat, within the mounting."""
    needed = MM_PER_PX[0]
    for w in watched:
        if w.looks not in LOOKS or not units.get(w.slot):
            continue
        look = LOOKS[w.looks]
        x0, y0, x1, y1 = w.box
        area = look.length_mm * look.width_mm * units[w.slot]
        needed = max(needed, (area / (0.6 * (x1 - x0) * (y1 - y0))) ** 0.5)
    return min(needed, MM_PER_PX[1])


def draw(watched: list[WatchedSlot], units: dict[str, int], rng: random.Random) -> bytes:
    """One camera's JPEG of its slots holding `units` each."""
    slots = tuple(
        SlotContent(  # a class the generator cannot draw: the slot looks empty
            SlotRegion(w.slot, w.box),
            w.looks if w.looks in LOOKS else None,
            max(0, units.get(w.slot, 0)),
        )
        for w in watched
    )
    scene = Scene(WIDTH, HEIGHT, _scale_for(watched, units), slots)
    image, _ = render(scene, rng)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88)
    return out.getvalue()


class CabinetCameras:
    """The cameras of one cabinet, posting to `api_url` with the cabinet's key."""

    def __init__(self, api_url: str, watched: list[WatchedSlot], seed: int) -> None:
        self.api_url = api_url
        self.watched = watched
        self.rng = random.Random(seed)
        self.failures = 0

    def cameras(self) -> dict[str, list[WatchedSlot]]:
        out: dict[str, list[WatchedSlot]] = {}
        for w in self.watched:
            out.setdefault(w.camera, []).append(w)
        return out

    async def snap(
        self, cabinet: CabinetFirmware, phase: str, session: str, units: dict[str, int]
    ) -> list[str]:
        """Each camera's picture, uploaded; the ids of those the cloud stored."""
        stored = []
        for camera, watched in sorted(self.cameras().items()):
            image = await asyncio.to_thread(draw, watched, units, self.rng)
            snapshot = uuid.uuid4().hex[:24]
            identity = cabinet.identity
            try:
                answer = await upload_snapshot(
                    self.api_url,
                    identity.code,
                    identity.tenant,
                    identity.secret,
                    cabinet.boot,
                    cabinet.outbox.last_seq(cabinet.boot),
                    image,
                    snapshot_id=snapshot,
                    phase=phase,
                    camera=camera,
                    taken_at=cabinet.now_ms(),
                    session=session,
                )
            except Exception as error:  # the cloud unreachable: the visit goes on without it
                logger.warning("%s: snapshot upload failed: %s", identity.code, error)
                self.failures += 1
                continue
            if answer.status_code in (200, 201):
                stored.append(snapshot)
            else:
                self.failures += 1
                logger.warning("%s: snapshot refused: %s", identity.code, answer.text)
        return stored
