"""Cabinet messages counted through the gateway's real ingest path, on a real database: by type
and outcome, refusals by reason, once the batch is stored; a batch rolled back counts nothing."""

from __future__ import annotations

from collections import Counter

import pytest

from app.core.db import session_scope
from app.core.jobs import InProcessDispatcher
from hardware.gateway import BrokerConfig, Gateway
from hardware.ingest import ingest_batch
from hardware.protocol.messages import NonceGuard
from tests.hardware.test_ingest import _committed_cabinet, _msg, _payload
from tests.metrics.conftest import sample

MESSAGES = "cabinet_device_messages_total"
REFUSED = "cabinet_device_refused_total"
SERIES = [
    (MESSAGES, {"type": "alarm", "status": "accepted"}),
    (MESSAGES, {"type": "alarm", "status": "rejected"}),
    (MESSAGES, {"type": "unknown", "status": "rejected"}),
    (REFUSED, {"type": "alarm", "reason": "bad_signature"}),
    (REFUSED, {"type": "unknown", "reason": "bad_json"}),
    ("cabinet_ingest_batch_size_count", {}),
    ("cabinet_ingest_batch_size_sum", {}),
    ("cabinet_alerts_total", {"kind": "seq_gap"}),
]


def _values() -> list[float]:
    return [sample(name, **labels) for name, labels in SERIES]


def _gateway(engine) -> Gateway:
    async def nothing(ctx, *args) -> None:
        return None

    jobs = {"handle_device_message": nothing, "handle_device_messages": nothing}
    return Gateway(
        BrokerConfig(hostname="unused"),
        unit_of_work=lambda: session_scope(engine),
        dispatcher=InProcessDispatcher(functions=jobs),
    )


def _mixed_batch(engine) -> list[tuple[str, bytes]]:
    """Two alarms in sequence, a forged one, and garbage."""
    tenant, cab, secret = _committed_cabinet(engine)
    topic, _ = _msg(tenant, cab, secret, 0)
    return [
        _payload(_msg(tenant, cab, secret, 0)),
        _payload(_msg(tenant, cab, secret, 1)),
        _payload(_msg(tenant, cab, b"not-the-cabinets-secret", 2)),
        (topic, b"{"),
    ]


async def test_a_stored_batch_is_counted_by_type_and_its_refusals_by_reason(engine) -> None:
    before = _values()
    results = await _gateway(engine).handle_batch(_mixed_batch(engine))
    assert [r.code for r in results] == [None, None, "bad_signature", "bad_json"]
    grown = [after - was for after, was in zip(_values(), before, strict=True)]
    assert grown == [2, 1, 1, 1, 1, 1, 4, 0]


async def test_a_gap_in_the_sequence_counts_one_alert(engine) -> None:
    tenant, cab, secret = _committed_cabinet(engine)
    before = sample("cabinet_alerts_total", kind="seq_gap")
    gateway = _gateway(engine)
    await gateway.handle_batch([_payload(_msg(tenant, cab, secret, 0))])
    await gateway.handle_batch([_payload(_msg(tenant, cab, secret, seq)) for seq in (5, 7)])
    assert sample("cabinet_alerts_total", kind="seq_gap") == before + 1  # one root cause


def test_a_batch_whose_unit_of_work_rolls_back_counts_nothing(engine) -> None:
    batch = _mixed_batch(engine)
    before = _values()
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        results = ingest_batch(
            session=session,
            messages=batch,
            guard=NonceGuard(),
            now_ms=_now_of(batch[0]),
            rejections=Counter(),
        )
        assert [r.status for r in results][:2] == ["accepted", "accepted"]
        raise RuntimeError("the unit of work fails after the ingest")
    assert _values() == before


def _now_of(topic_payload: tuple[str, bytes]) -> int:
    import json

    return json.loads(topic_payload[1])["ts"]
