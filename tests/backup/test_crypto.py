"""Backup encryption: a round trip over several chunks; a wrong key, an altered, reordered or
truncated file are refused, never decrypted into something else."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.backup.services import crypto

KEY = "a-backup-key-of-at-least-32-characters!"


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "CHUNK", 1000)  # several chunks from a small file


def _sealed(tmp_path: Path, data: bytes) -> Path:
    plain, sealed = tmp_path / "plain", tmp_path / "sealed"
    plain.write_bytes(data)
    plain_sha, sealed_sha = crypto.encrypt_file(plain, sealed, KEY)
    assert plain_sha == crypto.sha256_of(plain) and sealed_sha == crypto.sha256_of(sealed)
    return sealed


@pytest.mark.parametrize("size", [0, 1, 999, 1000, 1001, 4500])
def test_round_trip(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    sealed = _sealed(tmp_path, data)
    assert size < 16 or data[:16] not in sealed.read_bytes()
    out = tmp_path / "out"
    assert crypto.decrypt_file(sealed, out, KEY) == crypto.sha256_of(tmp_path / "plain")
    assert out.read_bytes() == data


def test_a_wrong_key_is_refused_and_named_apart(tmp_path: Path) -> None:
    sealed = _sealed(tmp_path, os.urandom(2500))
    other = "another-key-of-at-least-32-characters!!"
    assert crypto.key_id(KEY) != crypto.key_id(other)
    with pytest.raises(crypto.DecryptionError, match="chunk 0"):
        crypto.decrypt_file(sealed, tmp_path / "out", other)


def _mangle(sealed: Path, how: str) -> None:
    data = bytearray(sealed.read_bytes())
    header, chunk = len(crypto.MAGIC) + crypto.SALT + crypto.PREFIX, crypto.CHUNK + crypto.TAG
    if how == "flip":
        data[header + 1500] ^= 0x01
    elif how == "truncate_mid":
        del data[-700:]
    elif how == "drop_last_chunk":  # ends on a chunk boundary: only the last flag tells
        del data[header + 2 * chunk :]
    elif how == "swap":
        first, second = data[header : header + chunk], data[header + chunk : header + 2 * chunk]
        data[header : header + 2 * chunk] = second + first
    elif how == "header":
        data[0] = ord("X")
    sealed.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["flip", "truncate_mid", "drop_last_chunk", "swap", "header"])
def test_an_altered_file_is_refused(tmp_path: Path, how: str) -> None:
    sealed = _sealed(tmp_path, os.urandom(3500))
    _mangle(sealed, how)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_file(sealed, tmp_path / "out", KEY)
