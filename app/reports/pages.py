"""The console's reports page: period and filters, totals, the daily chart, the breakdowns."""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx

from app.reports.periods import KINDS
from app.reports.service import CONSUMPTION_SECTIONS
from app.reports.state import LAZY
from app.reports.state import ReportsState as S
from app.reports.subscription_pages import subscriptions_section
from app.ui.locale import tr
from app.ui.shell import console_page
from app.ui.tables import data_table

NATIVE = {"padding": "0.35rem", "border_radius": "6px", "border": "1px solid var(--gray-6)"}


def _options(name: str, options: rx.Var, value: rx.Var, all_key: str) -> rx.Component:
    return rx.el.select(
        rx.el.option(tr(all_key), value="all"),
        rx.foreach(options, lambda o: rx.el.option(o["name"], value=o["id"])),
        name=name,
        default_value=value,
        id=f"rp-{name}",
        style=NATIVE,
    )


def _controls() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.el.select(
                *[rx.el.option(tr(f"reports.kind.{k}"), value=k) for k in KINDS],
                name="kind",
                default_value=S.kind,
                id="rp-kind",
                style=NATIVE,
            ),
            rx.input(type="date", name="day", default_value=S.day, id="rp-day"),
            rx.cond(
                S.kind == "custom",
                rx.hstack(
                    rx.text(tr("reports.until"), color="gray"),
                    rx.input(type="date", name="last", default_value=S.last, id="rp-last"),
                    align="center",
                ),
            ),
            _options("department", S.departments, S.department, "withdrawals.all_departments"),
            _options("cabinet", S.cabinets, S.cabinet, "withdrawals.all_cabinets"),
            rx.button(
                rx.icon("search", size=14), tr("reports.apply"), type="submit", id="rp-apply"
            ),
            gap="0.6rem",
            wrap="wrap",
            align="center",
        ),
        on_submit=S.apply,
        key=S.kind + S.day + S.last + S.department + S.cabinet,
    )


def _tile(label: str, value: rx.Var, tile_id: str) -> rx.Component:
    return rx.card(
        rx.text(tr(label), size="2", color="gray"),
        rx.heading(value, size="6", id=tile_id),
        min_width="10rem",
        flex="1",
    )


def _tiles() -> rx.Component:
    return rx.flex(
        _tile("reports.withdrawals", S.totals["withdrawals"].to(str), "rp-withdrawals"),
        _tile("reports.people", S.totals["people"].to(str), "rp-people"),
        _tile("reports.quantity", S.totals["quantity"].to(str), "rp-quantity"),
        _tile("reports.cost", "¥" + S.totals["cost"].to(str), "rp-cost"),
        gap="0.75rem",
        wrap="wrap",
        width="100%",
    )


def _row(line: rx.Var) -> rx.Component:
    name = rx.cond(line["label"] != "", line["label"], tr("reports.unassigned"))
    return rx.table.row(
        rx.table.cell(
            rx.cond(line["drill"] != "", rx.link(name, href=line["drill"]), rx.text(name)),
            rx.text(line["detail"], size="1", color="gray"),
        ),
        rx.table.cell(line["count"]),
        rx.table.cell(line["quantity"]),
        rx.table.cell("¥", line["cost"]),
        rx.table.cell(line["share"]),
        class_name="report-row",
    )


def _section(by: str) -> rx.Component:
    count = "reports.times" if by in ("item", "item_type", "tag") else "reports.withdrawals"
    notes = {"person": "reports.people_top", "tag": "reports.tags_overlap"}
    return rx.vstack(
        *([rx.text(tr(notes[by]), size="1", color="gray")] if by in notes else []),
        data_table(
            (f"reports.col.{by}", count, "reports.quantity", "reports.cost", "reports.share"),
            S.sections[by].to(list[dict]),
            _row,
            f"rp-{by}",
        ),
        width="100%",
    )


STOCK_COLUMNS = ("opening", "restocked", "taken", "adjusted", "closing", "outs", "turnover",
                 "cover")  # fmt: skip


def _stock_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.text(row["label"]),
            rx.text(row["detail"], size="1", color="gray"),
            rx.cond(row["slow"].to(bool), rx.badge(tr("reports.stock.slow"), color_scheme="amber")),
        ),
        *[rx.table.cell(row[c]) for c in STOCK_COLUMNS],
        class_name="stock-row",
    )


def _stock() -> rx.Component:
    return rx.vstack(
        rx.text(tr("reports.stock.explain"), size="1", color="gray"),
        data_table(
            ("reports.col.item", *(f"reports.stock.{c}" for c in STOCK_COLUMNS)),
            S.stock_rows,
            _stock_row,
            "rp-stock",
        ),
        width="100%",
    )


ORDER_COLUMNS = ("opened", "done", "cancelled", "open", "mean", "max")
ORDER_KINDS = ("replenishment", "repair", "command_failure", "exception_review")


def _order_row(row: rx.Var) -> rx.Component:
    kind = rx.match(row["kind"], *[(k, tr(f"reports.orders.kind.{k}")) for k in ORDER_KINDS], "")
    return rx.table.row(
        rx.table.cell(kind),
        *[rx.table.cell(row[c]) for c in ORDER_COLUMNS],
        class_name="order-row",
    )


def _orders() -> rx.Component:
    return data_table(
        ("reports.orders.kind", *(f"reports.orders.{c}" for c in ORDER_COLUMNS)),
        S.order_rows,
        _order_row,
        "rp-orders",
    )


