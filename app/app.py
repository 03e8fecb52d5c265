"""The Reflex application: console pages (and later the wall dashboard and mobile pages)."""

from __future__ import annotations

import reflex as rx

from app.dashboard.pages import home_page
from app.dashboard.state import HomeState

app = rx.App(
    head_components=[rx.el.meta(name="viewport", content="width=device-width, initial-scale=1")],
)
app.add_page(home_page, route="/", title="智能领用柜云平台", on_load=HomeState.load)
