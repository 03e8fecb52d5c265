"""The phone's door steps: one step from the facts, the person's own door first, so the page can
never say "someone is using this cabinet" about their own visit, and the steps of a visit come
in order."""

from __future__ import annotations

import pytest

from app.withdrawals.pages.door_steps import (
    PROGRESS,
    DoorFacts,
    DoorStep,
    label_key,
    step_of,
    view_of,
    visit_step,
)


@pytest.mark.parametrize(
    ("status", "step"),
    [
        ("unlocking", DoorStep.waiting),
        ("open", DoorStep.open),
        ("closed", DoorStep.counting),
        ("committed", DoorStep.recorded),
        ("exception", DoorStep.checking),
        ("expired", DoorStep.failed),
        ("door_not_opened", DoorStep.failed),
    ],
)
def test_a_followed_visit_shows_its_own_step(status: str, step: DoorStep) -> None:
    assert step_of(DoorFacts(own_status=status, following=True)) is step


@pytest.mark.parametrize("status", ["unlocking", "open", "closed"])
def test_their_own_door_under_way_wins_over_a_busy_refusal(status: str) -> None:
    """The reported bug: after "open", the refusal "someone is using this cabinet" showed above
    the person's own unlocking visit."""
    facts = DoorFacts(
        own_status=status,
        following=False,  # even before the page adopted it (a reload, a second tap)
        refusal="door.refused_cabinet_busy",
        others_inside=True,
        online=False,
    )
    view = view_of(facts)
    assert view.step is visit_step(status)
    assert view.message_key != "door.refused_cabinet_busy" and view.step is not DoorStep.busy
    assert view.can_open is False  # no second press while their own door is under way


def test_a_visit_goes_through_the_steps_in_order() -> None:
    shown = [
        view_of(DoorFacts(own_status=s, following=True))
        for s in ("unlocking", "open", "closed", "committed")
    ]
    assert [v.step for v in shown] == list(PROGRESS)
    assert [v.done for v in shown] == [1, 2, 3, 4]
    assert [v.can_open for v in shown] == [False, False, False, True]
    assert shown[-1].message_key == "door.now_recorded" and shown[-1].tone == "green"


def test_a_door_that_never_opened_says_try_again() -> None:
    failed = view_of(DoorFacts(own_status="expired", following=True))
    assert (failed.step, failed.message_key, failed.can_open, failed.tone) == (
        DoorStep.failed,
        "door.now_unlock_failed",
        True,
        "red",
    )
    unused = view_of(DoorFacts(own_status="door_not_opened", following=True))
    assert unused.message_key == "door.now_not_opened"


def test_an_old_visit_not_followed_leaves_the_cabinet_ready() -> None:
    """Yesterday's recorded visit is in the list, not the step: the page offers to open."""
    assert step_of(DoorFacts(own_status="committed")) is DoorStep.ready
    assert step_of(DoorFacts(own_status="expired")) is DoorStep.ready


@pytest.mark.parametrize(
    ("facts", "step", "can_open"),
    [
        (DoorFacts(), DoorStep.ready, True),
        (DoorFacts(others_inside=True), DoorStep.busy, True),
        (DoorFacts(online=False), DoorStep.offline, True),
        (DoorFacts(refusal="door.refused_quota_used_up"), DoorStep.refused, True),
        (DoorFacts(missing=True, refusal="error.not_found"), DoorStep.refused, False),
        (DoorFacts(asked=True, refusal="x"), DoorStep.asked, True),
        (
            DoorFacts(refusal="door.refused_cabinet_busy", others_inside=True),
            DoorStep.refused,
            True,
        ),
    ],
)
def test_without_a_door_of_theirs_the_cabinet_speaks(
    facts: DoorFacts, step: DoorStep, can_open: bool
) -> None:
    view = view_of(facts)
    assert (view.step, view.can_open, view.done) == (step, can_open, 0)


def test_every_fact_combination_gives_exactly_one_consistent_step() -> None:
    """Whatever the facts, one step; a door of their own under way is never called anything
    else, and the button is never offered while it is."""
    statuses = [None, "unlocking", "open", "closed", "committed", "exception", "expired"]
    for status in statuses:
        for following in (False, True):
            for refusal in (None, "door.refused_cabinet_busy"):
                for others in (False, True):
                    for online in (False, True):
                        facts = DoorFacts(status, following, refusal, False, others, online)
                        view = view_of(facts)
                        if visit_step(status) in (
                            DoorStep.waiting,
                            DoorStep.open,
                            DoorStep.counting,
                        ):
                            assert view.step is visit_step(status) and not view.can_open
                        if view.step is DoorStep.busy:
                            assert others and refusal is None


def test_visit_cards_name_the_same_steps() -> None:
    assert label_key("unlocking") == "door.step_waiting"
    assert label_key("committed") == "door.step_recorded"
    assert label_key("door_not_opened") == "door.status_not_opened"
    assert label_key("restocked?") == "door.status_other"


def test_every_step_speaks_through_the_translation_table() -> None:
    from app.core.i18n import MESSAGES

    for step in DoorStep:
        view = view_of(DoorFacts(own_status=None, asked=step is DoorStep.asked))
        assert view.message_key is None or view.message_key in MESSAGES
        assert step.value in ("ready", "refused", "busy", "offline", "asked") or (
            f"door.step_{step.value}" in MESSAGES
        )
    for status in ("unlocking", "open", "closed", "committed", "exception", "expired"):
        assert view_of(DoorFacts(own_status=status, following=True)).message_key in MESSAGES


def test_a_press_refused_after_a_finished_visit_shows_the_refusal() -> None:
    """A recorded visit, then a second press on a cabinet now in maintenance: the refusal is
    newer than the visit and is what the page says, with the button offered again."""
    facts = DoorFacts(
        own_status="committed",
        following=True,
        refusal="screen.refused_cabinet_maintenance",
    )
    view = view_of(facts)
    assert view.step is DoorStep.refused and view.can_open
