"""A gate in front of every event, before any handler runs.

Handlers check authentication, permission and tenant themselves (`app.ui.session.require`);
the gate closes what Reflex opens on every state and binds the tab to its caller:
- `setvar` would let a crafted websocket message write any state var directly; the console never
  uses it, so it is refused outright;
- a tab's states belong to one sign-in: an event from another caller (a reused client token)
  finds them reset first, and an upload from another sign-in is refused
  (`app.ui.identity.bind_caller`).
"""

from __future__ import annotations

import logging

import reflex as rx
from reflex.state import StateUpdate
from reflex_base.event import Event

from app.ui.identity import NotTheOwner, bind_caller
from app.ui.session import REFUSALS, AccessRefused, refusal_response, request_locale

logger = logging.getLogger(__name__)
CLOSED_HANDLERS = frozenset({"setvar"})


class EventGate(rx.Middleware):
    async def preprocess(self, app, state, event):
        handler = event.name.rsplit(".", 1)[-1]
        if handler in CLOSED_HANDLERS:
            REFUSALS[event.name] += 1
            logger.warning("refused closed handler %s", event.name)
            raise AccessRefused(locale=await request_locale(state))
        try:
            await bind_caller(state, event.name)
        except NotTheOwner:
            # Answered, not raised: an upload's stream would turn an exception into a 500.
            REFUSALS[event.name] += 1
            logger.warning("refused an upload to %s from a sign-in not owning the tab", handler)
            refusal = AccessRefused(locale=await request_locale(state))
            return StateUpdate(events=Event.from_event_type(refusal_response(refusal)))
        return None
