"""The employee's self-registration page's state on the phone (`/m/register`)."""

from __future__ import annotations

from typing import TypedDict
from urllib.parse import urlencode

import reflex as rx

from app.auth.services.next_path import PHONE_SIGN_IN, safe_next
from app.core.db import run_in_session
from app.core.errors import DomainError
from app.core.i18n import t
from app.org.services.validation import normalise_phone
from app.registration.services import registration as service
from app.ui.guard import public
from app.ui.session import request_locale


class CompanyOption(TypedDict):
    id: str
    name: str


def _tenant_choice(value: object) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else None


class RegisterState(rx.State):
    """Public: a visitor registers with a whitelisted phone (no session yet)."""

    phone: str = ""
    code_sent: bool = False
    message: str = ""
    done: bool = False
    # Filled only once the phone's code was proven and several companies list it.
    companies: list[CompanyOption] = []

    @rx.event
    @public("one reply for listed and unlisted phones; rate-limited")
    async def request_code(self, form: dict) -> None:
        """Public: ask for a code. The reply is the same whether or not the phone is listed."""
        form = form if isinstance(form, dict) else {}
        locale = await request_locale(self)
        try:
            phone = normalise_phone(str(form.get("phone", ""))[:32])
            await run_in_session(
                service.request_code,
                phone=phone,
                ip=self.router.session.client_ip or "0.0.0.0",
            )
        except DomainError as refused:
            self.message = t(refused.key, locale, **refused.params)
            return
        self.phone = phone
        self.code_sent = True
        self.companies = []
        self.message = t("register.code_sent", locale)

    @rx.event
    @public("sign-up: needs a whitelisted phone and its verification code")
    async def register(self, form: dict):
        """Public: create the account; the person then signs in with phone and password.

        When several companies list the phone, the service answers (after checking the code)
        with their names; the form then shows them and the person submits again with one.
        """
        form = form if isinstance(form, dict) else {}
        locale = await request_locale(self)
        try:
            await run_in_session(
                service.register,
                phone=self.phone,
                code=str(form.get("code", ""))[:8],
                password=str(form.get("password", ""))[:128],
                display_name=str(form.get("name", ""))[:120] or None,
                tenant_id=_tenant_choice(form.get("company")),
                ip=self.router.session.client_ip or None,
            )
        except service.CompanyChoiceNeeded as choose:
            self.companies = [
                CompanyOption(id=str(c.tenant_id), name=c.name) for c in choose.choices
            ]
            self.message = t(choose.key, locale)
            return
        except DomainError as refused:
            self.message = t(refused.key, locale, **refused.params)
            return
        self.done = True
        self.companies = []
        self.message = t("register.done", locale)
        # on to the phone's sign-in, then back to the cabinet scanned before registering
        back = safe_next(self.router.url.query_parameters.get("next", ""))
        query = urlencode({"registered": self.phone, **({"next": back} if back else {})})
        return rx.redirect(f"{PHONE_SIGN_IN}?{query}")
