"""The catalogue in the console: items created and edited field by field, tags of the tenant
only, a picture checked by its bytes, the unit weight calibrated from a slot's last reading."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.core.errors import ValidationError
from app.core.tenancy import TenantScope
from app.items.models import Tag
from app.items.services import console
from tests.factories import (
    make_cabinet,
    make_door_session,
    make_item_type,
    make_planogram_entry,
    make_slot,
    make_tenant,
    make_user,
)

ADMIN = Actor(account_id=None, name="管理员")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _fields(**overrides) -> console.ItemFields:
    base = {
        "sku": "PEN-01",
        "name": "中性笔",
        "type_id": None,
        "unit": "支",
        "unit_weight_g": 10.5,
        "weight_tolerance_g": 0.4,
        "unit_cost_cents": 250,
        "requires_approval": False,
        "is_active": True,
    }
    return console.ItemFields(**(base | overrides))


def test_an_item_is_given_the_detector_class_it_looks_like(session: Session) -> None:
    tenant = make_tenant(session)
    scope = TenantScope.single(tenant.id)
    item = console.save_item(
        session=session,
        scope=scope,
        tenant_id=tenant.id,
        item_id=None,
        fields=_fields(),
        actor=ADMIN,
    )
    assert item.vision_class is None  # the camera does not count it
    console.save_item(
        session=session,
        scope=scope,
        tenant_id=tenant.id,
        item_id=item.id,
        fields=_fields(vision_class="pen-gel-black"),
        actor=ADMIN,
    )
    assert item.vision_class == "pen-gel-black"
    assert "pen-gel-black" in console.item_classes() and "foreign" not in console.item_classes()


def test_items_are_saved_field_by_field_with_their_tags(session: Session, tmp_path) -> None:
    tenant, other = make_tenant(session), make_tenant(session)
    scope = TenantScope.single(tenant.id)
    pens, theirs = make_item_type(session, tenant, "笔"), make_item_type(session, other, "别家")
    red, their_tag = Tag(tenant_id=tenant.id, name="红色"), Tag(tenant_id=other.id, name="别家签")
    session.add_all([red, their_tag])
    session.flush()

    def save(item_id=None, **overrides):
        return console.save_item(
            session=session,
            scope=scope,
            tenant_id=tenant.id,
            item_id=item_id,
            fields=_fields(**overrides),
            actor=ADMIN,
        )

    item = save(type_id=pens.id, tag_ids=(red.id,))
    for bad, field in (
        ({"sku": ""}, "sku"),
        ({"sku": "PEN-01"}, "sku"),  # taken by the first
        ({"sku": "PEN-02", "name": " "}, "name"),
        ({"sku": "PEN-02", "type_id": theirs.id}, "type"),
        ({"sku": "PEN-02", "unit_weight_g": 0}, "unit_weight_g"),
        ({"sku": "PEN-02", "weight_tolerance_g": 6}, "weight_tolerance_g"),
        ({"sku": "PEN-02", "unit_cost_cents": -1}, "unit_cost_cents"),
        ({"sku": "PEN-02", "tag_ids": (their_tag.id,)}, "tags"),
        ({"sku": "PEN-02", "vision_class": "unicorn"}, "vision_class"),
        ({"sku": "PEN-02", "vision_class": "foreign"}, "vision_class"),  # no item is foreign
    ):
        with pytest.raises(ValidationError) as refused:
            save(**bad)
        assert refused.value.params["field"] == field, bad
    save(item_id=item.id, name="中性笔 黑", type_id=pens.id, tag_ids=())

    (row,) = console.list_items(session=session, scope=scope).rows
    assert (row.name, row.type, row.tags) == ("中性笔 黑", "笔", [])
    assert console.list_items(session=session, scope=scope, search="黑").rows
    assert console.list_items(session=session, scope=TenantScope.single(other.id)).rows == []

    path = console.set_image(
        session=session, scope=scope, item_id=item.id, data=PNG, upload_dir=tmp_path, actor=ADMIN
    )
    assert (tmp_path / path).read_bytes() == PNG and path.endswith(".png")
    for bad in (b"GIF89a" + b"\x00" * 10, b"", PNG + b"\x00" * console.MAX_IMAGE_BYTES):
        with pytest.raises(ValidationError):
            console.set_image(
                session=session,
                scope=scope,
                item_id=item.id,
                data=bad,
                upload_dir=tmp_path,
                actor=ADMIN,
            )
    actions = session.exec(select(AuditLog.action).where(AuditLog.entity == "item")).all()
    assert sorted(actions) == ["item.create", "item.update", "item.update"]


def test_the_unit_weight_from_a_slots_last_reading(session: Session) -> None:
    tenant = make_tenant(session)
    scope = TenantScope.single(tenant.id)
    item = console.save_item(
        session=session,
        scope=scope,
        tenant_id=tenant.id,
        item_id=None,
        fields=_fields(unit_weight_g=10.0, weight_tolerance_g=4.0),
        actor=ADMIN,
    )
    cabinet = make_cabinet(session, tenant)
    slot = make_slot(session, cabinet, "B2")
    make_planogram_entry(session, slot, item)
    with pytest.raises(ValidationError):  # no door has closed yet: nothing to read
        console.calibrate(
            session=session, scope=scope, item_id=item.id, slot_id=slot.id, count=10, actor=ADMIN
        )
    make_door_session(
        session,
        cabinet,
        make_user(session, tenant),
        auth_method="card",
        status="committed",
        closed_at=datetime(2026, 11, 27, tzinfo=UTC),
        readings_after={"B2": {"slot": "B2", "before_mg": 0, "after_mg": 123_400, "stable": True}},
    )
    (reading,) = console.slot_readings(session=session, scope=scope, item_id=item.id)
    assert reading.grams == 123.4
    unit = console.calibrate(
        session=session, scope=scope, item_id=item.id, slot_id=slot.id, count=10, actor=ADMIN
    )
    assert unit == 12.34 and item.unit_weight_g == 12.34
    assert item.weight_tolerance_g == 4.0  # still under half a unit
    with pytest.raises(ValidationError):
        console.calibrate(
            session=session, scope=scope, item_id=item.id, slot_id=slot.id, count=0, actor=ADMIN
        )
