"""Small network helpers shared by the simulator, the embedded broker and the tests."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def broker_address(url: str | None) -> tuple[str, int]:
    """Where a cabinet connects: `url` (mqtt://host:port), else MQTT_URL, else the embedded
    broker of this machine."""
    from urllib.parse import urlparse

    from app.core.config import get_settings

    settings = get_settings()
    url = url or settings.mqtt_url
    if not url:
        return "127.0.0.1", settings.embedded_mqtt_port
    parsed = urlparse(url)
    return parsed.hostname or "127.0.0.1", parsed.port or 1883
