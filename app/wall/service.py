"""Wall displays (create once with its token, revoke, find by token) and the wall's snapshot:
what one tenant's wall shows, read in one unit of work for all the screens of that tenant."""

from __future__ import annotations

import hashlib
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.alerts.models import Alert, AlertStatus, Severity
from app.audit.services.records import Actor, record_created, update_scoped
from app.cabinets.models import Cabinet, CabinetStatus, Slot
from app.cabinets.services.presence import presence_status
from app.core.announce import announce
from app.core.days import start_of_local_day
from app.core.errors import ValidationError
from app.core.i18n import LOCALES, t
from app.core.model_base import pk
from app.core.tenancy import TenantScope, scoped_select
from app.core.text import refuse_unsafe
from app.inventory.models import PlanogramEntry, Stock
from app.items.models import Item
from app.tenants.models import Tenant, TenantStatus
from app.tenants.services.status import is_suspended
from app.wall.models import WallDisplay
from app.withdrawals.models import Withdrawal, WithdrawalLine

TOP_ITEMS = 10
TICKER_ALERTS = 10
OPEN_ALERTS_READ = 500  # one alert per root cause: a tenant has far fewer open at once
DISPLAYS_LISTED = 100
SLOTS_SHOWN = 12  # the lowest-filled first: what needs attention fits the screen

# What colours a cabinet's tile and an alert in the ticker, worst first. Someone may be taking
# things unrecorded, or the cabinet cannot count (door, tamper, scale, power): critical, red.
# Low stock: amber. Other open alerts (a quota overrun, a restricted item taken…) are about
# people, not the cabinet: the ticker names them as notices, the tile stays as it is.
CRITICAL, LOW, NOTICE, OFFLINE, OK = "critical", "low", "notice", "offline", "ok"
CABINET_FAULTS = frozenset(
    {
        "door_left_open",
        "alarm_door_forced",
        "alarm_tamper",
        "alarm_scale_fault",
        "alarm_rfid_fault",
        "alarm_power_loss",
        "ledger_mismatch",
    }
)
_TICKER_RANK = {CRITICAL: 0, LOW: 1, NOTICE: 2}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_display(
    *, session: Session, scope: TenantScope, tenant_id: int, name: str, actor: Actor
) -> tuple[WallDisplay, str]:
    """A new display and its token (shown once: only its hash is kept)."""
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise ValidationError(field="name")
    refuse_unsafe(name, "name")
    if not scope.allows(tenant_id):
        raise ValidationError(field="tenant")
    token = secrets.token_urlsafe(24)
    display = WallDisplay(tenant_id=tenant_id, name=name, token_hash=token_hash(token))
    session.add(display)
    session.flush()
    record_created(session, display, actor=actor)
    return display, token


def revoke_display(
    *, session: Session, scope: TenantScope, display_id: int, actor: Actor
) -> WallDisplay:
    """The screen goes dark within a second (its tenant's walls are told on the bus)."""
    display = update_scoped(
        session, WallDisplay, display_id, scope, {"revoked_at": datetime.now(UTC)}, actor=actor
    )
    announce(session, display.tenant_id, "wall", display=display.id, change="revoked")
    return display


def list_displays(*, session: Session, scope: TenantScope) -> list[WallDisplay]:
    return list(
        session.exec(
            scoped_select(WallDisplay, scope)
            .order_by(col(WallDisplay.revoked_at).is_not(None), col(WallDisplay.id).desc())
            .limit(DISPLAYS_LISTED)
        )
    )


def display_by_token(*, session: Session, token: str) -> WallDisplay | None:
    """The live display this token opens (None: unknown or revoked)."""
    if not token or len(token) > 64:
        return None
    display = session.exec(
        select(WallDisplay).where(WallDisplay.token_hash == token_hash(token))
    ).first()
    if display is None or display.revoked_at is not None:
        return None
    return None if is_suspended(session, display.tenant_id) else display


def seen(*, session: Session, display_id: int, now: datetime | None = None) -> None:
    """The screen is alive (the console shows when each display was last seen)."""
    display = session.get(WallDisplay, display_id)
    if display is not None:
        display.last_seen_at = now or datetime.now(UTC)


