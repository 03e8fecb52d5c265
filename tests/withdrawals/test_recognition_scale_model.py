"""Regression (issue 15): recognition built every ScaleReading with the defaults (σ 0.5 g,
drift 0.2 g, 60 s), whatever the scale. Now each reading carries its slot's own model (its
indicator's defaults, or what it learned), the time since its baseline, the door-closed series
and the tenant's per-visit limit."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from app.cabinets.models import Slot
from app.inventory.models import MovementKind
from app.inventory.services.inventory import record_movement
from app.items.models import Item
from app.withdrawals.services import recognition
from app.withdrawals.services.identify import ScaleReading
from app.withdrawals.services.scale_model import default_model
from tests.factories import make_cabinet, make_planogram_entry, make_tenant

T0 = 1_764_201_600_000


def _cabinet(session: Session, indicator: str, settings: dict | None = None):
    tenant = make_tenant(session)
    tenant.settings = settings
    cabinet = make_cabinet(session, tenant)
    slot = Slot(
        tenant_id=tenant.id,
        cabinet_id=cabinet.id,
        code="A1",
        scale_unit=1,
        scale_channel=1,
        indicator=indicator,
    )
    pen = Item(tenant_id=tenant.id, sku="PEN", name="笔", unit_weight_g=11.0)
    session.add_all([slot, pen])
    session.flush()
    make_planogram_entry(session, slot, pen)
    record_movement(
        session=session,
        tenant_id=tenant.id,
        cabinet_id=cabinet.id,
        slot_id=slot.id,
        item_id=pen.id,
        kind=MovementKind.adjustment,
        quantity_delta=12,
    )
    return cabinet, slot


def _seen(session, cabinet, readings, monkeypatch, **kwargs) -> ScaleReading:
    seen: list[ScaleReading] = []
    real = recognition.by_weight

    def spy(reading: ScaleReading, restock: bool = False):
        seen.append(reading)
        return real(reading, restock=restock)

    monkeypatch.setattr(recognition, "by_weight", spy)
    recognition.identify(session, cabinet, readings, **kwargs)
    (reading,) = seen
    return reading


READING = {"slot": "A1", "before_mg": 632_000, "after_mg": 610_000, "stable": True}


def test_a_reading_carries_its_scales_indicator_model_not_the_defaults(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    cabinet, _ = _cabinet(session, "tuna_id551pn")
    reading = _seen(session, cabinet, [READING], monkeypatch)
    assert reading.model == default_model("tuna_id551pn")
    assert reading.model.sigma_g == 2.0 and reading.model.resolution_g == 1.0


def test_a_reading_carries_what_its_scale_learned(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    cabinet, slot = _cabinet(session, "laumas_tlu")
    slot.noise_sigma_g, slot.noise_samples, slot.noise_dof = 1.4, 600, 590
    slot.drift_g_per_min, slot.drift_minutes = 0.9, 120.0
    session.flush()
    model = _seen(session, cabinet, [READING], monkeypatch).model
    assert (model.sigma_g, model.drift_g_per_min) == (1.4, 0.9)
    assert model.resolution_g == default_model("laumas_tlu").resolution_g


def test_elapsed_time_series_and_the_tenants_limit_reach_the_reading(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    cabinet, _ = _cabinet(session, "eagle_ei2000", {"max_per_visit": 4})
    v11 = READING | {"baseline_at": T0, "series_mg": [612_500, 610_500, 610_000]}
    reading = _seen(session, cabinet, [v11], monkeypatch, closed_at_ms=T0 + 95_000)
    assert reading.elapsed_s == 95.0
    assert reading.after_series_g == (612.5, 610.5, 610.0)
    assert reading.max_per_visit == 4


def test_a_v1_reading_gets_the_defaults_for_what_it_does_not_say(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    cabinet, _ = _cabinet(session, "default", {"max_per_visit": "lots"})
    reading = _seen(session, cabinet, [READING], monkeypatch, closed_at_ms=T0)
    assert reading.elapsed_s == 60.0 and reading.after_series_g == ()
    assert reading.max_per_visit == 10  # a malformed setting is not trusted


def test_a_settled_door_closed_series_teaches_the_scale_its_noise(session: Session) -> None:
    cabinet, slot = _cabinet(session, "eagle_ei2000")
    settled = READING | {"series_mg": [610_800, 609_200, 610_000, 610_400, 609_600]}
    recognition.identify(session, cabinet, [settled], closed_at_ms=T0)
    assert (slot.noise_samples, slot.noise_dof) == (5, 4)
    assert slot.noise_sigma_g == pytest.approx(0.632, abs=0.001)  # the series' own sample σ
    sliding = READING | {"series_mg": [622_000, 617_000, 614_000, 612_000, 611_000]}
    recognition.identify(session, cabinet, [sliding], closed_at_ms=T0 + 60_000)
    assert slot.noise_samples == 5  # a load still settling says nothing of the noise
