"""The wall dashboard `/wall/<token>`: no sign-in, a revocable display token instead.

All the screens of one tenant show the same snapshot: it is read once per burst of events (the
fan-out's `prepare`) and kept per web process, and each screen's `arrived` copies it into its
own state. A screen re-checks on every update that its display is still live, and every
TICK_S re-follows (after a backend restart its state is gone: the URL still has the token).
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypedDict

import plotly.graph_objects as go
import plotly.io
import reflex as rx

from app.core.db import run_in_session
from app.core.i18n import DEFAULT_LOCALE, LOCALES, strings, t
from app.core.tenancy import TenantScope
from app.ui.declarations import public
from app.ui.format import local_time
from app.ui.push import Push
from app.wall import service
from app.wall.pages.charts import top_items_figure, trend_figure

TICK_S = 15  # the screen's own timer: re-follow, and re-read if nothing happened meanwhile
# Every answer (a poke or a tick) bumps the screen's beat; the page's own script
# (assets/wall-watch.js) calls the wall stale when no beat came for this long: two ticks missed.
STALE_S = 2 * TICK_S
FRESH_S = 10.0  # a snapshot younger than this serves a screen that loads or ticks
SEEN_EVERY_S = 300.0
WALL_TOPICS = ("tenant:*:door", "tenant:*:alert", "tenant:*:wall")


class WallCabinet(TypedDict):
    code: str
    name: str
    status: str  # online / open / offline / never
    low: int  # its low slots
    level: str  # the tile's colour (service.cabinet_level)
    fault: str  # the kind of its worst open alert, "" if none


class WallSlot(TypedDict):
    cabinet_id: int
    cabinet: str
    slot: str
    item: str
    quantity: int
    par: int
    low: bool
    fill: int  # 0–100 of its par


class WallAlert(TypedDict):
    level: str  # service.alert_level
    kind: str
    text: str  # in the display's language


@dataclass(frozen=True)
class Shown:
    snapshot: service.WallSnapshot
    trend: dict  # plotly's JSON of the figure, made once for all the screens
    top: dict
    at: float  # time.monotonic() when read


def _plotly_json(figure: go.Figure) -> dict:
    # A screen's state holds the JSON, not the Figure: with Redis state every event unpickles
    # the state, and re-validating two Figures was 65 % of the server's time (py-spy, 200 walls).
    return json.loads(plotly.io.to_json(figure))


_shown: dict[int, Shown] = {}
_locks: dict[int, asyncio.Lock] = {}


def _read(session, tenant_id: int) -> service.WallSnapshot:
    return service.wall_snapshot(session=session, tenant_id=tenant_id)


async def current(tenant_id: int, *, fresh_s: float = FRESH_S) -> Shown:
    """The tenant's snapshot, read again when older than `fresh_s` (one reader at a time per
    tenant: two hundred screens loading at once read it once)."""
    async with _locks.setdefault(tenant_id, asyncio.Lock()):
        shown = _shown.get(tenant_id)
        if shown is not None and time.monotonic() - shown.at <= fresh_s:
            return shown
        snapshot = await run_in_session(_read, tenant_id=tenant_id)
        shown = Shown(
            snapshot,
            _plotly_json(trend_figure(snapshot)),
            _plotly_json(top_items_figure(snapshot)),
            time.monotonic(),
        )
        _shown[tenant_id] = shown
        return shown


async def _prepare(tenants: set[int]) -> None:
    for tenant_id in tenants:
        await current(tenant_id, fresh_s=0.0)


def _screen_words(locale: str) -> dict[str, str]:
    return {k: v for k, v in strings(locale).items() if k.startswith("wall.")}


class WallState(rx.State):
    status: str = "loading"  # loading / live / refused
    tenant_name: str = ""
    # The display's language: its URL's `?lang=` (zh-CN / en), else its tenant's; never the
    # console's cookie (the screen is nobody's session, and opening it must not switch one).
    locale: str = DEFAULT_LOCALE
    timezone: str = "Asia/Shanghai"  # the clock shows the tenant's time, not the screen's
    cabinets: list[WallCabinet] = []
    slots: list[WallSlot] = []
    alerts: list[WallAlert] = []
    beat: int = 0  # bumped by every answer: the page's script watches it (STALE_S)
    answered_at: str = ""  # the tenant's time of the last answer: "stale since" on the banner
    stale_text: str = ""
    top_title: str = ""
    today_count: int = 0
    today_qty: int = 0
    online: int = 0
    open_doors: int = 0
    offline: int = 0
    low_slots: int = 0
    updated_at: str = ""
    trend: dict = {}
    top: dict = {}
    _tenant_id: int = 0
    _display_id: int = 0
    _token_hash: str = ""
    _seen_at: float = 0.0
    _lang: str = ""  # the URL's `?lang=`, if one we speak

    @rx.var
    def words(self) -> dict[str, str]:
        """The wall's words (`wall.*`) in the display's language."""
        return _screen_words(self.locale)

    def _token_from_url(self) -> str:
        path = (self.router.url.path or "").rstrip("/")
        return path.rsplit("/", 1)[-1][:64] if "/wall/" in path else ""

    def _lang_from_url(self) -> str:
        lang = self.router.url.query_parameters.get("lang", "")
        return lang if lang in LOCALES else ""

    @rx.event
    @public("a wall screen has no sign-in: shows only what a live display token opens")
    async def load(self):
        """Open the display this URL's token names, or say it is not (or no longer) valid."""
        token = self._token_from_url()
        self._lang = self._lang_from_url()
        self.locale = self._lang or self.locale
        display = await run_in_session(service.display_by_token, token=token)
        if display is None:
            self._refuse()
            return
        self._tenant_id, self._display_id = display.tenant_id, display.id
        self._token_hash = display.token_hash
        self._follow()
        self._show(await current(self._tenant_id))
        await self._mark_seen()

    @rx.event
    @public("shows the tenant of the token this screen opened with, if still live")
    async def arrived(self):
        """The fan-out's poke: the tenant's snapshot was just read again."""
        if self._tenant_id:
            self._show(await current(self._tenant_id))

    @rx.event
    @public("re-opens this screen's own display token, if still live")
    async def tick(self):
        """The screen's timer: after a backend restart the state is new: open it again."""
        if not self._tenant_id:
            if self.status != "refused":
                await self.load()
            return
        self._follow()
        self._show(await current(self._tenant_id))
        await self._mark_seen()

    def _follow(self) -> None:
        WALLS.follow(self.router.session.client_token, TenantScope.single(self._tenant_id))

    def _refuse(self) -> None:
        WALLS.forget(self.router.session.client_token)
        self.status, self._tenant_id = "refused", 0
        self.cabinets, self.slots, self.alerts = [], [], []

    def _show(self, shown: Shown) -> None:
        snapshot = shown.snapshot
        if self._token_hash not in snapshot.live_displays:
            self._refuse()  # revoked since it was opened
            return
        self.status = "live"
        locale = self._lang or snapshot.locale
        self.tenant_name, self.locale = snapshot.tenant_name, locale
        self.timezone = snapshot.timezone
        self.cabinets, self.slots = snapshot.cabinets, snapshot.slots
        self.alerts = alerts_in(snapshot.alerts, locale)
        self.today_count, self.today_qty = snapshot.today_count, snapshot.today_qty
        statuses = [c["status"] for c in snapshot.cabinets]
        self.online, self.open_doors = statuses.count("online"), statuses.count("open")
        self.offline = statuses.count("offline")
        self.low_slots = snapshot.low_slots
        self.updated_at = local_time(snapshot.taken_at, snapshot.timezone, "%H:%M:%S")
        self.trend, self.top = shown.trend, shown.top
        top = len(snapshot.top_items)
        self.top_title = t("wall.top_items", locale, n=top) if top else t("wall.top_none", locale)
        self.beat += 1
        self.answered_at = local_time(datetime.now(UTC), snapshot.timezone, "%H:%M:%S")
        self.stale_text = t("wall.stale", locale, since=self.answered_at)

    async def _mark_seen(self) -> None:
        if time.monotonic() - self._seen_at > SEEN_EVERY_S:
            self._seen_at = time.monotonic()
            await run_in_session(service.seen, display_id=self._display_id)


# The web process's wall fan-out: door, alert and display events → one snapshot read per
# tenant per burst (`_prepare`) → a poke to each of its screens connected here.
WALLS = Push(WALL_TOPICS, lambda: WallState.arrived, prepare=_prepare)
push_walls = WALLS.task


def alerts_in(alerts: list[dict], locale: str) -> list[WallAlert]:
    """The snapshot's ticker (each alert in every language) in the display's language."""
    return [WallAlert(level=a["level"], kind=a["kind"], text=a["text"][locale]) for a in alerts]
