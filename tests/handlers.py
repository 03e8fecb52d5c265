"""Every event handler of every state, and the reviewed lists of who may call which: shared by
tests/ui/test_every_handler_declares.py (each handler's declaration, no browser) and
tests/browser/test_every_handler.py (each handler, called over the real websocket)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import reflex as rx

# Handlers anyone may call, with the reason. Reflex's own run for every page view; ours read
# nothing protected (or check the session themselves and redirect the visitor to /login).
PUBLIC: dict[str, str] = {
    "State.hydrate": "Reflex: sends the caller's own state",
    "State.hydrate_and_load": "Reflex: hydrate, then the page's on_load handlers (checked)",
    "State.set_is_hydrated": "Reflex: a flag of the caller's own state",
    "OnLoadInternalState.on_load_internal": "Reflex: runs the page's on_load handlers (checked)",
    "OnLoadInternalState.set_is_hydrated": "Reflex: a flag of the caller's own state",
    "UpdateVarsInternalState.update_vars_internal": "Reflex: client-storage vars (we have none)",
    "FrontendEventExceptionState.handle_frontend_exception": "Reflex: logs a browser error",
    "CabinetsState.forget_credentials": "empties the caller's own tab of credentials shown once",
    "LocaleState.set_locale": "the caller's own UI language",
    "LocaleState.toggle_locale": "the caller's own UI language",
    "LoginPageState.read_error": "the sign-in page's error message",
    "LoginPageState.set_sso_company": "the company code typed on the sign-in page (builds a link)",
    "LoginPageState.set_im_company": "the company code typed on the phone: which IMs it offers",
    "LoginPageState.find_im_sign_ins": "which IMs the company code in the page's link offers",
    "SessionState.load_session": "checks the session itself; visitors go to /login",
    "AlertCentreState.follow": "reads the caller's own scope, only with alert:read (checked)",
    "WallState.load": "a wall screen has no sign-in: shows only what a live display token opens",
    "WallState.arrived": "shows the tenant of the token this screen opened with, if still live",
    "WallState.tick": "re-opens this screen's own display token, if still live",
    "RegisterState.request_code": "one reply for listed and unlisted phones; rate-limited",
    "RegisterState.register": "sign-up: needs a whitelisted phone and its verification code",
}
# Logged-in people without console rights may still use these: their own phone pages, scoped
# to their own tenant and person by the services (tests/withdrawals/test_phone.py).
SELF_SERVICE: dict[str, str] = {
    "CabinetPhoneState.load": "a cabinet of the caller's own tenant, and the caller's own visits",
    "CabinetPhoneState.open_cabinet": "opens for the caller, with the badge's checks",
    "CabinetPhoneState.watch": "follows the caller's own visits",
    "CabinetPhoneState.ask": "asks for the caller, at a cabinet of their own tenant",
    "HomeState.load": "an employee is sent to their own page (/m): no console figures",
    "MyPhoneState.load": "the caller's own quotas, requests, visits and decisions",
    "MyPhoneState.toggle_ask": "shows or hides a form",
    "MyPhoneState.open_dispute": "shows a form (the visit is checked when it is sent)",
    "MyPhoneState.ask": "asks for the caller",
    "MyPhoneState.decide": "the service checks the caller is the current step's approver",
    "MyPhoneState.dispute": "disputes one of the caller's own visits",
}


@dataclass(frozen=True)
class Handler:
    key: str  # "StateClass.handler", as the lists name it
    event_name: str  # what the websocket message carries
    parameters: tuple[inspect.Parameter, ...]
    fn: Callable[..., Any]  # the function Reflex calls (with the app's declaration on it)
    ours: bool  # a handler the app wrote (not one of Reflex's, such as every state's setvar)


def _all_states(root: type[rx.State]) -> Iterator[type[rx.State]]:
    """The app's states and Reflex's own; not those a test module defines for itself (a pytest
    run that collects tests/ui imports them, but the running app has none of them)."""
    yield root
    for sub in root.get_substates():
        if not sub.__module__.startswith("tests."):
            yield from _all_states(sub)


def all_handlers() -> list[Handler]:
    import app.app  # noqa: F401 - registers every page and state

    handlers = []
    for state in _all_states(rx.State):
        for name, handler in state.event_handlers.items():
            params = tuple(inspect.signature(handler.fn).parameters.values())[1:]
            handlers.append(
                Handler(
                    f"{state.__name__}.{name}",
                    f"{state.get_full_name()}.{name}",
                    params,
                    handler.fn,
                    handler.fn.__module__.startswith("app."),
                )
            )
    return sorted(handlers, key=lambda h: h.key)
