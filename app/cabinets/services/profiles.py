"""The cabinet models we know and their hardware: which Modbus scale banks (unit ids) with how
many channels each, which RFID antenna zones, whether a camera. Registering a cabinet of a model
lays out its slots from this profile (rows A, B, … one per scale bank, columns 1.. per channel;
RFID zones R1..), so the slots match the wiring the installer finds; a model with a camera has
one per shelf (scale bank), its image cut evenly into the shelf's channels."""

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
    camera: str | None = None
    camera_region: list[list[int]] | None = None


CAMERA_SIZE = (640, 480)  # the cabinets' camera images (vision/shelf.py draws this size)


def default_region(channel: int, channels: int) -> list[list[int]]:
    """A shelf camera's default region of a channel: the image cut evenly into columns, one per
    channel, left to right as the slots are (the admin adjusts it over a snapshot)."""
    width, height = CAMERA_SIZE
    x0, x1 = (channel - 1) * width // channels, channel * width // channels
    return [[x0, 0], [x1, 0], [x1, height], [x0, height]]


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
            camera=f"cam{row}" if profile.camera else None,
            camera_region=default_region(channel, profile.channels) if profile.camera else None,
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
