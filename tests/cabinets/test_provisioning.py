"""Provisioning in the console (issue 16, item 1): a cabinet registered from its model's hardware
profile with a bundle shown once, its slot layout sent when it is first heard from and at every
planogram change, maintenance that keeps employees out but not the console, and decommissioning
that revokes the credentials and keeps the history."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from app.alerts.models import Alert
from app.alerts.service import raise_once
from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.auth.services.catalogue import BUILTIN_ROLES
from app.cabinets.models import Cabinet, CommandStatus, DeviceCommand, Slot
from app.cabinets.services import provisioning
from app.cabinets.services.console import list_cabinets, plan_item, set_slot_item
from app.cabinets.services.credentials import cabinet_keys, cabinet_secret, mqtt_password
from app.cabinets.services.lease import lease_arguments
from app.cabinets.services.presence import heard_from, mark_offline
from app.core.errors import NotFoundError, ValidationError
from app.core.i18n import t
from app.core.tenancy import TenantScope
from app.items.services.console import ItemFields, save_item
from app.withdrawals.services.opening import unlock_for
from app.withdrawals.services.sessions import on_card
from hardware.protocol import examples
from hardware.protocol.canonical import canonical_string
from hardware.protocol.messages import now_ms, schema_problem
from tests.factories import make_item, make_site, make_tenant, make_user

ADMIN = Actor(account_id=None, name="admin")
NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def _register(session: Session, tenant, code: str = "CAB-NEW-001", **changes):
    fields = {"code": code, "name": "三楼领用柜", "model": "SC-40S", "site_id": None} | changes
    return provisioning.register_cabinet(
        session=session,
        scope=TenantScope.single(tenant.id),
        tenant_id=tenant.id,
        actor=ADMIN,
        **fields,
    )


def _configs(session: Session, cabinet_id: int) -> list[DeviceCommand]:
    return list(
        session.exec(
            select(DeviceCommand)
            .where(DeviceCommand.cabinet_id == cabinet_id, DeviceCommand.kind == "push_config")
            .order_by(DeviceCommand.id)
        )
    )


def test_a_registered_cabinet_has_its_models_slots_and_a_bundle_shown_once(
    session: Session,
) -> None:
    tenant = make_tenant(session)
    site = make_site(session, tenant, "总部 3F")
    made = _register(session, tenant, code=" cab-new-001 ", site_id=site.id)
    cabinet = session.get(Cabinet, made.cabinet_id)
    assert (cabinet.code, cabinet.status, cabinet.site_id, cabinet.model) == (
        "CAB-NEW-001",
        "active",
        site.id,
        "SC-40S",
    )
    slots = session.exec(select(Slot).where(Slot.cabinet_id == cabinet.id)).all()
    scales = sorted((s.code, s.scale_unit, s.scale_channel) for s in slots if s.kind == "scale")
    assert scales[:5] == [("A1", 1, 1), ("A2", 1, 2), ("A3", 1, 3), ("A4", 1, 4), ("B1", 2, 1)]
    assert len(scales) == 12 and scales[-1] == ("C4", 3, 4)
    assert sorted((s.code, s.rfid_zone) for s in slots if s.kind == "rfid") == [
        ("R1", "R1"),
        ("R2", "R2"),
    ]

    bundle = made.bundle
    secret = bytes.fromhex(bundle["secret_hex"])
    assert len(secret) == 32 and bundle["secret_hex"] == bundle["secret_hex"].lower()
    assert bundle["mqtt_password"] == mqtt_password(secret)
    assert bundle | {"secret_hex": "", "mqtt_password": "", "issued_at": ""} == {
        "format": "cabinet-cloud/provisioning",
        "format_version": 1,
        "protocol": 1,
        "broker_url": provisioning.broker_url(),
        "api_url": provisioning.api_url(),
        "tenant": tenant.code,
        "cabinet": "CAB-NEW-001",
        "client_id": "CAB-NEW-001",
        "mqtt_username": "cab-new-001",
        "mqtt_password": "",
        "secret_hex": "",
        "secret_version": 1,
        "topic_prefix": f"cc/v1/{tenant.code}/CAB-NEW-001",
        "model": "SC-40S",
        "issued_at": "",
    }
    assert made.filename == "CAB-NEW-001-provisioning-v1.json"
    # never stored in clear: the cabinet row, the audit log
    assert cabinet_secret(session=session, cabinet_code="CAB-NEW-001")[1] == secret
    assert bundle["secret_hex"] not in cabinet.secret_ciphertext
    logged = " ".join(str((e.before, e.after)) for e in session.exec(select(AuditLog)))
    assert bundle["secret_hex"] not in logged and bundle["mqtt_password"] not in logged
    assert "cabinet.create" in {e.action for e in session.exec(select(AuditLog))}


def test_registration_refuses_naming_the_field_and_writes_nothing(session: Session) -> None:
    tenant, other = make_tenant(session), make_tenant(session)
    _register(session, other, code="CAB-TAKEN")
    foreign_site = make_site(session, other, "别家")
    before = session.exec(select(func.count()).select_from(Cabinet)).one()
    refused = {
        "code": {"code": "a/b+c"},
        "cabinet_name": {"name": "  "},
        "model": {"model": "XX-1"},
        "site": {"site_id": foreign_site.id},
    }
    for field, changes in refused.items():
        with pytest.raises(ValidationError) as error:
            _register(session, tenant, **changes)
        assert error.value.params["field"] == field
    with pytest.raises(ValidationError) as taken:  # codes are global: another tenant's counts
        _register(session, tenant, code="cab-taken")
    assert taken.value.params == {"field": "code", "code": "CAB-TAKEN"}
    assert "CAB-TAKEN" in t(taken.value.key, "en", **taken.value.params)
    with pytest.raises(ValidationError) as outside:
        provisioning.register_cabinet(
            session=session,
            scope=TenantScope.single(tenant.id),
            tenant_id=other.id,
            code="CAB-ELSEWHERE",
            name="x",
            model="SC-24M",
            site_id=None,
            actor=ADMIN,
        )
    assert outside.value.params["field"] == "tenant"
    assert session.exec(select(func.count()).select_from(Cabinet)).one() == before


def test_cabinet_names_are_unique_per_site(session: Session) -> None:
    """People pick a cabinet by its name: one site never has two of the same name; another site
    (or a retired cabinet's name) may."""
    tenant = make_tenant(session)
    floor3, floor8 = make_site(session, tenant, "3F"), make_site(session, tenant, "8F")
    first = _register(session, tenant, code="CAB-N-1", name="领用柜", site_id=floor3.id)
    with pytest.raises(ValidationError) as taken:
        _register(session, tenant, code="CAB-N-2", name=" 领用柜 ", site_id=floor3.id)
    assert taken.value.params["field"] == "cabinet_name"
    message = t(taken.value.key, "en", **taken.value.params)
    assert message == "Cabinet name: this site already has a cabinet called 领用柜", message
    assert "柜名" in t(taken.value.key, "zh-CN", **taken.value.params)
    _register(session, tenant, code="CAB-N-3", name="领用柜", site_id=floor8.id)
    _register(session, tenant, code="CAB-N-4", name="领用柜", site_id=None)
    with pytest.raises(ValidationError):
        _register(session, tenant, code="CAB-N-5", name="领用柜", site_id=None)
    provisioning.decommission(
        session=session,
        scope=TenantScope.single(tenant.id),
        cabinet_id=first.cabinet_id,
        actor=ADMIN,
    )
    _register(session, tenant, code="CAB-N-6", name="领用柜", site_id=floor3.id)


def test_the_layout_is_sent_when_first_heard_from_and_at_every_planogram_change(
    session: Session,
) -> None:
    tenant = make_tenant(session)
    made = _register(session, tenant, model="SC-24M")
    cabinet = session.get(Cabinet, made.cabinet_id)
    assert _configs(session, cabinet.id) == []  # not before the controller can verify it
    heard_from(session=session, cabinet=cabinet, now=NOW)
    (first,) = _configs(session, cabinet.id)
    assert first.payload == {"version": 1, "slots": []}
    heard_from(session=session, cabinet=cabinet, now=NOW)  # heartbeats do not repeat it
    assert len(_configs(session, cabinet.id)) == 1

    pen, tape = make_item(session, tenant), make_item(session, tenant, "胶带")
    tape.rfid_tagged, tape.epc_prefix, tape.unit_weight_g = True, "E2801234", 180.0
    a1, b2 = (
        session.exec(select(Slot).where(Slot.cabinet_id == cabinet.id, Slot.code == c)).one()
        for c in ("A1", "B2")
    )
    scope = TenantScope.single(tenant.id)
    entry = plan_item(session=session, scope=scope, slot_id=a1.id, item_id=pen.id, actor=ADMIN)
    second = _configs(session, cabinet.id)[-1]  # online: sent at once
    assert second.payload == {
        "version": 2,
        "slots": [
            {
                "slot": "A1",
                "unit": 1,
                "channel": 1,
                "sku": pen.sku,
                "unit_mg": 10500,
                "tolerance_mg": 400,
            }
        ],
    }
    assert (
        schema_problem(
            "cmd.config", {"command": "c0ffee0000", "expires": 1764202200000} | second.payload
        )
        is None
    )

    cabinet.is_online = False  # away: the change waits for it
    set_slot_item(session=session, scope=scope, entry_id=entry.id, item_id=tape.id, actor=ADMIN)
    plan_item(session=session, scope=scope, slot_id=b2.id, item_id=pen.id, actor=ADMIN)
    assert len(_configs(session, cabinet.id)) == 2 and cabinet.config_due
    heard_from(session=session, cabinet=cabinet, now=NOW)
    third = _configs(session, cabinet.id)[-1]
    assert third.payload["version"] == 3
    assert [(s["slot"], s["sku"], s.get("rfid")) for s in third.payload["slots"]] == [
        ("A1", tape.sku, True),
        ("B2", pen.sku, None),
    ]
    assert third.payload["slots"][0]["unit_mg"] == 180000


def test_an_items_new_weight_is_a_layout_change_for_the_cabinets_planning_it(
    session: Session,
) -> None:
    tenant = make_tenant(session)
    made = _register(session, tenant, model="SC-8L")
    cabinet = session.get(Cabinet, made.cabinet_id)
    heard_from(session=session, cabinet=cabinet, now=NOW)
    pen = make_item(session, tenant)
    a1 = session.exec(select(Slot).where(Slot.cabinet_id == cabinet.id, Slot.code == "A1")).one()
    scope = TenantScope.single(tenant.id)
    plan_item(session=session, scope=scope, slot_id=a1.id, item_id=pen.id, actor=ADMIN)
    assert len(_configs(session, cabinet.id)) == 2

    def save(weight: float, name: str) -> None:
        fields = ItemFields(pen.sku, name, None, "支", weight, 0.4, 250, False, True)
        save_item(
            session=session,
            scope=scope,
            tenant_id=tenant.id,
            item_id=pen.id,
            fields=fields,
            actor=ADMIN,
        )

    save(10.5, "另一个名字")  # the name is not in the layout: nothing sent
    assert len(_configs(session, cabinet.id)) == 2
    save(11.0, "另一个名字")
    latest = _configs(session, cabinet.id)[-1]
    assert (latest.payload["version"], latest.payload["slots"][0]["unit_mg"]) == (3, 11000)


def test_rotating_shows_a_new_bundle_and_the_old_secret_stops_working(session: Session) -> None:
    tenant = make_tenant(session)
    first = _register(session, tenant)
    again = provisioning.rotate_credentials(
        session=session,
        scope=TenantScope.single(tenant.id),
        cabinet_id=first.cabinet_id,
        actor=ADMIN,
    )
    assert again.bundle["secret_version"] == 2
    assert again.bundle["secret_hex"] != first.bundle["secret_hex"]
    (key,) = cabinet_keys(session=session, cabinet_codes=["CAB-NEW-001"]).values()
    assert key.secret.hex() == again.bundle["secret_hex"]
    with pytest.raises(NotFoundError):  # another tenant's admin cannot rotate it
        provisioning.rotate_credentials(
            session=session,
            scope=TenantScope.single(make_tenant(session).id),
            cabinet_id=first.cabinet_id,
            actor=ADMIN,
        )


def test_maintenance_keeps_employees_out_but_not_the_console(session: Session) -> None:
    tenant = make_tenant(session)
    made = _register(session, tenant)
    cabinet = session.get(Cabinet, made.cabinet_id)
    cabinet.is_online = True
    person = make_user(session, tenant)
    person.badge_card_no = "C0001234"
    scope = TenantScope.single(tenant.id)
    provisioning.set_maintenance(
        session=session, scope=scope, cabinet_id=cabinet.id, on=True, actor=ADMIN
    )
    assert cabinet.status == "maintenance"
    lease = _configs_of_kind(session, cabinet.id, "sync_lease")[-1]  # online: lease emptied
    assert lease.payload["cards"] == [] and lease.payload["pins"] == []
    refused = on_card(session=session, cabinet=cabinet, body={"card": "C0001234", "at": now_ms()})
    assert (refused.status, refused.reason) == ("refused", "cabinet_maintenance")
    assert "维护" in t("door.refused_cabinet_maintenance", "zh-CN")
    door = unlock_for(
        session=session, scope=scope, cabinet_id=cabinet.id, who="C0001234", actor=ADMIN
    )
    assert door.status == "unlocking"  # a technician at the cabinet, opened from the console
    door.status = "committed"
    session.flush()

    provisioning.set_maintenance(
        session=session, scope=scope, cabinet_id=cabinet.id, on=False, actor=ADMIN
    )
    assert lease_arguments(session, cabinet, NOW)["cards"] == [
        {"card": "C0001234", "user": f"u{person.id}"}
    ]
    opened = on_card(session=session, cabinet=cabinet, body={"card": "C0001234", "at": now_ms()})
    assert opened.status == "unlocking"
    actions = [e.action for e in session.exec(select(AuditLog).order_by(AuditLog.id))]
    assert "cabinet.maintenance" in actions and "cabinet.in_service" in actions


def _configs_of_kind(session: Session, cabinet_id: int, kind: str) -> list[DeviceCommand]:
    return list(
        session.exec(
            select(DeviceCommand)
            .where(DeviceCommand.cabinet_id == cabinet_id, DeviceCommand.kind == kind)
            .order_by(DeviceCommand.id)
        )
    )


def test_decommissioning_revokes_the_credentials_and_keeps_the_history(session: Session) -> None:
    tenant = make_tenant(session)
    made = _register(session, tenant)
    cabinet = session.get(Cabinet, made.cabinet_id)
    heard_from(session=session, cabinet=cabinet, now=datetime.now(UTC))
    (config,) = _configs(session, cabinet.id)
    scope = TenantScope.single(tenant.id)
    mark_offline(session=session, cabinet=cabinet, now=datetime.now(UTC))
    elsewhere = raise_once(
        session=session,
        tenant_id=tenant.id,
        kind="low_stock",
        root_key="other",
        message_key="x",
        params={},
    )
    provisioning.decommission(session=session, scope=scope, cabinet_id=cabinet.id, actor=ADMIN)
    open_on_it = select(Alert).where(Alert.cabinet_id == cabinet.id, Alert.status != "resolved")
    assert session.exec(open_on_it).all() == []  # nobody can act on them: off the wall and bell
    assert elsewhere.status == "open"
    assert (cabinet.status, cabinet.secret_ciphertext, cabinet.is_online) == (
        "retired",
        None,
        False,
    )
    assert config.status == CommandStatus.expired.value  # nothing more goes to it
    assert config.result == {"reason": "decommissioned"}
    assert cabinet_keys(session=session, cabinet_codes=[cabinet.code]) == {}  # gateway refuses
    assert session.get(Cabinet, cabinet.id) is not None  # kept, with its slots and commands
    assert len(session.exec(select(Slot).where(Slot.cabinet_id == cabinet.id)).all()) == 14
    listed = list_cabinets(session=session, scope=scope)  # off the fleet list, kept apart
    assert cabinet.id not in [r.id for r in listed.rows]
    retired = list_cabinets(session=session, scope=scope, status="retired")
    assert [(r.id, r.lifecycle) for r in retired.rows] == [(cabinet.id, "retired")]
    for change in (
        lambda: provisioning.rotate_credentials(
            session=session, scope=scope, cabinet_id=cabinet.id, actor=ADMIN
        ),
        lambda: provisioning.set_maintenance(
            session=session, scope=scope, cabinet_id=cabinet.id, on=False, actor=ADMIN
        ),
    ):
        with pytest.raises(ValidationError) as error:
            change()
        assert error.value.key == "cabinets.retired"
    person = make_user(session, tenant)
    person.badge_card_no = "C0009999"
    cabinet.is_online = True  # even if something said so, a retired cabinet opens for nobody
    refused = on_card(session=session, cabinet=cabinet, body={"card": "C0009999", "at": now_ms()})
    assert refused.reason == "cabinet_retired"


def test_provisioning_is_a_permission_of_admins_not_of_staff() -> None:
    roles = {r.code: r.permissions for r in BUILTIN_ROLES}
    assert provisioning.PERMISSION == "cabinet:provision"
    assert all(provisioning.PERMISSION in roles[r] for r in ("platform_operator", "tenant_admin"))
    assert provisioning.PERMISSION in roles["provider_admin"]
    assert provisioning.PERMISSION not in roles["provider_staff"]
    assert provisioning.PERMISSION not in roles["employee"]


def test_the_documents_provisioning_example_computes_as_written() -> None:
    """docs/protocol.md § 11: a vendor derives the MQTT password and signs with the 32 bytes
    `secret_hex` decodes to; the document's numbers are what our code computes."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text("utf-8")
    chapter = text[text.index("## 11. Provisioning") :]
    bundle = json.loads(chapter[chapter.index("```json") + 7 : chapter.index("```\n", 10)])
    key = bytes.fromhex(bundle["secret_hex"])
    assert len(key) == 32 and mqtt_password(key) == bundle["mqtt_password"]
    assert hmac.new(key, b"mqtt-password-v1", hashlib.sha256).hexdigest() in chapter
    assert set(bundle) == set(_register_fields())
    topic, message = examples.example("heartbeat", 1)
    assert hmac.new(key, canonical_string(topic, message), hashlib.sha256).hexdigest() in chapter


def _register_fields() -> list[str]:
    fake = type(
        "Made", (), {"mqtt_username": "u", "mqtt_password": "p", "secret_hex": "", "version": 1}
    )
    cabinet = Cabinet(code="CAB-1", name="x", model="SC-40S", mqtt_username="u", tenant_id=1)
    return list(provisioning.bundle_of(cabinet, "T", fake, NOW))
