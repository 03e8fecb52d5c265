"""Where each camera sees each slot (app/cabinets/services/camera_regions.py), and the cabinet
camera's latest snapshot with the regions drawn."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from PIL import Image
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.cabinets.models import CabinetSnapshot
from app.cabinets.services.camera_regions import (
    camera_view,
    cameras_of,
    parse_polygon,
    polygon_text,
    set_slot_region,
)
from app.core.config import get_settings
from app.core.errors import NotFoundError, ValidationError
from app.core.tenancy import TenantScope
from tests.factories import make_cabinet, make_slot, make_tenant
from vision.draw import REGION

ADMIN = Actor(account_id=None, name="admin")


def test_corners_are_read_checked_and_written_back() -> None:
    assert parse_polygon("0,0 160,0 160,480; 0,480") == [[0, 0], [160, 0], [160, 480], [0, 480]]
    assert polygon_text([[0, 0], [160, 0], [160, 480]]) == "0,0 160,0 160,480"
    for text, key in (
        ("0,0 160,0", "cabinets.region_corners"),
        ("0,0 160,x 160,480", "cabinets.region_invalid"),
        ("0,0 -5,0 160,480", "cabinets.region_invalid"),
        ("0,0 700,0 160,480", "cabinets.region_outside"),
    ):
        with pytest.raises(ValidationError) as refused:
            parse_polygon(text)
        assert refused.value.key == key and refused.value.params["field"] == "region"


def test_a_slot_s_region_is_set_audited_scoped_and_cleared(session: Session) -> None:
    tenant = make_tenant(session)
    cabinet = make_cabinet(session, tenant)
    slot = make_slot(session, cabinet, "A1")
    scope = TenantScope.single(tenant.id)

    def set_region(camera: str, region: str, who: TenantScope = scope, slot_id: int = slot.id):
        return set_slot_region(
            session=session, scope=who, slot_id=slot_id, camera=camera, region=region, actor=ADMIN
        )

    set_region("Cam0", "0,0 320,0 320,480 0,480")
    assert (slot.camera, slot.camera_region) == ("cam0", [[0, 0], [320, 0], [320, 480], [0, 480]])
    assert [s.code for s in cameras_of(session, scope, cabinet.id)["cam0"]] == ["A1"]
    audit = session.exec(select(AuditLog).where(AuditLog.action == "slot.update")).all()[-1]
    assert audit.after["camera"] == "cam0"
    with pytest.raises(ValidationError) as refused:
        set_region("cam 0!", "0,0 1,0 1,1")
    assert refused.value.key == "cabinets.camera_invalid"
    with pytest.raises(NotFoundError):
        set_region("cam0", "0,0 1,0 1,1", who=TenantScope.single(tenant.id + 99))
    set_region("", "")
    assert slot.camera is None and slot.camera_region is None
    assert cameras_of(session, scope, cabinet.id) == {}


def test_the_camera_view_draws_the_regions_on_the_latest_snapshot(session: Session) -> None:
    tenant = make_tenant(session)
    cabinet = make_cabinet(session, tenant)
    scope = TenantScope.single(tenant.id)
    slot = make_slot(session, cabinet, "A1")
    set_slot_region(
        session=session,
        scope=scope,
        slot_id=slot.id,
        camera="cam0",
        region="10,10 300,10 300,400 10,400",
        actor=ADMIN,
    )
    assert camera_view(session=session, scope=scope, cabinet_id=cabinet.id, camera="cam0") is None
    relative = f"snapshots/test/{cabinet.id}/latest.jpg"
    path = get_settings().data_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (640, 480), (90, 90, 90)).save(path)
    session.add(
        CabinetSnapshot(
            tenant_id=tenant.id,
            cabinet_id=cabinet.id,
            snapshot_id="snap00000001",
            phase="manual",
            camera="cam0",
            content_type="image/jpeg",
            bytes=path.stat().st_size,
            sha256="0" * 64,
            path=relative,
            taken_at=datetime(2026, 12, 1, tzinfo=UTC),
        )
    )
    session.flush()
    drawn = camera_view(session=session, scope=scope, cabinet_id=cabinet.id, camera="cam0")
    image = Image.open(io.BytesIO(drawn))
    assert all(abs(a - b) < 40 for a, b in zip(image.getpixel((300, 200)), REGION, strict=True))
    assert image.getpixel((150, 300))[0] < 120  # inside the region: the snapshot untouched
    with pytest.raises(NotFoundError):
        camera_view(
            session=session,
            scope=TenantScope.single(tenant.id + 99),
            cabinet_id=cabinet.id,
            camera="cam0",
        )
