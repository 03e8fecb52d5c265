"""Optional encryption of a backup file with BACKUP_KEY, streamed in chunks.

AES-256-GCM per 1 MiB chunk (the "STREAM" construction): a random salt per file gives the file
its own key (HKDF-SHA256 from BACKUP_KEY), each chunk's nonce is a random prefix, the chunk's
number and a last-chunk flag, so a reordered, dropped or truncated chunk fails authentication
just like an altered one. A key id (derived, never the key) in the manifest tells a wrong key
from a damaged file.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"CCBACKUP1\n"
CHUNK = 1024 * 1024
TAG = 16
SALT = 16
PREFIX = 7  # nonce = 7-byte prefix + 4-byte chunk number + 1-byte last flag


class DecryptionError(ValueError):
    """The file does not open with this key: the wrong key, or the file was altered."""


def _derive(key: str, salt: bytes, info: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info)
    return hkdf.derive(key.encode())


def key_id(key: str) -> str:
    """A short public fingerprint of BACKUP_KEY (names the key a backup needs, reveals nothing)."""
    return _derive(key, b"cabinet-backup", b"key id").hex()[:16]


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", number) + (b"\x01" if last else b"\x00")


def _chunks(stream: BinaryIO, size: int) -> Iterator[tuple[bytes, bool]]:
    """(chunk, is_last) with one chunk of look-ahead; an empty stream is one empty last chunk."""
    current = stream.read(size)
    while True:
        following = stream.read(size)
        yield current, not following
        if not following:
            return
        current = following


def encrypt_file(source: Path, target: Path, key: str) -> tuple[str, str]:
    """Write `source` encrypted to `target`; the sha256 of the source and of the target."""
    salt, prefix = os.urandom(SALT), os.urandom(PREFIX)
    header = MAGIC + salt + prefix
    aead = AESGCM(_derive(key, salt, b"backup file"))
    plain_digest, sealed_digest = hashlib.sha256(), hashlib.sha256(header)
    with source.open("rb") as plain, target.open("wb") as out:
        out.write(header)
        for number, (chunk, last) in enumerate(_chunks(plain, CHUNK)):
            sealed = aead.encrypt(_nonce(prefix, number, last), chunk, header)
            plain_digest.update(chunk)
            sealed_digest.update(sealed)
            out.write(sealed)
    return plain_digest.hexdigest(), sealed_digest.hexdigest()


def decrypt_file(source: Path, target: Path, key: str) -> str:
    """Write `source` decrypted to `target`; the sha256 of what was written.
    Raises DecryptionError on a wrong key or any altered, reordered or missing chunk."""
    digest = hashlib.sha256()
    with source.open("rb") as sealed, target.open("wb") as out:
        header = sealed.read(len(MAGIC) + SALT + PREFIX)
        if len(header) != len(MAGIC) + SALT + PREFIX or not header.startswith(MAGIC):
            raise DecryptionError("not an encrypted backup (its header is missing)")
        salt, prefix = header[len(MAGIC) : -PREFIX], header[-PREFIX:]
        aead = AESGCM(_derive(key, salt, b"backup file"))
        for number, (chunk, last) in enumerate(_chunks(sealed, CHUNK + TAG)):
            try:
                plain = aead.decrypt(_nonce(prefix, number, last), chunk, header)
            except InvalidTag as error:
                raise DecryptionError(f"chunk {number} does not authenticate") from error
            digest.update(plain)
            out.write(plain)
    return digest.hexdigest()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()
