"""What a person sees while the browser cannot reach the server: one short notice in their
language (Reflex's own toast names the socket's URL and the timeout — words for developers).
The wall has its own stale banner (app/wall), so the notice stays off there."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.core.banner import connection_pulser, has_connection_errors

from app.ui.locale import tr


def connection_notice() -> rx.Component:
    return rx.fragment(
        connection_pulser(),
        rx.cond(
            has_connection_errors,
            rx.callout(
                tr("connection.lost"),
                icon="wifi-off",
                color_scheme="red",
                id="connection-lost",
                class_name="connection-notice",
                position="fixed",
                bottom="1rem",
                left="50%",
                transform="translateX(-50%)",
                z_index="100",
                max_width="calc(100vw - 2rem)",
            ),
        ),
    )
