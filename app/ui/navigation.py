"""Where a signed-in person may go: the console's pages, each with the permission its view needs,
grouped as the sidebar shows them; the page each role lands on; the page a path belongs to.

Plain data and pure functions (no Reflex): the sidebar, the home page's redirect and the tests
read the same table, so a page the sidebar offers is a page whose data the person may read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

PHONE_HOME = "/m"


@dataclass(frozen=True)
class NavEntry:
    key: str  # the translation key of the page's name
    icon: str
    route: str
    permission: str  # what reading the page's data needs


NAV_SECTIONS: tuple[tuple[str, tuple[NavEntry, ...]], ...] = (
    ("nav.section.overview", (NavEntry("nav.home", "layout-dashboard", "/", "dashboard:read"),)),
    (
        "nav.section.operations",
        (
            NavEntry("nav.workorders", "wrench", "/workorders", "workorder:read"),
            NavEntry("nav.cabinets", "archive", "/cabinets", "cabinet:read"),
            NavEntry("nav.lan_cabinets", "cable", "/cabinets/lan", "cabinet:read"),
            NavEntry("nav.items", "package", "/items", "item:read"),
            NavEntry("nav.stock", "boxes", "/stock", "stock:read"),
            NavEntry("nav.stocktakes", "clipboard-check", "/stocktakes", "stock:read"),
            NavEntry("nav.withdrawals", "receipt", "/withdrawals", "withdrawal:read"),
            NavEntry("nav.review", "triangle-alert", "/review", "withdrawal:read"),
            NavEntry("nav.alerts", "bell", "/alerts", "alert:read"),
            NavEntry("nav.alert_routing", "send", "/alerts/routing", "alert:route"),
            NavEntry("nav.webhooks", "webhook", "/webhooks", "webhook:manage"),
        ),
    ),
    (
        "nav.section.organisation",
        (
            NavEntry("nav.org", "network", "/departments", "dept:read"),
            NavEntry("nav.users", "users", "/people", "user:read"),
            NavEntry("nav.whitelist", "smartphone", "/whitelist", "user:read"),
            NavEntry("nav.org_sync", "refresh-cw", "/org-sync", "org:sync"),
            NavEntry("nav.roles", "shield-check", "/roles", "role:read"),
            NavEntry("nav.quotas", "gauge", "/quotas", "quota:read"),
            NavEntry("nav.approvals", "stamp", "/approvals", "approval:read"),
            NavEntry("nav.settings", "sliders-horizontal", "/settings", "policy:read"),
            NavEntry("nav.api_keys", "key-round", "/api-keys", "apikey:manage"),
        ),
    ),
    (
        "nav.section.insight",
        (
            NavEntry("nav.reports", "chart-bar", "/reports", "report:read"),
            NavEntry("nav.walls", "monitor", "/walls", "wall:manage"),
            NavEntry("nav.audit", "scroll-text", "/audit", "audit:read"),
        ),
    ),
    (
        "nav.section.platform",
        (
            NavEntry("nav.platform_tenants", "building-2", "/platform/tenants", "tenant:onboard"),
            NavEntry(
                "nav.platform_providers", "handshake", "/platform/providers", "provider:write"
            ),
            NavEntry("nav.provider_staff", "id-card", "/provider/staff", "provider:staff"),
        ),
    ),
)
ENTRIES: tuple[NavEntry, ...] = tuple(e for _, entries in NAV_SECTIONS for e in entries)
SECTION_OF: dict[str, str] = {e.route: section for section, es in NAV_SECTIONS for e in es}
# The order a role's first page is chosen in: what most people of that role come to do.
LANDING_ORDER = ("/", "/workorders", "/withdrawals", "/approvals", "/cabinets", "/reports")


def entry_for(path: str) -> NavEntry | None:
    """The console page a path belongs to (the longest route that is a prefix of it)."""
    path = "/" + path.strip("/")
    best: NavEntry | None = None
    for entry in ENTRIES:
        inside = path == entry.route or path.startswith(entry.route.rstrip("/") + "/")
        if inside and (best is None or len(entry.route) > len(best.route)):
            best = entry
    return best


def visible_entries(permissions: Iterable[str]) -> list[NavEntry]:
    held = set(permissions)
    return [entry for entry in ENTRIES if entry.permission in held]


def landing_for(permissions: Iterable[str]) -> str:
    """The page a person lands on after signing in: the first of LANDING_ORDER they may read,
    else any console page they may read, else their phone page."""
    offered = {entry.route for entry in visible_entries(permissions)}
    for route in (*LANDING_ORDER, *sorted(offered)):
        if route in offered:
            return route
    return PHONE_HOME


def may_open(path: str, permissions: Iterable[str]) -> bool:
    entry = entry_for(path)
    return entry is None or entry.permission in set(permissions)