@dataclass(frozen=True)
class WallSnapshot:
    tenant_id: int
    tenant_name: str
    locale: str
    timezone: str
    live_displays: frozenset[str]  # token hashes of the tenant's unrevoked displays
    # code, name, status (online / open / offline / never), low (slots), level (the tile's
    # colour: cabinet_level), fault (the kind of its worst open alert, "" if none)
    cabinets: list[dict[str, Any]]
    slots: list[dict[str, Any]]  # cabinet, slot, item, quantity, par, low, fill (0–100)
    low_slots: int  # all of them, not only those shown
    today_count: int
    today_qty: int
    hourly: list[int]  # withdrawals in each local hour of today, 0–23
    top_items: list[tuple[str, int]]
    alerts: list[
        dict[str, Any]
    ]  # level (alert_level), kind, text: {locale: the alert in that language}
    taken_at: datetime


def alert_level(kind: str, severity: str) -> str:
    """An open alert's level on the wall: critical (red), low (amber) or notice."""
    if kind == "cabinet_offline":
        return NOTICE  # the tile says offline itself (grey): not a red fault
    if kind in CABINET_FAULTS or severity == Severity.critical.value:
        return CRITICAL
    return LOW if kind == "low_stock" else NOTICE


def cabinet_level(status: str, alert_kinds: list[tuple[str, str]], low_slots: int) -> str:
    """A cabinet tile's colour from its presence and its open alerts' (kind, severity): a
    fault is red even when the cabinet is offline (what happened matters more than that it went
    quiet), offline or never connected is grey, low stock amber, otherwise ok (green)."""
    levels = {alert_level(kind, severity) for kind, severity in alert_kinds}
    if CRITICAL in levels:
        return CRITICAL
    if status in ("offline", "never"):
        return OFFLINE
    return LOW if LOW in levels or low_slots > 0 else OK


def worst_fault(alert_kinds: list[tuple[str, str]]) -> str:
    """The kind of the worst of a cabinet's open alerts that colours its tile ("" if none)."""
    ranked = sorted(
        (_TICKER_RANK[alert_level(k, s)], k) for k, s in alert_kinds if alert_level(k, s) != NOTICE
    )
    return ranked[0][1] if ranked else ""


def _open_alerts(session: Session, scope: TenantScope) -> list[Alert]:
    return list(
        session.exec(
            scoped_select(Alert, scope)
            .where(Alert.status != AlertStatus.resolved.value)
            .order_by(col(Alert.id).desc())
            .limit(OPEN_ALERTS_READ)
        ).all()
    )


IN_PLACE = Cabinet.status != CabinetStatus.retired.value  # decommissioned: off the wall


def _cabinets(
    session: Session, scope: TenantScope, low_by_cabinet: Counter[Any], alerts: list[Alert]
) -> list[dict[str, Any]]:
    rows = session.exec(scoped_select(Cabinet, scope).where(IN_PLACE).order_by(Cabinet.code)).all()
    kinds: dict[int, list[tuple[str, str]]] = {}
    for alert in alerts:
        if alert.cabinet_id is not None:
            kinds.setdefault(alert.cabinet_id, []).append((alert.kind, alert.severity))
    cabinets = []
    for c in rows:
        status = presence_status(
            online=c.is_online, door=c.door_state, last_heard_at=c.last_heartbeat_at
        )
        mine = kinds.get(pk(c), [])
        cabinets.append(
            {
                "code": c.code,
                "name": c.name,
                "status": status,
                "low": low_by_cabinet[c.id],
                "level": cabinet_level(status, mine, low_by_cabinet[c.id]),
                "fault": worst_fault(mine),
            }
        )
    return cabinets


