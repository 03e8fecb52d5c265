"""The cabinet models we know and their hardware: which Modbus scale banks (unit ids) with how
many channels each, which RFID antenna zones, whether a camera. Registering a cabinet of a model
lays out its slots from this profile (rows A, B, … one per scale bank, columns 1.. per channel;
RFID zones R1..), so the slots match the wiring the installer finds."""

from __future__ import annotations

from dataclasses import dataclass
from string import ascii_uppercase

from app.cabinets.models import SlotKind


@dataclass(frozen=True)
class HardwareProfile:
    model: str
    scale_units: tuple[int, ...]  # Modbus unit id of each scale bank, top row first
    channels: int  # scale channels per bank
    rfid_zones: tuple[str, ...] = ()
    camera: bool = False

    @property
    def scale_slots(self) -> int:
        return len(self.scale_units) * self.channels


@dataclass(frozen=True)
class SlotPlan:
    code: str
    row_no: int
    col_no: int
    kind: str
    scale_unit: int | None = None
    scale_channel: int | None = None
    rfid_zone: str | None = None
    capacity: int = 50


PROFILES: dict[str, HardwareProfile] = {
    p.model: p
    for p in (
        HardwareProfile(
            "SC-40S", scale_units=(1, 2, 3), channels=4, rfid_zones=("R1", "R2"), camera=True
        ),
        HardwareProfile("SC-24M", scale_units=(1, 2), channels=4),
        HardwareProfile(
            "RC-12R", scale_units=(1,), channels=4, rfid_zones=("R1", "R2", "R3", "R4"), camera=True
        ),
        HardwareProfile("SC-8L", scale_units=(1,), channels=8),
    )
}


def slot_plan(profile: HardwareProfile) -> list[SlotPlan]:
    """The slots a cabinet of this model has: one per scale channel, then one per RFID zone."""
    slots = [
        SlotPlan(
            code=f"{ascii_uppercase[row]}{channel}",
            row_no=row,
            col_no=channel - 1,
            kind=SlotKind.scale.value,
            scale_unit=unit,
            scale_channel=channel,
        )
        for row, unit in enumerate(profile.scale_units)
        for channel in range(1, profile.channels + 1)
    ]
    slots += [
        SlotPlan(
            code=zone,
            row_no=len(profile.scale_units),
            col_no=n,
            kind=SlotKind.rfid.value,
            rfid_zone=zone,
            capacity=20,
        )
        for n, zone in enumerate(profile.rfid_zones)
    ]
    return slots
