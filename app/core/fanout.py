"""Live pages: one bus subscription per web process fans a tenant's domain events out to the
browser tabs connected to that process that may see them (the consoles' alert centres, the wall
dashboards).

Why not a subscription (or an `rx.SharedState` link) per tab: each would be one more Redis
PSUBSCRIBE connection, or one more lock taken in turn for every event, per open tab. Here a
process holds one subscription and a map tab → tenant scope; a burst of events (a withdrawal
raising three low-stock alerts) is coalesced for COALESCE_S and each tab whose scope allows one
of the tenants gets one poke. The poke asks the tab to re-read through an ordinary, authorized
event: the fan-out never carries data a tab may not see. `prepare` (optional) runs once per
burst before the pokes, for what all the tabs of a tenant read alike (the wall's snapshot).
"""

from __future__ import annotations

import asyncio
import fnmatch
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from app.core.bus import EventBus
from app.core.tenancy import TenantScope

logger = logging.getLogger(__name__)
COALESCE_S = 0.2
PRUNE_EVERY_S = 60.0
_TENANT = re.compile(r"^tenant:(\d+):")

Poke = Callable[[str], Awaitable[None]]
Connected = Callable[[str], Awaitable[bool]]
Prepare = Callable[[set[int]], Awaitable[None]]


class TenantFanout:
    def __init__(
        self,
        patterns: tuple[str, ...],
        poke: Poke,
        connected: Connected,
        *,
        prepare: Prepare | None = None,
        coalesce_s: float = COALESCE_S,
    ) -> None:
        self.patterns = patterns
        self._poke = poke
        self._connected = connected
        self._prepare = prepare
        self._coalesce_s = coalesce_s
        self._followers: dict[str, TenantScope] = {}
        self._news: set[int] = set()
        self._flushing: asyncio.Task[Any] | None = None
        self.pokes = 0

    def follow(self, client_token: str, scope: TenantScope) -> None:
        """This browser tab wants to hear of events in `scope` (its latest call wins)."""
        self._followers[client_token] = scope

    def forget(self, client_token: str) -> None:
        self._followers.pop(client_token, None)

    @property
    def followers(self) -> int:
        return len(self._followers)

    def heard(self, channel: str) -> None:
        """An event on `channel`: the tenant's tabs are poked after the coalescing delay."""
        matched = _TENANT.match(channel)
        if matched is None or not any(fnmatch.fnmatchcase(channel, p) for p in self.patterns):
            return
        self._news.add(int(matched.group(1)))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush_soon())

    async def _flush_soon(self) -> None:
        await asyncio.sleep(self._coalesce_s)
        tenants, self._news = self._news, set()
        followed = {t for t in tenants if any(s.allows(t) for s in self._followers.values())}
        if self._prepare is not None and followed:  # nobody here follows the others
            try:
                await self._prepare(followed)
            except Exception:  # the tabs are poked anyway: they read what there is
                logger.warning("could not prepare for tenants %s", sorted(followed), exc_info=True)
        for token, scope in list(self._followers.items()):
            if not any(scope.allows(t) for t in tenants):
                continue
            if not await self._connected(token):
                self.forget(token)
                continue
            try:
                await self._poke(token)
                self.pokes += 1
            except Exception:  # one console's socket must not hold back the others
                logger.warning("could not poke tab %s", token[:8], exc_info=True)
        if self._news:  # events that came while this burst was being delivered: another round
            self._flushing = asyncio.create_task(self._flush_soon())

    async def prune(self) -> None:
        """Forget tabs that have gone (no event needed: the map stays bounded)."""
        for token in list(self._followers):
            if not await self._connected(token):
                self.forget(token)

    async def run(self, bus: EventBus, ready: asyncio.Event | None = None) -> None:
        """Follow the bus until cancelled; a lost bus connection is tried again every second."""
        pruning = asyncio.create_task(self._prune_periodically())
        try:
            while True:
                try:
                    async with bus.subscribe(*self.patterns) as events:
                        if ready is not None:
                            ready.set()
                        async for event in events:
                            self.heard(event.channel)
                except Exception:
                    logger.warning("fan-out lost the bus; again in 1 s", exc_info=True)
                    await asyncio.sleep(1.0)
        finally:
            pruning.cancel()

    async def _prune_periodically(self) -> None:
        while True:
            await asyncio.sleep(PRUNE_EVERY_S)
            await self.prune()
