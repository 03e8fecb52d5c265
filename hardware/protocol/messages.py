"""Protocol v1 messages: topics, building, and the checks every received message goes through.

Order of the checks (each failure has its own code, counted and logged by the gateway):
bad_json → schema → wrong_topic → bad_signature → stale_timestamp → replayed_nonce.
The same JSON Schema files (hardware/protocol/schemas/) are published to cabinet vendors.
"""

from __future__ import annotations

import json
import re
import secrets
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from hardware.protocol.canonical import sign, signature_ok

VERSION = 1
SCHEMAS = Path(__file__).parent / "schemas"
WINDOW_MS = 300_000  # ±300 s between the cabinet's clock and ours
MAX_PAYLOAD = 256 * 1024
CHANNEL_OF_TYPE = {
    "boot": "telemetry",
    "heartbeat": "telemetry",
    "door.opened": "event",
    "door.closed": "event",
    "door.reread": "event",
    "auth.card": "event",
    "auth.pin": "event",
    "alarm": "event",
    "cmd.ack": "ack",
}
# Sent over HTTP, never over MQTT (docs/protocol.md § 13): signed as if published on this
# channel of the cabinet's topic, which no cabinet may publish on and no gateway reads.
HTTP_TYPES = {"snapshot": "snapshot"}
DOWN_TYPES = (
    "cmd.unlock",
    "cmd.lock",
    "cmd.config",
    "cmd.lease",
    "cmd.tare",
    "cmd.reboot",
    "cmd.reread",
    "auth.result",
    "msg.ack",
)
ERROR_CODES = (
    "bad_json",
    "schema",
    "wrong_topic",
    "unknown_cabinet",
    "bad_signature",
    "stale_timestamp",
    "replayed_nonce",
    "unstorable",
)


