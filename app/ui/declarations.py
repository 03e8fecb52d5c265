"""What an event handler declares it needs, kept on its function for the tests to read
(tests/ui/test_every_handler_declares.py). `@guarded` (app/ui/guard.py) declares and checks;
the two here only declare, for the handlers that must not be checked before their body: public
ones, and ones that check inside it. Imports nothing of the app: app/ui/session.py and
app/ui/locale.py, which the check itself is built on, declare their handlers with these."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

GUARD_ATTRIBUTE = "__guard__"
Handler = TypeVar("Handler", bound=Callable[..., Any])


@dataclass(frozen=True)
class Guard:
    """What a handler declares it needs."""

    permission: str | None = None  # None: any signed-in person (or, public, anyone)
    public: bool = False  # anyone may call it, signed in or not
    checked_inside: bool = False  # the body checks (with `permission`), not a decorator
    reason: str = ""  # public or checked inside: why
    message: str | None = None  # the state var a DomainError of the body is written to


def declaration(fn: Callable[..., Any]) -> Guard | None:
    """What a handler function declared (None: nothing)."""
    return getattr(fn, GUARD_ATTRIBUTE, None)


def declare(guard: Guard) -> Callable[[Handler], Handler]:
    """Keep `guard` on the handler function, which is otherwise left as it is."""

    def decorate(fn: Handler) -> Handler:
        setattr(fn, GUARD_ATTRIBUTE, guard)
        return fn

    return decorate


def public(reason: str) -> Callable[[Handler], Handler]:
    """Anyone may call this handler: `reason` says why that is safe."""
    return declare(Guard(public=True, reason=reason))


def checked_inside(permission: str | None, reason: str) -> Callable[[Handler], Handler]:
    """The handler checks the caller itself (at least `permission`); `reason` says why."""
    return declare(Guard(permission=permission, checked_inside=True, reason=reason))
