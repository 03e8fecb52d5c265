"""The production topology as data: which processes run, with which command, how many, with which
environment. The one description both `make prod-local` (app/ops/prod_local.py) starts and
compose.yaml must match (tests/ops/test_topology.py compares them), so they cannot drift.

- web: one `reflex run --env prod --single-port` with WEB_WORKERS granian workers behind the one
  PORT (the compiled frontend and the backend together; several workers need Redis, where Reflex
  then keeps the state); its health is `/api/health` (ours: the database) and `/ping`.
- worker: arq workers (`python -m app.jobs`) on the same Redis queue; health on HEALTH_PORT.
- gateway: device gateways (`python -m hardware.runtime`) on the MQTT shared subscription, each
  with its own stable GATEWAY_ID; health on HEALTH_PORT.
Migrations run once before any of them (`python -m app.cli prepare`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

WEB_WORKERS = 2
# Every process reads these (app/core/config.py); a deployment supplies them.
SHARED_ENV = ("APP_ENV", "DATA_DIR", "DATABASE_URL", "REDIS_URL", "MQTT_URL", "SECRET_KEY")
PREPARE = ("python", "-m", "app.cli", "prepare")
SHARE_GROUP = "cc-gateway"


@dataclass(frozen=True)
class Service:
    """One kind of process: its command (as in the image: `python`, `reflex` on PATH), how many
    separate processes run it, the environment keys of its own, and where its health answers."""

    name: str
    command: tuple[str, ...]
    replicas: int
    env_keys: tuple[str, ...] = ()
    health_path: str = "/health"
    fixed_env: dict[str, str] = field(default_factory=dict)


SERVICES: tuple[Service, ...] = (
    Service(
        name="web",
        command=("reflex", "run", "--env", "prod", "--single-port"),
        replicas=1,  # one port; its WEB_WORKERS workers are granian's processes
        env_keys=("PORT", "GRANIAN_WORKERS"),
        health_path="/api/health",
        fixed_env={"GRANIAN_WORKERS": str(WEB_WORKERS)},
    ),
    Service(
        name="worker",
        command=("python", "-m", "app.jobs"),
        replicas=2,
        env_keys=("HEALTH_PORT",),
    ),
    Service(
        name="gateway",
        command=("python", "-m", "hardware.runtime"),
        replicas=2,
        env_keys=("HEALTH_PORT", "GATEWAY_ID", "GATEWAY_SHARE_GROUP"),
    ),
)


@dataclass(frozen=True)
class Process:
    """One process to start: its name (`worker-2`), command, own environment and health URL."""

    name: str
    service: str
    command: tuple[str, ...]
    env: dict[str, str]
    port: int
    health_url: str


def gateway_id(index: int) -> str:
    """A gateway's stable id: the same process slot keeps the same persistent MQTT session."""
    return f"cc-gateway-{index}"


def processes(
    *, port: int, share_group: str = SHARE_GROUP, host: str = "127.0.0.1"
) -> list[Process]:
    """Every process of the topology on one machine: the web on `port`, then each worker and
    gateway's health endpoint on the ports after it."""
    listed: list[Process] = []
    next_port = port + 1
    for service in SERVICES:
        for index in range(1, service.replicas + 1):
            env = dict(service.fixed_env)
            if service.name == "web":
                env["PORT"] = str(port)
                own_port = port
            else:
                env["HEALTH_PORT"] = str(next_port)
                own_port, next_port = next_port, next_port + 1
            if service.name == "gateway":
                env["GATEWAY_ID"] = gateway_id(index)
                env["GATEWAY_SHARE_GROUP"] = share_group
            name = service.name if service.replicas == 1 else f"{service.name}-{index}"
            url = f"http://{host}:{own_port}{service.health_path}"
            listed.append(Process(name, service.name, service.command, env, own_port, url))
    return listed
