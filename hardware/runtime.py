"""Running the device side: `python -m hardware.runtime` (make gateway), or inside `make run`.

- MQTT_URL set: a gateway on that broker (MQTT 5, shared subscription: start as many gateway
  processes as the load needs, each with its own GATEWAY_ID).
- MQTT_URL unset (development, one box): the embedded broker on EMBEDDED_MQTT_PORT with the
  gateway beside it, inside the web process (`make run` registers it as a lifespan task when
  there is a single web worker, i.e. REDIS_URL is unset).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys

import app.jobs  # noqa: F401 - registers handle_device_message for the in-process dispatcher
from app.core.config import get_settings
from hardware.broker import GATEWAY_USERNAME, gateway_password, start_embedded_broker
from hardware.gateway import BrokerConfig, Gateway

logger = logging.getLogger(__name__)


def gateway_config() -> BrokerConfig:
    settings = get_settings()
    client_id = os.environ.get("GATEWAY_ID") or f"cc-gateway-{socket.gethostname()}"[:64]
    if settings.mqtt_url:
        return BrokerConfig.from_url(settings.mqtt_url, client_id=client_id)
    return BrokerConfig(
        hostname="127.0.0.1",
        port=settings.embedded_mqtt_port,
        username=GATEWAY_USERNAME,
        password=gateway_password(),
        mqtt5=False,  # amqtt speaks 3.1.1 only
        share_group=None,
        client_id=client_id,
    )


async def run_device_side(stop: asyncio.Event | None = None) -> None:
    """The embedded broker (when MQTT_URL is unset) and the gateway, until cancelled/stopped."""
    stop = stop or asyncio.Event()
    settings = get_settings()
    broker = None
    if not settings.mqtt_url:
        try:
            broker = await start_embedded_broker(settings.embedded_mqtt_port)
        except OSError as busy:
            logger.error(
                "embedded MQTT broker cannot listen on port %s (%s): set EMBEDDED_MQTT_PORT or "
                "MQTT_URL; cabinets cannot connect until then",
                settings.embedded_mqtt_port,
                busy,
            )
            return
        logger.info("embedded MQTT broker on 127.0.0.1:%s", settings.embedded_mqtt_port)
    try:
        await Gateway(gateway_config()).run(stop)
    finally:
        if broker is not None:
            await broker.shutdown()


def main() -> int:
    from app.core import log_masking

    log_masking.install()
    get_settings()  # fail at start on invalid settings, naming the variable
    try:
        asyncio.run(run_device_side())
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
