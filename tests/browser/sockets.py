"""A browser tab's websocket, spoken by hand: sign in over the REST route, connect with a
client token of one's choosing (a fresh one, or someone else's), send any handler any payload,
read what comes back. Used by the tests that attack the product as an outsider would."""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
import socketio

from app.demo.services.catalogue import DEMO_PASSWORD
from tests.browser.conftest import RunningApp
from tests.handlers import all_handlers

QUIET_S = 0.5  # a reply is complete after this long without another message
SILENT_S = 2.5  # a handler that changes nothing sends nothing: stop waiting after this
NAMESPACE = "/_event"  # Reflex serves its socket.io namespace on the same path


@dataclass
class Caller:
    name: str
    cookie: str
    client: socketio.Client = field(default_factory=socketio.Client)
    received: list[Any] = field(default_factory=list)
    last_message: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    token: str = field(default_factory=lambda: str(uuid.uuid4()))
    disconnected: threading.Event = field(default_factory=threading.Event)

    def connect(self, url: str, **extra_headers: str) -> None:
        """Open the tab's socket (with `token`, which may be somebody else's)."""

        @self.client.on("event", namespace=NAMESPACE)
        def _on_event(data: Any) -> None:
            with self.lock:
                self.received.append(data)
                self.last_message = time.monotonic()

        @self.client.on("disconnect", namespace=NAMESPACE)
        def _on_disconnect(*_: Any) -> None:
            self.disconnected.set()

        headers = {"Cookie": self.cookie} if self.cookie else {}
        headers.update(extra_headers)
        self.client.connect(
            f"{url}?token={self.token}",
            socketio_path="/_event",
            transports=["websocket"],
            namespaces=[NAMESPACE],
            headers=headers,
            wait_timeout=20,
        )

    def send(self, event_name: str, payload: dict[str, Any]) -> None:
        """Send one event without waiting for anything."""
        self.client.emit(
            "event",
            {"name": event_name, "payload": payload, "router_data": {"pathname": "/", "query": {}}},
            namespace=NAMESPACE,
        )

    def call(self, event_name: str, payload: dict[str, Any]) -> str:
        """Send one event; the replies (as JSON text) once the server has gone quiet."""
        with self.lock:
            self.received.clear()
        sent = time.monotonic()
        self.send(event_name, payload)
        while True:
            time.sleep(0.05)
            with self.lock:
                idle = time.monotonic() - max(self.last_message, sent)
                if (self.received and idle > QUIET_S) or idle > SILENT_S:
                    return json.dumps(self.received, ensure_ascii=False)


def event_name(key: str) -> str:
    """The websocket name of a handler given as "StateClass.handler"."""
    return next(h.event_name for h in all_handlers() if h.key == key)


def cookie_for(app: RunningApp, login: str | None) -> str:
    if login is None:
        return ""
    response = httpx.post(
        f"{app.url}/api/auth/login", json={"login": login, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return "; ".join(f"{k}={v}" for k, v in response.cookies.items())


def refused(reply: str) -> bool:
    """Refused: a translated "not allowed" toast, or a trip to a sign-in page (the console's,
    or the phone's, which may carry where to return)."""
    to_sign_in = '"/login"' in reply or '"/m/login"' in reply or '"/m/login?next=' in reply
    return "access-refused" in reply or ("_redirect" in reply and to_sign_in)
