"""Whose data a browser tab's states hold, and who sent each event.

A Reflex client token names a tab's states on the server; it travels in the websocket URL and an
upload's headers, so it must never work as a credential. Every tab's state tree is therefore
*owned* by one sign-in session (or by nobody): before any handler runs, `EventGate` compares the
session of the request that carried the event with the owner, and a different caller finds the
tree reset to its defaults (nothing of the previous holder's left to read) before it is bound to
the new one. The caller is always the request's own:
- a websocket event: the session cookie the socket was opened with;
- an upload: the cookie of the HTTP request itself, checked by `UploadGate` (app/api/security.py)
  before the body is read and handed over here; an upload whose session does not own the tab is
  refused, never run as the owner;
- an event a handler chained (or a background task's): the caller of the event that started it.

Signing out (or any revocation) announces `SESSION_ENDED`; every web process resets the trees of
the tabs that session owned there and closes their sockets (`end_sessions`).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

import reflex as rx
from reflex_base.event.context import EventContext

from app.api.cookies import ACCESS_COOKIE, cookie_value
from app.auth.services import tokens
from app.auth.services.ended import SESSION_ENDED
from app.core.bus import get_bus
from app.ui.reflex_internals import is_token_connected, local_sid, root_of

logger = logging.getLogger(__name__)
ANONYMOUS = ""
PRUNE_S = 300.0
# States whose values belong to the browser, not to a person (the UI language).
KEPT_ON_NEW_IDENTITY = frozenset({"LocaleState"})


class IdentityState(rx.State):
    """The sign-in session this tab's states were filled for (backend only, never sent)."""

    _owner: str = ANONYMOUS


class NotTheOwner(Exception):
    """An upload for a tab that another sign-in owns."""


def session_of(cookie_header: str | None) -> str:
    """The session named by a request's access cookie ("" for none or a forged one); whether
    that session is still valid is checked by `require` against the session table."""
    claims = tokens.verify(cookie_value(cookie_header, ACCESS_COOKIE), "access", check_expiry=False)
    return claims.session_id if claims is not None else ANONYMOUS


class _Uploads:
    """Uploads being received: (client token, handler) → sessions of the requests, set by the
    HTTP gate for as long as the request lasts (the event runs in this process)."""

    def __init__(self) -> None:
        self._pending: dict[tuple[str, str], list[str]] = defaultdict(list)

    def begin(self, token: str, handler: str, session_id: str) -> None:
        self._pending[(token, handler)].append(session_id)

    def end(self, token: str, handler: str, session_id: str) -> None:
        sessions = self._pending.get((token, handler))
        if sessions and session_id in sessions:
            sessions.remove(session_id)
        if not sessions:
            self._pending.pop((token, handler), None)

    def callers(self, token: str, handler: str) -> list[str] | None:
        return self._pending.get((token, handler))


UPLOADS = _Uploads()
# Tabs whose events this process handled, by owning session: what `end_sessions` resets.
_TABS: dict[str, set[str]] = defaultdict(set)


def _event_context() -> EventContext | None:
    try:
        return EventContext.get()
    except LookupError:
        return None


async def bind_caller(state: rx.State, event_name: str) -> None:
    """Make the tab's states belong to whoever sent this event (see the module's doc)."""
    root = root_of(state)
    identity = await root.get_state(IdentityState)
    context = _event_context()
    router_data = context.router_data if context is not None else {}
    token = context.token if context is not None else root.router.session.client_token
    if router_data.get("headers") is not None:  # from a socket: its handshake's cookie
        caller = session_of(router_data["headers"].get("cookie"))
    else:
        uploading = UPLOADS.callers(token, event_name)
        if uploading is None:  # chained by a handler that already ran as the owner
            return
        if identity._owner not in uploading:
            raise NotTheOwner(event_name)
        return
    if caller != identity._owner:
        await _reset_tree(root)
        _TABS.get(identity._owner, set()).discard(token)
        identity._owner = caller
    if caller:
        _TABS[caller].add(token)


async def _reset_tree(root: rx.State) -> None:
    """Every app state of the tab back to its defaults (a new person starts from nothing)."""
    for state_class in sorted(type(root).get_substates(), key=lambda c: c.get_full_name()):
        if not state_class.__module__.startswith("app."):
            continue
        if state_class.__name__ in KEPT_ON_NEW_IDENTITY or state_class is IdentityState:
            continue
        substate = await root.get_state(state_class)
        substate.reset()


async def _end_tab(app, token: str) -> None:
    async with app.modify_state(rx.BaseStateToken(ident=token, cls=IdentityState)) as root:
        root = root_of(root)
        await _reset_tree(root)
        (await root.get_state(IdentityState))._owner = ANONYMOUS
    sid = local_sid(app, token)
    if sid is not None:
        await app.event_namespace.disconnect(sid)


async def end_session_tabs(app, session_id: str) -> int:
    """Reset and disconnect the tabs of this process that `session_id` owned; how many."""
    tabs = _TABS.pop(session_id, set())
    for token in tabs:
        try:
            await _end_tab(app, token)
        except Exception:  # one tab's state must not keep the others signed in
            logger.warning("could not end tab %s…", token[:8], exc_info=True)
    return len(tabs)


async def _forget_gone_tabs(app) -> None:
    """Keep the tab map bounded: tabs whose socket has gone are dropped every PRUNE_S."""
    connected = is_token_connected(app)
    while True:
        await asyncio.sleep(PRUNE_S)
        for session_id, tabs in list(_TABS.items()):
            for token in list(tabs):
                if not await connected(token):
                    tabs.discard(token)
            if not tabs:
                _TABS.pop(session_id, None)


async def end_sessions(app) -> None:
    """Lifespan task of every web process: sessions announced ended lose their tabs here."""
    pruning = asyncio.create_task(_forget_gone_tabs(app))
    try:
        await _follow_session_ends(app)
    finally:
        pruning.cancel()


async def _follow_session_ends(app) -> None:
    while True:
        try:
            async with get_bus().subscribe(SESSION_ENDED) as events:
                async for event in events:
                    session_id = str(event.data.get("session_id", ""))
                    if session_id:
                        await end_session_tabs(app, session_id)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.warning("session ends: lost the bus; again in 1 s", exc_info=True)
            await asyncio.sleep(1.0)
