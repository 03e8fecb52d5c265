"""Local stand-ins for the robots' webhooks and a mail server: an HTTP receiver that records each
request (path, query, JSON body) and answers what the test says, and aiosmtpd collecting mail."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from aiosmtpd.controller import Controller

from hardware.net import free_port


@dataclass
class Receiver:
    url: str
    answer: dict = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})
    status: int = 200
    requests: list[dict] = field(default_factory=list)


@contextmanager
def webhook() -> Iterator[Receiver]:
    port = free_port()
    receiver = Receiver(f"http://127.0.0.1:{port}/robot/send?access_token=tok123")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            parsed = urlparse(self.path)
            receiver.requests.append(
                {
                    "path": parsed.path,
                    "query": {k: v[0] for k, v in parse_qs(parsed.query).items()},
                    "raw_query": parsed.query,
                    "content_type": self.headers.get("Content-Type", ""),
                    "json": json.loads(body),
                }
            )
            data = json.dumps(receiver.answer).encode()
            self.send_response(receiver.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


class _Collect:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], Message]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(
            (
                envelope.mail_from,
                list(envelope.rcpt_tos),
                message_from_bytes(envelope.content, policy=default),
            )
        )
        return "250 OK"


@contextmanager
def mail_server() -> Iterator[tuple[str, _Collect]]:
    """(SMTP_URL, collected messages)."""
    handler, port = _Collect(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", handler
    finally:
        controller.stop()
