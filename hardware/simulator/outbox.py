"""The cabinet's persistent outbox (SQLite), as docs/protocol.md § 8 asks of a firmware:

- every `event` and `ack` message is written here before it is published, with its id, boot and
  seq fixed at that moment, and deleted only once the broker has acknowledged it (PUBACK);
- the seq counter of each boot lives here too, so a restarted process goes on numbering;
- command ids seen (with the last acknowledgement sent) are remembered for 7 days, so a command
  delivered twice is executed once.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

COMMAND_MEMORY_MS = 7 * 24 * 3600 * 1000
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS outbox (position INTEGER PRIMARY KEY AUTOINCREMENT,"
    " id TEXT NOT NULL UNIQUE, boot TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL,"
    " body TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS counters (boot TEXT PRIMARY KEY, next_seq INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS commands (command TEXT PRIMARY KEY, ack TEXT NOT NULL,"
    " seen_ms INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


@dataclass(frozen=True)
class Entry:
    id: str
    boot: str
    seq: int
    type: str
    body: dict[str, Any]


class Outbox:
    def __init__(self, path: str | Path) -> None:
        # autocommit; WAL keeps appends cheap while staying durable across a process kill
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        for statement in _SCHEMA:
            self._db.execute(statement)

    def close(self) -> None:
        self._db.close()

    def append(self, boot: str, message_type: str, body: dict[str, Any]) -> Entry:
        """Number the message (next seq of this boot) and keep it until the broker has it."""
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            row = self._db.execute("SELECT next_seq FROM counters WHERE boot = ?", (boot,))
            found = row.fetchone()
            seq = found[0] if found else 0
            self._db.execute(
                "INSERT INTO counters (boot, next_seq) VALUES (?, ?)"
                " ON CONFLICT (boot) DO UPDATE SET next_seq = excluded.next_seq",
                (boot, seq + 1),
            )
            entry = Entry(uuid.uuid4().hex, boot, seq, message_type, body)
            self._db.execute(
                "INSERT INTO outbox (id, boot, seq, type, body) VALUES (?, ?, ?, ?, ?)",
                (entry.id, boot, seq, message_type, json.dumps(body, ensure_ascii=False)),
            )
        return entry

    def oldest(self, limit: int) -> list[Entry]:
        rows = self._db.execute(
            "SELECT id, boot, seq, type, body FROM outbox ORDER BY position LIMIT ?", (limit,)
        )
        return [Entry(i, b, s, t, json.loads(body)) for i, b, s, t, body in rows]

    def remove(self, message_id: str) -> None:
        self._db.execute("DELETE FROM outbox WHERE id = ?", (message_id,))

    def depth(self) -> int:
        depth: int = self._db.execute("SELECT count(*) FROM outbox").fetchone()[0]
        return depth

    def last_seq(self, boot: str) -> int:
        """The seq of the latest buffered message of this boot (0 before the first)."""
        row = self._db.execute("SELECT next_seq FROM counters WHERE boot = ?", (boot,)).fetchone()
        return max(row[0] - 1, 0) if row else 0

    def command_ack(self, command: str) -> dict[str, Any] | None:
        row = self._db.execute("SELECT ack FROM commands WHERE command = ?", (command,)).fetchone()
        return json.loads(row[0]) if row else None

    def remember_command(self, command: str, ack: dict[str, Any], now_ms: int) -> None:
        self._db.execute(
            "INSERT INTO commands (command, ack, seen_ms) VALUES (?, ?, ?)"
            " ON CONFLICT (command) DO UPDATE SET ack = excluded.ack",
            (command, json.dumps(ack), now_ms),
        )
        self._db.execute("DELETE FROM commands WHERE seen_ms < ?", (now_ms - COMMAND_MEMORY_MS,))

    def setting(self, key: str) -> Any:
        row = self._db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def save_setting(self, key: str, value: Any) -> None:
        self._db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value, ensure_ascii=False)),
        )
