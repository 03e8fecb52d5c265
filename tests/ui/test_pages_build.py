"""Every page of the app builds its component tree without a browser: a page broken by a
refactor (a state var or handler misused in a component) fails here in seconds, naming the
route, instead of as a frontend build that never starts in the browser tests."""

from __future__ import annotations

import pytest
from reflex.compiler import compiler

from app.ui import reflex_internals


def _pages() -> dict:
    import app.app

    return reflex_internals.page_functions(app.app.app)


def test_the_app_has_its_pages() -> None:
    routes = set(_pages())
    assert {"index", "login", "alerts", "walls", "reports"} <= {
        r.strip("/") or "index" for r in routes
    }


@pytest.mark.parametrize("route", sorted(_pages()))
def test_the_page_builds(route: str) -> None:
    compiler.into_component(_pages()[route])
