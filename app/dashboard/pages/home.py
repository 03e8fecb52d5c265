"""The console home page: headline figures and the latest withdrawals."""

from __future__ import annotations

import reflex as rx

from app.dashboard.state.home import HomeState
from app.ui.locale import LocaleState, tr
from app.ui.shell import console_page


def _figure(
    label_key: str, value: rx.Var, detail: rx.Var | str, icon: str, test_id: str
) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.text(tr(label_key), size="2", color=rx.color("gray", 11)),
                rx.heading(value, size="7", id=test_id),
                rx.text(detail, size="1", color=rx.color("gray", 10)),
                spacing="1",
            ),
            rx.spacer(),
            rx.icon(icon, size=28, color=rx.color("accent", 9)),
            align="start",
            width="100%",
        ),
        width="100%",
    )


def _detail(key: str, **params: rx.Var) -> rx.Var:
    """A translated template with {name} placeholders filled in on the client."""
    text = tr(key).to(str)
    for name, value in params.items():
        text = text.replace("{" + name + "}", value.to(str))
    return text


def _figures() -> rx.Component:
    return rx.grid(
        _figure(
            "home.cabinets",
            HomeState.cabinets,
            _detail("home.cabinets_online", online=HomeState.cabinets_online),
            "archive",
            "fig-cabinets",
        ),
        _figure(
            "home.items",
            HomeState.items,
            _detail("home.items_types", types=HomeState.item_types),
            "package",
            "fig-items",
        ),
        _figure(
            "home.users",
            HomeState.users,
            _detail("home.users_active", active=HomeState.users_active),
            "users",
            "fig-users",
        ),
        _figure(
            "home.today_withdrawals",
            HomeState.withdrawals_today,
            _detail("home.today_cost", amount=HomeState.withdrawals_today_amount),
            "receipt",
            "fig-withdrawals",
        ),
        _figure("home.low_stock", HomeState.low_stock_slots, "", "triangle-alert", "fig-low-stock"),
        _figure("home.open_workorders", HomeState.open_work_orders, "", "wrench", "fig-workorders"),
        _figure("home.open_alerts", HomeState.open_alerts, "", "bell", "fig-alerts"),
        columns=rx.breakpoints(initial="1", sm="2", lg="4"),
        spacing="4",
        width="100%",
    )


def _recent_table() -> rx.Component:
    headers = ["time", "person", "department", "cabinet", "qty", "amount"]
    return rx.card(
        rx.vstack(
            rx.heading(tr("home.recent"), size="4"),
            rx.cond(
                HomeState.recent.length() > 0,
                rx.box(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                *[
                                    rx.table.column_header_cell(tr(f"home.recent.{h}"))
                                    for h in headers
                                ]
                            )
                        ),
                        rx.table.body(
                            rx.foreach(
                                HomeState.recent,
                                lambda row: rx.table.row(
                                    rx.table.cell(row["time"]),
                                    rx.table.cell(row["person"]),
                                    rx.table.cell(row["department"]),
                                    rx.table.cell(row["cabinet"]),
                                    rx.table.cell(row["qty"]),
                                    rx.table.cell("¥" + row["amount"].to(str)),
                                ),
                            )
                        ),
                        size="1",
                        width="100%",
                        white_space="nowrap",
                    ),
                    overflow_x="auto",
                    width="100%",
                ),
                rx.text(tr("home.recent.empty"), color=rx.color("gray", 10)),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def home_body() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.vstack(
                rx.heading(tr("home.title"), size="6"),
                rx.text(tr("home.subtitle"), size="2", color=rx.color("gray", 10)),
                spacing="1",
            ),
            rx.spacer(),
            rx.cond(
                HomeState.updated_at != "",
                rx.text(
                    _detail("home.updated", time=HomeState.updated_at),
                    size="1",
                    color=rx.color("gray", 10),
                ),
            ),
            rx.icon_button(
                rx.icon("refresh-cw", size=16),
                on_click=HomeState.load,
                variant="soft",
                aria_label=tr("home.refresh"),
            ),
            align="center",
            width="100%",
        ),
        rx.cond(
            HomeState.load_failed,
            rx.callout(tr("home.load_failed"), icon="triangle-alert", color_scheme="red"),
        ),
        _figures(),
        _recent_table(),
        spacing="5",
        width="100%",
        id="home",
        data_loaded=HomeState.loaded.to_string(),
        data_locale=LocaleState.html_lang,
    )


home_page = console_page(home_body)
