"""Camera snapshots cabinets upload over HTTP (docs/protocol.md § 13).

A cabinet posts the image's bytes with the protocol's envelope in a header, signed like an MQTT
message with the topic `cc/v1/{tenant}/{cabinet}/snapshot`; the envelope's body carries the
image's size and SHA-256, so the signature covers the image. In this order (each refusal names
its code; the route maps codes to HTTP statuses):

`admit` (before a byte of the body is read): the envelope's JSON and schemas → a known cabinet,
not decommissioned → its signature → the ±300 s window and each nonce once (the gateway's rules,
`NonceGuard`) → its tenant not suspended.

`store_snapshot` (the body read, at most MAX_BYTES): size and SHA-256 as signed → an image by
its bytes (app/cabinets/services/snapshot_image.py), of the signed content type → stored once: the
file under DATA_DIR/snapshots/<tenant>/<cabinet>/<day received>/, a row per (cabinet, snapshot id).
The same id again with the same SHA-256 is the same image (stored once); with another, a
conflict. Kept for the tenant's `snapshot_retention_days` after they were received.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.audit.services.records import Actor
from app.cabinets.models import Cabinet, CabinetSnapshot, CabinetStatus
from app.cabinets.services.credentials import cabinet_keys
from app.cabinets.services.snapshot_image import (
    EXTENSION,
    ImageRefused,
    checked_image,
    sniffed_type,
)
from app.core.config import get_settings
from app.core.errors import NotFoundError
from app.core.model_base import pk
from app.core.tenancy import TenantScope, scoped_select
from app.tenants.models import Status, Tenant
from app.tenants.services.policies import WholeNumber, set_whole_number, whole_number
from hardware.protocol.messages import NonceGuard, ProtocolError, decode_http, topic_for, verify

logger = logging.getLogger(__name__)
SNAPSHOT_TYPE = "snapshot"
MAX_BYTES = 2 * 1024 * 1024  # one image; the schema's `bytes` maximum says the same
RETENTION = WholeNumber("snapshot_retention_days", 30, 1, 3650)
SWEEP_BATCH = 2000  # rows deleted per sweep at most: an hourly sweep catches up
FOLDER = "snapshots"


class SnapshotRefused(ValueError):
    """An upload refused; `code` names why (docs/protocol.md § 13 lists them with their status)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Admitted:
    """A signed, fresh envelope of a cabinet in service: what its body may be stored as."""

    tenant_id: int
    cabinet_id: int
    cabinet_code: str
    body: dict[str, Any]


@dataclass(frozen=True)
class Stored:
    snapshot: CabinetSnapshot
    created: bool  # False: this id was stored already with these bytes


def admit(*, session: Session, envelope: bytes | None, guard: NonceGuard, now_ms: int) -> Admitted:
    """Who sends, checked from the envelope alone (see the module's doc for the order)."""
    if envelope is None:
        raise SnapshotRefused("unsigned", "no X-CC-Envelope header")
    try:
        message = decode_http(envelope, SNAPSHOT_TYPE)
    except ProtocolError as refused:
        raise SnapshotRefused(refused.code, refused.detail) from None
    code = message["cab"]
    cabinet = session.exec(
        scoped_select(Cabinet, TenantScope.platform()).where(Cabinet.code == code)
    ).first()
    if cabinet is None:
        raise SnapshotRefused("unknown_cabinet", code)
    if cabinet.status == CabinetStatus.retired.value:
        raise SnapshotRefused("cabinet_retired", code)  # its secret is gone: nothing to verify
    key = cabinet_keys(session=session, cabinet_codes=[code]).get(code)
    if key is None:
        raise SnapshotRefused("unknown_cabinet", f"{code} is not provisioned")
    try:
        verify(key.secret, topic_for(key.tenant_code, code, SNAPSHOT_TYPE), message)
        guard.check(message, now_ms)
    except ProtocolError as refused:
        raise SnapshotRefused(refused.code, refused.detail) from None
    tenant = session.get(Tenant, cabinet.tenant_id)
    if tenant is None or tenant.status == Status.suspended.value:
        raise SnapshotRefused("tenant_suspended", key.tenant_code)
    return Admitted(cabinet.tenant_id, pk(cabinet), code, message["body"])


def store_snapshot(
    *,
    session: Session,
    admitted: Admitted,
    image: bytes,
    now: datetime,
    data_dir: Path | None = None,
) -> Stored:
    """Check the image against its signed body and keep it once (module doc)."""
    body = admitted.body
    if len(image) != body["bytes"]:
        raise SnapshotRefused("bytes_mismatch", f"{len(image)} bytes sent, {body['bytes']} signed")
    if hashlib.sha256(image).hexdigest() != body["sha256"]:
        raise SnapshotRefused("sha256_mismatch", "the bytes sent are not the ones signed")
    kind = sniffed_type(image)
    if kind is None:
        raise SnapshotRefused("not_an_image", "neither a JPEG nor a PNG by its bytes")
    if kind != body["content_type"]:
        raise SnapshotRefused("content_type_mismatch", f"the bytes are {kind}")
    try:
        checked_image(image, kind)
    except ImageRefused as refused:
        raise SnapshotRefused(refused.code, refused.detail) from None
    earlier = _stored(session, admitted.cabinet_id, body["snapshot"])
    if earlier is not None:
        return _again(earlier, body)
    row = _row(admitted, kind, now)
    try:
        with session.begin_nested():  # the same id posted twice at once: one row wins
            session.add(row)
    except IntegrityError:
        earlier = _stored(session, admitted.cabinet_id, body["snapshot"])
        if earlier is None:
            raise
        return _again(earlier, body)
    _write(_root(data_dir) / row.path, image)
    return Stored(row, created=True)


