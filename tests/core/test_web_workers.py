"""The granian server Reflex builds replaces a dead web worker instead of ending (see
app/core/web_workers.py; the drill itself is tests/browser/test_web_worker_killed.py)."""

from __future__ import annotations

import granian.server

from app.core.web_workers import keep_web_workers_alive


def test_the_server_reflex_builds_respawns_failed_workers() -> None:
    import rxconfig  # noqa: F401 - the configuration `reflex run` loads applies it

    keep_web_workers_alive()  # twice: still one subclass
    server = granian.server.Server(target="app.app:app", workers=2)
    assert server.respawn_failed_workers is True
    patched = [c for c in type(server).__mro__ if "respawns_failed_workers" in vars(c)]
    assert len(patched) == 1  # applied once however often it is asked
    told = granian.server.Server(target="app.app:app", respawn_failed_workers=False)
    assert told.respawn_failed_workers is False  # an explicit choice is kept
