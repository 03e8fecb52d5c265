"""Alerts pushed to the consoles as they happen: one bus subscription per web process fans the
tenant `alert` events out to the consoles connected to that process that may see them.

Why not a subscription (or an `rx.SharedState` link) per console: each would be one more Redis
PSUBSCRIBE connection, or one more lock taken in turn for every event, per open tab. Here a
process holds one subscription and a map client → tenant scope; a burst of events (a withdrawal
raising three low-stock alerts) is coalesced for COALESCE_S and each console whose scope allows
one of the tenants gets one poke. The poke asks the console to re-read its own alert centre
through an ordinary, authorized event: the fan-out never carries data a console may not see.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable

from app.core.bus import EventBus
from app.core.tenancy import TenantScope

logger = logging.getLogger(__name__)
COALESCE_S = 0.2
PRUNE_EVERY_S = 60.0
_TENANT = re.compile(r"^tenant:(\d+):alert$")

Poke = Callable[[str], Awaitable[None]]
Connected = Callable[[str], Awaitable[bool]]


class AlertFanout:
    def __init__(self, poke: Poke, connected: Connected, coalesce_s: float = COALESCE_S) -> None:
        self._poke = poke
        self._connected = connected
        self._coalesce_s = coalesce_s
        self._followers: dict[str, TenantScope] = {}
        self._news: set[int] = set()
        self._flushing: asyncio.Task | None = None
        self.pokes = 0

    def follow(self, client_token: str, scope: TenantScope) -> None:
        """This console (a browser tab) wants to hear of alerts in `scope` (its latest wins)."""
        self._followers[client_token] = scope

    def forget(self, client_token: str) -> None:
        self._followers.pop(client_token, None)

    @property
    def followers(self) -> int:
        return len(self._followers)

    def heard(self, channel: str) -> None:
        """An alert event on `channel`: the tenant's consoles are poked after COALESCE_S."""
        matched = _TENANT.match(channel)
        if matched is None:
            return
        self._news.add(int(matched.group(1)))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush_soon())

    async def _flush_soon(self) -> None:
        await asyncio.sleep(self._coalesce_s)
        tenants, self._news = self._news, set()
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
                logger.warning("could not poke console %s", token[:8], exc_info=True)

    async def prune(self) -> None:
        """Forget consoles whose tab has gone (no event needed: the map stays bounded)."""
        for token in list(self._followers):
            if not await self._connected(token):
                self.forget(token)

    async def run(self, bus: EventBus, ready: asyncio.Event | None = None) -> None:
        """Follow the bus until cancelled; a lost bus connection is tried again every second."""
        pruning = asyncio.create_task(self._prune_periodically())
        try:
            while True:
                try:
                    async with bus.subscribe("tenant:*:alert") as events:
                        if ready is not None:
                            ready.set()
                        async for event in events:
                            self.heard(event.channel)
                except Exception:
                    logger.warning("alert fan-out lost the bus; again in 1 s", exc_info=True)
                    await asyncio.sleep(1.0)
        finally:
            pruning.cancel()

    async def _prune_periodically(self) -> None:
        while True:
            await asyncio.sleep(PRUNE_EVERY_S)
            await self.prune()
