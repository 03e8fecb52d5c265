"""Password and PIN hashing: passlib's API (maintained `libpass` fork) with argon2id.

Parameters: argon2id, time_cost=2, memory_cost=19 MiB, parallelism=1 (OWASP's minimum
recommended argon2id profile), keeping a login well under 100 ms of CPU on our 2-core machines.
"""

from __future__ import annotations

from passlib.context import CryptContext

ARGON2_TIME_COST = 2
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_PARALLELISM = 1

_context = CryptContext(
    schemes=["argon2"],
    deprecated="auto",
    argon2__type="ID",
    argon2__time_cost=ARGON2_TIME_COST,
    argon2__memory_cost=ARGON2_MEMORY_KIB,
    argon2__parallelism=ARGON2_PARALLELISM,
)


def hash_secret(secret: str) -> str:
    """Hash a password or PIN."""
    return _context.hash(secret)


def verify_secret(secret: str, hashed: str | None) -> bool:
    """True when `secret` matches; a missing hash never matches."""
    if not hashed:
        return False
    return _context.verify(secret, hashed)
