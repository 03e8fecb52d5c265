"""Demo data for `make run`: providers, tenants, people, catalogue and cabinets (idempotent).

Deterministic (seeded) so screenshots and tests agree; history comes from
app/demo/services/history.py.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from app.auth.models import Account, AccountKind, GrantScope, Role, RoleGrant
from app.auth.services.auth import ensure_builtin_roles
from app.auth.services.passwords import hash_secret
from app.cabinets.models import Cabinet, DoorState, Site, Slot
from app.cabinets.services.profiles import PROFILES, slot_plan
from app.core.model_base import pk
from app.demo.services import catalogue as cat
from app.demo.services.history import CabinetLayout, TenantWorld, seed_history
from app.demo.services.logins import DemoSummary, demo_logins
from app.demo.services.routing import seed_routing
from app.demo.services.rules import seed_rules
from app.demo.services.stocktake import seed_stocktake
from app.demo.services.suspended import seed_suspended_tenant
from app.inventory.models import MovementKind, PlanogramEntry
from app.inventory.services.inventory import record_movement
from app.items.models import Item, ItemTag, ItemType, Tag
from app.org.models import Department, DepartmentManager, PhoneWhitelist, User
from app.tenants.models import (
    ProviderStaff,
    ProviderStaffRole,
    ProviderStaffTenant,
    ServiceProvider,
    Tenant,
)
from app.wall.models import WallDisplay
from app.wall.service import token_hash

DEMO_WIRING = "SC-40S"


class _Builder:
    """Holds the seed's shared state (random source, hashes, roles) while rows are created."""

    def __init__(self, session: Session, now: datetime, seed: int) -> None:
        self.session = session
        self.now = now
        self.rng = random.Random(seed)
        self.password_hash = hash_secret(cat.DEMO_PASSWORD)  # argon2 is slow: hash once
        self.pin_hash = hash_secret(cat.DEMO_PIN)
        self.roles: dict[str, Role] = ensure_builtin_roles(session=session)
        self.used_phones: set[str] = {"13800138000"}
        self.used_cards: set[str] = set()

    def add(self, *rows: object) -> None:
        self.session.add_all(rows)
        self.session.flush()

    def phone(self) -> str:
        while (
            phone := f"1{self.rng.choice('3456789')}{self.rng.randrange(10**9):09d}"
        ) in self.used_phones:
            pass
        self.used_phones.add(phone)
        return phone

    def card(self) -> str:
        while (card := f"{self.rng.randrange(10**10):010d}") in self.used_cards:
            pass
        self.used_cards.add(card)
        return card

    def account(
        self, username: str, name: str, kind: AccountKind, phone: str | None = None
    ) -> Account:
        account = Account(
            username=username,
            display_name=name,
            kind=kind.value,
            phone=phone,
            password_hash=self.password_hash,
        )
        self.add(account)
        return account

    def grant(
        self,
        account: Account,
        role: str,
        scope: GrantScope,
        *,
        tenant_id: int | None = None,
        provider_id: int | None = None,
    ) -> None:
        self.add(
            RoleGrant(
                account_id=pk(account),
                role_id=pk(self.roles[role]),
                scope=scope.value,
                tenant_id=tenant_id,
                provider_id=provider_id,
            )
        )


def _seed_providers(b: _Builder) -> list[tuple[ServiceProvider, list[ProviderStaff]]]:
    result = []
    for index, (code, name, contact, phone) in enumerate(cat.PROVIDERS):
        provider = ServiceProvider(code=code, name=name, contact_name=contact, contact_phone=phone)
        b.add(provider)
        prefix = code.split("-")[1].lower()
        staff = []
        for n, (suffix, role) in enumerate(
            (
                ("admin", ProviderStaffRole.admin),
                ("staff", ProviderStaffRole.staff),
                ("staff2", ProviderStaffRole.staff),
            )
        ):
            if index == 1 and suffix == "staff2":
                continue
            person = f"{cat.SURNAMES[n + 10 * index]}{cat.GIVEN[n + 5]}"
            account = b.account(f"{prefix}_{suffix}", person, AccountKind.provider, b.phone())
            member = ProviderStaff(
                provider_id=pk(provider),
                account_id=pk(account),
                name=person,
                phone=account.phone,
                role=role.value,
            )
            b.add(member)
            b.grant(account, f"provider_{role.value}", GrantScope.provider, provider_id=provider.id)
            staff.append(member)
        result.append((provider, staff))
    return result


