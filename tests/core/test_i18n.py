"""One translation table: both locales complete, placeholders agree, zh-CN is the default,
every key the code uses is in it and every key in it is used."""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from app.core.i18n import MESSAGES, PARTS, merged, strings, t
from app.webhooks.services.webhooks import EVENT_TYPES
from hardware.protocol.messages import CHANNEL_OF_TYPE, DOWN_TYPES
from tests.core.message_families import FAMILIES, is_built, literals

PLACEHOLDER = re.compile(r"{(\w+)}")


def test_every_message_exists_in_both_locales_with_the_same_placeholders() -> None:
    for key, (zh, en) in MESSAGES.items():
        assert zh.strip() and en.strip(), key
        assert set(PLACEHOLDER.findall(zh)) == set(PLACEHOLDER.findall(en)), key


def test_chinese_is_the_default_and_english_is_switchable() -> None:
    assert t("nav.home") == "首页"
    assert t("nav.home", "en") == "Home"
    assert t("home.cabinets_online", "en", online=3) == "3 online"
    assert t("nav.home", "fr") == "首页"
    assert strings("en")["nav.home"] == "Home"


def test_every_key_used_in_the_code_is_in_the_table() -> None:
    namespaces = "|".join(sorted({key.split(".")[0] for key in MESSAGES}))
    literal = re.compile(rf"(?:{namespaces})\.[a-z_]+(?:\.[a-z_]+)*")
    used = {text for text in literals() if literal.fullmatch(text)}
    assert len(used) > 20
    # "account.id" is a foreign key, "cabinet.db" a file name, "auth.card" a cabinet message
    # type of the protocol, "stock.low" a webhook event type (sent as it is): not messages
    not_messages = {key for key in used if key.endswith((".id", ".db", ".json"))}
    not_messages |= set(CHANNEL_OF_TYPE) | set(DOWN_TYPES) | set(EVENT_TYPES)
    # a module run as a process ("python", "-m", "app.jobs" in app/ops/topology.py)
    not_messages |= {key for key in used if Path(*key.split(".")).with_suffix(".py").exists()}
    missing = {key for key in used - not_messages if key not in MESSAGES}
    assert not missing, missing


def test_every_key_in_the_table_is_used_by_the_product() -> None:
    """A key is used when app/ or hardware/ spells it out (not as an audit action), or builds
    it from a family of tests/core/message_families.py with one of that family's values."""
    built = {key for f in FAMILIES for key in f.keys() & MESSAGES.keys() if is_built(key)}
    unused = MESSAGES.keys() - literals() - built
    assert not unused, sorted(unused)


def test_every_family_of_keys_is_still_built_by_the_code() -> None:
    for family in FAMILIES:
        keys = family.keys() & MESSAGES.keys()
        assert keys, f"no key of {family.template} in the table"
        assert all(is_built(key) for key in keys), f"{family.template} is not built by the code"


def _part(name: str, messages: dict[str, tuple[str, str]]) -> ModuleType:
    part = ModuleType(name)
    part.MESSAGES = messages  # type: ignore[attr-defined]
    return part


def test_a_key_defined_in_two_parts_is_refused() -> None:
    one = _part("one", {"common.ok": ("好", "OK"), "items.new": ("新建物品", "New item")})
    two = _part("two", {"items.new": ("新物品", "New item")})
    assert merged([one]) == one.MESSAGES
    with pytest.raises(RuntimeError, match=r"\['items.new'\]"):
        merged([one, two])


def test_every_part_is_merged_and_no_key_is_written_twice() -> None:
    """Every module of app/core/messages is a part, and no key is spelled twice in them (a
    repeated key inside one part's dict, or its MESSAGES.update, would silently win)."""
    files = sorted(Path("app/core/messages").glob("[!_]*.py"))
    assert sorted(part.__name__.rsplit(".", 1)[-1] for part in PARTS) == [f.stem for f in files]
    written = Counter(
        key.value
        for f in files
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8")))
        if isinstance(node, ast.Dict)
        for key in node.keys
        if isinstance(key, ast.Constant)
    )
    assert [key for key, n in written.items() if n > 1] == []
    assert written.keys() == MESSAGES.keys()
