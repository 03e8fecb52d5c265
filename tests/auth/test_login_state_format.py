"""The sign-in page's company code without a browser: trimmed and cut, whatever is sent."""

from __future__ import annotations

import pytest

from app.auth.state.login import _company_code


@pytest.mark.parametrize(
    ("value", "code"),
    [(" acme ", "acme"), (None, ""), ("", ""), (42, "42"), ("x" * 100, "x" * 32), (["a"], "['a']")],
)
def test_the_company_code_is_trimmed_and_cut(value: object, code: str) -> None:
    assert _company_code(value) == code
