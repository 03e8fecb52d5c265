"""The embedded MQTT broker (amqtt) used when MQTT_URL is unset: for development and one-box demos.

Never anonymous (amqtt drops offline messages of anonymous sessions): each cabinet signs in with
its code and the MQTT password derived from its secret (app/cabinets/services/credentials.py), the
gateway with a password derived from SECRET_KEY. Who may do what is hardware/broker_access.py: a
cabinet's client id is its code, a gateway's is derived from the gateway secret; a cabinet may
publish only under its own topics and subscribe only to its own command topic.

`CabinetBroker` is amqtt's Broker with what it gets wrong for us put right:
- amqtt looks up, takes over or wipes the session of the client id a CONNECT names before it
  checks the credentials: anyone (wrong credentials, another tenant's cabinet) could end any
  session, the gateway's included. Here a connection is admitted first (credentials, client id,
  will topic) and refused with nothing touched;
- a clean-session CONNECT dropped the old session but left its connection running, detached;
- on connect, amqtt sends a client the retained messages matching every subscription of every
  client, and it does not ask the ACL: here only the client's own subscriptions, and only what
  it may receive;
- credentials checked once at connect stay good for ever: here sessions whose credentials were
  rotated or withdrawn are ended within RECHECK_S, and a command or a state is never passed
  on credentials that no longer sign in;
- amqtt speaks MQTT 3.1.1 only, but it reads an MQTT 5 CONNECT as 3.1.1 before looking at its
  protocol level: the properties MQTT 5 adds send it waiting for bytes that never come, and the
  client times out in silence. Here the level is read first and anything but 3.1.1 (level 4) is
  refused at once with CONNACK 0x01, unacceptable protocol version [MQTT-3.1.2-2] (what MQTT 5
  clients such as paho report as "Unsupported protocol version").
amqtt keeps sessions in memory: production uses Mosquitto/EMQX, which speak 3.1.1 and 5, through
MQTT_URL (hardware/mosquitto/).
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from amqtt.adapters import ReaderAdapter
from amqtt.broker import Broker
from amqtt.codecs_amqtt import read_or_raise
from amqtt.contexts import Action
from amqtt.errors import AMQTTError, MQTTError, NoDataError
from amqtt.mqtt.connack import UNACCEPTABLE_PROTOCOL_VERSION, ConnackPacket
from amqtt.mqtt.protocol.broker_handler import BrokerProtocolHandler
from amqtt.plugins.base import BaseTopicPlugin
from amqtt.session import Session

from app.core.config import get_settings
from hardware.broker_access import (
    GATEWAY_USERNAME,
    admission_refused,
    fresh_credentials_needed,
    gateway_client_id,
    gateway_password,
    signed_in_as,
    stale_sessions,
    topic_allowed,
)

if TYPE_CHECKING:
    from hardware.gateway import BrokerConfig

__all__ = ["GATEWAY_USERNAME", "gateway_client_id", "gateway_password", "topic_allowed"]
logger = logging.getLogger(__name__)
RECHECK_S = 2.0
MQTT_311_LEVEL = 4
SESSION_FIELDS = (
    "will_flag",
    "will_message",
    "will_topic",
    "will_qos",
    "will_retain",
    "keep_alive",
    "username",
    "password",
    "cc_principal",
)


class CabinetTopicPlugin(BaseTopicPlugin):  # type: ignore[misc]  # amqtt: untyped
    @dataclass
    class Config:
        pass

    async def topic_filtering(
        self, *, session: Any = None, topic: str | None = None, action: Action | None = None
    ) -> bool:
        principal = getattr(session, "cc_principal", None)
        allowed = topic_allowed(principal, topic, action)
        if allowed and fresh_credentials_needed(principal, topic, action):
            signed = await asyncio.to_thread(signed_in_as, session.username, session.password)
            allowed = signed == principal
        if not allowed:
            logger.warning("refused %s on %s for %s", action, topic, principal)
        return allowed


TAKE_OVER_S = 5.0
SHUTDOWN_S = 10.0  # amqtt's shutdown waits on every client's handler; one stuck must not hang us


class CabinetBroker(Broker):  # type: ignore[misc]  # amqtt: untyped
    """amqtt's Broker, admitting a connection before touching any session (module docstring)."""

    def __init__(self, config: dict[str, Any], *, recheck_s: float = RECHECK_S) -> None:
        super().__init__(config)
        self._recheck_s = recheck_s
        self._rechecking: asyncio.Task[Any] | None = None

    async def start(self) -> None:
        await super().start()
        self._rechecking = asyncio.create_task(self._recheck_forever())

    async def shutdown(self) -> None:
        if self._rechecking is not None:
            self._rechecking.cancel()
            await asyncio.gather(self._rechecking, return_exceptions=True)
        try:
            async with asyncio.timeout(SHUTDOWN_S):
                await super().shutdown()
        except TimeoutError:
            logger.warning(
                "the broker did not stop within %.0f s: its listeners closed", SHUTDOWN_S
            )
            for server in self._servers.values():
                if server.instance is not None:
                    server.instance.close()

    async def _initialize_client_session(
        self, reader: Any, writer: Any, remote_address: str, remote_port: int
    ) -> tuple[BrokerProtocolHandler, Session]:
        try:
            level, head = await _connect_protocol_level(reader)
            if level is not None and level != MQTT_311_LEVEL:
                await _refuse(writer, UNACCEPTABLE_PROTOCOL_VERSION)
                logger.warning("refused MQTT protocol level %s from %s", level, remote_address)
                raise MQTTError(f"MQTT protocol level {level}: only 3.1.1 (4) is spoken here")
            handler, incoming = await BrokerProtocolHandler.init_from_connect(
                _ReadAhead(head, reader), writer, self.plugins_manager
            )
        except (AMQTTError, MQTTError, NoDataError) as unreadable:
            await _close(writer)
            raise AMQTTError(unreadable) from unreadable
        refusal = await asyncio.to_thread(admission_refused, incoming)
        if refusal is not None:
            code, reason = refusal
            await _refuse(writer, code)
            client_id = str(incoming.client_id)[:64]
            logger.warning("refused MQTT client %r from %s: %s", client_id, remote_address, reason)
            raise MQTTError(reason)
        return handler, await self._session_for(incoming)

    async def _session_for(self, incoming: Session) -> Session:
        """The session this admitted connection continues: a new one (clean session: the old
        one ends, its connection included), or the one its client id kept."""
        kept, holder = self._sessions.get(incoming.client_id, (None, None))
        if kept is not None and holder is not None and kept.transitions.is_connected():
            await self._take_over(kept, holder)
        if incoming.clean_session:
            await self.end_session(incoming.client_id)
            session, incoming.parent = incoming, 0
        elif kept is not None:
            for name in SESSION_FIELDS:
                setattr(kept, name, getattr(incoming, name, None))
            session, kept.parent = kept, 1
        else:
            session, incoming.parent = incoming, 0
        delay = self.config.get("timeout-disconnect-delay", 0)
        if session.keep_alive > 0 and isinstance(delay, int):
            session.keep_alive += delay
        return session

    async def _take_over(self, kept: Session, holder: BrokerProtocolHandler) -> None:
        """The client id is connected already (a half-open connection the cabinet gave up on):
        close that connection and wait until amqtt has let go of it, before the session
        continues on the new one. amqtt's own take-over marks the shared session disconnected
        after the new connection has it, and the new connection then receives nothing."""
        kept.will_flag = False  # the cabinet is back: its last will is not news
        with suppress(Exception):
            await holder.handle_connection_closed()
        async with asyncio.timeout(TAKE_OVER_S):
            while kept.transitions.is_connected():  # noqa: ASYNC110 - amqtt's state machine
                await asyncio.sleep(0.01)

    async def _authenticate(self, session: Session, _: Any) -> bool:
        return getattr(session, "cc_principal", None) is not None  # admitted above, or never here

    async def _publish_retained_messages_for_subscription(
        self, subscription: tuple[str, int], session: Session
    ) -> None:
        """Only for a subscription the session holds (amqtt calls this, at connect, with every
        client's), and only what the session may receive."""
        topic_filter, qos = subscription
        handler = self._get_handler(session)
        holders = self._subscriptions.get(topic_filter, [])
        if handler is None or all(s.client_id != session.client_id for s, _ in holders):
            return
        sends = []
        for topic, retained in list(self._retained_messages.items()):
            if self._matches(topic, topic_filter) and await self._topic_filtering(
                session, topic, Action.RECEIVE
            ):
                level = min(qos, retained.qos or qos)
                sends.append(handler.mqtt_publish(topic, retained.data, level, retain=True))
        if sends:
            await asyncio.gather(*sends)

    async def end_session(self, client_id: str) -> None:
        """Close the client id's connection, if any, and forget its session (subscriptions,
        queued messages)."""
        session, handler = self._sessions.get(client_id, (None, None))
        if session is None:
            return
        session.will_flag = False  # ended by the broker: its last will is not news
        if handler is not None:
            await handler.handle_connection_closed()
        await self._cleanup_session(client_id)

    async def recheck_sessions(self) -> list[str]:
        """End every cabinet session whose credentials no longer sign in (rotated, retired)."""
        held = {
            client_id: (s.username, s.password, s.cc_principal)
            for client_id, (s, _) in list(self._sessions.items())
            if getattr(s, "cc_principal", GATEWAY_USERNAME) != GATEWAY_USERNAME
        }
        checked = await asyncio.to_thread(stale_sessions, held) if held else []
        # the check ran in a thread: a cabinet that reconnected meanwhile with its new
        # credentials holds a new session under the same id, which must not be ended
        stale = [c for c in checked if self._signed_in_as(c) == held[c][:2]]
        for client_id in stale:
            logger.warning("ended MQTT session %s: its credentials changed", client_id)
            await self.end_session(client_id)
        return stale

    def _signed_in_as(self, client_id: str) -> tuple[str | None, str | None] | None:
        held = self._sessions.get(client_id)
        return (held[0].username, held[0].password) if held is not None else None

    async def _recheck_forever(self) -> None:
        while True:
            await asyncio.sleep(self._recheck_s)
            try:
                await self.recheck_sessions()
            except Exception:  # the database: try again next time
                logger.exception("could not re-check the MQTT sessions' credentials")


