"""The wall dashboard page: 1920×1080, dark, read from three to five metres away.

Type sizes for that distance (a 1920×1080 screen of about 55"): the figures (the six counts and
the clock) FIGURE_PX and up, labels, panel titles, cabinet names and the ticker LABEL_PX and up,
secondary text (cabinet codes, where a slot is, status lines) SMALL_PX and up, chart axis text
AXIS_PX (app/wall/pages/charts.py). Nothing on the wall is smaller than SMALL_PX.

Colours say the same thing everywhere: red critical (a fault: door, tamper, scale, power),
amber low stock, green online, grey offline or never connected, blue a door open now (in use).
Each colour also comes with a word and an icon, for whoever cannot tell red from green.

When no update reached the screen for STALE_S, its own script (assets/wall-watch.js) shows
the stale banner and dims everything but the banner: the ticking clock alone proves nothing."""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx

from app.wall.state.wall import STALE_S, TICK_S, WallState

BACKGROUND = "#0b1220"
PANEL = "#111a2e"
INK = "#e6edf7"
MUTED = "#8fa3bf"
FIGURE_PX, LABEL_PX, SMALL_PX = 64, 26, 20
RED, AMBER, GREEN, GREY, BLUE = "#ef4444", "#f59e0b", "#22c55e", "#94a3b8", "#38bdf8"
LEVEL_COLOUR = {"critical": RED, "low": AMBER, "offline": GREY, "ok": GREEN, "notice": BLUE}
LEVEL_ICON = {
    "critical": "octagon-alert",
    "low": "package-minus",
    "offline": "wifi-off",
    "ok": "circle-check",
    "notice": "info",
}
STALE_CSS = """
#wall-stale { display: none; }
html[data-wall-stale] #wall-stale { display: flex; }
html[data-wall-stale] .wall-body { opacity: 0.3; filter: grayscale(1); }
html[data-wall-stale] .wall-ticker-track { animation-play-state: paused; }
.connection-notice { display: none !important; } /* the wall's own banner says it */
@keyframes wall-ticker { from { transform: translateX(0); } to { transform: translateX(-100%); } }
"""


def _w(key: str) -> rx.Var:
    """The wall's words in the display's language (its URL's ?lang=, else its tenant's)."""
    return WallState.words[key]


def _px(size: int) -> str:
    return f"{size}px"


def _by_level(level: rx.Var, choices: dict[str, object], default: str) -> rx.Var:
    return rx.match(level, *((k, v) for k, v in choices.items() if k != default), choices[default])


def _icon(level: rx.Var, size: int) -> rx.Component:
    return rx.match(
        level,
        *(
            (name, rx.icon(tag, size=size, color=LEVEL_COLOUR[name]))
            for name, tag in LEVEL_ICON.items()
            if name != "notice"
        ),
        rx.icon(LEVEL_ICON["notice"], size=size, color=LEVEL_COLOUR["notice"]),
    )


def _panel(*children, **props) -> rx.Component:
    return rx.box(
        *children,
        background=PANEL,
        border_radius="14px",
        padding="16px 22px",
        **props,
    )


def _title(text: rx.Var) -> rx.Component:
    return rx.text(text, font_size=_px(LABEL_PX), color=INK, margin_bottom="8px", no_of_lines=1)


def _tile(label: str, value: rx.Var, tile_id: str, colour: str = INK) -> rx.Component:
    return _panel(
        rx.text(_w(label), font_size=_px(LABEL_PX), color=MUTED, no_of_lines=1),
        rx.text(
            value,
            font_size=_px(FIGURE_PX),
            font_weight="700",
            color=colour,
            id=tile_id,
            line_height="1.1",
        ),
    )


def _presence(status: rx.Var) -> rx.Var:
    return rx.match(
        status,
        ("open", _w("wall.door_open")),
        ("offline", _w("wall.offline")),
        ("never", _w("wall.never_connected")),
        _w("wall.online"),
    )


