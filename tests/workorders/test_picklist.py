"""The combined pick list: per cabinet and per route (one site), what the OPEN orders still need
summed per slot and item, load totals per item; another company's cabinet is out of reach;
exported as CSV and Excel in the reader's language."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from app.core.errors import NotFoundError, ValidationError
from app.core.tenancy import TenantScope
from app.workorders import queries as picklist
from app.workorders.models import WorkOrderKind
from app.workorders.queries import OpenLine, combine
from app.workorders.services.workorders import PickLine, close_order, open_once
from tests.factories import make_cabinet, make_item, make_site, make_slot, make_tenant


def _line(order: int, cabinet: int, slot: str, item: int, requested: int, done: int = 0):
    return OpenLine(
        order_id=order,
        tenant="星月科技",
        cabinet_id=cabinet,
        cabinet=f"柜{cabinet}",
        cabinet_code=f"CAB-{cabinet}",
        site="总部大楼",
        address="科技园路 1 号",
        slot_id=ord(slot[0]) * 10 + int(slot[1]),
        slot=slot,
        item_id=item,
        item=f"物品{item}",
        sku=f"SKU-{item}",
        unit="支",
        requested=requested,
        done=done,
    )


def test_combine_sums_what_is_still_needed_per_cabinet_slot_and_item() -> None:
    lines = [
        _line(1, 7, "A2", 100, 5),
        _line(2, 7, "A2", 100, 3),  # a second order for the same slot and item: summed
        _line(3, 7, "A1", 101, 4, done=1),  # partly weighed in: 3 still needed
        _line(4, 7, "B1", 102, 2, done=2),  # filled already: off the list
        _line(5, 8, "A1", 100, 6),
    ]
    pick = combine(lines)
    assert [s.cabinet_code for s in pick.stops] == ["CAB-7", "CAB-8"]
    first = pick.stops[0]
    assert [(r.slot, r.sku, r.quantity, r.orders) for r in first.rows] == [
        ("A1", "SKU-101", 3, 1),
        ("A2", "SKU-100", 8, 2),
    ]
    assert [(i.sku, i.quantity) for i in pick.totals] == [("SKU-100", 14), ("SKU-101", 3)]
    assert pick.orders == 4
    assert combine([]).stops == [] and combine([]).totals == []


def _world(session: Session):
    tenant = make_tenant(session)
    site = make_site(session, tenant, "总部大楼", address="科技园路 1 号")
    north, south = make_cabinet(session, tenant), make_cabinet(session, tenant)
    north.site_id = south.site_id = site.id
    pens, paper = make_item(session, tenant, "中性笔"), make_item(session, tenant, "A4 纸")
    orders = {}
    for cabinet, slot_code, item, quantity in (
        (north, "A1", pens, 9),
        (north, "A2", paper, 4),
        (south, "A1", pens, 6),
        (south, "B1", paper, 2),
    ):
        slot = make_slot(session, cabinet, slot_code)
        key = f"replenish:slot:{slot.id}:item:{item.id}"
        orders[(cabinet.id, slot_code)], _ = open_once(
            session=session,
            cabinet=cabinet,
            kind=WorkOrderKind.replenishment,
            dedupe_key=key,
            title_key="workorder.restock_visit",
            title_params={"cabinet": cabinet.name, "code": cabinet.code},
            lines=[PickLine(slot.id, item.id, quantity)],
        )
    # done orders are not on the list
    close_order(
        session=session,
        tenant_id=tenant.id,
        dedupe_key=orders[(south.id, "B1")].dedupe_key,
        done={},
    )
    return tenant, site, north, south


def test_per_cabinet_and_per_route_over_the_open_orders(session: Session) -> None:
    tenant, site, north, south = _world(session)
    scope = TenantScope.single(tenant.id)
    one = picklist.sheet(session=session, scope=scope, cabinet_id=north.id)
    assert (one.name, one.detail) == (north.name, north.code)
    assert [(r.slot, r.item, r.quantity) for r in one.pick.stops[0].rows] == [
        ("A1", "中性笔", 9),
        ("A2", "A4 纸", 4),
    ]
    route = picklist.sheet(session=session, scope=scope, site_id=site.id)
    assert (route.name, route.detail) == ("总部大楼", "科技园路 1 号")
    assert [s.cabinet for s in route.pick.stops] == [north.name, south.name]
    assert {(i.item, i.quantity) for i in route.pick.totals} == {("中性笔", 15), ("A4 纸", 4)}
    assert route.pick.orders == 3
    cabinets, routes = picklist.targets(session=session, scope=scope)
    assert [(c.id, c.orders) for c in cabinets] == [(north.id, 2), (south.id, 1)]
    assert [(r.id, r.name, r.orders) for r in routes] == [(site.id, "总部大楼", 3)]


def test_another_companys_cabinet_is_out_of_reach(session: Session) -> None:
    _, site, north, _ = _world(session)
    elsewhere = TenantScope.single(make_tenant(session).id)
    with pytest.raises(NotFoundError):
        picklist.sheet(session=session, scope=elsewhere, cabinet_id=north.id)
    with pytest.raises(NotFoundError):
        picklist.sheet(session=session, scope=elsewhere, site_id=site.id)
    assert picklist.targets(session=session, scope=elsewhere) == ([], [])
    with pytest.raises(ValidationError):  # neither or both: refused, not guessed
        picklist.open_lines(session=session, scope=elsewhere)


def test_exports_in_the_readers_language(session: Session) -> None:
    tenant, site, north, _ = _world(session)
    route = picklist.sheet(session=session, scope=TenantScope.single(tenant.id), site_id=site.id)
    rows = list(csv.reader(io.StringIO(picklist.to_csv(route.pick, "en").decode("utf-8-sig"))))
    assert rows[0][:4] == ["Site (route)", "Address", "Cabinet", "Cabinet code"]
    assert rows[1][3:8] == [north.code, "A1", "中性笔", rows[1][6], "9"]
    book = load_workbook(io.BytesIO(picklist.to_xlsx(route.pick, "zh-CN")))
    assert book.sheetnames == ["拣货单", "装车合计"]
    totals = list(book["装车合计"].iter_rows(values_only=True))
    assert totals[0] == ("物品", "物品编码", "需补数量", "单位")
    assert {(r[0], r[2]) for r in totals[1:]} == {("中性笔", 15), ("A4 纸", 4)}
