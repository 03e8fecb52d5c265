"""Protocol v1: the schemas, the signing rule and the receive checks, and docs/protocol.md's
examples passing exactly the checks the gateway runs."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest

from hardware.protocol import examples
from hardware.protocol.canonical import canonical_json, canonical_string
from hardware.protocol.messages import (
    CHANNEL_OF_TYPE,
    DOWN_TYPES,
    HTTP_TYPES,
    SCHEMAS,
    WINDOW_MS,
    NonceGuard,
    ProtocolError,
    Topic,
    build,
    decode,
    decode_http,
    verify,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"
SECRET = b"s3cret-for-tests-only-0123456789"


def _payload(message: dict) -> bytes:
    return json.dumps(message).encode()


def _refused(code: str, topic: str, payload: bytes, secret: bytes = SECRET) -> None:
    with pytest.raises(ProtocolError) as refused:
        parsed_topic, message = decode(topic, payload)
        verify(secret, parsed_topic, message)
    assert refused.value.code == code, refused.value


def _door_closed(**changes) -> tuple[str, dict]:
    body = {**examples.BODIES["door.closed"], **changes}
    return build(
        secret=SECRET,
        tenant="TN-XY",
        cabinet="CAB-SH-001",
        boot="boot0001",
        seq=7,
        message_type="door.closed",
        body=body,
    )


def test_every_type_has_a_valid_schema_and_every_schema_a_type() -> None:
    from jsonschema import Draft202012Validator

    envelope = json.loads((SCHEMAS / "envelope.json").read_text())
    types = set(envelope["properties"]["type"]["enum"])
    assert types == set(CHANNEL_OF_TYPE) | set(DOWN_TYPES) | set(HTTP_TYPES)
    assert types == set(examples.BODIES) | {examples.snapshot_example()[1]["type"]}
    files = {p.stem for p in SCHEMAS.glob("*.json")} - {"envelope"}
    assert files == types
    for path in SCHEMAS.glob("*.json"):
        Draft202012Validator.check_schema(json.loads(path.read_text()))


def test_the_documents_examples_pass_the_gateways_checks_and_are_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    found = re.findall(r"Topic `([^`]+)`\n\n```json\n(.*?)\n```", text, flags=re.S)
    assert len(found) == len(examples.BODIES)
    guard = NonceGuard()
    for topic_text, block in found:
        topic, message = decode(topic_text, block.encode())
        verify(examples.EXAMPLE_SECRET, topic, message)
        guard.check(message, now_ms=message["ts"])
    assert examples.render() in text, "docs/protocol.md examples are stale: re-run the renderer"


def test_the_worked_signing_example_in_the_document_is_right() -> None:
    topic, message = examples.example("heartbeat", 1)
    text = DOC.read_text(encoding="utf-8")
    assert canonical_string(topic, message).decode() in text
    assert message["sig"] in text


def test_the_documents_snapshot_example_is_signed_right_and_current() -> None:
    """§ 13: the request's header is the envelope, signed for `…/snapshot`; its body names the
    image's size and SHA-256; the document shows what the renderer makes."""
    text = DOC.read_text(encoding="utf-8")
    chapter = text[text.index("## 13. Snapshots over HTTP") :]
    assert examples.render_snapshot() in chapter, "§ 13's example is stale: re-run the renderer"
    header = re.search(r"^X-CC-Envelope: (.*)$", chapter, flags=re.M).group(1)
    image = base64.b64decode(re.search(r"base64\):\n\n```\n(.*?)\n```", chapter).group(1))
    message = decode_http(header.encode(), "snapshot")
    verify(examples.EXAMPLE_SECRET, Topic("TN-XY", "CAB-SH-001", "snapshot"), message)
    assert message["body"]["bytes"] == len(image)
    assert message["body"]["sha256"] == hashlib.sha256(image).hexdigest()
    assert canonical_string("cc/v1/TN-XY/CAB-SH-001/snapshot", message).decode() in chapter
    closed = examples.BODIES["door.closed"]["snapshots"]
    assert message["body"]["snapshot"] in closed["after"]