async def _close(writer: Any) -> None:
    with suppress(Exception):
        await writer.close()


async def _refuse(writer: Any, code: int) -> None:
    """A CONNACK with this return code, then the connection closed."""
    with suppress(Exception):  # the client may be gone already
        await ConnackPacket.build(0, code).to_stream(writer)
    await _close(writer)


async def _connect_protocol_level(reader: ReaderAdapter) -> tuple[int | None, bytes]:
    """Read the first packet's fixed header and, for an MQTT CONNECT, its protocol name and
    level: (the level, or None when it is no such CONNECT — amqtt refuses those itself — and
    the bytes read, which amqtt must still see)."""
    head = await read_or_raise(reader, 1)
    if head[0] != 0x10:  # CONNECT, no flags
        return None, head
    remaining = 0
    for shift in (0, 7, 14, 21):  # the remaining length, a variable byte integer
        byte = await read_or_raise(reader, 1)
        head += byte
        remaining |= (byte[0] & 0x7F) << shift
        if not byte[0] & 0x80:
            break
    if remaining < 7:
        return None, head
    name_and_level = await read_or_raise(reader, 7)
    head += name_and_level
    if name_and_level[:6] != b"\x00\x04MQTT":
        return None, head
    return name_and_level[6], head


class _ReadAhead(ReaderAdapter):  # type: ignore[misc]  # amqtt: untyped
    """The bytes read ahead of amqtt's CONNECT parser served to it first, then the stream."""

    def __init__(self, head: bytes, stream: ReaderAdapter) -> None:
        self._head, self._stream = head, stream

    async def read(self, n: int = -1) -> bytes:
        data: bytes
        if n == -1:
            data, self._head = self._head + await self._stream.read(-1), b""
            return data
        data, self._head = self._head[:n], self._head[n:]
        if len(data) < n:
            data += await self._stream.read(n - len(data))
        return data

    def feed_eof(self) -> None:
        self._stream.feed_eof()


def broker_config(port: int, host: str = "127.0.0.1") -> dict[str, Any]:
    return {
        "listeners": {"default": {"type": "tcp", "bind": f"{host}:{port}"}},
        "plugins": {
            f"{__name__}.CabinetTopicPlugin": {},
        },
    }


async def start_embedded_broker(port: int | None = None) -> Broker:
    """Start the broker inside the running event loop; call `await broker.shutdown()` to stop."""
    broker = CabinetBroker(broker_config(port or get_settings().embedded_mqtt_port))
    await broker.start()
    return broker


def embedded_gateway_config(port: int, gateway_id: str) -> BrokerConfig:
    """How the gateway `gateway_id` signs in to the embedded broker (3.1.1, plain
    subscriptions)."""
    from hardware.gateway import BrokerConfig

    return BrokerConfig(
        hostname="127.0.0.1",
        port=port,
        username=GATEWAY_USERNAME,
        password=gateway_password(),
        mqtt5=False,  # amqtt speaks 3.1.1 only
        share_group=None,
        client_id=gateway_client_id(gateway_id, gateway_password()),
    )
