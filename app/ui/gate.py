"""A gate in front of every event, before any handler runs.

Handlers check authentication, permission and tenant themselves (`app.ui.session.require`);
the gate only closes doors Reflex opens on every state: `setvar` would let a crafted websocket
message write any state var directly. The console never uses it, so it is refused outright.
"""

from __future__ import annotations

import logging

import reflex as rx

from app.ui.session import REFUSALS, AccessRefused, request_locale

logger = logging.getLogger(__name__)
CLOSED_HANDLERS = frozenset({"setvar"})


class EventGate(rx.Middleware):
    async def preprocess(self, app, state, event):
        handler = event.name.rsplit(".", 1)[-1]
        if handler in CLOSED_HANDLERS:
            REFUSALS[event.name] += 1
            logger.warning("refused closed handler %s", event.name)
            raise AccessRefused(locale=await request_locale(state))
        return None
