"""Protocol v1.1 on the cabinet's side (docs/protocol.md § 8): each copy sent waits for the cloud's
`msg.ack` naming its nonce; the outbox lets go of a message only on `accepted` or `duplicate`.
A copy refused for its time (`stale_timestamp`) or nonce (`replayed_nonce`) is re-signed with the
clock the answer gave and sent again; any other refusal is final and kept for the service screen.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

ANSWER_WAIT_S = 10.0  # no answer by then: the message stays in the outbox for a later try
RESIGN = frozenset(("stale_timestamp", "replayed_nonce"))
RESIGN_TRIES = 3
CLOCK_TOLERANCE_MS = 2_000  # an answer saying we are further off than this sets our clock

Signed = tuple[str, dict[str, Any]]


class CloudAnswers:
    def __init__(self, wait_s: float = ANSWER_WAIT_S) -> None:
        self.wait_s = wait_s
        self.offset_ms = 0  # added to the cabinet's own clock, learned from the answers
        self.refused: Counter[str] = Counter()  # final refusals by code
        self.last_refused: list[tuple[str, str]] = []  # (message id, code), newest last
        self._waiting: dict[str, tuple[asyncio.Future[dict[str, Any]], int]] = {}

    def heard(self, body: dict[str, Any]) -> bool:
        """An answer came (signature already checked): settle the copy it names, by nonce —
        which is what makes an old or foreign answer harmless."""
        waiting = self._waiting.pop(body.get("nonce", ""), None)
        if waiting is None:
            return False
        future, offset_used = waiting
        if abs(body["skew_ms"]) > CLOCK_TOLERANCE_MS:
            # absolute, from the offset that copy was signed with: many answers, one correction
            self.offset_ms = offset_used - body["skew_ms"]
        if not future.done():
            future.set_result(body)
        return True

    async def send(
        self,
        sign: Callable[[], Signed],
        publish: Callable[[str, dict[str, Any]], Awaitable[None]],
    ) -> dict[str, Any] | None:
        """Sign a copy, publish it and wait for its answer, re-signing after a refusal for time
        or nonce; the final answer, or None when none came in time."""
        body: dict[str, Any] | None = None
        for _ in range(RESIGN_TRIES):
            offset_used = self.offset_ms
            topic, message = sign()
            future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
            self._waiting[message["nonce"]] = (future, offset_used)
            try:
                await publish(topic, message)
                body = await asyncio.wait_for(future, self.wait_s)
            except TimeoutError:
                return None
            finally:
                self._waiting.pop(message["nonce"], None)
            if body["result"] != "refused" or body.get("code") not in RESIGN:
                break
        if body is not None and body["result"] == "refused":
            self.refused[body.get("code", "?")] += 1
            self.last_refused = [*self.last_refused[-19:], (body.get("ref", "?"), body["code"])]
        return body
