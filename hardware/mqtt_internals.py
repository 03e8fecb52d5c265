"""The parts of aiomqtt we use past its public API, in one place: the paho client under it (to
acknowledge a QoS 1 message only once it is stored, to publish without awaiting, to pull the
cable in the simulator) and its incoming queue (to take a whole batch at once).
tests/hardware/test_mqtt_internals.py fails, naming the attribute, when an aiomqtt upgrade
moves one of them."""

from __future__ import annotations

import asyncio
import socket
from typing import cast

import aiomqtt
import paho.mqtt.client as paho


def paho_client(client: aiomqtt.Client) -> paho.Client:
    return client._client


def incoming(client: aiomqtt.Client) -> asyncio.Queue[aiomqtt.Message]:
    """The queue aiomqtt fills as messages arrive (what `client.messages` iterates over)."""
    return client._queue


def acknowledge_manually(client: aiomqtt.Client) -> None:
    """paho acknowledges a QoS 1 message as soon as aiomqtt queues it; from now on only `ack`."""
    paho_client(client).manual_ack_set(True)


def ack(client: aiomqtt.Client, message: aiomqtt.Message) -> None:
    paho_client(client).ack(message.mid, message.qos)


def publish_queued(client: aiomqtt.Client, topic: str, payload: bytes, qos: int = 0) -> None:
    """Hand a message to paho's outgoing queue without awaiting its delivery."""
    paho_client(client).publish(topic, payload, qos=qos)


def raw_socket(client: aiomqtt.Client) -> socket.socket | None:
    return cast(socket.socket | None, paho_client(client).socket())  # a TCP client: a socket
