"""A page that follows its tenant's events: one `Push` per page kind and web process owns a
TenantFanout (app/core/fanout.py) on the bus; a tab follows it with its scope, and each burst
of events pokes the tab's `handler` event, which re-reads through the page's own authorized
handler. `task` is the web process's lifespan task (app.register_lifespan_task)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from reflex.state import StateUpdate
from reflex_base.event import Event

from app.core.bus import get_bus
from app.core.fanout import TenantFanout
from app.core.tenancy import TenantScope
from app.ui.reflex_internals import is_token_connected


class Push:
    def __init__(
        self,
        topics: Sequence[str],
        handler: Callable[[], Any],
        *,
        prepare: Callable[[set[int]], Awaitable[None]] | None = None,
    ) -> None:
        self.topics, self._handler, self._prepare = tuple(topics), handler, prepare
        self.fanout: TenantFanout | None = None

    def follow(self, token: str, scope: TenantScope) -> None:
        if self.fanout is not None:
            self.fanout.follow(token, scope)

    def forget(self, token: str) -> None:
        if self.fanout is not None:
            self.fanout.forget(token)

    async def task(self, app) -> None:
        poke_events = Event.from_event_type(self._handler())

        async def poke(token: str) -> None:
            await app.event_namespace.emit_update(StateUpdate(events=poke_events), token)

        self.fanout = TenantFanout(
            self.topics, poke, is_token_connected(app), prepare=self._prepare
        )
        try:
            await self.fanout.run(get_bus())
        finally:
            self.fanout = None