def _cabinet(cabinet: rx.Var) -> rx.Component:
    level = cabinet["level"]
    colour = _by_level(level, LEVEL_COLOUR, "ok")
    return rx.box(
        rx.hstack(
            _icon(level, 28),
            rx.text(cabinet["name"], font_size=_px(LABEL_PX), font_weight="600", color=INK),
            rx.text(cabinet["code"], font_size=_px(SMALL_PX), color=MUTED),
            align="center",
            spacing="3",
        ),
        rx.hstack(
            rx.text(
                _presence(cabinet["status"]),
                font_size=_px(SMALL_PX + 2),
                color=rx.cond(cabinet["status"] == "open", BLUE, MUTED),
            ),
            rx.cond(
                cabinet["fault"] != "",
                rx.text(
                    _w("wall.fault." + cabinet["fault"].to(str)),
                    font_size=_px(SMALL_PX + 2),
                    font_weight="700",
                    color=colour,
                    class_name="wall-fault",
                ),
            ),
            rx.cond(
                cabinet["low"].to(int) > 0,
                rx.text(
                    _w("wall.low"), " ", cabinet["low"], font_size=_px(SMALL_PX + 2), color=AMBER
                ),
            ),
            spacing="4",
        ),
        class_name="wall-cabinet",
        data_status=cabinet["status"],
        data_level=level,
        border_left=f"8px solid {GREEN}",
        border_left_color=colour,
        background="#0f1729",
        border_radius="10px",
        padding="10px 16px",
    )


def _slot(slot: rx.Var) -> rx.Component:
    colour = rx.cond(slot["low"].to(bool), AMBER, "#2dd4bf")
    return rx.box(
        rx.hstack(
            rx.text(slot["item"], font_size=_px(LABEL_PX - 2), color=INK, no_of_lines=1),
            rx.spacer(),
            rx.text(slot["quantity"], font_size=_px(LABEL_PX), font_weight="700", color=colour),
            width="100%",
            align="baseline",
        ),
        rx.box(
            rx.box(
                height="100%",
                width=slot["fill"].to(str) + "%",
                background=colour,
                border_radius="4px",
            ),
            height="8px",
            background="rgba(255,255,255,0.08)",
            border_radius="4px",
        ),
        rx.text(
            slot["cabinet"],
            " · ",
            slot["slot"],
            font_size=_px(SMALL_PX),
            color=MUTED,
            no_of_lines=1,
        ),
        class_name="wall-slot",
        data_low=slot["low"].to(str),
        padding="2px 8px",
        min_width="0",
    )


def _chart(figure: rx.Var) -> rx.Component:
    return rx.plotly(
        data=figure.to(go.Figure),  # the state holds plotly's JSON (app/wall/state/wall.py)
        use_resize_handler=True,
        config={"displayModeBar": False, "staticPlot": True},
        style={"width": "100%", "height": "100%"},
    )


def _chart_panel(title: rx.Var, figure: rx.Var, panel_id: str) -> rx.Component:
    return _panel(
        _title(title),
        rx.box(_chart(figure), flex="1", min_height="0"),
        id=panel_id,
        overflow="hidden",
        display="flex",
        flex_direction="column",
    )


def _alert(alert: rx.Var) -> rx.Component:
    level = alert["level"]
    colour = _by_level(level, LEVEL_COLOUR, "notice")
    return rx.el.span(
        _icon(level, LABEL_PX),
        rx.el.span(
            _w("wall.level." + level.to(str)),
            font_weight="700",
            color=BACKGROUND,
            background=colour,
            border_radius="6px",
            padding="0 10px",
        ),
        rx.el.span(alert["text"], color=colour),
        class_name="wall-alert",
        data_level=level,
        display="inline-flex",
        align_items="center",
        gap="10px",
        margin_right="72px",
        font_size=_px(LABEL_PX),
    )


def _ticker() -> rx.Component:
    return rx.box(
        rx.box(
            rx.foreach(WallState.alerts, _alert),
            class_name="wall-ticker-track",
            white_space="nowrap",
            display="inline-block",
            padding_left="100%",
            animation="wall-ticker 40s linear infinite",
        ),
        overflow="hidden",
        background=PANEL,
        border_radius="12px",
        padding="10px 0",
        width="100%",
        flex_shrink="0",
        id="wall-ticker",
    )


