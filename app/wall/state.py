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

import plotly.graph_objects as go
import plotly.io
import reflex as rx

from app.core.db import run_in_session
from app.core.tenancy import TenantScope
from app.ui.format import local_time
from app.ui.locale import LocaleState
from app.ui.push import Push
from app.wall import service
from app.wall.charts import top_items_figure, trend_figure

TICK_S = 15  # the screen's own timer: re-follow, and re-read if nothing happened meanwhile
FRESH_S = 10.0  # a snapshot younger than this serves a screen that loads or ticks
SEEN_EVERY_S = 300.0
WALL_TOPICS = ("tenant:*:door", "tenant:*:alert", "tenant:*:wall")


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


class WallState(rx.State):
    status: str = "loading"  # loading / live / refused
    tenant_name: str = ""
    locale: str = "zh-CN"
    timezone: str = "Asia/Shanghai"  # the clock shows the tenant's time, not the screen's
    cabinets: list[dict] = []
    slots: list[dict] = []
    alerts: list[str] = []
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

    def _token_from_url(self) -> str:
        path = (self.router.url.path or "").rstrip("/")
        return path.rsplit("/", 1)[-1][:64] if "/wall/" in path else ""

    @rx.event
    async def load(self):
        """Open the display this URL's token names, or say it is not (or no longer) valid."""
        token = self._token_from_url()
        display = await run_in_session(service.display_by_token, token=token)
        if display is None:
            self._refuse()
            return
        self._tenant_id, self._display_id = display.tenant_id, display.id
        self._token_hash = display.token_hash
        self._follow()
        self._show(await current(self._tenant_id))
        # the screen speaks its tenant's language: nobody stands at it to switch
        (await self.get_state(LocaleState)).locale = self.locale
        await self._mark_seen()

    @rx.event
    async def arrived(self):
        """The fan-out's poke: the tenant's snapshot was just read again."""
        if self._tenant_id:
            self._show(await current(self._tenant_id))

    @rx.event
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
        self.tenant_name, self.locale = snapshot.tenant_name, snapshot.locale
        self.timezone = snapshot.timezone
        self.cabinets, self.slots, self.alerts = snapshot.cabinets, snapshot.slots, snapshot.alerts
        self.today_count, self.today_qty = snapshot.today_count, snapshot.today_qty
        statuses = [c["status"] for c in snapshot.cabinets]
        self.online, self.open_doors = statuses.count("online"), statuses.count("open")
        self.offline = statuses.count("offline")
        self.low_slots = snapshot.low_slots
        self.updated_at = local_time(snapshot.taken_at, snapshot.timezone, "%H:%M:%S")
        self.trend, self.top = shown.trend, shown.top

    async def _mark_seen(self) -> None:
        if time.monotonic() - self._seen_at > SEEN_EVERY_S:
            self._seen_at = time.monotonic()
            await run_in_session(service.seen, display_id=self._display_id)


# The web process's wall fan-out: door, alert and display events → one snapshot read per
# tenant per burst (`_prepare`) → a poke to each of its screens connected here.
WALLS = Push(WALL_TOPICS, lambda: WallState.arrived, prepare=_prepare)
push_walls = WALLS.task
