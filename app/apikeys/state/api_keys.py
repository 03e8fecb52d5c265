"""The API keys page (`/api-keys`, `apikey:manage`): the tenant's keys, one created (its
plaintext shown once, then forgotten), one revoked. A provider's admin also sees and makes the
provider's own keys, which reach every company it serves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TypedDict

import reflex as rx

from app.apikeys import queries
from app.apikeys import service as svc
from app.core.db import run_in_session
from app.core.errors import DomainError, ValidationError
from app.core.i18n import t
from app.tenants.queries import scope_timezone
from app.ui.format import local_time
from app.ui.guard import caller, guarded
from app.ui.payload import as_id, is_digits
from app.ui.session import actor_of, request_locale, require, working_tenant

MANAGE = "apikey:manage"
MAX_DAYS = 3650


def expiry_of(raw: object, now: datetime) -> datetime | None:
    """`raw` days from now (empty: no expiry); anything else is refused naming the field."""
    text = str(raw or "").strip()
    if not text:
        return None
    if not is_digits(text) or not 0 < int(text) <= MAX_DAYS:
        raise ValidationError(field="expires_at")
    return now + timedelta(days=int(text))


class ApiKeyLine(TypedDict):
    id: int
    name: str
    owner: str  # the provider's name for a provider's key
    prefix: str  # "cck_<prefix>_…": never the key
    scopes: str
    expires: str  # in the tenant's zone, or "—"
    last_used: str  # in the tenant's zone, or "never" in the reader's language
    state: str  # active / expired / revoked
    state_text: str


class ApiKeysState(rx.State):
    rows: list[ApiKeyLine] = []
    scopes: list[str] = list(svc.SCOPES)
    creating: bool = False
    form_error: str = ""
    created_key: str = ""  # the plaintext of the key just created: shown once, then cleared
    loaded: bool = False
    for_provider: bool = False  # the caller is a provider's admin: keys may be the provider's

    async def _load(self) -> None:
        principal = await require(self, MANAGE)

        def read(session):
            provider_id = queries.administered_provider(session, principal.account_id)
            return (
                provider_id,
                queries.list_keys(session=session, scope=principal.scope, provider_id=provider_id),
                scope_timezone(session=session, scope=principal.scope),
            )

        provider_id, keys, timezone = await run_in_session(read)
        self.for_provider = provider_id is not None
        locale, now = await request_locale(self), datetime.now(UTC)
        self.rows = key_lines(keys, locale, timezone, now)
        self.loaded = True

    @rx.event
    @guarded(MANAGE)
    async def load(self) -> None:
        self.created_key, self.creating = "", False
        await self._load()

    @rx.event
    @guarded(MANAGE)
    async def open_new(self) -> None:
        self.form_error, self.created_key, self.creating = "", "", True

    @rx.event
    @guarded(MANAGE)
    async def close(self) -> None:
        self.creating, self.form_error = False, ""

    @rx.event
    @guarded(MANAGE)
    async def forget_key(self) -> None:
        self.created_key = ""

    @rx.event
    @guarded(MANAGE)
    async def create(self, form: dict) -> None:
        principal = caller().principal
        try:
            provider_id = (
                await self._provider_of(principal) if form.get("owner") == "provider" else None
            )
            tenant_id = None if provider_id else await working_tenant(self, principal)
            now = datetime.now(UTC)
            _, plaintext = await run_in_session(
                svc.create_key,
                scope=principal.scope,
                tenant_id=tenant_id,
                provider_id=provider_id,
                name=str(form.get("name", ""))[:80],
                scopes=[s for s in svc.SCOPES if form.get(f"scope:{s}")],
                expires_at=expiry_of(form.get("expires_days"), now),
                actor=actor_of(self, principal),
                now=now,
            )
        except DomainError as refused:
            self.form_error = t(refused.key, caller().locale, **refused.params)
            return
        self.creating, self.form_error, self.created_key = False, "", plaintext
        await self._load()

    @staticmethod
    async def _administered(principal) -> int | None:
        return await run_in_session(
            lambda session: queries.administered_provider(session, principal.account_id)
        )

    async def _provider_of(self, principal) -> int:
        """The provider whose admin the caller is; anyone else is refused naming the field."""
        provider_id = await self._administered(principal)
        if provider_id is None:
            raise ValidationError(field="owner")
        return provider_id

    @rx.event
    @guarded(MANAGE)
    async def revoke(self, key_id: int) -> None:
        principal = caller().principal
        try:
            provider_id = await self._administered(principal)
            await run_in_session(
                svc.revoke_key,
                scope=principal.scope,
                key_id=as_id(key_id),
                actor=actor_of(self, principal),
                provider_id=provider_id,
            )
        except DomainError as refused:
            yield rx.toast.error(t(refused.key, caller().locale, **refused.params))
            return
        await self._load()
        yield rx.toast.success(t("apikeys.revoked", caller().locale))


def key_lines(
    keys: list[queries.KeyRow], locale: str, timezone: str, now: datetime
) -> list[ApiKeyLine]:
    """The keys as the table shows them: moments in the tenant's zone, the state as of `now`."""
    never = t("apikeys.never", locale)
    return [
        ApiKeyLine(
            id=k.id,
            name=k.name,
            owner=k.owner,
            prefix=f"cck_{k.prefix}_…",
            scopes=", ".join(k.scopes),
            expires=local_time(k.expires_at, timezone) if k.expires_at else "—",
            last_used=local_time(k.last_used_at, timezone) if k.last_used_at else never,
            state=k.state(now),
            state_text=t(f"apikeys.state.{k.state(now)}", locale),
        )
        for k in keys
    ]
