"""What the cabinet page on the phone says about the door: one step at a time, from the facts.

The page used to show a refusal ("someone is using this cabinet") above the employee's own
unlocking visit, because the message and the visit list were updated by different events. Here
one pure function turns the facts (the person's own latest visit at this cabinet, whether this
page is following it, the last refusal, the cabinet's own state) into ONE step, and the page
shows that step only: the person's own door always wins over anything said about the cabinet.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.withdrawals.services.closing import NOT_OPENED


class DoorStep(StrEnum):
    ready = "ready"  # nothing under way: the button opens the cabinet
    asked = "asked"  # asked for an approval here: its door opens by itself once approved
    refused = "refused"  # the last press was refused: the reason, and the button again
    busy = "busy"  # someone else's door is open
    offline = "offline"  # as last heard: the button stays (refused while it still is)
    waiting = "waiting"  # the unlock is on its way: waiting for the door
    open = "open"  # the door is open: take, then close
    counting = "counting"  # closed: the scales are being read again
    recorded = "recorded"  # closed and booked
    checking = "checking"  # closed: a person will confirm what was taken
    failed = "failed"  # the door never opened: nothing recorded, try again


# The progress the page draws: each step of a visit in order (failed stops at the first).
PROGRESS = (DoorStep.waiting, DoorStep.open, DoorStep.counting, DoorStep.recorded)

_OWN = {  # a visit's stored status -> its step
    "authorized": DoorStep.waiting,
    "unlocking": DoorStep.waiting,
    "open": DoorStep.open,
    "closed": DoorStep.counting,
    "committed": DoorStep.recorded,
    "exception": DoorStep.checking,
    "expired": DoorStep.failed,
    NOT_OPENED: DoorStep.failed,
    "cancelled": DoorStep.failed,
}
UNDER_WAY = frozenset({DoorStep.waiting, DoorStep.open, DoorStep.counting})


@dataclass(frozen=True)
class DoorFacts:
    own_status: str | None = None  # the person's latest visit at this cabinet (shown status)
    following: bool = False  # this page opened that visit (or adopted it) and follows it
    refusal: str | None = None  # the key of the last press's refusal on this page
    asked: bool = False  # asked for an approval on this page, not decided yet
    others_inside: bool = False  # a door of someone else is open on this cabinet
    online: bool = True
    missing: bool = False  # no such cabinet for this person


@dataclass(frozen=True)
class DoorView:
    step: DoorStep
    message_key: str | None  # the sentence under the progress (None: a refusal's own text)
    can_open: bool  # the open button is offered
    done: int  # how many of PROGRESS are behind (or at) the step; 0 outside a visit
    tone: str  # the callout's colour scheme


_SAY = {
    DoorStep.ready: ("door.say_ready", True, 0, "gray"),
    DoorStep.asked: ("me.asked_at_cabinet", True, 0, "blue"),
    DoorStep.refused: (None, True, 0, "orange"),
    DoorStep.busy: ("door.say_busy", True, 0, "orange"),
    DoorStep.offline: ("door.say_offline", True, 0, "gray"),
    DoorStep.waiting: ("door.opening", False, 1, "blue"),
    DoorStep.open: ("door.now_open", False, 2, "blue"),
    DoorStep.counting: ("door.now_weighing", False, 3, "blue"),
    DoorStep.recorded: ("door.now_recorded", True, 4, "green"),
    DoorStep.checking: ("door.now_checking", True, 3, "amber"),
    DoorStep.failed: ("door.now_unlock_failed", True, 1, "red"),
}


def visit_step(status: str | None) -> DoorStep | None:
    """The step a visit's stored status is at (None: no visit, or a status not shown)."""
    return _OWN.get(status or "")


def step_of(facts: DoorFacts) -> DoorStep:
    """The one step the page is at. Precedence: the person's own door under way, then what the
    last press got (asked for approval, or refused: set only by a press made after any visit
    this page followed), then how that visit ended, then the cabinet's state."""
    own = visit_step(facts.own_status)
    if own in UNDER_WAY:  # their own door: whatever else is true of the cabinet
        return own
    if facts.asked:
        return DoorStep.asked
    if facts.missing or facts.refusal is not None:
        return DoorStep.refused
    if facts.following and own is not None:
        return own
    if facts.others_inside:
        return DoorStep.busy
    if not facts.online:
        return DoorStep.offline
    return DoorStep.ready


def view_of(facts: DoorFacts) -> DoorView:
    step = step_of(facts)
    message_key, can_open, done, tone = _SAY[step]
    if facts.missing:
        can_open = False
    if step is DoorStep.failed and facts.own_status == NOT_OPENED:
        message_key = "door.now_not_opened"
    return DoorView(step, message_key, can_open, done, tone)


def label_key(status: str) -> str:
    """A visit card's badge: the name of the step its stored status is at."""
    if status == NOT_OPENED:
        return "door.status_not_opened"  # unlocked, but nobody opened it: not a failure
    step = visit_step(status)
    return f"door.step_{step.value}" if step is not None else "door.status_other"
