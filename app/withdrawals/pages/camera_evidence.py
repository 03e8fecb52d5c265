"""The camera's evidence in the console's drawers (withdrawals, exceptions): the before and
after images, boxes and counts drawn on them by the server, and the counts per slot."""

from __future__ import annotations

import reflex as rx

from app.ui.locale import tr


def camera_evidence(d: rx.Var, element_id: str | None = None) -> rx.Component:
    """The in-cabinet camera's before and after images (boxes and counts drawn on them by the
    server) and its counts per slot; nothing when no camera saw the visit."""
    return rx.cond(
        d["pictures"].to(list[dict]).length() > 0,
        rx.vstack(
            rx.heading(tr("withdrawals.camera"), size="3"),
            rx.foreach(
                d["pictures"].to(list[dict]),
                lambda p: rx.vstack(
                    rx.text(
                        rx.cond(
                            p["phase"] == "before",
                            tr("withdrawals.camera_before"),
                            tr("withdrawals.camera_after"),
                        ),
                        " · ",
                        p["camera"],
                        size="1",
                        color="gray",
                    ),
                    rx.link(  # full size in a new tab: the drawer is narrow
                        rx.image(src=p["url"], width="100%", class_name="wd-snapshot"),
                        href=p["url"],
                        is_external=True,
                    ),
                    spacing="1",
                    width="100%",
                ),
            ),
            rx.heading(tr("withdrawals.camera_counts"), size="2"),
            rx.foreach(
                d["camera"].to(list[dict]),
                lambda c: rx.hstack(
                    rx.text(c["slot"], weight="bold", width="3rem"),
                    rx.text(c["before"], " → ", c["after"], size="1"),
                    rx.cond(
                        c["sure"],
                        rx.fragment(),
                        rx.badge(tr("withdrawals.camera_abstained"), color_scheme="gray"),
                    ),
                    width="100%",
                ),
            ),
            spacing="2",
            width="100%",
            id=element_id,
            class_name="camera-evidence",
        ),
    )
