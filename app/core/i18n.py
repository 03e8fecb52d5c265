"""The one translation table. zh-CN is the default; every user-facing string lives here.

`t(key, locale, **params)` formats a message; `strings(locale)` gives the whole table of one
locale to the UI (Reflex sends it once per locale switch).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from importlib import import_module
from pkgutil import iter_modules
from types import ModuleType

from app.core import messages

DEFAULT_LOCALE = "zh-CN"
LOCALES = ("zh-CN", "en")
# the parts of the table, one module per domain under app/core/messages/: a new module is a part
PARTS: tuple[ModuleType, ...] = tuple(
    import_module(f"{messages.__name__}.{found.name}")
    for found in sorted(iter_modules(messages.__path__), key=lambda found: found.name)
)


def merged(parts: Iterable[ModuleType]) -> dict[str, tuple[str, str]]:
    """One table from the per-domain parts; a key defined in two parts is refused."""
    table: dict[str, tuple[str, str]] = {}
    for part in parts:
        clash = table.keys() & part.MESSAGES.keys()
        if clash:
            raise RuntimeError(f"translation keys defined twice: {sorted(clash)}")
        table.update(part.MESSAGES)
    return table


# key: (zh-CN, en)
MESSAGES: dict[str, tuple[str, str]] = merged(PARTS)


def _index(locale: str) -> int:
    return 1 if locale == "en" else 0


def normalise_locale(locale: str | None) -> str:
    return locale if locale in LOCALES else DEFAULT_LOCALE


def t(key: str, locale: str = DEFAULT_LOCALE, /, **params: object) -> str:
    """The message `key` in `locale`, formatted with `params`; unknown keys show the key."""
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    index = _index(normalise_locale(locale))
    text = entry[index]
    if not params:
        return text
    field_name = MESSAGES.get(f"field.{params.get('field')}")
    if field_name is not None:
        params = {**params, "field": field_name[index]}
    return text.format(**params)


@lru_cache(maxsize=len(LOCALES))
def strings(locale: str) -> dict[str, str]:
    """Every message of one locale (unformatted), for the UI."""
    index = _index(normalise_locale(locale))
    return {key: pair[index] for key, pair in MESSAGES.items()}
