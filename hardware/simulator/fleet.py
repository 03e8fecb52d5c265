"""Which cabinets to simulate and how each is built: from the database (development and the demo:
this machine holds the secrets) or from a JSON file of provisioned credentials (anywhere)."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from app.cabinets.credentials import cabinet_secret, provision
from app.cabinets.models import Cabinet, CabinetStatus
from app.core.records import Actor
from app.core.tenancy import TenantScope, scoped_select
from app.tenants.models import Tenant
from hardware.simulator.cabinet import CabinetIdentity
from hardware.simulator.weighing import LoadCell

# One slot per indicator layout: pens, notebooks, tape (grams per unit).
UNIT_G = {"A1": 12.5, "A2": 45.0, "A3": 180.0}
STOCK = {"A1": 40, "A2": 10, "A3": 6}
MODELS = {"A1": "laumas_tlu", "A2": "eagle_ei2000", "A3": "tuna_id551pn"}
SIMULATOR = Actor(account_id=None, name="cabinet simulator")


@dataclass(frozen=True)
class SimulatedSpec:
    identity: CabinetIdentity
    cards: list[str]


def three_layout_cells(seed: int = 7) -> list[LoadCell]:
    """Three scales on one bank, one of each register layout, stocked."""
    rng = random.Random(seed)
    return [
        LoadCell(slot, unit, MODELS[slot], load_g=STOCK[slot] * UNIT_G[slot], rng=rng)
        for unit, slot in enumerate(UNIT_G, start=1)
    ]


def rfid_tags(code: str) -> dict[str, list[str]]:
    """Tape rolls (A3) carry RFID tags; EPCs derived from the cabinet code."""
    base = sum(code.encode()) & 0xFFFF
    return {"A3": [f"E280{base:04X}{n:08X}" for n in range(STOCK["A3"])]}


def fleet_from_database(session: Session, count: int) -> list[SimulatedSpec]:
    """The first `count` active cabinets; a cabinet without credentials is provisioned (and
    audited) so it can connect. Development and demo only: it reads the cabinets' secrets."""
    cabinets = session.exec(
        scoped_select(Cabinet, TenantScope.platform())
        .where(Cabinet.status == CabinetStatus.active.value)
        .order_by(Cabinet.id)
        .limit(count)
    ).all()
    specs = []
    for cabinet in cabinets:
        if cabinet.secret_ciphertext is None:
            provision(
                session=session,
                scope=TenantScope.single(cabinet.tenant_id),
                cabinet_id=cabinet.id,
                actor=SIMULATOR,
            )
        _, secret = cabinet_secret(session=session, cabinet_code=cabinet.code)
        tenant_code = session.exec(select(Tenant.code).where(Tenant.id == cabinet.tenant_id)).one()
        identity = CabinetIdentity(tenant_code, cabinet.code, cabinet.mqtt_username, secret)
        specs.append(SimulatedSpec(identity, cards=[f"C{cabinet.id:03d}{n:05d}" for n in range(8)]))
    return specs


def fleet_from_file(path: Path) -> list[SimulatedSpec]:
    """[{"tenant", "cabinet", "mqtt_username", "secret_hex", "cards": [...]}, ...]"""
    entries = json.loads(path.read_text(encoding="utf-8"))
    return [
        SimulatedSpec(
            CabinetIdentity(
                e["tenant"], e["cabinet"], e["mqtt_username"], bytes.fromhex(e["secret_hex"])
            ),
            cards=list(e.get("cards") or ["C0000001"]),
        )
        for e in entries
    ]
