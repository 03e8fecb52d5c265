"""The reports page's tabs other than consumption: stock, work orders, exceptions, quotas and
cabinet use, each a sortable table of the rows app/reports/queries/tab_rows.py makes."""

from __future__ import annotations

import reflex as rx

from app.reports.pages.report_table import sortable_table
from app.reports.queries.tab_rows import ORDER_COLUMNS, QUOTA_COLUMNS, STOCK_COLUMNS, UPTIME_COLUMNS
from app.reports.state.reports import ReportsState as S
from app.ui.locale import LocaleState, tr


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


def stock_tab() -> rx.Component:
    return rx.vstack(
        rx.text(tr("reports.stock.explain"), size="1", color="gray"),
        sortable_table(
            "stock",
            (("label", "reports.col.item"), *((c, f"reports.stock.{c}") for c in STOCK_COLUMNS)),
            S.tables["stock"].to(list[dict]),
            _stock_row,
            "rp-stock",
        ),
        width="100%",
    )


ORDER_KINDS = ("replenishment", "repair", "command_failure", "exception_review")


def _order_row(row: rx.Var) -> rx.Component:
    kind = rx.match(row["kind"], *[(k, tr(f"reports.orders.kind.{k}")) for k in ORDER_KINDS], "")
    return rx.table.row(
        rx.table.cell(kind),
        *[rx.table.cell(row[c]) for c in ORDER_COLUMNS],
        class_name="order-row",
    )


def orders_tab() -> rx.Component:
    return sortable_table(
        "workorders",
        (("", "reports.orders.kind"), *((c, f"reports.orders.{c}") for c in ORDER_COLUMNS)),
        S.tables["workorders"].to(list[dict]),
        _order_row,
        "rp-orders",
    )


EXCEPTION_FIGURES = ("visits", "exceptions", "resolved", "waiting", "corrected_withdrawals",
                     "units_back", "units_more", "complaints", "complaints_answered")  # fmt: skip


def exceptions_tab() -> rx.Component:
    return rx.vstack(
        rx.flex(
            *[
                rx.card(
                    rx.text(tr(f"reports.exc.{k}"), size="1", color="gray"),
                    rx.heading(
                        rx.cond(S.exceptions.contains(k), S.exceptions[k].to(str), "—"),
                        size="4", class_name=f"exc-{k}",
                    ),
                    min_width="8rem",
                )
                for k in EXCEPTION_FIGURES
            ],
            gap="0.5rem",
            wrap="wrap",
        ),
        sortable_table(
            "reasons",
            (("label", "reports.exc.reason"), ("count", "reports.exc.count")),
            S.tables["reasons"].to(list[dict]),
            lambda r: rx.table.row(
                rx.table.cell(rx.cond(LocaleState.html_lang == "en", r["en"], r["zh-CN"])),
                rx.table.cell(r["count"]),
            ),
            "rp-reasons",
        ),
        width="100%",
        id="rp-exceptions",
    )  # fmt: skip


def _figure(key: str) -> rx.Var:
    return rx.cond(S.quotas.contains(key), S.quotas[key].to(str), "—")


QUOTA_PERIODS = ("day", "week", "month")


def _quota_row(r: rx.Var) -> rx.Component:
    period = rx.match(r["period"], *[(p, tr(f"quotas.period.{p}")) for p in QUOTA_PERIODS], "")
    return rx.table.row(
        *[rx.table.cell(period if c == "period" else r[c]) for c in QUOTA_COLUMNS],
        class_name="quota-row",
    )


def quotas_tab() -> rx.Component:
    return rx.vstack(
        rx.text(
            tr("reports.quota.asked"), ": ", _figure("asked"), " · ",
            tr("reports.quota.granted"), ": ", _figure("granted"),
            size="2", id="rp-quota-approvals",
        ),
        sortable_table(
            "quotas",
            tuple((c, f"reports.quota.{c}") for c in QUOTA_COLUMNS),
            S.tables["quotas"].to(list[dict]),
            _quota_row,
            "rp-quotas",
        ),
        width="100%",
    )  # fmt: skip


def uptime_tab() -> rx.Component:
    return sortable_table(
        "uptime",
        (("label", "reports.col.cabinet"), *((c, f"reports.uptime.{c}") for c in UPTIME_COLUMNS)),
        S.tables["uptime"].to(list[dict]),
        lambda r: rx.table.row(
            rx.table.cell(rx.text(r["label"]), rx.text(r["detail"], size="1", color="gray")),
            *[rx.table.cell(r[c]) for c in UPTIME_COLUMNS],
            class_name="uptime-row",
        ),
        "rp-uptime",
    )
