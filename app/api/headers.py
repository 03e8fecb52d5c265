"""Security headers on every response of the one port.

Pages may run only our own scripts: the built frontend's files, and the few inline scripts its
HTML carries, allowed by their SHA-256 (read from the build, so a rebuilt frontend needs no
edit here); no inline handler or javascript: URL runs. No page can be framed (clickjacking),
nothing is sniffed, and the Referer sent to other sites names our origin only (a wall display's
link carries its token in the path).
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)
BASE_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
]


def _build_dir() -> Path | None:
    try:
        from reflex.utils import prerequisites
        from reflex_base import constants
    except ImportError:  # served without Reflex (tests of the bare routes)
        return None
    return prerequisites.get_web_dir() / constants.Dirs.STATIC


def inline_script_hashes(build_dir: Path | None) -> list[str]:
    """CSP source expressions for every inline script of the built pages."""
    if build_dir is None or not build_dir.is_dir():
        return []
    found: set[str] = set()
    for page in build_dir.rglob("*.html"):
        for body in INLINE_SCRIPT.findall(page.read_bytes()):
            digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
            found.add(f"'sha256-{digest}'")
    return sorted(found)


def content_security_policy(script_hashes: list[str]) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            # Reflex runs what the server sends as code (toasts and rx.call_script reach the
            # page as strings for eval): 'unsafe-eval' is the price. Inline scripts, inline
            # handlers and javascript: URLs, what injected markup would need, stay refused.
            " ".join(["script-src 'self' 'unsafe-eval'", *script_hashes]),
            # Radix and emotion set style attributes and inject <style> at run time
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


_cached: list[tuple[bytes, bytes]] = []


def _page_headers() -> list[tuple[bytes, bytes]]:
    """Read once the build is there (a process serving before it is built asks again)."""
    if _cached:
        return _cached
    hashes = inline_script_hashes(_build_dir())
    headers = [
        *BASE_HEADERS,
        (b"content-security-policy", content_security_policy(hashes).encode()),
    ]
    if hashes:
        _cached.extend(headers)
    return headers


def security_headers() -> list[tuple[bytes, bytes]]:
    """The headers for any response. The pages' policy goes on every one, whatever its type: a
    304 that revalidates a cached page replaces that page's headers with its own."""
    return list(_page_headers())