EXCEPTION_FIGURES = ("visits", "exceptions", "resolved", "waiting", "corrected_withdrawals",
                     "units_back", "units_more", "complaints", "complaints_answered")  # fmt: skip


def _exceptions() -> rx.Component:
    return rx.vstack(
        rx.flex(
            *[
                rx.card(
                    rx.text(tr(f"reports.exc.{k}"), size="1", color="gray"),
                    rx.heading(S.exceptions[k].to(str), size="4", class_name=f"exc-{k}"),
                    min_width="8rem",
                )
                for k in EXCEPTION_FIGURES
            ],
            gap="0.5rem",
            wrap="wrap",
        ),
        data_table(
            ("reports.exc.reason", "reports.exc.count"),
            S.exceptions["reasons"].to(list[dict]),
            lambda r: rx.table.row(rx.table.cell(r["label"]), rx.table.cell(r["count"])),
            "rp-reasons",
        ),
        width="100%",
        id="rp-exceptions",
    )


QUOTA_COLUMNS = ("name", "period", "limit", "holders", "at_limit", "used", "share")


def _quotas() -> rx.Component:
    return rx.vstack(
        rx.text(
            tr("reports.quota.asked"), ": ", S.quotas["asked"].to(str), " · ",
            tr("reports.quota.granted"), ": ", S.quotas["granted"].to(str),
            size="2", id="rp-quota-approvals",
        ),
        data_table(
            tuple(f"reports.quota.{c}" for c in QUOTA_COLUMNS),
            S.quotas["rules"].to(list[dict]),
            lambda r: rx.table.row(
                *[rx.table.cell(r[c]) for c in QUOTA_COLUMNS], class_name="quota-row"
            ),
            "rp-quotas",
        ),
        width="100%",
    )  # fmt: skip


UPTIME_COLUMNS = ("visits", "withdrawals", "quantity", "cost", "offline", "uptime")


def _uptime() -> rx.Component:
    return data_table(
        ("reports.col.cabinet", *(f"reports.uptime.{c}" for c in UPTIME_COLUMNS)),
        S.uptime_rows,
        lambda r: rx.table.row(
            rx.table.cell(rx.text(r["label"]), rx.text(r["detail"], size="1", color="gray")),
            *[rx.table.cell(r[c]) for c in UPTIME_COLUMNS],
            class_name="uptime-row",
        ),
        "rp-uptime",
    )


def _sections() -> rx.Component:
    return rx.vstack(
        rx.box(  # six sections: a phone scrolls them sideways
            rx.segmented_control.root(
                *[
                    rx.segmented_control.item(tr(f"reports.by.{by}"), value=by)
                    for by in (*CONSUMPTION_SECTIONS, *LAZY)
                ],
                value=S.section,
                on_change=S.show,
                id="rp-sections",
            ),
            overflow_x="auto",
            max_width="100%",
        ),
        rx.match(
            S.section,
            ("stock", _stock()),
            ("workorders", _orders()),
            ("exceptions", _exceptions()),
            ("quotas", _quotas()),
            ("uptime", _uptime()),
            *[(by, _section(by)) for by in CONSUMPTION_SECTIONS],
            _section("department"),
        ),
        width="100%",
    )


def _export_progress() -> rx.Component:
    return rx.match(
        S.export_status,
        ("running", rx.hstack(
            rx.text(tr("reports.export_making"), size="2"),
            rx.progress(value=S.export_progress, width="8rem"),
            align="center", id="rp-export-running",
        )),
        ("done", rx.button(rx.icon("download", size=14), tr("reports.export_ready"),
                           on_click=S.download_export, id="rp-download",
                           data_run=S.export_id.to(str))),
        ("failed", rx.text(tr("reports.export_failed"), color="red", size="2")),
        rx.fragment(),
    )  # fmt: skip


def reports_body() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(tr("reports.title"), size="6"),
            rx.badge(S.label, size="2", id="rp-label"),
            rx.spacer(),
            rx.button(
                rx.icon("chevron-left", size=14),
                tr("reports.previous"),
                variant="soft",
                on_click=S.shift(-1),
                id="rp-prev",
            ),
            rx.button(
                tr("reports.next"),
                rx.icon("chevron-right", size=14),
                variant="soft",
                on_click=S.shift(1),
                id="rp-next",
            ),
            width="100%",
            align="center",
            wrap="wrap",
        ),
        _controls(),
        rx.cond(S.message != "", rx.callout(S.message, color_scheme="red", id="rp-message")),
        _tiles(),
        rx.card(
            rx.text(tr("reports.daily"), weight="medium"),
            rx.plotly(data=S.daily.to(go.Figure), width="100%", height="300px", id="rp-daily"),
            width="100%",
        ),
        rx.cond(
            S.tenants.length() > 0,
            data_table(
                (
                    "reports.col.tenant",
                    "reports.withdrawals",
                    "reports.quantity",
                    "reports.cost",
                    "reports.share",
                ),
                S.tenants,
                _row,
                "rp-tenant",
            ),
        ),
        _sections(),
        rx.hstack(
            *[
                rx.button(
                    rx.icon(icon, size=14),
                    tr(f"reports.export_{fmt}"),
                    variant="soft",
                    on_click=S.export(fmt),
                    id=f"rp-{fmt}",
                )
                for fmt, icon in (("csv", "download"), ("pdf", "file-text"), ("xlsx", "sheet"))
            ],
            _export_progress(),
            align="center",
            wrap="wrap",
        ),
        subscriptions_section(),
        spacing="4",
        width="100%",
        id="reports",
        data_loaded=S.loaded.to(str),
    )


reports_page = console_page(reports_body)
