"""The combined pick list: what a 业务员 loads and where it goes, summed over the OPEN work
orders of one cabinet or of one route, printable and exportable.

A route is one site (a building at one address, app/cabinets Site) of a tenant the staff member
serves: the cabinets there are visited on one trip. A cabinet with no site is its own stop and
is picked per cabinet. Per cabinet the list sums, per slot and item, what the open orders still
need (requested minus what a restock already weighed); the route adds one total per item."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from sqlmodel import Session, col, func, select

from app.cabinets.models import Cabinet, Site, Slot
from app.core.cells import append_row, inert_row
from app.core.errors import ValidationError
from app.core.i18n import t
from app.core.model_base import pk
from app.core.tenancy import TenantScope, get_scoped_or_raise, scope_filter
from app.items.models import Item
from app.tenants.models import Tenant
from app.workorders.models import WorkOrder, WorkOrderLine
from app.workorders.services.workorders import OPEN

HEADER_FILL = PatternFill("solid", fgColor="0D9488")


@dataclass(frozen=True)
class OpenLine:
    """One line of one open order, as read."""

    order_id: int
    tenant: str
    cabinet_id: int
    cabinet: str
    cabinet_code: str
    site: str
    address: str
    slot_id: int | None
    slot: str
    item_id: int
    item: str
    sku: str
    unit: str
    requested: int
    done: int


@dataclass(frozen=True)
class PickRow:
    slot: str
    item: str
    sku: str
    unit: str
    quantity: int
    orders: int  # how many open orders ask for it


@dataclass(frozen=True)
class Stop:
    """One cabinet on the list and what goes into it."""

    cabinet_id: int
    cabinet: str
    cabinet_code: str
    tenant: str
    site: str
    address: str
    rows: list[PickRow]


@dataclass(frozen=True)
class ItemTotal:
    item: str
    sku: str
    unit: str
    quantity: int


@dataclass(frozen=True)
class CombinedPickList:
    stops: list[Stop]
    totals: list[ItemTotal]  # per item over every stop: what to load
    orders: int


def combine(lines: Iterable[OpenLine]) -> CombinedPickList:
    """Sum still-needed quantities per cabinet, slot and item; lines already filled drop out."""
    needed = [line for line in lines if line.requested > line.done]
    cabinets: dict[int, OpenLine] = {}
    sums: dict[tuple[int, int | None, int], list[Any]] = {}
    totals: dict[int, list[Any]] = {}
    for line in needed:
        cabinets.setdefault(line.cabinet_id, line)
        quantity = line.requested - line.done
        key = (line.cabinet_id, line.slot_id, line.item_id)
        entry = sums.setdefault(key, [line, 0, set()])
        entry[1] += quantity
        entry[2].add(line.order_id)
        totals.setdefault(line.item_id, [line, 0])[1] += quantity
    stops = [
        Stop(
            c.cabinet_id,
            c.cabinet,
            c.cabinet_code,
            c.tenant,
            c.site,
            c.address,
            sorted(
                (
                    PickRow(first.slot, first.item, first.sku, first.unit, quantity, len(orders))
                    for (cabinet_id, _, _), (first, quantity, orders) in sums.items()
                    if cabinet_id == c.cabinet_id
                ),
                key=lambda r: (r.slot, r.sku),
            ),
        )
        for c in sorted(cabinets.values(), key=lambda c: (c.site, c.cabinet_code))
    ]
    return CombinedPickList(
        stops,
        sorted(
            (ItemTotal(f.item, f.sku, f.unit, q) for f, q in totals.values()),
            key=lambda i: i.sku,
        ),
        len({line.order_id for line in needed}),
    )


def open_lines(
    *,
    session: Session,
    scope: TenantScope,
    cabinet_id: int | None = None,
    site_id: int | None = None,
) -> list[OpenLine]:
    """The lines of the open orders of one cabinet or one site (route) in the scope."""
    if (cabinet_id is None) == (site_id is None):
        raise ValidationError(field="cabinet")
    statement = (
        select(WorkOrderLine, WorkOrder.id, Tenant.name, Cabinet, Site, Slot.code, Item)  # type: ignore[call-overload]
        .join(WorkOrder, WorkOrder.id == WorkOrderLine.work_order_id)
        .join(Tenant, Tenant.id == WorkOrder.tenant_id)
        .join(Cabinet, Cabinet.id == WorkOrder.cabinet_id)
        .join(Site, Site.id == Cabinet.site_id, isouter=True)
        .join(Slot, Slot.id == WorkOrderLine.slot_id, isouter=True)
        .join(Item, Item.id == WorkOrderLine.item_id)
        .where(scope_filter(WorkOrder, scope), col(WorkOrder.status).in_(OPEN))
    )
    if cabinet_id is not None:
        statement = statement.where(Cabinet.id == cabinet_id)
    else:
        statement = statement.where(Cabinet.site_id == site_id)
    return [
        OpenLine(
            order_id=order_id,
            tenant=tenant,
            cabinet_id=cabinet.id,
            cabinet=cabinet.name,
            cabinet_code=cabinet.code,
            site=site.name if site else "",
            address=(site.address or "") if site else "",
            slot_id=line.slot_id,
            slot=slot or "",
            item_id=item.id,
            item=item.name,
            sku=item.sku,
            unit=item.unit,
            requested=line.quantity_requested,
            done=line.quantity_done,
        )
        for line, order_id, tenant, cabinet, site, slot, item in session.exec(statement)
    ]


@dataclass(frozen=True)
class Sheet:
    """A combined pick list with what it is for: a cabinet (name, code) or a route (site,
    address)."""

    name: str
    detail: str
    pick: CombinedPickList


def sheet(
    *,
    session: Session,
    scope: TenantScope,
    cabinet_id: int | None = None,
    site_id: int | None = None,
) -> Sheet:
    """The combined pick list of one cabinet or one route of the scope (others: not found)."""
    lines = open_lines(session=session, scope=scope, cabinet_id=cabinet_id, site_id=site_id)
    if cabinet_id is not None:
        cabinet = get_scoped_or_raise(session, Cabinet, cabinet_id, scope)
        name, detail = cabinet.name, cabinet.code
    else:
        site = get_scoped_or_raise(session, Site, site_id, scope)
        name, detail = site.name, site.address or ""
    return Sheet(name, detail, combine(lines))


@dataclass(frozen=True)
class Target:
    """A cabinet or a route that has open orders, for the links on the work orders page."""

    id: int
    name: str
    detail: str  # the cabinet's code / the route's address
    tenant: str
    orders: int


def targets(*, session: Session, scope: TenantScope) -> tuple[list[Target], list[Target]]:
    """(cabinets, routes) with open orders in the scope, with their open order counts."""
    base = (
        select(Cabinet, Site, Tenant.name, func.count(col(WorkOrder.id)))
        .join(Cabinet, col(Cabinet.id) == WorkOrder.cabinet_id)
        .join(Tenant, col(Tenant.id) == WorkOrder.tenant_id)
        .join(Site, col(Site.id) == Cabinet.site_id, isouter=True)
        .where(scope_filter(WorkOrder, scope), col(WorkOrder.status).in_(OPEN))
        .group_by(col(Cabinet.id), col(Site.id), Tenant.name)
    )
    cabinets: list[Target] = []
    routes: dict[int, list[Any]] = {}
    for cabinet, site, tenant, count in session.exec(base):
        cabinets.append(Target(pk(cabinet), cabinet.name, cabinet.code, tenant, count))
        if site is not None:
            route = routes.setdefault(pk(site), [site, tenant, 0])
            route[2] += count
    return (
        sorted(cabinets, key=lambda c: (c.tenant, c.detail)),
        sorted(
            (Target(s.id, s.name, s.address or "", tenant, n) for s, tenant, n in routes.values()),
            key=lambda r: (r.tenant, r.name),
        ),
    )


def _header(locale: str) -> list[str]:
    keys = ("site", "address", "cabinet", "code", "slot", "item", "sku", "quantity", "unit")
    return [t(f"workorders.col.{k}", locale) for k in keys]


def table(pick: CombinedPickList, locale: str) -> tuple[list[str], list[list[Any]]]:
    """The lines as an export reads them: one row per cabinet, slot and item."""
    rows = [
        [s.site, s.address, s.cabinet, s.cabinet_code, r.slot, r.item, r.sku, r.quantity, r.unit]
        for s in pick.stops
        for r in s.rows
    ]
    return _header(locale), rows


def totals_table(pick: CombinedPickList, locale: str) -> tuple[list[str], list[list[Any]]]:
    keys = ("item", "sku", "quantity", "unit")
    header = [t(f"workorders.col.{k}", locale) for k in keys]
    return header, [[i.item, i.sku, i.quantity, i.unit] for i in pick.totals]


def to_csv(pick: CombinedPickList, locale: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for header, rows in (table(pick, locale), totals_table(pick, locale)):
        writer.writerow(inert_row(header))
        writer.writerows(inert_row(row) for row in rows)
        writer.writerow([])
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def to_xlsx(pick: CombinedPickList, locale: str) -> bytes:
    book = Workbook()
    book.remove(book.active)
    sheets = (
        (t("workorders.pick_list", locale), table(pick, locale)),
        (t("workorders.totals", locale), totals_table(pick, locale)),
    )
    for title, (header, rows) in sheets:
        sheet = book.create_sheet(title[:31])
        append_row(sheet, header)
        for cell in sheet[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = HEADER_FILL
        for row in rows:
            append_row(sheet, row)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
