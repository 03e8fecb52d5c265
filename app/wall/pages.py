"""The wall dashboard page: 1920×1080, dark, read from five metres away."""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx

from app.ui.locale import LocaleState
from app.wall.state import TICK_S, WallState

BACKGROUND = "#0b1220"
PANEL = "#111a2e"
INK = "#e6edf7"
MUTED = "#8fa3bf"
STATUS_COLOUR = {"online": "#22c55e", "open": "#f59e0b", "offline": "#ef4444", "never": "#64748b"}


def _w(key: str) -> rx.Var:
    """The wall's words in its tenant's language (the screen has no one to switch it)."""
    return LocaleState.tr[key]


def _panel(*children, **props) -> rx.Component:
    return rx.box(
        *children,
        background=PANEL,
        border_radius="14px",
        padding="18px 22px",
        **props,
    )


def _tile(label: str, value: rx.Var, tile_id: str, colour: str = INK) -> rx.Component:
    return _panel(
        rx.text(_w(label), font_size="24px", color=MUTED),
        rx.text(
            value, font_size="64px", font_weight="700", color=colour, id=tile_id, line_height="1.1"
        ),
    )


def _cabinet(cabinet: rx.Var) -> rx.Component:
    colour = rx.match(
        cabinet["status"],
        ("open", STATUS_COLOUR["open"]),
        ("offline", STATUS_COLOUR["offline"]),
        ("never", STATUS_COLOUR["never"]),
        STATUS_COLOUR["online"],
    )
    return rx.box(
        rx.hstack(
            rx.box(width="18px", height="18px", border_radius="50%", background=colour),
            rx.text(cabinet["name"], font_size="24px", font_weight="600", color=INK),
            rx.text(cabinet["code"], font_size="16px", color=MUTED),
            align="center",
            spacing="3",
        ),
        rx.hstack(
            rx.text(
                rx.match(
                    cabinet["status"],
                    ("open", _w("wall.door_open")),
                    ("offline", _w("wall.offline")),
                    ("never", _w("wall.never_connected")),
                    _w("wall.online"),
                ),
                font_size="20px",
                color=colour,
            ),
            rx.cond(
                cabinet["low"].to(int) > 0,
                rx.text(_w("wall.low"), " ", cabinet["low"], font_size="20px", color="#f87171"),
            ),
            spacing="4",
        ),
        class_name="wall-cabinet",
        data_status=cabinet["status"],
        border_left=f"6px solid {STATUS_COLOUR['online']}",
        border_left_color=colour,
        background="#0f1729",
        border_radius="10px",
        padding="12px 16px",
    )


def _slot(slot: rx.Var) -> rx.Component:
    colour = rx.cond(slot["low"].to(bool), "#ef4444", "#2dd4bf")
    return rx.box(
        rx.hstack(
            rx.text(slot["item"], font_size="19px", color=INK, no_of_lines=1),
            rx.spacer(),
            rx.text(slot["quantity"], font_size="22px", font_weight="700", color=colour),
            width="100%",
        ),
        rx.box(
            rx.box(
                height="100%",
                width=slot["fill"].to(str) + "%",
                background=colour,
                border_radius="4px",
            ),
            height="10px",
            background="rgba(255,255,255,0.08)",
            border_radius="4px",
        ),
        rx.text(slot["cabinet"], " · ", slot["slot"], font_size="15px", color=MUTED, no_of_lines=1),
        class_name="wall-slot",
        data_low=slot["low"].to(str),
        padding="4px 10px",
    )


def _chart(figure: rx.Var) -> rx.Component:
    return rx.plotly(
        data=figure.to(go.Figure),  # the state holds plotly's JSON (app/wall/state.py)
        use_resize_handler=True,
        config={"displayModeBar": False, "staticPlot": True},
        style={"width": "100%", "height": "100%"},
    )