class ProtocolError(ValueError):
    """A message refused; `code` is one of ERROR_CODES (docs/protocol.md § Error codes)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Topic:
    tenant: str
    cabinet: str
    channel: str  # event | telemetry | ack (up), cmd (down), state (retained)

    def __str__(self) -> str:
        return f"cc/v1/{self.tenant}/{self.cabinet}/{self.channel}"

    @classmethod
    def parse(cls, text: str) -> Topic:
        parts = text.split("/")
        if len(parts) != 5 or parts[:2] != ["cc", "v1"] or not all(parts[2:]):
            raise ProtocolError("wrong_topic", text[:120])
        return cls(parts[2], parts[3], parts[4])


def topic_for(tenant: str, cabinet: str, message_type: str) -> Topic:
    if message_type in DOWN_TYPES:
        return Topic(tenant, cabinet, "cmd")
    return Topic(tenant, cabinet, CHANNEL_OF_TYPE.get(message_type) or HTTP_TYPES[message_type])


@cache
def _schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema


@cache
def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(_schema(name))


@cache
def _surely_valid(name: str) -> Check:
    return _compile(_schema(name))


# A fast first look, compiled from the same schema files: True only when the schema certainly
# accepts the value (the keywords below, each read as strictly as or more strictly than the
# validator reads it; a schema using any other keyword never passes it). Everything else goes to
# the validator, which has the last word and names the problem. It spares the validator's
# ~80 µs per valid message.
Check = Callable[[Any], bool]
_ANNOTATIONS = frozenset(("$schema", "$id", "$comment", "title", "description", "examples"))
_EXACT_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),  # not 1.0, which the validator accepts: it decides those
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}
_SCALARS = (str, int, bool, type(None))


def _never(value: Any) -> bool:
    return False


def _compile(schema: Any) -> Check:
    if not isinstance(schema, dict):
        return _never
    checks: list[Check] = []
    for keyword, argument in schema.items():
        if keyword in _ANNOTATIONS:
            continue
        build = _KEYWORDS.get(keyword)
        if build is None:
            return _never
        checks.append(build(argument, schema))
    return _every(checks)


def _every(checks: list[Check]) -> Check:
    def check(value: Any) -> bool:
        for one in checks:  # noqa: SIM110 - a plain loop: all() over a generator is slower
            if not one(value):
                return False
        return True

    return checks[0] if len(checks) == 1 else check


def _type(argument: Any, _: dict[str, Any]) -> Check:
    names = argument if isinstance(argument, list) else [argument]
    exact = frozenset(t for name in names for t in _EXACT_TYPES.get(name, ()))
    return lambda value: type(value) in exact


def _one_of_values(allowed: list[Any]) -> Check:
    pairs = frozenset((type(v), v) for v in allowed if type(v) in _SCALARS)
    return lambda value: type(value) in _SCALARS and (type(value), value) in pairs


def _if_is(kinds: tuple[type, ...], check: Check) -> Check:
    return lambda value: type(value) not in kinds or check(value)


def _properties(argument: dict[str, Any], _: dict[str, Any]) -> Check:
    checks = {name: _compile(sub) for name, sub in argument.items()}

    def check(value: Any) -> bool:
        if type(value) is dict:
            for name, item in value.items():
                one = checks.get(name)
                if one is not None and not one(item):
                    return False
        return True

    return check


def _additional(argument: Any, schema: dict[str, Any]) -> Check:
    named = frozenset(schema.get("properties", {}))
    if "patternProperties" in schema:
        return _never
    if argument is False:
        return lambda value: type(value) is not dict or value.keys() <= named
    extra = _compile(argument)
    return _if_is((dict,), lambda v: all(extra(x) for k, x in v.items() if k not in named))


def _pattern(pattern: re.Pattern[str]) -> Check:
    return _if_is((str,), lambda v: pattern.search(v) is not None)  # as the validator: search


def _items(each: Check) -> Check:
    return _if_is((list,), lambda v: all(each(x) for x in v))


def _unique(argument: Any, _: dict[str, Any]) -> Check:
    """Strings only (the protocol's unique lists: EPCs, snapshot ids), compared as the
    validator compares them; a list of anything else goes to the validator."""
    if argument is False:
        return lambda value: True
    if argument is not True:
        return _never
    return _if_is((list,), lambda v: all(type(x) is str for x in v) and len(set(v)) == len(v))


_NUMBERS = (int, float)
_KEYWORDS: dict[str, Callable[[Any, dict[str, Any]], Check]] = {
    "type": _type,
    "enum": lambda a, _: _one_of_values(a),
    "const": lambda a, _: _one_of_values([a]),
    "properties": _properties,
    "additionalProperties": _additional,
    "required": lambda a, _: _if_is((dict,), lambda v: all(k in v for k in a)),
    "pattern": lambda a, _: _pattern(re.compile(a)),
    "minLength": lambda a, _: _if_is((str,), lambda v: len(v) >= a),
    "maxLength": lambda a, _: _if_is((str,), lambda v: len(v) <= a),
    "minimum": lambda a, _: _if_is(_NUMBERS, lambda v: v >= a),
    "maximum": lambda a, _: _if_is(_NUMBERS, lambda v: v <= a),
    "items": lambda a, _: _items(_compile(a)),
    "minItems": lambda a, _: _if_is((list,), lambda v: len(v) >= a),
    "maxItems": lambda a, _: _if_is((list,), lambda v: len(v) <= a),
    "uniqueItems": _unique,
}


def _first_error(validator: Draft202012Validator, value: Any) -> str | None:
    error = next(iter(validator.iter_errors(value)), None)
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "(root)"
    return f"{where}: {error.message}"[:200]


def _no_fraction(text: str) -> Any:
    """Every number of the protocol is an integer: the validator would take 5.0 (or 1e300) for
    one, and the signature, the sequence and the database would each read it differently."""
    raise ProtocolError("schema", f"{text[:40]}: numbers must be integers")


def _parsed(payload: bytes) -> dict[str, Any]:
    """JSON, the envelope's schema and the body's: what every message goes through first."""
    if len(payload) > MAX_PAYLOAD:
        raise ProtocolError("schema", f"payload larger than {MAX_PAYLOAD} bytes")
    try:
        message: dict[str, Any] = json.loads(
            payload.decode("utf-8"), parse_float=_no_fraction, parse_constant=_no_fraction
        )
    except ProtocolError:
        raise
    except (ValueError, RecursionError) as bad:  # also: too many digits, nesting too deep
        raise ProtocolError("bad_json", str(bad)[:200]) from None
    if not (_surely_valid("envelope")(message) and _surely_valid(message["type"])(message["body"])):
        problem = _first_error(_validator("envelope"), message)
        if problem is None:
            problem = _first_error(_validator(message["type"]), message["body"])
        if problem is not None:
            raise ProtocolError("schema", problem)
    return message


def decode(topic_text: str, payload: bytes) -> tuple[Topic, dict[str, Any]]:
    """JSON, envelope schema, body schema, and agreement with the topic it arrived on."""
    topic = Topic.parse(topic_text)
    message = _parsed(payload)
    if message["type"] in HTTP_TYPES:
        raise ProtocolError("wrong_topic", f"{message['type']} is sent over HTTP only")
    if message["cab"] != topic.cabinet or topic_for("-", "-", message["type"]).channel != (
        topic.channel
    ):
        raise ProtocolError("wrong_topic", f"{message['type']} from {message['cab']} on {topic}")
    return topic, message


def decode_http(payload: bytes, message_type: str) -> dict[str, Any]:
    """The envelope of a message sent over HTTP (§ 13: a request header), checked as `decode`
    checks one from MQTT; it must be of `message_type`. Its topic follows from its cabinet's
    tenant, which the caller looks up (`topic_for`) before `verify`."""
    message = _parsed(payload)
    if message["type"] != message_type:
        raise ProtocolError("schema", f"type: {message['type']!r} is not {message_type!r}")
    return message


def verify(secret: bytes, topic: Topic, message: Mapping[str, Any]) -> None:
    try:
        signed = signature_ok(secret, str(topic), message)
    except ValueError:  # e.g. a lone surrogate ("\\ud800"): no UTF-8 form, so nobody signed it
        raise ProtocolError("bad_json", "a string without a UTF-8 form") from None
    if not signed:
        raise ProtocolError("bad_signature")


class NonceGuard:
    """The ±300 s window and "each nonce once per cabinet" (remembered for the whole window on
    both sides, bounded in memory: the oldest entries go first)."""

    def __init__(self, window_ms: int = WINDOW_MS, max_entries: int = 1_000_000) -> None:
        self.window_ms = window_ms
        self.max_entries = max_entries
        self._seen: OrderedDict[tuple[str, str], int] = OrderedDict()

    def check(self, message: Mapping[str, Any], now_ms: int) -> None:
        skew = message["ts"] - now_ms
        if abs(skew) > self.window_ms:
            raise ProtocolError("stale_timestamp", f"clock differs by {skew // 1000} s")
        self._forget_before(now_ms - 2 * self.window_ms)
        key = (message["cab"], message["nonce"])
        if key in self._seen:
            raise ProtocolError("replayed_nonce")
        self._seen[key] = now_ms
        if len(self._seen) > self.max_entries:
            self._seen.popitem(last=False)

    def forget(self, message: Mapping[str, Any]) -> None:
        """Give a nonce back when its message was not stored after all (the unit of work
        failed): the same copy, tried again or delivered again, must not count as a replay."""
        self._seen.pop((message["cab"], message["nonce"]), None)

    def _forget_before(self, cutoff_ms: int) -> None:
        while self._seen:
            key, seen_at = next(iter(self._seen.items()))
            if seen_at >= cutoff_ms:
                return
            del self._seen[key]


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def build(
    *,
    secret: bytes,
    tenant: str,
    cabinet: str,
    boot: str,
    seq: int,
    message_type: str,
    body: Mapping[str, Any],
    message_id: str | None = None,
    ts: int | None = None,
) -> tuple[str, dict[str, Any]]:
    """A signed message and the topic it goes to (cabinets, the simulator, cloud commands).

    A resend of a buffered event keeps `message_id` and `seq` but gets a new `ts` and nonce."""
    topic = topic_for(tenant, cabinet, message_type)
    message: dict[str, Any] = {
        "v": VERSION,
        "id": message_id or uuid.uuid4().hex,
        "cab": cabinet,
        "boot": boot,
        "seq": seq,
        "ts": now_ms() if ts is None else ts,
        "nonce": secrets.token_hex(12),
        "type": message_type,
        "body": dict(body),
    }
    message["sig"] = sign(secret, str(topic), message)
    return str(topic), message


def schema_problem(message_type: str, body: Any) -> str | None:
    """The first way `body` breaks the schema of `message_type` (None when it fits): the cloud
    checks the commands it issues with the same files it checks cabinets' messages with."""
    return _first_error(_validator(message_type), body)
