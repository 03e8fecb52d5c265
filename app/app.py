"""The Reflex application: console pages, the sign-in page and the REST routes on one port."""

from __future__ import annotations

import reflex as rx
from reflex.app import default_backend_exception_handler

from app.alerts.pages.alerts import alerts_page
from app.alerts.pages.routing import routing_page
from app.alerts.state.alerts import AlertsState
from app.alerts.state.bell import AlertCentreState, push_alerts
from app.alerts.state.routing import RoutingState
from app.api import build_api
from app.api.observe import RequestContext
from app.api.security import EdgeGuard
from app.apikeys.pages.api_keys import api_keys_page
from app.apikeys.state.api_keys import ApiKeysState
from app.approvals.pages.approvals import approvals_page
from app.approvals.state.approvals import ApprovalsState
from app.audit.pages.audit import audit_page
from app.audit.state.audit import AuditState
from app.auth.pages.login import login_page
from app.auth.pages.phone_login import phone_sign_in_page
from app.auth.pages.roles import roles_page
from app.auth.state.login import LoginPageState
from app.auth.state.roles import RolesState
from app.cabinets.pages.cabinets import cabinets_page
from app.cabinets.pages.lan import lan_cabinets_page
from app.cabinets.state.cabinets import CabinetsState, push_cabinets
from app.cabinets.state.lan import LanCabinetsState
from app.core import logs
from app.core.config import get_settings
from app.dashboard.pages.home import home_page
from app.dashboard.state.home import HomeState
from app.inventory.pages.stock import stock_page
from app.inventory.pages.stocktakes import stocktakes_page
from app.inventory.state.stock import StockState
from app.inventory.state.stocktakes import StocktakesState
from app.items.pages.items import items_page
from app.items.state.items import ItemsState
from app.jobs import run_schedule
from app.org.pages.departments import departments_page
from app.org.pages.org_sync import orgsync_page
from app.org.pages.people import people_page
from app.org.state.departments import DepartmentsState
from app.org.state.org_sync import OrgSyncState
from app.org.state.people import PeopleState
from app.quotas.pages.quotas import quotas_page
from app.quotas.state.quotas import QuotasState
from app.registration.pages.register import register_page
from app.registration.pages.whitelist import whitelist_page
from app.registration.state.whitelist import WhitelistState
from app.reports.pages.reports import reports_page
from app.reports.state.reports import ReportsState
from app.reports.state.subscriptions import SubscriptionsState
from app.tenants.pages.providers import providers_page
from app.tenants.pages.settings import settings_page
from app.tenants.pages.staff import staff_page
from app.tenants.pages.tenants import tenants_page
from app.tenants.state.providers import ProvidersState
from app.tenants.state.settings import SettingsState
from app.tenants.state.staff import StaffState
from app.tenants.state.tenants import TenantsState
from app.ui.connection import connection_notice
from app.ui.gate import EventGate
from app.ui.identity import end_sessions
from app.ui.locale import page_title
from app.ui.session import SessionState, refusal_response
from app.wall.pages.wall import wall_page
from app.wall.pages.walls import walls_page
from app.wall.state.wall import WallState, push_walls
from app.wall.state.walls import WallsState
from app.webhooks.pages.webhooks import webhooks_page
from app.webhooks.state.webhooks import WebhooksState
from app.withdrawals.pages.cabinet_phone import cabinet_phone_page
from app.withdrawals.pages.me import my_phone_page
from app.withdrawals.pages.review import review_page
from app.withdrawals.pages.withdrawals import withdrawals_page
from app.withdrawals.state.cabinet_phone import CabinetPhoneState
from app.withdrawals.state.me import MyPhoneState
from app.withdrawals.state.review import ReviewState
from app.withdrawals.state.withdrawals import WithdrawalsState
from app.workorders.pages.picklist import picklist_page
from app.workorders.pages.workorders import workorders_page
from app.workorders.state.picklist import PicklistState
from app.workorders.state.workorders import WorkOrdersState
from hardware.runtime import run_device_side


def _backend_exception_handler(exception: Exception):
    """Refusals become a translated toast (or a trip to /login); anything else stays an error."""
    return refusal_response(exception) or default_backend_exception_handler(exception)


logs.install(get_settings().log_format)  # masked always; JSON lines with LOG_FORMAT=json