def _stale_banner() -> rx.Component:
    """Hidden until the page's script marks the data stale (see the module's docstring)."""
    return rx.box(
        rx.icon("wifi-off", size=48, color=INK),
        rx.vstack(
            rx.text(WallState.stale_text, font_size="34px", font_weight="700", color=INK),
            rx.text(_w("wall.stale_hint"), font_size=_px(LABEL_PX), color=INK),
            spacing="1",
        ),
        id="wall-stale",
        role="alert",
        position="fixed",
        top="24px",
        left="50%",
        transform="translateX(-50%)",
        z_index="10",
        align_items="center",
        gap="20px",
        background="#b91c1c",
        border="3px solid #fecaca",
        border_radius="16px",
        padding="18px 32px",
        box_shadow="0 12px 48px rgba(0,0,0,0.6)",
        max_width="1700px",
    )


def _header() -> rx.Component:
    return rx.hstack(
        rx.text(WallState.tenant_name, font_size="40px", font_weight="700", color=INK),
        rx.text(_w("wall.title"), font_size="32px", color=MUTED),
        rx.spacer(),
        rx.text(
            _w("wall.updated"),
            " ",
            WallState.updated_at,
            font_size=_px(LABEL_PX),
            color=MUTED,
            id="wall-updated",
        ),
        rx.moment(
            interval=1000,
            format="HH:mm:ss",
            tz=WallState.timezone,  # the tenant's time, whatever the screen's zone
            font_size="48px",
            font_weight="700",
            color=INK,
            id="wall-clock",
        ),
        align="baseline",
        spacing="5",
        width="100%",
    )


def _live() -> rx.Component:
    return rx.vstack(
        _header(),
        rx.grid(
            _tile("wall.today_count", WallState.today_count, "wall-today"),
            _tile("wall.today_qty", WallState.today_qty, "wall-qty"),
            _tile("wall.online", WallState.online, "wall-online", GREEN),
            _tile("wall.door_open", WallState.open_doors, "wall-open", BLUE),
            _tile("wall.offline", WallState.offline, "wall-offline", GREY),
            _tile("wall.low_slots", WallState.low_slots, "wall-low", AMBER),
            columns="6",
            gap="16px",
            width="100%",
        ),
        rx.grid(
            _panel(
                _title(_w("wall.cabinets")),
                rx.grid(rx.foreach(WallState.cabinets, _cabinet), columns="2", gap="10px"),
                overflow="hidden",
                id="wall-cabinets",
            ),
            _chart_panel(_w("wall.trend"), WallState.trend, "wall-trend"),
            _panel(
                _title(_w("wall.stock")),
                rx.grid(rx.foreach(WallState.slots, _slot), columns="3", gap="0 18px"),
                overflow="hidden",
                id="wall-stock",
            ),
            _chart_panel(WallState.top_title, WallState.top, "wall-top"),
            columns="1.4fr 1fr",
            rows="300px minmax(0, 1fr)",  # the ticker keeps its row below
            gap="16px",
            width="100%",
            flex="1",
            min_height="0",
        ),
        _ticker(),
        # what the page's script watches: a new beat is an update that arrived
        rx.el.span(
            id="wall-beat",
            data_beat=WallState.beat,
            data_stale_ms=str(STALE_S * 1000),
            display="none",
        ),
        class_name="wall-body",
        spacing="4",
        height="100vh",
        padding="24px 32px",
    )


def _refused() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.icon("monitor-off", size=96, color=MUTED),
            rx.text(_w("wall.refused"), font_size="40px", color=INK, id="wall-refused"),
            rx.text(_w("wall.refused_hint"), font_size=_px(LABEL_PX), color=MUTED),
            align="center",
            spacing="4",
        ),
        height="100vh",
    )


def wall_page() -> rx.Component:
    return rx.theme(
        rx.box(
            rx.el.style(STALE_CSS),
            rx.script(src="/wall-watch.js"),
            rx.match(
                WallState.status,
                ("live", rx.fragment(_stale_banner(), _live())),
                ("refused", _refused()),
                rx.center(rx.spinner(size="3"), height="100vh"),
            ),
            # the screen's own timer: re-follow after a restart, re-read if nothing happened
            rx.moment(interval=TICK_S * 1000, on_change=WallState.tick, display="none"),
            id="wall",
            data_status=WallState.status,
            lang=WallState.locale,
            background=BACKGROUND,
            color=INK,
            min_height="100vh",
            overflow="hidden",
        ),
        appearance="dark",
        has_background=False,
    )
