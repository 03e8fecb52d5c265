"""A sign-in session that ended (signed out, revoked): announced once the revocation commits,
so every web process resets and closes the browser tabs it owned (app/ui/identity.py)."""

from __future__ import annotations

from sqlmodel import Session

from app.core.announce import announce_on

SESSION_ENDED = "auth:session_ended"


def announce_ended(session: Session, session_id: str) -> None:
    announce_on(session, SESSION_ENDED, session_id=session_id)
