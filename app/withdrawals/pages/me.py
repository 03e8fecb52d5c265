"""The employee's own page on the phone: /m (我的领用)."""

from __future__ import annotations

import reflex as rx

from app.auth.pages.phone_login import phone_sign_out
from app.ui.locale import mobile_header, tr
from app.withdrawals.state.me import MyPhoneState


def status_line(row: rx.Var, *middle: rx.Component) -> rx.Component:
    """The top line of a phone card: its status badge, anything in between, its time."""
    return rx.hstack(
        rx.badge(row["status"], variant="soft"),
        *middle,
        rx.spacer(),
        rx.text(row["at"], size="1", color=rx.color("gray", 11)),
        width="100%",
    )


def _section(title_key: str, body: rx.Component, section_id: str) -> rx.Component:
    return rx.vstack(
        rx.heading(tr(title_key), size="3"), body, spacing="2", width="100%", id=section_id
    )


def _empty(key: str) -> rx.Component:
    """A section with nothing in it says what to do."""
    return rx.text(tr(key), size="2", color=rx.color("gray", 11), class_name="empty")


def _quota(row: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(row["name"], size="2", weight="medium"),
            rx.spacer(),
            rx.text(row["period"], " · ", row["left"], size="2"),
            width="100%",
        ),
        rx.progress(value=row["percent_used"], width="100%"),
        spacing="1",
        width="100%",
        class_name="quota",
    )


def _my_request(row: rx.Var) -> rx.Component:
    return _request(row, decide=False)


def _awaiting_request(row: rx.Var) -> rx.Component:
    return _request(row, decide=True)


def _request(row: rx.Var, *, decide: bool) -> rx.Component:
    """(rx.foreach passes the index as a second argument: the wrappers above take one.)"""
    return rx.card(
        rx.vstack(
            status_line(row),
            rx.text(row["title"], size="3"),
            rx.text(row["detail"], size="1", color=rx.color("gray", 11)),
            *[
                rx.hstack(
                    rx.button(tr("me.approve"), on_click=MyPhoneState.decide(row["id"], "approve")),
                    rx.button(
                        tr("me.reject"),
                        variant="soft",
                        color_scheme="red",
                        on_click=MyPhoneState.decide(row["id"], "reject"),
                    ),
                )
            ][: 1 if decide else 0],
            spacing="1",
            width="100%",
        ),
        width="100%",
        class_name="awaiting" if decide else "request",
        data_state=row["state"],
    )


def _dispute_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text_area(name="text", placeholder=tr("me.complain_placeholder"), id="dispute-text"),
            rx.button(tr("me.complain_send"), type="submit", id="dispute-send"),
            width="100%",
        ),
        on_submit=MyPhoneState.dispute,
        reset_on_submit=True,
        width="100%",
    )


def _visit(row: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            status_line(row, rx.text(row["cabinet"], size="1", color=rx.color("gray", 11))),
            rx.text(row["lines"], size="3"),
            rx.cond(
                row["photo"] != "",
                rx.image(src=row["photo"], width="100%", class_name="my-visit-photo"),
            ),
            rx.hstack(
                rx.text(row["total"], size="2", weight="bold"),
                rx.spacer(),
                rx.cond(
                    row["disputable"],
                    rx.button(
                        tr("me.complain"),
                        size="1",
                        variant="ghost",
                        on_click=MyPhoneState.open_dispute(row["id"]),
                    ),
                ),
                width="100%",
            ),
            rx.cond(row["complaint"] != "", rx.callout(row["complaint"], size="1")),
            rx.cond(MyPhoneState.disputing == row["id"], _dispute_form()),
            spacing="1",
            width="100%",
        ),
        width="100%",
        class_name="my-visit",
        data_visit=row["id"],
    )


def ask_form(on_submit: rx.EventHandler) -> rx.Component:
    """Asking for more (here, or at a cabinet: then its approval opens that cabinet)."""
    return rx.form(
        rx.vstack(
            rx.text_area(name="reason", placeholder=tr("me.ask_reason"), id="ask-reason"),
            rx.button(tr("me.ask_send"), type="submit", width="100%", id="ask-send"),
            width="100%",
        ),
        on_submit=on_submit,
        reset_on_submit=True,
        width="100%",
    )


def my_phone_page() -> rx.Component:
    return rx.center(
        rx.vstack(
            mobile_header(tr("me.title"), phone_sign_out()),
            rx.cond(
                MyPhoneState.message != "",
                rx.callout(MyPhoneState.message, id="me-message", width="100%"),
            ),
            rx.cond(
                MyPhoneState.awaiting.length() > 0,
                _section(
                    "me.awaiting",
                    rx.foreach(MyPhoneState.awaiting, _awaiting_request),
                    "me-awaiting",
                ),
            ),
            _section(
                "me.quotas",
                rx.cond(
                    MyPhoneState.quotas.length() > 0,
                    rx.foreach(MyPhoneState.quotas, _quota),
                    _empty("me.no_quotas"),
                ),
                "me-quotas",
            ),
            _section(
                "me.requests",
                rx.vstack(
                    rx.button(
                        tr("me.ask"), variant="soft", on_click=MyPhoneState.toggle_ask, id="ask"
                    ),
                    rx.cond(MyPhoneState.asking, ask_form(MyPhoneState.ask)),
                    rx.cond(
                        MyPhoneState.requests.length() > 0,
                        rx.foreach(MyPhoneState.requests, _my_request),
                        _empty("me.no_requests"),
                    ),
                    width="100%",
                ),
                "me-requests",
            ),
            _section(
                "me.history",
                rx.cond(
                    MyPhoneState.visits.length() > 0,
                    rx.foreach(MyPhoneState.visits, _visit),
                    _empty("me.no_history"),
                ),
                "me-history",
            ),
            spacing="5",
            width="100%",
            max_width="420px",
            padding="16px",
            id="my-phone",
            data_loaded=MyPhoneState.loaded.to(str),
        ),
        width="100%",
    )
