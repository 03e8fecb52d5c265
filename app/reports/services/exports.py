"""A report as a file, with the numbers the page shows: CSV (UTF-8 with a BOM, so Excel reads
the Chinese right), XLSX (typed cells, a styled and frozen header, widths that fit) and PDF
(app/reports/services/pdf.py). One
sheet (or one CSV block) per breakdown, after the totals; every person, not only the top ones."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlmodel import Session

from app.core.cells import append_row, inert_row
from app.core.errors import ValidationError
from app.core.i18n import LOCALES, t
from app.core.tenancy import TenantScope
from app.reports.queries import consumption as c
from app.reports.queries.cabinets import CabinetRow, cabinet_report
from app.reports.queries.exceptions import ExceptionsReport, exceptions_report
from app.reports.queries.quotas import QuotaReport, quota_report
from app.reports.queries.rollup import RolledRow
from app.reports.queries.stock import StockRow, stock_report
from app.reports.queries.workorders import WorkOrderRow, work_order_report
from app.reports.services import pdf
from app.reports.services.periods import Period
from app.reports.services.reports import ConsumptionReport, consumption_report
from app.withdrawals.services.review import reason_words

FORMATS = ("csv", "xlsx", "pdf")
HEADER_FILL = PatternFill("solid", fgColor="0D9488")
MONEY = "#,##0.00"
COST_HEADERS = {t(k, locale) for k in ("reports.cost", "reports.own_cost") for locale in LOCALES}


def file_name(period: Period, fmt: str) -> str:
    return f"consumption-{period.label().replace(' – ', '_')}.{fmt}"


def consumption_file(
    *,
    session: Session,
    scope: TenantScope,
    period: Period,
    filters: c.Filters | None,
    fmt: str,
    locale: str,
) -> bytes:
    tables = [table for step in export_steps(session, scope, period, filters, locale)
              for table in step()]  # fmt: skip
    return render(tables, fmt, period, locale)


def export_steps(
    session: Session, scope: TenantScope, period: Period, filters: c.Filters | None, locale: str
) -> list[Callable[[], list[Table]]]:
    """The export in steps, each making one or more tables: a job reports its progress by them."""
    return list(_steps(session, scope, period, filters, locale).values())


def _steps(
    session: Session, scope: TenantScope, period: Period, filters: c.Filters | None, locale: str
) -> dict[str, Callable[[], list[Table]]]:
    """Each step of the export by the page's tab it holds ("consumption": all of theirs)."""
    win = c.window(session=session, scope=scope, period=period)
    cabinet_id = filters.cabinet_id if filters else None

    def consumption() -> list[Table]:
        report = consumption_report(
            session=session, scope=scope, period=period, filters=filters, everyone=True
        )
        return list(_tables(report, locale))

    return {
        "consumption": consumption,
        "stock": lambda: [
            _stock_table(stock_report(session=session, win=win, cabinet_id=cabinet_id), locale)
        ],
        "workorders": lambda: [_order_table(work_order_report(session=session, win=win), locale)],
        "reasons": lambda: [_exceptions_table(exceptions_report(session=session, win=win), locale)],
        "quotas": lambda: [_quota_table(quota_report(session=session, win=win), locale)],
        "uptime": lambda: [_uptime_table(cabinet_report(session=session, win=win), locale)],
    }


def tab_file(
    *,
    session: Session,
    scope: TenantScope,
    period: Period,
    filters: c.Filters | None,
    tab: str,
    locale: str,
) -> tuple[str, bytes]:
    """(download name, XLSX) of one tab of the page — a breakdown ("department_rolled": with
    sub-departments) or another tab's table — then the period's totals on a second sheet."""
    steps = _steps(session, scope, period, filters, locale)
    consumption = steps.pop("consumption")()  # the totals' sheet is its first
    if tab in steps:
        tables = steps[tab]()
    else:
        tables = [table for table in consumption if table[0] == t(f"reports.by.{tab}", locale)]
    if not tables or tab in ("totals", "day"):
        raise ValidationError(field="tab")
    name = f"consumption-{tab}-{period.label().replace(' – ', '_')}.xlsx"
    return name, _xlsx([*tables, consumption[0]])


def render(tables: list[Table], fmt: str, period: Period, locale: str) -> bytes:
    if fmt == "pdf":
        subtitle = f"{t('reports.period', locale)}: {period.label()}"
        return pdf.render(t("reports.title", locale), subtitle, tables)
    return _csv(tables) if fmt == "csv" else _xlsx(tables)


Table = tuple[str, list[str], list[list[object]]]  # title, header, rows (typed values)


def _tables(report: ConsumptionReport, locale: str) -> Iterator[Table]:
    def w(key: str) -> str:
        return t(key, locale)

    totals = report.totals
    yield (
        w("reports.totals"),
        [w("reports.period"), w("reports.withdrawals"), w("reports.people"),
         w("reports.quantity"), w("reports.cost")],
        [[report.period.label(), totals.withdrawals, totals.people, totals.quantity,
          totals.cost_cents / 100]],
    )  # fmt: skip
    yield (
        w("reports.by.day"),
        [w("reports.day"), w("reports.withdrawals"), w("reports.quantity"), w("reports.cost")],
        [[d, f.count, f.quantity, f.cost_cents / 100] for d, f in report.days.items()],
    )
    sections = dict(report.sections)
    if report.tenants:
        sections["tenant"] = report.tenants
    for by, rows in sections.items():
        count = w("reports.times" if by in ("item", "item_type", "tag") else "reports.withdrawals")
        yield (
            w(f"reports.by.{by}"),
            [w(f"reports.col.{by}"), w("reports.detail"), count, w("reports.quantity"),
             w("reports.cost")],
            [[r.label or w("reports.unassigned"), r.detail, r.figures.count, r.figures.quantity,
              r.figures.cost_cents / 100] for r in rows],
        )  # fmt: skip
        if by == "department":
            yield _rolled_table(report.departments, locale)