def _slots(session: Session, tenant_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Cabinet.id, Cabinet.name, Slot.code, Item.name, Stock.quantity, PlanogramEntry)  # type: ignore[call-overload]
        .join(Slot, Slot.id == PlanogramEntry.slot_id)
        .join(Cabinet, Cabinet.id == PlanogramEntry.cabinet_id)
        .join(Item, Item.id == PlanogramEntry.item_id)
        .join(
            Stock,
            (Stock.slot_id == PlanogramEntry.slot_id) & (Stock.item_id == PlanogramEntry.item_id),
            isouter=True,
        )
        .where(PlanogramEntry.tenant_id == tenant_id, IN_PLACE)
    ).all()
    slots = []
    for cabinet_id, cabinet, slot, item, quantity, entry in rows:
        quantity = quantity or 0
        par = max(entry.par_qty, 1)
        slots.append(
            {
                "cabinet_id": cabinet_id,
                "cabinet": cabinet,
                "slot": slot,
                "item": item,
                "quantity": quantity,
                "par": entry.par_qty,
                "low": quantity < entry.min_qty,
                "fill": min(100, round(100 * quantity / par)),
            }
        )
    slots.sort(key=lambda s: (not s["low"], s["fill"], s["cabinet"], s["slot"]))
    return slots


def _today(
    session: Session, tenant_id: int, since: datetime, zone: ZoneInfo
) -> tuple[list[int], list[tuple[str, int]]]:
    moments = session.exec(
        select(Withdrawal.created_at).where(
            Withdrawal.tenant_id == tenant_id, Withdrawal.created_at >= since
        )
    ).all()
    hourly = [0] * 24
    for moment in moments:
        hourly[moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(zone).hour] += 1
    top = session.exec(
        select(Item.name, func.sum(WithdrawalLine.quantity))
        .join(Withdrawal, col(Withdrawal.id) == WithdrawalLine.withdrawal_id)
        .join(Item, col(Item.id) == WithdrawalLine.item_id)
        .where(Withdrawal.tenant_id == tenant_id, Withdrawal.created_at >= since)
        .group_by(Item.name)
        .order_by(func.sum(WithdrawalLine.quantity).desc(), Item.name)
        .limit(TOP_ITEMS)
    ).all()
    return hourly, [(name, int(qty)) for name, qty in top]


def _ticker(alerts: list[Alert]) -> list[dict[str, Any]]:
    """The worst first, then the newest; each in every language (a wall speaks its own)."""
    ranked = sorted(alerts, key=lambda a: _TICKER_RANK[alert_level(a.kind, a.severity)])
    return [
        {
            "level": alert_level(a.kind, a.severity),
            "kind": a.kind,
            "text": {locale: t(a.message_key, locale, **(a.params or {})) for locale in LOCALES},
        }
        for a in ranked[:TICKER_ALERTS]
    ]


def wall_snapshot(*, session: Session, tenant_id: int, now: datetime | None = None) -> WallSnapshot:
    now = now or datetime.now(UTC)
    scope = TenantScope.single(tenant_id)
    tenant = session.get_one(Tenant, tenant_id)
    locale = (tenant.settings or {}).get("locale", "zh-CN")
    zone = ZoneInfo(tenant.timezone)
    slots = _slots(session, tenant_id)
    low_by_cabinet = Counter(s["cabinet_id"] for s in slots if s["low"])
    hourly, top = _today(session, tenant_id, start_of_local_day(now, tenant.timezone), zone)
    today_qty = session.exec(
        select(func.coalesce(func.sum(Withdrawal.total_qty), 0)).where(
            Withdrawal.tenant_id == tenant_id,
            Withdrawal.created_at >= start_of_local_day(now, tenant.timezone),
        )
    ).one()
    alerts = _open_alerts(session, scope)
    live = session.exec(
        select(WallDisplay.token_hash).where(
            WallDisplay.tenant_id == tenant_id, col(WallDisplay.revoked_at).is_(None)
        )
    ).all()
    if tenant.status == TenantStatus.suspended.value:
        live = []  # its walls go dark at the next tick (announced: at once)
    return WallSnapshot(
        tenant_id=tenant_id,
        tenant_name=tenant.name,
        locale=locale,
        timezone=tenant.timezone,
        live_displays=frozenset(live),
        cabinets=_cabinets(session, scope, low_by_cabinet, alerts),
        slots=slots[:SLOTS_SHOWN],
        low_slots=sum(low_by_cabinet.values()),
        today_count=sum(hourly),
        today_qty=int(today_qty),
        hourly=hourly,
        top_items=top,
        alerts=_ticker(alerts),
        taken_at=now,
    )
