"""The bell in the console header: unresolved alerts, live (app/alerts/state/bell.py)."""

from __future__ import annotations

import reflex as rx

from app.alerts.state.bell import AlertCentreState, AlertRow
from app.ui.locale import tr


def _row(row: AlertRow) -> rx.Component:
    return rx.hstack(
        rx.icon(
            "triangle-alert",
            size=16,
            color=rx.match(
                row["severity"], ("critical", rx.color("red", 10)), rx.color("amber", 10)
            ),
            flex_shrink="0",
            margin_top="2px",
        ),
        rx.vstack(
            rx.text(row["text"], size="2"),
            rx.hstack(
                rx.text(row["at"], size="1", color=rx.color("gray", 10)),
                rx.cond(
                    row["occurrences"] > 1,
                    rx.text(row["occurrences"], tr("alerts.times"), size="1", color="gray"),
                ),
                rx.spacer(),
                rx.cond(
                    row["status"] == "open",
                    rx.cond(
                        AlertCentreState.can_ack,
                        rx.button(
                            tr("alerts.ack"),
                            size="1",
                            variant="soft",
                            on_click=AlertCentreState.acknowledge(row["id"]),
                        ),
                    ),
                    rx.badge(tr("alerts.acknowledged"), size="1", color_scheme="gray"),
                ),
                width="100%",
                align="center",
            ),
            spacing="1",
            width="100%",
        ),
        class_name="alert-row",
        spacing="2",
        align="start",
        width="100%",
        padding_y="0.5rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def alert_bell() -> rx.Component:
    return rx.cond(
        AlertCentreState.visible,
        rx.popover.root(
            rx.popover.trigger(
                rx.button(
                    rx.icon("bell", size=16),
                    rx.cond(
                        AlertCentreState.unresolved > 0,
                        rx.badge(
                            AlertCentreState.unresolved,
                            color_scheme=rx.cond(AlertCentreState.unseen > 0, "red", "gray"),
                            variant="solid",
                            radius="full",
                            id="alert-count",
                        ),
                    ),
                    variant="ghost",
                    size="2",
                    aria_label=tr("alerts.bell"),
                    id="alert-bell",
                )
            ),
            rx.popover.content(
                rx.vstack(
                    rx.heading(tr("alerts.title"), size="3"),
                    rx.cond(
                        AlertCentreState.rows.length() > 0,
                        rx.vstack(
                            rx.foreach(AlertCentreState.rows, _row), spacing="0", width="100%"
                        ),
                        rx.text(tr("alerts.none"), size="2", color="gray"),
                    ),
                    rx.cond(
                        AlertCentreState.unresolved > AlertCentreState.rows.length(),
                        rx.text(tr("alerts.more"), size="1", color="gray"),
                    ),
                    spacing="2",
                    width="100%",
                    id="alert-centre",
                ),
                width="min(26rem, 92vw)",
                max_height="70vh",
                overflow_y="auto",
            ),
            on_open_change=lambda _: AlertCentreState.opened(),
        ),
    )
