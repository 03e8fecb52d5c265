"""Every handler of the app's own states declares what it needs (app/ui/guard.py), and the
declarations agree with the reviewed lists the browser test attacks by (tests/handlers.py): a
public handler is declared public, a self-service one needs no console permission, and no other
handler is callable by just anyone or by any signed-in person."""

from __future__ import annotations

import reflex as rx

from app.ui.guard import Guard, declaration
from tests.handlers import PUBLIC, SELF_SERVICE, Handler, all_handlers


def _ours() -> list[Handler]:
    return [h for h in all_handlers() if h.ours]


def _declared(handler: Handler) -> Guard:
    guard = declaration(handler.fn)
    assert guard is not None, handler.key
    return guard


def test_every_handler_of_ours_declares_what_it_needs() -> None:
    handlers = _ours()
    assert len(handlers) > 100, [h.key for h in handlers]
    undeclared = [h.key for h in handlers if declaration(h.fn) is None]
    assert not undeclared, f"handlers without @guarded/@public/@checked_inside: {undeclared}"


def test_only_the_listed_handlers_are_public() -> None:
    public = {h.key for h in _ours() if _declared(h).public}
    listed = {key for key in PUBLIC if not PUBLIC[key].startswith("Reflex:")}
    assert public == listed


def test_the_reflex_handlers_on_the_list_are_reflex_s() -> None:
    reflex_own = {h.key for h in all_handlers() if not h.ours}
    assert {key for key in PUBLIC if PUBLIC[key].startswith("Reflex:")} <= reflex_own


def test_only_self_service_handlers_admit_people_without_console_rights() -> None:
    """Any signed-in person (permission None) or a `self:` permission: the phone's pages."""
    open_to_employees = {
        h.key for h in _ours() if not _declared(h).public and _no_console_right(_declared(h))
    }
    assert open_to_employees - _paged() == set(SELF_SERVICE)


def _no_console_right(guard: Guard) -> bool:
    return guard.permission is None or guard.permission.startswith("self:")


def _paged() -> set[str]:
    """The pager's handlers: checked inside with each state's own read permission."""
    return {
        h.key
        for h in _ours()
        if _declared(h).checked_inside and h.key.split(".")[1] in _PAGER_HANDLERS
    }


_PAGER_HANDLERS = ("next_page", "previous_page", "choose_page_size")


def test_a_message_declared_is_a_var_of_the_state() -> None:
    for state_handler in _ours():
        guard = _declared(state_handler)
        if guard.message is None:
            continue
        state = _state_of(state_handler)
        assert guard.message in state.get_fields() or guard.message in state.vars, (
            state_handler.key,
            guard.message,
        )


def _state_of(handler: Handler) -> type[rx.State]:
    name = handler.key.split(".")[0]
    return next(s for s in _states() if s.__name__ == name)


def _states() -> list[type[rx.State]]:
    found, todo = [], [rx.State]
    while todo:
        state = todo.pop()
        found.append(state)
        todo.extend(state.get_substates())
    return found
