"""Mosquitto's password file and ACL from the database (hardware/mosquitto/README.md):
`GATEWAY_IDS=gw-1,gw-2 python -m hardware.mosquitto_auth <directory> [<mosquitto.conf>]`, then
SIGHUP the broker: it reloads both files and disconnects every client whose credentials no
longer match (a rotated or retired cabinet's live connection included).

Every listener binds client ids to user names (`use_username_as_clientid true`), so each
gateway process has a user of its own, named by its client id (`gateway_client_id`: derived
from its GATEWAY_ID with the gateway secret), and a cabinet's client id is its user name."""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
import secrets
import sys
from collections.abc import Iterable
from pathlib import Path

from sqlmodel import Session, col, select

from app.cabinets.models import Cabinet
from app.cabinets.services.credentials import decrypt_secret, mqtt_password
from app.core.db import session_scope
from app.core.tenancy import TenantScope, scoped_select
from app.tenants.models import Tenant
from hardware.broker_access import GATEWAY_CLIENT_ID, gateway_client_id, gateway_password

PBKDF2_ITERATIONS = 101  # what mosquitto_passwd writes; the password itself is 256 random bits
UP_CHANNELS = ("event", "telemetry", "ack", "state")
# What may stand in a password or ACL line without changing its meaning.
SAFE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
SAFE_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
logger = logging.getLogger(__name__)


def password_line(username: str, password: str) -> str:
    salt = secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, PBKDF2_ITERATIONS)
    encoded = [base64.b64encode(part).decode() for part in (salt, digest)]
    return f"{username}:$7${PBKDF2_ITERATIONS}${encoded[0]}${encoded[1]}"


def _cabinets(session: Session) -> list[tuple[str, str, str, str]]:
    """(mqtt username, password, tenant code, cabinet code) of every cabinet that may connect."""
    rows = session.exec(
        scoped_select(Cabinet, TenantScope.platform()).where(
            col(Cabinet.secret_ciphertext).is_not(None), Cabinet.status != "retired"
        )
    ).all()
    tenants = dict(session.exec(select(Tenant.id, Tenant.code)).all())
    return [
        (
            c.mqtt_username,
            mqtt_password(decrypt_secret(c.secret_ciphertext)),
            tenants[c.tenant_id],
            c.code,
        )
        for c in rows
        if c.secret_ciphertext is not None  # so selected
    ]


def _may_connect(username: str, tenant: str, code: str) -> bool:
    """A cabinet whose names would change the files' meaning, or whose user name is a gateway's
    client id, is left out (and logged) rather than written."""
    if not (SAFE_NAME.match(username) and SAFE_CODE.match(tenant) and SAFE_CODE.match(code)):
        logger.error("cabinet %r left out of the broker's files: unsafe names", code[:32])
        return False
    if GATEWAY_CLIENT_ID.match(username):
        logger.error("cabinet %r left out of the broker's files: a gateway's name", code[:32])
        return False
    return True


def write_auth_files(
    session: Session, directory: Path, gateway_secret: str, gateway_ids: Iterable[str]
) -> int:
    """Write `passwords` and `acl` atomically; returns how many cabinets may connect."""
    cabinets = [c for c in _cabinets(session) if _may_connect(c[0], c[2], c[3])]
    passwords, acl = [], []
    for gateway_id in gateway_ids:
        username = gateway_client_id(gateway_id, gateway_secret)
        passwords.append(password_line(username, gateway_secret))
        acl += [f"user {username}", "topic read cc/v1/#", "topic write cc/v1/+/+/cmd", ""]
    for username, password, tenant, code in cabinets:
        passwords.append(password_line(username, password))
        acl.append(f"user {username}")
        acl += [f"topic write cc/v1/{tenant}/{code}/{channel}" for channel in UP_CHANNELS]
        acl += [f"topic read cc/v1/{tenant}/{code}/cmd", ""]
    directory.mkdir(parents=True, exist_ok=True)
    for name, lines in (("passwords", passwords), ("acl", acl)):
        staged = directory / f".{name}.new"
        staged.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.chmod(staged, 0o600)
        staged.replace(directory / name)
    return len(cabinets)


def unbound_listeners(config_text: str) -> list[str]:
    """The `listener` lines of a mosquitto.conf not followed, before the next listener, by
    `use_username_as_clientid true`: there any credentials could take any client id's session,
    a gateway's or another cabinet's. (A setting before every listener, or in an included file,
    applies to Mosquitto's default listener only.)"""
    unbound: list[str] = []
    current: str | None = None
    for raw in config_text.splitlines():
        words = raw.split("#", 1)[0].split()
        if words[:1] == ["listener"]:
            if current is not None:
                unbound.append(current)
            current = raw.strip()
        elif words == ["use_username_as_clientid", "true"]:
            current = None
    if current is not None:
        unbound.append(current)
    return unbound


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 2):
        print("usage: python -m hardware.mosquitto_auth <directory> [<mosquitto.conf>]")
        return 2
    gateway_ids = [g.strip() for g in os.environ.get("GATEWAY_IDS", "").split(",") if g.strip()]
    if not gateway_ids:
        print("GATEWAY_IDS is not set: the GATEWAY_ID of every gateway process, comma-separated")
        return 2
    if len(argv) == 2:
        unbound = unbound_listeners(Path(argv[1]).read_text(encoding="utf-8"))
        if unbound:
            print(f"{argv[1]}: add `use_username_as_clientid true` after: {'; '.join(unbound)}")
            return 1
    secret = os.environ.get("MQTT_GATEWAY_PASSWORD") or gateway_password()
    with session_scope() as session:
        count = write_auth_files(session, Path(argv[0]), secret, gateway_ids)
    print(f"{count} cabinets + {len(gateway_ids)} gateways written to {argv[0]}; SIGHUP mosquitto")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
