"""Cabinets, their slots, and the device traffic (inbound messages, outbound commands)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, Index, Integer, UniqueConstraint
from sqlmodel import Field

from app.core.model_base import (
    TenantOwned,
    enum_check,
    enum_field,
    json_field,
    partial_index,
    timestamp,
)
from app.core.text import line_field

# A cabinet's sequence numbers go up to 2^53 - 1 (the protocol's maximum); SQLite's INTEGER is
# 64-bit already.
SEQUENCE = BigInteger().with_variant(Integer(), "sqlite")
# Protocol v1.1 (declared in `boot`): messages answered by msg.ack, decisions sent as auth.result
PROTOCOL_V1_1 = "1.1"


class CabinetStatus(StrEnum):
    active = "active"
    maintenance = "maintenance"
    retired = "retired"


class DoorState(StrEnum):
    closed = "closed"
    open = "open"
    unknown = "unknown"


class SlotKind(StrEnum):
    scale = "scale"  # weighed by a Modbus scale channel
    rfid = "rfid"  # read by an RFID antenna zone
    plain = "plain"  # counted by vision or manually


class Site(TenantOwned, table=True):
    """Where cabinets stand (building, floor)."""

    __tablename__ = "site"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = line_field(field="site", max_length=80)
    address: str | None = line_field(field="address", default=None, max_length=200)
    created_at: datetime = timestamp()


class Cabinet(TenantOwned, table=True):
    __tablename__ = "cabinet"
    __table_args__ = (
        enum_check("status", CabinetStatus),
        enum_check("door_state", DoorState),
        CheckConstraint("last_seq >= 0", name="last_seq_non_negative"),
        CheckConstraint("lease_days BETWEEN 0 AND 30", name="lease_days_range"),
        Index("ix_cabinet_tenant_id_site_id", "tenant_id", "site_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Globally unique: printed in the QR URL /m/cabinet/<code> and in MQTT topics.
    code: str = Field(max_length=32, unique=True)
    name: str = line_field(field="cabinet", max_length=80)
    site_id: int | None = Field(default=None, foreign_key="site.id", ondelete="SET NULL")
    model: str = Field(max_length=48)
    status: str = enum_field(CabinetStatus, CabinetStatus.active)
    mqtt_username: str = Field(max_length=64, unique=True)
    # HMAC secret encrypted with a key derived from SECRET_KEY (never stored in clear).
    secret_ciphertext: str | None = Field(default=None, max_length=512)
    secret_version: int = 1
    is_online: bool = False
    door_state: str = enum_field(DoorState, DoorState.unknown)
    last_heartbeat_at: datetime | None = timestamp(nullable=True)
    boot_id: str | None = Field(default=None, max_length=64)
    last_seq: int = Field(default=0, sa_type=SEQUENCE)
    lease_days: int = 3
    protocol: str = Field(default="1", max_length=8)  # what its last boot declared (PROTOCOL_V1_1)
    # Its slot layout (cmd.config) must be sent: provisioned or planogram changed, not yet sent
    config_due: bool = False
    created_at: datetime = timestamp()


class Slot(TenantOwned, table=True):
    """A position in a cabinet, weighed by a scale channel or watched by an RFID zone."""

    __tablename__ = "slot"
    __table_args__ = (
        UniqueConstraint("cabinet_id", "code"),
        enum_check("kind", SlotKind),
        CheckConstraint("row_no >= 0 AND col_no >= 0", name="position_non_negative"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint(
            "kind <> 'scale' OR (scale_unit IS NOT NULL AND scale_channel IS NOT NULL)",
            name="scale_slot_has_channel",
        ),
        CheckConstraint("kind <> 'rfid' OR rfid_zone IS NOT NULL", name="rfid_slot_has_zone"),
        CheckConstraint(
            "noise_samples >= 0 AND noise_dof >= 0 AND drift_minutes >= 0",
            name="scale_statistics_non_negative",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    cabinet_id: int = Field(foreign_key="cabinet.id", index=True, ondelete="CASCADE")
    code: str = Field(max_length=16)
    row_no: int = 0
    col_no: int = 0
    kind: str = enum_field(SlotKind, SlotKind.scale)
    scale_unit: int | None = None  # Modbus unit (device) id
    scale_channel: int | None = None
    rfid_zone: str | None = Field(default=None, max_length=16)
    capacity: int = 50
    # The scale's noise model (app/withdrawals/services/scale_model.py): its indicator's defaults
    # until its own idle readings (heartbeat statistics, app/cabinets/services/scale_stats.py) say
    # otherwise.
    indicator: str = Field(default="default", max_length=32)
    noise_sigma_g: float | None = None  # pooled σ of its idle readings
    noise_samples: int = 0  # idle readings behind it
    noise_dof: int = 0  # their degrees of freedom (readings minus windows): the pooling weight
    drift_g_per_min: float | None = None  # 1 σ of the zero's walk over a minute
    drift_minutes: float = 0.0  # idle minutes behind it
    idle_mean_mg: int | None = None  # the last idle window's mean, for the next drift step
    idle_at: datetime | None = timestamp(nullable=True)  # when that window ended
    model_updated_at: datetime | None = timestamp(nullable=True)
    # Where the in-cabinet camera sees this slot (vision/regions.py): the camera's id and a
    # polygon of [x, y] corners in its image's pixels; None: no camera watches it.
    camera: str | None = Field(default=None, max_length=16)
    camera_region: list | None = json_field()


class MessageStatus(StrEnum):
    accepted = "accepted"
    processed = "processed"
    failed = "failed"


class DeviceMessage(TenantOwned, table=True):
    """Every accepted inbound cabinet message, once: (cabinet, message id) is unique."""

    __tablename__ = "device_message"
    __table_args__ = (
        UniqueConstraint("cabinet_id", "message_id"),
        Index("ix_device_message_cabinet_id_boot_id_seq", "cabinet_id", "boot_id", "seq"),
        # the few messages no job has applied yet, for the sweep that hands them over again
        partial_index("ix_device_message_unapplied", "id", where="status = 'accepted'"),
        enum_check("status", MessageStatus),
        CheckConstraint("seq >= 0", name="seq_non_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cabinet_id: int = Field(foreign_key="cabinet.id", ondelete="CASCADE")
    message_id: str = Field(max_length=64)
    boot_id: str = Field(max_length=64)
    seq: int = Field(sa_type=SEQUENCE)
    type: str = Field(max_length=32, index=True)
    device_ts: datetime = timestamp(default_now=False)
    received_at: datetime = timestamp(index=True)
    payload: dict = json_field(nullable=False, default_factory=dict)
    status: str = enum_field(MessageStatus, MessageStatus.accepted)
    error: str | None = Field(default=None, max_length=255)


class CommandKind(StrEnum):
    unlock = "unlock"
    lock = "lock"
    push_config = "push_config"
    sync_lease = "sync_lease"
    tare = "tare"
    reboot = "reboot"
    reread = "reread"  # protocol v1.1: read unsettled scales again after a door closed
    auth_result = "auth_result"  # protocol v1.1: a badge/PIN/QR decided, for the cabinet's screen


class CommandStatus(StrEnum):
    pending = "pending"
    sent = "sent"
    acked = "acked"
    succeeded = "succeeded"
    failed = "failed"
    expired = "expired"


class DeviceCommand(TenantOwned, table=True):
    """A command sent down to a cabinet, tracked until acked or handed to a person."""

    __tablename__ = "device_command"
    __table_args__ = (
        enum_check("kind", CommandKind),
        enum_check("status", CommandStatus),
        CheckConstraint("attempts >= 0", name="attempts_non_negative"),
        Index("ix_device_command_status_next_retry_at", "status", "next_retry_at"),
        Index(
            "ix_device_command_tenant_id_cabinet_id_created_at",
            "tenant_id",
            "cabinet_id",
            "created_at",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    command_id: str = Field(max_length=64, unique=True)
    cabinet_id: int = Field(foreign_key="cabinet.id", ondelete="CASCADE")
    door_session_id: int | None = Field(
        default=None, foreign_key="door_session.id", ondelete="SET NULL"
    )
    kind: str = enum_field(CommandKind)
    payload: dict = json_field(nullable=False, default_factory=dict)
    status: str = enum_field(CommandStatus, CommandStatus.pending)
    attempts: int = 0
    next_retry_at: datetime | None = timestamp(nullable=True)
    expires_at: datetime = timestamp(default_now=False)
    acked_at: datetime | None = timestamp(nullable=True)
    result: dict | None = json_field()
    created_at: datetime = timestamp()


class CabinetRefusal(TenantOwned, table=True):
    """What the gateway refused from one cabinet, per reason (docs/protocol.md § 10): how often,
    since and until when, and the last refused copy (PINs masked, cut short) for the console."""

    __tablename__ = "cabinet_refusal"
    __table_args__ = (
        UniqueConstraint("cabinet_id", "code"),
        CheckConstraint("count > 0", name="count_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cabinet_id: int = Field(foreign_key="cabinet.id", ondelete="CASCADE")
    code: str = Field(max_length=32)
    count: int = Field(default=1, sa_type=SEQUENCE)
    first_at: datetime = timestamp()
    last_at: datetime = timestamp()
    last_message_id: str | None = Field(default=None, max_length=64)
    last_detail: str | None = Field(default=None, max_length=255)
    last_payload: str | None = Field(default=None, max_length=2048)


class LanController(TenantOwned, table=True):
    """A cabinet with no controller of its own (on-premises, docs/lan-cabinets.md): its scale
    banks, door sensor and lock on the site's Modbus TCP network, driven by `python -m
    hardware.lan`, which speaks the cabinet protocol for it."""

    __tablename__ = "lan_controller"
    __table_args__ = (
        CheckConstraint("port BETWEEN 1 AND 65535", name="port_range"),
        CheckConstraint("io_unit BETWEEN 0 AND 247", name="io_unit_range"),
        CheckConstraint("lock_coil BETWEEN 0 AND 65535", name="lock_coil_range"),
        CheckConstraint("door_input BETWEEN 0 AND 65535", name="door_input_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cabinet_id: int = Field(foreign_key="cabinet.id", unique=True, ondelete="CASCADE")
    host: str = Field(max_length=253)  # the Modbus TCP gateway of the scale banks
    port: int = 502
    # [{"slot": "A1", "unit": 1, "model": "laumas_tlu"}, ...]: one per weighed slot
    scales: list = json_field(nullable=False, default_factory=list)
    io_host: str | None = Field(default=None, max_length=253)  # the I/O module; None: `host`
    io_port: int | None = None
    io_unit: int = 1
    lock_coil: int = 0  # set: the lock releases
    door_input: int = 0  # the door sensor
    door_open_when: bool = True  # the input's value while the door is open
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()


class SnapshotPhase(StrEnum):
    before = "before"  # the door session's shelves before the door opened
    after = "after"  # and after it closed
    manual = "manual"  # taken on request (a technician, a test)


SNAPSHOT_TYPES = ("image/jpeg", "image/png")


class CabinetSnapshot(TenantOwned, table=True):
    """A camera image a cabinet uploaded (docs/protocol.md § 13): the file lives under DATA_DIR
    (`path`, relative to it), this row says whose it is and what it was signed as. Kept for the
    tenant's retention period (app/cabinets/services/snapshots.py)."""

    __tablename__ = "cabinet_snapshot"
    __table_args__ = (
        UniqueConstraint("cabinet_id", "snapshot_id"),
        Index("ix_cabinet_snapshot_cabinet_id_session", "cabinet_id", "session"),
        Index("ix_cabinet_snapshot_tenant_id_received_at", "tenant_id", "received_at"),
        enum_check("phase", SnapshotPhase),
        CheckConstraint("content_type IN ('image/jpeg', 'image/png')", name="content_type_valid"),
        CheckConstraint("bytes > 0", name="bytes_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cabinet_id: int = Field(foreign_key="cabinet.id", ondelete="CASCADE")
    snapshot_id: str = Field(max_length=64)
    session: str | None = Field(default=None, max_length=64)  # the cabinet's door session id
    phase: str = enum_field(SnapshotPhase)
    camera: str = Field(max_length=16)
    content_type: str = Field(max_length=16)
    bytes: int
    sha256: str = Field(max_length=64)
    path: str = Field(max_length=255)
    taken_at: datetime = timestamp(default_now=False)
    received_at: datetime = timestamp()
