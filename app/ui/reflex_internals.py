"""The parts of Reflex we use past its public API, in one place: the event namespace's token
manager (which tab token is connected, and to this process), a state's root. The public
`emit_update` and `disconnect` of the event namespace are used as they are.
tests/ui/test_reflex_internals.py fails, naming the attribute, when a Reflex upgrade moves one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from reflex.state import BaseState


def _token_manager(app: Any) -> Any:
    return app.event_namespace._token_manager


def is_token_connected(app: Any) -> Callable[[str], Awaitable[bool]]:
    """Whether a tab token has a live socket (on any process, with the Redis token manager)."""
    return _token_manager(app).is_token_connected


def local_sid(app: Any, token: str) -> str | None:
    """The socket id of the tab `token` when it is connected to this process, else None."""
    manager = _token_manager(app)
    record = manager.token_to_socket.get(token)
    if record is None or record.instance_id != manager.instance_id:
        return None
    return record.sid


def root_of(state: BaseState) -> BaseState:
    return state._get_root_state()


def page_functions(app: Any) -> dict[str, Callable[[], Any]]:
    """Every page the app added, by route, as the function that builds its component (Reflex
    keeps them unevaluated until it compiles)."""
    return {route: page.component for route, page in app._unevaluated_pages.items()}
