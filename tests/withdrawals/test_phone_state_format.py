"""The phone's pages without a browser: the employee's quotas, requests and visits (money in
yuan, moments in the tenant's zone, words in the reader's language) and the cabinet page's
visits."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.approvals.queries.inbox import RequestView
from app.core.i18n import t
from app.quotas.models import QuotaRule
from app.quotas.services.quotas import Standing
from app.withdrawals.models import Complaint
from app.withdrawals.pages.door_steps import label_key
from app.withdrawals.services.phone import MyPage, Visit
from app.withdrawals.state.cabinet_phone import visit_rows
from app.withdrawals.state.me import (
    PERIOD_KEYS,
    _amount,
    _complaint_text,
    _quota_rows,
    _request_rows,
    _visit_rows,
)

AT = datetime(2026, 1, 31, 23, 15, tzinfo=UTC)  # 07:15 on 1 February in Shanghai
LINES = [("Pen", 2, 300), ("Pad", 1, 1250)]


def _standing(kind: str, limit: int, used: int, period: str = "week") -> Standing:
    rule = QuotaRule(
        name="Pens", period=period, limit_kind=kind, limit_value=limit, subject_kind="tenant"
    )
    return Standing(rule=rule, used=used, left=limit - used, period_start=date(2026, 1, 26))


def _page(**parts: list) -> MyPage:
    return MyPage(**({"quotas": [], "requests": [], "visits": [], "awaiting": []} | parts))


def _request(**changes: object) -> RequestView:
    fields: dict = {
        "id": 3,
        "flow": "Over quota",
        "requester": "",
        "reason": "project",
        "status": "pending",
        "step": 1,
        "steps": 2,
        "item": "Pen",
        "quantity": 1,
        "created_at": AT,
        "comment": None,
    }
    return RequestView(**(fields | changes))


def test_an_amount_is_yuan_for_a_cost_and_units_for_a_count() -> None:
    assert _amount(123456, "cost") == "¥1,234.56" and _amount(7, "count") == "7"


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_quota_says_what_is_left_in_the_readers_language(locale: str) -> None:
    cost, count, unlimited = _quota_rows(
        _page(
            quotas=[
                _standing("cost", 10000, 2550),
                _standing("count", 3, 5, "year"),
                _standing("count", 0, 0),
            ]
        ),
        locale,
    )
    assert cost["period"] == t(PERIOD_KEYS["week"], locale)
    assert cost["left"] == t("me.quota_left", locale, left="¥74.50", limit="¥100.00")
    assert cost["percent_used"] == 26
    assert count["period"] == t("me.period_month", locale)  # a period the phone does not name
    assert count["percent_used"] == 100  # over the limit: full, never more
    assert unlimited["percent_used"] == 100


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_request_says_where_it_stands(locale: str) -> None:
    pending, decided = _request_rows(
        [_request(), _request(id=4, requester="Han Mei", status="approved", comment="ok")],
        locale,
        "Asia/Shanghai",
    )
    assert pending["title"] == "project" and pending["at"] == "02-01 07:15"
    assert pending["status"] == t("request.pending", locale) and pending["state"] == "pending"
    assert pending["detail"] == f"Over quota · {t('me.step', locale, step=1, steps=2)}"
    assert decided["title"] == "Han Mei · project" and decided["detail"] == "Over quota · ok"


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_visit_shows_what_was_taken_its_cost_and_its_dispute(locale: str) -> None:
    open_complaint = Complaint(text="Only one pen", status="open")
    visit = Visit(5, "Lobby", "committed", AT, LINES, complaint=open_complaint, photo="s9")
    (row,) = _visit_rows(_page(visits=[visit]), locale, "Asia/Shanghai")
    assert row["lines"] == "Pen × 2、Pad × 1" and row["total"] == "¥15.50"
    assert row["at"] == "02-01 07:15" and row["status"] == t(label_key("committed"), locale)
    assert row["complaint"] == t("me.complaint_open", locale, text="Only one pen")
    assert row["disputable"] is False  # one open dispute at a time
    assert row["photo"] == "/api/me/doors/5/snapshots/s9.jpg"


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_an_empty_visit_says_nothing_was_taken_and_may_be_disputed(locale: str) -> None:
    answered = Complaint(text="x", status="answered", answer="Corrected")
    visit = Visit(6, "Lobby", "exception", AT, [], complaint=answered)
    (row,) = _visit_rows(_page(visits=[visit]), locale, "UTC")
    assert row["lines"] == t("door.nothing_taken", locale) and row["total"] == ""
    assert row["complaint"] == t("me.complaint_answered", locale, answer="Corrected")
    assert row["disputable"] is True and row["photo"] == ""
    assert _complaint_text(Visit(7, "Lobby", "committed", AT, []), locale) == ""


def test_a_visit_under_way_is_not_disputable() -> None:
    (row,) = _visit_rows(_page(visits=[Visit(8, "Lobby", "open", AT, LINES)]), "en", "UTC")
    assert row["disputable"] is False


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_cabinet_page_lists_a_visit_once_it_is_counted(locale: str) -> None:
    done, under_way = visit_rows(
        [Visit(5, "Lobby", "committed", AT, LINES), Visit(6, "Lobby", "open", AT, LINES)],
        locale,
        "Asia/Shanghai",
    )
    assert done == {
        "id": 5,
        "state": "committed",
        "status": label_key("committed"),
        "lines": "Pen × 2、Pad × 1",
        "at": "02-01 07:15",
        "total": "¥15.50",
    }
    assert under_way["lines"] == ""  # nothing is recorded while the door is under way
    (empty,) = visit_rows([Visit(7, "Lobby", "committed", AT, [])], locale, "UTC")
    assert empty["lines"] == t("door.nothing_taken", locale) and empty["total"] == ""
