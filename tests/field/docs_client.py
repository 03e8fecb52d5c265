"""A cabinet client written from docs/protocol.md (v1.1) and its JSON Schemas alone, the way a
firmware vendor would: nothing of the cloud's or the simulator's code is read or imported.
Standard library plus aiomqtt. Where the document left a choice, the guess is written down in
tests/field/DOC-FINDINGS.md (the § numbers below are the document's)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import secrets
import sqlite3
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiomqtt

ANSWER_WAIT_S = 10.0  # § 8: no msg.ack within 10 s -> send again later
WINDOW_MS = 300_000  # § 4: ±300 s
NONCE_MEMORY_MS = 600_000  # § 4: nonces remembered 600 s
RESIGN = {"stale_timestamp", "replayed_nonce"}  # § 8: correct the clock, re-sign, resend
COMMAND_TTL_MS = 7 * 24 * 3600 * 1000  # § 6: command ids remembered at least 7 days


@dataclass(frozen=True)
class Provisioning:
    """What a cabinet is given when it is provisioned (§ 1, § 2, § 4)."""

    host: str
    port: int
    tenant: str
    cabinet: str
    username: str
    password: str
    secret: bytes

    @classmethod
    def from_bundle(cls, bundle: dict[str, Any]) -> Provisioning:
        """§ 11: the installer's provisioning bundle (JSON file or QR); the key is the 32 bytes
        `secret_hex` decodes to, and the MQTT password follows from it."""
        if (bundle.get("format"), bundle.get("format_version")) != (
            "cabinet-cloud/provisioning",
            1,
        ):
            raise ValueError("not a provisioning bundle this client reads")
        scheme, _, address = str(bundle["broker_url"]).partition("://")
        if scheme not in ("mqtt", "mqtts"):
            raise ValueError(f"broker_url: unknown scheme {scheme!r}")
        host, _, port = address.rstrip("/").rpartition(":")
        secret = bytes.fromhex(bundle["secret_hex"])
        derived = hmac.new(secret, b"mqtt-password-v1", hashlib.sha256).digest()
        password = base64.urlsafe_b64encode(derived).decode("ascii").rstrip("=")
        if password != bundle["mqtt_password"]:
            raise ValueError("mqtt_password does not follow from secret_hex")
        return cls(
            host=host,
            port=int(port),
            tenant=bundle["tenant"],
            cabinet=bundle["cabinet"],
            username=bundle["mqtt_username"],
            password=password,
            secret=secret,
        )


def canonical_json(body: Any) -> str:
    """§ 4: keys sorted by code point, no whitespace, UTF-8 (non-ASCII unescaped), integers."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def signature(secret: bytes, topic: str, env: dict[str, Any]) -> str:
    body_hash = hashlib.sha256(canonical_json(env["body"]).encode("utf-8")).hexdigest()
    fields = [env["id"], env["cab"], env["boot"], env["seq"], env["ts"], env["nonce"], env["type"]]
    text = "\n".join(["cc1", topic, *map(str, fields), body_hash])
    return hmac.new(secret, text.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass
class Copy:
    """One signed copy of a message waiting for its msg.ack."""

    msg_id: str
    offset_ms: int  # the clock offset this copy was signed with (§ 4 time sync)
    sent: float  # monotonic


@dataclass
class FieldCabinet:
    prov: Provisioning
    outbox_path: Path
    loads_mg: dict[str, int]  # every scale slot and what lies on it
    heartbeat_s: float = 30.0
    offset_ms: int = 0  # added to the system clock; corrected by msg.ack (§ 4)
    answer_wait_s: float = ANSWER_WAIT_S
    ack_unlocks: bool = True  # False: firmware that never acknowledges cmd.unlock (a fault)
    fw: str = "docs-1.0"
    hw: str = "field-client"
    screen: list[str] = field(default_factory=list)
    decided: list[dict[str, Any]] = field(default_factory=list)  # every auth.result body
    answers: list[dict[str, Any]] = field(default_factory=list)  # every verified msg.ack body
    unmatched: list[dict[str, Any]] = field(default_factory=list)  # answers to no copy waiting
    sent: list[tuple[str, str, str]] = field(default_factory=list)  # (id, type, nonce) per copy
    boot_answer: dict[str, Any] | None = None
    unlock: dict[str, Any] | None = None  # the cmd.unlock body the door is openable for
    layout: dict[str, Any] | None = None  # the newest cmd.config applied (§ 11)
    door: str = "closed"

    def __post_init__(self) -> None:
        self.boot_id = uuid.uuid4().hex[:16]
        self.seq = -1  # the seq of the latest buffered message of this boot
        self.waiting: dict[str, Copy] = {}  # nonce -> copy
        self.latest: dict[str, str] = {}  # message id -> nonce of its latest copy
        self.boot_msg: tuple[str, dict[str, Any]] | None = None  # (id, body): not buffered
        self.seen_nonces: dict[str, int] = {}
        self.opened_at = 0
        self.before_mg: dict[str, int] = {}
        self.started = time.monotonic()
        self.client: aiomqtt.Client | None = None
        self.ready = asyncio.Event()
        self.pumping = asyncio.Lock()
        self.db = sqlite3.connect(self.outbox_path, isolation_level=None)
        self.db.executescript(
            "CREATE TABLE IF NOT EXISTS outbox (n INTEGER PRIMARY KEY AUTOINCREMENT,"
            " id TEXT UNIQUE, boot TEXT, seq INTEGER, channel TEXT, type TEXT, body TEXT);"
            "CREATE TABLE IF NOT EXISTS refused (n INTEGER PRIMARY KEY AUTOINCREMENT,"
            " id TEXT, type TEXT, code TEXT, body TEXT);"
            "CREATE TABLE IF NOT EXISTS commands (command TEXT PRIMARY KEY, status TEXT,"
            " at INTEGER);"
        )

    # --- clock, topics, signing -------------------------------------------------------------

    def now_ms(self) -> int:
        return int(time.time() * 1000) + self.offset_ms

    def topic(self, channel: str) -> str:
        return f"cc/v1/{self.prov.tenant}/{self.prov.cabinet}/{channel}"

    def envelope(
        self, msg_id: str, boot: str, seq: int, kind: str, body: dict[str, Any], channel: str
    ) -> dict[str, Any]:
        head: dict[str, Any] = {
            "v": 1,
            "id": msg_id,
            "cab": self.prov.cabinet,
            "boot": boot,
            "seq": seq,
        }
        env = head | {"ts": self.now_ms(), "nonce": secrets.token_hex(16), "type": kind}
        env["body"] = body
        env["sig"] = signature(self.prov.secret, self.topic(channel), env)
        return env

    async def publish_copy(
        self, msg_id: str, boot: str, seq: int, kind: str, body: dict[str, Any], channel: str
    ) -> None:
        env = self.envelope(msg_id, boot, seq, kind, body, channel)
        if self.client is None:
            return
        self.waiting[env["nonce"]] = Copy(msg_id, self.offset_ms, time.monotonic())
        self.latest[msg_id] = env["nonce"]
        self.sent.append((msg_id, kind, env["nonce"]))
        await self.client.publish(self.topic(channel), canonical_json(env), qos=1)

    # --- the outbox (§ 8) ---------------------------------------------------------------------

    def emit(self, kind: str, body: dict[str, Any], channel: str = "event") -> str:
        """Buffer a new event or cmd.ack before it is published; the pump sends it."""
        self.seq += 1
        msg_id = uuid.uuid4().hex
        self.db.execute(
            "INSERT INTO outbox (id, boot, seq, channel, type, body) VALUES (?,?,?,?,?,?)",
            (msg_id, self.boot_id, self.seq, channel, kind, canonical_json(body)),
        )
        return msg_id

    def outbox(self) -> list[tuple[str, str, int, str, str, str]]:
        query = "SELECT id, boot, seq, channel, type, body FROM outbox ORDER BY n"
        return list(self.db.execute(query))

    def refused(self) -> list[tuple[str, str, str]]:
        return list(self.db.execute("SELECT id, type, code FROM refused ORDER BY n"))

    async def pump(self) -> None:
        """Oldest first; a message goes (again) when it has no copy out or its copy went
        unanswered for answer_wait_s; at most 100 in flight."""
        if not self.ready.is_set():
            return  # § 8: boot (and its answer, or 10 s) before the outbox
        async with self.pumping:
            await self._pump()

    async def _pump(self) -> None:
        in_flight = 0
        for msg_id, boot, seq, channel, kind, body in self.outbox():
            nonce = self.latest.get(msg_id)
            copy = self.waiting.get(nonce) if nonce else None
            if copy and time.monotonic() - copy.sent < self.answer_wait_s:
                in_flight += 1
            elif in_flight < 100:
                in_flight += 1
                await self.publish_copy(msg_id, boot, seq, kind, json.loads(body), channel)

    def settle(self, msg_id: str) -> None:
        for nonce in [n for n, c in self.waiting.items() if c.msg_id == msg_id]:
            del self.waiting[nonce]
        self.latest.pop(msg_id, None)

    async def on_answer(self, body: dict[str, Any]) -> None:
        """§ 4 verifying a msg.ack, § 8 what each answer does to the outbox."""
        copy = self.waiting.get(body.get("nonce", ""))
        if copy is None:  # names no copy we wait for (or a refusal of unreadable JSON)
            self.unmatched.append(body)  # ignored, kept for the service screen
            return
        self.answers.append(body)
        resend = body["result"] == "refused" and body.get("code") in RESIGN
        if resend or abs(body["skew_ms"]) > 2000:
            self.offset_ms = copy.offset_ms - body["skew_ms"]
        latest = self.latest.get(copy.msg_id) == body["nonce"]
        if resend and latest:
            del self.waiting[body["nonce"]]
            if self.boot_msg and copy.msg_id == self.boot_msg[0]:
                await self.send_boot(copy.msg_id)
            else:
                self.latest.pop(copy.msg_id, None)
                await self.pump()
            return
        if resend:
            return  # an older copy; the newer one is out
        if self.boot_msg and copy.msg_id == self.boot_msg[0]:
            self.boot_answer = body
        elif body["result"] == "refused":
            row = self.db.execute(
                "SELECT type, body FROM outbox WHERE id = ?", (copy.msg_id,)
            ).fetchone()
            if row:
                self.db.execute(
                    "INSERT INTO refused (id, type, code, body) VALUES (?,?,?,?)",
                    (copy.msg_id, row[0], body.get("code", ""), row[1]),
                )
                self.db.execute(
                    "DELETE FROM refused WHERE n NOT IN "
                    "(SELECT n FROM refused ORDER BY n DESC LIMIT 100)"
                )
        self.db.execute("DELETE FROM outbox WHERE id = ?", (copy.msg_id,))
        self.settle(copy.msg_id)

    # --- commands (§ 6) -----------------------------------------------------------------------

    def verify(self, topic: str, env: dict[str, Any]) -> bool:
        """Signature, cabinet, window (not for msg.ack), nonce once."""
        try:
            good = hmac.compare_digest(env["sig"], signature(self.prov.secret, topic, env))
        except (KeyError, TypeError):
            return False
        if not good or env.get("cab") != self.prov.cabinet:
            return False
        now = self.now_ms()
        if env["type"] != "msg.ack" and abs(env["ts"] - now) > WINDOW_MS:
            return False
        self.seen_nonces = {n: t for n, t in self.seen_nonces.items() if now - t < NONCE_MEMORY_MS}
        if env["nonce"] in self.seen_nonces:
            return False
        self.seen_nonces[env["nonce"]] = now
        return True

    def ack(self, command: str, status: str, code: str | None = None) -> None:
        body: dict[str, Any] = {"command": command, "status": status, "at": self.now_ms()}
        if code:
            body["code"] = code
        self.emit("cmd.ack", body, channel="ack")
        if status != "duplicate":  # remembered: its last acknowledgement
            self.db.execute(
                "INSERT OR REPLACE INTO commands (command, status, at) VALUES (?,?,?)",
                (command, status, self.now_ms()),
            )

    async def on_message(self, topic: str, payload: bytes) -> None:
        try:
            env = json.loads(payload)
        except ValueError:
            return
        if not isinstance(env, dict) or not self.verify(topic, env):
            return
        kind, body = env["type"], env["body"]
        if kind == "msg.ack":
            await self.on_answer(body)
            return
        command = body.get("command")
        if not isinstance(command, str):
            return
        self.db.execute("DELETE FROM commands WHERE at < ?", (self.now_ms() - COMMAND_TTL_MS,))
        if self.db.execute("SELECT 1 FROM commands WHERE command = ?", (command,)).fetchone():
            self.ack(command, "duplicate")
        elif body["expires"] < self.now_ms():
            self.ack(command, "expired")
        elif kind == "cmd.unlock" and not self.ack_unlocks:
            self.unlock = body  # the fault: unlocked, never acknowledged nor remembered
        elif kind == "cmd.config" and self.layout and body["version"] < self.layout["version"]:
            self.ack(command, "failed", "stale_config")  # § 11: an older layout changes nothing
        else:
            self.ack(command, "received")
            self.execute(kind, body)
            self.ack(command, "done")
        await self.pump()

    def execute(self, kind: str, body: dict[str, Any]) -> None:
        if kind == "cmd.unlock":
            self.unlock = body  # the lock is released; the door may be opened until expires
        elif kind == "cmd.config":
            self.layout = body
            for slot in body["slots"]:  # a newly planned slot's scale is weighed from now on
                self.loads_mg.setdefault(slot["slot"], 0)
        elif kind == "auth.result":
            self.decided.append(body)
            self.screen.append(body["text"])
        elif kind == "cmd.reread":
            readings = [
                {
                    "slot": s,
                    "after_mg": self.loads_mg[s],
                    "stable": True,
                    "series_mg": [self.loads_mg[s]] * 3,
                }
                for s in body["slots"]
                if s in self.loads_mg
            ]
            reread = {"session": body["session"], "command": body["command"], "at": self.now_ms()}
            self.emit("door.reread", reread | {"readings": readings})

    # --- the person at the cabinet --------------------------------------------------------------

    def badge(self, card: str) -> str:
        return self.emit("auth.card", {"card": card, "at": self.now_ms()})

    def open_door(self) -> str:
        unlock = self.unlock
        if unlock is None or unlock["expires"] < self.now_ms() or self.door == "open":
            raise RuntimeError("the door is locked")
        self.door, self.opened_at, self.before_mg = "open", self.now_ms(), dict(self.loads_mg)
        body = {"session": unlock["session"], "at": self.opened_at, "by": unlock["by"], "rfid": []}
        return self.emit("door.opened", body)

    def take(self, slot: str, mg: int) -> None:
        self.loads_mg[slot] -= mg

    def close_door(self) -> str:
        assert self.unlock is not None and self.door == "open"
        at = self.now_ms()
        readings = [
            {"slot": s, "before_mg": self.before_mg[s], "after_mg": mg, "stable": True}
            for s, mg in sorted(self.loads_mg.items())
        ]
        body = {"session": self.unlock["session"], "at": at, "open_ms": at - self.opened_at}
        self.door, self.unlock = "closed", None
        return self.emit("door.closed", body | {"readings": readings, "rfid": []})

    # --- connection (§ 1, § 8 order after connecting) ----------------------------------------

    async def send_boot(self, msg_id: str | None = None) -> None:
        body = {"fw": self.fw, "hw": self.hw, "outbox": len(self.outbox())}
        body |= {"clock_synced": True, "proto": "1.1"}
        msg_id = msg_id or uuid.uuid4().hex
        self.boot_msg = (msg_id, body)
        await self.publish_copy(msg_id, self.boot_id, max(self.seq, 0), "boot", body, "telemetry")

    async def heartbeat(self) -> None:
        body = {"uptime_s": int(time.monotonic() - self.started), "door": self.door}
        body["outbox"] = len(self.outbox())
        env = self.envelope(uuid.uuid4().hex, self.boot_id, max(self.seq, 0), "heartbeat", body,
                            "telemetry")  # fmt: skip
        assert self.client is not None
        await self.client.publish(self.topic("telemetry"), canonical_json(env), qos=1)

    async def run(self, stop: asyncio.Event) -> None:
        state = self.topic("state")
        will = aiomqtt.Will(state, json.dumps({"state": "offline"}), qos=1, retain=True)
        async with aiomqtt.Client(
            self.prov.host,
            self.prov.port,
            identifier=self.prov.cabinet,
            username=self.prov.username,
            password=self.prov.password,
            will=will,
            clean_session=False,
            keepalive=60,
        ) as client:
            self.client = client
            online = json.dumps({"state": "online", "boot": self.boot_id})
            await client.publish(state, online, qos=1, retain=True)
            await client.subscribe(self.topic("cmd"), qos=1)
            listening = asyncio.create_task(self.listen(client))
            try:
                await self.send_boot()
                await self.until(lambda: self.boot_answer is not None, self.answer_wait_s)
                self.ready.set()
                await self.pump()
                await self.tick(stop)
            finally:
                while not listening.done():  # 3.11's wait_for may swallow one cancel
                    listening.cancel()
                    await asyncio.wait({listening}, timeout=0.5)
                self.client = None

    async def listen(self, client: aiomqtt.Client) -> None:
        async for message in client.messages:
            await self.on_message(str(message.topic), bytes(message.payload))  # type: ignore[arg-type]

    async def tick(self, stop: asyncio.Event) -> None:
        next_beat = 0.0
        while not stop.is_set():
            if time.monotonic() >= next_beat:
                await self.heartbeat()
                next_beat = time.monotonic() + self.heartbeat_s
            await self.pump()
            await asyncio.sleep(0.2)

    @staticmethod
    async def until(condition: Callable[[], bool], within_s: float) -> bool:
        deadline = time.monotonic() + within_s
        while not condition():
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.05)
        return True
