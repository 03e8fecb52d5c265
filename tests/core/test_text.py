"""The rule for text a person types: no control characters, no text-direction overrides."""

from __future__ import annotations

import pytest

from app.core.errors import ValidationError
from app.core.i18n import t
from app.core.text import clean_line, clean_text, has_unsafe, refuse_unsafe

# What the probe stored: a right-to-left override, NUL, line breaks, a tab, ESC, a C1 control,
# the bidi isolates and embeddings, the invisible direction marks and line separators.
UNSAFE = [
    "\u202e",
    "\x00",
    "\n",
    "\r",
    "\t",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9b",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
    "\u2028",
    "\u2029",
]
SAFE = [
    "张伟",
    "Zhang Wei",
    "O'Brien-Smith",
    "研发中心/测试组",
    "A4 纸 (70g)",
    "Müller",
    "👩‍💻 李娜",
]


@pytest.mark.parametrize("char", UNSAFE, ids=[f"U+{ord(c):04X}" for c in UNSAFE])
def test_a_name_with_a_control_or_direction_character_is_refused(char: str) -> None:
    with pytest.raises(ValidationError) as caught:
        refuse_unsafe(f"张{char}伟", "name")
    assert (caught.value.key, caught.value.params) == ("error.unsafe_text", {"field": "name"})
    with pytest.raises(ValidationError):
        clean_line(f"  gpj{char}.exe  ", "name", max_length=60)


@pytest.mark.parametrize("name", SAFE)
def test_ordinary_names_pass_unchanged(name: str) -> None:
    assert refuse_unsafe(name, "name") == name
    assert clean_line(f" {name} ", "name", max_length=60) == name


def test_free_text_keeps_line_breaks_and_refuses_the_rest() -> None:
    assert clean_text("第一行\r\n第二行", "reason", max_length=500) == "第一行\n第二行"
    for char in UNSAFE:
        if char not in "\n\r":
            assert has_unsafe(f"a{char}b", multiline=True), repr(char)


def test_the_refusal_names_the_field_in_both_languages() -> None:
    with pytest.raises(ValidationError) as caught:
        refuse_unsafe("星月\u202e科技", "tenant")
    assert t(caught.value.key, "zh-CN", **caught.value.params).startswith("企业含有控制字符")
    assert t(caught.value.key, "en", **caught.value.params).startswith(
        "Tenant contains control or text-direction characters"
    )
