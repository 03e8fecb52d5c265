"""JWTs (python-jose, HS256): a short access token and a longer refresh token per session.

Both name the AuthSession (`sid`); `typ` keeps one from being used as the other. Decoding
always passes `algorithms=[ALGORITHM]` so an attacker cannot pick `none` or another scheme.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from jose import JWTError, jwt

from app.core.config import get_settings

ALGORITHM = "HS256"
ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=7)
TokenType = Literal["access", "refresh"]


@dataclass(frozen=True)
class TokenClaims:
    account_id: int
    session_id: str
    token_type: TokenType
    expires_at: datetime


def _secret() -> str:
    return get_settings().secret_key


def issue(
    account_id: int, session_id: str, token_type: TokenType, now: datetime | None = None
) -> str:
    now = now or datetime.now(UTC)
    ttl = ACCESS_TTL if token_type == "access" else REFRESH_TTL
    claims = {
        "sub": str(account_id),
        "sid": session_id,
        "typ": token_type,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        # Unique per token: two rotations within one second must not issue the same token.
        "jti": secrets.token_hex(8),
    }
    return str(jwt.encode(claims, _secret(), algorithm=ALGORITHM))


def verify(
    token: str | None, token_type: TokenType, *, check_expiry: bool = True
) -> TokenClaims | None:
    """The claims of a valid token of the given type; None for anything else.

    `check_expiry=False` is for callers that check the session itself in the database on every
    use (the websocket, whose cookie was captured when it connected): the signature still has to
    be ours, and a revoked or expired session still ends access immediately.
    """
    if not token or not isinstance(token, str):
        return None
    try:
        claims = jwt.decode(
            token, _secret(), algorithms=[ALGORITHM], options={"verify_exp": check_expiry}
        )
    except JWTError:
        return None
    if claims.get("typ") != token_type or not str(claims.get("sub", "")).isdigit():
        return None
    session_id = claims.get("sid")
    if not isinstance(session_id, str) or not session_id:
        return None
    return TokenClaims(
        account_id=int(claims["sub"]),
        session_id=session_id,
        token_type=token_type,
        expires_at=datetime.fromtimestamp(claims["exp"], UTC),
    )


def fingerprint(token: str) -> str:
    """What we store of a refresh token: enough to recognise it, useless if leaked."""
    return hashlib.sha256(token.encode()).hexdigest()
