"""A session's identification with RFID: tags that left are checked against the scales for
weighed tagged items, and counted alone for items in RFID-only zones; a tag nobody's prefix
matches, or RFID and scales disagreeing, is an exception — never a guess. Without the opening's
tag set (a cabinet without a reader) the scales decide alone."""

from __future__ import annotations

from sqlmodel import Session, select

from app.cabinets.models import Slot
from app.inventory.models import MovementKind
from app.inventory.services.inventory import record_movement
from app.items.models import Item
from app.withdrawals.services.recognition import identify, sku_of_tags
from tests.factories import make_cabinet, make_planogram_entry, make_tenant

TAPE, DRIVE = "30340A0B0C", "30340A0B0D"  # EPC prefixes (SGTIN header, company, item)


def cabinet_slots(session: Session, cabinet) -> list[Slot]:
    return list(session.exec(select(Slot).where(Slot.cabinet_id == cabinet.id)))


def _tag(prefix: str, serial: int) -> str:
    return f"{prefix}{serial:0{24 - len(prefix)}X}"


def _cabinet(session: Session):
    """A1: a scale holding RFID-tagged tape (180 g a roll); R1: an RFID zone of USB drives."""
    tenant = make_tenant(session)
    cabinet = make_cabinet(session, tenant)
    scale = Slot(
        tenant_id=tenant.id, cabinet_id=cabinet.id, code="A1", scale_unit=1, scale_channel=1
    )
    zone = Slot(tenant_id=tenant.id, cabinet_id=cabinet.id, code="R1", kind="rfid", rfid_zone="R1")
    tape = Item(
        tenant_id=tenant.id,
        sku="TAPE",
        name="胶带",
        unit_weight_g=180.0,
        weight_tolerance_g=1.0,
        rfid_tagged=True,
        epc_prefix=TAPE,
    )
    drive = Item(
        tenant_id=tenant.id,
        sku="USB",
        name="U盘",
        unit_weight_g=9.0,
        rfid_tagged=True,
        epc_prefix=DRIVE,
    )
    session.add_all([scale, zone, tape, drive])
    session.flush()
    for slot, item in ((scale, tape), (zone, drive)):
        make_planogram_entry(session, slot, item)
        record_movement(
            session=session,
            tenant_id=tenant.id,
            cabinet_id=cabinet.id,
            slot_id=slot.id,
            item_id=item.id,
            kind=MovementKind.adjustment,
            quantity_delta=6,
        )
    tags = [_tag(TAPE, n) for n in range(6)] + [_tag(DRIVE, n) for n in range(6)]
    return cabinet, tape, drive, tags


def _scale(taken_rolls: int) -> list[dict]:
    before = 300_000 + 6 * 180_000
    return [
        {
            "slot": "A1",
            "before_mg": before,
            "after_mg": before - taken_rolls * 180_000,
            "stable": True,
        }
    ]


def test_a_weighed_tagged_item_commits_when_tags_and_scale_agree(session: Session) -> None:
    cabinet, tape, _drive, tags = _cabinet(session)
    after = [t for t in tags if t != _tag(TAPE, 0)]
    verdict, taken = identify(session, cabinet, _scale(1), rfid_before=tags, rfid_after=after)
    assert verdict.status == "committed" and verdict.counts == {str(tape.id): 1}
    assert [(slot.code, item.id, n) for slot, item, n in taken] == [("A1", tape.id, 1)]


def test_scale_and_tags_disagreeing_is_an_exception(session: Session) -> None:
    cabinet, _tape, _drive, tags = _cabinet(session)
    after = tags[2:]  # two tape tags gone, the scale lost one roll
    verdict, _ = identify(session, cabinet, _scale(1), rfid_before=tags, rfid_after=after)
    assert (verdict.status, verdict.reason) == ("exception", "sources_disagree")


def test_an_rfid_zone_item_is_counted_by_its_tags_alone(session: Session) -> None:
    cabinet, _tape, drive, tags = _cabinet(session)
    after = [t for t in tags if t not in (_tag(DRIVE, 1), _tag(DRIVE, 4))]
    verdict, taken = identify(session, cabinet, _scale(0), rfid_before=tags, rfid_after=after)
    assert verdict.status == "committed" and verdict.counts == {str(drive.id): 2}
    assert [(slot.code, item.id, n) for slot, item, n in taken] == [("R1", drive.id, 2)]


def test_a_tag_of_no_known_item_is_an_exception(session: Session) -> None:
    cabinet, _tape, _drive, tags = _cabinet(session)
    stranger = _tag("E2000000", 7)
    verdict, _ = identify(
        session, cabinet, _scale(0), rfid_before=[*tags, stranger], rfid_after=tags
    )
    assert (verdict.status, verdict.reason) == ("exception", "rfid_unexplained")


def test_without_the_opening_tags_the_scales_decide(session: Session) -> None:
    cabinet, tape, _drive, tags = _cabinet(session)
    verdict, _ = identify(session, cabinet, _scale(1), rfid_before=None, rfid_after=tags)
    assert verdict.status == "committed" and verdict.counts == {str(tape.id): 1}


def test_the_longest_prefix_names_the_item(session: Session) -> None:
    tenant = make_tenant(session)
    broad = Item(
        tenant_id=tenant.id, sku="A", name="a", unit_weight_g=1, rfid_tagged=True, epc_prefix="3034"
    )
    narrow = Item(
        tenant_id=tenant.id,
        sku="B",
        name="b",
        unit_weight_g=1,
        rfid_tagged=True,
        epc_prefix="30340A",
    )
    session.add_all([broad, narrow])
    session.flush()
    tags = {"30340A0000000001", "3034FF0000000001", "E2000000000001"}
    assert sku_of_tags(tags, [broad, narrow]) == {
        "30340A0000000001": str(narrow.id),
        "3034FF0000000001": str(broad.id),
    }


def test_a_scale_rfid_settles_is_booked_from_that_scale(session: Session) -> None:
    """Weight alone cannot tell a roll of tape from the untagged book beside it; the tags say a
    roll left. The roll is committed *and* booked off A1 (the scale RFID settled)."""
    cabinet, tape, _drive, tags = _cabinet(session)
    scale = next(s for s in cabinet_slots(session, cabinet) if s.code == "A1")
    book = Item(tenant_id=cabinet.tenant_id, sku="BOOK", name="手册", unit_weight_g=180.4)
    session.add(book)
    session.flush()
    make_planogram_entry(session, scale, book)
    record_movement(
        session=session,
        tenant_id=cabinet.tenant_id,
        cabinet_id=cabinet.id,
        slot_id=scale.id,
        item_id=book.id,
        kind=MovementKind.adjustment,
        quantity_delta=3,
    )
    reading = _scale(1)
    reading[0]["before_mg"] += 3 * 180_400
    reading[0]["after_mg"] += 3 * 180_400
    after = [t for t in tags if t != _tag(TAPE, 0)]
    verdict, taken = identify(session, cabinet, reading, rfid_before=tags, rfid_after=after)
    assert verdict.status == "committed" and verdict.counts == {str(tape.id): 1}
    assert [(slot.code, item.id, n) for slot, item, n in taken] == [("A1", tape.id, 1)]
    assert verdict.readings[0].status == "by_rfid"  # the evidence says who settled it