app = rx.App(
    head_components=[
        rx.el.meta(name="viewport", content="width=device-width, initial-scale=1"),
        rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml"),
    ],
    # our routes ahead of Reflex's, then the edge guard around both (app/api/security.py), then
    # the request id, counted and timed, around everything (app/api/observe.py)
    api_transformer=[
        build_api(),
        lambda asgi: EdgeGuard(asgi, lambda: get_settings().cors_origins),
        RequestContext,
    ],
    backend_exception_handler=_backend_exception_handler,
)
# Reflex's connection toast speaks of sockets and timeouts: ours says it in the reader's words
app.app_wraps[(5, "Overlay")] = lambda stateful: connection_notice() if stateful else None
app.add_middleware(EventGate())
# route, page, the translation key of its name (the browser tab's title), the state(s) whose
# `load` fills it, in order
CONSOLE_PAGES = (
    ("/", home_page, "home.title", HomeState),
    ("/departments", departments_page, "nav.org", DepartmentsState),
    ("/people", people_page, "nav.users", PeopleState),
    ("/whitelist", whitelist_page, "nav.whitelist", WhitelistState),
    ("/org-sync", orgsync_page, "nav.org_sync", OrgSyncState),
    ("/roles", roles_page, "nav.roles", RolesState),
    ("/audit", audit_page, "nav.audit", AuditState),
    ("/cabinets", cabinets_page, "nav.cabinets", CabinetsState),
    ("/cabinets/lan", lan_cabinets_page, "nav.lan_cabinets", LanCabinetsState),
    ("/items", items_page, "nav.items", ItemsState),
    ("/stock", stock_page, "nav.stock", StockState),
    ("/stocktakes", stocktakes_page, "nav.stocktakes", StocktakesState),
    ("/withdrawals", withdrawals_page, "nav.withdrawals", WithdrawalsState),
    ("/review", review_page, "nav.review", ReviewState),
    ("/quotas", quotas_page, "nav.quotas", QuotasState),
    ("/approvals", approvals_page, "nav.approvals", ApprovalsState),
    ("/workorders", workorders_page, "nav.workorders", WorkOrdersState),
    ("/workorders/picklist", picklist_page, "workorders.pick_list", PicklistState),
    ("/alerts", alerts_page, "nav.alerts", AlertsState),
    ("/alerts/routing", routing_page, "nav.alert_routing", RoutingState),
    ("/webhooks", webhooks_page, "nav.webhooks", WebhooksState),
    ("/walls", walls_page, "nav.walls", WallsState),
    ("/reports", reports_page, "nav.reports", (ReportsState, SubscriptionsState)),
    ("/settings", settings_page, "nav.settings", SettingsState),
    ("/api-keys", api_keys_page, "nav.api_keys", ApiKeysState),
    ("/platform/tenants", tenants_page, "nav.platform_tenants", TenantsState),
    ("/platform/providers", providers_page, "nav.platform_providers", ProvidersState),
    ("/provider/staff", staff_page, "nav.provider_staff", StaffState),
)
for route, page, name, states in CONSOLE_PAGES:
    # the session first: a visitor is sent to /login before any page data is asked for
    app.add_page(
        page,
        route=route,
        title=page_title(name),
        on_load=[
            SessionState.load_session,
            AlertCentreState.follow,
            *(s.load for s in (states if isinstance(states, tuple) else (states,))),
        ],
    )
app.add_page(
    login_page,
    route="/login",
    title=page_title("login.submit"),
    on_load=LoginPageState.read_error,
)
app.add_page(
    phone_sign_in_page,
    route="/m/login",
    title=page_title("phone.sign_in"),
    on_load=[LoginPageState.read_error, LoginPageState.find_im_sign_ins],
)
app.add_page(register_page, route="/m/register", title=page_title("register.title"))
app.add_page(
    cabinet_phone_page,
    route="/m/cabinet/[cab]",
    title=page_title("door.page_title"),
    on_load=CabinetPhoneState.load,
)
app.add_page(my_phone_page, route="/m", title=page_title("me.title"), on_load=MyPhoneState.load)
app.add_page(
    wall_page, route="/wall/[token]", title=page_title("nav.walls"), on_load=WallState.load
)

# Every web worker fans events out to the consoles and walls connected to it (app/core/fanout.py).
app.register_lifespan_task(push_alerts)
app.register_lifespan_task(push_walls)
app.register_lifespan_task(push_cabinets)
app.register_lifespan_task(end_sessions)  # a signed-out session's tabs are reset and closed
if not get_settings().redis_url:
    # One web worker: the device side (embedded broker when MQTT_URL is unset, and the gateway)
    # runs inside it. With REDIS_URL (several workers) run `make gateway` processes instead.
    app.register_lifespan_task(run_device_side)
    app.register_lifespan_task(run_schedule)  # presence, door sessions, reports (no arq worker)
