"""Reflex still has what app/ui/reflex_internals.py reaches past its public API for: an upgrade
that moves one fails here, naming it, rather than as tabs that are never poked or signed out."""

from __future__ import annotations

from types import SimpleNamespace

from reflex.app import EventNamespace
from reflex.state import BaseState

from app.ui import reflex_internals


def _app() -> SimpleNamespace:
    app = SimpleNamespace()
    app.event_namespace = EventNamespace("/_event", app)
    return app


async def test_a_linked_tab_is_connected_and_its_socket_is_found_on_this_process() -> None:
    app = _app()
    connected = reflex_internals.is_token_connected(app)
    assert not await connected("tab-1")
    assert reflex_internals.local_sid(app, "tab-1") is None
    await app.event_namespace._token_manager.link_token_to_sid("tab-1", "sid-1")
    assert await connected("tab-1")
    assert reflex_internals.local_sid(app, "tab-1") == "sid-1"


async def test_a_tab_linked_on_another_process_has_no_local_socket() -> None:
    app = _app()
    manager = app.event_namespace._token_manager
    await manager.link_token_to_sid("tab-2", "sid-2")
    manager._reset_instance_id()  # as if the record had been written by another process
    assert reflex_internals.local_sid(app, "tab-2") is None


def test_a_state_knows_its_root() -> None:
    assert callable(getattr(BaseState, "_get_root_state", None)), "BaseState._get_root_state"
