"""The cabinet page's camera section (state: state/camera.py)."""

from __future__ import annotations

import reflex as rx

from app.cabinets.state.camera import CameraRegionsState as C
from app.ui.locale import tr


def _camera(camera: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(camera["camera"], size="1", color="gray"),
        rx.link(
            rx.image(src=camera["url"], width="100%", class_name="cab-camera-view"),
            href=camera["url"],
            is_external=True,
        ),
        spacing="1",
        width="min(20rem, 100%)",
    )


def _region(region: rx.Var) -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.text(region["slot"], weight="bold", width="3rem"),
            rx.el.input(name="slot_id", type="hidden", value=region["slot_id"]),
            rx.el.input(name="slot", type="hidden", value=region["slot"]),
            rx.input(
                name="camera",
                default_value=region["camera"],
                width="5rem",
                aria_label=tr("cabinets.region_camera"),
                read_only=~C.can_write,
            ),
            rx.input(
                name="corners",
                default_value=region["corners"],
                width="100%",
                aria_label=tr("cabinets.region_corners_label"),
                read_only=~C.can_write,
            ),
            rx.cond(C.can_write, rx.button(tr("cabinets.region_save"), size="1", type="submit")),
            width="100%",
            align="center",
        ),
        on_submit=C.save,
        class_name="cab-region",
        data_slot=region["slot"],
        width="100%",
    )


def camera_section() -> rx.Component:
    """Each camera's latest snapshot with the regions drawn, and the regions as corners."""
    return rx.cond(
        C.regions.length() > 0,
        rx.vstack(
            rx.text(tr("cabinets.cameras"), weight="medium"),
            rx.text(tr("cabinets.cameras_hint"), size="1", color="gray"),
            rx.cond(C.message != "", rx.callout(C.message, color_scheme="red", id="cam-message")),
            rx.cond(C.notice != "", rx.callout(C.notice, color_scheme="green", id="cam-notice")),
            rx.flex(rx.foreach(C.cameras, _camera), wrap="wrap", spacing="3", width="100%"),
            rx.foreach(C.regions, _region),
            spacing="2",
            width="100%",
            id="cab-cameras",
        ),
    )
