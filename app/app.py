"""The Reflex application: console pages, the sign-in page and the REST routes on one port."""

from __future__ import annotations

import reflex as rx
from reflex.app import default_backend_exception_handler

from app.api import build_api
from app.audit.pages import audit_page
from app.audit.state import AuditState
from app.auth.pages import LoginPageState, login_page
from app.auth.roles_pages import roles_page
from app.auth.roles_state import RolesState
from app.core import log_masking
from app.dashboard.pages import home_page
from app.dashboard.state import HomeState
from app.org.dept_pages import departments_page
from app.org.dept_state import DepartmentsState
from app.org.pages import people_page
from app.org.state import PeopleState
from app.registration.pages import register_page, whitelist_page
from app.registration.state import WhitelistState
from app.ui.gate import EventGate
from app.ui.session import SessionState, refusal_response


def _backend_exception_handler(exception: Exception):
    """Refusals become a translated toast (or a trip to /login); anything else stays an error."""
    return refusal_response(exception) or default_backend_exception_handler(exception)


log_masking.install()

app = rx.App(
    head_components=[rx.el.meta(name="viewport", content="width=device-width, initial-scale=1")],
    api_transformer=build_api(),
    backend_exception_handler=_backend_exception_handler,
)
app.add_middleware(EventGate())
app.add_page(
    login_page, route="/login", title="登录 · 智能领用柜云平台", on_load=LoginPageState.read_error
)
app.add_page(
    home_page,
    route="/",
    title="智能领用柜云平台",
    on_load=[SessionState.load_session, HomeState.load],
)
app.add_page(
    people_page,
    route="/people",
    title="人员 · 智能领用柜云平台",
    on_load=[SessionState.load_session, PeopleState.load],
)
app.add_page(
    audit_page,
    route="/audit",
    title="审计日志 · 智能领用柜云平台",
    on_load=[SessionState.load_session, AuditState.load],
)
app.add_page(
    departments_page,
    route="/departments",
    title="组织架构 · 智能领用柜云平台",
    on_load=[SessionState.load_session, DepartmentsState.load],
)
app.add_page(
    roles_page,
    route="/roles",
    title="角色权限 · 智能领用柜云平台",
    on_load=[SessionState.load_session, RolesState.load],
)
app.add_page(
    whitelist_page,
    route="/whitelist",
    title="手机白名单 · 智能领用柜云平台",
    on_load=[SessionState.load_session, WhitelistState.load],
)
app.add_page(register_page, route="/m/register", title="员工注册 · 智能领用柜云平台")
