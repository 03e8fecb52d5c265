"""The console layout: sidebar grouped by domain, header with tenant, language and user menu."""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import reduce

import reflex as rx

from app.alerts.pages.bell import alert_bell
from app.ui.cards import phone_cards
from app.ui.forms import native_form
from app.ui.locale import LocaleState, tr
from app.ui.navigation import NAV_SECTIONS, NavEntry
from app.ui.session import ALL_TENANTS, SessionState

SIDEBAR_WIDTH = "16rem"


def _holds(permission: str) -> rx.Var:
    return SessionState.permissions.contains(permission)


def _nav_item(entry: NavEntry) -> rx.Component:
    current = SessionState.current_route == entry.route
    content = rx.hstack(
        rx.icon(entry.icon, size=16, flex_shrink="0"),
        rx.text(tr(entry.key), size="2", white_space="nowrap"),
        align="center",
        width="100%",
        padding_x="0.75rem",
        padding_y="0.45rem",
        border_radius="6px",
        background=rx.cond(current, rx.color("accent", 4), "transparent"),
        color=rx.cond(current, rx.color("accent", 11), rx.color("gray", 12)),
        font_weight=rx.cond(current, "600", "400"),
        _hover={"background": rx.color("accent", 3)},
    )
    link = rx.link(
        content,
        href=entry.route,
        underline="none",
        width="100%",
        aria_current=rx.cond(current, "page", ""),
        data_nav=entry.route,
    )
    return rx.cond(_holds(entry.permission), link)


def _nav() -> rx.Component:
    """Only the pages the signed-in person may open; a section without any is left out."""
    sections = []
    for section, entries in NAV_SECTIONS:
        offered = reduce(operator.or_, [_holds(e.permission) for e in entries])
        block = rx.vstack(
            rx.text(
                tr(section),
                size="1",
                weight="bold",
                color=rx.color("gray", 10),
                padding_x="0.75rem",
            ),
            *[_nav_item(entry) for entry in entries],
            spacing="1",
            width="100%",
        )
        sections.append(rx.cond(offered, block))
    return rx.vstack(*sections, spacing="4", width="100%", id="sidebar-nav")


def breadcrumb() -> rx.Component:
    """Section › page, so a person always knows where they are."""
    return rx.cond(
        SessionState.page_key != "",
        rx.hstack(
            rx.text(LocaleState.tr[SessionState.section_key], color=rx.color("gray", 10)),
            rx.icon("chevron-right", size=14, color=rx.color("gray", 9)),
            rx.text(LocaleState.tr[SessionState.page_key], weight="medium"),
            align="center",
            spacing="1",
            id="breadcrumb",
            white_space="nowrap",
        ),
    )


def _brand() -> rx.Component:
    return rx.hstack(
        rx.icon("archive", size=22, color=rx.color("accent", 10)),
        rx.text(tr("app.name"), weight="bold", size="3"),
        align="center",
        spacing="2",
    )


def sidebar() -> rx.Component:
    return rx.box(
        rx.vstack(_brand(), rx.divider(), _nav(), spacing="4", padding="1rem", width="100%"),
        display=["none", "none", "block"],
        width=SIDEBAR_WIDTH,
        min_width=SIDEBAR_WIDTH,
        height="100vh",
        position="sticky",
        top="0",
        overflow_y="auto",
        border_right=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 2),
    )


def _mobile_menu() -> rx.Component:
    return rx.box(
        rx.drawer.root(
            rx.drawer.trigger(rx.icon_button(rx.icon("menu"), variant="ghost", aria_label="menu")),
            rx.drawer.overlay(),
            rx.drawer.portal(
                rx.drawer.content(
                    rx.vstack(_brand(), rx.divider(), _nav(), spacing="4", padding="1rem"),
                    background=rx.color("gray", 1),
                    position="fixed",
                    top="0",
                    left="0",
                    bottom="0",
                    width="16rem",
                    height="100%",
                    overflow_y="auto",
                    z_index="50",
                )
            ),
            direction="left",
        ),
        display=["block", "block", "none"],
    )


def tenant_switcher() -> rx.Component:
    return rx.cond(
        SessionState.can_switch_tenant,
        rx.select.root(
            rx.select.trigger(placeholder=tr("header.tenant"), id="tenant-switch"),
            rx.select.content(
                rx.select.item(tr("header.all_tenants"), value=ALL_TENANTS),
                rx.foreach(
                    SessionState.tenant_options, lambda o: rx.select.item(o["name"], value=o["id"])
                ),
            ),
            value=SessionState.active_tenant,
            on_change=SessionState.select_tenant,
            size="2",
        ),
        rx.foreach(
            SessionState.tenant_options, lambda o: rx.badge(o["name"], size="2", variant="surface")
        ),
    )


def user_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.icon("circle-user", size=16),
                # on a phone the header keeps its icons: the name is in the menu
                rx.text(SessionState.display_name, id="signed-in-name", display=["none", "inline"]),
                variant="ghost",
                size="2",
            )
        ),
        rx.menu.content(
            rx.menu.item(
                rx.text(tr("header.signed_in_as"), " ", SessionState.username), disabled=True
            ),
            rx.menu.separator(),
            native_form(
                rx.el.button(
                    tr("header.sign_out"),
                    type="submit",
                    id="sign-out",
                    style={
                        "background": "none",
                        "border": "none",
                        "cursor": "pointer",
                        "padding": "0.4rem 0.75rem",
                    },
                ),
                action="/api/auth/logout",
                method="post",
            ),
        ),
    )


def header() -> rx.Component:
    return rx.hstack(
        _mobile_menu(),
        rx.box(breadcrumb(), display=["none", "block"]),
        rx.spacer(),
        tenant_switcher(),
        alert_bell(),
        rx.button(
            rx.icon("languages", size=16),
            tr("lang.switch"),
            variant="soft",
            size="2",
            on_click=LocaleState.toggle_locale,
            id="lang-switch",
        ),
        user_menu(),
        align="center",
        spacing="3",
        width="100%",
        padding_x="1.25rem",
        padding_y="0.75rem",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 1),
        position="sticky",
        top="0",
        z_index="10",
    )


def console_page(body: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
    """Wrap a page body in the console shell."""

    def page() -> rx.Component:
        return rx.cond(
            SessionState.signed_in, _shell(body), rx.center(rx.spinner(size="3"), height="100vh")
        )

    page.__name__ = getattr(body, "__name__", "page")
    return page


def _not_yours() -> rx.Component:
    """A page the person may not read: say so and offer their own page, never empty figures."""
    return rx.callout(
        rx.vstack(
            rx.text(tr("nav.not_allowed")),
            rx.link(tr("nav.go_to_my_page"), href=SessionState.landing, id="go-landing"),
            spacing="2",
        ),
        icon="lock",
        color_scheme="amber",
        id="page-not-allowed",
    )


def _shell(body: Callable[[], rx.Component]) -> rx.Component:
    return rx.hstack(
        sidebar(),
        rx.vstack(
            header(),
            rx.box(
                phone_cards(),
                rx.cond(SessionState.page_allowed, body(), _not_yours()),
                id="console-main",
                padding=["1rem", "1.5rem"],
                width="100%",
                max_width="1400px",
                # a wide table scrolls inside its own box; the page never widens past the screen
                min_width="0",
            ),
            spacing="0",
            width="100%",
            min_width="0",
            min_height="100vh",
        ),
        spacing="0",
        width="100%",
        lang=LocaleState.html_lang,
    )
