"""A pretend caller for handler tests without a browser: the session's principal and language
come from `who`, which the test may change between calls."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from app.ui import session


def pretend_signed_in(monkeypatch: pytest.MonkeyPatch, principal: Any) -> SimpleNamespace:
    """`who.principal` (None: nobody signed in) and `who.locale` answer every check."""
    who = SimpleNamespace(principal=principal, locale="en")

    async def current_principal(state: Any) -> Any:
        return who.principal

    async def request_locale(state: Any) -> str:
        return who.locale

    monkeypatch.setattr(session, "current_principal", current_principal)
    monkeypatch.setattr(session, "request_locale", request_locale)
    return who
