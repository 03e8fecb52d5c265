"""Every Reflex event handler declares what it needs, in one decorator under `@rx.event`:

    @rx.event
    @guarded("cabinet:provision", message="register_message")
    async def register(self, form: dict):
        principal = caller().principal

`guarded(permission)` checks the caller (signed in, holding `permission`; None: any signed-in
person) before the body runs, so a refusal never runs it; the body reads who is calling and in
which language from `caller()`; a parameter annotated `dict` that received anything else (a
crafted websocket message) arrives as `{}`; with `message=`, a DomainError the body raises is
translated into the caller's language and written to that state var instead of propagating.
`public(reason)` declares a handler anyone may call, `checked_inside(permission, reason)` one
that checks in its body (a redirect of its own, a permission that depends on the state); both
only declare (app/ui/declarations.py, re-exported here). The declaration is kept on the
function: tests/ui/test_every_handler_declares.py reads it for every handler. Reflex sees the
handler's own signature and type hints (functools.wraps), and async functions and async
generators stay what they are.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, get_origin

from reflex.istate.proxy import StateProxy

from app.auth.services.principal import Principal
from app.core.errors import DomainError
from app.core.i18n import t
from app.core.tenancy import TenantScope
from app.ui.declarations import (
    GUARD_ATTRIBUTE,
    Guard,
    Handler,
    checked_inside,
    declaration,
    public,
)
from app.ui.session import check

__all__ = ["Caller", "Guard", "caller", "checked_inside", "declaration", "guarded", "public"]


@dataclass(frozen=True)
class Caller:
    """Who sent the event being handled, and in which language they read the page."""

    principal: Principal
    locale: str

    @property
    def scope(self) -> TenantScope:
        return self.principal.scope


_CALLER: ContextVar[Caller] = ContextVar("guarded_caller")


def caller() -> Caller:
    """The caller of the guarded handler whose body is running."""
    try:
        return _CALLER.get()
    except LookupError:
        raise RuntimeError("caller() is only known inside a @guarded handler's body") from None


def guarded(permission: str | None, *, message: str | None = None) -> Callable[[Handler], Handler]:
    """Check the caller holds `permission` (None: is signed in) before the handler runs."""
    return _decorator(Guard(permission=permission, message=message))


async def _admit(state: Any, guard: Guard) -> Caller:
    """The caller, or AccessRefused. A background task's state is read under its lock."""
    if isinstance(state, StateProxy):
        async with state:
            principal, locale = await check(state, guard.permission)
    else:
        principal, locale = await check(state, guard.permission)
    return Caller(principal=principal, locale=locale)


async def _tell(state: Any, var: str, error: DomainError, locale: str) -> None:
    """The page's message: the refusal, in the caller's language."""
    text = t(error.key, locale, **error.params)
    if isinstance(state, StateProxy):
        async with state:
            setattr(state, var, text)
    else:
        setattr(state, var, text)


def _is_dict(annotation: object) -> bool:
    if isinstance(annotation, str):
        return annotation == "dict" or annotation.startswith("dict[")
    return annotation is dict or get_origin(annotation) is dict


def _payload_fixer(fn: Callable[..., Any]) -> Callable[[tuple, dict], tuple[tuple, dict]]:
    """What turns a non-dict sent for a `dict` parameter into `{}` (arguments after self)."""
    signature = inspect.signature(fn)
    names = [n for n, p in signature.parameters.items() if _is_dict(p.annotation)]

    def fix(args: tuple, kwargs: dict) -> tuple[tuple, dict]:
        if not names:
            return args, kwargs
        try:
            bound = signature.bind(None, *args, **kwargs)
        except TypeError:  # the call itself is wrong: let the function say so
            return args, kwargs
        for name in names:
            if name in bound.arguments and not isinstance(bound.arguments[name], dict):
                bound.arguments[name] = {}
        return bound.args[1:], bound.kwargs

    return fix


def _decorator(guard: Guard) -> Callable[[Handler], Handler]:
    def decorate(fn: Handler) -> Handler:
        if inspect.isasyncgenfunction(fn):
            wrapper = _generator_wrapper(fn, guard)
        elif inspect.iscoroutinefunction(fn):
            wrapper = _coroutine_wrapper(fn, guard)
        else:
            raise TypeError(f"{fn.__qualname__}: a guarded handler is async")
        setattr(wrapper, GUARD_ATTRIBUTE, guard)
        return wrapper  # type: ignore[return-value]

    return decorate


def _coroutine_wrapper(fn: Callable[..., Any], guard: Guard) -> Callable[..., Any]:
    fix = _payload_fixer(fn)

    @functools.wraps(fn)
    async def handler(self: Any, *args: Any, **kwargs: Any) -> Any:
        who = await _admit(self, guard)
        args, kwargs = fix(args, kwargs)
        token = _CALLER.set(who)
        try:
            return await fn(self, *args, **kwargs)
        except DomainError as error:
            if guard.message is None:
                raise
            await _tell(self, guard.message, error, who.locale)
            return None
        finally:
            _CALLER.reset(token)

    return handler


def _generator_wrapper(fn: Callable[..., Any], guard: Guard) -> Callable[..., Any]:
    fix = _payload_fixer(fn)

    @functools.wraps(fn)
    async def handler(self: Any, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        who = await _admit(self, guard)
        args, kwargs = fix(args, kwargs)
        steps = fn(self, *args, **kwargs)
        try:
            while True:
                # the caller is set only while the body runs: between two steps this task
                # runs Reflex's code, which must not see it
                token = _CALLER.set(who)
                try:
                    step = await steps.__anext__()
                except StopAsyncIteration:
                    return
                except DomainError as error:
                    if guard.message is None:
                        raise
                    await _tell(self, guard.message, error, who.locale)
                    return
                finally:
                    _CALLER.reset(token)
                yield step
        finally:
            await steps.aclose()

    return handler
