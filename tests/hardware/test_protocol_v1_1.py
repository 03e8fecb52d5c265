"""Protocol v1.1, backward compatible: heartbeats may carry each scale's idle statistics and a
door-closed reading its series and its baseline's time; v1 messages without them still pass."""

from __future__ import annotations

import json

import pytest

from hardware.protocol import examples
from hardware.protocol.messages import ProtocolError, build, decode, schema_problem

SECRET = b"s3cret-for-tests-only-0123456789"
STATS = {"slot": "A1", "n": 60, "mean_mg": 1260000, "sd_mg": 480, "min_mg": 1259000}
STATS |= {"max_mg": 1261000, "span_s": 30}
READING = {"slot": "A1", "before_mg": 1260000, "after_mg": 1218000, "stable": True}


def _decoded(message_type: str, body: dict) -> dict:
    topic, message = build(
        secret=SECRET,
        tenant="TN-XY",
        cabinet="CAB-SH-001",
        boot="boot0001",
        seq=7,
        message_type=message_type,
        body=body,
    )
    return decode(topic, json.dumps(message).encode())[1]


def test_a_heartbeat_with_scale_statistics_passes_and_one_without_still_does() -> None:
    with_stats = {**examples.BODIES["heartbeat"], "scales": [STATS]}
    assert _decoded("heartbeat", with_stats)["body"]["scales"] == [STATS]
    assert "scales" not in _decoded("heartbeat", examples.BODIES["heartbeat"])["body"]


def test_a_door_closed_reading_with_series_and_baseline_time_passes() -> None:
    reading = READING | {"series_mg": [1218400, 1218100, 1218000], "baseline_at": examples.T0}
    body = {**examples.BODIES["door.closed"], "readings": [reading]}
    assert _decoded("door.closed", body)["body"]["readings"] == [reading]
    assert schema_problem("door.closed", examples.BODIES["door.closed"]) is None


@pytest.mark.parametrize(
    ("message_type", "body", "field"),
    [
        ("heartbeat", {"scales": [STATS | {"sd_mg": -1}]}, "sd_mg"),
        ("heartbeat", {"scales": [STATS | {"n": 0}]}, "n"),
        ("heartbeat", {"scales": [STATS | {"span_s": 86401}]}, "span_s"),
        ("heartbeat", {"scales": [{k: v for k, v in STATS.items() if k != "mean_mg"}]}, "mean_mg"),
        ("heartbeat", {"scales": [STATS | {"unit": "g"}]}, "unit"),
        ("door.closed", {"readings": [READING | {"series_mg": []}]}, "series_mg"),
        ("door.closed", {"readings": [READING | {"series_mg": [1] * 17}]}, "series_mg"),
        ("door.closed", {"readings": [READING | {"series_mg": [2**40]}]}, "series_mg"),
        ("door.closed", {"readings": [READING | {"baseline_at": 5}]}, "baseline_at"),
    ],
)
def test_bad_statistics_and_series_are_refused_naming_the_field(message_type, body, field) -> None:
    full = {**examples.BODIES[message_type], **body}
    with pytest.raises(ProtocolError) as refused:
        _decoded(message_type, full)
    assert refused.value.code == "schema"
    assert field in refused.value.detail
