"""Server-side authorization for Reflex events.

Every handler declares what it needs with `@guarded(perm)` (app/ui/guard.py), which calls
`check` before the handler's body; helpers and the few handlers that check inside their body
(this module's own: @guarded is built on it) call `require`. The caller is resolved from the
HttpOnly session cookie the websocket was opened with, the session is checked in the database
(revocation takes effect within CACHE_S seconds), and the permission is checked. A refusal
raises AccessRefused, which the app's exception handler turns into a toast (or a redirect to
/login) — the handler's body never runs.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import TypedDict

import reflex as rx

from app.api.cookies import ACCESS_COOKIE, cookie_value
from app.audit.services.records import Actor
from app.auth.services import tokens
from app.auth.services.next_path import sign_in_returning
from app.auth.services.principal import Principal, resolve_principal, switch_tenant
from app.core.db import run_in_session
from app.core.errors import DomainError
from app.core.i18n import normalise_locale
from app.tenants.queries import list_tenant_options
from app.ui.declarations import checked_inside, public
from app.ui.navigation import SECTION_OF, entry_for, landing_for

CACHE_S = 5.0
REFUSED_TOAST_ID = "access-refused"
REFUSALS: Counter[str] = Counter()  # handler qualname -> refusals (observability and tests)
_cache: dict[str, tuple[float, Principal | None]] = {}


class AccessRefused(DomainError):
    """The caller is not signed in, or may not do this."""

    key = "error.permission_denied"

    def __init__(
        self,
        key: str | None = None,
        *,
        signed_in: bool = True,
        locale: str = "zh-CN",
        back_to: str = "",
        **params: object,
    ):
        super().__init__(key, **params)
        self.signed_in = signed_in
        self.locale = locale
        self.back_to = back_to  # not signed in: the page to return to after signing in


def _cookie_header(state: rx.State) -> str:
    return state.router.headers.cookie or ""


async def request_locale(state: rx.State) -> str:
    """The UI language the person has chosen (the state's, which follows the header switch)."""
    from app.ui.locale import LocaleState

    try:
        return normalise_locale((await state.get_state(LocaleState)).locale)
    except Exception:  # a state tree without the locale state: fall back to the cookie
        return normalise_locale(cookie_value(_cookie_header(state), "locale"))


async def current_principal(state: rx.State) -> Principal | None:
    """Who sent this event, from the session cookie (None when not signed in)."""
    claims = tokens.verify(
        cookie_value(_cookie_header(state), ACCESS_COOKIE), "access", check_expiry=False
    )
    if claims is None:
        return None
    cached = _cache.get(claims.session_id)
    if cached is not None and time.monotonic() - cached[0] < CACHE_S:
        return cached[1]
    principal = await run_in_session(resolve_principal, session_id=claims.session_id)
    if principal is not None and principal.account_id != claims.account_id:
        principal = None
    if len(_cache) > 10_000:
        _cache.clear()
    _cache[claims.session_id] = (time.monotonic(), principal)
    return principal


def forget_session(session_id: str) -> None:
    _cache.pop(session_id, None)


async def check(state: rx.State, permission: str | None = None) -> tuple[Principal, str]:
    """The caller and their language, if signed in and holding `permission`; otherwise
    AccessRefused."""
    principal = await current_principal(state)
    locale = await request_locale(state)
    if principal is None:
        REFUSALS[type(state).__name__] += 1
        raise AccessRefused(
            "auth.sign_in_required",
            signed_in=False,
            locale=locale,
            back_to=state.router.page.raw_path,
        )
    if permission is not None and not principal.can(permission):
        REFUSALS[type(state).__name__] += 1
        raise AccessRefused(locale=locale, permission=permission)
    return principal, locale


async def require(state: rx.State, permission: str | None = None) -> Principal:
    """The caller, if signed in and holding `permission`; otherwise AccessRefused."""
    return (await check(state, permission))[0]


class TenantOptionRow(TypedDict):
    id: str
    name: str


ALL_TENANTS = "all"


class SessionState(rx.State):
    """What the header shows about the signed-in person. Holds no secrets."""

    signed_in: bool = False
    display_name: str = ""
    username: str = ""
    permissions: list[str] = []
    tenant_options: list[TenantOptionRow] = []
    active_tenant: str = ALL_TENANTS
    can_switch_tenant: bool = False
    current_route: str = ""  # the sidebar entry of the page shown
    page_key: str = ""  # its name's and its section's translation keys (the breadcrumb)
    section_key: str = ""
    page_allowed: bool = True  # False: the person may not read this page's data
    landing: str = "/"  # the page this person lands on

    @rx.event
    @public("checks the session itself; visitors go to /login")
    async def load_session(self):
        """Public: fill the header from the session, or send the visitor to /login."""
        principal = await current_principal(self)
        if principal is None:
            self.signed_in = False
            return rx.redirect(sign_in_returning(self.router.page.raw_path))
        await self._apply(principal)
        self._place(self.router.page.path)

    def _place(self, path: str) -> None:
        entry = entry_for(path)
        self.current_route = entry.route if entry else ""
        self.page_key = entry.key if entry else ""
        self.section_key = SECTION_OF.get(entry.route, "") if entry else ""
        self.page_allowed = entry is None or entry.permission in self.permissions
        self.landing = landing_for(self.permissions)

    async def _apply(self, principal: Principal) -> None:
        options = await run_in_session(list_tenant_options, scope=principal.visible)
        self.signed_in = True
        self.display_name = principal.display_name
        self.username = principal.username
        self.permissions = sorted(principal.permissions)
        self.tenant_options = [TenantOptionRow(id=str(o.id), name=o.name) for o in options]
        self.active_tenant = (
            str(principal.active_tenant_id) if principal.active_tenant_id else ALL_TENANTS
        )
        self.can_switch_tenant = principal.visible.is_platform or len(options) > 1

    @rx.event
    @checked_inside("dashboard:read", "@guarded is built on this module: it calls require")
    async def select_tenant(self, value: str):
        """Work in one tenant (or all visible ones); refused outside the caller's tenants."""
        principal = await require(self, "dashboard:read")
        if not isinstance(value, str) or (value != ALL_TENANTS and not value.isdigit()):
            raise AccessRefused(
                "error.validation", locale=await request_locale(self), field="tenant"
            )
        tenant_id = None if value == ALL_TENANTS else int(value)
        await run_in_session(switch_tenant, principal=principal, tenant_id=tenant_id)
        forget_session(principal.session_id)
        return rx.redirect("/")


def refusal_response(exception: Exception) -> rx.event.EventSpec | list | None:
    """The app's backend exception handler for refusals and other domain errors."""
    from app.core.i18n import t

    if isinstance(exception, AccessRefused) and not exception.signed_in:
        return rx.redirect(sign_in_returning(exception.back_to))
    if isinstance(exception, DomainError):
        locale = getattr(exception, "locale", "zh-CN")
        return rx.toast.error(t(exception.key, locale, **exception.params), id=REFUSED_TOAST_ID)
    return None


def actor_of(state: rx.State, principal: Principal) -> Actor:
    """The audit log's "who" for a change made from this event (with the caller's IP)."""
    return Actor(
        account_id=principal.account_id,
        name=principal.display_name,
        ip=state.router.session.client_ip or None,
    )


async def working_tenant(state: rx.State, principal: Principal) -> int:
    """The one tenant a change applies to: refused while "all tenants" is selected."""
    if principal.active_tenant_id is None:
        raise AccessRefused("org.choose_tenant", locale=await request_locale(state))
    return principal.active_tenant_id
