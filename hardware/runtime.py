"""Running the device side: `python -m hardware.runtime` (make gateway), or inside `make run`.

- MQTT_URL set: a gateway on that broker (MQTT 5, shared subscription: start as many gateway
  processes as the load needs, each with its own GATEWAY_ID; GATEWAY_SHARE_GROUP="" turns the
  shared subscription off, MQTT_VERSION=5 for MQTT 5; 3.1.1 is the default and faster).
- MQTT_URL unset (development, one box): the embedded broker on EMBEDDED_MQTT_PORT with the
  gateway and SIMULATED_CABINETS (default 3) simulated cabinets beside it, inside the web
  process (`make run` registers it as a lifespan task when there is a single web worker, i.e.
  REDIS_URL is unset).
- `--retire` (MQTT_URL and the GATEWAY_ID of a gateway that will not come back): store what the
  broker queued for that gateway's session, leave the shared subscription and end the session
  (docs/operations.md, "Retiring a gateway").
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
from typing import TYPE_CHECKING

import app.jobs  # noqa: F401 - registers handle_device_message for the in-process dispatcher
from app.core.config import get_settings
from app.core.health import health_port, serve_health
from hardware.broker import embedded_gateway_config, start_embedded_broker
from hardware.gateway import LINGER_S, BrokerConfig, Gateway
from hardware.net import broker_address

if TYPE_CHECKING:
    from hardware.simulator.fleet import SimulatedSpec

logger = logging.getLogger(__name__)


def linger_s() -> float:
    """GATEWAY_LINGER_MS (hardware/gateway.py LINGER_S when unset)."""
    value = os.environ.get("GATEWAY_LINGER_MS", "").strip()
    if not value:
        return LINGER_S
    try:
        milliseconds = float(value)
    except ValueError:
        milliseconds = -1.0
    if not 0 <= milliseconds <= 10_000:
        raise SystemExit(f"GATEWAY_LINGER_MS must be 0 to 10000 milliseconds, not {value!r}")
    return milliseconds / 1000


def gateway_config() -> BrokerConfig:
    settings = get_settings()
    gateway_id = os.environ.get("GATEWAY_ID") or f"cc-gateway-{socket.gethostname()}"[:64]
    if settings.mqtt_url:
        share_group = os.environ.get("GATEWAY_SHARE_GROUP", "cc-gateway") or None
        mqtt5 = os.environ.get("MQTT_VERSION", "3.1.1") == "5"
        return BrokerConfig.for_gateway(
            settings.mqtt_url, gateway_id, share_group=share_group, mqtt5=mqtt5
        )
    return embedded_gateway_config(settings.embedded_mqtt_port, gateway_id)


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
    gateway = Gateway(gateway_config(), linger_s=linger_s())
    health = await _serve_health(gateway)
    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(gateway.run(stop))
            if broker is not None and settings.simulated_cabinets:
                group.create_task(_simulate(settings.simulated_cabinets, stop))
            if settings.lan_driver:
                group.create_task(_drive_lan_cabinets(stop))
    finally:
        if health is not None:
            health.close()
        if broker is not None:
            await broker.shutdown()


async def _serve_health(gateway: Gateway) -> asyncio.Server | None:
    """HEALTH_PORT set: this gateway's health endpoint, healthy while it holds its MQTT
    subscription (app/core/health.py); its id and counters say which gateway answered."""
    if (port := health_port()) is None:
        return None

    async def subscribed() -> dict[str, object]:
        return {
            "ok": gateway.connected.is_set(),
            "gateway_id": os.environ.get("GATEWAY_ID", ""),
            "share_group": gateway.config.share_group,
            "accepted": gateway.stats.accepted,
        }

    return await serve_health("gateway", subscribed, port)


async def _drive_lan_cabinets(stop: asyncio.Event) -> None:
    """The controller-less cabinets registered on this deployment (docs/lan-cabinets.md)."""
    from hardware.lan.supervisor import LanSupervisor

    settings = get_settings()
    supervisor = LanSupervisor(broker=broker_address(None), outbox_dir=settings.data_dir / "lan")
    await supervisor.run(stop)


async def _simulate(count: int, stop: asyncio.Event) -> None:
    """A few simulated cabinets on the embedded broker, so a development box is alive."""
    from app.core.db import session_scope
    from hardware.simulator.fleet import fleet_from_database
    from hardware.simulator.run import FleetOptions, run_fleet

    def fleet() -> list[SimulatedSpec]:
        with session_scope() as session:
            return fleet_from_database(session, count)

    try:
        specs = await asyncio.to_thread(fleet)
        settings = get_settings()
        options = FleetOptions(
            broker=("127.0.0.1", settings.embedded_mqtt_port),
            outbox_dir=settings.data_dir / "simulator",
            api_url=settings.cabinet_api_url or f"http://127.0.0.1:{settings.port}",
        )
        await run_fleet(specs, options, stop)
    except Exception:  # the demo's cabinets must never take the web process down
        logger.exception("the simulated cabinets stopped")


def main() -> int:
    from app.core import logs
    from app.metrics.exposition import serve_if_asked

    settings = get_settings()  # fail at start on invalid settings, naming the variable
    logs.install(settings.log_format)
    if "--retire" in sys.argv[1:]:
        if not settings.mqtt_url or not os.environ.get("GATEWAY_ID"):
            print("--retire needs MQTT_URL and the GATEWAY_ID of the gateway to retire")
            return 2
        asyncio.run(Gateway(gateway_config()).retire())
        return 0
    serve_if_asked("gateway")  # METRICS_PORT
    try:
        asyncio.run(run_device_side())
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
