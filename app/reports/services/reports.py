"""A report as a page, an export and a subscription show it: one call that gathers every section
of a report type for a period and a scope (the figures come from
app/reports/queries/consumption.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from app.core.tenancy import TenantScope
from app.reports.queries import consumption as c
from app.reports.queries.rollup import RolledRow, department_tree, roll_up
from app.reports.services.periods import Period

PEOPLE_SHOWN = 50  # the page's person table; exports carry everyone
CONSUMPTION_SECTIONS = ("department", "person", "item", "item_type", "tag", "cabinet")


@dataclass(frozen=True)
class ConsumptionReport:
    period: Period
    totals: c.Totals
    sections: dict[str, list[c.Row]]
    days: dict[date, c.Figures]
    tenants: list[c.Row]  # one row per tenant when the scope holds several; else empty
    departments: list[RolledRow]  # each department with its sub-departments ("含下级部门")


def consumption_report(
    *,
    session: Session,
    scope: TenantScope,
    period: Period,
    filters: c.Filters | None = None,
    everyone: bool = False,
) -> ConsumptionReport:
    """Totals, each breakdown and the days of `period` (`everyone`: every person, not the top)."""
    win = c.window(session=session, scope=scope, period=period)
    sections = {
        by: c.breakdown(session=session, win=win, by=by, filters=filters)
        for by in CONSUMPTION_SECTIONS
    }
    days = c.by_day(session=session, win=win, filters=filters)
    # the totals add up the days (a visit falls on one day) and count the people listed:
    # no third pass over the period
    totals = c.Totals(
        withdrawals=sum(f.count for f in days.values()),
        people=len(sections["person"]),
        quantity=sum(f.quantity for f in days.values()),
        cost_cents=sum(f.cost_cents for f in days.values()),
    )
    rolled = roll_up(sections["department"], department_tree(session=session, win=win))
    if not everyone:
        sections["person"] = sections["person"][:PEOPLE_SHOWN]
    tenants = (
        c.breakdown(session=session, win=win, by="tenant", filters=filters)
        if len(win.tenants) > 1
        else []
    )
    return ConsumptionReport(period, totals, sections, days, tenants, rolled)


def days_so_far(days: dict[date, c.Figures], today: date) -> dict[date, c.Figures]:
    """The period's days up to `today` (the tenant's local date): the days still to come have
    no consumption yet, not a consumption of zero."""
    return {d: f for d, f in days.items() if d <= today}
