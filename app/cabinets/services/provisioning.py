"""A cabinet's life in the console: registered (code, name, site, model → its slots from the
model's hardware profile), provisioned with a bundle the installer loads into the controller
(shown once: re-showing means rotating), put in maintenance (no employee opens it; a technician
or an admin from the console still can) and decommissioned (credentials revoked, the broker
refuses it, its history kept). Every change needs `cabinet:provision` and is audited.

The bundle (docs/protocol.md "Provisioning"): broker URL, the cloud's HTTP base URL (camera
snapshots), client id, MQTT username and password, the secret as 64 lowercase hex digits (the
HMAC key is the 32 bytes they decode to), tenant code, topic prefix and protocol version. It is
built from the fresh secret in memory and never stored.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

from sqlmodel import Session, col, func, or_, select

from app.alerts.service import resolve_for_cabinet
from app.audit.services import audit
from app.audit.services.records import Actor, owned_id, record_created
from app.cabinets.models import (
    Cabinet,
    CabinetStatus,
    CommandStatus,
    DeviceCommand,
    Site,
    Slot,
)
from app.cabinets.services.credentials import ProvisionedCredentials, provision
from app.cabinets.services.lease import sync_lease
from app.cabinets.services.profiles import PROFILES, slot_plan
from app.core.config import Settings, get_settings
from app.core.errors import ValidationError
from app.core.model_base import pk
from app.core.tenancy import TenantScope, get_scoped_or_raise
from app.tenants.models import Tenant
from hardware.protocol.messages import Topic

PERMISSION = "cabinet:provision"
BUNDLE_FORMAT = "cabinet-cloud/provisioning"
BUNDLE_FORMAT_VERSION = 1
PROTOCOL_VERSION = 1  # the envelope's `v`
CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,31}$")  # fits topics, the envelope's `cab`, usernames
NAME_MAX = 80
SWITCHABLE = (CabinetStatus.active.value, CabinetStatus.maintenance.value)


@dataclass(frozen=True)
class Provisioned:
    """A cabinet just registered or re-provisioned, and its bundle (shown once)."""

    cabinet_id: int
    cabinet_code: str
    bundle: dict[str, Any]

    @property
    def bundle_json(self) -> str:
        return json.dumps(self.bundle, ensure_ascii=False, indent=2)

    @property
    def filename(self) -> str:
        return f"{self.cabinet_code}-provisioning-v{self.bundle['secret_version']}.json"


def broker_url(settings: Settings | None = None) -> str:
    """Where cabinets connect: CABINET_BROKER_URL, else MQTT_URL (without any credentials in it),
    else the embedded broker of `make run`."""
    settings = settings or get_settings()
    if settings.cabinet_broker_url:
        return settings.cabinet_broker_url
    if settings.mqtt_url:
        parsed = urlparse(settings.mqtt_url)
        port = parsed.port or (8883 if parsed.scheme == "mqtts" else 1883)
        return f"{parsed.scheme}://{parsed.hostname}:{port}"
    return f"mqtt://127.0.0.1:{settings.embedded_mqtt_port}"


def api_url(settings: Settings | None = None) -> str:
    """Where cabinets upload camera snapshots (docs/protocol.md § 13): CABINET_API_URL, else
    this server's own port on localhost (`make run` and its simulated cabinets)."""
    settings = settings or get_settings()
    return settings.cabinet_api_url or f"http://localhost:{settings.port}"


def bundle_of(
    cabinet: Cabinet, tenant_code: str, made: ProvisionedCredentials, now: datetime
) -> dict[str, Any]:
    return {
        "format": BUNDLE_FORMAT,
        "format_version": BUNDLE_FORMAT_VERSION,
        "protocol": PROTOCOL_VERSION,
        "broker_url": broker_url(),
        "api_url": api_url(),
        "tenant": tenant_code,
        "cabinet": cabinet.code,
        "client_id": cabinet.code,
        "mqtt_username": made.mqtt_username,
        "mqtt_password": made.mqtt_password,
        "secret_hex": made.secret_hex,
        "secret_version": made.version,
        "topic_prefix": str(Topic(tenant_code, cabinet.code, "")).rstrip("/"),
        "model": cabinet.model,
        "issued_at": now.astimezone(UTC).isoformat(timespec="seconds"),
    }


def _provisioned(
    session: Session, scope: TenantScope, cabinet: Cabinet, actor: Actor, secret_key: str | None
) -> Provisioned:
    made = provision(
        session=session, scope=scope, cabinet_id=pk(cabinet), actor=actor, secret_key=secret_key
    )
    # sent when the controller is first heard from with these credentials (not before: with
    # the old ones, or none, it could not verify it)
    cabinet.config_due = True
    session.flush()
    tenant_code = session.exec(select(Tenant.code).where(Tenant.id == cabinet.tenant_id)).one()
    bundle = bundle_of(cabinet, tenant_code, made, datetime.now(UTC))
    return Provisioned(pk(cabinet), cabinet.code, bundle)


def _checked_code(session: Session, raw: str) -> str:
    code = (raw or "").strip().upper()
    if not CODE.match(code):
        raise ValidationError("cabinets.bad_code", field="code")
    taken = session.exec(
        select(Cabinet.id).where(or_(Cabinet.code == code, Cabinet.mqtt_username == code.lower()))
    ).first()
    if taken is not None:  # codes are global (topics, QR labels): any tenant's counts
        raise ValidationError("cabinets.code_taken", field="code", code=code)
    return code


