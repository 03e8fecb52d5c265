"""Navigation by role: the sidebar's table agrees with the pages the app serves, each built-in
role lands on a page it may read, and every page's tab title is in the reader's language."""

from __future__ import annotations

import re

import pytest

from app.auth.services.catalogue import BUILTIN_ROLES, PERMISSIONS
from app.core.i18n import MESSAGES, strings
from app.ui.navigation import (
    ENTRIES,
    NAV_SECTIONS,
    PHONE_HOME,
    entry_for,
    landing_for,
    may_open,
    visible_entries,
)

ROLE_PERMISSIONS = {role.code: role.permissions for role in BUILTIN_ROLES}


def test_every_console_page_is_in_the_sidebar_once_with_a_known_permission() -> None:
    from app.app import CONSOLE_PAGES

    routes = [entry.route for entry in ENTRIES]
    served = {route for route, *_ in CONSOLE_PAGES}
    assert set(routes) <= served and len(set(routes)) == len(routes)
    for route in served - set(routes):  # a page under another (a pick list under work orders)
        assert entry_for(route).route != "/", route
    assert all(entry.permission in PERMISSIONS for entry in ENTRIES)


def test_every_page_title_is_read_from_the_translation_table() -> None:
    """A title is the page's name and the product's, looked up in the locale's table (React
    updates the tab when the locale changes): no page keeps a fixed title."""
    from app.app import app

    assert len(app._unevaluated_pages) >= 34
    for route, page in app._unevaluated_pages.items():
        keys = re.findall(r'\["([a-z_.]+)"\]', str(page.title))
        assert len(keys) == 2 and keys[1] == "app.name", route
        assert keys[0] in MESSAGES, route


def test_every_name_in_the_sidebar_is_translated() -> None:
    for locale in ("zh-CN", "en"):
        table = strings(locale)
        keys = [e.key for e in ENTRIES] + [section for section, _ in NAV_SECTIONS]
        assert all(table.get(key) for key in keys), locale


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("platform_operator", "/"),
        ("provider_admin", "/"),
        ("provider_staff", "/workorders"),
        ("tenant_admin", "/"),
        ("department_manager", "/withdrawals"),
        ("employee", PHONE_HOME),
    ],
)
def test_each_role_lands_on_a_page_it_may_read(role: str, landing: str) -> None:
    permissions = ROLE_PERMISSIONS[role]
    assert landing_for(permissions) == landing
    assert landing == PHONE_HOME or may_open(landing, permissions)


def test_provider_staff_are_offered_only_their_pages() -> None:
    offered = {e.route for e in visible_entries(ROLE_PERMISSIONS["provider_staff"])}
    assert offered == {
        "/workorders",
        "/cabinets",
        "/cabinets/lan",
        "/items",
        "/stock",
        "/stocktakes",
        "/alerts",
    }
    assert not may_open("/reports", ROLE_PERMISSIONS["provider_staff"])
    assert not may_open("/", ROLE_PERMISSIONS["provider_staff"])


def test_a_path_belongs_to_the_longest_route_it_lies_under() -> None:
    assert entry_for("/cabinets/lan").route == "/cabinets/lan"
    assert entry_for("/cabinets/lan/").route == "/cabinets/lan"
    assert entry_for("/cabinets").route == "/cabinets"
    assert entry_for("/cabinetsX").route == "/"  # a prefix of the text is not a parent page
    assert entry_for("/").route == "/"
