"""One translation table: both locales complete, placeholders agree, zh-CN is the default."""

from __future__ import annotations

import re

from app.core.i18n import MESSAGES, strings, t

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
    from pathlib import Path

    namespaces = "|".join(sorted({key.split(".")[0] for key in MESSAGES}))
    literal = re.compile(rf"""["']((?:{namespaces})\.[a-z_]+(?:\.[a-z_]+)*)["']""")
    used: set[str] = set()
    for path in Path("app").rglob("*.py"):
        if path.name != "i18n.py":
            used |= set(literal.findall(path.read_text(encoding="utf-8")))
    assert len(used) > 20
    # "account.id" is a foreign key, "cabinet.db" a file name, "auth.card" a cabinet message
    # type of the protocol, "stock.low" a webhook event type: not messages
    from hardware.protocol.messages import CHANNEL_OF_TYPE, DOWN_TYPES

    not_messages = {key for key in used if key.endswith((".id", ".db", ".json"))}
    from app.webhooks.service import EVENT_TYPES  # webhook event types, sent as they are

    not_messages |= set(CHANNEL_OF_TYPE) | set(DOWN_TYPES) | set(EVENT_TYPES)
    # a module run as a process ("python", "-m", "app.jobs" in app/ops/topology.py)
    not_messages |= {key for key in used if Path(*key.split(".")).with_suffix(".py").exists()}
    missing = {key for key in used - not_messages if key not in MESSAGES}
    assert not missing, missing
