"""A redelivery storm: every cabinet's door.closed sent again and again, as the broker redelivers
it (the very envelope it first carried, nonce and all) and as the firmware resends it after a
lost answer (same id and seq, a new timestamp and nonce). Each cabinet sends its copies on its
own connection (its own credentials and ACL) and counts the answers (msg.ack) it gets."""

from __future__ import annotations

import asyncio
import json
from contextlib import AsyncExitStack

from sqlmodel import Session, select

from app.cabinets.models import DeviceMessage
from app.core.db import make_engine
from hardware.protocol.canonical import sign
from hardware.protocol.messages import build, topic_for
from tests.bench.door_close_fleet import BenchCabinet, World, cabinet_client


def _first_sent(url: str, world: World) -> dict[int, dict]:
    """Each cabinet's door.closed as it was stored (the envelope without its signature)."""
    engine = make_engine(url)
    with Session(engine) as session:
        rows = session.exec(
            select(DeviceMessage).where(
                DeviceMessage.tenant_id == world.tenant_id, DeviceMessage.type == "door.closed"
            )
        ).all()
        stored = {row.cabinet_id: dict(row.payload) for row in rows}
    engine.dispose()
    return stored


def _copies(cabinet: BenchCabinet, tenant: str, first: dict, count: int) -> list[tuple[str, str]]:
    """`count` copies: odd ones the first envelope again, even ones firmware resends."""
    topic = str(topic_for(tenant, cabinet.code, "door.closed"))
    again = first | {"sig": sign(cabinet.secret, topic, first)}
    copies = []
    for n in range(count):
        if n % 2:
            copies.append((topic, json.dumps(again)))
            continue
        _, resent = build(
            secret=cabinet.secret,
            tenant=tenant,
            cabinet=cabinet.code,
            boot=first["boot"],
            seq=first["seq"],
            message_type="door.closed",
            body=first["body"],
            message_id=first["id"],
        )
        copies.append((topic, json.dumps(resent)))
    return copies


async def _one_cabinet(
    stack: AsyncExitStack, port: int, cabinet: BenchCabinet, tenant: str, copies: list
) -> asyncio.Future[int]:
    """Connects, sends the copies; the answers counted until the returned future is awaited."""
    client = await stack.enter_async_context(
        cabinet_client(port, cabinet, max_inflight_messages=50)
    )
    await client.subscribe(f"cc/v1/{tenant}/{cabinet.code}/cmd", qos=1)
    answered = 0
    done = asyncio.get_running_loop().create_future()

    async def count_answers() -> None:
        nonlocal answered
        async for message in client.messages:
            if json.loads(message.payload).get("type") == "msg.ack":
                answered += 1
                if answered == len(copies) and not done.done():
                    done.set_result(answered)

    stack.push_async_callback(_cancelled, asyncio.create_task(count_answers()))
    for topic, payload in copies:
        await client.publish(topic, payload, qos=1)
    return done, lambda: answered


async def _cancelled(task: asyncio.Task) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def storm(url: str, world: World, port: int, total: int, within_s: float) -> tuple[int, int]:
    """`total` copies spread over the fleet; (sent, answered) once every copy is answered or
    `within_s` has passed."""
    first = _first_sent(url, world)
    per_cabinet = total // len(world.cabinets)
    async with AsyncExitStack() as stack:
        waiting = await asyncio.gather(
            *(
                _one_cabinet(
                    stack,
                    port,
                    c,
                    world.tenant_code,
                    _copies(c, world.tenant_code, first[c.cabinet_id], per_cabinet),
                )
                for c in world.cabinets
            )
        )
        sent = per_cabinet * len(world.cabinets)
        try:
            async with asyncio.timeout(within_s):
                await asyncio.gather(*(done for done, _ in waiting))
        except TimeoutError:
            pass
        return sent, sum(count() for _, count in waiting)
