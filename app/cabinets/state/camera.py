"""The cabinet page's camera section: each camera's latest snapshot with the slots' regions
drawn, and, with `cabinet:write`, a slot's camera and region changed (audited)."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from app.cabinets.models import Slot
from app.cabinets.services.camera_regions import cameras_of, polygon_text, set_slot_region
from app.core.db import run_in_session
from app.core.errors import DomainError
from app.core.i18n import t
from app.ui.guard import caller, guarded
from app.ui.payload import as_id
from app.ui.session import actor_of, require

READ, WRITE = "cabinet:read", "cabinet:write"


class CameraLine(TypedDict):
    camera: str
    url: str  # its latest snapshot, regions drawn


class RegionLine(TypedDict):
    slot_id: str
    slot: str
    camera: str
    corners: str  # the region as it is typed: "x,y x,y …"


class CameraRegionsState(rx.State):
    cabinet_id: int = 0
    cameras: list[CameraLine] = []
    regions: list[RegionLine] = []
    can_write: bool = False
    message: str = ""
    notice: str = ""
    version: int = 0  # in the image URLs: a saved region shows at once

    @rx.event
    @guarded(READ)
    async def show(self, cabinet_id: int) -> None:
        principal = caller().principal
        self.cabinet_id, self.message, self.notice = as_id(cabinet_id), "", ""
        self.can_write = principal.can(WRITE)
        await self._load()

    async def _load(self) -> None:
        principal = await require(self, READ)
        found = await run_in_session(cameras_of, scope=principal.scope, cabinet_id=self.cabinet_id)
        self.cameras, self.regions = camera_lines(found, self.cabinet_id, self.version)

    @rx.event
    @guarded(WRITE)
    async def save(self, form: dict) -> None:
        principal = caller().principal
        locale = caller().locale
        slot = str(form.get("slot", ""))[:16]
        try:
            await run_in_session(
                set_slot_region,
                scope=principal.scope,
                slot_id=as_id(form.get("slot_id", "")),
                camera=str(form.get("camera", ""))[:16],
                region=str(form.get("corners", ""))[:400],
                actor=actor_of(self, principal),
            )
        except DomainError as refused:
            self.message, self.notice = t(refused.key, locale, **refused.params), ""
            return
        self.message, self.notice = "", t("cabinets.region_saved", locale, slot=slot)
        self.version += 1
        await self._load()


def camera_lines(
    found: dict[str, list[Slot]], cabinet_id: int, version: int
) -> tuple[list[CameraLine], list[RegionLine]]:
    """Each camera's snapshot URL (`version` makes a saved region show at once) and each slot's
    region, by slot code."""
    base = f"/api/cabinets/{cabinet_id}/cameras"
    cameras = [CameraLine(camera=c, url=f"{base}/{c}.jpg?v={version}") for c in sorted(found)]
    regions = [
        RegionLine(
            slot_id=str(s.id),
            slot=s.code,
            camera=s.camera,
            corners=polygon_text(s.camera_region),
        )
        for slots in found.values()
        for s in slots
    ]
    return cameras, sorted(regions, key=lambda r: r["slot"])
