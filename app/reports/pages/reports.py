"""The console's reports page: period and filters, totals, the daily chart, the breakdowns."""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx

from app.reports.pages import tabs
from app.reports.pages.report_table import sortable_table
from app.reports.pages.subscriptions import subscriptions_section
from app.reports.services.periods import KINDS
from app.reports.services.reports import CONSUMPTION_SECTIONS
from app.reports.state.reports import PERMISSION, TABS
from app.reports.state.reports import ReportsState as S
from app.ui.locale import LocaleState, tr
from app.ui.session import SessionState
from app.ui.shell import console_page

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
            _options("cabinet", S.cabinets, S.cabinet, "common.all_cabinets"),
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


def _tile(label: str, key: str, tile_id: str, prefix: str = "") -> rx.Component:
    # "—" until the figures came: a refused or failed load never shows "undefined"
    value = rx.cond(S.loaded, prefix + S.totals[key].to(str), "—")
    return rx.card(
        rx.text(tr(label), size="2", color="gray"),
        rx.heading(value, size="6", id=tile_id, style={"overflow_wrap": "anywhere"}),
        min_width="9rem",
        flex="1 1 9rem",
    )


def _tiles() -> rx.Component:
    return rx.flex(
        _tile("reports.withdrawals", "withdrawals", "rp-withdrawals"),
        _tile("reports.people", "people", "rp-people"),
        _tile("reports.quantity", "quantity", "rp-quantity"),
        _tile("reports.cost", "cost", "rp-cost", prefix="¥"),
        gap="0.75rem",
        wrap="wrap",
        width="100%",
    )


def _name(line: rx.Var) -> rx.Component:
    name = rx.cond(line["label"] != "", line["label"], tr("reports.unassigned"))
    return rx.fragment(
        rx.cond(line["drill"] != "", rx.link(name, href=line["drill"]), rx.text(name)),
        rx.text(line["detail"], size="1", color="gray"),
    )


def _row(line: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(_name(line)),
        rx.table.cell(line["count"]),
        rx.table.cell(line["quantity"]),
        rx.table.cell("¥", line["cost"]),
        rx.table.cell(line["share"]),
        class_name="report-row",
    )


def _rolled_row(line: rx.Var) -> rx.Component:
    subs = rx.text(tr("reports.subs"), line["subs"], size="1", color="gray")
    return rx.table.row(
        rx.table.cell(_name(line), rx.cond(line["subs"].to(int) > 0, subs)),
        rx.table.cell(line["count"]),
        rx.table.cell(line["quantity"]),
        rx.table.cell("¥", line["cost"], weight="medium"),
        rx.table.cell(line["share"]),
        rx.table.cell("¥", line["own"], color="gray"),
        class_name="report-row",
    )


def _consumption_columns(by: str) -> tuple[tuple[str, str], ...]:
    count = "reports.times" if by in ("item", "item_type", "tag") else "reports.withdrawals"
    return (("label", f"reports.col.{by}"), ("count", count), ("quantity", "reports.quantity"),
            ("cost", "reports.cost"), ("share", "reports.share"))  # fmt: skip


def _breakdown(by: str) -> rx.Component:
    return sortable_table(
        by, _consumption_columns(by), S.tables[by].to(list[dict]), _row, f"rp-{by}"
    )


def _departments() -> rx.Component:
    """By department: with their sub-departments (the default) or each on its own."""
    return rx.vstack(
        rx.hstack(
            rx.switch(checked=S.rolled_up, on_change=S.roll, id="rp-rollup"),
            rx.text(tr("reports.rolled_up"), size="2", weight="medium", as_="label",
                    html_for="rp-rollup"),
            rx.text(tr("reports.rolled_up_hint"), size="1", color="gray"),
            align="center",
            wrap="wrap",
        ),
        rx.cond(
            S.rolled_up,
            sortable_table(
                "department_rolled",
                (*_consumption_columns("department"), ("own", "reports.own")),
                S.tables["department_rolled"].to(list[dict]),
                _rolled_row,
                "rp-department",
            ),
            _breakdown("department"),
        ),
        width="100%",
    )  # fmt: skip


def _section(by: str) -> rx.Component:
    notes = {"person": "reports.people_top", "tag": "reports.tags_overlap"}
    return rx.vstack(
        *([rx.text(tr(notes[by]), size="1", color="gray")] if by in notes else []),
        _departments() if by == "department" else _breakdown(by),
        width="100%",
    )


