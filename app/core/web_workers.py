"""The production web server's workers come back when one dies.

`reflex run --env prod` serves through granian with several workers, but builds its server
without `respawn_failed_workers`: granian then stops the whole server when any one worker dies
(a kill -9, the OOM killer, a crash in native code) — every wall and console on every worker
loses its connection until something restarts the process (found by the web-worker fault drill,
tests/browser/test_web_worker_killed.py). With it, granian starts a new worker in its place and
the pages on the dead one reconnect to the others, which follow them again on their reconnect
(a reconnect hydrates and runs the page's on_load). A worker that keeps dying within seconds is
still granian's crash loop, which ends the server.
"""

from __future__ import annotations

from typing import Any


def keep_web_workers_alive() -> None:
    """Make the granian server Reflex builds respawn failed workers (idempotent)."""
    try:
        import granian.server as server
    except ImportError:  # no granian: nothing to change
        return
    base = server.Server
    if getattr(base, "respawns_failed_workers", False):
        return

    class RespawningServer(base):  # type: ignore[misc, valid-type]
        respawns_failed_workers = True

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("respawn_failed_workers", True)
            super().__init__(*args, **kwargs)

    RespawningServer.__name__ = RespawningServer.__qualname__ = base.__name__
    server.Server = RespawningServer
