"""compose.yaml and `make prod-local` describe the same processes (app/ops/topology.py): the
same commands, counts and environment keys, so that neither can drift from the other."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml

from app.core.config import REPO_ROOT
from app.ops import topology
from app.ops.topology import SERVICES

COMPOSE = REPO_ROOT / "compose.yaml"
# Steps only a container host runs: the local broker takes anonymous clients, so no users file
CONTAINER_ONLY = {"mqtt-auth": "python -m hardware.mosquitto_auth /mosquitto/cc"}


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]


def _built_here(compose: dict) -> dict[str, dict]:
    """The services running our image (not postgres, redis, mosquitto)."""
    return {name: s for name, s in compose.items() if s.get("build") == "."}


def _replicas(service: dict) -> int:
    return int(service.get("deploy", {}).get("replicas", 1))


def _of(compose: dict, command: tuple[str, ...]) -> dict[str, dict]:
    return {n: s for n, s in _built_here(compose).items() if tuple(s["command"]) == command}


def _differences(compose: dict) -> list[str]:
    """How compose's processes differ from the topology's: commands, counts, env keys, health."""
    found = []
    for service in SERVICES:
        same = _of(compose, service.command)
        count = sum(_replicas(s) for s in same.values())
        if count != service.replicas:
            found.append(f"{service.name}: {count} in compose, {service.replicas} in topology")
        for name, spec in same.items():
            keys = set(spec["environment"])
            if keys != set(topology.SHARED_ENV) | set(service.env_keys):
                found.append(f"{name}: environment keys {sorted(keys)}")
            for key, value in service.fixed_env.items():
                if str(spec["environment"].get(key)) != value:
                    found.append(f"{name}: {key} is not {value}")
            if service.health_path not in " ".join(spec["healthcheck"]["test"]):
                found.append(f"{name}: its healthcheck does not ask {service.health_path}")
    return found


def test_every_process_of_the_topology_runs_in_compose_as_often_with_the_same_env() -> None:
    assert _differences(_compose()) == []


def test_compose_runs_no_process_the_topology_does_not_know() -> None:
    known = {s.command for s in SERVICES} | {topology.PREPARE}
    for name, spec in _built_here(_compose()).items():
        command = tuple(spec["command"])
        if name in CONTAINER_ONLY:
            assert CONTAINER_ONLY[name] in " ".join(command), name
            continue
        assert command in known, f"{name}: {command} is not in app/ops/topology.py"


def test_migrations_run_once_before_every_long_running_process() -> None:
    compose = _compose()
    assert set(_of(compose, topology.PREPARE)) == {"migrate"}
    assert compose["migrate"]["restart"] == "no"
    for service in SERVICES:
        for name, spec in _of(compose, service.command).items():
            after = spec["depends_on"]["migrate"]["condition"]
            assert after == "service_completed_successfully", name


def test_gateways_have_distinct_stable_ids_in_both_descriptions() -> None:
    expected = {topology.gateway_id(i) for i in range(1, 3)}
    gateways = _of(_compose(), ("python", "-m", "hardware.runtime"))
    assert {g["environment"]["GATEWAY_ID"] for g in gateways.values()} == expected
    local = [p for p in topology.processes(port=3000) if p.service == "gateway"]
    assert {p.env["GATEWAY_ID"] for p in local} == expected


def test_the_supervisor_starts_the_topology_each_process_on_its_own_port() -> None:
    local = topology.processes(port=4100)
    counts = Counter(p.service for p in local)
    assert counts == {s.name: s.replicas for s in SERVICES}
    assert len({p.port for p in local}) == len(local)
    assert len({p.name for p in local}) == len(local)
    web = next(p for p in local if p.service == "web")
    assert (web.port, web.env["PORT"], web.env["GRANIAN_WORKERS"]) == (4100, "4100", "2")
    for process in local:
        spec = next(s for s in SERVICES if s.name == process.service)
        assert set(process.env) == set(spec.env_keys), process.name
        assert process.health_url.endswith(f":{process.port}{spec.health_path}")


def test_secrets_come_from_the_environment_and_are_required() -> None:
    text = COMPOSE.read_text(encoding="utf-8")
    for secret in ("SECRET_KEY", "POSTGRES_PASSWORD", "MQTT_GATEWAY_PASSWORD"):
        assert re.search(r"\$\{" + secret + r":\?", text), secret
    for name, spec in _built_here(_compose()).items():
        assert "${SECRET_KEY:?" in str(spec["environment"]["SECRET_KEY"]), name


@pytest.mark.parametrize("broken", ["count", "env", "command"])
def test_the_comparison_fails_on_a_drifted_compose_file(broken: str) -> None:
    """The checks above can fail: the same comparison on a compose file with one thing changed."""
    compose = _compose()
    if broken == "count":
        compose["worker"]["deploy"]["replicas"] = 3
    elif broken == "env":
        compose["gateway-2"]["environment"].pop("GATEWAY_SHARE_GROUP")
    else:
        compose["worker"]["command"] = ["python", "-m", "app.worker"]
    assert _differences(compose)
