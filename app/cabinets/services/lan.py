"""Cabinets without a controller of their own, on a site's LAN (docs/lan-cabinets.md): where
their scale banks, door sensor and lock answer over Modbus TCP. Registering one is a tenant
admin's change (`cabinet:write`, checked by the caller as for every console change; scoped;
audited); the LAN driver (`python -m hardware.lan`) reads them back, with each cabinet's secret,
and speaks the cabinet protocol for them, so the gateway, identification and the ledger cannot
tell them from a cabinet with firmware.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from app.audit.services.records import Actor, record_created, snapshot, update_scoped
from app.cabinets.models import Cabinet, CabinetStatus, LanController, Site, Slot, SlotKind
from app.cabinets.services.credentials import decrypt_secret
from app.core.errors import DomainError, ValidationError
from app.core.model_base import pk
from app.core.tenancy import TenantScope, get_scoped_or_raise, scoped_select
from app.tenants.models import Tenant
from hardware.scales import INDICATORS

PERMISSION = "cabinet:write"
HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")  # a name or an IPv4
ADDRESS_MAX = 65535
UNIT_MAX = 247  # Modbus device ids 1..247 (0 is broadcast; some TCP I/O modules answer on 0)


@dataclass(frozen=True)
class LanWiring:
    """What an installer reads off the wiring: addresses, not behaviour."""

    host: str
    port: int = 502
    io_unit: int = 1
    lock_coil: int = 0
    door_input: int = 0
    door_open_when: bool = True
    io_host: str | None = None
    io_port: int | None = None
    # slot code → (unit id, indicator model); None: each scale slot's own unit and indicator
    scales: dict[str, tuple[int, str]] | None = None


@dataclass(frozen=True)
class LanCabinetSpec:
    """One LAN cabinet as its driver needs it (credentials included: the driver signs)."""

    cabinet_id: int
    tenant: str
    code: str
    mqtt_username: str
    secret: bytes
    controller: dict[str, Any] = field(default_factory=dict)


def _host(raw: str | None, name: str, *, optional: bool = False) -> str | None:
    host = (raw or "").strip()
    if not host and optional:
        return None
    if not HOST.match(host):
        raise ValidationError("lan.bad_host", field=name)
    return host


def _number(value: object, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError("lan.out_of_range", field=name, low=low, high=high)
    return value


def _scales(
    session: Session, cabinet: Cabinet, wanted: dict[str, tuple[int, str]] | None
) -> list[dict[str, Any]]:
    slots = session.exec(
        select(Slot)
        .where(Slot.cabinet_id == cabinet.id, Slot.kind == SlotKind.scale.value)
        .order_by(Slot.code)
    ).all()
    if not slots:
        raise ValidationError("lan.no_scale_slots", field="scales")
    chosen = wanted if wanted is not None else {s.code: (s.scale_unit, s.indicator) for s in slots}
    if set(chosen) != {s.code for s in slots}:  # door.closed names every scale slot
        missing = sorted({s.code for s in slots} ^ set(chosen))
        raise ValidationError("lan.scales_must_match_slots", field="scales", slots=missing)
    out: list[dict[str, Any]] = []
    for code, (unit, model) in sorted(chosen.items()):
        _number(unit, f"scales.{code}.unit", 1, UNIT_MAX)
        if model not in INDICATORS:
            raise ValidationError("lan.unknown_indicator", field=f"scales.{code}.model", slot=code)
        out.append({"slot": code, "unit": unit, "model": model})
    return out


def register_lan_cabinet(
    *, session: Session, scope: TenantScope, cabinet_id: int, wiring: LanWiring, actor: Actor
) -> LanController:
    """Record (or change) where a cabinet of the scope answers on its site's LAN; every field
    is checked before anything is written, and the change is audited."""
    cabinet = get_scoped_or_raise(session, Cabinet, cabinet_id, scope)
    values: dict[str, Any] = {
        "host": _host(wiring.host, "host"),
        "port": _number(wiring.port, "port", 1, ADDRESS_MAX),
        "io_host": _host(wiring.io_host, "io_host", optional=True),
        "io_port": None if wiring.io_port is None else _number(wiring.io_port, "io_port", 1, 65535),
        "io_unit": _number(wiring.io_unit, "io_unit", 0, UNIT_MAX),
        "lock_coil": _number(wiring.lock_coil, "lock_coil", 0, ADDRESS_MAX),
        "door_input": _number(wiring.door_input, "door_input", 0, ADDRESS_MAX),
        "door_open_when": bool(wiring.door_open_when),
        "scales": _scales(session, cabinet, wiring.scales),
    }
    row = session.exec(select(LanController).where(LanController.cabinet_id == cabinet.id)).first()
    if row is not None:
        changes = values | {"updated_at": datetime.now(UTC)}
        return update_scoped(session, LanController, row.id, scope, changes, actor=actor)
    row = LanController(tenant_id=cabinet.tenant_id, cabinet_id=pk(cabinet), **values)
    session.add(row)
    session.flush()
    record_created(session, row, actor=actor)
    return row


def register_by_code(
    *, session: Session, scope: TenantScope, code: str, wiring: LanWiring, actor: Actor
) -> LanController:
    """The console's form: the cabinet named by its code (one of the scope's)."""
    found = session.exec(
        scoped_select(Cabinet, scope).where(Cabinet.code == (code or "").strip().upper())
    ).first()
    if found is None:
        raise ValidationError("lan.no_such_cabinet", field="cabinet", code=code)
    return register_lan_cabinet(
        session=session, scope=scope, cabinet_id=pk(found), wiring=wiring, actor=actor
    )


@dataclass(frozen=True)
class LanCabinetRow:
    cabinet_id: int
    code: str
    name: str
    scales_at: str  # host:port of the scales' gateway
    units: str  # the indicators' unit ids, "1, 2, 3"
    io_at: str  # host:port/unit of the door and lock
    lock_coil: int
    door_input: int


def list_lan_cabinets(*, session: Session, scope: TenantScope) -> list[LanCabinetRow]:
    """The scope's LAN cabinets and where each answers, for the console."""
    rows = session.exec(
        scoped_select(LanController, scope)
        .join(Cabinet, col(Cabinet.id) == LanController.cabinet_id)
        .order_by(Cabinet.code)
    ).all()
    cabinets = {
        c.id: c
        for c in session.exec(
            select(Cabinet).where(col(Cabinet.id).in_([r.cabinet_id for r in rows] or [0]))
        )
    }
    out = []
    for row in rows:
        cabinet = cabinets[row.cabinet_id]
        out.append(
            LanCabinetRow(
                pk(cabinet),
                cabinet.code,
                cabinet.name,
                f"{row.host}:{row.port}",
                ", ".join(str(s["unit"]) for s in row.scales),
                f"{row.io_host or row.host}:{row.io_port or row.port}/{row.io_unit}",
                row.lock_coil,
                row.door_input,
            )
        )
    return out


