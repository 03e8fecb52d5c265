"""Webhook deliveries through the real path on PostgreSQL, to a receiver in another process.

5,000 events (`withdrawal.committed`, each its own withdrawal, so none waits behind another) are
emitted for one subscription and committed; then, timed,
`app.webhooks.services.delivery.deliver_due` does what the `deliver_webhooks` job does — claim a
batch, sign and POST each through the shared httpx pool, record every attempt and status in one
transaction, next batch — until nothing is due. The receiver is a minimal asyncio HTTP/1.1 server
(keep-alive, answers 204) in its own process on the same 2-core machine, counting what it got; the
run fails unless every delivery is `delivered` and the receiver counted every one.

Metric: webhook_deliveries_per_s — deliveries / wall seconds, end to end (target ≥ 500).
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
import urllib.request

from sqlalchemy import func
from sqlmodel import Session, select

from app.core import migrations
from app.core.db import make_engine, session_scope
from app.webhooks.models import WebhookAttempt, WebhookDelivery
from app.webhooks.services import delivery as sender
from app.webhooks.services.webhooks import emit
from hardware.net import free_port
from tests.conftest import _create_pg_database, _drop_pg_database
from tests.factories import make_tenant
from tests.webhooks.world import subscribe

N = 5_000
RECEIVER = r"""
import asyncio, sys

count = 0

async def serve(reader, writer):
    global count
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            if length:
                await reader.readexactly(length)
            if head.startswith(b"GET /count"):
                body = str(count).encode()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            else:
                count += 1
                writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()

async def main(port):
    server = await asyncio.start_server(serve, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()

asyncio.run(main(int(sys.argv[1])))
"""


def _wait_listening(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the receiver did not start")


def _world(engine, url: str) -> None:
    with session_scope(engine) as session:
        tenant = make_tenant(session)
        subscribe(session, tenant.id, url, ["withdrawal.committed"])
        for n in range(N):
            data = {"withdrawal_id": n, "lines": [{"sku": "SKU-00012", "qty": 2}]}
            emit(session, tenant.id, "withdrawal.committed", n, data)


async def _send(engine) -> tuple[dict[str, int], float]:
    async with sender.Pool() as pool:
        started = time.perf_counter()
        totals = await sender.deliver_due(engine=engine, pool=pool, budget_s=600)
        return totals, time.perf_counter() - started


def run() -> dict[str, float]:
    name, url = _create_pg_database()
    port = free_port()
    receiver = subprocess.Popen([sys.executable, "-c", RECEIVER, str(port)])
    engine = make_engine(url)
    try:
        migrations.upgrade(url)
        _wait_listening(port)
        _world(engine, f"http://127.0.0.1:{port}/hook")
        totals, seconds = asyncio.run(_send(engine))
        with Session(engine) as session:
            statuses = dict(
                session.exec(
                    select(WebhookDelivery.status, func.count()).group_by(WebhookDelivery.status)
                ).all()
            )
            attempts = session.exec(select(func.count()).select_from(WebhookAttempt)).one()
        counted = int(urllib.request.urlopen(f"http://127.0.0.1:{port}/count").read())
        print(f"  {totals}, {seconds:.2f} s, statuses {statuses}, attempts {attempts}, "
              f"receiver counted {counted}")  # fmt: skip
        if statuses != {"delivered": N} or counted != N or attempts != N:
            raise RuntimeError("not every delivery was delivered exactly once")
        return {"webhook_deliveries_per_s": round(N / seconds, 1)}
    finally:
        engine.dispose()
        receiver.terminate()
        receiver.wait(timeout=10)
        _drop_pg_database(name)
