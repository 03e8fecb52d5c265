"""Registering where a controller-less cabinet answers on its site's LAN
(app/cabinets/services/lan.py): the slots' own units and indicators by default, every field checked
before anything is written (the error names the field), a change audited with before and after,
another tenant's cabinet out of reach, the console's form (by code, within its scope; numbers that
are not numbers named) and the driver of a site reading back only its own provisioned cabinets."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.cabinets.models import LanController
from app.cabinets.services.credentials import provision
from app.cabinets.services.lan import (
    LanWiring,
    lan_cabinets,
    list_lan_cabinets,
    register_by_code,
    register_lan_cabinet,
)
from app.cabinets.state.lan import wiring_of
from app.core.errors import NotFoundError, ValidationError
from app.core.tenancy import TenantScope
from tests.factories import make_cabinet, make_site, make_slot, make_tenant

ADMIN = Actor(account_id=None, name="行政小陈")


def _cabinet_with_scales(session: Session, tenant=None):
    tenant = tenant or make_tenant(session)
    cabinet = make_cabinet(session, tenant)
    for unit, code in enumerate(("A1", "A2"), start=1):
        slot = make_slot(session, cabinet, code)
        slot.scale_unit, slot.indicator = unit, "laumas_tlu"
    session.flush()
    return tenant, cabinet


def _register(session: Session, tenant_id: int, cabinet_id: int, **wiring):
    return register_lan_cabinet(
        session=session,
        scope=TenantScope.single(tenant_id),
        cabinet_id=cabinet_id,
        wiring=LanWiring(**({"host": "10.20.0.15"} | wiring)),
        actor=ADMIN,
    )


def test_a_cabinet_is_registered_with_its_slots_units_and_a_change_is_audited(
    session: Session,
) -> None:
    tenant, cabinet = _cabinet_with_scales(session)
    row = _register(session, tenant.id, cabinet.id, io_unit=9, lock_coil=3, door_input=5)
    assert (row.tenant_id, row.host, row.port, row.io_unit, row.lock_coil, row.door_input) == (
        tenant.id, "10.20.0.15", 502, 9, 3, 5,
    )  # fmt: skip
    assert row.scales == [
        {"slot": "A1", "unit": 1, "model": "laumas_tlu"},
        {"slot": "A2", "unit": 2, "model": "laumas_tlu"},
    ]
    wired = {"A1": (11, "eagle_ei2000"), "A2": (12, "tuna_id551pn")}
    again = _register(session, tenant.id, cabinet.id, port=1502, scales=wired)
    assert again.id == row.id and again.port == 1502 and again.scales[1]["unit"] == 12
    entries = session.exec(
        select(AuditLog).where(AuditLog.entity == "lan_controller").order_by(AuditLog.id)
    ).all()
    assert [e.action for e in entries] == ["lan_controller.create", "lan_controller.update"]
    assert entries[1].before["port"] == 502 and entries[1].after["port"] == 1502
    assert {e.actor_name for e in entries} == {"行政小陈"}


@pytest.mark.parametrize(
    ("wiring", "field"),
    [
        ({"host": "10.20.0.15; rm -rf"}, "host"),
        ({"host": ""}, "host"),
        ({"port": 0}, "port"),
        ({"io_unit": 248}, "io_unit"),
        ({"lock_coil": -1}, "lock_coil"),
        ({"door_input": 70000}, "door_input"),
        ({"io_port": 65536}, "io_port"),
        ({"scales": {"A1": (1, "laumas_tlu")}}, "scales"),  # A2 is weighed too
        ({"scales": {"A1": (1, "laumas_tlu"), "A2": (2, "no_such")}}, "scales.A2.model"),
        ({"scales": {"A1": (0, "laumas_tlu"), "A2": (2, "laumas_tlu")}}, "scales.A1.unit"),
    ],
)
def test_every_field_is_checked_before_anything_is_written(
    session: Session, wiring: dict, field: str
) -> None:
    tenant, cabinet = _cabinet_with_scales(session)
    with pytest.raises(ValidationError) as refused:
        _register(session, tenant.id, cabinet.id, **wiring)
    assert refused.value.params["field"] == field
    assert session.exec(select(LanController)).all() == []


def test_a_cabinet_without_weighed_slots_cannot_be_driven(session: Session) -> None:
    tenant = make_tenant(session)
    cabinet = make_cabinet(session, tenant)
    with pytest.raises(ValidationError) as refused:
        _register(session, tenant.id, cabinet.id)
    assert refused.value.key == "lan.no_scale_slots"


def test_another_tenants_cabinet_is_out_of_reach(session: Session) -> None:
    _tenant, cabinet = _cabinet_with_scales(session)
    other = make_tenant(session)
    with pytest.raises(NotFoundError):
        _register(session, other.id, cabinet.id)
    assert session.exec(select(LanController)).all() == []


def test_the_driver_of_a_site_reads_back_its_provisioned_cabinets_only(session: Session) -> None:
    tenant, here = _cabinet_with_scales(session)
    _tenant, elsewhere = _cabinet_with_scales(session, tenant)
    _tenant, unprovisioned = _cabinet_with_scales(session, tenant)
    site, other_site = make_site(session, tenant, "总部 3F"), make_site(session, tenant, "B")
    here.site_id, elsewhere.site_id, unprovisioned.site_id = site.id, other_site.id, site.id
    for cabinet in (here, elsewhere, unprovisioned):
        _register(session, tenant.id, cabinet.id, lock_coil=3)
    made = provision(
        session=session, scope=TenantScope.single(tenant.id), cabinet_id=here.id, actor=ADMIN
    )
    provision(
        session=session, scope=TenantScope.single(tenant.id), cabinet_id=elsewhere.id, actor=ADMIN
    )
    (spec,) = lan_cabinets(session=session, site="总部 3F")
    assert (spec.cabinet_id, spec.tenant, spec.code) == (here.id, tenant.code, here.code)
    assert spec.secret.hex() == made.secret_hex and spec.controller["lock_coil"] == 3
    assert [s.cabinet_id for s in lan_cabinets(session=session, site=str(site.id))] == [here.id]
    assert {s.cabinet_id for s in lan_cabinets(session=session)} == {here.id, elsewhere.id}


def test_the_console_registers_by_code_within_its_scope_and_lists_the_wiring(
    session: Session,
) -> None:
    tenant, cabinet = _cabinet_with_scales(session)
    other, foreign = _cabinet_with_scales(session)
    form = {"cabinet": f" {cabinet.code.lower()} ", "host": "10.20.0.15", "io_unit": "9"}
    register_by_code(
        session=session,
        scope=TenantScope.single(tenant.id),
        code=form["cabinet"],
        wiring=wiring_of(form | {"lock_coil": "3", "door_input": "5", "door_open_when_low": "on"}),
        actor=ADMIN,
    )
    with pytest.raises(ValidationError) as refused:  # another tenant's code names nothing
        register_by_code(
            session=session,
            scope=TenantScope.single(tenant.id),
            code=foreign.code,
            wiring=wiring_of(form),
            actor=ADMIN,
        )
    assert refused.value.key == "lan.no_such_cabinet"
    (row,) = list_lan_cabinets(session=session, scope=TenantScope.single(tenant.id))
    assert (row.code, row.scales_at, row.units, row.io_at) == (
        cabinet.code, "10.20.0.15:502", "1, 2", "10.20.0.15:502/9",
    )  # fmt: skip
    assert (row.lock_coil, row.door_input) == (3, 5)
    assert session.exec(select(LanController)).one().door_open_when is False
    assert list_lan_cabinets(session=session, scope=TenantScope.single(other.id)) == []


@pytest.mark.parametrize("field", ["port", "io_unit", "lock_coil", "door_input"])
def test_a_number_field_that_is_not_a_number_is_named(field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        wiring_of({"host": "h", field: "3x"})
    assert refused.value.params["field"] == field
    assert wiring_of({"host": "h", field: ""}) == LanWiring(host="h")
