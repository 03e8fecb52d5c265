"""The console's cabinets page (`/cabinets`): the fleet with live status, and one cabinet's
planned slots (levels editable with `cabinet:write`), its life (registration, the bundle shown
once, maintenance, decommission: app/cabinets/state/lifecycle.py, `cabinet:provision`) and
commands — unlock for a named person, tare a scale, send the lease, reboot — with their
delivery state (`cabinet:command`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TypedDict

import reflex as rx

from app.cabinets.models import CabinetRefusal
from app.cabinets.services import console
from app.cabinets.services.commands import issue_command
from app.cabinets.services.lease import sync_lease
from app.cabinets.services.scale_stats import words
from app.cabinets.state.lifecycle import PROVISION, CabinetLifecycle, Choice
from app.core.db import run_in_session
from app.core.errors import DomainError, ValidationError
from app.core.i18n import t
from app.tenants.queries import scope_timezone
from app.ui.format import local_time
from app.ui.guard import guarded
from app.ui.paging import KeysetPaging
from app.ui.payload import as_id, is_digits
from app.ui.push import Push
from app.ui.session import actor_of, request_locale, require
from app.withdrawals.services.opening import restock_by, unlock_for
from app.withdrawals.services.scale_model import DEFAULT_MODELS

READ, WRITE, COMMAND = "cabinet:read", "cabinet:write", "cabinet:command"
RESTOCK = "stock:adjust"  # with a provider account: the staff member opens to restock


class CabinetLine(TypedDict):
    id: int
    code: str
    name: str
    model: str
    status: str  # online / open / offline / never (connected)
    lifecycle: str  # active / maintenance / retired
    heartbeat: str
    low: int


class SlotLine(TypedDict):
    id: int  # the plan entry
    slot: str
    item_id: str
    item: str
    quantity: int
    min: int
    par: int
    low: bool


class ScaleLine(TypedDict):
    slot: str
    slot_id: str
    indicator: str
    text: str  # its noise model in the reader's words


class CommandLine(TypedDict):
    kind: str
    status: str
    attempts: int
    at: str  # sent, in the tenant's zone
    error: str


class RefusalLine(TypedDict):
    code: str
    count: int
    last_at: str  # in the tenant's zone
    payload: str  # the last refused copy, cut short


def _level(value: object, field: str) -> int:
    text = str(value if value is not None else "").strip()
    if not is_digits(text):
        raise ValidationError(field=field)
    return int(text)


class CabinetsState(KeysetPaging, CabinetLifecycle, rx.State):
    rows: list[CabinetLine] = []
    status: str = "all"
    search: str = ""
    loaded: bool = False
    chosen: int = 0
    chosen_name: str = ""
    chosen_status: str = ""  # as a row's status
    slots: list[SlotLine] = []
    scales: list[ScaleLine] = []  # each scale's noise model, in words
    indicators: list[Choice] = []  # the indicator models a scale may be set to
    items: list[Choice] = []
    commands: list[CommandLine] = []
    refusals: list[RefusalLine] = []
    can_write: bool = False
    can_command: bool = False
    can_restock: bool = False
    message: str = ""  # a refusal, naming what was wrong
    notice: str = ""  # what a command just did

    def _read_permission(self) -> str:
        return READ

    async def _load(self) -> None:
        principal = await require(self, READ)
        self.can_write, self.can_command = principal.can(WRITE), principal.can(COMMAND)
        self.can_provision = principal.can(PROVISION)
        self.can_restock = principal.kind == "provider" and principal.can(RESTOCK)
        CABINETS.follow(self.router.session.client_token, principal.scope)

        def read(session):
            page = console.list_cabinets(
                session=session,
                scope=principal.scope,
                status=self.status,
                search=self.search,
                after_id=self._after_id(),
                limit=self.page_size,
            )
            return page, scope_timezone(session=session, scope=principal.scope)

        page, timezone = await run_in_session(read)
        self.rows = cabinet_lines(page.rows, timezone)
        self.next_after = page.next_after_id or 0
        self.total = page.total
        self.loaded = True

    @rx.event
    @guarded(READ)
    async def load(self) -> None:
        self.cursors, self.chosen, self.credentials, self.message = [], 0, {}, ""
        await self._load()

    @rx.event
    @guarded(READ)
    async def arrived(self) -> None:
        """The fan-out's poke: a door, a cabinet's presence or a command's delivery changed in
        the tenant. A tab that has left the page stops following."""
        if not (self.router.url.path or "").startswith("/cabinets"):
            CABINETS.forget(self.router.session.client_token)
            return
        await self._load()
        if self.chosen:
            await self._read_chosen()

    @rx.event
    @guarded(READ)
    async def apply(self, form: dict) -> None:
        status = str(form.get("status") or "all")
        self.status = status if status in console.STATUSES else "all"
        self.search = str(form.get("search", ""))[:40]
        self.cursors = []
        await self._load()

    @rx.event
    @guarded(READ)
    async def choose(self, cabinet_id: int) -> None:
        self.chosen, self.credentials, self.message = as_id(cabinet_id), {}, ""
        self.notice = ""
        await self._read_chosen()

    async def _read_chosen(self) -> None:
        principal = await require(self, READ)

        def read(session):
            found = console.cabinet_detail(
                session=session, scope=principal.scope, cabinet_id=self.chosen
            )
            return found, scope_timezone(session=session, scope=principal.scope)

        found, timezone = await run_in_session(read)
        locale = await request_locale(self)
        self.scales = scale_lines(found.scales, locale)
        self.indicators = indicator_choices(locale)
        self.chosen_name = f"{found.cabinet.name} ({found.cabinet.code})"
        self.chosen_status = found.cabinet.status
        self._chosen_lifecycle(found.cabinet.lifecycle, found.cabinet.code, found.empty_slots)
        self.slots = slot_lines(found.slots)
        self.items = [Choice(id=str(i), name=n) for i, n in found.items]
        self.commands = command_lines(found.commands, timezone)
        self.refusals = refusal_lines(found.refusals, timezone)

    async def _act(self, permission: str, change, **kwargs) -> object | None:
        principal = await require(self, permission)
        try:
            result = await run_in_session(
                change, scope=principal.scope, actor=actor_of(self, principal), **kwargs
            )
        except DomainError as refused:
            self.message = t(refused.key, await request_locale(self), **refused.params)
            return None
        self.message, self.notice = "", ""
        await self._read_chosen()
        return result

    async def _act_on(self, permission: str, change, values) -> object | None:
        """`_act` with the arguments `values()` reads from what the browser sent; a value that
        is not what it should be is named, and nothing changes."""
        try:
            kwargs = values()
        except ValidationError as refused:
            await require(self, permission)
            self.message = t(refused.key, await request_locale(self), **refused.params)
            return None
        return await self._act(permission, change, **kwargs)

    @rx.event
    @guarded(WRITE)
    async def set_levels(self, form: dict) -> None:
        await self._act_on(
            WRITE,
            console.set_levels,
            lambda: {
                "entry_id": as_id(form.get("entry", "")),
                "min_qty": _level(form.get("min"), "min_qty"),
                "par_qty": _level(form.get("par"), "par_qty"),
            },
        )

    @rx.event
    @guarded(WRITE)
    async def set_item(self, form: dict) -> None:
        await self._act_on(
            WRITE,
            console.set_slot_item,
            lambda: {
                "entry_id": as_id(form.get("entry", "")),
                "item_id": as_id(form.get("item", "")),
            },
        )

    @rx.event
    @guarded(WRITE)
    async def set_indicator(self, slot_id: str, indicator: str) -> None:
        """The indicator model a scale is wired to (its defaults until it learns its own)."""
        await self._act_on(
            WRITE,
            console.set_scale_indicator,
            lambda: {"slot_id": as_id(slot_id), "indicator": str(indicator)[:32]},
        )

    @rx.event
    @guarded(COMMAND)
    async def tare(self, form: dict) -> None:
        slot = str(form.get("slot", ""))[:16]
        await self._act(
            COMMAND,
            issue_command,
            cabinet_id=self.chosen,
            kind="tare",
            args={"slot": slot},
        )

    @rx.event
    @guarded(COMMAND)
    async def unlock(self, form: dict) -> None:
        """Open the door for the person the admin names; what they take is charged to them."""
        who = str(form.get("who", ""))[:64]
        await self._act(COMMAND, unlock_for, cabinet_id=self.chosen, who=who)

    @rx.event
    @guarded(RESTOCK)
    async def restock(self) -> None:
        """A provider's staff member opens the cabinet to restock it from the console."""
        door = await self._act(RESTOCK, restock_by, cabinet_id=self.chosen)
        if door is not None:
            self.notice = t("cabinets.restock_sent", await request_locale(self))

    @rx.event
    @guarded(COMMAND)
    async def send_lease(self) -> None:
        await self._act(COMMAND, sync_lease, cabinet_id=self.chosen)

    @rx.event
    @guarded(COMMAND)
    async def reboot(self) -> None:
        await self._act(
            COMMAND,
            issue_command,
            cabinet_id=self.chosen,
            kind="reboot",
            args={"delay_s": 5},
            now=datetime.now(UTC),
            ttl=timedelta(minutes=5),
        )

    @rx.event
    @guarded(READ)
    async def refresh(self) -> None:
        """Delivery states move on by themselves: the page reads them again on request."""
        if self.chosen:
            await self._read_chosen()
        await self._load()


