"""Domain events from services, published on the bus only once their unit of work commits.

Services stay synchronous and free of the bus: they `announce(session, …)`, which keeps the event
on the session; `run_in_session` publishes what a committed unit of work announced (a rolled-back
one announced nothing). A subscriber therefore never hears of a change it cannot read yet.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import Session

from app.core.bus import get_bus, tenant_channel

logger = logging.getLogger(__name__)
_KEY = "announcements"

Announcement = tuple[str, dict[str, Any]]


def announce(session: Session, tenant_id: int, topic: str, **data: Any) -> None:
    announce_on(session, tenant_channel(tenant_id, topic), **data)


def announce_on(session: Session, channel: str, **data: Any) -> None:
    """An event on a channel of no tenant (e.g. a session that ended)."""
    session.info.setdefault(_KEY, []).append((channel, data))


def take_announcements(session: Session) -> list[Announcement]:
    announcements: list[Announcement] = session.info.pop(_KEY, [])
    return announcements


async def publish_announcements(announcements: list[Announcement]) -> None:
    """Best effort: the change is committed whatever happens here, and the pages that listen
    also re-read on a slow timer, so a bus outage delays them instead of failing the caller."""
    for channel, data in announcements:
        try:
            await get_bus().publish(channel, data)
        except Exception:
            logger.warning("bus: could not publish on %s", channel, exc_info=True)
