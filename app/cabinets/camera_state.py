"""The cabinet page's camera section: each camera's latest snapshot with the slots' regions
drawn, and, with `cabinet:write`, a slot's camera and region changed (audited)."""

from __future__ import annotations

import reflex as rx

from app.cabinets.camera_regions import cameras_of, polygon_text, set_slot_region
from app.core.db import run_in_session
from app.core.errors import DomainError
from app.core.i18n import t
from app.ui.guard import caller, guarded
from app.ui.payload import as_id
from app.ui.session import actor_of, require

READ, WRITE = "cabinet:read", "cabinet:write"


class CameraRegionsState(rx.State):
    cabinet_id: int = 0
    cameras: list[dict] = []  # {"camera", "url"}: its latest snapshot, regions drawn
    regions: list[dict] = []  # {"slot_id", "slot", "camera", "corners"}
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
        base = f"/api/cabinets/{self.cabinet_id}/cameras"
        self.cameras = [
            {"camera": c, "url": f"{base}/{c}.jpg?v={self.version}"} for c in sorted(found)
        ]
        self.regions = [
            {
                "slot_id": str(s.id),
                "slot": s.code,
                "camera": s.camera,
                "corners": polygon_text(s.camera_region),
            }
            for slots in found.values()
            for s in slots
        ]
        self.regions.sort(key=lambda r: r["slot"])

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
