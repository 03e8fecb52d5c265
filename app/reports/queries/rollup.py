"""Departments with their sub-departments ("含下级部门"): each department's consumption added up
over its whole subtree of the department tree, so a parent with its groups ranks by what the
groups took too (财务部 with 会计组 and 出纳组 above 出纳组 alone)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.org.models import Department
from app.reports.queries import consumption as c
from app.tenants.models import Tenant


@dataclass(frozen=True)
class Node:
    """A department of the tree, as the roll-up needs it."""

    id: int
    parent_id: int | None
    name: str
    tenant: str = ""  # the tenant's code, when a report spans several tenants


@dataclass(frozen=True)
class RolledRow:
    key: int | None  # the department's id (None: withdrawals without a department)
    label: str
    detail: str  # the parents' names, "财务部 › …", and the tenant when several
    own: c.Figures  # the department's own withdrawals
    total: c.Figures  # with every sub-department's
    descendants: int  # how many departments under it took something (0: a leaf of the period)


def department_tree(*, session: Session, win: c.Window) -> list[Node]:
    """Every department of the window's tenants (inactive ones too: their history counts), each
    saying whose it is when there are several tenants."""
    statement = (
        select(Department.id, Department.parent_id, Department.name, Tenant.code)
        .join(Tenant, col(Tenant.id) == Department.tenant_id)
        .where(col(Department.tenant_id).in_(sorted(win.tenants)))
    )
    several = len(win.tenants) > 1
    return [
        Node(i, parent, name, code if several else "")
        for i, parent, name, code in session.exec(statement).all()
        if i is not None
    ]


def _add(a: c.Figures, b: c.Figures) -> c.Figures:
    return c.Figures(a.count + b.count, a.quantity + b.quantity, a.cost_cents + b.cost_cents)


ZERO = c.Figures(0, 0, 0)


def _ancestors(key: int, nodes: dict[int, Node]) -> list[int]:
    """The department's parents, nearest first (a broken or cyclic chain just stops)."""
    found: list[int] = []
    parent = nodes[key].parent_id if key in nodes else None
    while parent is not None and parent in nodes and parent not in found and parent != key:
        found.append(parent)
        parent = nodes[parent].parent_id
    return found


def roll_up(rows: list[c.Row], tree: list[Node]) -> list[RolledRow]:
    """`rows` (one per department that took something, as `breakdown(by="department")` gives
    them) with every department's subtree total; departments whose subtree took nothing are
    left out. Largest total cost first, then quantity, then the shallower department."""
    nodes = {n.id: n for n in tree}
    own = {r.key: r for r in rows}
    totals: dict[int | None, c.Figures] = {}
    descendants: dict[int | None, int] = {}
    for row in rows:
        totals[row.key] = _add(totals.get(row.key, ZERO), row.figures)
        if row.key is None:
            continue
        for parent in _ancestors(row.key, nodes):
            totals[parent] = _add(totals.get(parent, ZERO), row.figures)
            descendants[parent] = descendants.get(parent, 0) + 1
    rolled = [
        RolledRow(
            key=key,
            label=own[key].label if key is None or key in own else nodes[key].name,
            detail=_detail(key, nodes, own.get(key)),
            own=own[key].figures if key in own else ZERO,
            total=total,
            descendants=descendants.get(key, 0),
        )
        for key, total in totals.items()
    ]
    depth = {r.key: len(_ancestors(r.key, nodes)) if r.key is not None else 0 for r in rolled}
    return sorted(
        rolled,
        key=lambda r: (-r.total.cost_cents, -r.total.quantity, depth[r.key], r.key or 0),
    )


def _detail(key: int | None, nodes: dict[int, Node], row: c.Row | None) -> str:
    """The parents' names (outermost first) and whose department it is; a row outside the
    tree (no department) keeps what the breakdown said."""
    if key not in nodes:
        return row.detail if row else ""
    path = " › ".join(nodes[p].name for p in reversed(_ancestors(key, nodes)))
    return " · ".join(p for p in (path, nodes[key].tenant) if p)
