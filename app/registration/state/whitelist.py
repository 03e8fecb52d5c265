"""The whitelist console page and the employee's self-registration page on the phone."""

from __future__ import annotations

import asyncio
from typing import TypedDict

import reflex as rx

from app.core.db import run_in_session
from app.core.errors import DomainError
from app.core.i18n import t
from app.core.tables import Column, read_table
from app.registration.services import whitelist
from app.ui.guard import caller, guarded
from app.ui.paging import KeysetPaging
from app.ui.payload import as_id, first_upload
from app.ui.qr import qr_data_uri
from app.ui.session import actor_of, require, working_tenant

REGISTER_PATH = "/m/register"  # the phone's registration page (app/app.py)
WHITELIST_COLUMNS = (Column("phone", required=True), Column("name"), Column("department"))


class ListedPhone(TypedDict):
    id: int
    phone: str
    name: str
    registered: bool


class RegistrationLink(TypedDict):
    url: str
    qr: str  # an SVG data URI
    tenant: str


class WhitelistState(KeysetPaging, rx.State):
    rows: list[ListedPhone] = []
    search: str = ""
    loaded: bool = False
    message: str = ""
    errors: list[str] = []
    can_write: bool = False  # add, import and remove are offered only to who may
    adding: bool = False  # the add dialog is open
    add_error: str = ""
    showing_link: bool = False
    link: RegistrationLink = RegistrationLink(url="", qr="", tenant="")

    def _read_permission(self) -> str:
        return "user:read"

    async def _load(self) -> None:
        principal = await require(self, "user:read")
        self.can_write = principal.can("whitelist:write")
        page = await run_in_session(
            whitelist.list_whitelist,
            scope=principal.scope,
            search=self.search,
            after_id=self._after_id(),
            limit=self.page_size,
        )
        self.rows = listed_phones(page.entries)
        self.next_after = page.next_after_id or 0
        self.total = page.total
        self.loaded = True

    @rx.event
    @guarded("user:read")
    async def load(self) -> None:
        self.cursors = []
        await self._load()

    @rx.event
    @guarded("user:read")
    async def apply_search(self, form: dict) -> None:
        self.search = str(form.get("search", ""))[:32]
        self.cursors = []
        await self._load()

    @rx.event
    @guarded("whitelist:write")
    async def open_add(self) -> None:
        self.adding, self.add_error = True, ""

    @rx.event
    @guarded("user:read")
    async def close_add(self) -> None:
        self.adding, self.add_error = False, ""

    @rx.event
    @guarded("whitelist:write")
    async def add(self, form: dict) -> None:
        """List one phone (with the person's name) for the working tenant."""
        principal = caller().principal
        self.errors = []
        locale = caller().locale
        try:
            await run_in_session(
                whitelist.add_whitelist,
                scope=principal.scope,
                tenant_id=await working_tenant(self, principal),
                phone=str(form.get("phone", ""))[:32],
                name=str(form.get("name", ""))[:120] or None,
                actor=actor_of(self, principal),
            )
        except DomainError as refused:
            field = refused.params.get("field")
            text = t(refused.key, locale, **refused.params)
            self.add_error = f"{t(f'field.{field}', locale)}: {text}" if field else text
            return
        self.adding, self.add_error = False, ""
        self.message = t("whitelist.added", locale, phone=str(form.get("phone", ""))[:32])
        await self._load()

    @rx.event
    @guarded("user:read")
    async def open_link(self) -> None:
        """The employees' self-registration address of this site, as a link and a QR code.

        Registration finds the company from the phone's whitelist entry, so the address is the
        same for every tenant; the card names the working tenant for whoever it is handed to.
        """
        principal = caller().principal
        tenant_id = principal.active_tenant_id
        name = ""
        if tenant_id is not None:
            name = await run_in_session(
                whitelist.tenant_name, scope=principal.scope, tenant_id=tenant_id
            )
        url = f"{self.router.url.origin}{REGISTER_PATH}"
        self.link = RegistrationLink(url=url, qr=qr_data_uri(url, scale=8), tenant=name)
        self.showing_link = True

    @rx.event
    @guarded("user:read")
    async def close_link(self) -> None:
        self.showing_link = False

    @rx.event
    @guarded("whitelist:write")
    async def remove(self, entry_id: int) -> None:
        principal = caller().principal
        await run_in_session(
            whitelist.remove_whitelist,
            scope=principal.scope,
            entry_id=as_id(entry_id),
            actor=actor_of(self, principal),
        )
        await self._load()

    @rx.event
    @guarded("whitelist:write")
    async def upload(self, files: list[rx.UploadFile]) -> None:
        """Import phones from CSV/XLSX: all rows or none, every problem listed."""
        principal = caller().principal
        tenant_id = await working_tenant(self, principal)
        locale = caller().locale
        self.errors = []
        self.message = ""
        upload = first_upload(files)
        if upload is None:
            return
        try:
            rows = await asyncio.to_thread(
                read_table,
                upload.name or "",
                upload.file,  # streamed from Starlette's spooled file, never read whole
                WHITELIST_COLUMNS,
                max_rows=whitelist.MAX_IMPORT_ROWS,
                max_bytes=whitelist.MAX_IMPORT_BYTES,
            )
            result = await run_in_session(
                whitelist.import_whitelist,
                scope=principal.scope,
                tenant_id=tenant_id,
                rows=[cells for _, cells in rows],
                actor=actor_of(self, principal),
            )
        except DomainError as refused:
            self.message = t(refused.key, locale, **refused.params)
            return
        self.errors = [
            f"{t('import.row', locale)} {e.row} · {t(f'field.{e.column}', locale)}: "
            f"{t(e.key, locale)}"
            for e in result.errors[:100]
        ]
        if not result.errors:
            self.message = t("whitelist.imported", locale, count=result.created)
        await self._load()


def listed_phones(entries: list[whitelist.PhoneWhitelist]) -> list[ListedPhone]:
    """The whitelist's phones: a missing name blank, whether someone registered with it."""
    return [
        ListedPhone(
            id=e.id, phone=e.phone, name=e.name or "", registered=bool(e.registered_user_id)
        )
        for e in entries
    ]
