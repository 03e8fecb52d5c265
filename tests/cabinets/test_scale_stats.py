"""Each scale learns its own noise model from the idle statistics its heartbeats carry."""

from __future__ import annotations

import logging
import random
import statistics
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from app.cabinets.models import Cabinet, Slot
from app.cabinets.services.cabinets import apply_device_message
from app.cabinets.services.scale_stats import describe, fold_heartbeat, model_of
from app.withdrawals.services.scale_model import MIN_SAMPLES, default_model
from tests.factories import make_cabinet, make_device_message, make_tenant

T0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def _cabinet(session: Session, indicator: str = "default") -> tuple[Cabinet, Slot]:
    cabinet = make_cabinet(session, make_tenant(session))
    slot = Slot(
        tenant_id=cabinet.tenant_id,
        cabinet_id=cabinet.id,
        code="A1",
        scale_unit=1,
        scale_channel=1,
        indicator=indicator,
    )
    session.add(slot)
    session.flush()
    return cabinet, slot


def _window(rng: random.Random, load_g: float, sigma_g: float, n: int = 60) -> dict:
    readings = [round((load_g + rng.gauss(0, sigma_g)) * 1000) for _ in range(n)]
    return {
        "slot": "A1",
        "n": n,
        "mean_mg": round(statistics.fmean(readings)),
        "sd_mg": round(statistics.stdev(readings)),
        "min_mg": min(readings),
        "max_mg": max(readings),
        "span_s": 29,
    }


def _heartbeat(*windows: dict, door: str = "closed") -> dict:
    return {"uptime_s": 100, "door": door, "outbox": 0, "scales": list(windows)}


def test_a_noisy_scale_keeps_its_defaults_until_enough_readings_then_uses_its_own_sigma(
    session: Session,
) -> None:
    cabinet, slot = _cabinet(session)
    rng = random.Random(7)
    fold_heartbeat(
        session=session, cabinet=cabinet, body=_heartbeat(_window(rng, 500, 2.0, n=10)), at=T0
    )
    assert slot.noise_samples == 10 < MIN_SAMPLES
    assert model_of(slot) == default_model("default")
    for k in range(1, 20):
        at = T0 + timedelta(seconds=30 * k)
        fold_heartbeat(
            session=session, cabinet=cabinet, body=_heartbeat(_window(rng, 500, 2.0)), at=at
        )
    assert slot.noise_samples == 10 + 19 * 60
    assert model_of(slot).sigma_g == pytest.approx(2.0, rel=0.1)
    assert slot.model_updated_at == T0 + timedelta(seconds=30 * 19)


def test_drift_is_learned_from_the_idle_mean_and_a_load_change_is_not_drift(
    session: Session,
) -> None:
    cabinet, slot = _cabinet(session, "laumas_tlu")
    rng = random.Random(11)
    zero, at = 500.0, T0
    for k in range(360):  # three hours of heartbeats; the zero walks 1.0 g σ per minute
        zero += rng.gauss(0, 1.0 * (0.5**0.5))
        if k == 60:
            zero -= 180  # someone took a roll of tape: a load change, not drift
        body = _heartbeat(_window(rng, zero, 0.5))
        fold_heartbeat(session=session, cabinet=cabinet, body=body, at=at)
        at += timedelta(seconds=30)
    assert model_of(slot).drift_g_per_min == pytest.approx(1.0, rel=0.3)
    # a step every 5 minutes (35 of them), less the one with the load change in it
    assert slot.drift_minutes == pytest.approx(34 * 5.0)


def test_an_open_door_breaks_the_drift_pair(session: Session) -> None:
    cabinet, slot = _cabinet(session)
    rng = random.Random(3)
    fold_heartbeat(session=session, cabinet=cabinet, body=_heartbeat(_window(rng, 500, 0.5)), at=T0)
    opened = _heartbeat(_window(rng, 503, 0.5), door="open")
    fold_heartbeat(session=session, cabinet=cabinet, body=opened, at=T0 + timedelta(seconds=30))
    assert slot.drift_minutes == 0 and slot.idle_mean_mg is None


def test_bad_statistics_are_logged_and_skipped_never_raised(
    session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    cabinet, slot = _cabinet(session)
    rng = random.Random(5)
    good = _window(rng, 500, 0.5)
    mean_outside = good | {"mean_mg": good["max_mg"] + 1}
    sd_too_big = good | {"sd_mg": good["max_mg"] - good["min_mg"] + 1}
    unknown = good | {"slot": "Z9"}
    with caplog.at_level(logging.WARNING):
        taken = fold_heartbeat(
            session=session,
            cabinet=cabinet,
            body=_heartbeat(mean_outside, sd_too_big, unknown),
            at=T0,
        )
    assert taken == 0 and slot.noise_samples == 0
    assert "mean_mg" in caplog.text and "sd_mg" in caplog.text and "Z9" in caplog.text


def test_a_stored_heartbeat_is_folded_by_the_device_message_path(session: Session) -> None:
    cabinet, slot = _cabinet(session, "tuna_id551pn")
    rng = random.Random(9)
    row = make_device_message(
        session,
        cabinet,
        message_id="hb-1",
        boot_id="b1",
        seq=0,
        type="heartbeat",
        device_ts=T0,
        payload={"body": _heartbeat(_window(rng, 800, 2.0))},
    )
    assert apply_device_message(session=session, message_row_id=row.id, now=T0)
    session.refresh(slot)
    assert slot.noise_samples == 60 and slot.noise_sigma_g == pytest.approx(2.0, rel=0.3)
    (shown,) = describe([slot])
    assert shown["indicator"] == "tuna_id551pn" and shown["learned"]
    assert shown["resolution_g"] == 1.0 and shown["samples"] == 60


def test_a_v1_heartbeat_without_statistics_changes_no_slot(session: Session) -> None:
    cabinet, slot = _cabinet(session)
    body = {"uptime_s": 1, "door": "closed", "outbox": 0}
    assert fold_heartbeat(session=session, cabinet=cabinet, body=body, at=T0) == 0
    assert slot.model_updated_at is None and not describe([slot])[0]["learned"]


def test_the_cabinet_page_says_each_scales_model_in_words(session: Session) -> None:
    from app.cabinets.services.console import cabinet_detail
    from app.cabinets.services.scale_stats import words
    from app.core.tenancy import TenantScope

    cabinet, slot = _cabinet(session, "eagle_ei2000")
    fresh = Slot(
        tenant_id=cabinet.tenant_id, cabinet_id=cabinet.id, code="B1", scale_unit=2, scale_channel=1
    )
    slot.noise_sigma_g, slot.noise_samples, slot.noise_dof = 1.27, 1200, 1180
    session.add(fresh)
    session.flush()
    scope = TenantScope.single(cabinet.tenant_id)
    learned, default = cabinet_detail(session=session, scope=scope, cabinet_id=cabinet.id).scales
    assert words(learned, "en") == (
        "A1: Eagle EI-2000 indicator, noise σ 1.27 g, division 0.5 g, zero drift 0.30 g/min, "
        "learned from this scale's 1200 idle readings"
    )
    assert "由本称台 1200 个空闲读数学得" in words(learned, "zh-CN")
    assert words(default, "en").startswith("B1: unspecified indicator, noise σ 0.50 g")
    assert "its indicator's defaults (0 readings so far" in words(default, "en")