def _rolled_table(rows: list[RolledRow], locale: str) -> Table:
    """Departments with their sub-departments: the totals, then the department's own part."""

    def w(key: str) -> str:
        return t(key, locale)

    return (
        w("reports.by.department_rolled"),
        [w("reports.col.department"), w("reports.col.parents"), w("reports.withdrawals"),
         w("reports.quantity"), w("reports.cost"), w("reports.own_cost")],
        [[r.label or w("reports.unassigned"), r.detail, r.total.count, r.total.quantity,
          r.total.cost_cents / 100, r.own.cost_cents / 100] for r in rows],
    )  # fmt: skip


STOCK_COLUMNS = ("opening", "restocked", "taken", "adjusted", "closing", "outs", "turnover",
                 "cover")  # fmt: skip


def _stock_table(rows: list[StockRow], locale: str) -> Table:
    return (
        t("reports.by.stock", locale),
        [t("reports.col.item", locale), t("reports.detail", locale),
         *(t(f"reports.stock.{c}", locale) for c in STOCK_COLUMNS)],
        [[r.label, r.detail, r.opening, r.restocked, r.taken, r.adjusted, r.closing, r.stock_outs,
          r.turnover if r.turnover is not None else "", r.cover_days if r.cover_days is not None
          else ""] for r in rows],
    )  # fmt: skip


def _order_table(rows: list[WorkOrderRow], locale: str) -> Table:
    def w(key: str) -> str:
        return t(key, locale)

    return (
        w("reports.by.workorders"),
        [w("reports.orders.kind"), *(w(f"reports.orders.{c}") for c in
         ("opened", "done", "cancelled", "open", "mean", "max"))],
        [[w(f"reports.orders.kind.{r.kind}"), r.opened, r.done, r.cancelled, r.open_at_end,
          "" if r.lead_hours_mean is None else r.lead_hours_mean,
          "" if r.lead_hours_max is None else r.lead_hours_max] for r in rows],
    )  # fmt: skip


def _exceptions_table(found: ExceptionsReport, locale: str) -> Table:
    figures = [(t(f"reports.exc.{k}", locale), v) for k, v in found.__dict__.items()
               if k != "by_reason"]  # fmt: skip
    reasons = [(f"{t('reports.exc.reason', locale)}: {reason_words(r, locale)}", n)
               for r, n in found.by_reason.items()]  # fmt: skip
    return (
        t("reports.by.exceptions", locale),
        [t("reports.exc.reason", locale), t("reports.exc.count", locale)],
        [list(pair) for pair in figures + reasons],
    )


def _quota_table(found: QuotaReport, locale: str) -> Table:
    columns = ("name", "period", "limit", "holders", "at_limit", "used", "share")
    rows: list[list[object]] = [
        [r.name, t(f"quotas.period.{r.period}", locale),
         r.limit_value / 100 if r.limit_kind == "cost" else r.limit_value, r.holders, r.at_limit,
         r.used / 100 if r.limit_kind == "cost" else r.used, r.mean_share]
        for r in found.rules
    ]  # fmt: skip
    rows.append([t("reports.quota.asked", locale), "", found.approvals_asked, "", "", "", ""])
    rows.append([t("reports.quota.granted", locale), "", found.approvals_granted, "", "", "", ""])
    return (
        t("reports.by.quotas", locale),
        [t(f"reports.quota.{c}", locale) for c in columns],
        rows,
    )


def _uptime_table(rows: list[CabinetRow], locale: str) -> Table:
    columns = ("visits", "withdrawals", "quantity", "cost", "offline", "uptime")
    return (
        t("reports.by.uptime", locale),
        [t("reports.col.cabinet", locale), t("reports.detail", locale),
         *(t(f"reports.uptime.{c}", locale) for c in columns)],
        [[r.label, r.detail, r.visits, r.withdrawals, r.quantity, r.cost_cents / 100,
          r.offline_minutes, r.uptime] for r in rows],
    )  # fmt: skip


def _csv(tables: list[Table]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for title, header, rows in tables:
        writer.writerow(inert_row([title]))
        writer.writerow(inert_row(header))
        writer.writerows(inert_row(row) for row in rows)
        writer.writerow([])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx(tables: list[Table]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, header, rows in tables:
        sheet = book.create_sheet(title[:31])
        append_row(sheet, header)
        for cell in sheet[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(horizontal="center")
        for row in rows:
            append_row(sheet, row)
        sheet.freeze_panes = "A2"
        for index, name in enumerate(header, start=1):
            cells = [name, *(r[index - 1] for r in rows)]
            width = max(_display_width(v) for v in cells)
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)
            if name in COST_HEADERS:  # yuan with two decimals
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = MONEY
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _display_width(value: object) -> int:
    """Columns in characters: a Chinese character takes two."""
    text = f"{value:,.2f}" if isinstance(value, float) else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