def _check_name_free(session: Session, tenant_id: int, site_id: int | None, name: str) -> None:
    """Two cabinets of one site never share a name (people pick a cabinet by its name); no DB
    index: a retired cabinet keeps its name and databases may already hold duplicates."""
    taken = session.exec(
        select(Cabinet.id).where(
            Cabinet.tenant_id == tenant_id,
            col(Cabinet.site_id).is_(None) if site_id is None else Cabinet.site_id == site_id,
            func.lower(Cabinet.name) == name.lower(),
            Cabinet.status != CabinetStatus.retired.value,  # a replacement may take it
        )
    ).first()
    if taken is not None:
        raise ValidationError("cabinets.name_taken", field="cabinet_name", name=name)


def register_cabinet(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int,
    code: str,
    name: str,
    model: str,
    site_id: int | None,
    actor: Actor,
    secret_key: str | None = None,
) -> Provisioned:
    """A new active cabinet of `tenant_id` with the slots of its model, provisioned: its bundle
    (shown once). Everything is checked before anything is written; errors name the field."""
    if not scope.allows(tenant_id):
        raise ValidationError(field="tenant")
    code = _checked_code(session, code)
    name = (name or "").strip()
    if not 1 <= len(name) <= NAME_MAX:
        raise ValidationError(field="cabinet_name")
    profile = PROFILES.get(model)
    if profile is None:
        raise ValidationError(field="model")
    site = owned_id(session, Site, site_id, tenant_id, "site") if site_id else None
    _check_name_free(session, tenant_id, site, name)
    cabinet = Cabinet(
        tenant_id=tenant_id,
        code=code,
        name=name,
        site_id=site,
        model=profile.model,
        status=CabinetStatus.active.value,
        mqtt_username=code.lower(),
    )
    session.add(cabinet)
    session.flush()
    session.add_all(
        Slot(tenant_id=tenant_id, cabinet_id=pk(cabinet), **vars(plan))
        for plan in slot_plan(profile)
    )
    session.flush()
    record_created(session, cabinet, actor=actor)
    return _provisioned(session, scope, cabinet, actor, secret_key)


def rotate_credentials(
    *,
    session: Session,
    scope: TenantScope,
    cabinet_id: int,
    actor: Actor,
    secret_key: str | None = None,
) -> Provisioned:
    """A new secret and bundle (the old ones stop working at once): how a lost bundle is
    shown again, or a replaced controller is set up."""
    cabinet = _not_retired(session, scope, cabinet_id)
    return _provisioned(session, scope, cabinet, actor, secret_key)


def _not_retired(session: Session, scope: TenantScope, cabinet_id: int) -> Cabinet:
    cabinet = get_scoped_or_raise(session, Cabinet, cabinet_id, scope)
    if cabinet.status == CabinetStatus.retired.value:
        raise ValidationError("cabinets.retired", field="cabinet")
    return cabinet


def set_maintenance(
    *, session: Session, scope: TenantScope, cabinet_id: int, on: bool, actor: Actor
) -> Cabinet:
    """Maintenance: no employee opens the cabinet (badge, PIN, phone, offline lease); the
    console's unlock and provider staff's restocks still do. Off: back in service."""
    cabinet = _not_retired(session, scope, cabinet_id)
    status = CabinetStatus.maintenance.value if on else CabinetStatus.active.value
    if cabinet.status == status:
        return cabinet
    before = cabinet.status
    cabinet.status = status
    session.flush()
    _audit(session, cabinet, "cabinet.maintenance" if on else "cabinet.in_service", actor, before)
    if cabinet.is_online and cabinet.secret_ciphertext is not None:
        # the offline lease follows: empty while in maintenance, the people again after
        sync_lease(session=session, scope=scope, cabinet_id=pk(cabinet), actor=actor)
    return cabinet


def decommission(
    *,
    session: Session,
    scope: TenantScope,
    cabinet_id: int,
    actor: Actor,
) -> Cabinet:
    """Retired for good: its secret is deleted (the broker and the gateway refuse it from now
    on), commands still waiting are dropped, its open alerts resolved (nobody can act on
    them); its slots, stock, messages, sessions and
    withdrawals stay for the records."""
    cabinet = _not_retired(session, scope, cabinet_id)
    before = cabinet.status
    cabinet.status = CabinetStatus.retired.value
    cabinet.secret_ciphertext = None
    cabinet.is_online = False
    cabinet.config_due = False
    waiting = session.exec(
        select(DeviceCommand).where(
            DeviceCommand.cabinet_id == cabinet.id,
            col(DeviceCommand.status).in_((CommandStatus.pending.value, CommandStatus.sent.value)),
        )
    ).all()
    for command in waiting:
        command.status = CommandStatus.expired.value
        command.next_retry_at = None
        command.result = {"reason": "decommissioned"}
    resolved = resolve_for_cabinet(
        session=session, tenant_id=cabinet.tenant_id, cabinet_id=pk(cabinet)
    )
    session.flush()
    _audit(
        session,
        cabinet,
        "cabinet.decommission",
        actor,
        before,
        dropped=len(waiting),
        alerts_resolved=resolved,
    )
    return cabinet


def _audit(
    session: Session, cabinet: Cabinet, action: str, actor: Actor, before: str, **extra: Any
) -> None:
    audit.record(
        session=session,
        action=action,
        entity="cabinet",
        entity_id=cabinet.id,
        tenant_id=cabinet.tenant_id,
        actor_account_id=actor.account_id,
        actor_name=actor.name,
        before={"status": before},
        after={"status": cabinet.status, **extra},
        ip=actor.ip,
    )
