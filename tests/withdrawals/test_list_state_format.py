"""The withdrawals list and the review page without a browser: rows and the drawer in yuan,
grams and the tenant's time, the filters and count fields refused naming the field."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.core.errors import ValidationError
from app.core.i18n import t
from app.withdrawals.queries.listing import LineView, WithdrawalDetail, WithdrawalRow
from app.withdrawals.services.complaints import ComplaintRow
from app.withdrawals.services.review import DisputeCase, Entry, ExceptionCase, SlotEvidence
from app.withdrawals.state.review import _entries, case_rows, counts_from, dispute_rows
from app.withdrawals.state.withdrawals import _optional_date, detail_of, withdrawal_rows

TAKEN = datetime(2026, 6, 30, 16, 0, 9, tzinfo=UTC)  # 00:00:09 on 1 July in Shanghai
ROW = WithdrawalRow(8, TAKEN, "Li Lei", "Sales", "Lobby", 3, 1234567, "committed", "door")
VISION = {
    "vision": {
        "phases": {"s1": ("after", "top"), "s0": ("before", "top")},
        "slots": {
            "A1": {
                "before": {"pen": 3},
                "after": {"pen": 1},
                "before_sure": True,
                "after_sure": True,
            }
        },
    }
}


def test_a_withdrawal_row_shows_its_amount_in_yuan_at_the_tenants_time() -> None:
    (row,) = withdrawal_rows([ROW], "Asia/Shanghai")
    assert row == {
        "id": 8,
        "at": "2026-07-01 00:00",
        "person": "Li Lei",
        "department": "Sales",
        "cabinet": "Lobby",
        "qty": 3,
        "amount": "12,345.67",
        "status": "committed",
    }


def test_the_drawer_shows_lines_in_yuan_weights_in_grams_and_the_cameras_evidence() -> None:
    found = WithdrawalDetail(
        row=ROW,
        lines=[LineView("Pen", 3, 150, 450)],
        evidence=[SlotEvidence("A1", 512.04, 474.55, True)],
        identification=VISION,
        door_id=5,
    )
    detail = detail_of(found, "Asia/Shanghai")
    assert (detail["at"], detail["amount"], detail["source"]) == (
        "2026-07-01 00:00:09",
        "12,345.67",
        "door",
    )
    assert detail["lines"] == [{"item": "Pen", "qty": 3, "amount": "4.50"}]
    assert detail["evidence"] == [
        {"slot": "A1", "before": "512.0", "after": "474.6", "change": "-37.5"}
    ]
    assert [p["phase"] for p in detail["pictures"]] == ["before", "after"]
    assert detail["pictures"][0]["url"] == "/api/doors/5/snapshots/s0.jpg"
    assert detail["camera"] == [{"slot": "A1", "before": "pen ×3", "after": "pen ×1", "sure": True}]


def test_filters_that_name_nothing_are_none() -> None:
    assert _optional_date("", "since") is None and _optional_date(None, "since") is None
    assert _optional_date("2026-03-04", "since") == date(2026, 3, 4)


@pytest.mark.parametrize("value", ["yesterday", "2026-02-30", ["2026-03-04"], True, 3.5])
def test_a_bad_date_filter_is_refused_naming_the_field(value: object) -> None:
    with pytest.raises(ValidationError) as refused:
        _optional_date(value, "until")
    assert refused.value.params["field"] == "until"


def test_the_count_fields_become_counts_and_other_fields_are_ignored() -> None:
    form = {"q_4_9": " 2 ", "q_5_9": 0, "case": "3", "reason": "x", 7: "y"}
    assert counts_from(form) == {(4, 9): 2, (5, 9): 0}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("q_4_9", "-1"),
        ("q_4_9", "2.5"),
        ("q_4_9", None),
        ("q_4_9", ["2"]),
        ("q_4", "2"),
        ("q_a_9", "2"),
        ("q_4_9_1", "2"),
    ],
)
def test_a_bad_count_field_is_refused_naming_the_row(key: str, value: object) -> None:
    with pytest.raises(ValidationError) as refused:
        counts_from({key: value})
    assert refused.value.key == "error.not_a_count"
    assert refused.value.params == {"field": "quantity", "row": key}


def test_a_huge_count_is_refused_naming_the_row() -> None:
    """Past int()'s 4,300-digit limit: still the field named, not a bare ValueError."""
    with pytest.raises(ValidationError):
        counts_from({"q_4_9": "9" * 5000})


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_case_shows_why_in_the_readers_language_and_the_weights_in_grams(locale: str) -> None:
    case = ExceptionCase(
        door_session_id=5,
        cabinet="Lobby",
        person="Li Lei",
        at=TAKEN,
        reason="weight_unstable",
        slots=[SlotEvidence("A1", 500.0, 487.46, False)],
        entries=[Entry(4, 9, "A1", "Pen", 12.5, 1)],
        identification=VISION,
    )
    (row,) = case_rows([case], locale, "Asia/Shanghai")
    assert row["at"] == "07-01 00:00" and row["reason"] == t(
        "review.reason.weight_unstable", locale
    )
    assert row["slots"] == [
        {
            "slot": "A1",
            "before": "500.0 g",
            "after": "487.5 g",
            "change": "-12.5 g",
            "steady": False,
        }
    ]
    assert row["entries"] == [{"name": "q_4_9", "label": "A1 · Pen (12.5 g)", "suggested": 1}]
    assert len(row["pictures"]) == 2 and row["camera"][0]["slot"] == "A1"
    unknown = case_rows([case.__class__(**{**case.__dict__, "reason": "new_kind"})], locale, "UTC")
    assert unknown[0]["reason"] == t("review.reason_other", locale)


def test_a_dispute_shows_when_it_was_raised_and_what_to_correct() -> None:
    complaint = ComplaintRow(2, 5, 8, "Li Lei", "Lobby", "I took one", "open", None, TAKEN)
    (row,) = dispute_rows([DisputeCase(complaint, [Entry(4, 9, "A1", "Pen", 12.0, 3)])], "UTC")
    assert (row["id"], row["at"], row["text"]) == (2, "06-30 16:00", "I took one")
    assert row["entries"] == _entries([Entry(4, 9, "A1", "Pen", 12.0, 3)])
    assert row["entries"][0]["label"] == "A1 · Pen (12 g)"