def lan_cabinets(*, session: Session, site: str | None = None) -> list[LanCabinetSpec]:
    """For the LAN driver of a site (a system process across tenants, like the gateway): every
    active, provisioned LAN cabinet, of the site named or numbered `site` (None: all)."""
    statement = (
        select(Cabinet, LanController, Tenant.code)
        .join(LanController, col(LanController.cabinet_id) == Cabinet.id)
        .join(Tenant, col(Tenant.id) == Cabinet.tenant_id)
        .where(
            Cabinet.status != CabinetStatus.retired.value,
            col(Cabinet.secret_ciphertext).is_not(None),
        )
        .order_by(col(Cabinet.id))
    )
    if site is not None:
        ids = select(Site.id).where((Site.name == site) | (Site.id == _int_or_none(site)))
        statement = statement.where(col(Cabinet.site_id).in_(ids))
    specs = []
    for cabinet, controller, tenant_code in session.exec(statement):
        if cabinet.secret_ciphertext is None:  # not selected
            continue
        try:
            secret = decrypt_secret(cabinet.secret_ciphertext)
        except DomainError:  # SECRET_KEY rotated without re-provisioning: it cannot sign
            continue
        wiring = snapshot(controller)
        specs.append(
            LanCabinetSpec(
                pk(cabinet), tenant_code, cabinet.code, cabinet.mqtt_username, secret, wiring
            )
        )
    return specs


def _int_or_none(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else None
