"""A cabinet's buffered messages carry (boot, seq): the gateway follows each cabinet's sequence
(its row locked by the batch, hardware/ingest.py) and raises one alert per gap root cause, a
cabinet and boot (docs/protocol.md § 8)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, update
from sqlmodel import Session, col, select

from app.alerts.models import Alert, AlertStatus
from app.cabinets.models import Cabinet
from app.cabinets.services.credentials import CabinetKey
from app.core import logs
from app.metrics import observe

logger = logging.getLogger(__name__)
CABINETS: Table = Cabinet.__table__  # type: ignore[attr-defined]  # set by SQLModel


@dataclass(frozen=True)
class Hole:
    index: int  # position in the batch
    cabinet_id: int
    boot: str
    seq: int


@dataclass
class Sequence:
    boot_id: str | None
    last_seq: int
    moved: bool = False


@dataclass
class Gap:
    """The first gap of a root cause in a batch, and how often it occurred in the batch."""

    root_key: str
    key: CabinetKey
    boot: str
    expected: int
    seq: int
    occurrences: int = 0

    def alert(self) -> Alert:
        return Alert(
            tenant_id=self.key.tenant_id,
            cabinet_id=self.key.cabinet_id,
            kind="seq_gap",
            root_key=self.root_key,
            message_key="alert.seq_gap",
            occurrences=self.occurrences,
            params={
                "cabinet": self.key.cabinet_code,
                "boot": self.boot,
                "expected": self.expected,
                "seq": self.seq,
            },
        )


def skip(sequence: Sequence, hole: Hole) -> None:
    """A refused message next in its sequence (or first of a new boot): the sequence moves on."""
    if sequence.boot_id == hole.boot and hole.seq == sequence.last_seq + 1:
        sequence.last_seq, sequence.moved = hole.seq, True
    elif sequence.boot_id != hole.boot and hole.seq == 0:
        sequence.boot_id, sequence.last_seq, sequence.moved = hole.boot, 0, True


def follow(
    sequence: Sequence, key: CabinetKey, message: Mapping[str, Any], gaps: dict[str, Gap]
) -> bool:
    """Track (boot, seq) of buffered messages; a jump forward within a boot, or a new boot not
    starting at 0, is a gap: messages were lost (or are still to come out of order)."""
    boot: str = message["boot"]
    seq: int = message["seq"]
    if sequence.boot_id == boot:
        expected = sequence.last_seq + 1
        gap = seq > expected
        sequence.moved |= seq > sequence.last_seq
        sequence.last_seq = max(sequence.last_seq, seq)
    else:
        expected = 0
        gap = seq > 0
        sequence.boot_id, sequence.last_seq, sequence.moved = boot, seq, True
    if gap:
        root_key = f"seq_gap:{key.cabinet_id}:{boot}"
        gaps.setdefault(root_key, Gap(root_key, key, boot, expected, seq)).occurrences += 1
    return gap


def save(session: Session, sequences: Mapping[int, Sequence]) -> None:
    moved = [
        {"cabinet": cabinet_id, "boot": s.boot_id, "seq": s.last_seq}
        for cabinet_id, s in sequences.items()
        if s.moved
    ]
    if moved:
        statement = (
            update(CABINETS)
            .where(CABINETS.c.id == bindparam("cabinet"))
            .values(boot_id=bindparam("boot"), last_seq=bindparam("seq"))
        )
        session.execute(statement, moved)


def raise_gap_alerts(session: Session, gaps: list[Gap]) -> None:
    """One alert per root cause (cabinet and boot), counting every occurrence; what this batch
    found is added to the open alert in one lookup for the whole batch."""
    if not gaps:
        return
    open_alerts = session.exec(
        select(Alert).where(
            col(Alert.tenant_id).in_({g.key.tenant_id for g in gaps}),
            col(Alert.root_key).in_([g.root_key for g in gaps]),
            Alert.status != AlertStatus.resolved.value,
        )
    ).all()
    found = {(a.tenant_id, a.root_key): a for a in open_alerts}
    for gap in gaps:
        alert = found.get((gap.key.tenant_id, gap.root_key))
        if alert is not None:
            alert.occurrences += gap.occurrences
        else:
            session.add(gap.alert())
            observe.alert_raised(session, "seq_gap")
        with logs.bound(tenant_id=gap.key.tenant_id, cabinet_id=gap.key.cabinet_id):
            logger.warning(
                "sequence gap on %s boot %s before seq %s (%s in this batch)",
                gap.key.cabinet_code,
                gap.boot,
                gap.seq,
                gap.occurrences,
            )
    session.flush()