def test_a_snapshot_is_never_taken_over_mqtt() -> None:
    _, message = examples.snapshot_example()
    for channel in ("snapshot", "event"):
        _refused("wrong_topic", f"cc/v1/TN-XY/CAB-SH-001/{channel}", _payload(message))


def test_a_built_message_decodes_and_verifies() -> None:
    topic, message = _door_closed()
    parsed, decoded = decode(topic, _payload(message))
    verify(SECRET, parsed, decoded)
    assert (parsed.tenant, parsed.cabinet, parsed.channel) == ("TN-XY", "CAB-SH-001", "event")


def test_tampering_and_wrong_secrets_are_bad_signatures() -> None:
    topic, message = _door_closed()
    changed = {**message, "body": {**message["body"], "open_ms": 1}}
    _refused("bad_signature", topic, _payload(changed))
    _refused("bad_signature", topic, _payload(message), secret=b"another-cabinets-secret")
    _refused("bad_signature", topic, _payload({**message, "seq": message["seq"] + 1}))


def test_malformed_messages_are_refused_by_reason() -> None:
    topic, message = _door_closed()
    _refused("bad_json", topic, b"{not json")
    _refused("bad_json", topic, b"\xff\xfe")
    _refused("schema", topic, _payload({k: v for k, v in message.items() if k != "nonce"}))
    _refused("schema", topic, _payload({**message, "extra": 1}))
    _refused("schema", topic, _payload({**message, "type": "door.slammed"}))
    fractional = {**message["body"], "open_ms": 1.5}
    _refused("schema", topic, _payload({**message, "body": fractional}))
    _refused("wrong_topic", "cc/v1/TN-XY/CAB-SH-002/event", _payload(message))
    _refused("wrong_topic", "cc/v1/TN-XY/CAB-SH-001/telemetry", _payload(message))
    _refused("wrong_topic", "cabinets/CAB-SH-001", _payload(message))


def test_the_window_and_each_nonce_once() -> None:
    guard = NonceGuard()
    _, message = _door_closed()
    now = message["ts"]
    with pytest.raises(ProtocolError) as stale:
        guard.check(message, now_ms=now + WINDOW_MS + 1)
    assert stale.value.code == "stale_timestamp"
    guard.check(message, now_ms=now + 1000)
    with pytest.raises(ProtocolError) as replay:
        guard.check(message, now_ms=now + 2000)
    assert replay.value.code == "replayed_nonce"
    # a resend of a buffered event: same id and seq, new ts and nonce
    _, resent = build(
        secret=SECRET,
        tenant="TN-XY",
        cabinet="CAB-SH-001",
        boot="boot0001",
        seq=7,
        message_type="door.closed",
        body=message["body"],
        message_id=message["id"],
        ts=now + 5000,
    )
    guard.check(resent, now_ms=now + 5000)
    assert resent["id"] == message["id"] and resent["nonce"] != message["nonce"]


def test_the_nonce_memory_is_bounded() -> None:
    guard = NonceGuard(max_entries=3)
    for n in range(10):
        guard.check({"cab": "C1", "nonce": f"{n:016x}", "ts": 1_000_000}, now_ms=1_000_000)
    assert len(guard._seen) == 3
    later = 1_000_000 + 2 * WINDOW_MS + 1
    guard.check({"cab": "C1", "nonce": "f" * 16, "ts": later}, now_ms=later)
    assert len(guard._seen) == 1  # everything older than two windows forgotten


def _integers(schema: object, where: str = ""):
    """Every integer-typed field of a schema, with its path."""
    if isinstance(schema, dict):
        if schema.get("type") == "integer":
            yield where, schema
        for key, value in schema.items():
            yield from _integers(value, f"{where}/{key}")
    elif isinstance(schema, list):
        for value in schema:
            yield from _integers(value, where)


