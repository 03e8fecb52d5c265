"""The cabinets page's provisioning parts: the registration form, the bundle shown once (QR and
JSON download), the door's QR label to print, maintenance and decommission, and planning an item
in an empty slot."""

from __future__ import annotations

import reflex as rx

from app.cabinets.state.cabinets import CabinetsState as S
from app.ui.locale import tr

# Printing the label prints the label only.
PRINT_LABEL_ONLY = (
    "@media print { body * { visibility: hidden !important; } "
    ".cab-label, .cab-label * { visibility: visible !important; } "
    ".cab-label { position: fixed; left: 0; top: 0; } }"
)


def lifecycle_badge(status: rx.Var) -> rx.Component:
    return rx.cond(
        status != "active",
        rx.badge(
            rx.match(
                status,
                ("maintenance", tr("cabinets.status_maintenance")),
                ("retired", tr("cabinets.status_retired")),
                status,
            ),
            color_scheme=rx.match(status, ("retired", "gray"), "amber"),
            class_name="cab-lifecycle",
        ),
    )


def _select(name: str, options: rx.Var, element_id: str, placeholder: str = "") -> rx.Component:
    return rx.select.root(
        rx.select.trigger(placeholder=placeholder, id=element_id, width="14rem"),
        rx.select.content(rx.foreach(options, lambda o: rx.select.item(o["name"], value=o["id"]))),
        name=name,
    )


def register_panel() -> rx.Component:
    form = rx.form(
        rx.vstack(
            rx.heading(tr("cabinets.register"), size="4"),
            rx.cond(
                S.register_message != "",
                rx.callout(S.register_message, color_scheme="red", id="reg-message"),
            ),
            rx.flex(
                rx.input(name="code", placeholder=tr("field.code"), id="reg-code", width="12rem"),
                rx.input(
                    name="name", placeholder=tr("field.cabinet_name"), id="reg-name", width="14rem"
                ),
                rx.select.root(
                    rx.select.trigger(placeholder=tr("field.site"), id="reg-site", width="14rem"),
                    rx.select.content(
                        rx.select.item(tr("cabinets.no_site"), value="none"),
                        rx.foreach(S.sites, lambda o: rx.select.item(o["name"], value=o["id"])),
                    ),
                    name="site",
                ),
                _select("model", S.models, "reg-model", tr("field.model")),
                gap="0.75rem",
                wrap="wrap",
            ),
            rx.foreach(
                S.models,
                lambda m: rx.text(m["name"], ": ", m["text"], size="1", color="gray"),
            ),
            rx.hstack(
                rx.button(tr("cabinets.register_submit"), type="submit", id="reg-submit"),
                rx.button(
                    tr("cabinets.cancel"), variant="soft", type="button", on_click=S.close_register
                ),
            ),
            width="100%",
        ),
        on_submit=S.register,
        width="100%",
    )
    return rx.cond(
        S.can_provision,
        rx.cond(
            S.registering,
            rx.card(form, width="100%", id="cab-register"),
            rx.button(
                rx.icon("circle-plus", size=14),
                tr("cabinets.register"),
                on_click=S.open_register,
                id="cab-register-open",
            ),
        ),
    )


def bundle_panel() -> rx.Component:
    """The bundle, shown once: QR for the installer's phone or scanner, JSON to download."""
    return rx.cond(
        S.credentials.contains("secret"),
        rx.callout(
            rx.flex(
                rx.image(src=S.credentials["qr"].to(str), width="240px", id="cab-bundle-qr"),
                rx.vstack(
                    rx.text(tr("cabinets.bundle_title"), " ", S.credentials["code"].to(str)),
                    rx.text(tr("cabinets.bundle_help"), size="2"),
                    rx.code("MQTT username: ", S.credentials["username"].to(str)),
                    rx.code("MQTT password: ", S.credentials["password"].to(str)),
                    rx.code("secret: ", S.credentials["secret"].to(str), id="cab-secret"),
                    rx.hstack(
                        rx.button(
                            rx.icon("download", size=14),
                            tr("cabinets.bundle_download"),
                            on_click=S.download_bundle,
                            id="cab-bundle-download",
                        ),
                        rx.button(
                            tr("cabinets.credentials_copied"),
                            variant="soft",
                            on_click=S.forget_credentials,
                            id="cab-credentials-done",
                        ),
                    ),
                ),
                gap="1rem",
                wrap="wrap",
            ),
            icon="key-round",
            color_scheme="amber",
            width="100%",
            id="cab-bundle",
        ),
    )


