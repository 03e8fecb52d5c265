"""Where a sign-in returns to: only a path of this site, never an address elsewhere.

A scanned cabinet's QR code leads a signed-out employee to the sign-in page with `next` set to
the cabinet's page; anything in `next` is attacker-controlled (a link can carry any value), so a
value that a browser could read as another origin is dropped rather than repaired.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

MAX_NEXT = 512


def safe_next(raw: object) -> str | None:
    """`raw` when it is a same-site relative path (with an optional query); None otherwise."""
    if not isinstance(raw, str) or not raw or len(raw) > MAX_NEXT:
        return None
    # Browsers drop tabs and newlines inside URLs and read "\" as "/": "/\t/x" and "/\x" mean
    # "//x", another host. Any control character, space or backslash is refused outright.
    if any(ch <= " " or ch == "\\" or ch == "\x7f" for ch in raw):
        return None
    if not raw.startswith("/") or raw.startswith("//"):
        return None
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc or parts.fragment:
        return None
    return raw


PHONE_SIGN_IN = "/m/login"
CONSOLE_SIGN_IN = "/login"
PHONE_HOME = "/m"


def next_from_referer(referer: str | None, host: str | None) -> str | None:
    """The `next` of the sign-in page a form was posted from, read from the Referer header.

    The page's hidden `next` field is filled once the page has loaded its state; a person (or
    a password manager) who submits before that would otherwise lose where they were going.
    Only a same-host sign-in page's own query counts."""
    if not referer or not host:
        return None
    parts = urlsplit(referer)
    if parts.netloc != host or parts.path not in (PHONE_SIGN_IN, CONSOLE_SIGN_IN):
        return None
    values = parse_qs(parts.query).get("next", [])
    return safe_next(values[0]) if values else None


def sign_in_returning(back_to: str, page: str | None = None) -> str:
    """A sign-in page that returns to `back_to` (a path of this site) once signed in: the
    phone's for a phone page, else the console's."""
    back = safe_next(back_to)
    if page is None:
        phone = back is not None and (back == "/m" or back.startswith(("/m/", "/m?")))
        page = PHONE_SIGN_IN if phone else CONSOLE_SIGN_IN
    return f"{page}?{urlencode({'next': back})}" if back else page


def phone_sign_in(back_to: str) -> str:
    return sign_in_returning(back_to, PHONE_SIGN_IN)
