"""The acknowledge link in each alert message: a token signed with the app's secret (HS256, as the
session tokens) naming the tenant and the alert, valid for LINK_TTL. Anyone holding the message may
acknowledge the alert, as anyone in the group chat could say "on it"; nothing else is allowed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from jose import JWTError, jwt

from app.core.config import get_settings

ALGORITHM = "HS256"
LINK_TTL = timedelta(days=3)
TYPE = "alert-ack"


@dataclass(frozen=True)
class AckClaims:
    tenant_id: int
    alert_id: int
    route_id: int


def issue_ack_token(claims: AckClaims, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    payload = {
        "typ": TYPE,
        "tid": claims.tenant_id,
        "aid": claims.alert_id,
        "rid": claims.route_id,
        "exp": int((now + LINK_TTL).timestamp()),
    }
    return str(jwt.encode(payload, get_settings().secret_key, algorithm=ALGORITHM))


def verify_ack_token(token: str, now: datetime | None = None) -> AckClaims | None:
    """The claims of a token we signed that has not expired; None for anything else."""
    if not token or len(token) > 1000:
        return None
    try:
        payload = jwt.decode(
            token, get_settings().secret_key, algorithms=[ALGORITHM], options={"verify_exp": False}
        )
    except JWTError:
        return None
    ids = (payload.get("tid"), payload.get("aid"), payload.get("rid"))
    if payload.get("typ") != TYPE or not all(isinstance(i, int) for i in ids):
        return None
    expires = payload.get("exp")
    if not isinstance(expires, int) or expires <= (now or datetime.now(UTC)).timestamp():
        return None
    return AckClaims(*ids)


def ack_url(token: str) -> str:
    """Where the link points: the cloud's public base URL (CABINET_API_URL, as cabinets and
    people reach it; unset: this machine's port)."""
    settings = get_settings()
    base = settings.cabinet_api_url or f"http://localhost:{settings.port}"
    return f"{base}/api/alerts/ack/{token}"