# Doors, presence (its offline alerts) and command deliveries of the tenant: the page follows.
CABINETS = Push(
    ("tenant:*:door", "tenant:*:alert", "tenant:*:cabinet"), lambda: CabinetsState.arrived
)
push_cabinets = CABINETS.task


SECONDS = "%m-%d %H:%M:%S"  # the cabinets page's moments: to the second


def cabinet_lines(rows: list[console.CabinetRow], timezone: str) -> list[CabinetLine]:
    """The fleet's rows: the last heartbeat in the tenant's zone ("—" when never)."""
    return [
        CabinetLine(
            id=c.id,
            code=c.code,
            name=c.name,
            model=c.model,
            status=c.status,
            heartbeat=local_time(c.last_heartbeat_at, timezone, SECONDS)
            if c.last_heartbeat_at
            else "—",
            low=c.low_slots,
            lifecycle=c.lifecycle,
        )
        for c in rows
    ]


def scale_lines(scales: list[dict], locale: str) -> list[ScaleLine]:
    """Each scale's noise model (scale_stats) in the reader's words."""
    return [
        ScaleLine(
            slot=s["slot"],
            slot_id=str(s["slot_id"]),
            indicator=s["indicator"],
            text=words(s, locale),
        )
        for s in scales
    ]


def indicator_choices(locale: str) -> list[Choice]:
    """The indicator models a scale may be set to, named in the reader's language."""
    return [Choice(id=key, name=t(f"indicator.{key}", locale)) for key in DEFAULT_MODELS]


def slot_lines(slots: list[console.PlannedSlot]) -> list[SlotLine]:
    """The planned slots, each marked low when it holds less than its minimum."""
    return [
        SlotLine(
            id=s.entry_id,
            slot=s.slot,
            item_id=str(s.item_id),
            item=s.item,
            quantity=s.quantity,
            min=s.min_qty,
            par=s.par_qty,
            low=s.quantity < s.min_qty,
        )
        for s in slots
    ]


def command_lines(commands: list[console.SentCommand], timezone: str) -> list[CommandLine]:
    """The commands sent and how their delivery went, sent in the tenant's zone."""
    return [
        CommandLine(
            kind=c.kind,
            status=c.status,
            attempts=c.attempts,
            at=local_time(c.created_at, timezone, SECONDS),
            error=c.error,
        )
        for c in commands
    ]


def refusal_lines(refusals: list[CabinetRefusal], timezone: str) -> list[RefusalLine]:
    """What the gateway refused, per reason: the last copy cut to 400 characters."""
    return [
        RefusalLine(
            code=r.code,
            count=r.count,
            last_at=local_time(r.last_at, timezone, SECONDS),
            payload=(r.last_payload or "")[:400],
        )
        for r in refusals
    ]