def test_every_integer_of_every_message_is_bounded_and_fits_64_bits() -> None:
    found = 0
    for path in SCHEMAS.glob("*.json"):
        for where, field in _integers(json.loads(path.read_text())):
            found += 1
            assert "minimum" in field and "maximum" in field, f"{path.name}{where}"
            assert -(2**63) < field["minimum"] <= field["maximum"] < 2**63, f"{path.name}{where}"
    assert found > 20


def _signed(message_type: str, body: dict, seq: int = 7, **envelope) -> tuple[str, bytes]:
    """A validly signed message, whatever its numbers: what a cabinet with its key can send."""
    from hardware.protocol.canonical import sign

    topic, message = build(
        secret=SECRET,
        tenant="TN-XY",
        cabinet="CAB-SH-001",
        boot="boot0001",
        seq=0,
        message_type=message_type,
        body=body,
    )
    message = {**message, "seq": seq, **envelope}
    message["sig"] = sign(SECRET, topic, message)
    return topic, _payload(message)


@pytest.mark.parametrize(
    ("message_type", "body", "envelope"),
    [
        ("heartbeat", examples.BODIES["heartbeat"], {"seq": 2**64}),
        ("heartbeat", examples.BODIES["heartbeat"], {"seq": 2**53}),
        ("heartbeat", examples.BODIES["heartbeat"], {"ts": 2**63}),
        ("heartbeat", {**examples.BODIES["heartbeat"], "uptime_s": 2**64}, {}),
        ("heartbeat", {**examples.BODIES["heartbeat"], "outbox": 2**32}, {}),
        ("boot", {**examples.BODIES["boot"], "outbox": 2**64}, {}),
        ("alarm", {**examples.BODIES["alarm"], "at": 2**64}, {}),
        ("door.closed", {**examples.BODIES["door.closed"], "open_ms": 2**63}, {}),
        (
            "door.closed",
            {
                **examples.BODIES["door.closed"],
                "readings": [{"slot": "A1", "before_mg": -(2**63), "after_mg": 0, "stable": True}],
            },
            {},
        ),
        ("cmd.ack", {**examples.BODIES["cmd.ack"], "at": 10**30}, {}),
    ],
)
def test_out_of_range_integers_are_refused_by_the_schema(message_type, body, envelope) -> None:
    topic, payload = _signed(message_type, body, **envelope)
    _refused("schema", topic, payload)


def test_the_largest_sequence_number_is_accepted() -> None:
    topic, payload = _signed("heartbeat", examples.BODIES["heartbeat"], seq=2**53 - 1)
    parsed, message = decode(topic, payload)
    verify(SECRET, parsed, message)
    assert message["seq"] == 2**53 - 1


@pytest.mark.parametrize(
    ("raw_seq", "code"),
    [
        ("7.0", "schema"),  # the validator alone would take it for the integer 7
        ("1e300", "schema"),
        ("NaN", "schema"),
        ("Infinity", "schema"),
        ("9" * 5000, "bad_json"),  # more digits than Python converts
    ],
)
def test_numbers_that_are_not_plain_integers_are_refused(raw_seq: str, code: str) -> None:
    topic, payload = _signed("heartbeat", examples.BODIES["heartbeat"], seq=123456789)
    _refused(code, topic, payload.replace(b'"seq": 123456789', f'"seq": {raw_seq}'.encode()))


def test_garbage_that_breaks_the_json_reader_or_the_signer_is_refused_by_reason() -> None:
    topic, payload = _signed("alarm", {**examples.BODIES["alarm"], "detail": "SURROGATE"})
    _refused("bad_json", topic, payload.replace(b"SURROGATE", b"\\ud800"))
    _refused("bad_json", topic, b"[" * 200_000)  # nested deeper than the reader recurses


def test_canonical_json_escapes_exactly_what_the_document_says() -> None:
    """§ 4's escape table, for firmware written in languages whose JSON differs (F15)."""
    body = {"t": '"\\\b\t\n\f\r\x00\x1f/\x7f\u2028\u2029é😀'}
    expected = '{"t":"\\"\\\\\\b\\t\\n\\f\\r\\u0000\\u001f/\x7f\u2028\u2029é😀"}'
    assert canonical_json(body) == expected.encode("utf-8")
