"""Password and PIN hashing: passlib's API (maintained `libpass` fork) with argon2id.

Parameters: argon2id, memory_cost=7 MiB, time_cost=5, parallelism=1. OWASP's Password Storage
Cheat Sheet lists five argon2id configurations of equal strength (19 MiB × 2 passes, 12 × 3,
9 × 4, 7 × 5, 46 × 1); measured on our 2-core machines, 7 MiB × 5 is the fastest of them
(14 ms against 19 ms for 19 MiB × 2) and, fitting better in the CPU caches, the only one that
scales across both cores, which is what many people signing in at once need. Hashes made with
other parameters still verify and are upgraded at the next successful sign-in.
"""

from __future__ import annotations

import os
import threading

from passlib.context import CryptContext

ARGON2_TIME_COST = 5
ARGON2_MEMORY_KIB = 7 * 1024
ARGON2_PARALLELISM = 1

# Memory-hard hashing thrashes the CPU caches when more run at once than there are cores: the
# rest wait their turn (first come, first served) instead of slowing everyone down.
_hashing_slots = threading.BoundedSemaphore(os.cpu_count() or 1)

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
    with _hashing_slots:
        return str(_context.hash(secret))


def verify_secret(secret: str, hashed: str | None) -> bool:
    """True when `secret` matches; a missing hash never matches."""
    if not hashed:
        return False
    with _hashing_slots:
        return bool(_context.verify(secret, hashed))


def needs_rehash(hashed: str | None) -> bool:
    """True for a hash made with other parameters than today's (upgrade it on next use)."""
    return bool(hashed) and _context.needs_update(hashed)
