"""Who may connect to the embedded broker, under which client id, and to which topics.

- A cabinet signs in with its MQTT username and the password derived from its current secret
  (app/cabinets/services/credentials.py); its client id must be its code, so no credentials but its
  own reach its session. A retired cabinet or one without a secret is refused.
- Gateways sign in as GATEWAY_USERNAME with the gateway secret; each one's client id is derived
  from its GATEWAY_ID with that secret (`gateway_client_id`): nobody without the secret can name
  a gateway's session ahead, and a cabinet cannot use such an id at all. On Mosquitto the same
  derived id is the gateway's user name (hardware/mosquitto/README.md).
- A cabinet may publish only under its own topics, subscribe to and receive only its own command
  topic, and set a last will only on its own topics. The gateway reaches every topic.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Iterable, Mapping

from amqtt.contexts import Action
from amqtt.mqtt.connack import IDENTIFIER_REJECTED, NOT_AUTHORIZED
from amqtt.session import Session
from sqlmodel import col

from app.cabinets.models import Cabinet, CabinetStatus
from app.cabinets.services.credentials import decrypt_secret, mqtt_password
from app.core.config import get_settings
from app.core.db import session_scope
from app.core.errors import DomainError
from app.core.tenancy import TenantScope, scoped_select

logger = logging.getLogger(__name__)
GATEWAY_USERNAME = "cc-gateway"
GATEWAY_CLIENT_ID = re.compile(r"^cc-gw-[0-9a-f]{32}$")
_OWN_UP = re.compile(r"^cc/v1/[^/+#]+/(?P<cab>[^/+#]+)/(event|telemetry|ack|state)$")
_OWN_DOWN = re.compile(r"^cc/v1/[^/+#]+/(?P<cab>[^/+#]+)/cmd$")
_UNSIGNED_UP = re.compile(r"^cc/v1/[^/+#]+/[^/+#]+/state$")


def gateway_password(secret_key: str | None = None) -> str:
    key = (secret_key or get_settings().secret_key).encode("utf-8")
    return hmac.new(key, b"embedded-broker-gateway-v1", hashlib.sha256).hexdigest()


def gateway_client_id(gateway_id: str, gateway_secret: str) -> str:
    """The MQTT client id of the gateway process `gateway_id` (its GATEWAY_ID)."""
    message = f"gateway-client-id-v1:{gateway_id}".encode()
    digest = hmac.new(gateway_secret.encode("utf-8"), message, hashlib.sha256).hexdigest()
    return f"cc-gw-{digest[:32]}"


def _current_passwords(usernames: Iterable[str]) -> dict[str, tuple[str, str]]:
    """username → (cabinet code, MQTT password of its current secret), for every cabinet among
    `usernames` that may connect now (one query)."""
    wanted = sorted(set(usernames))
    if not wanted:
        return {}
    with session_scope() as session:
        statement = scoped_select(Cabinet, TenantScope.platform()).where(
            col(Cabinet.mqtt_username).in_(wanted),
            col(Cabinet.secret_ciphertext).is_not(None),
            Cabinet.status != CabinetStatus.retired.value,
        )
        found: dict[str, tuple[str, str]] = {}
        for cabinet in session.exec(statement):
            if cabinet.secret_ciphertext is None:  # not selected
                continue
            try:
                secret = decrypt_secret(cabinet.secret_ciphertext)
            except DomainError:  # unreadable (SECRET_KEY changed): it cannot sign in
                continue
            found[cabinet.mqtt_username] = (cabinet.code, mqtt_password(secret))
        return found


def signed_in_as(username: str | None, password: str | None) -> str | None:
    """Who these credentials are: GATEWAY_USERNAME, a cabinet's code, or None (refused)."""
    if not username or not password:
        return None
    if username == GATEWAY_USERNAME:
        return GATEWAY_USERNAME if hmac.compare_digest(gateway_password(), password) else None
    try:
        found = _current_passwords([username]).get(username)
    except Exception:  # an unreadable row or a database hiccup: refuse, never crash
        logger.exception("could not check the MQTT credentials of %s", username[:32])
        return None
    if found is None or not hmac.compare_digest(found[1], password):
        return None
    return found[0]


def client_id_allowed(principal: str, client_id: str | None) -> bool:
    if not client_id:
        return False
    if principal == GATEWAY_USERNAME:
        return GATEWAY_CLIENT_ID.match(client_id) is not None
    return client_id == principal and GATEWAY_CLIENT_ID.match(client_id) is None


def topic_allowed(principal: str | None, topic: str | None, action: Action | None) -> bool:
    """`principal` is what `signed_in_as` returned for the session."""
    if principal == GATEWAY_USERNAME:
        return True
    if not principal or not topic:
        return False
    if action == Action.PUBLISH:
        match = _OWN_UP.match(topic)
    elif action in (Action.SUBSCRIBE, Action.RECEIVE):
        match = _OWN_DOWN.match(topic)
    else:
        return False
    return match is not None and match.group("cab") == principal


def fresh_credentials_needed(principal: str | None, topic: str | None, action: Action) -> bool:
    """Commands going down (a lease carries badge numbers and PIN hashes) and the unsigned
    online/offline state going up are passed only on credentials that still sign in now; the
    signed channels are verified against the current secret by the gateway anyway."""
    if principal in (None, GATEWAY_USERNAME) or not topic:
        return False
    if action == Action.RECEIVE:
        return True
    return action == Action.PUBLISH and _UNSIGNED_UP.match(topic) is not None


def admission_refused(incoming: Session) -> tuple[int, str] | None:
    """Why a CONNECT is refused (CONNACK code and reason), or None: it is admitted, and
    `incoming.cc_principal` says as whom. Runs before any session is looked at."""
    principal = signed_in_as(incoming.username, incoming.password)
    if principal is None:
        return NOT_AUTHORIZED, "bad credentials"
    if not client_id_allowed(principal, incoming.client_id):
        return IDENTIFIER_REJECTED, f"client id not allowed for {principal}"
    if incoming.will_flag and not topic_allowed(principal, incoming.will_topic, Action.PUBLISH):
        return NOT_AUTHORIZED, f"last will on a topic {principal} may not publish"
    incoming.cc_principal = principal
    return None


def stale_sessions(held: Mapping[str, tuple[str | None, str | None, str]]) -> list[str]:
    """The client ids, among cabinets' sessions {client id: (username, password, principal)},
    whose credentials no longer sign in as that cabinet: rotated, retired, or withdrawn."""
    current = _current_passwords(username for username, _, _ in held.values() if username)
    stale = []
    for client_id, (username, password, principal) in held.items():
        found = current.get(username or "")
        if found is None or found[0] != principal or not _same(found[1], password):
            stale.append(client_id)
    return stale


def _same(expected: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(expected, given)
