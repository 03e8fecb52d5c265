"""The cabinets page's provisioning part (`cabinet:provision`), mixed into CabinetsState:
register a cabinet, its provisioning bundle shown once (JSON download and QR code, gone from the
state after CREDENTIALS_SHOWN_S or when the admin hides it), rotate, maintenance on/off,
decommission, plan an item in an empty slot (`cabinet:write`), and the door's QR label."""

from __future__ import annotations

import asyncio
import json
from typing import TypedDict

import reflex as rx

from app.cabinets.queries.options import site_options
from app.cabinets.services import provisioning
from app.cabinets.services.console import plan_item
from app.cabinets.services.profiles import PROFILES
from app.core.db import run_in_session
from app.core.errors import DomainError
from app.core.i18n import t
from app.ui.guard import caller, guarded, public
from app.ui.payload import as_id
from app.ui.qr import qr_data_uri
from app.ui.session import actor_of, working_tenant

PROVISION = provisioning.PERMISSION
CREDENTIALS_SHOWN_S = 300.0


class Choice(TypedDict):
    id: str  # as a select holds it
    name: str


class ModelChoice(TypedDict):
    id: str
    name: str
    text: str  # what the model has, in the reader's language


class EmptySlot(TypedDict):
    id: str
    slot: str


class CabinetLifecycle(rx.State, mixin=True):
    credentials: dict = {}  # the bundle, shown once, right after it is made
    registering: bool = False
    register_message: str = ""
    models: list[ModelChoice] = []
    sites: list[Choice] = []
    can_provision: bool = False
    chosen_lifecycle: str = ""  # active / maintenance / retired
    empty_slots: list[EmptySlot] = []
    label: dict = {}  # the door's QR label: {"url", "qr"}

    @rx.event
    @guarded(PROVISION)
    async def open_register(self) -> None:
        principal = caller().principal
        tenant_id = await working_tenant(self, principal)
        sites = await run_in_session(site_options, scope=principal.scope, tenant_id=tenant_id)
        locale = caller().locale
        self.sites = [Choice(id=str(i), name=name) for i, name in sites]
        self.models = model_choices(locale)
        self.registering, self.register_message = True, ""

    @rx.event
    @guarded(PROVISION)
    async def close_register(self) -> None:
        self.registering, self.register_message = False, ""

    @rx.event
    @guarded(PROVISION)
    async def register(self, form: dict):
        principal = caller().principal
        locale = caller().locale
        try:
            site = str(form.get("site") or "")
            made = await run_in_session(
                provisioning.register_cabinet,
                scope=principal.scope,
                tenant_id=await working_tenant(self, principal),
                code=str(form.get("code", ""))[:40],
                name=str(form.get("name", ""))[:100],
                model=str(form.get("model", ""))[:48],
                site_id=as_id(site) if site not in ("", "none") else None,
                actor=actor_of(self, principal),
            )
        except DomainError as refused:
            self.register_message = t(refused.key, locale, **refused.params)
            return None
        self.registering, self.register_message = False, ""
        await self._load()
        self.chosen, self.message = made.cabinet_id, ""
        await self._read_chosen()
        return self._show(made)

    def _show(self, made: provisioning.Provisioned):
        bundle = made.bundle
        self.credentials = {
            "code": made.cabinet_code,
            "username": bundle["mqtt_username"],
            "password": bundle["mqtt_password"],
            "secret": bundle["secret_hex"],
            "version": bundle["secret_version"],
            "json": made.bundle_json,
            "filename": made.filename,
            "qr": qr_data_uri(json.dumps(bundle, separators=(",", ":")), scale=3),
        }
        return type(self).expire_credentials(bundle["secret_version"])

    @rx.event
    @guarded(PROVISION)
    async def new_credentials(self):
        """Rotate: a new secret and bundle; the old ones stop working at once."""
        made = await self._act(PROVISION, provisioning.rotate_credentials, cabinet_id=self.chosen)
        return self._show(made) if made is not None else None

    @rx.event
    @guarded(PROVISION)
    async def download_bundle(self):
        if not self.credentials.get("json"):
            return None
        return rx.download(data=self.credentials["json"], filename=self.credentials["filename"])

    @rx.event
    @public("empties the caller's own tab of credentials shown once")
    async def forget_credentials(self) -> None:
        """Public: the admin has them; they are not kept (nothing secret is)."""
        self.credentials = {}

    @rx.event(background=True)
    @guarded(PROVISION)
    async def expire_credentials(self, version: int):
        """Shown once means not kept: whatever the admin does, they leave the state after
        CREDENTIALS_SHOWN_S."""
        await asyncio.sleep(CREDENTIALS_SHOWN_S)
        async with self:
            if self.credentials.get("version") == version:
                self.credentials = {}

    @rx.event
    @guarded(PROVISION)
    async def maintenance(self, on: bool) -> None:
        await self._act(
            PROVISION, provisioning.set_maintenance, cabinet_id=self.chosen, on=bool(on)
        )
        await self._load()

    @rx.event
    @guarded(PROVISION)
    async def decommission(self) -> None:
        await self._act(PROVISION, provisioning.decommission, cabinet_id=self.chosen)
        self.credentials = {}
        await self._load()

    @rx.event
    @guarded("cabinet:write")
    async def plan_slot(self, form: dict) -> None:
        await self._act_on(
            "cabinet:write",
            plan_item,
            lambda: {
                "slot_id": as_id(form.get("slot", "")),
                "item_id": as_id(form.get("item", "")),
            },
        )

    def _chosen_lifecycle(self, status: str, code: str, empty: list[tuple[int, str]]) -> None:
        """What `_read_chosen` learned of the chosen cabinet, for this part of the page."""
        self.chosen_lifecycle = status
        self.empty_slots = [EmptySlot(id=str(i), slot=c) for i, c in empty]
        url = f"{self.router.url.origin}/m/cabinet/{code}"
        self.label = {"url": url, "qr": qr_data_uri(url, scale=6), "code": code}


def model_choices(locale: str) -> list[ModelChoice]:
    """The cabinet models one may register, each with what it has in the reader's words."""
    return [
        ModelChoice(
            id=p.model,
            name=p.model,
            text=t(
                "cabinets.profile",
                locale,
                banks=len(p.scale_units),
                channels=p.channels,
                zones=len(p.rfid_zones),
                camera=t("cabinets.yes" if p.camera else "cabinets.no", locale),
            ),
        )
        for p in PROFILES.values()
    ]