def _ticker() -> rx.Component:
    return rx.box(
        rx.box(
            rx.foreach(
                WallState.alerts,
                lambda a: rx.text.span(
                    "⚠ ", a, margin_right="64px", font_size="24px", color="#fbbf24"
                ),
            ),
            class_name="wall-ticker-track",
            white_space="nowrap",
            display="inline-block",
            padding_left="100%",
            animation="wall-ticker 40s linear infinite",
        ),
        rx.el.style(
            "@keyframes wall-ticker { from { transform: translateX(0); }"
            " to { transform: translateX(-100%); } }"
        ),
        overflow="hidden",
        background=PANEL,
        border_radius="12px",
        padding="10px 0",
        width="100%",
        flex_shrink="0",
        id="wall-ticker",
    )


def _live() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(WallState.tenant_name, font_size="36px", font_weight="700", color=INK),
            rx.text(_w("wall.title"), font_size="30px", color=MUTED),
            rx.spacer(),
            rx.moment(
                interval=1000,
                format="HH:mm:ss",
                tz=WallState.timezone,  # the tenant's time, whatever the screen's zone
                font_size="40px",
                color=INK,
                id="wall-clock",
            ),
            rx.text(
                _w("wall.updated"),
                " ",
                WallState.updated_at,
                font_size="20px",
                color=MUTED,
                id="wall-updated",
            ),
            align="baseline",
            spacing="4",
            width="100%",
        ),
        rx.grid(
            _tile("wall.today_count", WallState.today_count, "wall-today"),
            _tile("wall.today_qty", WallState.today_qty, "wall-qty"),
            _tile("wall.online", WallState.online, "wall-online", STATUS_COLOUR["online"]),
            _tile("wall.door_open", WallState.open_doors, "wall-open", STATUS_COLOUR["open"]),
            _tile("wall.offline", WallState.offline, "wall-offline", STATUS_COLOUR["offline"]),
            _tile("wall.low_slots", WallState.low_slots, "wall-low", "#f87171"),
            columns="6",
            gap="16px",
            width="100%",
        ),
        rx.grid(
            _panel(
                rx.text(_w("wall.cabinets"), font_size="26px", color=INK, margin_bottom="10px"),
                rx.grid(rx.foreach(WallState.cabinets, _cabinet), columns="2", gap="10px"),
                overflow="hidden",
                id="wall-cabinets",
            ),
            _panel(_chart(WallState.trend), id="wall-trend", overflow="hidden"),
            _panel(
                rx.text(_w("wall.stock"), font_size="26px", color=INK, margin_bottom="6px"),
                rx.grid(rx.foreach(WallState.slots, _slot), columns="4", gap="4px 14px"),
                overflow="hidden",
                id="wall-stock",
            ),
            _panel(_chart(WallState.top), id="wall-top", overflow="hidden"),
            columns="1.4fr 1fr",
            rows="330px minmax(0, 1fr)",  # the ticker keeps its row below
            gap="16px",
            width="100%",
            flex="1",
            min_height="0",
        ),
        _ticker(),
        spacing="4",
        height="100vh",
        padding="24px 32px",
    )


def _refused() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.icon("monitor-off", size=96, color=MUTED),
            rx.text(_w("wall.refused"), font_size="40px", color=INK, id="wall-refused"),
            rx.text(_w("wall.refused_hint"), font_size="24px", color=MUTED),
            align="center",
            spacing="4",
        ),
        height="100vh",
    )


def wall_page() -> rx.Component:
    return rx.theme(
        rx.box(
            rx.match(
                WallState.status,
                ("live", _live()),
                ("refused", _refused()),
                rx.center(rx.spinner(size="3"), height="100vh"),
            ),
            # the screen's own timer: re-follow after a restart, re-read if nothing happened
            rx.moment(interval=TICK_S * 1000, on_change=WallState.tick, display="none"),
            id="wall",
            data_status=WallState.status,
            background=BACKGROUND,
            color=INK,
            min_height="100vh",
            overflow="hidden",
        ),
        appearance="dark",
        has_background=False,
    )
