"""The edge's rules on their own: which origins pass, which uploads are accepted and how big,
what a log line keeps of a client token, whose upload an event is."""

from __future__ import annotations

import pytest

from app.api.headers import content_security_policy, inline_script_hashes
from app.api.security import origin_allowed
from app.core.log_masking import mask_text
from app.ui.identity import UPLOADS, session_of


@pytest.mark.parametrize(
    ("origin", "host", "allowed", "passes"),
    [
        (None, "cabinet.example.com", [], True),  # not a browser page: cookies decide
        ("https://cabinet.example.com", "cabinet.example.com", [], True),
        ("http://localhost:3000", "localhost:3000", [], True),
        ("http://localhost:8080", "localhost:3000", [], False),  # same site, other port
        ("https://evil.example", "cabinet.example.com", [], False),
        ("null", "cabinet.example.com", [], False),  # sandboxed frames, data: pages
        ("https://console.example.com", "api.example.com", ["https://console.example.com"], True),
        ("https://cabinet.example.com.evil.example", "cabinet.example.com", [], False),
    ],
)
def test_which_origins_pass(origin, host, allowed, passes) -> None:
    assert origin_allowed(origin, host, allowed) is passes


def test_a_client_token_never_reaches_a_log_line_whole() -> None:
    token = "f0e1d2c3-b4a5-4678-9abc-def012345678"
    masked = mask_text(f"Attempting to send delta to disconnected client '{token}'")
    assert token not in masked and "b4a5" not in masked and masked.endswith("'f0e1…'")


def test_the_inline_scripts_of_the_build_are_allowed_by_hash(tmp_path) -> None:
    (tmp_path / "index.html").write_bytes(
        b"<html><script>window.x=1</script><script src='/a.js'></script></html>"
    )
    hashes = inline_script_hashes(tmp_path)
    assert hashes == ["'sha256-hUmDl3yY/7GaaX+Zuy8aEy8IzxgpBs7xccqYHs2/7kQ='"]
    policy = content_security_policy(hashes)
    assert hashes[0] in policy and "frame-ancestors 'none'" in policy
    assert inline_script_hashes(tmp_path / "missing") == []


def test_an_upload_belongs_to_the_sessions_of_its_requests() -> None:
    UPLOADS.begin("tab", "S.upload", "session-1")
    UPLOADS.begin("tab", "S.upload", "session-2")
    assert UPLOADS.callers("tab", "S.upload") == ["session-1", "session-2"]
    UPLOADS.end("tab", "S.upload", "session-1")
    UPLOADS.end("tab", "S.upload", "session-2")
    assert UPLOADS.callers("tab", "S.upload") is None


def test_a_forged_or_missing_cookie_names_no_session() -> None:
    assert session_of(None) == session_of("") == session_of("cc_access=not.a.jwt") == ""


def test_an_api_key_or_authorization_header_never_reaches_a_log_line_whole() -> None:
    key = "cck_0a1b2c3d_S3cr3t-Value_xyz"
    masked = mask_text(f"refused {key}; headers {{'authorization': 'Bearer {key}'}}")
    assert "S3cr3t" not in masked and "cck_0a1b2c3d_…" in masked
    assert "abc.def" not in mask_text("Authorization: Bearer abc.def.ghi")
