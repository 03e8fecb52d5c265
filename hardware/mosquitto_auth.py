"""Mosquitto's password file and ACL from the database (hardware/mosquitto/README.md):
`python -m hardware.mosquitto_auth <directory>`, then SIGHUP the broker."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import sys
from pathlib import Path

from sqlmodel import Session, select

from app.cabinets.credentials import decrypt_secret, mqtt_password
from app.cabinets.models import Cabinet
from app.core.db import session_scope
from app.core.tenancy import TenantScope, scoped_select
from app.tenants.models import Tenant
from hardware.broker import GATEWAY_USERNAME, gateway_password

PBKDF2_ITERATIONS = 101  # what mosquitto_passwd writes; the password itself is 256 random bits
UP_CHANNELS = ("event", "telemetry", "ack", "state")


def password_line(username: str, password: str) -> str:
    salt = secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, PBKDF2_ITERATIONS)
    encoded = [base64.b64encode(part).decode() for part in (salt, digest)]
    return f"{username}:$7${PBKDF2_ITERATIONS}${encoded[0]}${encoded[1]}"


def _cabinets(session: Session) -> list[tuple[str, str, str, str]]:
    """(mqtt username, password, tenant code, cabinet code) of every cabinet that may connect."""
    rows = session.exec(
        scoped_select(Cabinet, TenantScope.platform()).where(
            Cabinet.secret_ciphertext.is_not(None), Cabinet.status != "retired"
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
    ]


def write_auth_files(session: Session, directory: Path, gateway_secret: str) -> int:
    """Write `passwords` and `acl` atomically; returns how many cabinets may connect."""
    cabinets = _cabinets(session)
    passwords = [password_line(GATEWAY_USERNAME, gateway_secret)]
    acl = [f"user {GATEWAY_USERNAME}", "topic read cc/v1/#", "topic write cc/v1/+/+/cmd", ""]
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


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m hardware.mosquitto_auth <directory>", file=sys.stderr)
        return 2
    secret = os.environ.get("MQTT_GATEWAY_PASSWORD") or gateway_password()
    with session_scope() as session:
        count = write_auth_files(session, Path(argv[0]), secret)
    print(f"{count} cabinets + the gateway written to {argv[0]}; send SIGHUP to mosquitto")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
