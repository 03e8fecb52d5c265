"""The stock page's list: planned slots with their quantities (an empty planned slot counts as
0), low only, by cabinet and item, keyset pages, inside the caller's tenant."""

from __future__ import annotations

from sqlmodel import Session

from app.core.tenancy import TenantScope
from app.inventory.models import MovementKind
from app.inventory.queries.stock import list_stock
from app.inventory.services.inventory import record_movement
from tests.factories import make_cabinet, make_item, make_planogram_entry, make_slot, make_tenant


def _plan(session, tenant, cabinet, code: str, name: str, quantity: int | None, minimum: int = 5):
    slot, item = make_slot(session, cabinet, code), make_item(session, tenant, name)
    make_planogram_entry(session, slot, item, min_qty=minimum, par_qty=20)
    if quantity:
        record_movement(
            session=session,
            tenant_id=cabinet.tenant_id,
            cabinet_id=cabinet.id,
            slot_id=slot.id,
            item_id=item.id,
            kind=MovementKind.adjustment,
            quantity_delta=quantity,
        )
    session.flush()


def test_lows_filters_and_pages(session: Session) -> None:
    tenant, other = make_tenant(session), make_tenant(session)
    first, second = make_cabinet(session, tenant), make_cabinet(session, tenant)
    _plan(session, tenant, first, "A1", "中性笔", 12)
    _plan(session, tenant, first, "A2", "便利贴", 3)
    _plan(session, tenant, first, "A3", "订书钉", None)  # planned, never stocked: empty
    _plan(session, tenant, second, "A1", "中性笔 红", 2)
    _plan(session, other, make_cabinet(session, other), "A1", "别家的笔", 0)
    scope = TenantScope.single(tenant.id)

    everything = list_stock(session=session, scope=scope, limit=100).rows
    assert [(r.slot, r.item, r.quantity) for r in everything] == [
        ("A1", "中性笔", 12),
        ("A2", "便利贴", 3),
        ("A3", "订书钉", 0),
        ("A1", "中性笔 红", 2),
    ]
    lows = list_stock(session=session, scope=scope, low_only=True).rows
    assert [(r.item, r.low, r.fill) for r in lows] == [
        ("便利贴", True, 15),
        ("订书钉", True, 0),
        ("中性笔 红", True, 10),
    ]
    assert [r.item for r in list_stock(session=session, scope=scope, search="中性笔").rows] == [
        "中性笔",
        "中性笔 红",
    ]
    by_cabinet = list_stock(session=session, scope=scope, cabinet_id=second.id).rows
    assert [r.item for r in by_cabinet] == ["中性笔 红"]

    seen, after = [], None
    while True:
        page = list_stock(session=session, scope=scope, after_id=after, limit=3)
        seen += [r.entry_id for r in page.rows]
        if page.next_after_id is None:
            break
        after = page.next_after_id
    assert seen == [r.entry_id for r in everything]