def _label_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(
                rx.icon("qr-code", size=14), tr("cabinets.label"), variant="soft", id="cab-label"
            )
        ),
        rx.dialog.content(
            rx.el.style(PRINT_LABEL_ONLY),
            rx.vstack(
                rx.image(src=S.label["qr"].to(str), width="240px"),
                rx.heading(S.chosen_name, size="3"),
                rx.text(S.label["url"].to(str), size="1", id="cab-label-url"),
                align="center",
                class_name="cab-label",
            ),
            rx.hstack(
                rx.button(
                    rx.icon("printer", size=14),
                    tr("cabinets.print"),
                    on_click=rx.call_script("window.print()"),
                ),
                rx.dialog.close(rx.button(tr("cabinets.cancel"), variant="soft")),
                justify="end",
                margin_top="1rem",
            ),
        ),
    )


def _decommission_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                tr("cabinets.decommission"),
                color_scheme="red",
                variant="soft",
                id="cab-decommission",
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.description(tr("cabinets.decommission_confirm")),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(tr("cabinets.cancel"), variant="soft")),
                rx.alert_dialog.action(
                    rx.button(
                        tr("cabinets.confirm"),
                        color_scheme="red",
                        on_click=S.decommission,
                        id="cab-decommission-confirm",
                    )
                ),
                justify="end",
                margin_top="1rem",
            ),
        ),
    )


def lifecycle_panel() -> rx.Component:
    """The chosen cabinet's label, and with `cabinet:provision` its bundle and service state."""
    return rx.vstack(
        rx.flex(
            _label_dialog(),
            rx.cond(
                S.can_provision & (S.chosen_lifecycle != "retired"),
                rx.fragment(
                    rx.button(
                        rx.icon("key-round", size=14),
                        tr("cabinets.rotate"),
                        variant="soft",
                        on_click=S.new_credentials,
                        id="cab-credentials",
                    ),
                    rx.cond(
                        S.chosen_lifecycle == "maintenance",
                        rx.button(
                            tr("cabinets.maintenance_off"),
                            variant="soft",
                            color_scheme="green",
                            on_click=S.maintenance(False),
                            id="cab-maintenance-off",
                        ),
                        rx.button(
                            tr("cabinets.maintenance_on"),
                            variant="soft",
                            color_scheme="amber",
                            on_click=S.maintenance(True),
                            id="cab-maintenance-on",
                        ),
                    ),
                    _decommission_dialog(),
                ),
            ),
            lifecycle_badge(S.chosen_lifecycle),
            gap="0.75rem",
            wrap="wrap",
            align="center",
        ),
        bundle_panel(),
        width="100%",
    )


def plan_panel() -> rx.Component:
    """Plan an item in one of the cabinet's empty slots (a new cabinet's are all empty)."""
    return rx.cond(
        S.can_write & (S.empty_slots.length() > 0) & (S.chosen_lifecycle != "retired"),
        rx.form(
            rx.hstack(
                rx.text(tr("cabinets.plan_item"), size="2"),
                rx.select.root(
                    rx.select.trigger(placeholder=tr("common.slot"), id="cab-plan-slot"),
                    rx.select.content(
                        rx.foreach(
                            S.empty_slots, lambda s: rx.select.item(s["slot"], value=s["id"])
                        )
                    ),
                    name="slot",
                ),
                _select("item", S.items, "cab-plan-item", tr("field.item")),
                rx.button(tr("cabinets.plan"), type="submit", size="2", id="cab-plan"),
                align="center",
                wrap="wrap",
            ),
            on_submit=S.plan_slot,
            reset_on_submit=True,
        ),
    )
