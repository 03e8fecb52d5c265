"""Which cabinets to simulate and how each is built: from the database (development and the demo:
this machine holds the secrets), from a JSON file of provisioned credentials, or from one
cabinet's provisioning bundle as the console hands it to an installer (anywhere)."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from sqlmodel import Session, col, select

from app.audit.services.records import Actor
from app.cabinets.models import Cabinet, CabinetStatus, Slot
from app.cabinets.services.credentials import cabinet_secret, mqtt_password, provision
from app.cabinets.services.provisioning import BUNDLE_FORMAT
from app.core.model_base import pk
from app.core.tenancy import TenantScope, scoped_select
from app.inventory.models import PlanogramEntry, Stock
from app.items.models import Item
from app.org.models import User
from app.tenants.models import Tenant
from hardware.simulator.cabinet import CabinetIdentity
from hardware.simulator.camera import WatchedSlot
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
    # slot → (grams per unit, units on it); None: the three-layout demo bank
    stock: dict[str, tuple[float, int]] | None = None
    # slot → the EPCs of the tagged units on it (scales and RFID zones); None: demo tape tags
    tags: dict[str, list[str]] | None = None
    watched: tuple[WatchedSlot, ...] = ()  # the slots its cameras see (none: no camera)

    @property
    def unit_g(self) -> dict[str, float]:
        return {slot: g for slot, (g, _) in self.stock.items()} if self.stock else UNIT_G

    def cells(self, seed: int) -> list[LoadCell]:
        """One scale per stocked slot, the three indicator layouts in turn, loaded as stocked
        (a 300 g tray under each), or the three-layout demo bank."""
        if not self.stock:
            return three_layout_cells(seed)
        rng = random.Random(seed)
        layouts = list(MODELS.values())
        return [
            LoadCell(slot, unit, layouts[unit % 3], load_g=300 + grams * units, tray_g=300, rng=rng)
            for unit, (slot, (grams, units)) in enumerate(sorted(self.stock.items()), start=1)
        ]


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


def fleet_from_database(
    session: Session, count: int, codes: list[str] | None = None
) -> list[SimulatedSpec]:
    """The first `count` active cabinets; a cabinet without credentials is provisioned (and
    audited) so it can connect. Development and demo only: it reads the cabinets' secrets."""
    cabinets = session.exec(
        scoped_select(Cabinet, TenantScope.platform())
        .where(Cabinet.status == CabinetStatus.active.value)
        .where(col(Cabinet.code).in_(codes) if codes else True)
        .order_by(col(Cabinet.id))
        .limit(count)
    ).all()
    specs = []
    for cabinet in cabinets:
        if cabinet.secret_ciphertext is None:
            provision(
                session=session,
                scope=TenantScope.single(cabinet.tenant_id),
                cabinet_id=pk(cabinet),
                actor=SIMULATOR,
            )
        found = cabinet_secret(session=session, cabinet_code=cabinet.code)
        if found is None:  # provisioned just above
            raise LookupError(f"cabinet {cabinet.code} has no secret")
        _, secret = found
        tenant_code = session.exec(select(Tenant.code).where(Tenant.id == cabinet.tenant_id)).one()
        identity = CabinetIdentity(tenant_code, cabinet.code, cabinet.mqtt_username, secret)
        specs.append(spec_of(session, cabinet, identity))
    return specs


def spec_of(session: Session, cabinet: Cabinet, identity: CabinetIdentity) -> SimulatedSpec:
    """The cabinet as planned and stocked in the database, visited by the tenant's people."""
    cards = _cards(session, cabinet) or [f"C{cabinet.id:03d}{n:05d}" for n in range(8)]
    stock = _stocked_scales(session, cabinet) or None
    tags = _tagged_units(session, cabinet) if stock else None
    return SimulatedSpec(identity, cards, stock, tags, _watched(session, cabinet))