def _stored(session: Session, cabinet_id: int, snapshot_id: str) -> CabinetSnapshot | None:
    return session.exec(
        select(CabinetSnapshot).where(
            CabinetSnapshot.cabinet_id == cabinet_id, CabinetSnapshot.snapshot_id == snapshot_id
        )
    ).first()


def _again(earlier: CabinetSnapshot, body: dict[str, Any]) -> Stored:
    if earlier.sha256 != body["sha256"]:
        raise SnapshotRefused("snapshot_conflict", f"{earlier.snapshot_id} has other bytes")
    return Stored(earlier, created=False)


def _row(admitted: Admitted, kind: str, now: datetime) -> CabinetSnapshot:
    body = admitted.body
    day = now.astimezone(UTC).date().isoformat()
    folder = f"{FOLDER}/{admitted.tenant_id}/{admitted.cabinet_id}/{day}"
    return CabinetSnapshot(
        tenant_id=admitted.tenant_id,
        cabinet_id=admitted.cabinet_id,
        snapshot_id=body["snapshot"],
        session=body.get("session"),
        phase=body["phase"],
        camera=body["camera"],
        content_type=kind,
        bytes=body["bytes"],
        sha256=body["sha256"],
        path=f"{folder}/{body['snapshot']}.{EXTENSION[kind]}",  # the id's pattern: a safe name
        taken_at=datetime.fromtimestamp(body["taken_at"] / 1000, UTC),
        received_at=now,
    )


def _root(data_dir: Path | None) -> Path:
    return (data_dir or get_settings().data_dir).resolve()


def _inside(root: Path, relative: str) -> Path:
    """The file of a row, refused if its path leads out of the snapshots folder."""
    target = (root / relative).resolve()
    if not target.is_relative_to(root / FOLDER):
        raise NotFoundError()
    return target


def _write(target: Path, data: bytes) -> None:
    """Whole or not at all: a reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    part.write_bytes(data)
    os.replace(part, target)


def snapshots_of_session(
    *, session: Session, cabinet_id: int, door_session: str
) -> list[CabinetSnapshot]:
    """A door session's images (the cabinet's session id), in the order they were taken."""
    return list(
        session.exec(
            select(CabinetSnapshot)
            .where(
                CabinetSnapshot.cabinet_id == cabinet_id,
                CabinetSnapshot.session == door_session,
            )
            .order_by(col(CabinetSnapshot.taken_at), col(CabinetSnapshot.id))
        )
    )


def read_snapshot_bytes(
    *,
    session: Session,
    scope: TenantScope,
    cabinet_id: int,
    snapshot_id: str,
    data_dir: Path | None = None,
) -> bytes:
    """The image as it was signed; NotFoundError outside `scope`, or when its file is gone or
    no longer has the bytes that were signed."""
    row = session.exec(
        scoped_select(CabinetSnapshot, scope).where(
            CabinetSnapshot.cabinet_id == cabinet_id, CabinetSnapshot.snapshot_id == snapshot_id
        )
    ).first()
    if row is None:
        raise NotFoundError()
    try:
        data = _inside(_root(data_dir), row.path).read_bytes()
    except FileNotFoundError:
        raise NotFoundError() from None
    if hashlib.sha256(data).hexdigest() != row.sha256:
        logger.error("snapshot %s of cabinet %s: its file changed", snapshot_id, cabinet_id)
        raise NotFoundError()
    return data


def snapshot_retention(session: Session, tenant_id: int) -> timedelta:
    """How long a tenant keeps its cabinets' images (policy `snapshot_retention_days`)."""
    return timedelta(days=whole_number(session, tenant_id, RETENTION))


def set_snapshot_retention(
    *, session: Session, scope: TenantScope, tenant_id: int, days: int, actor: Actor
) -> Tenant:
    """Change a tenant's snapshot retention (1–3650 days), audited."""
    return set_whole_number(
        session=session, scope=scope, tenant_id=tenant_id, policy=RETENTION, value=days, actor=actor
    )


def sweep_snapshots(*, session: Session, now: datetime, data_dir: Path | None = None) -> int:
    """Delete the images received longer ago than their tenant keeps them: file, then row (a
    file already gone is fine). At most SWEEP_BATCH per call; returns how many."""
    root = _root(data_dir)
    tenant_ids = session.exec(select(CabinetSnapshot.tenant_id).distinct()).all()
    removed = 0
    for tenant_id in sorted(tenant_ids):
        cutoff = now - snapshot_retention(session, tenant_id)
        expired = session.exec(
            scoped_select(CabinetSnapshot, TenantScope.single(tenant_id))
            .where(CabinetSnapshot.received_at < cutoff)
            .order_by(col(CabinetSnapshot.received_at))
            .limit(SWEEP_BATCH - removed)
        ).all()
        for row in expired:
            _remove(root, row.path)
            session.delete(row)
        removed += len(expired)
        if removed >= SWEEP_BATCH:
            break
    session.flush()
    if removed:
        logger.info("snapshot retention: %s images deleted", removed)
    return removed


def _remove(root: Path, relative: str) -> None:
    try:
        target = _inside(root, relative)
    except NotFoundError:
        logger.error("snapshot path %r leads outside the snapshots folder: row only", relative)
        return
    target.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # the day's folder, once empty
        target.parent.rmdir()
