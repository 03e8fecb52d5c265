"""The examples of docs/protocol.md: one body per message type, signed with a documented secret,
and § 13's snapshot upload.

`python -m hardware.protocol.examples` prints them as they appear in the document; the tests
check that every example in the document passes the same checks the gateway (and, for the
snapshot, the upload route) runs.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from hardware.protocol.canonical import canonical_string, sign
from hardware.protocol.messages import DOWN_TYPES, topic_for

EXAMPLE_SECRET = b"example-cabinet-secret-do-not-use"
TENANT, CABINET, BOOT = "TN-XY", "CAB-SH-001", "b7Kq2mZ9"
T0 = 1_764_201_600_000  # 2025-11-27 00:00:00 UTC, in ms
CMD = "c0ffee00d00r4201"

BODIES: dict[str, dict[str, Any]] = {
    "boot": {
        "fw": "2.4.1",
        "hw": "SC-40S rev C",
        "outbox": 3,
        "clock_synced": True,
        "proto": "1.1",
    },
    "heartbeat": {"uptime_s": 86400, "door": "closed", "outbox": 0, "rssi_dbm": -67},
    "door.opened": {
        "session": "ds-20251127-0042",
        "at": T0 + 1000,
        "by": {"method": "card", "ref": "0048291173"},  # the `by` of the unlock that opened it
        "rfid": ["E2801160600002084A6C1B11", "E2801160600002084A6C1B12"],
    },
    "door.closed": {
        "session": "ds-20251127-0042",
        "at": T0 + 31000,
        "open_ms": 30000,
        "readings": [
            {"slot": "A1", "before_mg": 1260000, "after_mg": 1218000, "stable": True},
            {"slot": "A2", "before_mg": 845500, "after_mg": 845500, "stable": True},
        ],
        "rfid": ["E2801160600002084A6C1B11", "E2801160600002084A6C1B12"],
        "snapshot": None,
        "snapshots": {"before": ["snap-0042-before-cam0"], "after": ["snap-0042-after-cam0"]},
    },
    "door.reread": {
        "session": "ds-20251127-0042",
        "command": "c0ffee00rerd4207",
        "at": T0 + 36000,
        "readings": [
            {
                "slot": "A1",
                "after_mg": 1218100,
                "stable": True,
                "series_mg": [1218300, 1218000, 1218200, 1218100],
            }
        ],
    },
    "auth.card": {"card": "0048291173", "at": T0},
    "auth.pin": {"pin": "482915", "card": "0048291173", "at": T0 + 200000},
    "alarm": {"kind": "door_left_open", "at": T0 + 121000, "detail": "open for 120 s"},
    "cmd.ack": {"command": CMD, "status": "done", "at": T0 + 900},
    "cmd.unlock": {
        "command": CMD,
        "expires": T0 + 30350,  # cmd.unlock lives 30 s (§ 6)
        "session": "ds-20251127-0042",
        "by": {"method": "card", "ref": "0048291173"},
        "max_open_s": 120,
    },
    "cmd.lock": {"command": "c0ffee00l0ck4202", "expires": T0 + 100000},
    "cmd.config": {
        "command": "c0ffee00c0nf4203",
        "expires": T0 + 101000,
        "version": 7,
        "slots": [
            {
                "slot": "A1",
                "unit": 1,
                "channel": 1,
                "sku": "PEN-05-BLK",
                "unit_mg": 10500,
                "tolerance_mg": 400,
            }
        ],
    },
    "cmd.lease": {
        "command": "c0ffee00lea54204",
        "expires": T0 + 702000,
        "valid_until": T0 + 3 * 86400000,
        "cards": [{"card": "0048291173", "user": "u-1042"}],
        "pins": [
            {
                "user": "u-1042",
                "hash": "$argon2id$v=19$m=7168,t=5,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
            }
        ],
    },
    "cmd.tare": {"command": "c0ffee00tare4205", "expires": T0 + 103000, "slot": "A1"},
    "cmd.reboot": {"command": "c0ffee00reb04206", "expires": T0 + 344000, "delay_s": 5},
    "cmd.reread": {
        "command": "c0ffee00rerd4207",
        "expires": T0 + 51500,
        "session": "ds-20251127-0042",
        "slots": ["A1"],
    },
    "auth.result": {
        "command": "c0ffee00auth4208",
        "expires": T0 + 15300,
        "ref": "01JDXY00000000000000000005",
        "method": "card",
        "result": "refused",
        "code": "quota_used_up",
        "text": "本月领用额度已用完",
        "lang": "zh-CN",
    },
    "msg.ack": {
        "ref": "01JDXY00000000000000000003",
        "nonce": "000000000000000000000004",
        "type": "door.closed",
        "result": "accepted",
        "server_ms": T0 + 31250,
        "skew_ms": -200,
    },
}


# When each example copy was sent, so that the examples tell one visit: a badge at T0 answered
# and unlocked, the door open 30 s, a re-read, an answer; commands sent a little later with
# their § 6 lifetimes. The heartbeat keeps T0 + 1 s (the worked examples of § 4 and § 11).
SENT = {
    "boot": T0 - 60000,
    "auth.card": T0 + 50,
    "auth.result": T0 + 300,
    "cmd.unlock": T0 + 350,
    "cmd.ack": T0 + 950,
    "door.opened": T0 + 1050,
    "door.closed": T0 + 31050,
    "msg.ack": T0 + 31260,
    "cmd.reread": T0 + 31500,
    "door.reread": T0 + 36050,
    "cmd.lock": T0 + 40000,
    "cmd.config": T0 + 41000,
    "cmd.lease": T0 + 102000,
    "cmd.tare": T0 + 43000,
    "cmd.reboot": T0 + 44000,
    "alarm": T0 + 121050,
    "auth.pin": T0 + 200050,
}
UNNUMBERED = ("boot", "msg.ack")  # a boot before any buffered message; the cloud's answers


def example(message_type: str, n: int = 0) -> tuple[str, dict[str, Any]]:
    down = message_type in DOWN_TYPES
    topic = str(topic_for(TENANT, CABINET, message_type))
    message: dict[str, Any] = {
        "v": 1,
        "id": f"01JDXY{n:020d}",
        "cab": CABINET,
        "boot": "cloud-7f3a" if down else BOOT,
        "seq": 0 if message_type in UNNUMBERED else 100 + n,
        "ts": SENT.get(message_type, T0 + n * 1000),
        "nonce": f"{n + 1:024x}",
        "type": message_type,
        "body": BODIES[message_type],
    }
    message["sig"] = sign(EXAMPLE_SECRET, topic, message)
    return topic, message


def render() -> str:
    blocks = []
    for n, message_type in enumerate(BODIES):
        topic, message = example(message_type, n)
        text = json.dumps(message, ensure_ascii=False, indent=2)
        blocks.append(f"#### `{message_type}`\n\nTopic `{topic}`\n\n```json\n{text}\n```\n")
    return "\n".join(blocks)


# § 13: the `after` image of the same visit (a 4 × 3 PNG), uploaded 400 ms after the door closed.
SNAPSHOT_IMAGE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAIAAAA7ljmRAAAAKUlEQVR4nGM8ceJEWAkDAwPDqh4GFgYGhn1vEhgYGN4w"
    "LGCMiopigAEA44EJA+wmaKkAAAAASUVORK5CYII="
)
SNAPSHOT_BODY: dict[str, Any] = {
    "snapshot": "snap-0042-after-cam0",
    "session": "ds-20251127-0042",
    "phase": "after",
    "camera": "cam0",
    "taken_at": T0 + 31000,
    "content_type": "image/png",
    "bytes": len(SNAPSHOT_IMAGE),
    "sha256": hashlib.sha256(SNAPSHOT_IMAGE).hexdigest(),
}
SNAPSHOT_N = len(BODIES)  # numbered after § 5's examples


def snapshot_example() -> tuple[str, dict[str, Any]]:
    """The signed envelope of § 13's upload and the topic its canonical string names."""
    topic = str(topic_for(TENANT, CABINET, "snapshot"))
    message: dict[str, Any] = {
        "v": 1,
        "id": f"01JDXY{SNAPSHOT_N:020d}",
        "cab": CABINET,
        "boot": BOOT,
        "seq": 103,  # not numbered: the latest buffered message's (door.closed), as telemetry
        "ts": T0 + 31400,
        "nonce": f"{SNAPSHOT_N + 1:024x}",
        "type": "snapshot",
        "body": SNAPSHOT_BODY,
    }
    message["sig"] = sign(EXAMPLE_SECRET, topic, message)
    return topic, message


def render_snapshot() -> str:
    """§ 13's worked example as the document shows it."""
    topic, message = snapshot_example()
    header = json.dumps(message, separators=(",", ":"))
    image = base64.b64encode(SNAPSHOT_IMAGE).decode()
    return "\n".join(
        [
            f"The image ({len(SNAPSHOT_IMAGE)} bytes, base64):",
            "",
            f"```\n{image}\n```",
            "",
            "The request (the body is those bytes):",
            "",
            "```http",
            "POST /api/cabinet/v1/snapshots HTTP/1.1",
            "Host: cloud.example.com",
            "Content-Type: image/png",
            f"Content-Length: {len(SNAPSHOT_IMAGE)}",
            f"X-CC-Envelope: {header}",
            "```",
            "",
            "The envelope, spread out:",
            "",
            f"```json\n{json.dumps(message, indent=2)}\n```",
            "",
            "Its canonical string (§ 4) with the example key gives that `sig`:",
            "",
            f"```\n{canonical_string(topic, message).decode()}\n```",
            "",
        ]
    )


if __name__ == "__main__":
    print(render())
    print(render_snapshot())