def _tabs() -> rx.Component:
    """Every tab in rows that wrap (a picker on a phone)."""
    buttons = rx.flex(
        *[
            rx.button(
                tr(f"reports.by.{by}"),
                variant=rx.cond(S.section == by, "solid", "soft"),
                size="2",
                on_click=S.show(by),
                role="tab",
                aria_selected=rx.cond(S.section == by, "true", "false"),
                id=f"rp-tab-{by}",
            )
            for by in TABS
        ],
        role="tablist",
        gap="0.4rem",
        wrap="wrap",
        display=["none", "none", "flex"],
    )
    picker = rx.el.select(
        *[rx.el.option(tr(f"reports.by.{by}"), value=by) for by in TABS],
        value=S.section,
        on_change=S.show,
        id="rp-tab-picker",
        style={**NATIVE, "width": "100%"},
    )
    return rx.box(buttons, rx.box(picker, display=["block", "block", "none"]), width="100%",
                  id="rp-sections")  # fmt: skip


def _sections() -> rx.Component:
    return rx.vstack(
        _tabs(),
        rx.match(
            S.section,
            ("stock", tabs.stock_tab()),
            ("workorders", tabs.orders_tab()),
            ("exceptions", tabs.exceptions_tab()),
            ("quotas", tabs.quotas_tab()),
            ("uptime", tabs.uptime_tab()),
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
                           on_click=S.download_export, id="rp-download", variant="soft",
                           data_run=S.export_id.to(str))),
        ("failed", rx.text(tr("reports.export_failed"), color="red", size="2")),
        rx.fragment(),
    )  # fmt: skip


def _exports() -> rx.Component:
    """One click: the tab shown as Excel; the whole report (every tab) as a file made by a job."""
    return rx.hstack(
        rx.button(
            rx.icon("sheet", size=14), tr("reports.export_tab"),
            on_click=S.export_tab, title=tr("reports.export_tab_hint"), id="rp-excel",
        ),
        rx.menu.root(
            rx.menu.trigger(rx.button(
                tr("reports.export_all"), rx.icon("chevron-down", size=14), variant="soft",
                id="rp-export-all",
            )),
            rx.menu.content(*[
                rx.menu.item(rx.icon(icon, size=14), tr(f"reports.export_{fmt}"),
                             on_select=S.export(fmt), id=f"rp-{fmt}")
                for fmt, icon in (("xlsx", "sheet"), ("csv", "download"), ("pdf", "file-text"))
            ]),
        ),
        _export_progress(),
        align="center",
        wrap="wrap",
    )  # fmt: skip


def _header(permitted: rx.Var) -> rx.Component:
    return rx.flex(
        rx.hstack(
            rx.heading(tr("reports.title"), size="6"),
            rx.cond(permitted, rx.badge(S.label, size="2", id="rp-label")),
            align="center",
        ),
        rx.spacer(),
        rx.cond(permitted, rx.hstack(
            rx.button(rx.icon("chevron-left", size=14), tr("reports.previous"), variant="soft",
                      on_click=S.shift(-1), id="rp-prev"),
            rx.button(tr("reports.next"), rx.icon("chevron-right", size=14), variant="soft",
                      on_click=S.shift(1), id="rp-next"),
            _exports(),
            align="center",
            wrap="wrap",
        )),
        width="100%",
        align="center",
        wrap="wrap",
        gap="0.75rem",
    )  # fmt: skip


def _report() -> rx.Component:
    return rx.fragment(
        _controls(),
        rx.cond(S.message != "", rx.callout(S.message, color_scheme="red", id="rp-message")),
        _tiles(),
        rx.card(
            rx.text(tr("reports.daily"), weight="medium"),
            rx.plotly(
                data=rx.cond(LocaleState.html_lang == "en", S.daily["en"], S.daily["zh-CN"]).to(
                    go.Figure
                ),
                width="100%", height="300px", id="rp-daily",
            ),
            width="100%",
        ),
        rx.cond(
            S.tables["tenant"].to(list[dict]).length() > 0,
            sortable_table(
                "tenant", _consumption_columns("tenant"), S.tables["tenant"].to(list[dict]), _row,
                "rp-tenant",
            ),
        ),
        _sections(),
        subscriptions_section(),
    )  # fmt: skip


def reports_body() -> rx.Component:
    permitted = SessionState.permissions.contains(PERMISSION)
    return rx.vstack(
        _header(permitted),
        rx.cond(
            permitted,
            _report(),
            # no figures and no zeros for someone who may not read them: say so
            rx.callout(tr("reports.no_access"), icon="lock", color_scheme="gray",
                       id="rp-no-access"),
        ),
        spacing="4",
        width="100%",
        id="reports",
        data_loaded=S.loaded.to(str),
        # the page never widens the console: what is wider scrolls inside its own box
        style={"contain": "inline-size"},
    )  # fmt: skip


reports_page = console_page(reports_body)