def _seed_departments(b: _Builder, tenant: Tenant) -> tuple[list[Department], list[Department]]:
    """Returns (top-level departments, departments people sit in)."""
    tops, seats = [], []
    for order, (name, children) in enumerate(cat.DEPARTMENTS):
        top = Department(tenant_id=pk(tenant), name=name, sort_order=order)
        b.add(top)
        top.path = f"/{top.id}/"
        tops.append(top)
        seats.append(top)
        for child_order, child_name in enumerate(children):
            child = Department(
                tenant_id=pk(tenant), parent_id=top.id, name=child_name, sort_order=child_order
            )
            b.add(child)
            child.path = f"{top.path}{child.id}/"
            seats.append(child)
    b.session.flush()
    return tops, seats


def _person_name(b: _Builder) -> str:
    return b.rng.choice(cat.SURNAMES) + b.rng.choice(cat.GIVEN)


def _seed_people(b: _Builder, tenant: Tenant, count: int, seats: list[Department]) -> list[User]:
    people = []
    for n in range(1, count + 1):
        people.append(
            User(
                tenant_id=pk(tenant),
                name=_person_name(b),
                employee_no=f"E{n:04d}",
                phone=b.phone(),
                badge_card_no=b.card(),
                pin_hash=b.pin_hash,
                department_id=b.rng.choice(seats).id,
                is_active=n % 23 != 0,
            )
        )
    b.add(*people)
    return people


def _seed_tenant_accounts(
    b: _Builder, tenant: Tenant, people: list[User], tops: list[Department]
) -> None:
    prefix = tenant.code.split("-")[1].lower()
    admin_user = people[0]
    admin_user.department_id = tops[-1].id  # 行政部 runs the cabinets
    admin = b.account(f"{prefix}_admin", admin_user.name, AccountKind.tenant)
    admin_user.account_id = admin.id
    b.grant(admin, "tenant_admin", GrantScope.tenant, tenant_id=tenant.id)
    for top, manager in zip(tops, people[1:], strict=False):
        manager.department_id = top.id
        b.add(DepartmentManager(tenant_id=pk(tenant), department_id=pk(top), user_id=pk(manager)))
    if prefix == "xy":
        rnd = next(t for t in tops if t.name == "研发中心")
        manager = next(p for p in people[1:] if p.department_id == rnd.id)
        account = b.account("xy_manager", manager.name, AccountKind.tenant)
        manager.account_id = account.id
        b.grant(account, "department_manager", GrantScope.tenant, tenant_id=tenant.id)
        employee = people[-2]
        employee.department_id = rnd.id  # xy_manager approves what they ask for
        employee.phone = "13800138000"
        account = b.account("xy_employee", employee.name, AccountKind.tenant, employee.phone)
        employee.account_id = account.id
        b.grant(account, "employee", GrantScope.tenant, tenant_id=tenant.id)
    whitelist = [
        PhoneWhitelist(
            tenant_id=pk(tenant), phone=b.phone(), name=_person_name(b), department_id=tops[3].id
        )
        for _ in range(5)
    ]
    b.add(*whitelist)


def _seed_catalogue(b: _Builder, tenant: Tenant) -> list[Item]:
    tags = {name: Tag(tenant_id=pk(tenant), name=name) for name in ("常用", "高值", "需审批")}
    b.add(*tags.values())
    items: list[Item] = []
    for type_no, (type_name, specs) in enumerate(cat.ITEM_TYPES.items(), start=1):
        item_type = ItemType(tenant_id=pk(tenant), name=type_name, code=f"T{type_no:02d}")
        b.add(item_type)
        for n, spec in enumerate(specs, start=1):
            item = Item(
                tenant_id=pk(tenant),
                sku=f"{item_type.code}-{n:03d}",
                name=spec.name,
                type_id=item_type.id,
                unit=spec.unit,
                unit_weight_g=spec.weight_g,
                weight_tolerance_g=spec.tolerance_g,
                unit_cost_cents=spec.cost_cents,
                requires_approval=spec.requires_approval,
                rfid_tagged=spec.requires_approval,
                vision_class=cat.LOOKS.get(spec.name),
                # SGTIN-style: header, the tenant as company prefix, type and item as reference
                epc_prefix=f"3034{tenant.id:04X}{type_no:02X}{n:04X}"
                if spec.requires_approval
                else None,
            )
            b.add(item)
            b.add(
                *(
                    ItemTag(tenant_id=pk(tenant), item_id=pk(item), tag_id=pk(tags[t]))
                    for t in spec.tags
                )
            )
            items.append(item)
    return items


def _levels(item: Item) -> tuple[int, int]:
    """(min, par) by how bulky an item is."""
    if item.unit_weight_g > 1000:
        return 3, 10
    if item.unit_weight_g > 150:
        return 4, 16
    return 10, 40


