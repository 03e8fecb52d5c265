"""aiomqtt still has what hardware/mqtt_internals.py reaches past its public API for: an upgrade
that moves one fails here, naming it, rather than in a gateway under load."""

from __future__ import annotations

import asyncio

import aiomqtt
import paho.mqtt.client as paho

from hardware import mqtt_internals


async def test_the_paho_client_under_aiomqtt_and_its_calls_are_there() -> None:
    client = aiomqtt.Client("127.0.0.1", 1883)
    under = mqtt_internals.paho_client(client)
    assert isinstance(under, paho.Client)
    for name in ("manual_ack_set", "ack", "publish", "socket"):
        assert callable(getattr(under, name, None)), f"paho.Client.{name}"
    assert mqtt_internals.raw_socket(client) is None  # not connected
    mqtt_internals.acknowledge_manually(client)


async def test_the_incoming_queue_is_an_asyncio_queue_aiomqtt_fills() -> None:
    client = aiomqtt.Client("127.0.0.1", 1883)
    queue = mqtt_internals.incoming(client)
    assert isinstance(queue, asyncio.Queue)
    assert queue.empty()
    message = aiomqtt.Message("t", b"x", qos=1, retain=False, mid=7, properties=None)
    client._on_message(None, None, _paho_message("t", b"x", mid=7))  # what paho calls
    arrived = queue.get_nowait()
    assert (str(arrived.topic), arrived.payload, arrived.mid) == (
        str(message.topic),
        message.payload,
        7,
    )


def _paho_message(topic: str, payload: bytes, mid: int) -> paho.MQTTMessage:
    message = paho.MQTTMessage(mid=mid, topic=topic.encode())
    message.payload = payload
    message.qos = 1
    return message
