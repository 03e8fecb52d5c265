"""The reports page's tabs other than consumption, as the rows the page shows (figures already
formatted): work orders, cabinet use, quotas, exceptions and stock, each read when its tab opens."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.core.i18n import LOCALES
from app.core.tenancy import TenantScope
from app.reports.queries import consumption as c
from app.reports.queries.cabinets import cabinet_report
from app.reports.queries.exceptions import exceptions_report
from app.reports.queries.quotas import quota_report
from app.reports.queries.stock import stock_report
from app.reports.queries.workorders import work_order_report
from app.reports.services.periods import Period
from app.ui.format import yuan
from app.withdrawals.services.review import reason_words

CONSUMPTION_COLUMNS = ("label", "count", "quantity", "cost", "share")
STOCK_COLUMNS = ("opening", "restocked", "taken", "adjusted", "closing", "outs", "turnover",
                 "cover")  # fmt: skip
ORDER_COLUMNS = ("opened", "done", "cancelled", "open", "mean", "max")
UPTIME_COLUMNS = ("visits", "withdrawals", "quantity", "cost", "offline", "uptime")
QUOTA_COLUMNS = ("name", "period", "limit", "holders", "at_limit", "used", "share")
# What each table of the page can be sorted by (the keys of its rows).
SORTABLE: dict[str, tuple[str, ...]] = {
    "consumption": CONSUMPTION_COLUMNS,
    "department_rolled": (*CONSUMPTION_COLUMNS, "own"),
    "stock": ("label", *STOCK_COLUMNS),
    "workorders": ORDER_COLUMNS,
    "uptime": ("label", *UPTIME_COLUMNS),
    "quotas": QUOTA_COLUMNS,
    "reasons": ("label", "count"),
}


def order_rows(*, session: Session, scope: TenantScope, period: Period) -> list[dict[str, Any]]:
    win = c.window(session=session, scope=scope, period=period)
    return [
        {
            "kind": r.kind,
            "opened": r.opened,
            "done": r.done,
            "cancelled": r.cancelled,
            "open": r.open_at_end,
            "mean": "—" if r.lead_hours_mean is None else f"{r.lead_hours_mean:.1f}",
            "max": "—" if r.lead_hours_max is None else f"{r.lead_hours_max:.1f}",
        }
        for r in work_order_report(session=session, win=win)
    ]


def uptime_rows(*, session: Session, scope: TenantScope, period: Period) -> list[dict[str, Any]]:
    win = c.window(session=session, scope=scope, period=period)
    return [
        {
            "label": r.label,
            "detail": r.detail,
            "visits": r.visits,
            "withdrawals": r.withdrawals,
            "quantity": r.quantity,
            "cost": yuan(r.cost_cents),
            "offline": r.offline_minutes,
            "uptime": f"{r.uptime * 100:.2f}%",
        }
        for r in cabinet_report(session=session, win=win)
    ]


def quota_figures(*, session: Session, scope: TenantScope, period: Period) -> dict[str, Any]:
    found = quota_report(session=session, win=c.window(session=session, scope=scope, period=period))
    rules = [
        {
            "name": r.name,
            "period": r.period,
            "limit": yuan(r.limit_value) if r.limit_kind == "cost" else str(r.limit_value),
            "holders": r.holders,
            "at_limit": r.at_limit,
            "used": yuan(r.used) if r.limit_kind == "cost" else str(r.used),
            "share": f"{r.mean_share * 100:.0f}%",
        }
        for r in found.rules
    ]
    return {"rules": rules, "asked": found.approvals_asked, "granted": found.approvals_granted}


def exception_figures(
    *, session: Session, scope: TenantScope, period: Period, locale: str
) -> dict[str, Any]:
    win = c.window(session=session, scope=scope, period=period)
    found = exceptions_report(session=session, win=win)
    figures = {k: v for k, v in found.__dict__.items() if k != "by_reason"}
    # the words in each language too: the header's switch changes them without a reload
    reasons = [
        {"label": reason_words(r, locale), "count": n}
        | {each: reason_words(r, each) for each in LOCALES}
        for r, n in found.by_reason.items()
    ]
    return figures | {"reasons": reasons}


def stock_rows(
    *, session: Session, scope: TenantScope, period: Period, cabinet_id: int | None
) -> list[dict[str, Any]]:
    win = c.window(session=session, scope=scope, period=period)
    return [
        {
            "label": r.label,
            "detail": r.detail,
            "opening": r.opening,
            "restocked": r.restocked,
            "taken": r.taken,
            "adjusted": r.adjusted,
            "closing": r.closing,
            "outs": r.stock_outs,
            "turnover": "—" if r.turnover is None else f"{r.turnover:.2f}",
            "cover": "—" if r.cover_days is None else f"{r.cover_days:.0f}",
            "slow": r.slow,
        }
        for r in stock_report(session=session, win=win, cabinet_id=cabinet_id)
    ]
