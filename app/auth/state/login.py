"""The sign-in pages' state (`/login`, `/m/login`): the error a redirect brought, the IM sign-ins a
company offers."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import reflex as rx

from app.auth.services.next_path import safe_next
from app.core.db import run_in_session
from app.sso.services.im_service import im_kinds
from app.ui.declarations import public

# the refusals this page explains (anything else in the query is ignored)
SHOWN_ERRORS = frozenset(
    {
        "auth.bad_credentials",
        "auth.locked",
        "auth.expired",
        "auth.sso_only",
        "sso.refused",
        "sso.idp_refused",
        "sso.unreachable",
        "sso.not_configured",
        "sso.unknown_person",
        "sso.no_account",
        "sso.no_claim",
    }
)


class LoginPageState(rx.State):
    error_key: str = ""
    error_minutes: str = ""
    registered_phone: str = ""  # just registered on the phone page: greet and fill the login
    next_path: str = ""  # where the sign-in returns to (a path of this site only)
    company: str = ""  # the company code a single sign-on came back refused for
    sso_company: str = ""  # the company code typed for single sign-on
    im_kinds: list[str] = []  # the workplace IMs that company's employees sign in with
    im_checked: str = ""  # the company code im_kinds was looked up for

    @rx.event
    @public("the sign-in page's error message")
    def read_error(self) -> None:
        """Public: show the reason the last attempt was refused (from the redirect's query)."""
        params = self.router.url.query_parameters
        key = params.get("error", "")
        self.error_key = key if key in SHOWN_ERRORS else ""
        company = params.get("company", "")
        self.company = company if company.isascii() and len(company) <= 32 else ""
        self.sso_company = self.company
        minutes = params.get("minutes", "")
        self.error_minutes = minutes if minutes.isdigit() else ""
        registered = params.get("registered", "")
        self.registered_phone = registered if registered.isdigit() and len(registered) == 11 else ""
        self.next_path = safe_next(params.get("next", "")) or ""

    @rx.event
    @public("the company code typed on the sign-in page (builds a link)")
    def set_sso_company(self, value: str) -> None:
        """Public: the company code typed for single sign-on (it only builds a link)."""
        self.sso_company = _company_code(value)

    @rx.event
    @public("the company code typed on the phone: which IMs it offers")
    async def set_im_company(self, value: str) -> None:
        """Public: the company code typed on the phone, and the IM sign-ins it offers."""
        self.sso_company = _company_code(value)
        await self._find_im_sign_ins()

    @rx.event
    @public("which IMs the company code in the page's link offers")
    async def find_im_sign_ins(self) -> None:
        """Public: the IM sign-ins of the company code the page was opened with (a refusal
        comes back with it)."""
        await self._find_im_sign_ins()

    async def _find_im_sign_ins(self) -> None:
        company = self.sso_company
        self.im_kinds = await run_in_session(im_kinds, tenant_code=company) if company else []
        self.im_checked = company

    @rx.var
    def im_sign_ins(self) -> list[dict[str, str]]:
        """A button per IM the typed company offers: its kind and where it starts."""
        if self.im_checked != self.sso_company:
            return []
        query = f"?{urlencode({'next': self.next_path})}" if self.next_path else ""
        company = quote(self.sso_company, safe="")
        return [
            {"kind": kind, "href": f"/auth/{kind}/{company}/start{query}"} for kind in self.im_kinds
        ]

    @rx.var
    def im_none(self) -> bool:
        """The typed company offers no IM sign-in (or is not a company code)."""
        return bool(self.sso_company) and self.im_checked == self.sso_company and not self.im_kinds

    @rx.var
    def sso_href(self) -> str:
        """Where "Sign in with your company account" goes: the company's start, or back to
        this page asking for a code when none is typed."""
        if not self.sso_company:
            return "?error=sso.not_configured"  # this very page, asking for a code
        query = f"?{urlencode({'next': self.next_path})}" if self.next_path else ""
        return f"/auth/sso/{quote(self.sso_company, safe='')}/start{query}"

    @rx.var
    def register_href(self) -> str:
        """Registering from the phone's sign-in keeps where it returns to."""
        return (
            f"/m/register?{urlencode({'next': self.next_path})}"
            if self.next_path
            else ("/m/register")
        )


def _company_code(value: object) -> str:
    return str(value or "").strip()[:32]
