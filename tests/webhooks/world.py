"""A tenant with a webhook subscription, and a real local HTTP receiver (the standard library's
threading server on a free port) that answers each POST with the next status of its script and
keeps what it was sent."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlmodel import Session

from app.audit.services.records import Actor
from app.core.tenancy import TenantScope
from app.webhooks.models import WebhookSubscription
from app.webhooks.services.webhooks import SubscriptionSpec, create_subscription
from hardware.net import free_port
from tests.factories import make_tenant

ADMIN = Actor(account_id=None, name="企业管理员")


def subscribe(
    session: Session, tenant_id: int, url: str, events: list[str], name: str = "ERP"
) -> tuple[WebhookSubscription, str]:
    return create_subscription(
        session=session,
        scope=TenantScope.single(tenant_id),
        tenant_id=tenant_id,
        spec=SubscriptionSpec(name=name, url=url, events=events),
        actor=ADMIN,
    )


def tenant_with_subscription(
    session: Session, url: str = "https://erp.example.com/hooks", events: list[str] | None = None
) -> tuple[int, WebhookSubscription, str]:
    tenant = make_tenant(session)
    subscription, secret = subscribe(session, tenant.id, url, events or ["cabinet.online"])
    return tenant.id, subscription, secret


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    script: list[int]  # the statuses to answer, in turn; the last one repeats
    received: list[Received] = field(default_factory=list)


@contextmanager
def receiver(*script: int) -> Iterator[Receiver]:
    port = free_port()
    state = Receiver(f"http://127.0.0.1:{port}/hook", list(script))

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: the sender's pool reuses the connection

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            n = len(state.received)
            state.received.append(Received({k: v for k, v in self.headers.items()}, body))
            status = state.script[min(n, len(state.script) - 1)]
            answer = b'{"ok":true}' if status < 300 else b"receiver says no " * 100
            self.send_response(status)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args) -> None:
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address) -> None:
            pass  # a client closing its kept-alive connection is not news

    server = Server(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
