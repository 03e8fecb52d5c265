"""Where a sign-in returns to: a same-site path only. `next` comes from a link anyone can write,
so everything a browser could read as another origin is refused (no open redirect)."""

from __future__ import annotations

import pytest

from app.auth.services.next_path import phone_sign_in, safe_next


@pytest.mark.parametrize(
    "path",
    ["/m/cabinet/CAB-XY-001", "/m", "/", "/reports?month=2026-11", "/m/cabinet/%E6%9F%9C"],
)
def test_a_path_of_this_site_is_kept(path: str) -> None:
    assert safe_next(path) == path


@pytest.mark.parametrize(
    "raw",
    [
        "https://evil.example/m/cabinet/X",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",  # browsers drop the tab: "//evil.example"
        "/\n/evil.example",
        " /m",
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,hi",
        "m/cabinet/X",  # relative to wherever the form was: not a path we know
        "evil.example",
        "/m#x",
        "",
        "/" + "a" * 600,
        None,
        ["/m"],
        42,
    ],
)
def test_anything_else_is_refused(raw: object) -> None:
    assert safe_next(raw) is None


def test_the_phone_sign_in_carries_where_to_return() -> None:
    assert phone_sign_in("/m/cabinet/CAB-XY-001") == "/m/login?next=%2Fm%2Fcabinet%2FCAB-XY-001"
    assert phone_sign_in("//evil.example") == "/m/login"


def test_a_sign_in_returns_phone_pages_to_the_phone_sign_in() -> None:
    from app.auth.services.next_path import sign_in_returning

    assert sign_in_returning("/reports") == "/login?next=%2Freports"
    assert sign_in_returning("/m/cabinet/CAB-1") == "/m/login?next=%2Fm%2Fcabinet%2FCAB-1"
    assert sign_in_returning("/m") == "/m/login?next=%2Fm"
    assert sign_in_returning("/media") == "/login?next=%2Fmedia"
    assert sign_in_returning("https://evil.example/") == "/login"