def _watched(session: Session, cabinet: Cabinet) -> tuple[WatchedSlot, ...]:
    """The weighed slots a camera watches, with the detector class of what lies on each."""
    rows = session.exec(
        select(Slot.code, Slot.camera, Slot.camera_region, Item.vision_class)
        .join(PlanogramEntry, col(PlanogramEntry.slot_id) == Slot.id)
        .join(Item, col(Item.id) == PlanogramEntry.item_id)
        .where(
            Slot.cabinet_id == cabinet.id,
            Slot.kind == "scale",
            col(Slot.camera).is_not(None),
            PlanogramEntry.tenant_id == cabinet.tenant_id,
        )
    ).all()
    return tuple(
        WatchedSlot(code, camera, tuple((x, y) for x, y in region), looks)
        for code, camera, region, looks in rows
        if camera is not None  # so selected
        if region
    )


def epc(prefix: str, serial: int) -> str:
    """A 96-bit EPC (24 hex digits): the item's prefix, then the unit's serial."""
    return f"{prefix}{serial:0{max(24 - len(prefix), 4)}X}"


def _tagged_units(session: Session, cabinet: Cabinet) -> dict[str, list[str]]:
    """One tag per stocked unit of every RFID-tagged item, where it lies."""
    rows = session.exec(
        select(Slot.code, Item.epc_prefix, Stock.quantity)
        .join(Stock, col(Stock.slot_id) == Slot.id)
        .join(Item, col(Item.id) == Stock.item_id)
        .where(
            Slot.cabinet_id == cabinet.id,
            Stock.tenant_id == cabinet.tenant_id,
            Item.rfid_tagged,
            col(Item.epc_prefix).is_not(None),
        )
    ).all()
    return {
        code: [epc(prefix, n) for n in range(quantity)]
        for code, prefix, quantity in rows
        if prefix is not None  # so selected
    }


def _cards(session: Session, cabinet: Cabinet) -> list[str]:
    """Badge cards of the tenant's people: the demo's visitors are people the cloud knows."""
    statement = (
        scoped_select(User, TenantScope.single(cabinet.tenant_id))
        .where(User.is_active, col(User.badge_card_no).is_not(None))
        .order_by(col(User.id))
        .limit(12)
    )
    return [u.badge_card_no for u in session.exec(statement) if u.badge_card_no is not None]


def _stocked_scales(session: Session, cabinet: Cabinet) -> dict[str, tuple[float, int]]:
    """The cabinet's weighed slots as planned and stocked in the database."""
    rows = session.exec(
        select(Slot.code, Item.unit_weight_g, Stock.quantity)
        .join(Stock, (col(Stock.slot_id) == Slot.id))
        .join(Item, col(Item.id) == Stock.item_id)
        .where(
            Slot.cabinet_id == cabinet.id,
            Slot.kind == "scale",
            Stock.tenant_id == cabinet.tenant_id,
        )
    ).all()
    return {code: (grams, quantity) for code, grams, quantity in rows}


def spec_from_bundle(path: Path) -> tuple[SimulatedSpec, tuple[str, int]]:
    """A cabinet set up from its provisioning bundle alone (docs/protocol.md § 11), and the
    broker it names: what an installer loads into a real controller, nothing else."""
    bundle = json.loads(path.read_text(encoding="utf-8"))
    if bundle.get("format") != BUNDLE_FORMAT:
        raise ValueError(f"{path}: not a provisioning bundle (format {bundle.get('format')!r})")
    secret = bytes.fromhex(bundle["secret_hex"])
    if mqtt_password(secret) != bundle["mqtt_password"]:
        raise ValueError(f"{path}: the MQTT password does not follow from the secret")
    broker = urlparse(bundle["broker_url"])
    if broker.scheme != "mqtt":  # the simulator speaks plain MQTT (development brokers)
        raise ValueError(f"{path}: the simulator cannot reach {broker.scheme}:// brokers")
    identity = CabinetIdentity(
        bundle["tenant"], bundle["client_id"], bundle["mqtt_username"], secret
    )
    return SimulatedSpec(identity, cards=["C0000001"]), (broker.hostname, broker.port or 1883)


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
