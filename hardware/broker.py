"""The embedded MQTT broker (amqtt) used when MQTT_URL is unset: for development and one-box demos.

Never anonymous (amqtt drops offline messages of anonymous sessions): each cabinet signs in with
its code and the MQTT password derived from its secret (app/cabinets/credentials.py), the gateway
with a password derived from SECRET_KEY. A cabinet may publish only under its own topics and
subscribe only to its own command topic. amqtt speaks MQTT 3.1.1 only and keeps sessions in
memory: production uses Mosquitto/EMQX through MQTT_URL.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
from dataclasses import dataclass
from typing import Any

from amqtt.broker import Broker
from amqtt.contexts import Action
from amqtt.plugins.base import BaseAuthPlugin, BaseTopicPlugin

from app.cabinets.credentials import mqtt_password
from app.core.config import get_settings
from app.core.db import session_scope

logger = logging.getLogger(__name__)
GATEWAY_USERNAME = "cc-gateway"
_OWN_UP = re.compile(r"^cc/v1/[^/+#]+/(?P<cab>[^/+#]+)/(event|telemetry|ack|state)$")
_OWN_DOWN = re.compile(r"^cc/v1/[^/+#]+/(?P<cab>[^/+#]+)/cmd$")


def gateway_password(secret_key: str | None = None) -> str:
    key = (secret_key or get_settings().secret_key).encode("utf-8")
    return hmac.new(key, b"embedded-broker-gateway-v1", hashlib.sha256).hexdigest()


def _cabinet_signing_in(username: str, password: str) -> str | None:
    """The code of the cabinet these MQTT credentials belong to, or None."""
    from app.cabinets.credentials import decrypt_secret
    from app.cabinets.models import Cabinet
    from app.core.tenancy import TenantScope, scoped_select

    with session_scope() as session:
        statement = scoped_select(Cabinet, TenantScope.platform()).where(
            Cabinet.mqtt_username == username
        )
        cabinet = session.exec(statement).first()
        if cabinet is None or cabinet.secret_ciphertext is None or cabinet.status == "retired":
            return None
        expected = mqtt_password(decrypt_secret(cabinet.secret_ciphertext))
        return cabinet.code if hmac.compare_digest(expected, password) else None


def signed_in_as(username: str | None, password: str | None) -> str | None:
    """Who these credentials are: GATEWAY_USERNAME, a cabinet's code, or None (refused)."""
    if not username or not password:
        return None
    if username == GATEWAY_USERNAME:
        return GATEWAY_USERNAME if hmac.compare_digest(gateway_password(), password) else None
    try:
        return _cabinet_signing_in(username, password)
    except Exception:  # an unreadable secret or a database hiccup: refuse, never crash
        logger.exception("could not check the MQTT credentials of %s", username[:32])
        return None


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


class CabinetAuthPlugin(BaseAuthPlugin):
    @dataclass
    class Config:
        pass

    async def authenticate(self, *, session: Any) -> bool:
        principal = await asyncio.to_thread(signed_in_as, session.username, session.password)
        session.cc_principal = principal  # what the topic plugin checks against
        return principal is not None


class CabinetTopicPlugin(BaseTopicPlugin):
    @dataclass
    class Config:
        pass

    async def topic_filtering(
        self, *, session: Any = None, topic: str | None = None, action: Action | None = None
    ) -> bool:
        principal = getattr(session, "cc_principal", None)
        allowed = topic_allowed(principal, topic, action)
        if not allowed:
            logger.warning("refused %s on %s for %s", action, topic, principal)
        return allowed


def broker_config(port: int, host: str = "127.0.0.1") -> dict[str, Any]:
    return {
        "listeners": {"default": {"type": "tcp", "bind": f"{host}:{port}"}},
        "plugins": {
            f"{__name__}.CabinetAuthPlugin": {},
            f"{__name__}.CabinetTopicPlugin": {},
        },
    }


async def start_embedded_broker(port: int | None = None) -> Broker:
    """Start the broker inside the running event loop; call `await broker.shutdown()` to stop."""
    broker = Broker(broker_config(port or get_settings().embedded_mqtt_port))
    await broker.start()
    return broker


def embedded_gateway_config(port: int, client_id: str):
    """How a gateway signs in to the embedded broker (3.1.1, plain subscriptions)."""
    from hardware.gateway import BrokerConfig

    return BrokerConfig(
        hostname="127.0.0.1",
        port=port,
        username=GATEWAY_USERNAME,
        password=gateway_password(),
        mqtt5=False,  # amqtt speaks 3.1.1 only
        share_group=None,
        client_id=client_id,
    )