def _seed_cabinets(
    b: _Builder, tenant: Tenant, count: int, items: list[Item], number: int
) -> list[CabinetLayout]:
    sites = [Site(tenant_id=pk(tenant), name=name) for name in cat.SITES[: max(1, count - 1)]]
    b.add(*sites)
    common = [i for i in items if not i.requires_approval]
    restricted = [i for i in items if i.requires_approval]
    layouts = []
    city = tenant.code.split("-")[1]
    for n in range(count):
        code = f"CAB-{city}-{n + 1:03d}"
        site, nth = sites[n % len(sites)], n // len(sites)  # names are unique per site
        cabinet = Cabinet(
            tenant_id=pk(tenant),
            code=code,
            name=f"{site.name} 领用柜" if nth == 0 else f"{site.name} {nth + 1}号领用柜",
            site_id=site.id,
            model=cat.CABINET_MODELS[(number + n) % len(cat.CABINET_MODELS)],
            mqtt_username=code.lower(),
            # never connected: online once a cabinet (make run's simulated ones) is heard from
            door_state=DoorState.closed.value,
        )
        b.rng.randint(5, 50)  # was its last heartbeat: drawn still, so the rest of the demo stays
        b.add(cabinet)
        # every demo cabinet is wired as the SC-40S: 3 scale banks × 4 channels, 2 RFID zones
        slots = [
            Slot(tenant_id=pk(tenant), cabinet_id=pk(cabinet), **vars(plan))
            for plan in slot_plan(PROFILES[DEMO_WIRING])
        ]
        b.add(*slots)
        chosen = b.rng.sample(common, len(slots) - len(restricted)) + restricted
        layout = CabinetLayout(cabinet=cabinet)
        loaded_at = b.now - timedelta(days=31)
        for slot, item in zip(slots, chosen, strict=True):
            min_qty, par_qty = _levels(item)
            b.add(
                PlanogramEntry(
                    tenant_id=pk(tenant),
                    cabinet_id=pk(cabinet),
                    slot_id=pk(slot),
                    item_id=pk(item),
                    min_qty=min_qty,
                    par_qty=par_qty,
                )
            )
            record_movement(
                session=b.session,
                tenant_id=pk(tenant),
                cabinet_id=pk(cabinet),
                slot_id=pk(slot),
                item_id=pk(item),
                kind=MovementKind.adjustment,
                quantity_delta=par_qty,
                reason="初始上货 initial load",
                at=loaded_at,
            )
            layout.add_slot(slot, item, min_qty, par_qty)
        layouts.append(layout)
    return layouts


def seed_demo(
    *, session: Session, now: datetime | None = None, seed: int = 20261124
) -> DemoSummary | None:
    """Load the demo world once; returns None (changing nothing) when it is already there."""
    if (
        session.exec(select(Tenant).where(Tenant.code == cat.DEMO_MARKER_TENANT)).first()
        is not None
    ):
        return None
    b = _Builder(session, now or datetime.now(UTC), seed)
    operator = b.account("operator", "平台运营 王主管", AccountKind.platform)
    b.grant(operator, "platform_operator", GrantScope.platform)
    providers = _seed_providers(b)
    worlds: list[TenantWorld] = []
    for number, (code, name, provider_index, cabinets, people_count) in enumerate(cat.TENANTS):
        provider, staff = providers[provider_index]
        tenant = Tenant(
            code=code, name=name, provider_id=provider.id, settings={"offline_lease_days": 3}
        )
        b.add(tenant)
        b.add(*(ProviderStaffTenant(tenant_id=pk(tenant), staff_id=pk(s)) for s in staff))
        tops, seats = _seed_departments(b, tenant)
        people = _seed_people(b, tenant, people_count, seats)
        _seed_tenant_accounts(b, tenant, people, tops)
        items = _seed_catalogue(b, tenant)
        layouts = _seed_cabinets(b, tenant, cabinets, items, number)
        seed_rules(b.session, tenant, items, add=b.add, admin_role_id=pk(b.roles["tenant_admin"]))
        b.add(
            WallDisplay(
                tenant_id=pk(tenant),
                name="前台大屏",
                token_hash=token_hash(cat.demo_wall_token(tenant.code)),
            )
        )
        restocker = next(s for s in staff if s.role == ProviderStaffRole.staff.value)
        worlds.append(
            TenantWorld(
                tenant=tenant,
                people=[p for p in people if p.is_active],
                layouts=layouts,
                restocker=restocker,
                provider_id=pk(provider),
            )
        )
    counts = seed_history(session=session, worlds=worlds, now=b.now, rng=b.rng)
    seed_suspended_tenant(
        session,
        provider_id=pk(providers[1][0]),
        password_hash=b.password_hash,
        roles=b.roles,
        now=b.now,
    )
    counts.update(stocktakes=seed_stocktake(session=session, worlds=worlds, now=b.now))
    seed_routing(session=session, tenant=worlds[0].tenant)
    counts.update(tenants=len(worlds), providers=len(providers))
    return DemoSummary(counts=counts, logins=demo_logins())
